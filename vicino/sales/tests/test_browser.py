"""The sales journey in real Chromium: web enquiry → consultant's board → test drive → quote e-mailed as PDF → order → delivery → report."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vicino.conftest import PASSWORD
from vicino.core.tests.test_browser import SCREENSHOTS
from vicino.sales.models import Lead

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_a_web_enquiry_followed_to_delivery_counts_under_its_campaign(transactional_db, page, live_server, smtp_server, anna, bruno, dario, notice, stella):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The customer, on the dealer's website, coming from the spring newsletter.
    page.goto(f"{live_server.url}/enquiry/aurora/MI01/?utm_campaign=primavera-2026&utm_source=newsletter")
    page.get_by_label(re.compile(r"^Nome\b")).fill("Lucia")
    page.get_by_label("Cognome").fill("Dell'Acqua")
    page.get_by_role("textbox", name="E-mail").fill("lucia.dellacqua@example.it")
    page.get_by_label("Modello di interesse").select_option(label=str(stella))
    page.get_by_label("Vorrei").select_option("test_drive")
    page.wait_for_timeout(3200)  # a person takes a few seconds; the form refuses faster posts
    page.get_by_role("button", name="Invia").click()
    expect(page.get_by_role("status")).to_contain_text("Aurora Milano")

    # Anna, Milano's consultant, finds it on her board and drags it to the test drive.
    _sign_in(page, live_server, "anna@aurora.example")
    page.goto(f"{live_server.url}/leads/")
    card = page.locator(".board-card", has_text="Lucia Dell'Acqua")
    expect(page.locator('.board-column[data-stage="new"]')).to_contain_text("Lucia Dell'Acqua")
    card.drag_to(page.locator('.board-column[data-stage="test_drive"]'))
    expect(page.locator('.board-column[data-stage="test_drive"]')).to_contain_text("Lucia Dell'Acqua")
    expect(page.locator('.board-column[data-stage="test_drive"] [data-count]')).to_have_text("1")
    page.screenshot(path=SCREENSHOTS / "sales-board-it.png", full_page=True)
    lead = Lead.objects.get()
    assert (lead.stage, lead.assigned_to, lead.campaign) == ("test_drive", anna, "primavera-2026")

    # A quote from the model's list price, e-mailed as a PDF.
    page.locator('.board-card', has_text="Lucia Dell'Acqua").get_by_role("link").click()
    quote_form = page.locator("#quote-form")
    quote_form.get_by_label("Messa su strada", exact=False).fill("850")
    quote_form.get_by_role("button", name="Prepara il preventivo").click()
    expect(page.locator("[data-stage]").first).to_have_text("Preventivo")
    expect(page.locator("[data-to-pay]")).to_have_text("30.130,00\xa0€")  # 24.000 + 22 % VAT + 850
    page.get_by_role("button", name="Invia per e-mail al cliente").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text("lucia.dellacqua@example.it")
    (message,) = smtp_server.to("lucia.dellacqua@example.it")
    attachment = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
    assert attachment.get_filename().startswith("Preventivo-MI01-") and attachment.get_payload(decode=True).startswith(b"%PDF-")

    # Ordered, then delivered.
    order_form = page.locator("#order-form")
    order_form.get_by_label("Consegna prevista").fill((timezone.localdate() + datetime.timedelta(days=21)).strftime("%d/%m/%Y"))
    order_form.get_by_role("button", name="Registra l'ordine").click()
    expect(page.locator("[data-stage]").first).to_have_text("Ordine")
    page.get_by_role("button", name="Segna come consegnata").click()
    expect(page.locator("[data-stage]").first).to_have_text("Consegnato")
    page.screenshot(path=SCREENSHOTS / "sales-lead-delivered-it.png", full_page=True)

    # Head office's report counts it under the newsletter's campaign.
    page.context.clear_cookies()
    _sign_in(page, live_server, "dario@aurora.example")
    page.goto(f"{live_server.url}/leads/report/?by=campaign&start={timezone.localdate():%d/%m/%Y}&end={timezone.localdate():%d/%m/%Y}")
    row = page.locator('#report tbody tr[data-row="primavera-2026"]')
    expect(row.locator("td")).to_have_text(["1", "1", "1", "1", "100,0%", "100,0%", "100,0%", "0 min"])
    page.screenshot(path=SCREENSHOTS / "sales-report-it.png", full_page=True)
