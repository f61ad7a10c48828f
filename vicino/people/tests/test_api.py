import datetime

import pytest
from django.test import Client
from django.utils import timezone

from vicino.conftest import api_call as call
from vicino.conftest import api_token as token_for
from vicino.core.models import AuditEntry
from vicino.people import services
from vicino.people.api import CustomerIn
from vicino.people.models import ConsentEvent, ContactPoint, Customer, Interaction


GRANT = {"purpose": "marketing", "channel": "email", "action": "granted", "source": "paper", "notice_version": "2026.1"}
MARKETING_BY_EMAIL = "may-contact?purpose=marketing&channel=email"


def locs(response) -> list[str]:
    """The field each error names (the last part of its location)."""
    return [error["loc"][-1] for error in response.json()["errors"]]


@pytest.fixture
def davide(aurora, treviso):
    """Treviso's customer."""
    return services.customer_create(by=None, network=aurora, site=treviso, first_name="Davide", last_name="Furlan")


# --- Customers ------------------------------------------------------------------------


def test_anna_reads_carla_with_her_contacts_address_and_tags(anna, carla):
    services.customer_update(by=None, customer=carla, data={"relation": Customer.Relation.OWNER})
    carla.tags.set(services.tags_ensure(network=carla.network, names=["VIP", "Elettrico"]))
    body = call("get", f"/customers/{carla.pk}", token_for(anna)).json()
    assert body["display_name"] == "Carla D'Angelo Paternò"
    assert body["relation"] == "owner"
    assert body["site_id"] == carla.site_id
    assert [(p["kind"], p["value"], p["is_primary"]) for p in body["contact_points"]] == [
        ("email", "carla.dangelo@example.it", True),
        ("phone", "+393331234567", True),
    ]
    assert body["address"] == {
        "label": "", "street": "Via Roma 1", "cap": "20121", "city": "Milano", "province": "MI", "country": "IT"
    }  # fmt: skip
    assert body["tags"] == ["Elettrico", "VIP"]
    assert body["created_at"] and body["updated_at"]


def test_a_customer_of_another_site_is_404_and_missing_from_the_list(bruno, carla):
    token = token_for(bruno)
    response = call("get", f"/customers/{carla.pk}", token)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert call("get", "/customers", token).json()["count"] == 0


def test_a_customer_of_another_network_is_404(roberta, carla):
    token = token_for(roberta)
    assert call("get", f"/customers/{carla.pk}", token).status_code == 404
    assert call("get", "/customers", token).json()["count"] == 0


def test_head_office_lists_every_site_and_filters_by_site_relation_and_tag(dario, carla, davide, milano, treviso):
    davide.tags.set(services.tags_ensure(network=davide.network, names=["Flotta"]))
    services.customer_update(by=None, customer=davide, data={"relation": Customer.Relation.OWNER})
    token = token_for(dario)
    assert [c["last_name"] for c in call("get", "/customers", token).json()["items"]] == ["D'Angelo Paternò", "Furlan"]
    assert [c["id"] for c in call("get", f"/customers?site_id={milano.pk}", token).json()["items"]] == [carla.pk]
    assert [c["id"] for c in call("get", "/customers?relation=owner", token).json()["items"]] == [davide.pk]
    assert [c["id"] for c in call("get", "/customers?tag=flotta", token).json()["items"]] == [davide.pk]


def test_the_search_forgives_accents_and_finds_phones_in_any_format(anna, carla):
    token = token_for(anna)
    assert [c["id"] for c in call("get", "/customers?q=paterno", token).json()["items"]] == [carla.pk]
    assert [c["id"] for c in call("get", "/customers?q=%2B39%20333%201234567", token).json()["items"]] == [carla.pk]
    assert call("get", "/customers?q=verdi", token).json()["count"] == 0


def test_updated_since_lists_only_customers_changed_since(dario, carla, davide):
    Customer.objects.filter(pk=carla.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    body = call("get", f"/customers?updated_since={since}", token_for(dario)).json()
    assert [c["id"] for c in body["items"]] == [davide.pk]


def test_updated_since_without_a_time_zone_is_422_naming_it(dario):
    response = call("get", "/customers?updated_since=2026-01-01T10:00:00", token_for(dario))
    assert response.status_code == 422
    assert locs(response) == ["updated_since"]


def test_the_customer_list_does_not_grow_queries_with_rows(dario, aurora, milano, carla, django_assert_max_num_queries):
    token = token_for(dario)
    with django_assert_max_num_queries(30) as few:
        call("get", "/customers", token)
    for n in range(20):
        services.customer_create(
            by=None, network=aurora, site=milano, first_name="Cliente", last_name=f"Numero {n}",
            emails=[f"c{n}@example.it"], phones=[f"333 12345{n:02d}"], tags=["VIP", f"T{n}"],
            address={"street": f"Via Dante {n}", "city": "Milano", "province": "MI"},
        )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert call("get", "/customers", token).json()["count"] == 21


def test_anna_adds_a_customer_with_contacts_address_and_tags_at_her_site(anna, milano):
    response = call("post", "/customers", token_for(anna), {
        "first_name": "  Luca ", "last_name": "Bianchi", "relation": "customer",
        "emails": ["Luca.Bianchi@Example.IT"], "phones": ["347 765 4321"],
        "address": {"street": "Corso Como 5", "cap": "20154", "city": "Milano", "province": "MI"},
        "tags": ["VIP"], "channel": "web",
    })  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["first_name"], body["site_id"], body["tags"]) == ("Luca", milano.pk, ["VIP"])
    assert [p["value"] for p in body["contact_points"]] == ["luca.bianchi@example.it", "+393477654321"]
    assert body["address"]["cap"] == "20154"
    customer = Customer.objects.get(pk=body["id"])
    assert customer.interactions.get().channel == "web"
    assert AuditEntry.objects.get(action="customer.create").actor == anna


def test_head_office_may_add_a_customer_for_the_whole_network(dario):
    body = {"company_name": "Trasporti Srl", "kind": "company", "site_id": None}
    response = call("post", "/customers", token_for(dario), body)
    assert response.status_code == 201
    assert response.json()["site_id"] is None


def test_a_site_the_caller_cannot_see_is_refused_naming_site_id(anna, treviso, bologna):
    token = token_for(anna)
    for site in (treviso, bologna):
        response = call("post", "/customers", token, {"last_name": "Neri", "site_id": site.pk})
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert locs(response) == ["site_id"]
    assert not Customer.objects.exists()


def test_an_invalid_phone_is_422_naming_phones_and_nothing_is_written(anna):
    response = call("post", "/customers", token_for(anna), {"last_name": "Neri", "phones": ["12"]})
    assert response.status_code == 422
    assert locs(response) == ["phones"]
    assert not Customer.objects.exists()


def test_a_customer_without_any_name_is_refused_in_the_callers_language(anna):
    response = call("post", "/customers", token_for(anna), {"emails": ["x@example.it"]}, language="it")
    assert response.status_code == 422
    assert response.json()["message"] == "Alcuni campi mancano o non sono validi."
    assert locs(response) == ["last_name"]


def test_head_office_communications_may_read_but_not_add_customers(elena, carla):
    token = token_for(elena)
    assert call("get", f"/customers/{carla.pk}", token).status_code == 200
    response = call("post", "/customers", token, {"last_name": "Neri"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert call("patch", f"/customers/{carla.pk}", token, {"notes": "x"}).status_code == 403
    assert Customer.objects.count() == 1


def test_anna_changes_carlas_details_and_the_change_is_audited(anna, carla):
    body = {"relation": "owner", "fiscal_code": "rssmra85t10a562s"}
    response = call("patch", f"/customers/{carla.pk}", token_for(anna), body)
    assert response.status_code == 200
    assert (response.json()["relation"], response.json()["fiscal_code"]) == ("owner", "RSSMRA85T10A562S")
    carla.refresh_from_db()
    assert carla.relation == "owner"
    assert AuditEntry.objects.get(action="customer.update").changes["relation"] == ["prospect", "owner"]


def test_a_field_outside_the_editable_ones_is_refused(anna, carla, bologna):
    response = call("patch", f"/customers/{carla.pk}", token_for(anna), {"network_id": bologna.network_id})
    assert response.status_code == 422
    assert locs(response) == ["network_id"]


def test_a_customer_may_not_be_moved_to_a_site_the_caller_cannot_see(anna, carla, treviso):
    response = call("patch", f"/customers/{carla.pk}", token_for(anna), {"site_id": treviso.pk})
    assert response.status_code == 422
    assert locs(response) == ["site_id"]
    carla.refresh_from_db()
    assert carla.site.code == "MI01"


def test_another_sites_or_networks_customer_cannot_be_changed(bruno, roberta, carla):
    for user in (bruno, roberta):
        assert call("patch", f"/customers/{carla.pk}", token_for(user), {"notes": "x"}).status_code == 404
    carla.refresh_from_db()
    assert carla.notes == ""


def test_the_api_edits_exactly_the_fields_the_service_allows():
    assert set(CustomerIn.model_fields) == set(services.CUSTOMER_EDITABLE_FIELDS) - {"site"} | {"site_id"}


# --- Contact points -------------------------------------------------------------------


def test_anna_adds_a_phone_in_any_format_and_it_is_stored_in_e164(anna, carla):
    body = {"kind": "phone", "value": "02 1234567", "label": "casa"}
    response = call("post", f"/customers/{carla.pk}/contact-points", token_for(anna), body)
    assert response.status_code == 201
    point = response.json()
    assert (point["value"], point["label"], point["is_primary"]) == ("+39021234567", "casa", False)
    listed = call("get", f"/customers/{carla.pk}/contact-points", token_for(anna)).json()
    assert [p["value"] for p in listed] == ["carla.dangelo@example.it", "+393331234567", "+39021234567"]


def test_a_duplicate_or_invalid_contact_is_422_naming_value(anna, carla):
    token = token_for(anna)
    for body in ({"kind": "phone", "value": "+39 333 1234567"}, {"kind": "email", "value": "non-una-mail"}):
        response = call("post", f"/customers/{carla.pk}/contact-points", token, body)
        assert response.status_code == 422
        assert locs(response) == ["value"]
    assert carla.contact_points.count() == 2


def test_removing_the_primary_phone_passes_primary_on(anna, carla):
    token = token_for(anna)
    call("post", f"/customers/{carla.pk}/contact-points", token, {"kind": "phone", "value": "02 1234567"})
    primary = carla.contact_points.get(kind="phone", is_primary=True)
    response = call("delete", f"/customers/{carla.pk}/contact-points/{primary.pk}", token)
    assert response.status_code == 204
    phones = carla.contact_points.filter(kind="phone")
    assert list(phones.values_list("value", "is_primary")) == [("+39021234567", True)]


def test_another_sites_or_networks_user_cannot_see_or_touch_contact_points(bruno, roberta, carla):
    point = carla.contact_points.first()
    for user in (bruno, roberta):
        token = token_for(user)
        assert call("get", f"/customers/{carla.pk}/contact-points", token).status_code == 404
        body = {"kind": "phone", "value": "02 1234567"}
        assert call("post", f"/customers/{carla.pk}/contact-points", token, body).status_code == 404
        assert call("delete", f"/customers/{carla.pk}/contact-points/{point.pk}", token).status_code == 404
    assert carla.contact_points.count() == 2


def test_a_contact_point_of_another_customer_is_404_under_carla(anna, carla, davide):
    services.contact_point_add(by=None, customer=davide, kind="email", value="davide@example.it")
    response = call("delete", f"/customers/{carla.pk}/contact-points/{davide.contact_points.get().pk}", token_for(anna))
    assert response.status_code == 404
    assert davide.contact_points.exists()


def test_the_contact_point_list_does_not_grow_queries_with_rows(anna, carla, django_assert_max_num_queries):
    token = token_for(anna)
    with django_assert_max_num_queries(30) as few:
        call("get", f"/customers/{carla.pk}/contact-points", token)
    for n in range(20):
        services.contact_point_add(by=None, customer=carla, kind="email", value=f"carla{n}@example.it")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(call("get", f"/customers/{carla.pk}/contact-points", token).json()) == 22


# --- Consents -------------------------------------------------------------------------


def test_anna_records_a_marketing_grant_and_carla_may_be_e_mailed(anna, carla, notice):
    token = token_for(anna)
    response = call("post", f"/customers/{carla.pk}/consents", token, {
        "purpose": "marketing", "channel": "email", "action": "granted", "source": "paper",
        "notice_version": "2026.1", "evidence": "Modulo 123",
    })  # fmt: skip
    assert response.status_code == 201
    assert (response.json()["notice_version"], response.json()["recorded_by"]) == ("2026.1", "Anna Colombo")
    body = call("get", f"/customers/{carla.pk}/consents", token).json()
    states = [(s["purpose"], s["channel"], s["action"], s["allowed"]) for s in body["states"]]
    assert states == [("marketing", "email", "granted", True)]
    assert [e["evidence"] for e in body["events"]] == ["Modulo 123"]
    assert call("get", f"/customers/{carla.pk}/{MARKETING_BY_EMAIL}", token).json() == {"allowed": True}
    by_sms = "may-contact?purpose=marketing&channel=sms"
    assert call("get", f"/customers/{carla.pk}/{by_sms}", token).json() == {"allowed": False}


def test_a_withdrawal_appends_to_the_ledger_and_stops_contact(anna, carla, notice):
    token = token_for(anna)
    call("post", f"/customers/{carla.pk}/consents", token, GRANT)
    withdrawal = {"purpose": "marketing", "channel": "email", "action": "withdrawn", "source": "api"}
    response = call("post", f"/customers/{carla.pk}/consents", token, withdrawal)
    assert response.status_code == 201
    assert ConsentEvent.objects.filter(customer=carla).count() == 2
    assert call("get", f"/customers/{carla.pk}/{MARKETING_BY_EMAIL}", token).json() == {"allowed": False}


def test_a_grant_without_notice_version_or_any_consent_without_source_is_422_naming_the_field(anna, carla, notice):
    token = token_for(anna)
    grant = {"purpose": "marketing", "channel": "email", "action": "granted", "source": "paper"}
    response = call("post", f"/customers/{carla.pk}/consents", token, grant)
    assert response.status_code == 422
    assert locs(response) == ["notice_version"]
    without_source = {"purpose": "marketing", "channel": "email", "action": "withdrawn"}
    response = call("post", f"/customers/{carla.pk}/consents", token, without_source)
    assert response.status_code == 422
    assert locs(response) == ["source"]
    assert not ConsentEvent.objects.exists()


def test_a_notice_version_unknown_in_the_network_is_422_naming_it(anna, carla, notice, borgo):
    services.privacy_notice_publish(by=None, network=borgo, version="B-1", title="Informativa soci", text="…")
    token = token_for(anna)
    for version in ("2099.9", "B-1"):
        response = call("post", f"/customers/{carla.pk}/consents", token, {**GRANT, "notice_version": version})
        assert response.status_code == 422
        assert locs(response) == ["notice_version"]
    assert not ConsentEvent.objects.exists()


def test_consent_is_given_per_contact_channel_only(anna, carla, notice):
    response = call("post", f"/customers/{carla.pk}/consents", token_for(anna), {**GRANT, "channel": "web"})
    assert response.status_code == 422
    assert locs(response) == ["channel"]


def test_the_ledger_cannot_be_changed_or_deleted_through_the_api(anna, carla, notice):
    token = token_for(anna)
    event_id = call("post", f"/customers/{carla.pk}/consents", token, GRANT).json()["id"]
    assert call("patch", f"/customers/{carla.pk}/consents", token, {"action": "withdrawn"}).status_code == 405
    assert call("delete", f"/customers/{carla.pk}/consents", token).status_code == 405
    assert call("delete", f"/customers/{carla.pk}/consents/{event_id}", token).status_code == 404
    assert ConsentEvent.objects.get().action == "granted"


def test_another_sites_or_networks_user_cannot_see_or_record_consents(bruno, roberta, carla, notice):
    for user in (bruno, roberta):
        token = token_for(user)
        assert call("get", f"/customers/{carla.pk}/consents", token).status_code == 404
        assert call("post", f"/customers/{carla.pk}/consents", token, GRANT).status_code == 404
        assert call("get", f"/customers/{carla.pk}/{MARKETING_BY_EMAIL}", token).status_code == 404
    assert not ConsentEvent.objects.exists()


def test_the_consent_list_does_not_grow_queries_with_rows(anna, carla, notice, django_assert_max_num_queries):
    token = token_for(anna)
    call("post", f"/customers/{carla.pk}/consents", token, {**GRANT, "purpose": "service", "channel": "sms"})
    with django_assert_max_num_queries(30) as few:
        call("get", f"/customers/{carla.pk}/consents", token)
    for n in range(20):
        services.consent_record(
            by=anna, customer=carla, purpose=["marketing", "profiling"][n % 2], channel=["email", "phone", "post"][n % 3],
            action="granted" if n % 2 else "withdrawn", source="paper", notice=notice,
        )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(call("get", f"/customers/{carla.pk}/consents", token).json()["events"]) == 21


# --- Timeline -------------------------------------------------------------------------


def test_anna_puts_a_call_on_carlas_timeline(anna, carla, milano):
    token = token_for(anna)
    body = {"channel": "phone", "kind": "call", "summary": "Chiede un preventivo"}
    response = call("post", f"/customers/{carla.pk}/interactions", token, body)
    assert response.status_code == 201
    assert (response.json()["recorded_by"], response.json()["site_id"]) == ("Anna Colombo", milano.pk)
    body = call("get", f"/customers/{carla.pk}/interactions?channel=phone", token).json()
    assert [(i["kind"], i["summary"]) for i in body["items"]] == [("call", "Chiede un preventivo")]
    assert call("get", f"/customers/{carla.pk}/interactions?kind=customer.created", token).json()["count"] == 1


def test_the_kinds_vicino_writes_itself_cannot_be_posted(anna, carla):
    body = {"channel": "email", "kind": "consent.granted", "summary": "x"}
    response = call("post", f"/customers/{carla.pk}/interactions", token_for(anna), body)
    assert response.status_code == 422
    assert locs(response) == ["kind"]
    assert not Interaction.objects.filter(kind="consent.granted").exists()


def test_another_sites_or_networks_user_cannot_see_or_write_the_timeline(bruno, roberta, carla):
    for user in (bruno, roberta):
        token = token_for(user)
        assert call("get", f"/customers/{carla.pk}/interactions", token).status_code == 404
        body = {"channel": "phone", "kind": "call", "summary": "x"}
        assert call("post", f"/customers/{carla.pk}/interactions", token, body).status_code == 404
    assert carla.interactions.count() == 1


def test_the_timeline_does_not_grow_queries_with_rows(anna, carla, django_assert_max_num_queries):
    token = token_for(anna)
    with django_assert_max_num_queries(30) as few:
        call("get", f"/customers/{carla.pk}/interactions", token)
    for n in range(20):
        services.interaction_record(customer=carla, channel="phone", kind="call", summary=f"Chiamata {n}", actor=anna)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert call("get", f"/customers/{carla.pk}/interactions", token).json()["count"] == 21


def test_every_people_operation_declares_its_error_responses(db):
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if "/customers" not in path:
            continue
        for method, operation in operations.items():
            assert {"401", "404"} <= set(operation["responses"]), (method, path)
            if method != "get":
                assert {"400", "403", "422"} <= set(operation["responses"]), (method, path)


def test_contact_points_are_never_shared_across_networks_by_value(roberta, carla, borgo, bologna):
    services.customer_create(
        by=None, network=borgo, site=bologna, first_name="Carla", last_name="Omonima", emails=["Carla.Dangelo@example.it"]
    )
    body = call("get", "/customers?q=carla.dangelo%40example.it", token_for(roberta)).json()
    assert [c["last_name"] for c in body["items"]] == ["Omonima"]
    assert ContactPoint.objects.filter(value="carla.dangelo@example.it").count() == 2


def test_the_customers_data_archive_comes_from_the_api_too(giulia, carla, bruno):
    import io
    import json
    import zipfile

    response = Client().get(f"/api/v1/customers/{carla.pk}/data", headers={"Authorization": f"Bearer {token_for(giulia)}"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))["customer"]["first_name"] == "Carla"
    other = Client().get(f"/api/v1/customers/{carla.pk}/data", headers={"Authorization": f"Bearer {token_for(bruno)}"})
    assert other.status_code == 404


def test_the_customer_count_stops_at_the_cap_and_says_so(dario, aurora, milano, carla, monkeypatch):
    from vicino.core import pagination

    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 3)
    for n in range(4):
        services.customer_create(by=None, network=aurora, site=milano, first_name="Cliente", last_name=f"Numero {n}")
    page = call("get", "/customers?limit=2&offset=2", token_for(dario)).json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (3, True, 2)
    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 10)
    page = call("get", "/customers", token_for(dario)).json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (5, False, 5)
