"""The workshop API as a dealer management system or a workshop tablet uses it: cars taken in, the work
priced, photos from the floor, the owner's answers taken on the phone, the car handed back."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from vicino.bookings.models import Booking, Offering
from vicino.conftest import _person
from vicino.conftest import api_call as call
from vicino.conftest import api_token as token_for
from vicino.core.roles import Role
from vicino.people import services as people
from vicino.workshop import media, services
from vicino.workshop.models import Finding, OrderUpdate, RepairOrder, Vehicle, WorkLine

from .test_services import photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def sara(aurora, treviso):
    """Treviso's service advisor: the same network, another site's workshop."""
    return _person("sara@aurora.example", "Sara Benetton", aurora, Role.SERVICE_ADVISOR, treviso)


@pytest.fixture
def service_booking(aurora, milano, carla):
    """Carla's service appointment in Milano this morning."""
    offering = Offering.objects.create(network=aurora, site=milano, kind=Offering.Kind.SERVICE, name="Tagliando", slug="tagliando",
                                       duration_minutes=60)  # fmt: skip
    start = timezone.now().replace(microsecond=0)
    return Booking.objects.create(network=aurora, site=milano, offering=offering, customer=carla, starts_at=start,
                                  ends_at=start + datetime.timedelta(hours=1), notes="Tagliando dei 30.000 km")  # fmt: skip


def send(path: str, token: str, data: dict, language: str = "it", **headers):
    """A multipart/form-data POST to /api/v1, as a tablet sends a photo with its note."""
    headers = {"Accept-Language": language, "Authorization": f"Bearer {token}", **headers}
    return Client().post(f"/api/v1{path}", data=data, headers=headers)


def ready(order, by):
    services.order_status_move(by=by, order=order, status=RepairOrder.Status.READY)


# --- Vehicles -------------------------------------------------------------------------


def test_a_car_is_recorded_once_and_the_same_plate_written_another_way_brings_it_up_to_date(matteo, carla):
    token = token_for(matteo)
    first = call("post", "/workshop/vehicles", token, {"plate": "gh 456 ij", "make": "Aurora", "model": "Luna", "year": 2024, "fuel": "electric",
                                                         "owner_ids": [carla.pk]})  # fmt: skip
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["plate"] == "GH456IJ" and body["km"] == 0 and body["fuel"] == "electric" and body["owners"] == [
        {"id": carla.pk, "display_name": "Carla D'Angelo Paternò"}]  # fmt: skip
    again = call("post", "/workshop/vehicles", token, {"plate": "GH-456-IJ", "vin": "zfa31200000123456", "km": 1200})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["vin"] == "ZFA31200000123456" and again.json()["km"] == 1200 and again.json()["model"] == "Luna"
    # Found by its VIN alone, it keeps its plate.
    by_vin = call("post", "/workshop/vehicles", token, {"vin": "ZFA31200000123456", "km": 1500})
    assert by_vin.status_code == 200 and by_vin.json()["plate"] == "GH456IJ" and Vehicle.objects.count() == 1


def test_a_car_needs_its_plate_or_vin_and_owners_the_advisor_can_see(matteo, aurora, treviso):
    token = token_for(matteo)
    nameless = call("post", "/workshop/vehicles", token, {"make": "Aurora"}, language="en")
    assert nameless.status_code == 422
    assert nameless.json()["errors"][0] == {"loc": ["plate"], "msg": "Give the plate or the VIN.", "type": "invalid"}
    stranger = people.customer_create(by=None, network=aurora, site=treviso, first_name="Piero", last_name="Zanon")
    hidden = call("post", "/workshop/vehicles", token, {"plate": "XY123ZZ", "owner_ids": [stranger.pk]})
    assert hidden.status_code == 422 and hidden.json()["errors"][0]["loc"] == ["owner_ids"]
    forged = call("post", "/workshop/vehicles", token, {"plate": "XY123ZZ", "network_id": 1})
    assert forged.status_code == 422 and forged.json()["errors"][0]["loc"][-1] == "network_id"
    assert not Vehicle.objects.exists()


def test_vehicles_are_found_by_plate_written_any_way_vin_or_owner(matteo, carla, carla_car, aurora):
    other = services.vehicle_save(by=None, network=aurora, data={"vin": "WVWZZZ1JZXW000001", "make": "Volkswagen"})
    token = token_for(matteo)
    assert [v["id"] for v in call("get", "/workshop/vehicles?plate=fa-123 bc", token).json()["items"]] == [carla_car.pk]
    assert [v["id"] for v in call("get", "/workshop/vehicles?vin=wvwzzz1jzxw000001", token).json()["items"]] == [other.pk]
    assert [v["id"] for v in call("get", f"/workshop/vehicles?customer_id={carla.pk}", token).json()["items"]] == [carla_car.pk]
    detail = call("get", f"/workshop/vehicles/{carla_car.pk}", token).json()
    assert detail["make"] == "Aurora" and detail["km"] == 31200 and detail["owners"][0]["id"] == carla.pk


def test_another_workshop_of_the_network_services_the_car_without_seeing_its_milano_owner(sara, roberta, carla_car):
    seen = call("get", f"/workshop/vehicles/{carla_car.pk}", token_for(sara))
    assert seen.status_code == 200 and seen.json()["plate"] == "FA123BC" and seen.json()["owners"] == []
    assert call("get", f"/workshop/vehicles/{carla_car.pk}", token_for(roberta)).status_code == 404
    assert call("get", "/workshop/vehicles", token_for(roberta)).json()["items"] == []


# --- Taking a car in ------------------------------------------------------------------


def test_a_car_taken_in_at_the_counter_opens_an_order_numbered_for_the_site(matteo, carla, carla_car):
    promised = "2026-12-15T17:00:00+01:00"
    response = call("post", "/workshop/orders", token_for(matteo), {"vehicle_id": carla_car.pk, "customer_id": carla.pk, "km_in": 31400,
                                                                     "complaint": "Spia motore accesa", "promised_at": promised})  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("MI01-") and body["status"] == "received" and body["source"] == "counter" and body["is_open"]
    assert body["vehicle"]["plate"] == "FA123BC" and body["customer"]["id"] == carla.pk and body["advisor_id"] == matteo.pk
    assert body["promised_at"] == "2026-12-15T16:00:00Z" and body["complaint"] == "Spia motore accesa"
    assert body["totals"] == {"taxable": "0.00", "vat": "0.00", "total": "0.00"} and [e["status"] for e in body["events"]] == ["received"]
    assert Vehicle.objects.get(pk=carla_car.pk).km == 31400


def test_a_service_appointment_becomes_its_order_once(matteo, carla_car, service_booking, carla):
    token = token_for(matteo)
    response = call("post", "/workshop/orders", token, {"vehicle_id": carla_car.pk, "booking_id": service_booking.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == "booking" and body["booking_id"] == service_booking.pk and body["customer"]["id"] == carla.pk
    assert body["complaint"] == "Tagliando dei 30.000 km" and body["site_id"] == service_booking.site_id
    again = call("post", "/workshop/orders", token, {"vehicle_id": carla_car.pk, "booking_id": service_booking.pk}, language="en")
    assert again.status_code == 422 and again.json()["code"] == "booking_has_order"
    assert again.json()["message"] == "This booking already has its repair order." and RepairOrder.objects.count() == 1


def test_an_order_names_one_customer_and_head_office_names_the_site(matteo, dario, carla, carla_car, service_booking, treviso):
    both = call("post", "/workshop/orders", token_for(matteo), {"vehicle_id": carla_car.pk, "booking_id": service_booking.pk,
                                                                 "customer_id": carla.pk}, language="en")  # fmt: skip
    assert both.status_code == 422 and "come from it" in both.json()["errors"][0]["msg"]
    neither = call("post", "/workshop/orders", token_for(matteo), {"vehicle_id": carla_car.pk})
    assert neither.status_code == 422 and neither.json()["code"] == "validation_error"
    nowhere = call("post", "/workshop/orders", token_for(dario), {"vehicle_id": carla_car.pk, "customer_id": carla.pk}, language="en")
    assert nowhere.status_code == 422 and nowhere.json()["errors"][0]["loc"] == ["site_id"]
    treviso_order = call("post", "/workshop/orders", token_for(dario), {"vehicle_id": carla_car.pk, "customer_id": carla.pk, "site_id": treviso.pk})
    assert treviso_order.status_code == 201 and treviso_order.json()["number"].startswith("TV01-")
    assert RepairOrder.objects.count() == 1


def test_a_retried_order_with_its_key_is_opened_once_and_answered_again(matteo, carla, carla_car):
    token, body = token_for(matteo), {"vehicle_id": carla_car.pk, "customer_id": carla.pk, "complaint": "Tagliando"}
    first = call("post", "/workshop/orders", token, body, **{"Idempotency-Key": "dms-7781"})
    again = call("post", "/workshop/orders", token, body, **{"Idempotency-Key": "dms-7781"})
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and RepairOrder.objects.count() == 1


# --- Reading orders -------------------------------------------------------------------


def test_the_list_filters_by_status_open_customer_vehicle_site_and_change(matteo, order, milano, carla, carla_car, aurora):
    other_car = services.vehicle_save(by=None, network=aurora, data={"plate": "ZZ999ZZ", "make": "Aurora"})
    done = services.repair_order_open(by=matteo, site=milano, vehicle=other_car, customer=carla, source=RepairOrder.Source.COUNTER)
    ready(done, matteo)
    services.order_deliver(by=matteo, order=done)
    token = token_for(matteo)

    def ids(query: str) -> list[int]:
        return [o["id"] for o in call("get", f"/workshop/orders{query}", token).json()["items"]]

    assert ids("") == [done.pk, order.pk]
    assert ids("?open=true") == [order.pk] and ids("?open=false") == [done.pk] and ids("?status=delivered") == [done.pk]
    assert ids(f"?vehicle_id={carla_car.pk}") == [order.pk] and ids(f"?customer_id={carla.pk}&site_id={milano.pk}") == [done.pk, order.pk]
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert ids(f"?updated_since={later.replace('+', '%2B')}") == []


def test_the_list_does_not_grow_queries_with_rows(matteo, milano, carla, carla_car, order, django_assert_max_num_queries):
    token = token_for(matteo)
    with django_assert_max_num_queries(30) as one:
        call("get", "/workshop/orders", token)
    for _n in range(4):
        services.repair_order_open(by=matteo, site=milano, vehicle=carla_car, customer=carla, source=RepairOrder.Source.COUNTER)
    with django_assert_max_num_queries(len(one.captured_queries)):
        items = call("get", "/workshop/orders", token).json()["items"]
    assert len(items) == 5 and items[0]["vehicle"]["plate"] == "FA123BC"


def test_the_order_reads_its_lines_totals_findings_and_every_update_with_its_photo_for_the_staff(order, matteo, tommaso):
    services.work_line_add(by=matteo, order=order, kind=WorkLine.Kind.LABOUR, description="Sostituzione pastiglie", unit_price=Decimal("45.00"),
                           quantity=Decimal("1.5"))  # fmt: skip
    services.work_line_add(by=matteo, order=order, kind=WorkLine.Kind.PART, description="Pastiglie anteriori", unit_price=Decimal("80.10"))
    services.update_post(by=tommaso, order=order, text="Da verificare con il capo officina", is_visible=False)
    services.finding_propose(by=tommaso, order=order, title="Dischi anteriori", grade=Finding.Grade.RED, price=Decimal("180.00"), upload=photo())
    token = token_for(matteo)
    body = call("get", f"/workshop/orders/{order.pk}", token).json()
    assert [(line["description"], line["quantity"], line["amount"]) for line in body["lines"]] == [
        ("Sostituzione pastiglie", "1.50", "67.50"), ("Pastiglie anteriori", "1.00", "80.10")]  # fmt: skip
    assert body["totals"] == {"taxable": "147.60", "vat": "32.47", "total": "180.07"} and body["status"] == "waiting_approval"
    (finding,) = body["findings"]
    assert finding["title"] == "Dischi anteriori" and finding["price_with_vat"] == "219.60" and finding["answer"] == "proposed"
    internal, shown = body["updates"]
    assert (internal["is_visible"], internal["media_url"], internal["author"]) == (False, None, "Tommaso Greco")
    assert shown["is_visible"] and shown["media_kind"] == "image" and shown["media_url"] == finding["media_url"]
    picture = Client().get(shown["media_url"], headers={"Authorization": f"Bearer {token}"})
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg" and picture["Cache-Control"] == "private"
    assert b"".join(picture.streaming_content)[:2] == b"\xff\xd8"
    assert Client().get(shown["media_url"]).status_code == 401


# --- Moving an order along ------------------------------------------------------------


def test_the_technician_moves_the_order_but_not_to_what_follows_from_the_work(order, tommaso):
    token = token_for(tommaso)
    moved = call("post", f"/workshop/orders/{order.pk}/status", token, {"status": "diagnosis"})
    assert moved.status_code == 200 and moved.json()["status"] == "diagnosis"
    assert [e["status"] for e in moved.json()["events"]] == ["received", "diagnosis"]
    chosen = call("post", f"/workshop/orders/{order.pk}/status", token, {"status": "delivered"}, language="en")
    assert chosen.status_code == 422 and chosen.json()["code"] == "status_not_movable"
    services.finding_propose(by=tommaso, order=order, title="Spazzole", grade=Finding.Grade.AMBER, price=Decimal("30.00"))
    early = call("post", f"/workshop/orders/{order.pk}/status", token, {"status": "ready"}, language="en")
    assert early.status_code == 422
    assert early.json() == {"code": "answers_missing", "message": "The customer has not answered every proposed job yet."}
    assert RepairOrder.objects.get(pk=order.pk).status == RepairOrder.Status.WAITING_APPROVAL


def test_only_a_ready_car_is_handed_back_and_not_by_the_technician(order, matteo, tommaso):
    token = token_for(matteo)
    early = call("post", f"/workshop/orders/{order.pk}/deliver", token, {})
    assert early.status_code == 422 and early.json()["code"] == "not_ready"
    ready(order, matteo)
    assert call("post", f"/workshop/orders/{order.pk}/deliver", token_for(tommaso), {}).status_code == 403
    handed = call("post", f"/workshop/orders/{order.pk}/deliver", token, {"km_out": 31290})
    assert handed.status_code == 200 and handed.json()["status"] == "delivered" and not handed.json()["is_open"]
    assert Vehicle.objects.get(pk=order.vehicle_id).km == 31290
    closed = call("post", f"/workshop/orders/{order.pk}/lines", token, {"kind": "part", "description": "Filtro", "unit_price": "12.00"})
    assert closed.status_code == 422 and closed.json()["code"] == "order_closed"


def test_the_advisor_prices_the_work_and_the_technician_cannot(order, matteo, tommaso):
    line = {"kind": "labour", "description": "Diagnosi elettronica", "quantity": "0.50", "unit_price": "60.00"}
    added = call("post", f"/workshop/orders/{order.pk}/lines", token_for(matteo), line)
    assert added.status_code == 201, added.content
    assert added.json()["amount"] == "30.00" and added.json()["vat_rate"] == "22.00" and added.json()["position"] == 0
    assert call("post", f"/workshop/orders/{order.pk}/lines", token_for(tommaso), line).json()["code"] == "forbidden"
    negative = call("post", f"/workshop/orders/{order.pk}/lines", token_for(matteo), line | {"unit_price": "-5.00"})
    assert negative.status_code == 422 and negative.json()["errors"][0]["loc"] == ["unit_price"]
    assert list(WorkLine.objects.values_list("description", flat=True)) == ["Diagnosi elettronica"]


# --- Updates and findings from the floor ------------------------------------------------


def test_the_technician_posts_a_photo_for_the_owner_and_a_note_for_the_staff(order, tommaso):
    token = token_for(tommaso)
    shown = send(f"/workshop/orders/{order.pk}/updates", token, {"text": "Pastiglie al limite", "is_visible": "true", "media": photo()})
    assert shown.status_code == 201, shown.content
    assert shown.json()["is_visible"] and shown.json()["media_kind"] == "image" and shown.json()["media_url"].endswith("/media")
    note = send(f"/workshop/orders/{order.pk}/updates", token, {"text": "Cliente chiede preventivo gomme"})
    assert note.status_code == 201 and not note.json()["is_visible"] and note.json()["media_url"] is None
    assert [u.is_visible for u in OrderUpdate.objects.filter(order=order)] == [True, False]


def test_an_empty_update_names_the_text_and_a_refused_file_names_the_media_with_its_code(order, tommaso, monkeypatch):
    token = token_for(tommaso)
    empty = send(f"/workshop/orders/{order.pk}/updates", token, {"is_visible": "true"}, language="en")
    assert empty.status_code == 422 and empty.json()["errors"][0]["loc"] == ["text"]
    program = SimpleUploadedFile("freni.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")
    refused = send(f"/workshop/orders/{order.pk}/updates", token, {"text": "Foto", "media": program}, language="en")
    assert refused.status_code == 422 and refused.json()["code"] == "not_media"
    assert refused.json()["errors"] == [{"loc": ["media"], "msg": refused.json()["message"], "type": "not_media"}]
    monkeypatch.setattr(media, "IMAGE_MAX_BYTES", 1000)
    big = send(f"/workshop/orders/{order.pk}/findings", token, {"title": "Dischi", "grade": "red", "price": "180.00", "media": photo()})
    assert big.status_code == 422 and big.json()["code"] == "too_big" and big.json()["errors"][0]["loc"] == ["media"]
    forged = send(f"/workshop/orders/{order.pk}/updates", token, {"text": "Nota", "author_id": "1"})
    assert forged.status_code == 422
    assert forged.json()["errors"] == [{"loc": ["form", "author_id"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}]
    assert not OrderUpdate.objects.exists() and not Finding.objects.exists()
    assert RepairOrder.objects.get(pk=order.pk).status == RepairOrder.Status.RECEIVED


def test_a_job_found_waits_for_the_owner_whose_phone_answer_the_advisor_records_once(order, tommaso, matteo):
    form = {"title": "Dischi anteriori", "grade": "red", "price": "180.00", "text": "Spessore sotto il minimo", "media": photo()}
    proposed = send(f"/workshop/orders/{order.pk}/findings", token_for(tommaso), form)
    assert proposed.status_code == 201, proposed.content
    finding = proposed.json()
    assert finding["answer"] == "proposed" and finding["price"] == "180.00" and finding["media_url"]
    assert RepairOrder.objects.get(pk=order.pk).status == RepairOrder.Status.WAITING_APPROVAL
    path = f"/workshop/findings/{finding['id']}/answer"
    assert call("post", path, token_for(tommaso), {"approve": True, "via": "phone"}).status_code == 403
    assert call("post", path, token_for(matteo), {"approve": True, "via": "portal"}).json()["errors"][0]["loc"][-1] == "via"
    approved = call("post", path, token_for(matteo), {"approve": True, "via": "phone"})
    assert approved.status_code == 200, approved.content
    answer = approved.json()
    assert (answer["answer"], answer["answered_via"], answer["recorded_by"]) == ("approved", "phone", "Matteo Ricci")
    again = call("post", path, token_for(matteo), {"approve": False, "via": "counter"})
    assert again.status_code == 200 and again.json()["answer"] == "approved"
    detail = call("get", f"/workshop/orders/{order.pk}", token_for(matteo)).json()
    assert detail["status"] == "in_progress" and [line["finding_id"] for line in detail["lines"]] == [finding["id"]]
    assert Finding.objects.get(pk=finding["id"]).answered_ip is None


# --- Who may see and do what ----------------------------------------------------------


def test_another_sites_workshop_and_another_network_find_no_milano_order(order, tommaso, sara, roberta):
    update = services.update_post(by=tommaso, order=order, text="Foto freni", upload=photo())
    finding = services.finding_propose(by=tommaso, order=order, title="Dischi", grade=Finding.Grade.RED, price=Decimal("180.00"))
    for user in (sara, roberta):
        token = token_for(user)
        assert call("get", "/workshop/orders", token).json()["items"] == []
        assert call("get", f"/workshop/orders/{order.pk}", token).status_code == 404
        assert call("get", f"/workshop/orders/{order.pk}/updates/{update.pk}/media", token).status_code == 404
        assert call("post", f"/workshop/orders/{order.pk}/status", token, {"status": "diagnosis"}).status_code == 404
        assert call("post", f"/workshop/orders/{order.pk}/deliver", token, {}).status_code == 404
        assert call("post", f"/workshop/orders/{order.pk}/lines", token, {"kind": "part", "description": "X", "unit_price": "1"}).status_code == 404
        assert send(f"/workshop/orders/{order.pk}/updates", token, {"text": "Nota"}).status_code == 404
        assert send(f"/workshop/orders/{order.pk}/findings", token, {"title": "X", "grade": "red", "price": "1.00"}).status_code == 404
        assert call("post", f"/workshop/findings/{finding.pk}/answer", token, {"approve": True, "via": "phone"}).status_code == 404
    # The car is the network's, Carla is Milano's: Treviso cannot open an order for her.
    hidden = call("post", "/workshop/orders", token_for(sara), {"vehicle_id": order.vehicle_id, "customer_id": order.customer_id})
    assert hidden.status_code == 422 and hidden.json()["errors"][0]["loc"] == ["customer_id"]
    finding.refresh_from_db()
    assert finding.answer == Finding.Answer.PROPOSED and OrderUpdate.objects.filter(order=order).count() == 2


def test_a_role_without_the_workshop_is_refused_with_403(elena, bruno, order):
    # Bruno sells in Treviso: without the workshop at all, he is refused before any order is looked for.
    for user in (elena, bruno):
        token = token_for(user)
        assert call("get", "/workshop/orders", token).status_code == 403
        assert call("get", f"/workshop/orders/{order.pk}", token).json()["code"] == "forbidden"
        assert call("get", "/workshop/vehicles", token).status_code == 403
        assert call("post", "/workshop/vehicles", token, {"plate": "AB123CD"}).status_code == 403
    assert not Vehicle.objects.filter(plate="AB123CD").exists()
