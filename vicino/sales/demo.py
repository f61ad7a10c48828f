"""Demo sales data for Aurora: a catalogue, cars in the showrooms, and leads at every stage.

Idempotent like the other demo builders: the catalogue by its natural key, stock by VIN,
leads by their sender reference (DEMO-LEAD-…).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from vicino.core.models import Network, Site
from vicino.people.matching import PersonIn

from . import services, stock
from .models import Fuel, Lead, StockVehicle, VehicleModel

CATALOGUE = [
    ("Aurora", "Stella", "1.5 Hybrid", Fuel.HYBRID, "24000.00"),
    ("Aurora", "Stella", "1.5 Hybrid Business", Fuel.HYBRID, "26500.00"),
    ("Aurora", "Luna", "EV Long Range", Fuel.ELECTRIC, "38900.00"),
    ("Aurora", "Cometa", "2.0 Plug-in AWD", Fuel.PLUG_IN, "44500.00"),
    ("Aurora", "Brezza", "1.0 Turbo", Fuel.PETROL, "17900.00"),
]
# (site code, catalogue index or None for a used car, VIN, plate, condition, zone, price)
STOCK = [
    ("MI01", 0, "ZARSTE11A00000001", "", "new", "ibrido", "23500.00"),
    ("MI01", 2, "ZARLNA00000000002", "", "demo", "elettrico", "35900.00"),
    ("MI01", None, "ZFA31200000123456", "FK123LM", "used", "usato", "6900.00"),
    ("TV01", 1, "ZARSTE11A00000003", "", "new", "ibrido", "26000.00"),
    ("PG01", 3, "ZARCMT00000000004", "", "new", "plug-in", "43900.00"),
]
# (first, last, e-mail, phone, site, channel, campaign, stage, catalogue index)
LEADS = [
    ("Giorgia", "Sant'Ambrogio", "giorgia.santambrogio@gmail.com", "333 2223344", "MI01", "web", "primavera-2026", "new", 0),
    ("Alessio", "Dell'Orto", "alessio.dellorto@libero.it", "", "MI01", "web", "luna-lancio", "contacted", 2),
    ("Beatrice", "Cantù", "", "347 1231234", "MI01", "phone", "", "test_drive", 3),
    ("Tommaso", "Lo Bianco", "tommaso.lobianco@alice.it", "", "MI01", "event", "open-day-ottobre", "quote", 1),
    ("Ilaria", "Moretti", "ilaria.moretti@outlook.it", "", "TV01", "social", "instagram-luna", "new", 2),
    ("Federico", "Zanin", "federico.zanin@gmail.com", "349 5556667", "TV01", "showroom", "", "appointment", 0),
]


def demo_sales_build() -> int:
    network = Network.objects.filter(slug="aurora").first()
    if network is None:
        return 0
    models = []
    for make, model, trim, fuel, price in CATALOGUE:
        entry = VehicleModel.objects.filter(network=network, make=make, model=model, trim=trim, fuel=fuel).first()
        models.append(entry or stock.vehicle_model_create(by=None, network=network, make=make, model=model, trim=trim, fuel=fuel, list_price=Decimal(price)))
    sites = {site.code: site for site in Site.objects.filter(network=network)}
    for code, index, vin, plate, condition, zone, price in STOCK:
        if code in sites and not StockVehicle.objects.filter(network=network, vin=vin).exists():
            used = {"make": "Fiat", "model": "Panda", "fuel": Fuel.PETROL, "year": 2019, "km": 48000} if index is None else {}
            stock.stock_vehicle_create(by=None, site=sites[code], vehicle_model=models[index] if index is not None else None, vin=vin,
                                       plate=plate, condition=condition, zone=zone, price=Decimal(price), **used)  # fmt: skip
    created = 0
    for number, (first, last, email, phone, code, channel, campaign, stage, index) in enumerate(LEADS, start=1):
        ref = f"DEMO-LEAD-{number:03d}"
        if code not in sites or Lead.objects.filter(network=network, external_ref=ref).exists():
            continue
        lead = services.lead_create(by=None, network=network, enquiry=services.Enquiry(
            person=PersonIn(first_name=first, last_name=last, emails=(email,) if email else (), phones=(phone,) if phone else ()),
            source=Lead.Source.FORM if channel == "web" else Lead.Source.STAFF, channel=channel, chosen_site=sites[code],
            campaign=campaign, vehicle_model=models[index], external_ref=ref,
            received_at=timezone.now() - datetime.timedelta(hours=3 * number),
        ))  # fmt: skip
        path = ["contacted", "appointment", "test_drive", "quote"]
        for step in path[: path.index(stage) + 1] if stage in path else []:
            services.lead_stage_move(by=None, lead=lead, stage=step)
        created += 1
    return created
