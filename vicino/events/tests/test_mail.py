"""The guests' e-mails: a ticket whose QR code a phone reads back, a calendar invitation that follows the event,
each in the guest's language, each on their timeline."""

import datetime
import io

import icalendar
import pytest
import zxingcpp
from PIL import Image

from vicino.conftest import _person
from vicino.core.roles import Role
from vicino.events import services
from vicino.events.links import ticket_code, ticket_id_of
from vicino.events.models import Event
from vicino.events.tests.cast import NOW, register
from vicino.people.models import Customer, Interaction

pytestmark = pytest.mark.django_db


def _attachment(message, content_type):
    return next(content for _name, content, kind in message.attachments if kind.startswith(content_type))


def _calendar_entry(message):
    return next(iter(icalendar.Calendar.from_ical(_attachment(message, "text/calendar")).walk("VEVENT")))


def test_the_ticket_e_mail_carries_a_qr_code_that_reads_back_as_the_signed_ticket(tasting, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(tasting, 1, companions=1)
    (message,) = mailoutbox
    assert message.to == ["ospite1@example.it"] and message.subject.startswith("Sei iscritto: Degustazione in salone")
    (read,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(_attachment(message, "image/png"))))
    assert read.text == ticket_code(registration) and ticket_id_of(read.text) == registration.pk
    assert ticket_code(registration) in message.body and "Vieni con 1 accompagnatore." in message.body
    entry = _calendar_entry(message)
    assert entry["summary"] == "Degustazione in salone" and entry.decoded("dtstart") == tasting.starts_at.replace(microsecond=0) and entry["status"] == "CONFIRMED"
    assert Interaction.objects.filter(customer_id=registration.customer_id, kind="event.mail.confirmed").count() == 1


def test_a_waiting_guest_is_told_so_without_a_ticket(tasting, django_capture_on_commit_callbacks, mailoutbox):
    register(tasting, 0, companions=1), register(tasting, 1)  # the three places are taken
    with django_capture_on_commit_callbacks(execute=True):
        register(tasting, 9)
    (message,) = [m for m in mailoutbox if m.to == ["ospite9@example.it"]]
    assert message.subject == "In lista d'attesa: Degustazione in salone"
    assert not [a for a in message.attachments if a[2].startswith("image/png")]


def test_a_new_date_reaches_every_guest_in_their_language_with_the_calendar_entry_moved(tasting, aurora, milano, django_capture_on_commit_callbacks, mailoutbox):
    manager = _person("giulia@aurora.example", "Giulia D'Angelo", aurora, Role.SITE_MANAGER, milano)
    italian, english = register(tasting, 1), register(tasting, 2)
    Customer.objects.filter(pk=english.customer_id).update(language="en")
    later = tasting.starts_at + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_reschedule(by=manager, event=tasting, starts_at=later, ends_at=later + datetime.timedelta(hours=3), now=NOW)
    by_address = {message.to[0]: message for message in mailoutbox}
    assert by_address["ospite1@example.it"].subject.startswith("Nuova data: Degustazione in salone, ora il ")
    assert by_address["ospite2@example.it"].subject.startswith("New date: Degustazione in salone, now ")
    entry = _calendar_entry(by_address["ospite2@example.it"])
    assert entry.decoded("dtstart") == later.replace(microsecond=0) and entry["sequence"] == 1
    assert Interaction.objects.filter(kind="event.mail.rescheduled").count() == 2
    assert italian.pk != english.pk


def test_postponing_keeps_the_places_and_cancelling_removes_the_calendar_entry(tasting, aurora, milano, django_capture_on_commit_callbacks, mailoutbox):
    manager = _person("giulia@aurora.example", "Giulia D'Angelo", aurora, Role.SITE_MANAGER, milano)
    guest = register(tasting, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_postpone(by=manager, event=tasting)
    guest.refresh_from_db()
    assert guest.status == "confirmed" and Event.objects.get(pk=tasting.pk).status == "postponed"
    assert mailoutbox[-1].subject == "Rinviato: Degustazione in salone — il tuo posto resta"
    assert _calendar_entry(mailoutbox[-1])["status"] == "TENTATIVE"
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(by=manager, event=tasting)
    cancelled = _calendar_entry(mailoutbox[-1])
    assert mailoutbox[-1].subject.startswith("Annullato: Degustazione in salone") and cancelled["status"] == "CANCELLED" and cancelled["sequence"] == 2
    raw = _attachment(mailoutbox[-1], "text/calendar")
    assert "METHOD:CANCEL" in (raw.decode() if isinstance(raw, bytes) else raw)
