"""The bookings journey in real Chromium: a customer books a test drive of the electric Luna online, gets the
confirmation with its calendar invitation, moves it through the e-mail's link, and Anna runs it from the diary —
refused to start until the car's sanitising checklist is ticked, then started and completed.

The live server runs in its own thread on the real clock (no time travel), so the times are chosen from the
page itself, two or more days ahead.
"""

import datetime
import re
from email.message import Message
from urllib.parse import urlsplit

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vicino.bookings.links import booking_manage_url
from vicino.bookings.models import Booking, BookingCheck, Checklist, ChecklistStep
from vicino.bookings.slots import zone
from vicino.conftest import PASSWORD
from vicino.core import services as core
from vicino.core.tests.test_browser import SCREENSHOTS
from vicino.people.models import ConsentEvent
from vicino.testing.mailbox import body_of as _body
from vicino.testing.mailbox import mails_arrived
from vicino.testing.mailbox import subject_of as _subject

pytestmark = pytest.mark.browser

EMAIL = "lucia.dellacqua@example.it"
STEPS = ["Interni sanificati", "Volante e maniglie igienizzati"]
GIORNI = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]
BOOKED_AT, MOVED_TO = "10:00", "15:00"


@pytest.fixture
def open_every_day(milano):
    """Open all week, so whichever day the test runs there are free times two days ahead."""
    hours = [(weekday, datetime.time(9), datetime.time(19)) for weekday in range(7)]
    core.opening_hours_set(by=None, site=milano, intervals=hours)


@pytest.fixture
def sanitising(test_drive):
    checklist = Checklist.objects.create(offering=test_drive, name="Sanificazione dell'auto prima della prova")
    for position, label in enumerate(STEPS):
        ChecklistStep.objects.create(checklist=checklist, label=label, position=position)
    return checklist


def _italian(at: datetime.datetime) -> str:
    """A time as the Italian pages write it: "giovedì 10/12/2026 15:00"."""
    local = timezone.localtime(at, zone())
    return f"{GIORNI[local.weekday()]} {local:%d/%m/%Y %H:%M}"


def _numeric(at: datetime.datetime) -> str:
    return f"{timezone.localtime(at, zone()):%d/%m/%Y %H:%M}"


def _mails(smtp_server, count: int) -> list[Message]:
    """The customer's e-mails once `count` have arrived."""
    return mails_arrived(smtp_server, EMAIL, count=count, wait=5)


def _event(message: Message) -> tuple[icalendar.Calendar, icalendar.Event]:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "prenotazione.ics"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _day_with(page, time_label: str, earliest: datetime.date) -> datetime.date:
    """The first day on the page, from `earliest`, offering that time (holidays show no free time)."""
    for section in page.locator("section.day").all():
        day = datetime.date.fromisoformat(section.get_attribute("data-day"))
        if day >= earliest and section.get_by_label(time_label, exact=True).count():
            return day
    pytest.fail(f"No day from {earliest} shows a free {time_label}.")


def test_a_test_drive_booked_online_moved_by_link_and_run_from_the_diary_after_its_preparation(
    transactional_db, page, live_server, smtp_server, anna, notice, luna, test_drive, sanitising, open_every_day
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The customer, not signed in, opens the site's test-drive page in Italian and picks the Luna.
    page.goto(f"{live_server.url}/book/aurora/MI01/prova/")
    expect(page.get_by_role("heading", name="Prova su strada")).to_be_visible()
    page.get_by_label("Modello").select_option(label="Aurora Luna EV Long Range")
    page.get_by_role("button", name="Mostra").click()
    expect(page.get_by_role("group", name="Orari liberi")).to_contain_text("Scegli un orario")

    day = _day_with(page, BOOKED_AT, timezone.localdate(timezone.now(), zone()) + datetime.timedelta(days=2))
    page.locator(f'section.day[data-day="{day:%Y-%m-%d}"]').get_by_label(BOOKED_AT, exact=True).check()
    page.get_by_label(re.compile(r"^Nome")).fill("Lucia")
    page.get_by_label(re.compile(r"^Cognome")).fill("Dell'Acqua")
    page.get_by_label(re.compile(r"^E-mail")).fill("Lucia.DellAcqua@Example.it")
    page.get_by_label("Acconsento a ricevere offerte e novità via e-mail (facoltativo).").check()
    page.get_by_role("button", name="Prenota").click()

    expect(page.get_by_role("heading", name="Prenotato!")).to_be_visible()
    booking = Booking.objects.select_related("customer").get()
    first_start = booking.starts_at
    assert timezone.localtime(first_start, zone()).strftime("%Y-%m-%d %H:%M") == f"{day:%Y-%m-%d} {BOOKED_AT}"
    expect(page.get_by_role("status")).to_have_text(
        f"Prova su strada presso Aurora Milano, {_italian(first_start)}. Aurora Luna EV Long Range."
    )
    page.screenshot(path=SCREENSHOTS / "booking-booked-it.png", full_page=True)
    assert (booking.status, booking.vehicle_model, booking.sequence) == (Booking.Status.CONFIRMED, luna, 0)
    assert booking.customer.display_name == "Lucia Dell'Acqua"
    assert ConsentEvent.objects.filter(customer=booking.customer, purpose="marketing", action="granted").count() == 1
    assert [c.label for c in BookingCheck.objects.filter(booking=booking)] == STEPS

    # The confirmation e-mail: an invitation for that time, and the link to change it.
    (confirmation,) = _mails(smtp_server, 1)
    assert _subject(confirmation) == f"Prenotazione confermata: Prova su strada, {_numeric(first_start)}"
    calendar, event = _event(confirmation)
    assert calendar["METHOD"] == "REQUEST"
    assert event.decoded("DTSTART") == first_start and event.decoded("DTEND") == booking.ends_at
    assert event["SEQUENCE"] == 0
    body = _body(confirmation)
    assert "la tua prenotazione è confermata: Prova su strada presso Aurora Milano." in body
    manage_url = booking_manage_url(booking)
    assert manage_url in body.split("Per spostarla o annullarla, senza accedere:")[1]

    # Through the link, still without an account, she moves it to the afternoon.
    # The e-mail's link points at the configured site address; the same path, on the test server.
    page.goto(live_server.url + urlsplit(manage_url).path)
    expect(page.get_by_role("heading", name="La tua prenotazione")).to_be_visible()
    expect(page.locator("#booking-when")).to_have_text(_italian(first_start).capitalize())
    page.locator(f'section.day[data-day="{day:%Y-%m-%d}"]').get_by_label(MOVED_TO, exact=True).check()
    page.get_by_role("button", name="Sposta a quest'orario").click()

    expect(page.get_by_role("status")).to_have_text(
        "La tua prenotazione è stata spostata. Ti abbiamo inviato un'e-mail con il nuovo orario."
    )
    booking.refresh_from_db()
    new_start = booking.starts_at
    assert timezone.localtime(new_start, zone()).strftime("%Y-%m-%d %H:%M") == f"{day:%Y-%m-%d} {MOVED_TO}"
    assert (booking.sequence, booking.status) == (1, Booking.Status.CONFIRMED)
    expect(page.locator("#booking-when")).to_have_text(_italian(new_start).capitalize())
    page.screenshot(path=SCREENSHOTS / "booking-moved-it.png", full_page=True)

    _confirmation, moved = _mails(smtp_server, 2)
    assert _subject(moved) == f"Prenotazione spostata: Prova su strada, ora il {_numeric(new_start)}"
    assert "la tua prenotazione è stata spostata" in _body(moved)
    calendar, event = _event(moved)
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == new_start and event.decoded("DTSTART") != first_start
    assert event["UID"] == _event(confirmation)[1]["UID"]  # the same event, replaced in her calendar

    # Anna signs in and finds it in the diary's week, at its new time.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill("anna@aurora.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.goto(f"{live_server.url}/diary/?date={day:%Y-%m-%d}")
    monday = day - datetime.timedelta(days=day.weekday())
    expect(page.locator(".week-nav strong")).to_have_text(f"Settimana del {monday:%d/%m/%Y}")
    entry = page.locator(f'td[data-starts-at="{day:%Y-%m-%d}T{MOVED_TO}"] .diary-booking')
    expect(entry).to_contain_text("Lucia Dell'Acqua · Luna")
    expect(page.locator(".diary-booking")).to_have_count(1)
    page.screenshot(path=SCREENSHOTS / "booking-diary-it.png", full_page=True)
    entry.click()

    # Start is refused while the car's sanitising is not done, naming what is missing.
    expect(page.get_by_role("heading", name="Prova su strada")).to_be_visible()
    expect(page.locator("#booking-status")).to_have_text("Confermata")
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("Sanificazione dell'auto prima della prova")
    expect(checklist.locator("[data-missing]")).to_have_text("Mancano ancora 2 passaggi")
    page.get_by_role("button", name="Inizia").click()
    # Said once: the page used to repeat every message (the layout and the page both showed them).
    expect(page.get_by_role("status")).to_have_count(1)
    expect(page.get_by_role("status")).to_have_class(re.compile(r"\balert-error\b"))
    expect(page.get_by_role("status")).to_have_text(
        "La prova non può iniziare prima che la preparazione sia completa. "
        "Manca ancora: “Interni sanificati”, “Volante e maniglie igienizzati”."
    )
    expect(page.locator("#booking-status")).to_have_text("Confermata")
    booking.refresh_from_db()
    assert (booking.status, booking.started_at) == (Booking.Status.CONFIRMED, None)

    # She ticks each step; the checklist is redrawn in place (htmx), no page load.
    page.evaluate("window.notReloaded = true")
    checklist.get_by_label(STEPS[0]).click()
    expect(checklist.locator("[data-missing]")).to_have_text("Manca ancora 1 passaggio")
    checklist.get_by_label(STEPS[1]).click()
    expect(checklist.locator("[data-missing]")).to_have_count(0)
    expect(checklist.locator("li.is-done")).to_have_count(2)
    expect(checklist.locator("li.is-done").first).to_contain_text("Anna Colombo")
    for label in STEPS:
        expect(checklist.get_by_label(label)).to_be_checked()
    assert page.evaluate("window.notReloaded") is True
    checks = list(BookingCheck.objects.filter(booking=booking))
    assert [(c.label, c.done_by) for c in checks] == [(label, anna) for label in STEPS]
    assert all(c.done_at is not None for c in checks)

    page.get_by_role("button", name="Inizia").click()
    expect(page.get_by_role("status")).to_have_text("Iniziata.")
    expect(page.locator("#booking-status")).to_have_text("Iniziata")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.STARTED and booking.started_at is not None

    page.get_by_role("button", name="Completa").click()
    expect(page.get_by_role("status")).to_have_text("Completata.")
    expect(page.locator("#booking-status")).to_have_text("Completata")
    expect(page.get_by_text("Non resta nulla da fare.")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "booking-completed-it.png", full_page=True)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED and booking.completed_at >= booking.started_at
