import datetime
import hashlib
import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from vicino.api.idempotency import KEY_LIFETIME, idempotency_keys_purge
from vicino.api.models import IdempotencyKey
from vicino.conftest import api_token as token_for
from vicino.people import services as people
from vicino.people.models import ContactPoint, Customer

NEW_CUSTOMER = {"first_name": "Luca", "last_name": "Bianchi", "emails": ["luca@example.it"]}


def post(path: str, token: str, body: dict, key: str | None = None, language: str = "it"):
    headers = {"Accept-Language": language, "Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return Client().post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json", headers=headers)


def test_a_retried_post_is_answered_the_same_and_writes_nothing(anna):
    token = token_for(anna)
    first = post("/customers", token, NEW_CUSTOMER, key="ordine-42")
    again = post("/customers", token, NEW_CUSTOMER, key="ordine-42")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Customer.objects.count() == 1
    stored = IdempotencyKey.objects.get()
    assert (stored.user, stored.method, stored.path, stored.status) == (anna, "POST", "/api/v1/customers", 201)


def test_without_a_key_each_post_is_a_new_request(anna):
    token = token_for(anna)
    post("/customers", token, NEW_CUSTOMER)
    post("/customers", token, NEW_CUSTOMER)
    assert Customer.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_the_same_key_with_another_body_is_refused(anna):
    token = token_for(anna)
    post("/customers", token, NEW_CUSTOMER, key="k1")
    response = post("/customers", token, {**NEW_CUSTOMER, "last_name": "Verdi"}, key="k1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert list(Customer.objects.values_list("last_name", flat=True)) == ["Bianchi"]


def test_the_same_key_on_another_path_is_refused(anna, carla):
    token = token_for(anna)
    post("/customers", token, NEW_CUSTOMER, key="k1")
    response = post(f"/customers/{carla.pk}/contact-points", token, {"kind": "phone", "value": "02 1234567"}, key="k1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert carla.contact_points.count() == 2


def test_keys_belong_to_the_tokens_user(anna, giulia):
    post("/customers", token_for(anna), NEW_CUSTOMER, key="shared")
    response = post("/customers", token_for(giulia), NEW_CUSTOMER, key="shared")
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert Customer.objects.count() == 2


def test_a_key_still_in_progress_is_409_and_nothing_is_written(anna):
    body = json.dumps(NEW_CUSTOMER).encode()
    IdempotencyKey.objects.create(
        user=anna, key="k1", method="POST", path="/api/v1/customers", body_sha256=hashlib.sha256(body).hexdigest()
    )
    response = post("/customers", token_for(anna), NEW_CUSTOMER, key="k1")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert response.json()["message"]
    assert not Customer.objects.exists()


def test_a_key_older_than_a_day_is_forgotten(anna):
    token = token_for(anna)
    post("/customers", token, NEW_CUSTOMER, key="k1")
    IdempotencyKey.objects.update(created_at=timezone.now() - KEY_LIFETIME - datetime.timedelta(minutes=1))
    response = post("/customers", token, {**NEW_CUSTOMER, "last_name": "Verdi"}, key="k1")
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert Customer.objects.count() == 2
    assert IdempotencyKey.objects.get().created_at > timezone.now() - datetime.timedelta(minutes=1)


def test_an_error_answer_is_replayed_too(anna, treviso):
    token = token_for(anna)
    first = post("/customers", token, {**NEW_CUSTOMER, "site_id": treviso.pk}, key="k1")
    again = post("/customers", token, {**NEW_CUSTOMER, "site_id": treviso.pk}, key="k1")
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_a_body_the_api_rejects_before_running_does_not_use_up_the_key(anna):
    token = token_for(anna)
    assert post("/customers", token, {"last_name": 7}, key="k1").status_code == 422
    assert post("/customers", token, NEW_CUSTOMER, key="k1").status_code == 201
    assert Customer.objects.count() == 1


def test_a_crash_keeps_no_write_and_frees_the_key(anna, monkeypatch):
    real_create = people.customer_create

    def create_then_crash(**kwargs):
        real_create(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(people, "customer_create", create_then_crash)
    token = token_for(anna)
    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k1"}
    body = json.dumps(NEW_CUSTOMER)
    response = client.post("/api/v1/customers", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 500
    assert not Customer.objects.exists()
    assert not IdempotencyKey.objects.exists()
    monkeypatch.setattr(people, "customer_create", real_create)
    assert post("/customers", token, NEW_CUSTOMER, key="k1").status_code == 201


def test_a_key_longer_than_200_characters_is_refused(anna):
    response = post("/customers", token_for(anna), NEW_CUSTOMER, key="k" * 201)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Customer.objects.exists()
    assert post("/customers", token_for(anna), NEW_CUSTOMER, key="k" * 200).status_code == 201


def test_another_networks_user_replaying_a_key_gets_404_not_the_stored_answer(anna, roberta, carla):
    body = {"kind": "phone", "value": "02 1234567"}
    assert post(f"/customers/{carla.pk}/contact-points", token_for(anna), body, key="k1").status_code == 201
    response = post(f"/customers/{carla.pk}/contact-points", token_for(roberta), body, key="k1")
    assert response.status_code == 404
    assert ContactPoint.objects.filter(customer=carla).count() == 3


def test_without_a_token_the_key_is_not_looked_at(db):
    response = post("/customers", "vcn_nope", NEW_CUSTOMER, key="k1")
    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_other_methods_ignore_the_key(anna, carla):
    token = token_for(anna)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k1"}
    for _ in range(2):
        response = Client().get(f"/api/v1/customers/{carla.pk}", headers=headers)
        assert response.status_code == 200
        assert not response.has_header("Idempotent-Replayed")
    assert not IdempotencyKey.objects.exists()


def test_expired_keys_are_purged(anna):
    post("/customers", token_for(anna), NEW_CUSTOMER, key="old")
    post("/customers", token_for(anna), NEW_CUSTOMER, key="new")
    long_ago = timezone.now() - KEY_LIFETIME - datetime.timedelta(hours=1)
    IdempotencyKey.objects.filter(key="old").update(created_at=long_ago)
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_openapi_schema_documents_the_header_and_the_conflict(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "Idempotency-Key" in schema["info"]["description"]
    assert "409" in schema["paths"]["/api/v1/customers"]["post"]["responses"]
    assert "409" not in schema["paths"]["/api/v1/customers"]["get"]["responses"]


# SQLite's in-memory test database fails a waiting writer at once ("table is locked"), where a
# database file queues it at BEGIN IMMEDIATE; the race is run against PostgreSQL.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections to a server database")
@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_write_only_once(anna, monkeypatch):
    real_create = people.customer_create

    def slow_create(**kwargs):
        # Hold the first request's transaction open while the second arrives.
        time.sleep(0.5)
        return real_create(**kwargs)

    monkeypatch.setattr(people, "customer_create", slow_create)
    token = token_for(anna)
    responses, started, finished = [], [], []
    start = threading.Barrier(2)

    def send() -> None:
        start.wait()
        started.append(time.monotonic())
        try:
            responses.append(post("/customers", token, NEW_CUSTOMER, key="at-once"))
        finally:
            finished.append(time.monotonic())
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert max(started) < min(finished), "the two requests did not overlap"
    assert Customer.objects.count() == 1
    assert sorted(r.status_code for r in responses) == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.has_header("Idempotent-Replayed") for r in responses) == [False, True]
