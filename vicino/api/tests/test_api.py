
import pytest
from django.test import Client

from vicino.api import services
from vicino.api.models import ApiToken
from vicino.conftest import api_call as call
from vicino.conftest import api_token as token_for
from vicino.core.models import AuditEntry, Membership


def test_me_tells_who_the_token_acts_as(anna):
    response = call("get", "/me", token_for(anna))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "anna@aurora.example"
    assert body["acting_as"]["site"] == "Aurora Milano"
    assert body["acting_as"]["role"] == "sales_consultant"
    assert "sites.manage" not in body["acting_as"]["capabilities"]


def test_without_a_token_the_api_answers_401_with_a_code(db):
    response = call("get", "/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_made_up_token_is_refused(anna):
    real = token_for(anna)
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    assert call("get", "/me", forged).status_code == 401


def test_a_revoked_token_is_refused_with_a_message_in_the_callers_language(anna):
    plaintext = token_for(anna)
    services.api_token_revoke(by=anna, token=ApiToken.objects.get(user=anna))
    response = call("get", "/me", plaintext, language="en")
    assert response.status_code == 401
    assert response.json() == {"code": "token_revoked", "message": "This API token has been revoked. Create a new one in your profile."}


def test_a_token_of_one_user_cannot_act_as_another(anna, bruno):
    anna_token = token_for(anna)
    bruno_token = ApiToken.objects.get(pk=ApiToken.objects.create(
        user=bruno, membership=Membership.objects.get(user=bruno), name="b", prefix="bbbbbbbbbbbb", key_hash="0" * 64
    ).pk)
    # Anna's secret presented under Bruno's token prefix matches nothing.
    spliced = f"vcn_{bruno_token.prefix}_{anna_token.split('_', 2)[2]}"
    assert call("get", "/me", spliced).status_code == 401
    assert call("get", "/me", anna_token).json()["email"] == "anna@aurora.example"


def test_a_token_cannot_be_made_for_someone_elses_membership(anna, bruno):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.api_token_create(by=anna, membership=Membership.objects.get(user=bruno), name="x")
    assert not ApiToken.objects.exists()


def test_networks_lists_only_the_callers_network(anna, roberta):
    body = call("get", "/networks", token_for(anna)).json()
    assert [n["slug"] for n in body] == ["aurora"]


def test_another_networks_site_is_404_through_the_api(anna, bologna):
    response = call("get", f"/sites/{bologna.pk}", token_for(anna))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_another_site_of_the_network_is_404_for_a_site_member(anna, treviso):
    assert call("get", f"/sites/{treviso.pk}", token_for(anna)).status_code == 404


def test_head_office_lists_all_its_sites_with_opening_hours(dario, milano, treviso, bologna):
    body = call("get", "/sites", token_for(dario)).json()
    assert body["count"] == 2
    assert [s["code"] for s in body["items"]] == ["MI01", "TV01"]
    assert body["items"][0]["opening_hours"][0] == {"weekday": 0, "opens_at": "09:00", "closes_at": "19:00"}


def test_a_site_manager_updates_their_site_through_the_api(giulia, milano):
    response = call("patch", f"/sites/{milano.pk}", token_for(giulia), {"phone": "+39 02 7654321"})
    assert response.status_code == 200
    assert response.json()["phone"] == "+39 02 7654321"
    assert AuditEntry.objects.get(action="site.update").actor == giulia


def test_a_consultant_may_not_update_the_site(anna, milano):
    response = call("patch", f"/sites/{milano.pk}", token_for(anna), {"phone": "1"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    milano.refresh_from_db()
    assert milano.phone == ""


def test_a_malformed_body_is_400_with_a_code_and_nothing_is_written(giulia, milano):
    response = call("patch", f"/sites/{milano.pk}", token_for(giulia), '{"phone": ')
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert not AuditEntry.objects.filter(action="site.update").exists()


def test_invalid_fields_are_422_in_the_callers_language_and_nothing_is_written(giulia, milano):
    response = call("patch", f"/sites/{milano.pk}", token_for(giulia), {"cap": "ABCDE", "phone": "02 1"}, language="it")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["message"] == "Alcuni campi mancano o non sono validi."
    assert body["errors"][0]["loc"] == ["cap"]
    milano.refresh_from_db()
    assert (milano.cap, milano.phone) == ("20156", "")


def test_a_wrong_type_is_422(giulia, milano):
    response = call("patch", f"/sites/{milano.pk}", token_for(giulia), {"is_active": "forse"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "is_active"


def test_the_openapi_schema_declares_the_error_responses(db):
    schema = Client().get("/api/v1/openapi.json").json()
    patch = schema["paths"]["/api/v1/sites/{site_id}"]["patch"]["responses"]
    assert {"400", "401", "403", "404", "422"} <= set(patch)
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_is_served_without_a_cdn(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert "cdn." not in response.text and "unpkg" not in response.text


def test_list_endpoints_do_not_grow_queries_with_rows(dario, aurora, django_assert_max_num_queries):
    from vicino.core.models import Site

    token = token_for(dario)
    with django_assert_max_num_queries(20) as few:
        call("get", "/sites", token)
    for n in range(25):
        Site.objects.create(network=aurora, code=f"Z{n}", name=f"Sede {n}", kind="store", city="Roma", province="RM")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert call("get", "/sites", token).json()["count"] == 27
