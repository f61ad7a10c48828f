"""Demo workshop for Aurora Milano: customers' cars, open orders in every state the board shows
(one waiting for the owner's approval, one ready, one urgent from an emergency), courtesy cars
with one out, and the advisor on call this week.

Built through the services like the other demo builders, and idempotent: each order is keyed by
its car's plate, the courtesy cars by plate, the shift by who and when.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vicino.core.models import Membership, Network, Site
from vicino.core.roles import Role
from vicino.people import services as people
from vicino.people.models import Customer
from vicino.sales.models import Fuel

from . import services
from .models import CourtesyVehicle, OnCall, RepairOrder, Vehicle

S = RepairOrder.Status
# (first name, last name, plate, make, model, year, km, fuel, what they report, status, promised in hours from now)
ORDERS = [
    ("Carla", "D'Angelo", "FA123BC", "Aurora", "Stella", 2022, 31200, Fuel.HYBRID, "Tagliando dei 30.000 km e rumore dai freni anteriori",
     S.DIAGNOSIS, 6),
    ("Nicolò", "Paternò", "GB456CD", "Aurora", "Luna", 2023, 18450, Fuel.ELECTRIC, "Spia del climatizzatore accesa, tagliando annuale",
     S.WAITING_APPROVAL, 26),
    ("Maria Grazia", "Cantù", "EK789EF", "Fiat", "Panda", 2017, 98200, Fuel.PETROL, "Cambio gomme invernali ed equilibratura", S.READY, 1),
    ("Giuseppe", "Dell'Acqua", "FZ321GH", "Aurora", "Stella", 2021, 54010, Fuel.DIESEL, "Sostituzione frizione", S.IN_PROGRESS, -3),
]  # fmt: skip
EMERGENCY = {"plate": "GH456JK", "location": "A4 km 132 direzione Venezia, area di servizio Limenella", "phone": "333 9876543",
             "what_happened": "Spia motore rossa e auto in protezione, non riparte", "name": "Paolo Neri"}  # fmt: skip
COURTESY = [("Aurora Luna (cortesia)", "GG001AA", Fuel.ELECTRIC), ("Aurora Stella (cortesia)", "GG002AA", Fuel.HYBRID)]


def demo_workshop_build() -> int:
    """Make sure Milano's workshop has its demo orders; return how many were opened now."""
    network = Network.objects.filter(slug="aurora").first()
    site = Site.objects.filter(network=network, code="MI01").first() if network else None
    member = Membership.objects.filter(site=site, role=Role.SERVICE_ADVISOR).select_related("user").order_by("pk").first() if site else None
    if member is None:
        return 0
    advisor = member.user
    now = timezone.now()
    _on_call_ensure(site, advisor, now)
    cars = [_courtesy_ensure(network, site, *spec) for spec in COURTESY]
    made = 0
    for spec in ORDERS:
        made += _order_ensure(network, site, advisor, now, cars[0], *spec)
    if not Vehicle.objects.filter(network=network, plate=EMERGENCY["plate"]).exists():
        services.emergency_request(site=site, now=now - datetime.timedelta(minutes=20), **EMERGENCY)
        made += 1
    return made


def _on_call_ensure(site: Site, advisor, now: datetime.datetime) -> None:
    if not OnCall.objects.filter(site=site, starts_at__lte=now, ends_at__gt=now).exists():
        start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        OnCall.objects.create(site=site, user=advisor, starts_at=start, ends_at=start + datetime.timedelta(days=7))


def _courtesy_ensure(network: Network, site: Site, name: str, plate: str, fuel: str) -> CourtesyVehicle:
    car = CourtesyVehicle.objects.filter(network=network, plate=plate).first()
    return car or CourtesyVehicle.objects.create(network=network, site=site, name=name, plate=plate, fuel=fuel)


def _customer(network: Network, site: Site, first: str, last: str) -> Customer:
    customer = Customer.objects.filter(network=network, first_name=first, last_name=last, merged_into__isnull=True).order_by("pk").first()
    return customer or people.customer_create(by=None, network=network, site=site, first_name=first, last_name=last)


@transaction.atomic
def _order_ensure(network, site, advisor, now, courtesy, first, last, plate, make, model, year, km, fuel, complaint, status, hours) -> int:
    if RepairOrder.objects.filter(network=network, vehicle__plate=plate).exists():
        return 0
    customer = _customer(network, site, first, last)
    vehicle = services.vehicle_save(by=advisor, network=network, owners=[customer],
                                    data={"plate": plate, "make": make, "model": model, "year": year, "km": km, "fuel": fuel})  # fmt: skip
    order = services.repair_order_open(by=advisor, site=site, vehicle=vehicle, customer=customer, source=RepairOrder.Source.COUNTER,
                                       complaint=complaint, km_in=km + 12, promised_at=now + datetime.timedelta(hours=hours),
                                       now=now - datetime.timedelta(hours=5))  # fmt: skip
    services.work_line_add(by=advisor, order=order, kind="labour", description="Diagnosi e controllo generale", unit_price=Decimal("45.00"))
    if status == S.WAITING_APPROVAL:
        services.update_post(by=advisor, order=order, text="Auto in diagnosi: filtro abitacolo molto sporco.", is_visible=True)
        services.finding_propose(by=advisor, order=order, title="Pastiglie freno anteriori al limite", grade="red", price=Decimal("180.00"),
                                 text="Spessore residuo 2 mm: da sostituire per sicurezza.")  # fmt: skip
        services.loan_out(by=advisor, courtesy_vehicle=courtesy, customer=customer, km=12040, level=85, order=order, damage="Graffio sul paraurti posteriore")
        return 1
    for step in (S.DIAGNOSIS, S.IN_PROGRESS, S.QUALITY_CHECK, S.READY):
        services.order_status_move(by=advisor, order=order, status=step)
        if step == status:
            break
    if status in (S.IN_PROGRESS, S.READY):
        services.update_post(by=advisor, order=order, text="Lavoro in corso, tutto secondo i tempi.", is_visible=True)
        services.update_post(by=advisor, order=order, text="Ordinato il ricambio dal magazzino centrale.", is_visible=False)
    return 1
