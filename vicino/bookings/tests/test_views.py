"""The staff diary as consultants and reception use it: see the week, take a phone booking, drag, prepare, run."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from vicino.bookings.models import Booking, Checklist, ChecklistStep
from vicino.conftest import client_of
from vicino.people.models import Customer
from vicino.sales import services as sales
from vicino.sales.models import Lead

from .conftest import at, book

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]


def test_the_week_shows_each_booking_in_its_day_and_half_hour(test_drive, luna, lucia, anna):
    book(test_drive, lucia, luna, at(15, 10, 15))
    page = client_of(anna).get(reverse("bookings:calendar"), {"date": "2026-12-16"})
    assert page.status_code == 200
    calendar = page.context["calendar"]
    assert calendar.first == datetime.date(2026, 12, 14)  # the Monday of that week
    (booking,) = calendar.cells[("2026-12-15", datetime.time(10))]
    assert booking.customer == lucia
    assert "Dell&#x27;Acqua" in page.text or "Dell'Acqua" in page.text


def test_the_day_shows_one_column_per_resource_and_the_booking_in_each_it_holds(test_drive, luna, lucia, anna, luna_demo, anna_desk):
    book(test_drive, lucia, luna, at(15, 10))
    page = client_of(anna).get(reverse("bookings:calendar"), {"date": "2026-12-15", "view": "day"})
    calendar = page.context["calendar"]
    assert [c.label for c in calendar.columns] == ["Luna demo FX123AB", "Anna Colombo"] or {c.label for c in calendar.columns} == {"Luna demo FX123AB", "Anna Colombo"}
    assert all(calendar.cells[(f"r{r.pk}", datetime.time(10))] for r in (luna_demo, anna_desk))
    one = client_of(anna).get(reverse("bookings:calendar"), {"date": "2026-12-15", "view": "day", "resource": luna_demo.pk}).context["calendar"]
    assert [c.label for c in one.columns] == ["Luna demo FX123AB"]


def test_another_sites_diary_and_bookings_are_not_there(test_drive, luna, lucia, bruno, roberta, treviso):
    booking = book(test_drive, lucia, luna, at(15, 10))
    assert client_of(bruno).get(reverse("bookings:booking-detail", args=[booking.pk])).status_code == 404
    assert client_of(roberta).get(reverse("bookings:booking-detail", args=[booking.pk])).status_code == 404
    assert client_of(bruno).post(reverse("bookings:booking-move", args=[booking.pk]), {"starts_at": "2026-12-15T11:00"}).status_code == 404
    assert client_of(bruno).post(reverse("bookings:booking-action", args=[booking.pk, "cancel"])).status_code == 404
    assert client_of(bruno).get(reverse("bookings:calendar"), {"site": test_drive.site_id}).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_the_diary_reads_the_same_queries_however_many_bookings_it_shows(test_drive, luna, anna, aurora, milano):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vicino.people import services as people

    client = client_of(anna)

    def queries(view):
        with CaptureQueriesContext(connection) as done:
            assert client.get(reverse("bookings:calendar"), {"date": "2026-12-15", "view": view}).status_code == 200
        return len(done)

    customer = people.customer_create(by=None, network=aurora, site=milano, first_name="Uno", last_name="Primo")
    book(test_drive, customer, luna, at(15, 9))
    few = queries("day"), queries("week")
    for n, hour in enumerate((10, 11, 12, 14, 15, 16, 17)):
        other = people.customer_create(by=None, network=aurora, site=milano, first_name=f"Cliente{n}", last_name="Secondo")
        book(test_drive, other, luna, at(16, hour))
    assert (queries("day"), queries("week")) == few
    assert few[0] <= 12


def test_dragging_a_booking_to_a_free_time_moves_it_and_a_taken_time_explains_itself(test_drive, luna, lucia, carla, anna):
    mine = book(test_drive, lucia, luna, at(15, 10))
    book(test_drive, carla, luna, at(15, 15))
    client = client_of(anna)
    url = reverse("bookings:booking-move", args=[mine.pk]) + f"?site={test_drive.site_id}&view=week&date=2026-12-14"
    moved = client.post(url, {"starts_at": "2026-12-16T11:30"}, headers={"HX-Request": "true"})
    assert moved.status_code == 200 and 'id="calendar"' in moved.text and "<html" not in moved.text
    assert Booking.objects.get(pk=mine.pk).starts_at == at(16, 11, 30)
    taken = client.post(url, {"starts_at": "2026-12-15T15:00"}, headers={"HX-Request": "true"})
    assert taken.status_code == 409 and "appena stato preso" in taken.text
    holiday = client.post(url, {"starts_at": "2026-12-25T10:00"}, headers={"HX-Request": "true"})
    assert holiday.status_code == 422 and "Natale" in holiday.text
    assert Booking.objects.get(pk=mine.pk).starts_at == at(16, 11, 30)


def test_a_phone_booking_by_reception_follows_the_same_rules_and_finds_the_known_customer(test_drive, luna, anna, carla):
    client = client_of(anna)
    url = reverse("bookings:booking-create")
    base = {"offering": test_drive.pk, "vehicle_model": luna.pk, "first_name": "Carla", "last_name": "D'Angelo", "phone": "", "email": "carla.dangelo@example.it"}
    refused = client.post(url, {**base, "date": "2026-12-14", "time": "09:00"})  # within the two hours' notice
    assert refused.status_code == 422 and "almeno 2 ore" in refused.text and not Booking.objects.exists()
    made = client.post(url, {**base, "date": "2026-12-15", "time": "10:00"})
    booking = Booking.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("bookings:booking-detail", args=[booking.pk])
    assert booking.customer == carla and booking.created_by == anna and booking.channel == "phone"
    assert Customer.objects.filter(first_name="Carla").count() == 1


def test_a_test_drive_booked_from_the_lead_moves_the_lead(test_drive, luna, anna, aurora, milano):
    from vicino.people.matching import PersonIn

    lead = sales.lead_create(by=None, network=aurora, enquiry=sales.Enquiry(
        person=PersonIn(first_name="Marco", last_name="Bellini", emails=("marco.bellini@example.it",)), source=Lead.Source.STAFF,
        channel="phone", chosen_site=milano, vehicle_model=luna))  # fmt: skip
    client = client_of(anna)
    form = client.get(reverse("bookings:booking-create"), {"lead": lead.pk})
    assert form.status_code == 200 and "Marco Bellini" in form.text
    made = client.post(reverse("bookings:booking-create"), {"lead": lead.pk, "offering": test_drive.pk, "vehicle_model": luna.pk,
                                                           "date": "2026-12-15", "time": "10:00"})  # fmt: skip
    assert made.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == Lead.Stage.TEST_DRIVE and Booking.objects.get().lead == lead


def test_the_consultant_ticks_the_checklist_then_starts_and_completes_the_test_drive(test_drive, luna, lucia, anna):
    checklist = Checklist.objects.create(offering=test_drive, name="Sanificazione dell'auto prima della prova")
    ChecklistStep.objects.create(checklist=checklist, label="Interni igienizzati")
    booking = book(test_drive, lucia, luna, at(14, 10, 30))
    client = client_of(anna)
    start = reverse("bookings:booking-action", args=[booking.pk, "start"])
    refused = client.post(start, follow=True)
    assert "prima che la preparazione sia completa" in refused.text
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    check = booking.checks.get()
    ticked = client.post(reverse("bookings:booking-check", args=[booking.pk, check.pk]), {"done": "1"}, headers={"HX-Request": "true"})
    assert ticked.status_code == 200 and 'id="checklist"' in ticked.text and "Anna Colombo" in ticked.text
    client.post(start)
    client.post(reverse("bookings:booking-action", args=[booking.pk, "complete"]))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED and booking.checks.get().done_by == anna


def test_a_no_show_is_marked_from_the_booking_page_once_its_time_has_come(test_drive, luna, lucia, anna):
    booking = book(test_drive, lucia, luna, at(14, 10, 30))
    client = client_of(anna)
    early = client.post(reverse("bookings:booking-action", args=[booking.pk, "no_show"]), follow=True)
    assert "solo una volta iniziata" in early.text
    with time_machine.travel(at(14, 10, 45), tick=False):
        client.post(reverse("bookings:booking-action", args=[booking.pk, "no_show"]))
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.NO_SHOW
