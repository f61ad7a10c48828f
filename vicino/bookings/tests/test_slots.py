"""Free slots as the booking page shows them: hours, holidays, buffers, closures, each resource's own hours."""

import datetime

import pytest

from vicino.bookings import services
from vicino.bookings.models import Closure, OpeningException, ResourceHours, SiteCalendar
from vicino.bookings.slots import week_slots
from vicino.sales import stock
from vicino.sales.models import Fuel

from .conftest import MONDAY_MORNING, at

pytestmark = pytest.mark.django_db


def _times(slots) -> list[str]:
    return [f"{s.starts_at.astimezone(MONDAY_MORNING.tzinfo):%H:%M}" for s in slots]


def test_an_ordinary_tuesday_offers_a_slot_every_quarter_within_the_hours(test_drive, luna):
    week = week_slots(offering=test_drive, first=datetime.date(2026, 12, 14), vehicle_model_id=luna.pk, now=MONDAY_MORNING)
    tuesday = _times(week[datetime.date(2026, 12, 15)])
    assert tuesday[0] == "09:00" and tuesday[-1] == "18:15" and len(tuesday) == 38  # 9:00 … 18:15, ending by 19:00
    assert week[datetime.date(2026, 12, 20)] == []  # Sunday: closed
    assert _times(week[datetime.date(2026, 12, 14)])[0] == "10:00"  # two hours' notice from 8:00


def test_a_booking_takes_its_time_and_the_sanitising_after_it(test_drive, luna, lucia):
    services.booking_create(by=None, offering=test_drive, customer=lucia, starts_at=at(15, 10), vehicle_model=luna, now=MONDAY_MORNING)
    tuesday = _times(week_slots(offering=test_drive, first=datetime.date(2026, 12, 15), days=1, vehicle_model_id=luna.pk, now=MONDAY_MORNING)[datetime.date(2026, 12, 15)])
    # The car is held 10:00–11:00 (45 minutes and 15 to sanitise): 9:15 would still be out at 10:00.
    assert "09:00" in tuesday and "09:15" not in tuesday and "10:45" not in tuesday and "11:00" in tuesday


def test_holidays_close_the_site_the_patron_saint_too(test_drive, luna, milano):
    SiteCalendar.objects.create(site=milano, patron_saint="Sant'Ambrogio", patron_month=12, patron_day=7)
    week = week_slots(offering=test_drive, first=datetime.date(2026, 12, 7), days=2, vehicle_model_id=luna.pk, now=at(1, 8))
    assert week[datetime.date(2026, 12, 7)] == [] and week[datetime.date(2026, 12, 8)] == []  # Sant'Ambrogio, Immacolata


def test_an_exception_changes_one_days_hours(test_drive, luna, milano):
    OpeningException.objects.create(site=milano, date=datetime.date(2026, 12, 24), opens_at=datetime.time(9), closes_at=datetime.time(13))
    OpeningException.objects.create(site=milano, date=datetime.date(2026, 12, 23), reason="Inventario")
    week = week_slots(offering=test_drive, first=datetime.date(2026, 12, 23), days=2, vehicle_model_id=luna.pk, now=MONDAY_MORNING)
    assert week[datetime.date(2026, 12, 23)] == [] and _times(week[datetime.date(2026, 12, 24)])[-1] == "12:15"


def test_a_closure_of_the_car_and_the_consultants_own_hours_leave_only_what_both_can_do(test_drive, luna, luna_demo, anna_desk):
    Closure.objects.create(resource=luna_demo, starts_at=at(15, 14), ends_at=at(15, 19), reason="Carrozzeria")
    ResourceHours.objects.create(resource=anna_desk, weekday=1, starts_at=datetime.time(10), ends_at=datetime.time(17))
    tuesday = _times(week_slots(offering=test_drive, first=datetime.date(2026, 12, 15), days=1, vehicle_model_id=luna.pk, now=MONDAY_MORNING)[datetime.date(2026, 12, 15)])
    assert tuesday[0] == "10:00" and tuesday[-1] == "13:00"  # the car is back at the body shop from 14:00 (13:00 + 45 + 15)
    assert week_slots(offering=test_drive, first=datetime.date(2026, 12, 16), days=1, vehicle_model_id=luna.pk, now=MONDAY_MORNING)[datetime.date(2026, 12, 16)] == []  # Anna works Tuesdays only


def test_a_model_without_a_demo_car_has_no_slot(test_drive, aurora):
    cometa = stock.vehicle_model_create(by=None, network=aurora, make="Aurora", model="Cometa", fuel=Fuel.PLUG_IN)
    week = week_slots(offering=test_drive, first=datetime.date(2026, 12, 15), days=1, vehicle_model_id=cometa.pk, now=MONDAY_MORNING)
    assert week[datetime.date(2026, 12, 15)] == []
