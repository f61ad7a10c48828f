"""The events API as a call centre, a website or a door scanner uses it: the schedule with its places, an
event's figures, customers registered and cancelled, tickets checked in once."""

import datetime

import pytest
from django.test import Client

from vicino.conftest import _person
from vicino.conftest import api_call as call
from vicino.conftest import api_token as token_for
from vicino.core.roles import Role
from vicino.events import services
from vicino.events.links import ticket_code
from vicino.events.models import Event, Registration
from vicino.events.tests.cast import NOW, register
from vicino.people.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(aurora, treviso):
    """Treviso's own course: not Milano's to see."""
    return Event.objects.create(network=aurora, site=treviso, kind=Event.Kind.COURSE, title="Corso a Treviso", slug="corso", capacity=5,
                                status=Event.Status.PUBLISHED, starts_at=NOW + datetime.timedelta(days=5),
                                ends_at=NOW + datetime.timedelta(days=5, hours=1))  # fmt: skip


def _guest(**more):
    return {"first_name": "Loredana", "last_name": "Dell'Acqua", "email": "Loredana@Example.it", "phone": "347 1112233", "companions": 1,
            "dietary_notes": "vegetariana", **more}  # fmt: skip


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def _ms(moment: datetime.datetime) -> datetime.datetime:
    """A time as JSON carries it: to the millisecond."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _registrations(event) -> list[tuple[str, str]]:
    return list(Registration.objects.filter(event=event).order_by("pk").values_list("email", "status"))


# --- The schedule ---------------------------------------------------------------------


def test_a_site_lists_its_own_and_the_networks_events_with_the_places_held(tasting, launch, course, rosa):
    register(tasting, 1, companions=1)
    body = call("get", "/events", token_for(rosa)).json()
    assert [e["title"] for e in body["items"]] == ["Degustazione in salone", "Anteprima Stella EV"] and body["count"] == 2
    mine, network = body["items"]
    assert (mine["capacity"], mine["places_held"], mine["places_left"], mine["site_id"]) == (3, 2, 1, tasting.site_id)
    assert mine["place_name"] == "Aurora Milano" and mine["status"] == "published" and mine["price"] == "0.00"
    assert mine["public_url"].endswith("/events/aurora/degustazione/")
    starts = _at(mine["starts_at"])
    assert starts == _ms(tasting.starts_at) and starts.utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert (network["site_id"], network["place_name"], network["city"], network["places_left"]) == (None, "Teatro Donizetti", "Bergamo", 100)


def test_head_office_filters_the_schedule_by_status_site_and_day(dario, tasting, launch, course, treviso):
    Event.objects.filter(pk=launch.pk).update(status=Event.Status.DRAFT)
    token = token_for(dario)

    def titles(query: str) -> list[str]:
        response = call("get", f"/events{query}", token)
        assert response.status_code == 200, response.content
        return [e["title"] for e in response.json()["items"]]

    assert titles("") == ["Corso a Treviso", "Degustazione in salone", "Anteprima Stella EV"]
    assert titles("?status=draft") == ["Anteprima Stella EV"]
    assert titles(f"?site_id={treviso.pk}") == ["Corso a Treviso"]
    assert titles(f"?date_from={(NOW + datetime.timedelta(days=10)).date()}") == ["Anteprima Stella EV"]
    assert call("get", "/events?status=forse", token).status_code == 422
    (draft,) = call("get", "/events?status=draft", token).json()["items"]
    assert draft["public_url"] is None


def test_the_schedule_does_not_grow_queries_with_events(dario, aurora, milano, tasting, django_assert_max_num_queries):
    register(tasting, 1)
    token = token_for(dario)
    with django_assert_max_num_queries(20) as one:
        call("get", "/events", token)
    for n in range(4):
        event = Event.objects.create(network=aurora, site=milano if n % 2 else None, kind=Event.Kind.OPEN_HOUSE, title=f"Porte aperte {n}",
                                     slug=f"porte-aperte-{n}", capacity=10, status=Event.Status.PUBLISHED,
                                     starts_at=NOW + datetime.timedelta(days=20 + n), ends_at=NOW + datetime.timedelta(days=20 + n, hours=2))  # fmt: skip
        register(event, n + 10, companions=1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        items = call("get", "/events", token).json()["items"]
    assert len(items) == 5 and [e["places_held"] for e in items] == [1, 2, 2, 2, 2]


def test_an_event_reads_its_figures(tasting, rosa):
    came = register(tasting, 1, companions=1)
    register(tasting, 2)
    register(tasting, 3)  # full: waiting
    services.check_in(by=rosa, registration=came)
    body = call("get", f"/events/{tasting.pk}", token_for(rosa)).json()
    assert body["title"] == "Degustazione in salone" and body["places_held"] == 3 and body["places_left"] == 0
    figures = body["figures"]
    assert (figures["registered"], figures["people"], figures["waiting"], figures["attended"], figures["new_customers"]) == (2, 3, 1, 1, 3)


# --- Registrations --------------------------------------------------------------------


def test_the_guests_are_listed_with_their_status_companions_and_arrival(tasting, rosa):
    came = register(tasting, 1, companions=1)
    register(tasting, 2)
    waiting = register(tasting, 3)
    services.check_in(by=rosa, registration=came)
    token = token_for(rosa)
    body = call("get", f"/events/{tasting.pk}/registrations", token).json()
    assert body["count"] == 3
    rows = {row["id"]: row for row in body["items"]}
    first = rows[came.pk]
    assert (first["status"], first["companions"], first["places"], first["customer"]["id"]) == ("confirmed", 1, 2, came.customer_id)
    assert first["customer"]["display_name"] == "Ospite1 Dell'Orto" and first["ticket_code"] == ticket_code(came)
    assert _at(first["checked_in_at"]) == _ms(Registration.objects.get(pk=came.pk).checked_in_at)
    assert rows[waiting.pk]["status"] == "waiting" and rows[waiting.pk]["checked_in_at"] is None
    assert [r["id"] for r in call("get", f"/events/{tasting.pk}/registrations?status=waiting", token).json()["items"]] == [waiting.pk]
    assert [r["id"] for r in call("get", f"/events/{tasting.pk}/registrations?q=ospite1", token).json()["items"]] == [came.pk]


def test_reception_registers_a_new_person_who_gets_a_confirmed_place_and_a_ticket(tasting, rosa):
    response = call("post", f"/events/{tasting.pk}/registrations", token_for(rosa), _guest())
    assert response.status_code == 201, response.content
    body = response.json()
    registration = Registration.objects.get(pk=body["id"])
    assert body["status"] == "confirmed" and body["companions"] == 1 and body["email"] == "loredana@example.it"
    assert body["ticket_code"] == ticket_code(registration) and body["customer"]["display_name"] == "Loredana Dell'Acqua"
    customer = Customer.objects.get(pk=registration.customer_id)
    assert customer.relation == Customer.Relation.ENTHUSIAST and registration.dietary_notes == "vegetariana" and registration.new_customer
    assert set(customer.contact_points.values_list("value", flat=True)) == {"loredana@example.it", "+393471112233"}


def test_a_registration_that_does_not_fit_waits_its_turn(tasting, rosa):
    register(tasting, 1, companions=1)
    register(tasting, 2)
    response = call("post", f"/events/{tasting.pk}/registrations", token_for(rosa), _guest(companions=0))
    assert response.status_code == 201 and response.json()["status"] == "waiting"
    assert Registration.objects.get(pk=response.json()["id"]).status == Registration.Status.WAITING


@pytest.mark.parametrize(
    ("change", "more", "code", "field"),
    [
        ({"status": Event.Status.CANCELLED}, {}, "event_cancelled", None),
        ({"status": Event.Status.DRAFT}, {}, "event_not_open", None),
        ({"registration_closes_at": NOW - datetime.timedelta(minutes=1)}, {}, "registration_closed", None),
        ({}, {"companions": 2}, "too_many_companions", "companions"),
        ({}, {"email": "ospite1@example.it"}, "already_registered", "email"),
    ],
    ids=["cancelled", "draft", "closed", "too-many-companions", "twice"],
)
def test_a_registration_the_rules_refuse_is_422_with_their_code_and_writes_nothing(tasting, rosa, change, more, code, field):
    register(tasting, 1)
    Event.objects.filter(pk=tasting.pk).update(**change)
    customers = Customer.objects.count()
    response = call("post", f"/events/{tasting.pk}/registrations", token_for(rosa), _guest(**more), language="en")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == code and body["message"]
    if field is not None:
        assert body["errors"] == [{"loc": [field], "msg": body["message"], "type": code}]
    assert _registrations(tasting) == [("ospite1@example.it", "confirmed")] and Customer.objects.count() == customers


@pytest.mark.parametrize(
    ("more", "field"),
    [({"email": "non-una-mail"}, "email"), ({"phone": "chiamami"}, "phone"), ({"last_name": "  "}, "last_name"),
     ({"companions": -1}, "companions"), ({"status": "confirmed"}, "status")],
    ids=["email", "phone", "no-last-name", "negative-companions", "status-set"],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(tasting, rosa, more, field):
    response = call("post", f"/events/{tasting.pk}/registrations", token_for(rosa), _guest(**more))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error" and response.json()["errors"][0]["loc"][-1] == field
    assert not Registration.objects.exists() and not Customer.objects.exists()


def test_a_retried_registration_with_its_key_is_made_once_and_answered_again(tasting, rosa):
    token = token_for(rosa)
    first = call("post", f"/events/{tasting.pk}/registrations", token, _guest(), **{"Idempotency-Key": "sito-web-42"})
    again = call("post", f"/events/{tasting.pk}/registrations", token, _guest(), **{"Idempotency-Key": "sito-web-42"})
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and _registrations(tasting) == [("loredana@example.it", "confirmed")]
    assert Customer.objects.count() == 1


def test_cancelling_offers_the_place_to_the_first_waiting_and_a_second_cancel_changes_nothing(tasting, rosa):
    register(tasting, 1, companions=1)
    leaving = register(tasting, 2)
    waiting = register(tasting, 3)
    token = token_for(rosa)
    url = f"/events/{tasting.pk}/registrations/{leaving.pk}/cancel"
    first = call("post", url, token)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "cancelled" and first.json()["cancelled_at"] is not None
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED and waiting.offer_expires_at is not None
    again = call("post", url, token)
    assert again.status_code == 200 and again.json()["cancelled_at"] == first.json()["cancelled_at"]
    assert Registration.objects.get(pk=leaving.pk).status == Registration.Status.CANCELLED


def test_a_registration_of_another_event_is_not_found_under_this_one(tasting, launch, rosa):
    other = register(launch, 1)
    response = call("post", f"/events/{tasting.pk}/registrations/{other.pk}/cancel", token_for(rosa))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Registration.objects.get(pk=other.pk).status == Registration.Status.CONFIRMED


# --- The door -------------------------------------------------------------------------


def test_a_ticket_is_checked_in_once_and_a_second_scan_says_when(tasting, anna):
    registration = register(tasting, 1, companions=1)
    register(tasting, 2)
    token = token_for(anna)
    first = call("post", f"/events/{tasting.pk}/check-in", token, {"code": ticket_code(registration)})
    assert first.status_code == 200, first.content
    body = first.json()
    registration.refresh_from_db()
    assert body["first_time"] and body["name"] == "Ospite1 Dell'Orto" and body["registration_id"] == registration.pk and body["companions"] == 1
    assert _at(body["checked_in_at"]) == _ms(registration.checked_in_at) and registration.checked_in_by == anna
    assert body["arrivals"] == {"expected": 3, "arrived": 2, "guests": 2, "guests_arrived": 1}
    again = call("post", f"/events/{tasting.pk}/check-in", token, {"code": ticket_code(registration)})
    assert again.status_code == 200 and not again.json()["first_time"]
    assert again.json()["checked_in_at"] == body["checked_in_at"] and again.json()["arrivals"] == body["arrivals"]


def test_a_forged_or_another_events_ticket_is_refused_with_its_code(tasting, launch, anna):
    other = register(launch, 1)
    token = token_for(anna)
    forged = call("post", f"/events/{tasting.pk}/check-in", token, {"code": f"{other.pk}.made-up-signature"})
    assert forged.status_code == 422 and forged.json()["code"] == "ticket_forged"
    foreign = call("post", f"/events/{tasting.pk}/check-in", token, {"code": ticket_code(other)}, language="en")
    assert foreign.status_code == 422 and foreign.json()["code"] == "other_event" and "Anteprima Stella EV" in foreign.json()["message"]
    missing = call("post", f"/events/{tasting.pk}/check-in", token, {})
    assert missing.status_code == 422 and missing.json()["errors"][0]["loc"][-1] == "code"
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_a_guest_still_waiting_cannot_be_checked_in(tasting, anna):
    register(tasting, 1, companions=1)
    register(tasting, 2)
    waiting = register(tasting, 3)
    response = call("post", f"/events/{tasting.pk}/check-in", token_for(anna), {"code": ticket_code(waiting)})
    assert response.status_code == 422 and response.json()["code"] == "not_confirmed"
    assert Registration.objects.get(pk=waiting.pk).checked_in_at is None


# --- Who may --------------------------------------------------------------------------


def test_another_site_and_another_network_get_404_and_nothing_changes(tasting, bruno, roberta):
    registration = register(tasting, 1)
    for user in (bruno, roberta):
        token = token_for(user)
        assert call("get", "/events", token).json()["items"] == []
        for path in (f"/events/{tasting.pk}", f"/events/{tasting.pk}/registrations"):
            response = call("get", path, token)
            assert response.status_code == 404 and response.json()["code"] == "not_found", (user, path)
        assert call("post", f"/events/{tasting.pk}/registrations", token, _guest()).status_code == 404
        assert call("post", f"/events/{tasting.pk}/registrations/{registration.pk}/cancel", token).status_code == 404
        assert call("post", f"/events/{tasting.pk}/check-in", token, {"code": ticket_code(registration)}).status_code == 404
    assert _registrations(tasting) == [("ospite1@example.it", "confirmed")]
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_a_consultant_works_the_door_but_may_not_register_or_cancel(tasting, anna):
    registration = register(tasting, 1)
    token = token_for(anna)
    assert call("get", f"/events/{tasting.pk}/registrations", token).status_code == 200
    created = call("post", f"/events/{tasting.pk}/registrations", token, _guest())
    assert created.status_code == 403 and created.json()["code"] == "forbidden"
    assert call("post", f"/events/{tasting.pk}/registrations/{registration.pk}/cancel", token).status_code == 403
    assert _registrations(tasting) == [("ospite1@example.it", "confirmed")]


def test_a_role_without_events_is_refused_with_403(aurora, milano, tasting):
    tommaso = _person("tommaso@aurora.example", "Tommaso Greco", aurora, Role.TECHNICIAN, milano)
    token = token_for(tommaso)
    assert call("get", "/events", token).status_code == 403
    assert call("get", f"/events/{tasting.pk}", token).status_code == 403
    assert call("post", f"/events/{tasting.pk}/check-in", token, {"code": "x"}).json()["code"] == "forbidden"


def test_an_analyst_reads_the_schedule_but_may_not_scan_tickets(aurora, tasting):
    analyst = _person("ivo@aurora.example", "Ivo Marchi", aurora, Role.HQ_ANALYST)
    registration = register(tasting, 1)
    token = token_for(analyst)
    assert call("get", f"/events/{tasting.pk}", token).json()["figures"]["registered"] == 1
    assert call("post", f"/events/{tasting.pk}/check-in", token, {"code": ticket_code(registration)}).status_code == 403
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


# --- The schema -----------------------------------------------------------------------


def test_every_events_operation_declares_its_error_responses(db):
    schema = Client().get("/api/v1/openapi.json").json()
    events = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/v1/events")}
    assert len(events) == 5
    for path, operations in events.items():
        for method, operation in operations.items():
            assert operation["tags"] == ["events"], (method, path)
            assert {"401", "404"} <= set(operation["responses"]), (method, path)
            if method != "get":
                assert {"400", "403", "409", "422"} <= set(operation["responses"]), (method, path)
