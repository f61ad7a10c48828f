"""The events journey in real Chromium: Loredana, an enthusiast who has never bought, takes the last place at
a wine tasting on the public page; Pietro, a minute later, lands on the waiting list. Loredana cannot come after
all and cancels through her e-mail's link; Pietro is offered the place by e-mail and takes it. At the door,
Rosa from reception checks him in with her phone by the QR code of the ticket he was e-mailed, and a second
scan only says when he came in. His attendance is on his timeline.

The e-mails come through a real SMTP server; the QR code is read by the door page itself (from a photo of the
ticket, the path a phone without camera access takes), so what is tested is the code printed in the e-mail.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from vicino.core.tests.test_browser import SCREENSHOTS
from vicino.events import services
from vicino.events.models import Event, Registration
from vicino.people.matching import PersonIn
from vicino.people.models import Customer
from vicino.testing.mailbox import attachment_of, body_of, mails_arrived, subject_of
from vicino.workshop.tests.test_browser import _staff_login

pytestmark = pytest.mark.browser

LOREDANA, PIETRO = "loredana.dellacqua@example.it", "pietro.santelia@example.it"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def tasting(aurora, milano):
    """Franciacorta in Milano's showroom next week: three places, two already taken."""
    starts = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)
    event = Event.objects.create(network=aurora, site=milano, kind=Event.Kind.TASTING, title="Degustazione Franciacorta", slug="franciacorta",
                                 starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), capacity=3, max_companions=1,
                                 status=Event.Status.PUBLISHED, description="Tre cantine, un sommelier, le auto nuove.")  # fmt: skip
    for name in ("Marta", "Sergio"):
        services.registration_create(event=event, person=PersonIn(first_name=name, last_name="Bianchi", emails=(f"{name.lower()}@example.it",)),
                                     email=f"{name.lower()}@example.it")  # fmt: skip
    return event


def _link(message, live_server) -> str:
    """The e-mail's link to the guest's own page, followed on the test server."""
    url = re.search(r"https?://\S+/events/ticket/\S+", body_of(message)).group()
    assert url.startswith(settings.VICINO_BASE_URL.rstrip("/"))
    return live_server.url + urlsplit(url).path


def _register(page, live_server, first: str, last: str, email: str) -> None:
    page.goto(f"{live_server.url}{reverse('events:public-list', args=['aurora'])}")
    page.get_by_role("link", name="Degustazione Franciacorta").click()
    form = page.locator("#registration-form")
    form.get_by_label("Nome:", exact=True).fill(first)
    form.get_by_label("Cognome").fill(last)
    form.get_by_role("textbox", name="E-mail:").fill(email)
    form.get_by_label("Allergie o esigenze alimentari").fill("nessuna")
    form.get_by_role("button").click()


def test_the_last_place_taken_given_back_through_the_e_mail_passed_to_the_first_waiting_and_checked_in_by_the_qr_code(
    transactional_db, browser, live_server, smtp_server, tasting, rosa, tmp_path
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    loredana = browser.new_context(locale="it-IT", viewport=PHONE).new_page()
    pietro = browser.new_context(locale="it-IT", viewport=PHONE).new_page()
    door = browser.new_context(locale="it-IT", viewport=PHONE).new_page()

    # Loredana finds the tasting on the network's page: one place is left, and she takes it.
    loredana.goto(f"{live_server.url}{reverse('events:public-event', args=['aurora', 'franciacorta'])}")
    expect(loredana.locator("#places-left")).to_have_text("1 posto disponibile")
    loredana.screenshot(path=SCREENSHOTS / "events-public-it.png", full_page=True)
    _register(loredana, live_server, "Loredana", "Dell'Acqua", LOREDANA)
    expect(loredana.locator("#registration-status")).to_contain_text("Confermata")
    expect(loredana.locator("#ticket svg")).to_be_visible()
    mine = Registration.objects.get(email=LOREDANA)
    assert mine.status == "confirmed" and mine.customer.relation == Customer.Relation.ENTHUSIAST and mine.new_customer

    # Pietro comes a minute later: the tasting is full, and he joins the waiting list.
    pietro.goto(f"{live_server.url}{reverse('events:public-event', args=['aurora', 'franciacorta'])}")
    expect(pietro.locator("#places-left")).to_have_text("Al completo: puoi entrare in lista d'attesa")
    _register(pietro, live_server, "Pietro", "Sant'Elia", PIETRO)
    expect(pietro.locator("#registration-status")).to_contain_text("In lista d'attesa")
    expect(pietro.locator("#ticket")).to_have_count(0)
    (waiting,) = mails_arrived(smtp_server, PIETRO, "In lista d'attesa: Degustazione Franciacorta")

    # Loredana cannot come after all: from her ticket's e-mail she gives the place back.
    (ticket,) = mails_arrived(smtp_server, LOREDANA)
    assert "Il tuo biglietto è il codice QR allegato" in body_of(ticket)
    loredana.goto(_link(ticket, live_server))
    loredana.get_by_role("button", name="Annulla la mia iscrizione").click()
    expect(loredana.get_by_role("status")).to_have_text("La tua iscrizione è annullata. Grazie di aver liberato il posto.")
    expect(loredana.locator("#registration-status")).to_contain_text("Annullata")

    # Pietro is offered the place by e-mail, with a deadline, and takes it from the link.
    (offer,) = [m for m in mails_arrived(smtp_server, PIETRO, count=2) if m is not waiting]
    offered = Registration.objects.get(email=PIETRO)
    deadline = f"{timezone.localtime(offered.offer_expires_at):%d/%m/%Y %H:%M}"
    assert subject_of(offer) == f"Si è liberato un posto per te: Degustazione Franciacorta — conferma entro il {deadline}"
    pietro.goto(_link(offer, live_server))
    expect(pietro.locator("#registration-status")).to_contain_text(f"Confermalo entro il {deadline}")
    pietro.get_by_role("button", name="Prendi il posto").click()
    expect(pietro.get_by_role("status")).to_have_text("Il posto è tuo: il biglietto è qui sotto, e sta arrivando per e-mail.")
    expect(pietro.locator("#ticket svg")).to_be_visible()
    pietro.screenshot(path=SCREENSHOTS / "events-ticket-it.png", full_page=True)
    (confirmed,) = [m for m in mails_arrived(smtp_server, PIETRO, count=3) if m not in (waiting, offer)]
    name, png = attachment_of(confirmed, "image/png")
    assert name == "biglietto.png"
    photo = tmp_path / "biglietto.png"
    photo.write_bytes(png)

    # At the door, Rosa's phone reads the QR code of the ticket Pietro was e-mailed.
    _staff_login(door, live_server, "rosa@aurora.example")
    door.goto(f"{live_server.url}{reverse('events:door', args=[tasting.pk])}")
    expect(door.locator("#arrived")).to_have_text("0")
    expect(door.locator("#expected")).to_have_text("3")
    door.get_by_label("Oppure fotografa il codice").set_input_files(str(photo))
    expect(door.locator("#scan-result")).to_have_text("Benvenuto, Pietro Sant'Elia! · nessuna")
    expect(door.locator("#arrived")).to_have_text("1")
    guest = Registration.objects.get(email=PIETRO)
    assert guest.checked_in_at is not None and guest.checked_in_by_id == rosa.pk
    # He shows it again: nothing changes, and the page says when he came in.
    door.get_by_label("Oppure fotografa il codice").set_input_files(str(photo))
    at = f"{timezone.localtime(guest.checked_in_at):%H:%M}"
    expect(door.locator("#scan-result")).to_have_text(f"Pietro Sant'Elia è già entrato alle {at}. · nessuna")
    expect(door.locator("#arrived")).to_have_text("1")
    door.screenshot(path=SCREENSHOTS / "events-door-it.png", full_page=True)

    # His attendance is on his timeline, where Rosa's colleagues will find it.
    door.goto(f"{live_server.url}{reverse('people:customer-detail', args=[guest.customer_id])}")
    expect(door.locator("#timeline")).to_contain_text("Ha partecipato a Degustazione Franciacorta")
    assert Registration.objects.filter(event=tasting, status="confirmed").count() == 3
