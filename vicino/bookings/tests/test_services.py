"""Making and cancelling bookings: what is refused with which message, and that nothing half-written stays."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from vicino.bookings import services
from vicino.bookings.models import Allocation, Booking
from vicino.people.models import Interaction

from .conftest import MONDAY_MORNING, at, book

pytestmark = pytest.mark.django_db


def test_a_booking_holds_the_car_and_the_consultant_and_lands_on_the_timeline(test_drive, luna, lucia, luna_demo, anna_desk):
    booking = book(test_drive, lucia, luna, at(15, 10))
    held = {(a.resource_id, a.starts_at, a.ends_at) for a in Allocation.objects.filter(booking=booking)}
    assert held == {(luna_demo.pk, at(15, 10), at(15, 11)), (anna_desk.pk, at(15, 10), at(15, 11))}
    assert booking.ends_at == at(15, 10, 45)
    assert Interaction.objects.filter(customer=lucia, kind="booking.created").get().summary.startswith("Prova su strada")


def test_a_second_booking_of_the_same_car_and_slot_is_refused_with_the_nearest_free_times(test_drive, luna, lucia, carla):
    book(test_drive, lucia, luna, at(15, 10))
    with translation.override("it"), pytest.raises(services.SlotTaken) as taken:
        book(test_drive, carla, luna, at(15, 10, 30))
    assert "appena stato preso" in taken.value.messages[0]
    nearest = [slot.starts_at for slot in taken.value.nearest]
    assert nearest == [at(15, 11), at(15, 11, 15), at(15, 11, 30)]  # 9:00 is free too, but further
    assert Booking.objects.count() == 1 and Allocation.objects.count() == 2


@pytest.mark.parametrize(
    ("when", "code", "words"),
    [
        (at(14, 7), "slot_past", "già passato"),
        (at(14, 9), "slot_notice", "almeno 2 ore"),
        (MONDAY_MORNING.replace(year=2027, month=3, day=8, hour=10), "slot_horizon", "fino a 60 giorni"),
        (at(20, 10), "slot_closed", "è chiusa"),
        (at(25, 10), "slot_holiday", "Natale"),
        (at(15, 18, 30), "slot_outside_hours", "09:00–19:00"),
    ],
    ids=["past", "notice", "horizon", "sunday", "christmas", "after-hours"],
)
def test_a_time_that_cannot_be_promised_is_refused_with_its_reason_and_nothing_is_written(test_drive, luna, lucia, when, code, words):
    with translation.override("it"), pytest.raises(services.ValidationError) as refused:
        book(test_drive, lucia, luna, when if code != "slot_past" else at(14, 7))
    assert refused.value.code == code and words in refused.value.messages[0], refused.value.messages
    assert Booking.objects.count() == 0 and Interaction.objects.filter(kind="booking.created").count() == 0


def test_a_test_drive_needs_the_model_chosen(test_drive, lucia):
    with pytest.raises(services.ValidationError) as refused:
        services.booking_create(by=None, offering=test_drive, customer=lucia, starts_at=at(15, 10), now=MONDAY_MORNING)
    assert refused.value.error_dict["vehicle_model"][0].code == "model_needed" and Booking.objects.count() == 0


def test_a_customer_of_another_network_cannot_be_booked(test_drive, luna, borgo):
    from vicino.people import services as people

    stranger = people.customer_create(by=None, network=borgo, first_name="Ugo", last_name="Foscolo")
    with pytest.raises(services.ValidationError):
        book(test_drive, stranger, luna, at(15, 10))
    assert Booking.objects.count() == 0


def test_cancelling_frees_the_slot_once_and_says_so_on_the_timeline(test_drive, luna, lucia, carla):
    booking = book(test_drive, lucia, luna, at(15, 10))
    services.booking_cancel(by=None, booking=booking, reason="Imprevisto")
    services.booking_cancel(by=None, booking=booking)
    assert Interaction.objects.filter(customer=lucia, kind="booking.cancelled").count() == 1
    assert book(test_drive, carla, luna, at(15, 10)).pk != booking.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's; SQLite relies on its write lock")
def test_the_database_itself_refuses_two_overlapping_holds_of_one_resource(test_drive, luna, lucia, luna_demo):
    booking = book(test_drive, lucia, luna, at(15, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(booking=booking, resource=luna_demo, starts_at=at(15, 10, 30), ends_at=at(15, 11, 30))
