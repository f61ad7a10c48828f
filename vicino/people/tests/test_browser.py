"""The people journey in real Chromium: messy import → search → consent withdrawn → data downloaded."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from vicino.conftest import PASSWORD
from vicino.core.tests.test_browser import SCREENSHOTS

pytestmark = pytest.mark.browser

MESSY_CSV = (
    "Nome;Cognome;E-mail;Cellulare;CAP;Città;Prov.;Consenso marketing e-mail\r\n"
    "Lucia;D’Angelo;lucia.dangelo@libero.it;333 1234567;6129;Perugia;PG;sì\r\n"
    "Marco;Rossi;marco.rossi@;347 7654321;20121;Milano;MI;no\r\n"
    "Nicolò;Paternò;nicolo.paterno@alice.it;+39 340 1112223;31100;Treviso;TV;x\r\n"
).encode("cp1252")


def test_import_find_withdraw_consent_and_download_the_data(transactional_db, page, live_server, giulia, notice, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill("giulia@aurora.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()

    # Upload a semicolon-separated Windows-1252 file with one bad row.
    page.goto(f"{live_server.url}/customers/imports/")
    csv_path = tmp_path / "clienti.csv"
    csv_path.write_bytes(MESSY_CSV)
    page.get_by_label("File").set_input_files(str(csv_path))
    page.get_by_role("button", name="Carica").click()
    expect(page.get_by_text("Nicolò")).to_be_visible()
    page.get_by_label("Informativa mostrata ai clienti").select_option(label=str(notice))
    page.get_by_role("button", name="Controlla il file").click()

    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("“marco.rossi@” non è un indirizzo e-mail valido.")
    expect(errors.locator("tbody tr")).to_have_count(1)
    page.screenshot(path=SCREENSHOTS / "import-report-it.png", full_page=True)
    page.get_by_role("button", name="Importa 2 righe corrette").click()
    expect(page.get_by_role("status")).to_contain_text("2 nuovi clienti")

    # Find her with the apostrophe left out, and open her page.
    page.goto(f"{live_server.url}/customers/")
    page.get_by_placeholder(re.compile("Nome, e-mail")).fill("dangelo")
    rows = page.locator("#customer-rows tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Lucia D'Angelo")).to_be_visible()
    expect(page.locator("#consents")).to_contain_text("contattabile")

    # Withdraw her marketing consent by e-mail.
    consent_form = page.locator("#consents form")
    consent_form.get_by_label("Finalità").select_option("marketing")
    consent_form.get_by_label("Canale").select_option("email")
    consent_form.get_by_label("Il cliente").select_option("withdrawn")
    consent_form.get_by_label("Come").select_option("staff")
    consent_form.get_by_role("button", name="Registra il consenso").click()
    expect(page.get_by_role("status").first).to_contain_text("Il consenso è stato registrato")
    expect(page.locator("#consents tbody").first).to_contain_text("Revocato")
    page.get_by_text("Storico dei consensi").click()
    history = page.locator("#consent-history")
    expect(history).to_contain_text("Revocato")
    expect(history).to_contain_text("Concesso")
    expect(page.locator("#timeline")).to_contain_text("Consenso revocato")
    page.screenshot(path=SCREENSHOTS / "customer-it.png", full_page=True)

    # Download everything we hold about her.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Scarica i dati del cliente").click()
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert data["customer"]["last_name"] == "D'Angelo"
    assert [c["action"] for c in data["consents"]] == ["granted", "withdrawn"]
