"""GDPR rights: requests and their deadline, the data archive, erasure."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vicino.conftest import _person, client_of
from vicino.core.models import AuditEntry
from vicino.core.roles import Role
from vicino.people import privacy, services
from vicino.people.models import ConsentEvent, ContactPoint, Customer, Interaction
from vicino.people.search import customer_search
from vicino.conftest import actor_of


@pytest.mark.parametrize(
    ("received", "due"),
    [("2026-01-15", "2026-02-15"), ("2026-01-31", "2026-02-28"), ("2028-01-31", "2028-02-29"), ("2026-12-10", "2027-01-10")],
)
def test_the_deadline_is_one_month_after_receipt(received, due):
    moment = datetime.datetime.fromisoformat(received + "T10:00:00+01:00")
    assert privacy.one_month_after(moment).date().isoformat() == due


def test_the_archive_holds_all_the_customers_data_as_json_and_csv(anna, carla, notice):
    services.consent_record(by=anna, customer=carla, purpose="marketing", channel="email", action="granted", source="paper", notice=notice)
    archive = zipfile.ZipFile(io.BytesIO(privacy.customer_data_archive(by=anna, customer=carla)))
    assert {"data.json", "customer.csv", "contact_points.csv", "consents.csv", "timeline.csv"} <= set(archive.namelist())
    data = json.loads(archive.read("data.json"))
    assert data["customer"]["last_name"] == "D'Angelo Paternò"
    assert [p["value"] for p in data["contact_points"]] == ["carla.dangelo@example.it", "+393331234567"]
    assert data["consents"][0]["notice_version"] == "2026.1"
    consents_csv = archive.read("consents.csv").decode("utf-8-sig")
    assert consents_csv.splitlines()[0].startswith("occurred_at;purpose;channel;action")
    assert Interaction.objects.filter(customer=carla, kind="data.exported").exists()


def test_the_archive_is_downloaded_from_the_customer_page(anna, carla, bruno):
    response = client_of(anna).get(reverse("people:customer-data", args=[carla.pk]))
    assert response["Content-Type"] == "application/zip"
    assert "data.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert client_of(bruno).get(reverse("people:customer-data", args=[carla.pk])).status_code == 404


def test_erasure_anonymises_the_person_but_keeps_counts_and_the_ledger(anna, carla, notice, aurora):
    services.consent_record(by=anna, customer=carla, purpose="marketing", channel="email", action="granted", source="paper", notice=notice)
    services.customer_update(by=anna, customer=carla, data={"notes": "Preferisce essere chiamata la sera"})
    privacy.customer_erase(by=anna, customer=carla)

    carla.refresh_from_db()
    assert (carla.first_name, carla.last_name, carla.notes, carla.search_text) == ("", "", "", "")
    assert carla.display_name == "Cliente cancellato"
    assert not ContactPoint.objects.filter(customer=carla).exists() and not carla.addresses.exists()
    assert ConsentEvent.objects.filter(customer=carla).count() == 1
    assert Customer.objects.filter(network=aurora).count() == 1
    assert set(Interaction.objects.filter(customer=carla).values_list("summary", flat=True)) - {"—"} == {"Dati personali cancellati su richiesta"}
    assert not AuditEntry.objects.filter(target_repr__icontains="Angelo").exists()
    assert not AuditEntry.objects.filter(changes__icontains="sera").exists()
    assert AuditEntry.objects.filter(action="customer.erase", actor=anna).exists()
    assert not customer_search(actor=actor_of(anna), text="dangelo").exists()


def test_a_request_is_registered_with_its_deadline_and_closing_an_erasure_erases(anna, dario, carla):
    client = client_of(anna)
    client.post(reverse("people:privacy-request-open", args=[carla.pk]), {"kind": "erasure", "channel": "email"})
    request = carla.privacy_requests.get()
    assert request.due_at.date() == privacy.one_month_after(request.received_at).date()
    assert client.get(reverse("people:privacy-request-list")).status_code == 403

    care = _person("care@aurora.example", "Nicolò Care", carla.network, Role.HQ_CUSTOMER_CARE)
    page = client_of(care).get(reverse("people:privacy-request-list"))
    assert "Cancellazione" in page.text
    client_of(care).post(reverse("people:privacy-request-detail", args=[request.pk]), {"status": "done", "notes": ""})
    request.refresh_from_db()
    carla.refresh_from_db()
    assert request.status == "done" and request.closed_by == care and carla.erased_at is not None


def test_refusing_a_request_needs_a_reason(dario, carla):
    request = privacy.privacy_request_open(by=dario, customer=carla, kind="access")
    with pytest.raises(ValidationError):
        privacy.privacy_request_close(by=dario, request=request, status="refused", notes=" ")
    request.refresh_from_db()
    assert request.status == "open"
