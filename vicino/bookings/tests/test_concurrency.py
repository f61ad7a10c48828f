"""Fifty customers press "Book" on the last free time at once, through the real HTTP server: one wins.

Each request is a real browser-like exchange (a GET for the page and its CSRF cookie, then
the POST) on its own thread and its own database connection; the posts are released
together by a barrier. On SQLite the write lock queues them; on PostgreSQL they run side by
side and the exclusion constraint decides. Either way: one booking, forty-nine "just taken"
answers with other times, no server error.
"""

import datetime
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from vicino.bookings import services
from vicino.bookings.models import Allocation, Booking, Resource
from vicino.bookings.slots import week_slots
from vicino.people.models import Customer

CUSTOMERS = 50


def _race(url: str, starts_at: str, model_id: int, barrier: threading.Barrier, n: int) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(url, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({
        "csrfmiddlewaretoken": token, "vehicle_model": model_id, "starts_at": starts_at, "first_name": "Cliente",
        "last_name": f"Numero {n}", "email": f"cliente{n}@example.it", "phone": "", "notes": "",
    }).encode()  # fmt: skip
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    barrier.wait(timeout=60)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _first_free_slot(offering, model):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return next(s for day in week_slots(offering=offering, first=tomorrow, days=7, vehicle_model_id=model.pk).values() for s in day)


def test_fifty_customers_racing_for_one_slot_make_exactly_one_booking(http_server, smtp_server, test_drive, luna):
    slot = _first_free_slot(test_drive, luna)
    url = http_server + reverse("bookings:booking-page", args=["aurora", "MI01", test_drive.slug])
    starts_at = timezone.localtime(slot.starts_at).isoformat()
    barrier = threading.Barrier(CUSTOMERS)
    with ThreadPoolExecutor(max_workers=CUSTOMERS) as pool:
        answers = list(pool.map(lambda n: _race(url, starts_at, luna.pk, barrier, n), range(CUSTOMERS)))
    statuses = sorted(status for status, _html in answers)
    assert statuses == [200] + [409] * (CUSTOMERS - 1), statuses
    assert all("appena stato preso" in html for status, html in answers if status == 409)
    assert Booking.objects.count() == 1 and Allocation.objects.count() == 2
    assert Booking.objects.get().starts_at == slot.starts_at
    assert Customer.objects.count() == 1  # the forty-nine who lost left nothing behind


def _book_in_threads(monkeypatch, offering, customers, model, starts_at) -> list:
    """Each customer books on a thread of their own; both have read the slot as free before either writes."""
    barrier = threading.Barrier(len(customers))
    waited = threading.local()
    real_load = services.Diary.load.__func__

    def load_then_wait(cls, *args, **kwargs):
        diary = real_load(cls, *args, **kwargs)
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=20)
        return diary

    monkeypatch.setattr(services.Diary, "load", classmethod(load_then_wait))

    def book(customer):
        try:
            return services.booking_create(by=None, offering=offering, customer=customer, starts_at=starts_at, vehicle_model=model)
        except services.SlotTaken as taken:
            return taken
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(customers)) as pool:
        return list(pool.map(book, customers))


needs_server_database = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="on SQLite the write lock is taken before the check, so two checks can never run side by side: the HTTP race above covers it",
)


@needs_server_database
def test_two_bookings_that_both_saw_the_last_car_free_cannot_both_have_it(transactional_db, monkeypatch, test_drive, luna, carla, lucia):
    slot = _first_free_slot(test_drive, luna)
    results = _book_in_threads(monkeypatch, test_drive, [carla, lucia], luna, slot.starts_at)
    assert sorted(type(result).__name__ for result in results) == ["Booking", "SlotTaken"]
    assert Booking.objects.count() == 1 and Allocation.objects.count() == 2


@needs_server_database
def test_the_one_that_lost_the_race_gets_the_other_free_car(transactional_db, monkeypatch, aurora, milano, test_drive, luna, bruno, carla, lucia):
    Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.DEMO_VEHICLE, name="Luna demo GA456CD", vehicle_model=luna)
    Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.CONSULTANT, name="Paolo Cantù")
    slot = _first_free_slot(test_drive, luna)
    results = _book_in_threads(monkeypatch, test_drive, [carla, lucia], luna, slot.starts_at)
    assert [type(result).__name__ for result in results] == ["Booking", "Booking"]
    held = list(Allocation.objects.values_list("resource_id", flat=True))
    assert len(held) == 4 and len(set(held)) == 4  # two cars, two consultants, none twice
