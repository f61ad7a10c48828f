"""The public booking page as a customer uses it: a week of free times, a form, and a clear answer."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vicino.bookings import services
from vicino.bookings.models import Booking
from vicino.bookings.slots import week_slots
from vicino.people.models import ConsentEvent, Customer, Interaction

pytestmark = pytest.mark.django_db


def _url(offering) -> str:
    return reverse("bookings:booking-page", args=["aurora", offering.site.code, offering.slug])


def _first_free(offering, model, skip: int = 0):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    slots = [s for day in week_slots(offering=offering, first=tomorrow, days=7, vehicle_model_id=model.pk).values() for s in day]
    return slots[skip]


def _post(client, offering, model, slot, **overrides):
    data = {"vehicle_model": model.pk, "starts_at": timezone.localtime(slot.starts_at).isoformat(), "first_name": "Lucia",
            "last_name": "Dell'Acqua", "email": "Lucia.DellAcqua@example.it", "phone": "347 1234567", "notes": ""}  # fmt: skip
    data.update(overrides)
    return client.post(_url(offering), data)


def test_the_page_shows_a_week_of_free_times_for_the_chosen_model(test_drive, luna):
    page = Client().get(_url(test_drive), HTTP_ACCEPT_LANGUAGE="it")
    html = page.content.decode()
    assert page.status_code == 200 and "Prova su strada" in html and "Aurora Luna EV Long Range" in html
    assert html.count('name="starts_at"') > 30 and "Nessun orario libero." in html  # Sunday


def test_booking_a_free_time_books_it_and_records_the_customer_and_their_choice(test_drive, luna, notice):
    slot = _first_free(test_drive, luna)
    page = _post(Client(), test_drive, luna, slot, consent_marketing="on")
    booking = Booking.objects.get()
    assert page.status_code == 200 and "Prenotato!" in page.content.decode()
    assert (booking.starts_at, booking.vehicle_model, booking.channel) == (slot.starts_at, luna, "web")
    assert booking.customer.contact_points.get(kind="email").value == "lucia.dellacqua@example.it"
    assert ConsentEvent.objects.filter(customer=booking.customer, purpose="marketing", action="granted").count() == 1


def test_a_time_taken_meanwhile_is_explained_with_the_nearest_free_ones_and_nothing_else_is_kept(test_drive, luna, carla):
    slot = _first_free(test_drive, luna)
    services.booking_create(by=None, offering=test_drive, customer=carla, starts_at=slot.starts_at, vehicle_model=luna)
    page = _post(Client(), test_drive, luna, slot)
    html = page.content.decode()
    assert page.status_code == 409 and "appena stato preso" in html and html.count('form="booking-form"') == 3
    assert Booking.objects.count() == 1 and not Customer.objects.filter(last_name="Dell'Acqua").exists()


def test_a_time_on_a_holiday_or_a_missing_name_is_refused_with_a_message(test_drive, luna):
    test_drive.horizon_days = 400  # the next Christmas is always within reach
    test_drive.save()
    now = timezone.localtime()
    christmas = now.replace(month=12, day=25, hour=10, minute=0, second=0, microsecond=0)
    if christmas <= now + datetime.timedelta(days=1):
        christmas = christmas.replace(year=christmas.year + 1)
    holiday = _post(Client(), test_drive, luna, type("Slot", (), {"starts_at": christmas})())
    assert holiday.status_code == 422 and "chiusa (Natale)" in holiday.content.decode()
    nameless = _post(Client(), test_drive, luna, _first_free(test_drive, luna), first_name="")
    assert nameless.status_code == 422 and Booking.objects.count() == 0 and Customer.objects.count() == 0


def test_an_unknown_or_private_offering_is_not_there(test_drive, luna):
    assert Client().get(reverse("bookings:booking-page", args=["aurora", "MI01", "nessuna"])).status_code == 404
    assert Client().get(reverse("bookings:booking-page", args=["borgo", "MI01", "prova"])).status_code == 404
    test_drive.is_public = False
    test_drive.save()
    assert Client().get(_url(test_drive)).status_code == 404


def test_the_page_reads_the_same_queries_however_many_bookings_the_week_holds(test_drive, luna, carla, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(30) as few:
        client.get(_url(test_drive))
    for n in range(6):
        services.booking_create(by=None, offering=test_drive, customer=carla, starts_at=_first_free(test_drive, luna, skip=0).starts_at, vehicle_model=luna)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url(test_drive)).status_code == 200
    assert Booking.objects.count() == 6


def test_the_customer_gets_the_confirmation_with_an_invitation_their_calendar_reads(test_drive, luna, smtp_server, django_capture_on_commit_callbacks):
    slot = _first_free(test_drive, luna)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(Client(), test_drive, luna, slot).status_code == 200
    (message,) = smtp_server.to("lucia.dellacqua@example.it")
    assert message["Subject"].startswith("Prenotazione confermata: Prova su strada")
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "Gentile Lucia" in text and f"{timezone.localtime(slot.starts_at):%d/%m/%Y %H:%M}" in text
    invitation = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    calendar = icalendar.Calendar.from_ical(invitation.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST" and event.decoded("DTSTART") == slot.starts_at and event.decoded("DTEND") == slot.ends_at
    assert "Aurora Milano" in str(event["LOCATION"]) and str(event["UID"]).startswith("booking-")
    assert Interaction.objects.filter(kind="booking.confirmation").count() == 1
