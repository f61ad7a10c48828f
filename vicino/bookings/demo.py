"""Demo bookings for Aurora Milano: its cars, people, bays and chargers, what customers can book, and a few bookings.

Idempotent like the other demo builders: resources and offerings by name and address.
"""

import datetime

from django.utils import timezone

from vicino.core.models import Membership, Network, Site
from vicino.core.roles import Role
from vicino.people.models import Customer, Purpose
from vicino.sales.models import Condition, Fuel, Lead, StockVehicle, VehicleModel

from . import services
from .models import Checklist, ChecklistStep, Offering, OfferingNeed, Resource, SiteCalendar
from .slots import week_slots, zone

R = Resource.Kind
# (kind, slug, name, minutes, buffer after, needs [(kind, of chosen model)], checklist name, steps, extra)
OFFERINGS = [
    (Offering.Kind.TEST_DRIVE, "prova", "Prova su strada", 45, 15, [(R.DEMO_VEHICLE, True), (R.CONSULTANT, False)],
     "Sanificazione dell'auto prima della prova", ["Interni igienizzati", "Volante, leve e schermo sanificati", "Batteria o serbatoio pronti"], {}),
    (Offering.Kind.VIDEO, "videochiamata", "Consulenza in videochiamata", 30, 0, [(R.CONSULTANT, False)], "", [],
     {"consent_purpose": Purpose.THIRD_PARTIES, "meeting_room_url": "https://meet.jit.si/aurora-milano",
      "consent_text": "Accetto che nome ed e-mail siano condivisi con il servizio di videochiamata Jitsi Meet per la consulenza."}),
    (Offering.Kind.SERVICE, "tagliando", "Tagliando e manutenzione", 90, 0, [(R.BAY, False), (R.ADVISOR, False)], "", [], {"min_notice_minutes": 24 * 60}),
    (Offering.Kind.DELIVERY, "consegna", "Consegna della nuova auto", 60, 15, [(R.DELIVERY_AREA, False), (R.CONSULTANT, False)],
     "Preparazione consegna", ["Auto lavata", "Auto sanificata", "Documenti e libretto pronti", "Batteria carica al 100%"], {"is_public": False}),
    (Offering.Kind.CHARGING, "ricarica", "Ricarica rapida in salone", 30, 0, [(R.CHARGER, False)], "", [], {"min_notice_minutes": 30}),
]  # fmt: skip


def demo_bookings_build() -> int:
    network = Network.objects.filter(slug="aurora").first()
    site = Site.objects.filter(network=network, code="MI01").first() if network else None
    if site is None:
        return 0
    _resources_ensure(network, site)
    # Milano closes for Sant'Ambrogio, 7 December.
    SiteCalendar.objects.get_or_create(site=site, defaults={"patron_saint": "Sant'Ambrogio", "patron_month": 12, "patron_day": 7})
    offerings = [_offering_ensure(network, site, *spec) for spec in OFFERINGS]
    return _bookings_ensure(site, offerings[0])


def _resources_ensure(network: Network, site: Site) -> None:
    def ensure(kind: str, name: str, **extra) -> None:
        if not Resource.objects.filter(site=site, kind=kind, name=name).exists():
            Resource.objects.create(network=network, site=site, kind=kind, name=name, **extra)

    for vehicle in StockVehicle.objects.filter(site=site, condition=Condition.DEMO).select_related("vehicle_model"):
        ensure(R.DEMO_VEHICLE, f"{vehicle.vehicle_model} (demo)", vehicle_model=vehicle.vehicle_model, stock_vehicle=vehicle)
    stella = VehicleModel.objects.filter(network=network, model="Stella").order_by("pk").first()
    if stella is not None:
        ensure(R.DEMO_VEHICLE, f"{stella} (demo)", vehicle_model=stella)
    for member in Membership.objects.filter(site=site, role__in=(Role.SALES_CONSULTANT, Role.SITE_MANAGER)).select_related("user"):
        ensure(R.CONSULTANT, member.user.get_full_name() or member.user.email, user=member.user)
    for member in Membership.objects.filter(site=site, role=Role.SERVICE_ADVISOR).select_related("user"):
        ensure(R.ADVISOR, member.user.get_full_name() or member.user.email, user=member.user)
    for name in ("Ponte 1", "Ponte 2"):
        ensure(R.BAY, name)
    ensure(R.DELIVERY_AREA, "Area consegne")
    for name in ("Colonnina rapida 1", "Colonnina rapida 2"):
        ensure(R.CHARGER, name)
    ensure(R.LOUNGE, "Lounge clienti")


def _offering_ensure(network, site, kind, slug, name, minutes, after, needs, checklist, steps, extra) -> Offering:
    offering = Offering.objects.filter(site=site, slug=slug).first()
    if offering is not None:
        return offering
    offering = Offering.objects.create(network=network, site=site, kind=kind, slug=slug, name=name, duration_minutes=minutes,
                                       buffer_after_minutes=after, **extra)  # fmt: skip
    OfferingNeed.objects.bulk_create([OfferingNeed(offering=offering, kind=need, of_chosen_model=chosen) for need, chosen in needs])
    if checklist:
        template = Checklist.objects.create(offering=offering, name=checklist)
        ChecklistStep.objects.bulk_create([ChecklistStep(checklist=template, label=label, position=n) for n, label in enumerate(steps)])
    return offering


def _bookings_ensure(site: Site, test_drive: Offering) -> int:
    """Test drives for the Milano leads that have reached that stage, at the first free times from tomorrow."""
    electric = VehicleModel.objects.filter(network=site.network, fuel=Fuel.ELECTRIC).order_by("pk").first()
    if electric is None:
        return 0
    made = 0
    leads = Lead.objects.filter(site=site, stage__in=(Lead.Stage.CONTACTED, Lead.Stage.APPOINTMENT), bookings__isnull=True).select_related("customer")
    tomorrow = timezone.localdate(timezone.now(), zone()) + datetime.timedelta(days=1)
    free = [slot for day in week_slots(offering=test_drive, first=tomorrow, vehicle_model_id=electric.pk).values() for slot in day]
    for lead, slot in zip(leads, free[::3], strict=False):
        services.booking_create(by=None, offering=test_drive, customer=Customer.objects.get(pk=lead.customer_id), starts_at=slot.starts_at,
                                vehicle_model=electric, lead=lead, channel=lead.channel)  # fmt: skip
        made += 1
    return made
