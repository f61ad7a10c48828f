"""The sales API: enquiries in, leads along the pipeline, ADF documents, the catalogue and stock, quotes."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from vicino.api.models import IdempotencyKey
from vicino.conftest import api_call
from vicino.conftest import api_token as token_for
from vicino.people.models import Customer
from vicino.sales import services, stock
from vicino.sales.api import StockEditIn
from vicino.sales.models import AdfDocument, Fuel, Lead, Quote, StockVehicle, TradeIn, VehicleModel

from .conftest import enquiry
from .test_adf import STANDARD
from .test_adfimport import BILLION_LAUGHS

XML = "application/xml"
NEGATIVE = "An amount cannot be negative: enter a discount or a trade-in as a line of its own."


def call(method: str, path: str, token: str, body=None, language: str = "en", **headers):
    return api_call(method, path, token, body, language, **headers)


def post_xml(token: str, data: bytes, key: str | None = None, filename: str | None = None):
    headers = {"Accept-Language": "en", "Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    if filename is not None:
        headers["X-Filename"] = filename
    return Client().post("/api/v1/leads/adf", data=data, content_type=XML, headers=headers)


def locs(response) -> list[str]:
    """The field each error names (the last part of its location)."""
    return [error["loc"][-1] for error in response.json()["errors"]]


def messages(response) -> list[str]:
    return [error["msg"] for error in response.json()["errors"]]


MARCO = {"first_name": "Marco", "last_name": "Bellini", "emails": ["marco.bellini@example.it"], "phones": ["347 7654321"]}


@pytest.fixture
def lead_at_treviso(aurora, treviso, bruno):
    """A phone enquiry at Treviso, which goes to Bruno."""
    return services.lead_create(
        by=None, network=aurora,
        enquiry=enquiry(first="Davide", last="Furlan", email="davide@example.it", chosen_site=treviso, channel="phone"),
    )  # fmt: skip


@pytest.fixture
def lead_for_stella(aurora, milano, anna, stella):
    """Marco wants Aurora's Stella: a quote can start from its list price."""
    return services.lead_create(by=None, network=aurora, enquiry=enquiry(chosen_site=milano, vehicle_model=stella))


# --- Enquiries in -------------------------------------------------------------------------


def test_a_lead_posted_for_milano_is_routed_there_and_given_to_anna(dario, milano, anna):
    body = {
        "customer": MARCO, "site_id": milano.pk, "campaign": "primavera-2026", "utm": {"source": "google", "medium": "cpc"},
        "interest": "test_drive", "condition": "new", "vehicle_text": "Stella ibrida", "message": "Posso provarla sabato?",
        "preferred_contact": "phone",
    }  # fmt: skip
    response = call("post", "/leads", token_for(dario), body)
    assert response.status_code == 201
    lead = response.json()
    assert (lead["site_id"], lead["assigned_to_id"], lead["stage"]) == (milano.pk, anna.pk, "new")
    assert (lead["source"], lead["channel"], lead["campaign"], lead["utm_source"], lead["utm_medium"]) == (
        "api", "web", "primavera-2026", "google", "cpc"
    )  # fmt: skip
    assert (lead["interest"], lead["condition"], lead["vehicle_text"], lead["preferred_contact"]) == ("test_drive", "new", "Stella ibrida", "phone")
    assert lead["customer"]["display_name"] == "Marco Bellini"
    stored = Lead.objects.get()
    assert (stored.pk, stored.customer_id) == (lead["id"], lead["customer"]["id"])
    assert stored.customer.contact_points.filter(value="+393477654321").exists()


def test_a_site_members_enquiry_stays_at_their_site_wherever_the_customer_lives(anna, milano, treviso, bruno):
    response = call("post", "/leads", token_for(anna), {"customer": {**MARCO, "province": "TV", "cap": "31100"}})
    assert response.status_code == 201
    assert (response.json()["site_id"], response.json()["assigned_to_id"]) == (milano.pk, anna.pk)


def test_head_office_enquiries_without_a_site_are_routed_by_the_customers_province(dario, milano, treviso, bruno):
    response = call("post", "/leads", token_for(dario), {"customer": {**MARCO, "province": "TV"}, "channel": "phone"})
    assert (response.json()["site_id"], response.json()["assigned_to_id"], response.json()["channel"]) == (treviso.pk, bruno.pk, "phone")


def test_an_enquiry_from_carlas_email_is_carlas_lead(anna, carla):
    customer = {"first_name": "Carla", "last_name": "D'Angelo", "emails": ["CARLA.DANGELO@example.it"]}
    response = call("post", "/leads", token_for(anna), {"customer": customer})
    assert response.status_code == 201
    assert response.json()["customer"] == {"id": carla.pk, "display_name": "Carla D'Angelo Paternò"}
    assert Customer.objects.count() == 1


def test_the_trade_in_offered_comes_with_the_lead(anna):
    body = {"customer": MARCO, "interest": "trade_in", "trade_ins": [{"make": "Fiat", "model": "Panda", "year": 2015, "km": 98000, "plate": "ab 123 cd"}]}
    response = call("post", "/leads", token_for(anna), body)
    assert response.status_code == 201
    trade_in = TradeIn.objects.get()
    assert (trade_in.lead_id, trade_in.make, trade_in.model, trade_in.year, trade_in.km, trade_in.plate) == (
        response.json()["id"], "Fiat", "Panda", 2015, 98000, "AB123CD"
    )  # fmt: skip


def test_a_stranger_without_a_name_is_refused_naming_the_customers_last_name(anna):
    response = call("post", "/leads", token_for(anna), {"customer": {"emails": ["chi@example.it"]}})
    assert response.status_code == 422
    assert (locs(response), messages(response)) == (["customer.last_name"], ["Give a first name, a last name or a company name."])
    assert (Lead.objects.count(), Customer.objects.count()) == (0, 0)


def test_a_site_member_cannot_send_an_enquiry_to_another_site(anna, treviso):
    response = call("post", "/leads", token_for(anna), {"customer": MARCO, "site_id": treviso.pk})
    assert response.status_code == 422
    assert locs(response) == ["site_id"]
    assert not Lead.objects.exists()


def test_another_networks_site_or_catalogue_model_is_refused_by_name(dario, roberta, bologna, borgo):
    borgo_model = stock.vehicle_model_create(by=None, network=borgo, make="Borgo", model="Bici", fuel=Fuel.ELECTRIC)
    token = token_for(dario)
    assert locs(call("post", "/leads", token, {"customer": MARCO, "site_id": bologna.pk})) == ["site_id"]
    assert locs(call("post", "/leads", token, {"customer": MARCO, "vehicle_model_id": borgo_model.pk})) == ["vehicle_model_id"]
    assert not Lead.objects.exists()


def test_fields_a_client_cannot_set_are_refused(anna, bruno):
    response = call("post", "/leads", token_for(anna), {"customer": MARCO, "stage": "order", "assigned_to_id": bruno.pk})
    assert response.status_code == 422
    assert sorted(locs(response)) == ["assigned_to_id", "stage"]
    assert not Lead.objects.exists()


def test_a_role_without_leads_is_refused_with_403(elena, lead_of_marco):
    token = token_for(elena)
    assert call("get", "/leads", token).json()["code"] == "forbidden"
    assert call("get", f"/leads/{lead_of_marco.pk}", token).status_code == 403
    assert call("post", "/leads", token, {"customer": MARCO}).status_code == 403


# --- Reading leads ------------------------------------------------------------------------


def test_head_office_lists_every_sites_leads_and_filters_them(dario, lead_of_marco, lead_at_treviso, milano, anna):
    token = token_for(dario)

    def ids(query: str = "") -> list[int]:
        return [lead["id"] for lead in call("get", f"/leads{query}", token).json()["items"]]

    assert ids() == [lead_at_treviso.pk, lead_of_marco.pk]
    assert ids(f"?site_id={milano.pk}") == [lead_of_marco.pk]
    assert ids("?channel=phone") == [lead_at_treviso.pk]
    assert ids("?campaign=primavera-2026") == [lead_of_marco.pk]
    assert ids(f"?assigned_to_id={anna.pk}") == [lead_of_marco.pk]
    assert ids("?q=furlan") == [lead_at_treviso.pk]
    services.lead_stage_move(by=None, lead=lead_at_treviso, stage="lost", lost_reason="price")
    assert ids("?stage=open") == [lead_of_marco.pk]
    assert ids("?stage=lost") == [lead_at_treviso.pk]


def test_an_unknown_stage_filter_is_422_naming_it(dario):
    response = call("get", "/leads?stage=sold", token_for(dario))
    assert response.status_code == 422
    assert locs(response) == ["stage"]


def test_a_lead_reads_with_its_customer_and_where_it_came_from(anna, lead_of_marco, milano):
    body = call("get", f"/leads/{lead_of_marco.pk}", token_for(anna)).json()
    assert body["customer"] == {"id": lead_of_marco.customer_id, "display_name": "Marco Bellini"}
    assert (body["site_id"], body["assigned_to_id"], body["campaign"], body["source"]) == (milano.pk, anna.pk, "primavera-2026", "staff")
    assert body["first_response_at"] is None and body["adf_document_id"] is None


def test_bruno_of_treviso_cannot_see_or_touch_a_milano_lead(bruno, lead_of_marco):
    token = token_for(bruno)
    response = call("get", f"/leads/{lead_of_marco.pk}", token)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert call("get", "/leads", token).json()["count"] == 0
    assert call("post", f"/leads/{lead_of_marco.pk}/stage", token, {"stage": "contacted"}).status_code == 404
    assert call("post", f"/leads/{lead_of_marco.pk}/activities", token, {"kind": "call", "text": "x"}).status_code == 404
    assert call("get", f"/leads/{lead_of_marco.pk}/quotes", token).status_code == 404
    lead_of_marco.refresh_from_db()
    assert lead_of_marco.stage == "new" and not lead_of_marco.activities.exists()


def test_another_networks_lead_is_404(roberta, lead_of_marco):
    token = token_for(roberta)
    assert call("get", f"/leads/{lead_of_marco.pk}", token).status_code == 404
    assert call("get", "/leads", token).json()["count"] == 0
    assert call("post", f"/leads/{lead_of_marco.pk}/stage", token, {"stage": "lost", "lost_reason": "price"}).status_code == 404


def test_the_lead_list_does_not_grow_queries_with_rows(dario, aurora, milano, anna, lead_of_marco, django_assert_max_num_queries):
    token = token_for(dario)
    with django_assert_max_num_queries(30) as few:
        call("get", "/leads", token)
    for n in range(29):
        services.lead_create(by=None, network=aurora, enquiry=enquiry(last=f"Cliente {n}", email=f"c{n}@example.it", chosen_site=milano))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = call("get", "/leads?limit=50", token).json()
    assert body["count"] == 30 and len(body["items"]) == 30


# --- The pipeline -------------------------------------------------------------------------


def test_anna_moves_her_lead_along_and_the_first_response_clock_stops(anna, lead_of_marco):
    response = call("post", f"/leads/{lead_of_marco.pk}/stage", token_for(anna), {"stage": "test_drive"})
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "test_drive"
    assert body["first_response_at"] is not None and body["test_drive_at"] is not None
    assert list(lead_of_marco.stage_changes.values_list("from_stage", "to_stage", "by")) == [("new", "test_drive", anna.pk)]


def test_a_lead_lost_needs_its_reason(anna, lead_of_marco):
    token = token_for(anna)
    refused = call("post", f"/leads/{lead_of_marco.pk}/stage", token, {"stage": "lost"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"
    assert (locs(refused), messages(refused)) == (["lost_reason"], ["Say why the lead was lost."])
    lost = call("post", f"/leads/{lead_of_marco.pk}/stage", token, {"stage": "lost", "lost_reason": "competitor", "lost_note": "Tesla"})
    assert (lost.json()["stage"], lost.json()["lost_reason"], lost.json()["lost_note"]) == ("lost", "competitor", "Tesla")


def test_an_order_or_a_delivery_cannot_be_reached_by_a_stage_move(anna, lead_of_marco):
    token = token_for(anna)
    order = call("post", f"/leads/{lead_of_marco.pk}/stage", token, {"stage": "order"})
    assert order.status_code == 422
    assert messages(order) == ["Record the order, with its expected delivery date, on the lead's page."]
    delivered = call("post", f"/leads/{lead_of_marco.pk}/stage", token, {"stage": "delivered"})
    assert messages(delivered) == ["Mark the delivery on the lead's page, once the order is recorded."]
    lead_of_marco.refresh_from_db()
    assert lead_of_marco.stage == "new" and not lead_of_marco.stage_changes.exists()


def test_a_delivered_lead_is_closed(anna, lead_of_marco):
    services.order_create(by=None, lead=lead_of_marco, expected_delivery=timezone.localdate())
    services.lead_deliver(by=None, lead=lead_of_marco)
    response = call("post", f"/leads/{lead_of_marco.pk}/stage", token_for(anna), {"stage": "contacted"})
    assert response.status_code == 422
    assert messages(response) == ["The car has been delivered: this lead is closed."]


def test_a_call_recorded_answers_the_new_lead(anna, lead_of_marco):
    token = token_for(anna)
    response = call("post", f"/leads/{lead_of_marco.pk}/activities", token, {"kind": "call", "text": "  Richiamare dopo le 18  "})
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("lead_id", "kind", "text", "by", "due_at")} == {
        "lead_id": lead_of_marco.pk, "kind": "call", "text": "Richiamare dopo le 18", "by": "Anna Colombo", "due_at": None
    }  # fmt: skip
    lead = call("get", f"/leads/{lead_of_marco.pk}", token).json()
    assert lead["stage"] == "contacted" and lead["first_response_at"] is not None
    listed = call("get", f"/leads/{lead_of_marco.pk}/activities", token).json()
    assert [a["id"] for a in listed["items"]] == [response.json()["id"]]


def test_a_task_needs_a_due_date(anna, lead_of_marco):
    token = token_for(anna)
    refused = call("post", f"/leads/{lead_of_marco.pk}/activities", token, {"kind": "task", "text": "Preparare la prova"})
    assert refused.status_code == 422
    assert (locs(refused), messages(refused)) == (["due_at"], ["A task needs a due date."])
    due = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert call("post", f"/leads/{lead_of_marco.pk}/activities", token, {"kind": "task", "text": "Preparare la prova", "due_at": due}).status_code == 201
    lead_of_marco.refresh_from_db()
    assert lead_of_marco.stage == "new"  # a task is not an answer to the customer


# --- ADF documents ------------------------------------------------------------------------

# The first prospect whole (for Milano, by the vendor's code), the second without a name.
ONE_WHOLE_ONE_BROKEN = b"""<?xml version="1.0" encoding="UTF-8"?>
<?adf version="1.0"?>
<adf>
 <prospect><id source="AutoPortale">AP-7</id>
  <customer><contact><name part="first">Lucia</name><name part="last">Pastore</name><email>lucia.pastore@example.it</email></contact></customer>
  <vehicle interest="test-drive" status="new"><make>Aurora</make><model>Stella</model></vehicle>
  <vendor><id>MI01</id></vendor><provider><name part="full">AutoPortale</name></provider></prospect>
 <prospect><customer><contact><email>senza.nome@example.it</email></contact></customer></prospect>
</adf>"""

ONLY_BROKEN = b"""<adf><prospect><customer><contact><email>senza.nome@example.it</email></contact></customer></prospect>
<prospect><customer/></prospect></adf>"""


def test_an_adf_document_brings_a_lead_for_each_whole_prospect_and_names_the_broken_one(dario, milano, anna):
    response = post_xml(token_for(dario), ONE_WHOLE_ONE_BROKEN, filename="C:\\portale\\notte.xml")
    assert response.status_code == 201
    body = response.json()
    lead = Lead.objects.select_related("customer").get()
    document = AdfDocument.objects.get()
    assert (body["document_id"], body["prospects"], body["leads"]) == (document.pk, 2, [lead.pk])
    assert body["problems"] == [{"prospect": 2, "element": "customer/contact/name", "message": "The customer's contact has no <name>."}]
    assert (document.source, document.filename, document.received_by) == ("api", "notte.xml", dario)
    assert (lead.site, lead.assigned_to, lead.source, lead.interest, lead.external_ref) == (milano, anna, "adf", "test_drive", "AP-7")
    read = call("get", f"/leads/{lead.pk}", token_for(dario)).json()
    assert (read["adf_document_id"], read["provider"], read["customer"]["display_name"]) == (document.pk, "AutoPortale", "Lucia Pastore")


def test_a_document_without_a_filename_is_called_api_xml(anna, milano):
    assert post_xml(token_for(anna), STANDARD).status_code == 201
    assert AdfDocument.objects.get().filename == "api.xml"


def test_a_document_with_no_whole_prospect_is_refused_listing_every_problem_and_nothing_is_kept(dario, milano):
    response = post_xml(token_for(dario), ONLY_BROKEN)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "adf_invalid"
    assert "prospect 1, customer/contact/name" in body["message"]
    assert [(e["prospect"], e["element"]) for e in body["errors"]] == [(1, "customer/contact/name"), (2, "customer/contact")]
    assert (AdfDocument.objects.count(), Lead.objects.count(), Customer.objects.count()) == (0, 0, 0)


def test_hostile_xml_is_refused_and_writes_nothing(dario, milano):
    response = post_xml(token_for(dario), BILLION_LAUGHS, key="laughs")
    assert response.status_code == 422
    assert response.json()["code"] == "forbidden_xml"
    assert (AdfDocument.objects.count(), Lead.objects.count(), Customer.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"<html><body>no</body></html>", "not_adf"), (b"   ", "empty"), (b"<adf></adf>", "no_prospect"), (b"<adf><prospec", "malformed")],
)
def test_a_document_that_cannot_be_read_is_refused_with_its_code(dario, milano, data, code):
    response = post_xml(token_for(dario), data)
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["message"]
    assert not AdfDocument.objects.exists()


def test_a_document_over_10_mb_is_refused_unread(dario, milano):
    response = post_xml(token_for(dario), b" " * (10 * 1024 * 1024 + 1))
    assert response.status_code == 422
    assert response.json() == {"code": "too_large", "message": "The ADF document is larger than 10 MB: send it in parts."}


def test_a_document_past_djangos_default_upload_limit_but_under_10_mb_is_imported_also_with_a_key(dario, milano):
    padded = STANDARD.replace(b"<adf>", b"<adf><!-- " + b"x" * (3 * 1024 * 1024) + b" -->")  # Django's default holds 2.5 MB
    response = post_xml(token_for(dario), padded, key="grande-1")
    assert response.status_code == 201
    assert len(response.json()["leads"]) == 1


def test_a_retried_adf_post_is_answered_again_and_imports_once(dario, milano):
    token = token_for(dario)
    first = post_xml(token, ONE_WHOLE_ONE_BROKEN, key="notte-2026-04-01")
    again = post_xml(token, ONE_WHOLE_ONE_BROKEN, key="notte-2026-04-01")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (AdfDocument.objects.count(), Lead.objects.count()) == (1, 1)
    assert IdempotencyKey.objects.get().path == "/api/v1/leads/adf"


def test_another_document_under_the_same_key_is_refused(dario, milano):
    token = token_for(dario)
    post_xml(token, ONE_WHOLE_ONE_BROKEN, key="k")
    response = post_xml(token, STANDARD, key="k")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Lead.objects.count() == 1


def test_importing_needs_leads_manage(elena, milano):
    assert post_xml(token_for(elena), STANDARD).status_code == 403
    assert not AdfDocument.objects.exists()


# --- Catalogue and stock ------------------------------------------------------------------


def test_head_office_adds_a_model_to_the_catalogue_and_everyone_in_the_network_reads_it(dario, anna, roberta):
    body = {"make": "Aurora", "model": "Cometa", "trim": "EV Long Range", "fuel": "electric", "list_price": "38900.5"}
    response = call("post", "/vehicles/models", token_for(dario), body)
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("make", "model", "trim", "fuel", "list_price", "is_active")} == {
        "make": "Aurora", "model": "Cometa", "trim": "EV Long Range", "fuel": "electric", "list_price": "38900.50", "is_active": True
    }  # fmt: skip
    assert [m["model"] for m in call("get", "/vehicles/models", token_for(anna)).json()["items"]] == ["Cometa"]
    assert call("get", "/vehicles/models", token_for(roberta)).json()["count"] == 0


def test_a_site_manager_keeps_stock_not_the_catalogue(giulia):
    response = call("post", "/vehicles/models", token_for(giulia), {"make": "Aurora", "model": "Cometa", "fuel": "electric"})
    assert response.status_code == 403
    assert not VehicleModel.objects.exists()


def test_a_negative_list_price_is_refused_naming_it(dario):
    response = call("post", "/vehicles/models", token_for(dario), {"make": "Aurora", "model": "Cometa", "fuel": "electric", "list_price": "-1"})
    assert response.status_code == 422
    assert (locs(response), messages(response)) == (["list_price"], [NEGATIVE])


def test_giulia_puts_a_catalogue_car_in_milanos_stock_and_changes_its_price(giulia, milano, stella):
    token = token_for(giulia)
    body = {"vehicle_model_id": stella.pk, "vin": "zar 12345678901234", "price": "23500", "zone": "ibrido", "colour": "Rosso Etna", "km": 12}
    response = call("post", "/vehicles/stock", token, body)
    assert response.status_code == 201
    vehicle = response.json()
    assert {k: vehicle[k] for k in ("site_id", "make", "model", "trim", "fuel", "vin", "price", "status", "condition", "km")} == {
        "site_id": milano.pk, "make": "Aurora", "model": "Stella", "trim": "1.5 Hybrid", "fuel": "hybrid", "vin": "ZAR12345678901234",
        "price": "23500.00", "status": "available", "condition": "new", "km": 12,
    }  # fmt: skip
    changed = call("patch", f"/vehicles/stock/{vehicle['id']}", token, {"price": "22900.00", "status": "reserved", "plate": "gh 456 jk"})
    assert changed.status_code == 200
    assert (changed.json()["price"], changed.json()["status"], changed.json()["plate"]) == ("22900.00", "reserved", "GH456JK")
    assert StockVehicle.objects.get().price == Decimal("22900.00")


def test_a_used_car_of_another_make_is_described_in_full(giulia, milano):
    body = {"make": "Fiat", "model": "Panda", "fuel": "petrol", "vin": "ZFA31200000123456", "price": "6500", "condition": "used", "year": 2019}
    response = call("post", "/vehicles/stock", token_for(giulia), body)
    assert response.status_code == 201
    assert (response.json()["make"], response.json()["vehicle_model_id"], response.json()["condition"]) == ("Fiat", None, "used")


def test_a_bad_vin_is_refused_naming_it_and_nothing_is_stocked(giulia, stella):
    response = call("post", "/vehicles/stock", token_for(giulia), {"vehicle_model_id": stella.pk, "vin": "ZAR1234OQ", "price": "23500"})
    assert response.status_code == 422
    assert locs(response) == ["vin"]
    assert messages(response) == ["A VIN has 17 letters and digits, without I, O or Q: “ZAR1234OQ” is not one."]
    assert not StockVehicle.objects.exists()


def test_a_vin_already_in_the_networks_stock_is_refused_naming_it(giulia, stella_in_milano, stella):
    response = call("post", "/vehicles/stock", token_for(giulia), {"vehicle_model_id": stella.pk, "vin": stella_in_milano.vin, "price": "1"})
    assert response.status_code == 422
    assert locs(response) == ["vin"]
    assert StockVehicle.objects.count() == 1


def test_a_negative_price_is_refused_naming_it(giulia, stella, stella_in_milano):
    token = token_for(giulia)
    created = call("post", "/vehicles/stock", token, {"vehicle_model_id": stella.pk, "vin": "ZAR99999999999999", "price": "-10"})
    assert (created.status_code, locs(created), messages(created)) == (422, ["price"], [NEGATIVE])
    patched = call("patch", f"/vehicles/stock/{stella_in_milano.pk}", token, {"price": "-10"})
    assert (patched.status_code, locs(patched)) == (422, ["price"])
    stella_in_milano.refresh_from_db()
    assert stella_in_milano.price == Decimal("23500.00")


def test_the_vin_and_the_site_cannot_be_changed(giulia, stella_in_milano):
    response = call("patch", f"/vehicles/stock/{stella_in_milano.pk}", token_for(giulia), {"vin": "ZAR99999999999999", "site_id": 1})
    assert response.status_code == 422
    assert sorted(locs(response)) == ["site_id", "vin"]


def test_the_patch_schema_offers_exactly_what_the_service_lets_change():
    assert set(StockEditIn.model_fields) == set(stock.STOCK_EDITABLE_FIELDS)


def test_a_consultant_reads_the_stock_but_may_not_change_it(anna, stella_in_milano, stella):
    token = token_for(anna)
    assert call("get", f"/vehicles/stock/{stella_in_milano.pk}", token).json()["colour"] == "Rosso Etna"
    assert call("patch", f"/vehicles/stock/{stella_in_milano.pk}", token, {"price": "1"}).status_code == 403
    assert call("post", "/vehicles/stock", token, {"vehicle_model_id": stella.pk, "vin": "ZAR99999999999999", "price": "1"}).status_code == 403


def test_treviso_and_another_network_do_not_see_milanos_car(bruno, roberta, stella_in_milano):
    for user in (bruno, roberta):
        token = token_for(user)
        assert call("get", f"/vehicles/stock/{stella_in_milano.pk}", token).status_code == 404
        assert call("get", "/vehicles/stock", token).json()["count"] == 0
    assert call("patch", f"/vehicles/stock/{stella_in_milano.pk}", token_for(bruno), {"price": "1"}).status_code == 404


def test_a_site_manager_cannot_stock_a_car_at_another_site(giulia, treviso, stella):
    response = call("post", "/vehicles/stock", token_for(giulia), {"site_id": treviso.pk, "vehicle_model_id": stella.pk, "vin": "ZAR99999999999999", "price": "1"})
    assert (response.status_code, locs(response)) == (422, ["site_id"])


def test_the_stock_is_filtered_by_site_status_condition_fuel_and_zone(dario, milano, treviso, stella, stella_in_milano):
    used = stock.stock_vehicle_create(by=None, site=treviso, vin="ZFA31200000123456", price=Decimal("6500"), make="Fiat", model="Panda",
                                      fuel=Fuel.PETROL, condition="used", zone="usato")  # fmt: skip
    stock.stock_vehicle_update(by=None, vehicle=used, data={"status": "reserved"})
    token = token_for(dario)

    def ids(query: str) -> list[int]:
        return [vehicle["id"] for vehicle in call("get", f"/vehicles/stock{query}", token).json()["items"]]

    assert sorted(ids("")) == sorted([stella_in_milano.pk, used.pk])
    assert ids(f"?site_id={treviso.pk}") == [used.pk]
    assert ids("?status=available") == [stella_in_milano.pk]
    assert ids("?condition=used") == [used.pk]
    assert ids("?fuel=hybrid") == [stella_in_milano.pk]
    assert ids("?zone=IBRIDO") == [stella_in_milano.pk]


def test_the_stock_list_does_not_grow_queries_with_rows(dario, milano, stella, django_assert_max_num_queries):
    token = token_for(dario)
    stock.stock_vehicle_create(by=None, site=milano, vehicle_model=stella, vin="ZAR00000000000100", price=Decimal("1"))
    with django_assert_max_num_queries(30) as few:
        call("get", "/vehicles/stock", token)
    for n in range(1, 30):
        stock.stock_vehicle_create(by=None, site=milano, vehicle_model=stella, vin=f"ZAR{n:014d}", price=Decimal("1"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert call("get", "/vehicles/stock?limit=50", token).json()["count"] == 30


# --- Quotes -------------------------------------------------------------------------------

LINES = [
    {"kind": "vehicle", "description": "Aurora Stella 1.5 Hybrid", "amount": "26500.00"},
    {"kind": "option", "description": "Pack Tech", "amount": "500"},
    {"kind": "discount", "description": "Sconto concessionaria", "amount": "1000.00"},
    {"kind": "trade_in", "description": "Fiat Panda AB123CD", "amount": "3500.00"},
]


def test_anna_prepares_a_quote_whose_totals_read_as_strings_with_cents(anna, lead_for_stella):
    valid_until = (timezone.localdate() + datetime.timedelta(days=15)).isoformat()
    body = {"valid_until": valid_until, "road_costs": "850", "notes": "Consegna in 6 settimane.", "lines": LINES}
    response = call("post", f"/leads/{lead_for_stella.pk}/quotes", token_for(anna), body)
    assert response.status_code == 201
    quote = response.json()
    assert quote["number"] == f"MI01-{timezone.localdate().year}-{quote['id']:05d}"
    assert (quote["status"], quote["valid_until"], quote["vat_rate"], quote["road_costs"]) == ("draft", valid_until, "22.00", "850.00")
    assert [(line["kind"], line["amount"]) for line in quote["lines"]] == [
        ("vehicle", "26500.00"), ("option", "500.00"), ("discount", "1000.00"), ("trade_in", "3500.00")
    ]  # fmt: skip
    assert quote["totals"] == {
        "vat_rate": "22.00", "goods": "27000.00", "discounts": "1000.00", "taxable": "26000.00", "vat": "5720.00",
        "vehicle_total": "31720.00", "road_costs": "850.00", "trade_in": "3500.00", "to_pay": "29070.00",
    }  # fmt: skip
    lead_for_stella.refresh_from_db()
    assert lead_for_stella.stage == "quote"


def test_a_quote_read_back_has_its_lines_and_totals(anna, lead_for_stella):
    token = token_for(anna)
    created = call("post", f"/leads/{lead_for_stella.pk}/quotes", token, {"lines": LINES[:1]}).json()
    read = call("get", f"/quotes/{created['id']}", token).json()
    assert read == created
    assert (read["totals"]["discounts"], read["totals"]["to_pay"]) == ("0.00", "32330.00")
    assert [q["id"] for q in call("get", f"/leads/{lead_for_stella.pk}/quotes", token).json()] == [created["id"]]


def test_without_lines_the_quote_starts_from_the_leads_model(anna, lead_for_stella):
    quote = call("post", f"/leads/{lead_for_stella.pk}/quotes", token_for(anna), {}).json()
    assert [(line["kind"], line["description"], line["amount"]) for line in quote["lines"]] == [("vehicle", "Aurora Stella 1.5 Hybrid", "24000.00")]


def test_a_lead_with_no_car_cannot_be_quoted_without_lines(anna, lead_of_marco):
    response = call("post", f"/leads/{lead_of_marco.pk}/quotes", token_for(anna), {})
    assert response.status_code == 422
    assert messages(response) == ["Non c'è ancora un'auto da mettere nel preventivo: scegli prima per il lead una configurazione, un veicolo o un modello con prezzo."]
    assert not Quote.objects.exists()


def test_a_negative_amount_is_refused_naming_the_line_and_no_quote_is_written(anna, lead_for_stella):
    lines = [LINES[0], {"kind": "discount", "description": "Sconto", "amount": "-500.00"}]
    response = call("post", f"/leads/{lead_for_stella.pk}/quotes", token_for(anna), {"lines": lines})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["loc"][-3:], error["msg"]) == (["lines", "1", "amount"], NEGATIVE)
    road = call("post", f"/leads/{lead_for_stella.pk}/quotes", token_for(anna), {"road_costs": "-1"})
    assert (road.status_code, locs(road)) == (422, ["road_costs"])
    assert not Quote.objects.exists()
    lead_for_stella.refresh_from_db()
    assert lead_for_stella.stage == "new"


def test_a_discount_larger_than_the_car_is_refused_with_the_reason(anna, lead_for_stella):
    lines = [LINES[0], {"kind": "discount", "description": "Sconto", "amount": "30000"}]
    response = call("post", f"/leads/{lead_for_stella.pk}/quotes", token_for(anna), {"lines": lines})
    assert response.status_code == 422
    assert "are more than the price" in messages(response)[0]
    assert not Quote.objects.exists()


def test_the_quote_pdf_is_a_pdf(anna, lead_for_stella):
    token = token_for(anna)
    quote = call("post", f"/leads/{lead_for_stella.pk}/quotes", token, {"lines": LINES}).json()
    response = call("get", f"/quotes/{quote['id']}/pdf", token)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"Preventivo-{quote['number']}.pdf" in response["Content-Disposition"]


def test_another_sites_or_networks_quote_is_404(anna, bruno, roberta, lead_for_stella):
    quote = call("post", f"/leads/{lead_for_stella.pk}/quotes", token_for(anna), {"lines": LINES}).json()
    for user in (bruno, roberta):
        token = token_for(user)
        assert call("get", f"/quotes/{quote['id']}", token).status_code == 404
        assert call("get", f"/quotes/{quote['id']}/pdf", token).status_code == 404
        assert call("post", f"/leads/{lead_for_stella.pk}/quotes", token, {"lines": LINES}).status_code == 404
    assert Quote.objects.count() == 1


# --- The schema ---------------------------------------------------------------------------


def test_every_sales_operation_declares_its_error_responses(db):
    schema = Client().get("/api/v1/openapi.json").json()
    sales = {path: ops for path, ops in schema["paths"].items() if path.startswith(("/api/v1/leads", "/api/v1/vehicles", "/api/v1/quotes"))}
    assert len(sales) >= 10
    for path, operations in sales.items():
        for method, operation in operations.items():
            assert operation["tags"] == ["sales"], (method, path)
            assert {"401", "404"} <= set(operation["responses"]), (method, path)
            if method != "get":
                assert {"400", "403", "422"} <= set(operation["responses"]), (method, path)
            if method == "post":
                assert "409" in operation["responses"], (method, path)


def test_the_schema_says_the_adf_import_takes_xml_and_the_pdf_is_a_pdf(db):
    schema = Client().get("/api/v1/openapi.json").json()
    adf = schema["paths"]["/api/v1/leads/adf"]["post"]
    assert set(adf["requestBody"]["content"]) == {"application/xml", "text/xml"}
    assert "application/pdf" in schema["paths"]["/api/v1/quotes/{quote_id}/pdf"]["get"]["responses"]["200"]["content"]
