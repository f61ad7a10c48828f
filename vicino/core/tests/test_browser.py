"""Real headless Chromium through the pages a person uses."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from vicino.conftest import PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def _login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Accedi a Vicino")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_a_manager_logs_in_in_italian_switches_to_english_and_sees_the_sites(transactional_db, page, live_server, dario, bologna):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/")
    page.screenshot(path=SCREENSHOTS / "login-it.png")
    _login(page, live_server, "dario@aurora.example")
    expect(page.get_by_role("heading", name=re.compile("Dario"))).to_be_visible()
    expect(page.locator("#team-chart")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "home-it.png", full_page=True)

    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Sites", exact=True).click()

    expect(page.get_by_role("heading", name="Sites")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Aurora Milano")
    expect(page.get_by_text("Borgo Bologna")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "sites-en.png", full_page=True)


def test_a_wrong_password_is_explained_on_the_page(transactional_db, page, live_server, anna):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill("anna@aurora.example")
    page.get_by_label("Password").fill("non-è-lei")
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("alert")).to_contain_text("E-mail o password non corretti")


def test_the_audit_search_filters_as_you_type_without_reloading(transactional_db, page, live_server, dario):
    _login(page, live_server, "dario@aurora.example")
    page.goto(f"{live_server.url}/audit/")
    page.evaluate("window.notReloaded = true")
    page.get_by_placeholder(re.compile("Cerca")).fill("Treviso")
    expect(page.locator("#audit-rows")).not_to_contain_text("Aurora Milano")
    expect(page.locator("#audit-rows")).to_contain_text("Aurora Treviso")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=SCREENSHOTS / "audit-it.png", full_page=True)
