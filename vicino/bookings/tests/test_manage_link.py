"""The signed link in the booking's e-mails: the customer moves or cancels without an account; a changed link opens nothing."""

import icalendar
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from vicino.bookings import services
from vicino.bookings.links import booking_manage_url, booking_token
from vicino.bookings.models import Booking
from vicino.people.models import Purpose
from vicino.people import services as people
from vicino.people.models import ConsentEvent, Interaction

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]


@pytest.fixture
def booked(test_drive, luna, lucia):
    people.contact_point_add(by=None, customer=lucia, kind="email", value="lucia.dellacqua@example.it")
    return services.booking_create(by=None, offering=test_drive, customer=lucia, starts_at=at(15, 10), vehicle_model=luna)


def _page(booking):
    return reverse("bookings:manage", args=[booking_token(booking)])


def test_the_link_opens_the_booking_with_other_free_times(booked):
    page = Client().get(_page(booked), HTTP_ACCEPT_LANGUAGE="it")
    assert page.status_code == 200
    assert "Martedì 15/12/2026 10:00" in page.text and "Prova su strada" in page.text
    assert 'value="2026-12-15T11:00:00+01:00"' in page.text  # after the car's sanitising quarter of an hour


@pytest.mark.parametrize("change", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: str(int(t.split(".")[0]) + 1) + "." + t.split(".")[1],
                                    lambda t: t.split(".")[0], lambda t: "qualcosa"])  # fmt: skip
def test_a_changed_link_opens_nothing_and_changes_nothing(booked, change):
    token = change(booking_token(booked))
    url = reverse("bookings:manage", args=[token])
    page = Client().get(url, HTTP_ACCEPT_LANGUAGE="it")
    assert page.status_code == 404 and "Questo link non è valido" in page.text
    posted = Client().post(url, {"action": "cancel"})
    assert posted.status_code == 404 and Booking.objects.get(pk=booked.pk).status == Booking.Status.CONFIRMED


def test_moving_through_the_link_moves_it_and_sends_the_new_invitation(booked, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moved = Client().post(_page(booked), {"action": "move", "starts_at": "2026-12-16T11:00:00+01:00"}, follow=True, HTTP_ACCEPT_LANGUAGE="it")
    assert moved.status_code == 200 and "Mercoledì 16/12/2026 11:00" in moved.text
    booked.refresh_from_db()
    assert booked.starts_at == at(16, 11) and booked.sequence == 1
    (message,) = smtp_server.to("lucia.dellacqua@example.it")
    invitation = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    (event,) = icalendar.Calendar.from_ical(invitation.get_payload(decode=True)).walk("VEVENT")
    assert event.decoded("DTSTART") == at(16, 11) and int(event["SEQUENCE"]) == 1
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert booking_manage_url(booked) in text
    assert Interaction.objects.filter(customer=booked.customer, kind="booking.rescheduled").exists()


def test_a_taken_time_is_explained_and_the_booking_stays(booked, test_drive, luna, carla):
    services.booking_create(by=None, offering=test_drive, customer=carla, starts_at=at(16, 11), vehicle_model=luna)
    page = Client().post(_page(booked), {"action": "move", "starts_at": "2026-12-16T11:00:00+01:00"}, HTTP_ACCEPT_LANGUAGE="it")
    assert page.status_code == 409 and "appena stato preso" in page.text
    assert Booking.objects.get(pk=booked.pk).starts_at == at(15, 10)


def test_cancelling_through_the_link_frees_the_time_and_tells_the_customer(booked, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = Client().post(_page(booked), {"action": "cancel"}, follow=True, HTTP_ACCEPT_LANGUAGE="it")
    assert "Annullata" in page.text and "Sposta" not in page.text.split("</dl>")[1]
    (message,) = smtp_server.to("lucia.dellacqua@example.it")
    calendar = icalendar.Calendar.from_ical(next(p for p in message.walk() if p.get_content_type() == "text/calendar").get_payload(decode=True))
    assert calendar["METHOD"] == "CANCEL"
    assert Booking.objects.get(pk=booked.pk).status == Booking.Status.CANCELLED


def test_once_begun_the_booking_can_no_longer_be_changed_by_link(booked):
    with time_machine.travel(at(15, 10, 5), tick=False):
        page = Client().post(_page(booked), {"action": "cancel"}, HTTP_ACCEPT_LANGUAGE="it")
    assert page.status_code == 200 and "non può più essere modificata" in page.text
    assert Booking.objects.get(pk=booked.pk).status == Booking.Status.CONFIRMED


def test_an_offering_that_needs_consent_asks_for_it_on_the_form_and_refuses_without(test_drive, luna, notice):
    test_drive.consent_purpose, test_drive.consent_text = Purpose.THIRD_PARTIES, "Accetto che i miei dati siano condivisi con l'assicurazione della prova."
    test_drive.save()
    url = reverse("bookings:booking-page", args=["aurora", test_drive.site.code, test_drive.slug])
    form = Client().get(url, HTTP_ACCEPT_LANGUAGE="it")
    assert "condivisi con l&#x27;assicurazione" in form.text
    data = {"vehicle_model": luna.pk, "starts_at": "2026-12-15T10:00:00+01:00", "first_name": "Lucia", "last_name": "Dell'Acqua",
            "email": "lucia@example.it", "phone": "", "notes": ""}  # fmt: skip
    refused = Client().post(url, data, HTTP_ACCEPT_LANGUAGE="it")
    assert refused.status_code == 422 and "serve il tuo consenso" in refused.text
    assert not Booking.objects.exists() and not ConsentEvent.objects.exists()
    made = Client().post(url, {**data, "consent_needed": "on"}, HTTP_ACCEPT_LANGUAGE="it")
    assert made.status_code == 200
    assert ConsentEvent.objects.get().purpose == Purpose.THIRD_PARTIES and Booking.objects.count() == 1
