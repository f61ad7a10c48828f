"""The bookings cast: Milano's electric demo car, its consultants, and the test-drive offering."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from vicino.bookings import services
from vicino.bookings.models import Offering, OfferingNeed, Resource
from vicino.people import services as people
from vicino.sales import stock
from vicino.sales.models import Fuel

ROME = ZoneInfo("Europe/Rome")
# Monday 14 December 2026, 8:00 in Milano: the week ahead is an ordinary one.
MONDAY_MORNING = datetime.datetime(2026, 12, 14, 8, 0, tzinfo=ROME)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=ROME)


@pytest.fixture
def luna(aurora):
    return stock.vehicle_model_create(by=None, network=aurora, make="Aurora", model="Luna", trim="EV Long Range", fuel=Fuel.ELECTRIC)


@pytest.fixture
def luna_demo(aurora, milano, luna):
    return Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.DEMO_VEHICLE, name="Luna demo FX123AB", vehicle_model=luna)


@pytest.fixture
def anna_desk(aurora, milano, anna):
    return Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.CONSULTANT, name="Anna Colombo", user=anna)


@pytest.fixture
def test_drive(aurora, milano, luna_demo, anna_desk):
    """45 minutes with a demo car of the chosen model and a consultant; 15 minutes after to sanitise the car."""
    offering = Offering.objects.create(
        network=aurora, site=milano, kind=Offering.Kind.TEST_DRIVE, name="Prova su strada", slug="prova", duration_minutes=45,
        buffer_after_minutes=15, min_notice_minutes=120, horizon_days=60,
    )  # fmt: skip
    OfferingNeed.objects.create(offering=offering, kind=Resource.Kind.DEMO_VEHICLE, of_chosen_model=True)
    OfferingNeed.objects.create(offering=offering, kind=Resource.Kind.CONSULTANT)
    return offering


@pytest.fixture
def lucia(aurora, milano):
    return people.customer_create(by=None, network=aurora, site=milano, first_name="Lucia", last_name="Dell'Acqua")


@pytest.fixture
def monday_morning():
    """The clock stopped at MONDAY_MORNING, for the code that reads it itself: pages, the API, e-mails."""
    with time_machine.travel(MONDAY_MORNING, tick=False):
        yield


def book(offering, customer, model, when, **extra):
    """A booking made on MONDAY_MORNING."""
    return services.booking_create(by=None, offering=offering, customer=customer, starts_at=when, vehicle_model=model, now=MONDAY_MORNING, **extra)
