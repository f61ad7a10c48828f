"""The workshop journey in real Chromium, three people at three browsers: Matteo, the service advisor, opens
the repair order of today's service appointment from the board; Tommaso, the technician, posts from his phone a
photo of extra work with its price; Carla, the owner, signed in to the portal by the link she was e-mailed, is
watching her order's page and sees it appear without reloading, and approves it. Matteo moves the car to ready
and Carla gets the e-mail; she then withdraws her marketing consent in "my privacy", and Matteo finds the
withdrawal in her consent ledger.

The live server runs in its own thread on the real clock (no time travel): the appointment is booked for later
today, and the e-mails come through a real SMTP server.
"""

import datetime
import re
from email.message import Message
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from vicino.bookings import services as bookings
from vicino.bookings.models import Booking, Offering, OfferingNeed, OpeningException, Resource
from vicino.bookings.slots import zone
from vicino.conftest import PASSWORD
from vicino.core import services as core
from vicino.core.tests.test_browser import SCREENSHOTS
from vicino.testing.mailbox import body_of as _body
from vicino.testing.mailbox import mails_arrived
from vicino.people import services as people
from vicino.people.models import ConsentEvent
from vicino.workshop.models import Finding, OrderUpdate, RepairOrder

pytestmark = pytest.mark.browser

EMAIL = "carla.dangelo@example.it"
FINDING = "Dischi freno anteriori"
# A finding has five seconds to reach the owner's page (the poll), and the margin of a slow machine.
POLL_WAIT = 12_000


@pytest.fixture
def workshop_hours(milano):
    """Milano's week, and today open around the clock: the appointment can be later than now, whenever the test runs."""
    core.opening_hours_set(by=None, site=milano, intervals=[(weekday, datetime.time(8), datetime.time(19)) for weekday in range(7)])
    OpeningException.objects.create(site=milano, date=_today(), opens_at=datetime.time(0), closes_at=datetime.time(23, 59),
                                    reason="Apertura straordinaria")  # fmt: skip


@pytest.fixture
def service(aurora, milano, matteo, workshop_hours):
    """An hour in a bay with Matteo as the advisor; booked at the desk, so no notice is needed."""
    offering = Offering.objects.create(network=aurora, site=milano, kind=Offering.Kind.SERVICE, name="Tagliando", slug="tagliando",
                                       duration_minutes=60, min_notice_minutes=0)  # fmt: skip
    Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.BAY, name="Ponte 1")
    Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.ADVISOR, name="Matteo Ricci", user=matteo)
    OfferingNeed.objects.create(offering=offering, kind=Resource.Kind.BAY)
    OfferingNeed.objects.create(offering=offering, kind=Resource.Kind.ADVISOR)
    return offering


@pytest.fixture
def appointment(service, carla, matteo, notice, smtp_server) -> Booking:
    """Carla's service appointment of today; she had agreed to marketing by e-mail on paper, at the desk."""
    people.consent_record(by=None, customer=carla, purpose="marketing", channel="email", action="granted", source=ConsentEvent.Source.PAPER,
                          notice=notice)  # fmt: skip
    starts_at, now = _later_today()
    return bookings.booking_create(by=matteo, offering=service, customer=carla, starts_at=starts_at, notes="Tagliando dei 30.000", now=now)


@pytest.fixture
def new_context(browser, live_server):
    """Another person's browser, beside the `page` fixture's, in Italian; closed at the end."""
    contexts = []

    def make():
        context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def _today() -> datetime.date:
    return timezone.localdate(timezone.now(), zone())


def _later_today() -> tuple[datetime.datetime, datetime.datetime | None]:
    """A quarter hour at least half an hour from now, still today with its hour; late at night, one this morning booked earlier."""
    local = timezone.localtime(timezone.now(), zone()) + datetime.timedelta(minutes=30)
    start = local.replace(minute=local.minute // 15 * 15, second=0, microsecond=0)
    if start.date() == _today() and start.time() <= datetime.time(22, 45):
        return start, None
    morning = datetime.datetime.combine(_today(), datetime.time(8), zone())
    return morning, morning - datetime.timedelta(hours=1)


def _mails(smtp_server, subject: str, count: int = 1) -> list[Message]:
    """Carla's e-mails with this subject once `count` have arrived."""
    return mails_arrived(smtp_server, EMAIL, subject, count)


def _photo(tmp_path) -> str:
    """A real JPEG, as a phone's camera would hand it to the page."""
    path = tmp_path / "dischi.jpg"
    Image.new("RGB", (1600, 1200), (120, 60, 40)).save(path, "JPEG", quality=85)
    return str(path)


def _staff_login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_an_order_opened_from_a_booking_its_extra_work_approved_live_by_the_owner_the_car_ready_and_her_consent_withdrawn(
    transactional_db, page, new_context, live_server, smtp_server, matteo, tommaso, carla, appointment, tmp_path
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Matteo signs in and finds Carla's appointment on the workshop board.
    _staff_login(page, live_server, "matteo@aurora.example")
    page.goto(f"{live_server.url}{reverse('workshop:board')}")
    appointments = page.locator("#appointments")
    expect(appointments.get_by_role("heading")).to_contain_text("Appuntamenti in officina di oggi")
    row = appointments.locator(f'[data-booking="{appointment.pk}"]')
    expect(row).to_contain_text(f"{timezone.localtime(appointment.starts_at, zone()):%H:%M} · Carla D'Angelo Paternò Tagliando")
    page.screenshot(path=SCREENSHOTS / "workshop-board-it.png", full_page=True)
    row.get_by_role("link", name="Apri l'ordine di lavoro").click()

    # The form knows the booking and its customer; he writes down the car she came with.
    expect(page.get_by_role("heading", name="Apri un ordine di lavoro")).to_be_visible()
    expect(page.locator("#booking")).to_contain_text("Carla D'Angelo Paternò")
    form = page.locator("#open-form")
    form.get_by_label("Targa").fill("fa 123 bc")
    form.get_by_label("Marca").fill("Aurora")
    form.get_by_label("Modello").fill("Stella")
    form.get_by_label("Km all'arrivo").fill("31250")
    form.get_by_label("Cosa segnala il cliente").fill("Rumore dai freni anteriori")
    form.get_by_role("button", name="Apri l'ordine di lavoro").click()

    order = RepairOrder.objects.select_related("vehicle").get()
    expect(page.get_by_role("status")).to_have_text(f"Ordine di lavoro {order.number} aperto.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    expect(page.locator("#order-status")).to_have_text("Ricevuta")
    assert re.fullmatch(rf"MI01-{_today():%Y}-\d{{5}}", order.number)
    assert (order.booking_id, order.customer_id, order.source, order.vehicle.plate) == (appointment.pk, carla.pk, "booking", "FA123BC")
    assert order.complaint == "Tagliando dei 30.000\nRumore dai freni anteriori"
    # Opened, the appointment has left the board's list.
    page.goto(f"{live_server.url}{reverse('workshop:board')}")
    expect(page.locator(f'.board-card[data-order="{order.pk}"]')).to_contain_text("FA123BC")
    expect(page.locator("#appointments")).to_have_count(0)

    # Carla asks the portal for a link, and signs in through the one she is e-mailed.
    owner = new_context()
    owner.goto(f"{live_server.url}/portal/")
    expect(owner.get_by_role("heading", name="Accedi al tuo portale")).to_be_visible()
    owner.get_by_label("Il tuo indirizzo e-mail").fill("Carla.Dangelo@Example.it")
    owner.get_by_role("button", name="Inviami un link").click()
    expect(owner.get_by_role("heading", name="Controlla la tua e-mail")).to_be_visible()
    (signin,) = _mails(smtp_server, "Il tuo link per accedere a Aurora Motori")
    link = re.search(r"https?://\S+/portal/signin/\S+", _body(signin)).group()
    assert link.startswith(settings.VICINO_BASE_URL.rstrip("/"))
    # The e-mail's link points at the configured site address; the same path, on the test server.
    owner.goto(live_server.url + urlsplit(link).path)
    expect(owner.get_by_role("heading", name="I miei veicoli")).to_be_visible()
    owner.locator("a.portal-order").filter(has_text="In officina").click()
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Aurora Stella FA123BC")
    expect(owner.locator("#order-status")).to_have_text("Ricevuta")
    expect(owner.locator("#findings")).to_have_count(0)
    owner.evaluate("window.notReloaded = true")

    # Tommaso, at the car with his phone, posts the photo of the worn discs with the price of the job.
    technician = new_context()
    _staff_login(technician, live_server, "tommaso@aurora.example")
    technician.goto(f"{live_server.url}{reverse('workshop:order-update', args=[order.pk])}")
    expect(technician.get_by_role("heading", level=1)).to_contain_text("FA123BC")
    technician.get_by_label("Nota").fill("Dischi sotto lo spessore minimo, vedi foto.")
    technician.get_by_label("Foto o video").set_input_files(_photo(tmp_path))
    technician.get_by_label("Visibile al cliente").check()
    technician.locator("#update-form summary").click()
    technician.get_by_label("Lavoro aggiuntivo riscontrato").fill(FINDING)
    technician.get_by_label("Da fare subito").check()
    technician.get_by_label("Prezzo IVA esclusa (€)").fill("280")
    technician.get_by_role("button", name="Invia", exact=True).click()
    expect(technician.get_by_role("status")).to_have_text("Inviato al cliente per l'approvazione.")
    technician.screenshot(path=SCREENSHOTS / "workshop-technician-it.png", full_page=True)
    finding = Finding.objects.select_related("update").get()
    assert (finding.title, finding.grade, str(finding.price), finding.answer) == (FINDING, "red", "280.00", Finding.Answer.PROPOSED)
    assert finding.update.is_visible and finding.update.media_kind == "image" and finding.update.author == tommaso

    # On Carla's page, which she has not reloaded, the job appears with its photo and its price with VAT.
    item = owner.locator(f"#finding-{finding.pk}")
    expect(item).to_contain_text(FINDING, timeout=POLL_WAIT)
    expect(item).to_contain_text("Da fare subito")
    expect(item).to_contain_text("€ 341,60 IVA inclusa")
    expect(owner.locator("#order-status")).to_have_text("In attesa di approvazione")
    photo = owner.locator(f"#update-{finding.update_id} img")
    expect(photo).to_be_visible()
    owner.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert owner.evaluate("window.notReloaded") is True
    owner.screenshot(path=SCREENSHOTS / "portal-finding-it.png", full_page=True)

    item.get_by_role("button", name="Approva").click()
    expect(owner.get_by_role("status")).to_have_text(f"Approvato: «{FINDING}». L'officina procederà.")
    expect(owner.locator(f"#finding-{finding.pk} .finding-answer")).to_contain_text("Approvato")
    expect(owner.locator(f"#finding-{finding.pk}").get_by_role("button")).to_have_count(0)
    finding.refresh_from_db()
    assert (finding.answer, finding.answered_via, finding.answered_ip) == (Finding.Answer.APPROVED, Finding.Via.PORTAL, "127.0.0.1")
    assert finding.answered_at is not None and finding.recorded_by is None and finding.answered_user_agent
    assert order.lines.get().description == FINDING

    # Matteo sees the answer on the order and moves the car to ready; Carla's page follows, again without a reload.
    owner.evaluate("window.notReloaded = true")
    page.goto(f"{live_server.url}{reverse('workshop:order-detail', args=[order.pk])}")
    expect(page.locator("#order-status")).not_to_have_text("In attesa di approvazione")
    status_form = page.locator("#status-form")
    status_form.get_by_label("Sposta a").select_option(label="Pronta")
    status_form.get_by_role("button", name="Sposta").click()
    expect(page.get_by_role("status")).to_have_text("Ora: Pronta.")
    expect(page.locator("#order-status")).to_have_text("Pronta")
    order.refresh_from_db()
    assert order.status == RepairOrder.Status.READY and order.ready_at is not None
    expect(owner.locator("#order-status")).to_have_text("Pronta", timeout=POLL_WAIT)
    assert owner.evaluate("window.notReloaded") is True

    # Carla is told, in Italian, with the link to her order.
    (ready,) = _mails(smtp_server, f"La tua auto è pronta: Aurora Stella FA123BC ({order.number})")
    body = _body(ready)
    assert "la tua Aurora Stella FA123BC è pronta: puoi ritirarla presso Aurora Milano." in body
    assert settings.VICINO_BASE_URL.rstrip("/") + reverse("portal:order", args=[order.pk]) in body

    # In "my privacy" she withdraws her consent to marketing by e-mail.
    owner.get_by_role("navigation").get_by_role("link", name="La mia privacy").click()
    expect(owner.get_by_role("heading", name="La mia privacy")).to_be_visible()
    marketing = owner.locator("fieldset.portal-consent").filter(has=owner.locator("legend", has_text=re.compile(r"^Marketing$")))
    by_email = marketing.get_by_label("E-mail")
    expect(by_email).to_be_checked()
    by_email.uncheck()
    owner.get_by_role("button", name="Salva le mie scelte").click()
    expect(owner.get_by_role("status")).to_have_text("Le tue scelte sono salvate.")
    expect(marketing.get_by_label("E-mail")).not_to_be_checked()
    expect(marketing).to_contain_text(f"Revocato {timezone.localdate():%d/%m/%Y}")
    owner.screenshot(path=SCREENSHOTS / "portal-privacy-it.png", full_page=True)
    withdrawal = ConsentEvent.objects.filter(customer=carla).order_by("-occurred_at", "-pk").first()
    assert (withdrawal.purpose, withdrawal.channel, withdrawal.action, withdrawal.source) == ("marketing", "email", "withdrawn", "portal")
    assert withdrawal.ip_address == "127.0.0.1" and ConsentEvent.objects.filter(customer=carla).count() == 2

    # Matteo opens Carla's page from the order and finds the withdrawal in the ledger, from the customer portal.
    page.locator("#vehicle").get_by_role("link", name="Carla D'Angelo Paternò").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Carla D'Angelo Paternò")
    now_row = page.locator("#consents > .table-wrap tbody tr").filter(has_text="Marketing").filter(has_text="E-mail")
    expect(now_row).to_contain_text("Revocato")
    expect(now_row).to_contain_text("Area clienti")
    page.locator("#consents summary").filter(has_text="Storico dei consensi").click()
    history = page.locator("#consent-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Revocato")
    expect(history.first).to_contain_text("Area clienti")
    expect(history.first).to_contain_text("127.0.0.1")
    expect(history.last).to_contain_text("Concesso")
    expect(history.last).to_contain_text("Modulo cartaceo")
    page.screenshot(path=SCREENSHOTS / "workshop-consent-ledger-it.png", full_page=True)
    assert OrderUpdate.objects.filter(order=order).count() == 1
