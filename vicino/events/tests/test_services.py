"""Registrations by the rules: never more people than places, the waiting list in order, a place offered with a deadline, one check-in."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from vicino.events import services
from vicino.events.tests.cast import NOW, register
from vicino.people.matching import PersonIn
from vicino.events.models import Event, Registration
from vicino.people.models import Customer, Interaction

pytestmark = pytest.mark.django_db


def test_places_are_confirmed_until_full_then_people_wait_in_the_order_they_asked(tasting):
    first, second, third = register(tasting, 1, companions=1), register(tasting, 2), register(tasting, 3)
    assert [r.status for r in (first, second, third)] == ["confirmed", "confirmed", "waiting"]
    assert services.places_taken(tasting) == (3, 1)  # places held, of which companions
    newcomer = Customer.objects.get(pk=first.customer_id)
    assert newcomer.relation == Customer.Relation.ENTHUSIAST
    assert Interaction.objects.filter(kind="event.registered").count() == 2


def test_a_cancellation_offers_the_place_to_the_first_waiting_with_a_deadline(tasting):
    register(tasting, 1, companions=1)
    leaving = register(tasting, 2)
    waiting = register(tasting, 3)
    services.registration_cancel(registration=leaving, now=NOW + datetime.timedelta(hours=1))
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED and waiting.offer_expires_at == NOW + datetime.timedelta(hours=25)
    assert services.offer_accept(registration=waiting, now=NOW + datetime.timedelta(hours=2)).status == Registration.Status.CONFIRMED


def test_an_offer_not_taken_in_time_goes_to_the_next(tasting):
    register(tasting, 1, companions=1)
    leaving = register(tasting, 2)
    late, next_one = register(tasting, 3), register(tasting, 4)
    services.registration_cancel(registration=leaving, now=NOW)
    with pytest.raises(ValidationError) as refused:
        services.offer_accept(registration=late, now=NOW + datetime.timedelta(hours=25))
    assert refused.value.code == "offer_expired"
    services.waiting_list_move(event=tasting, now=NOW + datetime.timedelta(hours=25))
    late.refresh_from_db(), next_one.refresh_from_db()
    assert late.status == Registration.Status.CANCELLED and next_one.status == Registration.Status.OFFERED


@pytest.mark.parametrize(
    ("change", "companions", "code"),
    [
        ({"status": Event.Status.CANCELLED}, 0, "event_cancelled"),
        ({"registration_closes_at": NOW - datetime.timedelta(minutes=1)}, 0, "registration_closed"),
        ({"registration_opens_at": NOW + datetime.timedelta(days=1)}, 0, "registration_not_yet"),
        ({}, 2, "too_many_companions"),
    ],
    ids=["cancelled", "after-the-window", "before-the-window", "too-many-companions"],
)
def test_a_registration_that_cannot_be_is_refused_and_writes_nothing(tasting, change, companions, code):
    Event.objects.filter(pk=tasting.pk).update(**change)
    with pytest.raises(ValidationError) as refused:
        register(tasting, 1, companions=companions)
    codes = [e.code for errors in getattr(refused.value, "error_dict", {}).values() for e in errors] or [refused.value.code]
    assert code in codes
    assert not Registration.objects.exists() and not Customer.objects.filter(last_name="Dell'Orto").exists()


def test_the_same_email_registers_once(tasting):
    register(tasting, 1)
    with pytest.raises(ValidationError) as refused:
        register(tasting, 1)
    assert refused.value.error_dict["email"][0].code == "already_registered"
    assert Registration.objects.count() == 1


def test_a_second_scan_says_when_the_guest_arrived_and_changes_nothing(tasting, anna):
    guest = register(tasting, 1)
    first, arrived = services.check_in(by=anna, registration=guest, now=NOW + datetime.timedelta(days=7))
    again, arrived_again = services.check_in(by=anna, registration=guest, now=NOW + datetime.timedelta(days=7, minutes=5))
    assert arrived and not arrived_again and again.checked_in_at == first.checked_in_at
    assert Interaction.objects.filter(kind="event.attended").count() == 1


def test_a_walk_in_enters_a_full_event_but_not_a_cancelled_one(tasting):
    for n in range(3):
        register(tasting, n)
    walk_in = register(tasting, 8, is_walk_in=True)
    assert walk_in.status == "confirmed" and walk_in.checked_in_at is not None
    Event.objects.filter(pk=tasting.pk).update(status=Event.Status.CANCELLED)
    with pytest.raises(ValidationError) as refused:
        register(tasting, 9, is_walk_in=True)
    assert refused.value.code == "event_cancelled" and not Registration.objects.filter(email="ospite9@example.it").exists()


def test_on_the_public_page_a_phone_number_neither_finds_nor_joins_another_persons_record(tasting, carla):
    stranger = services.registration_create(event=tasting, person=PersonIn(first_name="Ignoto", last_name="Rossi", emails=("ignoto@example.it",),
                                            phones=("333 1234567",)), email="ignoto@example.it")  # Carla's phone  # fmt: skip
    assert stranger.customer_id != carla.pk and stranger.new_customer
    assert not carla.contact_points.filter(value="ignoto@example.it").exists()
    assert stranger.customer.contact_points.filter(kind="phone").count() == 1


def test_a_postponed_event_is_not_settled_by_the_sweep_and_a_new_date_offers_freed_places(tasting, giulia):
    first = register(tasting, 1, companions=1)
    register(tasting, 2)
    third = register(tasting, 3)
    services.event_postpone(by=giulia, event=tasting)
    services.registration_cancel(registration=first, now=NOW)
    assert Registration.objects.get(pk=third.pk).status == "waiting"  # the queue waits for the new date
    later = NOW + datetime.timedelta(days=30)
    assert services.events_sweep(now=tasting.ends_at + datetime.timedelta(hours=7)) == 0
    assert not Registration.objects.filter(no_show=True).exists()
    services.event_reschedule(by=giulia, event=tasting, starts_at=later, ends_at=later + datetime.timedelta(hours=2), now=NOW)
    assert Registration.objects.get(pk=third.pk).status == "offered"


def test_more_places_go_to_those_waiting_first(tasting, giulia):
    for n in range(3):
        register(tasting, n)
    waiting = register(tasting, 5)
    tasting.capacity = 4
    services.event_save(by=giulia, event=tasting, changed=["capacity"])
    assert Registration.objects.get(pk=waiting.pk).status == "offered"


def test_a_place_offered_cannot_be_taken_once_the_event_is_cancelled(tasting, giulia):
    first = register(tasting, 1, companions=1)
    register(tasting, 2)
    third = register(tasting, 3)
    services.registration_cancel(registration=first, now=NOW)
    services.event_cancel(by=giulia, event=tasting)
    with pytest.raises(ValidationError) as refused:
        services.offer_accept(registration=third)
    assert refused.value.code == "event_cancelled" and Registration.objects.get(pk=third.pk).status == "offered"
