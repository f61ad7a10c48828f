"""The bookings API as a call centre or a website uses it: what can be booked, the free slots, bookings made, moved, cancelled."""

import datetime

import pytest
import time_machine

from vicino.bookings import services
from vicino.bookings.models import Allocation, Booking
from vicino.conftest import api_call as call
from vicino.conftest import api_token as token_for
from vicino.people import services as people
from vicino.people.models import ConsentEvent, Customer, Interaction, Purpose
from vicino.sales import services as sales
from vicino.sales.models import Lead

from .conftest import MONDAY_MORNING, at, book
from .test_lifecycle import people_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]


def _body(test_drive, luna, when, **more):
    return {"offering_id": test_drive.pk, "vehicle_model_id": luna.pk, "starts_at": when.isoformat(), **more}


# --- What can be booked ---------------------------------------------------------------


def test_the_offerings_say_what_each_needs_and_where_it_is_booked_online(anna, test_drive):
    body = call("get", "/bookings/offerings", token_for(anna)).json()
    (offering,) = body["items"]
    assert offering["name"] == "Prova su strada" and offering["duration_minutes"] == 45 and offering["buffer_after_minutes"] == 15
    assert {(n["kind"], n["of_chosen_model"]) for n in offering["needs"]} == {("demo_vehicle", True), ("consultant", False)}
    assert offering["booking_url"].endswith("/book/aurora/MI01/prova/")


def test_the_resources_of_a_site_with_the_car_model_and_the_consultant(anna, luna, luna_demo, anna_desk):
    items = call("get", "/bookings/resources?kind=demo_vehicle", token_for(anna)).json()["items"]
    assert [(r["name"], r["vehicle_model_id"]) for r in items] == [("Luna demo FX123AB", luna.pk)]
    (desk,) = call("get", "/bookings/resources?kind=consultant", token_for(anna)).json()["items"]
    assert desk["user_id"] == anna.pk


def test_another_sites_and_networks_offerings_are_not_listed(test_drive, bruno, roberta):
    assert call("get", "/bookings/offerings", token_for(bruno)).json()["items"] == []
    assert call("get", "/bookings/offerings", token_for(roberta)).json()["items"] == []
    assert call("get", "/bookings/resources", token_for(roberta)).json()["items"] == []


# --- Availability ---------------------------------------------------------------------


def test_availability_gives_every_day_asked_with_its_free_slots_and_not_the_taken_one(anna, test_drive, luna, lucia):
    book(test_drive, lucia, luna, at(15, 10))
    response = call("get", f"/bookings/availability?offering_id={test_drive.pk}&vehicle_model_id={luna.pk}&date=2026-12-15&days=7", token_for(anna))
    assert response.status_code == 200, response.content
    days = response.json()["days"]
    assert [d["date"] for d in days] == [f"2026-12-{n}" for n in range(15, 22)]
    tuesday = [s["starts_at"] for s in days[0]["slots"]]
    assert tuesday[0] == "2026-12-15T09:00:00+01:00"
    # 10:00 is held (and the car is sanitised until 11:00): nothing starting 9:15–10:45.
    assert "2026-12-15T09:00:00+01:00" in tuesday and "2026-12-15T10:00:00+01:00" not in tuesday
    assert "2026-12-15T10:45:00+01:00" not in tuesday and "2026-12-15T11:00:00+01:00" in tuesday
    assert days[5]["date"] == "2026-12-20" and days[5]["slots"] == []  # Sunday: closed


def test_availability_of_a_test_drive_needs_the_model(anna, test_drive):
    response = call("get", f"/bookings/availability?offering_id={test_drive.pk}", token_for(anna), language="en")
    assert response.status_code == 422 and response.json()["errors"][0]["loc"][-1] == "vehicle_model_id"
    assert response.json()["errors"][0]["msg"] == "Choose the model you would like to drive."


@pytest.mark.parametrize("days", [0, 15])
def test_availability_is_one_to_fourteen_days(anna, test_drive, luna, days):
    response = call("get", f"/bookings/availability?offering_id={test_drive.pk}&vehicle_model_id={luna.pk}&days={days}", token_for(anna))
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_another_sites_offering_has_no_availability(bruno, roberta, test_drive, luna):
    for user in (bruno, roberta):
        response = call("get", f"/bookings/availability?offering_id={test_drive.pk}&vehicle_model_id={luna.pk}", token_for(user))
        assert response.status_code == 404 and response.json()["code"] == "not_found"


# --- Booking --------------------------------------------------------------------------


def test_a_phone_booking_for_a_new_customer_creates_them_and_holds_the_car_and_the_consultant(anna, test_drive, luna, luna_demo, anna_desk):
    customer = {"first_name": "Lucia", "last_name": "Dell'Acqua", "emails": ["lucia@example.it"], "phones": ["347 1112233"]}
    response = call("post", "/bookings", token_for(anna), _body(test_drive, luna, at(15, 10), customer=customer))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["customer"]["display_name"] == "Lucia Dell'Acqua" and body["status"] == "confirmed" and body["channel"] == "phone"
    assert body["starts_at"] == "2026-12-15T10:00:00+01:00" and body["ends_at"] == "2026-12-15T10:45:00+01:00"
    assert {r["id"] for r in body["resources"]} == {luna_demo.pk, anna_desk.pk}
    booking = Booking.objects.get(pk=body["id"])
    assert booking.created_by == anna and booking.customer.last_name == "Dell'Acqua"
    assert Interaction.objects.filter(customer=booking.customer, kind="booking.created").exists()


def test_a_booking_for_a_known_customer_and_one_from_a_lead_moving_it_to_test_drive(anna, aurora, milano, test_drive, luna, lucia):
    first = call("post", "/bookings", token_for(anna), _body(test_drive, luna, at(15, 10), customer_id=lucia.pk))
    assert first.status_code == 201 and first.json()["customer"]["id"] == lucia.pk
    lead = sales.lead_create(by=None, network=aurora, enquiry=sales.Enquiry(
        person=people_in("Marco", "Bellini"), source=Lead.Source.STAFF, channel="phone", chosen_site=milano))  # fmt: skip
    second = call("post", "/bookings", token_for(anna), _body(test_drive, luna, at(16, 10), lead_id=lead.pk))
    assert second.status_code == 201, second.content
    lead.refresh_from_db()
    assert second.json()["lead_id"] == lead.pk and second.json()["customer"]["id"] == lead.customer_id and lead.stage == Lead.Stage.TEST_DRIVE


def test_one_customer_must_be_given(anna, test_drive, luna, lucia):
    for extra in ({}, {"customer_id": lucia.pk, "customer": {"last_name": "Rossi"}}):
        response = call("post", "/bookings", token_for(anna), _body(test_drive, luna, at(15, 10), **extra), language="en")
        assert response.status_code == 422 and "Give one of customer_id, customer or lead_id." in response.json()["errors"][0]["msg"]
    assert not Booking.objects.exists()


def test_a_slot_just_taken_is_409_with_the_nearest_free_ones_and_the_new_customer_is_not_kept(anna, test_drive, luna, lucia):
    book(test_drive, lucia, luna, at(15, 10))
    response = call("post", "/bookings", token_for(anna), _body(test_drive, luna, at(15, 10), customer={"last_name": "Ultimo"}), language="en")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_taken" and "just been taken" in body["message"]
    assert [s["starts_at"] for s in body["nearest"]] == ["2026-12-15T09:00:00+01:00", "2026-12-15T11:00:00+01:00", "2026-12-15T11:15:00+01:00"]
    assert Booking.objects.count() == 1 and not Customer.objects.filter(last_name="Ultimo").exists()


@pytest.mark.parametrize(
    ("when", "code", "words"),
    [
        (at(14, 7), "slot_past", "già passato"),
        (at(14, 9), "slot_notice", "almeno 2 ore"),
        (at(20, 10), "slot_closed", "è chiusa"),
        (at(25, 10), "slot_holiday", "Natale"),
        (at(15, 18, 30), "slot_outside_hours", "09:00–19:00"),
    ],
    ids=["past", "notice", "sunday", "christmas", "after-hours"],
)
def test_a_time_that_cannot_be_promised_is_422_with_the_rules_code_in_italian(anna, test_drive, luna, when, code, words):
    response = call("post", "/bookings", token_for(anna), _body(test_drive, luna, when, customer={"last_name": "Nuovo"}))
    assert response.status_code == 422
    assert response.json()["code"] == code and words in response.json()["message"], response.json()
    assert not Booking.objects.exists() and not Allocation.objects.exists() and not Customer.objects.filter(last_name="Nuovo").exists()


def test_a_booking_without_the_consent_its_offering_needs_is_refused_until_it_is_recorded(anna, test_drive, luna, lucia, notice):
    test_drive.consent_purpose = Purpose.THIRD_PARTIES
    test_drive.save()
    refused = call("post", "/bookings", token_for(anna), _body(test_drive, luna, at(15, 10), customer_id=lucia.pk), language="en")
    assert refused.status_code == 422 and refused.json()["code"] == "consent_missing" and not Booking.objects.exists()
    people.consent_record(by=None, customer=lucia, purpose=Purpose.THIRD_PARTIES, channel="email", action=ConsentEvent.Action.GRANTED,
                          source=ConsentEvent.Source.STAFF, notice=notice, occurred_at=MONDAY_MORNING - datetime.timedelta(minutes=1))  # fmt: skip
    assert call("post", "/bookings", token_for(anna), _body(test_drive, luna, at(15, 10), customer_id=lucia.pk)).status_code == 201


def test_a_test_drive_without_a_model_names_the_field(anna, test_drive, lucia):
    body = {"offering_id": test_drive.pk, "starts_at": at(15, 10).isoformat(), "customer_id": lucia.pk}
    response = call("post", "/bookings", token_for(anna), body, language="en")
    assert response.status_code == 422 and response.json()["errors"][0]["loc"][-1] == "vehicle_model_id"


def test_fields_a_client_cannot_set_and_a_time_without_its_offset_are_refused(anna, test_drive, luna, lucia):
    forged = call("post", "/bookings", token_for(anna), _body(test_drive, luna, at(15, 10), customer_id=lucia.pk, status="completed"))
    assert forged.status_code == 422 and forged.json()["errors"][0]["loc"][-1] == "status"
    naive = call("post", "/bookings", token_for(anna), _body(test_drive, luna, at(15, 10), customer_id=lucia.pk) | {"starts_at": "2026-12-15T10:00:00"})
    assert naive.status_code == 422 and naive.json()["errors"][0]["loc"][-1] == "starts_at"
    assert not Booking.objects.exists()


def test_a_retried_booking_with_its_key_is_made_once_and_answered_again(anna, test_drive, luna, lucia):
    token, body = token_for(anna), _body(test_drive, luna, at(15, 10), customer_id=lucia.pk)
    first = call("post", "/bookings", token, body, **{"Idempotency-Key": "call-centre-42"})
    again = call("post", "/bookings", token, body, **{"Idempotency-Key": "call-centre-42"})
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and Booking.objects.count() == 1


def test_another_sites_customer_offering_or_lead_is_refused_by_name(bruno, test_drive, luna, lucia):
    response = call("post", "/bookings", token_for(bruno), _body(test_drive, luna, at(15, 10), customer_id=lucia.pk), language="en")
    assert response.status_code == 422 and response.json()["errors"][0]["loc"][-1] == "offering_id"
    assert not Booking.objects.exists()


def test_a_role_without_the_diary_is_refused_with_403(elena, test_drive, luna, lucia):
    token = token_for(elena)
    assert call("get", "/bookings", token).status_code == 403
    assert call("get", "/bookings/offerings", token).status_code == 403
    assert call("post", "/bookings", token, _body(test_drive, luna, at(15, 10), customer_id=lucia.pk)).json()["code"] == "forbidden"


# --- Reading, moving, cancelling -------------------------------------------------------


def test_the_list_filters_by_day_and_status_and_reads_the_preparation(anna, test_drive, luna, lucia, carla):
    book(test_drive, lucia, luna, at(15, 10))
    gone = book(test_drive, carla, luna, at(16, 10))
    services.booking_cancel(by=None, booking=gone)
    token = token_for(anna)
    assert [b["starts_at"][:10] for b in call("get", "/bookings", token).json()["items"]] == ["2026-12-15", "2026-12-16"]
    assert [b["customer"]["id"] for b in call("get", "/bookings?date_from=2026-12-16", token).json()["items"]] == [carla.pk]
    assert [b["customer"]["id"] for b in call("get", "/bookings?date_to=2026-12-15", token).json()["items"]] == [lucia.pk]
    (cancelled,) = call("get", "/bookings?status=cancelled", token).json()["items"]
    assert cancelled["id"] == gone.pk and cancelled["resources"] == [] and cancelled["sequence"] == 1


def test_the_list_does_not_grow_queries_with_rows(anna, test_drive, luna, lucia, carla, django_assert_max_num_queries):
    from vicino.bookings.models import Checklist, ChecklistStep

    checklist = Checklist.objects.create(offering=test_drive, name="Sanificazione")
    ChecklistStep.objects.create(checklist=checklist, label="Interni sanificati")
    token = token_for(anna)
    book(test_drive, lucia, luna, at(15, 10))
    with django_assert_max_num_queries(30) as one:
        call("get", "/bookings", token)
    for day in (16, 17, 18, 19):
        book(test_drive, carla, luna, at(day, 10))
    with django_assert_max_num_queries(len(one.captured_queries)):
        items = call("get", "/bookings", token).json()["items"]
    assert len(items) == 5 and items[0]["checks"][0]["label"] == "Interni sanificati"


def test_moving_keeps_the_car_and_the_consultant_and_tells_nearest_when_taken(anna, test_drive, luna, lucia, carla):
    booking = book(test_drive, lucia, luna, at(15, 10))
    book(test_drive, carla, luna, at(16, 10))
    token = token_for(anna)
    moved = call("post", f"/bookings/{booking.pk}/reschedule", token, {"starts_at": at(15, 15).isoformat()})
    assert moved.status_code == 200, moved.content
    assert moved.json()["starts_at"] == "2026-12-15T15:00:00+01:00" and moved.json()["sequence"] == 1
    taken = call("post", f"/bookings/{booking.pk}/reschedule", token, {"starts_at": at(16, 10).isoformat()}, language="en")
    assert taken.status_code == 409 and taken.json()["code"] == "slot_taken" and taken.json()["nearest"]
    booking.refresh_from_db()
    assert booking.starts_at == at(15, 15) and booking.sequence == 1


def test_cancelling_frees_the_slot_and_a_second_cancel_changes_nothing(anna, test_drive, luna, lucia):
    booking = book(test_drive, lucia, luna, at(15, 10))
    token = token_for(anna)
    first = call("post", f"/bookings/{booking.pk}/cancel", token, {"reason": "Ha cambiato idea"})
    assert first.status_code == 200 and first.json()["status"] == "cancelled" and first.json()["resources"] == []
    again = call("post", f"/bookings/{booking.pk}/cancel", token, {})
    assert again.status_code == 200 and again.json()["sequence"] == first.json()["sequence"]
    assert not Allocation.objects.filter(booking=booking, is_active=True).exists()


def test_a_booking_that_has_begun_cannot_be_moved_with_its_code(anna, test_drive, luna, lucia):
    booking = book(test_drive, lucia, luna, at(15, 10))
    with time_machine.travel(at(15, 10, 5), tick=False):
        response = call("post", f"/bookings/{booking.pk}/reschedule", token_for(anna), {"starts_at": at(16, 10).isoformat()}, language="en")
    assert response.status_code == 422 and response.json()["code"] == "booking_past"


def test_bruno_of_treviso_and_another_network_cannot_see_or_touch_a_milano_booking(bruno, roberta, test_drive, luna, lucia):
    booking = book(test_drive, lucia, luna, at(15, 10))
    for user in (bruno, roberta):
        token = token_for(user)
        assert call("get", f"/bookings/{booking.pk}", token).status_code == 404
        assert call("post", f"/bookings/{booking.pk}/cancel", token, {}).status_code == 404
        assert call("post", f"/bookings/{booking.pk}/reschedule", token, {"starts_at": at(16, 10).isoformat()}).status_code == 404
        assert call("get", "/bookings", token).json()["items"] == []
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.starts_at == at(15, 10)


def test_head_office_reads_and_books_every_site(dario, test_drive, luna, lucia):
    response = call("post", "/bookings", token_for(dario), _body(test_drive, luna, at(15, 10), customer_id=lucia.pk))
    assert response.status_code == 201
    assert call("get", f"/bookings/{response.json()['id']}", token_for(dario)).json()["site_id"] == test_drive.site_id
