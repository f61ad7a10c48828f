"""The sales cast: Aurora's catalogue, a car in Milano's showroom, and leads to work on."""

from decimal import Decimal

import pytest

from vicino.people.matching import PersonIn
from vicino.sales import services, stock
from vicino.sales.models import Fuel, Lead


@pytest.fixture
def stella(aurora):
    """Aurora's hybrid compact in the catalogue."""
    return stock.vehicle_model_create(by=None, network=aurora, make="Aurora", model="Stella", trim="1.5 Hybrid", fuel=Fuel.HYBRID,
                                      list_price=Decimal("24000.00"))  # fmt: skip


@pytest.fixture
def stella_in_milano(milano, stella):
    return stock.stock_vehicle_create(by=None, site=milano, vehicle_model=stella, vin="ZAR12345678901234", price=Decimal("23500.00"),
                                      zone="ibrido", colour="Rosso Etna")  # fmt: skip


def enquiry(first="Marco", last="Bellini", email="marco.bellini@example.it", phone="", **fields) -> services.Enquiry:
    person = PersonIn(first_name=first, last_name=last, emails=(email,) if email else (), phones=(phone,) if phone else (),
                      cap=fields.pop("cap", ""), province=fields.pop("province", ""))  # fmt: skip
    fields.setdefault("source", Lead.Source.STAFF)
    fields.setdefault("channel", "phone")
    return services.Enquiry(person=person, **fields)


@pytest.fixture
def lead_of_marco(aurora, milano, anna):
    """A web enquiry at Milano, which goes to Anna."""
    return services.lead_create(by=None, network=aurora, enquiry=enquiry(chosen_site=milano, channel="web", campaign="primavera-2026"))
