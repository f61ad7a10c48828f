"""A booking after it is made: moved, missed, prepared, started, completed, reminded — each step kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from vicino.bookings import services
from vicino.bookings.models import Allocation, Booking, BookingCheck, Checklist, ChecklistStep, Resource
from vicino.core.models import AuditEntry
from vicino.people import services as people
from vicino.people.models import ConsentEvent, Interaction, Purpose
from vicino.sales import services as sales
from vicino.sales.models import Lead

from .conftest import MONDAY_MORNING, at, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def sanitising(test_drive):
    checklist = Checklist.objects.create(offering=test_drive, name="Sanificazione dell'auto prima della prova")
    for n, label in enumerate(["Interni igienizzati", "Volante sanificato"]):
        ChecklistStep.objects.create(checklist=checklist, label=label, position=n)
    return checklist


def _held(booking):
    return sorted((a.resource_id, a.starts_at) for a in Allocation.objects.filter(booking=booking, is_active=True))


# --- Moving --------------------------------------------------------------------------


def test_a_moved_booking_keeps_its_car_and_consultant_and_frees_the_old_time(test_drive, luna, lucia, carla, luna_demo, anna_desk, aurora, milano):
    Resource.objects.create(network=aurora, site=milano, kind=Resource.Kind.CONSULTANT, name="Bruno Zanetti")
    booking = book(test_drive, lucia, luna, at(15, 10))
    moved = services.booking_reschedule(by=None, booking=booking, starts_at=at(15, 10, 30), now=MONDAY_MORNING)
    assert (moved.starts_at, moved.ends_at, moved.sequence) == (at(15, 10, 30), at(15, 11, 15), 1)
    # A quarter of an hour later overlaps its own old hold: it is let go, and the same two are held again.
    assert _held(moved) == sorted([(luna_demo.pk, at(15, 10, 30)), (anna_desk.pk, at(15, 10, 30))])
    assert Allocation.objects.filter(booking=booking).count() == 2
    # 9:00 is free again for someone else.
    assert book(test_drive, carla, luna, at(15, 9)).starts_at == at(15, 9)
    summary = Interaction.objects.get(customer=lucia, kind="booking.rescheduled").summary
    assert "15/12/2026 10:00" in summary and "15/12/2026 10:30" in summary
    assert AuditEntry.objects.filter(action="booking.reschedule").count() == 1


def test_a_move_to_a_taken_or_closed_time_changes_nothing(test_drive, luna, lucia, carla, luna_demo):
    mine = book(test_drive, lucia, luna, at(15, 10))
    book(test_drive, carla, luna, at(15, 15))
    with pytest.raises(services.SlotTaken) as taken:
        services.booking_reschedule(by=None, booking=mine, starts_at=at(15, 15, 15), now=MONDAY_MORNING)
    assert taken.value.nearest
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        services.booking_reschedule(by=None, booking=mine, starts_at=at(25, 10), now=MONDAY_MORNING)
    assert refused.value.code == "slot_holiday" and "Natale" in refused.value.messages[0]
    mine.refresh_from_db()
    assert (mine.starts_at, mine.sequence) == (at(15, 10), 0)
    assert _held(mine) == sorted([(luna_demo.pk, at(15, 10)), (mine.allocations.exclude(resource=luna_demo).get().resource_id, at(15, 10))])
    assert not Interaction.objects.filter(kind="booking.rescheduled").exists()


def test_a_booking_that_has_begun_or_is_cancelled_cannot_be_moved(test_drive, luna, lucia):
    booking = book(test_drive, lucia, luna, at(15, 10))
    with pytest.raises(ValidationError) as begun:
        services.booking_reschedule(by=None, booking=booking, starts_at=at(16, 10), now=at(15, 10, 5))
    assert begun.value.code == "booking_past"
    services.booking_cancel(by=None, booking=booking)
    with pytest.raises(ValidationError) as cancelled:
        services.booking_reschedule(by=None, booking=booking, starts_at=at(16, 10), now=MONDAY_MORNING)
    assert cancelled.value.code == "not_movable"


# --- No-show -------------------------------------------------------------------------


def test_staff_mark_a_no_show_once_the_time_has_begun_and_it_lands_on_the_timeline(test_drive, luna, lucia, anna):
    booking = book(test_drive, lucia, luna, at(15, 10))
    with pytest.raises(ValidationError) as early:
        services.booking_mark_no_show(by=anna, booking=booking, now=at(15, 9, 59))
    assert early.value.code == "not_yet"
    services.booking_mark_no_show(by=anna, booking=booking, now=at(15, 10, 20))
    services.booking_mark_no_show(by=anna, booking=booking, now=at(15, 10, 25))  # twice: nothing more
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW and booking.no_show_at == at(15, 10, 20)
    assert not Allocation.objects.filter(booking=booking, is_active=True).exists()
    assert Interaction.objects.filter(customer=lucia, kind="booking.no_show").count() == 1


# --- Preparation ---------------------------------------------------------------------


def test_a_test_drive_cannot_start_before_its_sanitising_checklist_is_complete(test_drive, sanitising, luna, lucia, anna):
    booking = book(test_drive, lucia, luna, at(15, 10))
    checks = list(booking.checks.all())
    assert [(c.checklist, c.label) for c in checks] == [
        ("Sanificazione dell'auto prima della prova", "Interni igienizzati"), ("Sanificazione dell'auto prima della prova", "Volante sanificato"),
    ]  # fmt: skip
    services.booking_check_set(by=anna, check=checks[0], done=True, now=at(15, 9, 40))
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        services.booking_start(by=anna, booking=booking, now=at(15, 9, 55))
    assert refused.value.code == "checklist_incomplete" and "“Volante sanificato”" in refused.value.messages[0]
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    services.booking_check_set(by=anna, check=checks[1], done=True, now=at(15, 9, 50))
    services.booking_start(by=anna, booking=booking, now=at(15, 9, 58))
    services.booking_complete(by=anna, booking=booking, now=at(15, 10, 50))
    booking.refresh_from_db()
    assert (booking.status, booking.started_at, booking.completed_at) == (Booking.Status.COMPLETED, at(15, 9, 58), at(15, 10, 50))
    ticked = BookingCheck.objects.filter(booking=booking).order_by("position")
    assert [(c.done_by, c.done_at) for c in ticked] == [(anna, at(15, 9, 40)), (anna, at(15, 9, 50))]
    assert AuditEntry.objects.filter(action="booking.check").count() == 2
    assert Interaction.objects.filter(customer=lucia, kind="booking.completed").exists()


def test_a_step_edited_on_the_template_later_leaves_booked_checklists_alone(test_drive, sanitising, luna, lucia):
    booking = book(test_drive, lucia, luna, at(15, 10))
    sanitising.steps.filter(position=0).update(label="Altro")
    assert booking.checks.order_by("position").first().label == "Interni igienizzati"


def test_preparation_steps_cannot_change_once_the_test_drive_has_started(test_drive, sanitising, luna, lucia, anna):
    booking = book(test_drive, lucia, luna, at(15, 10))
    for check in booking.checks.all():
        services.booking_check_set(by=anna, check=check, done=True)
    services.booking_start(by=anna, booking=booking)
    with pytest.raises(ValidationError) as closed:
        services.booking_check_set(by=anna, check=booking.checks.first(), done=False)
    assert closed.value.code == "checks_closed"


# --- Leads and consent -----------------------------------------------------------------


def test_a_test_drive_booked_from_a_lead_moves_the_lead_to_test_drive(test_drive, luna, aurora, milano, anna):
    lead = sales.lead_create(by=None, network=aurora, enquiry=sales.Enquiry(
        person=people_in("Marco", "Bellini"), source=Lead.Source.STAFF, channel="phone", chosen_site=milano))  # fmt: skip
    booking = book(test_drive, lead.customer, luna, at(15, 10), lead=lead)
    lead.refresh_from_db()
    assert booking.lead == lead and lead.stage == Lead.Stage.TEST_DRIVE and lead.test_drive_at is not None
    assert Interaction.objects.filter(customer=lead.customer, kind="lead.stage").exists()


def people_in(first, last):
    from vicino.people.matching import PersonIn

    return PersonIn(first_name=first, last_name=last, emails=(f"{first.lower()}@example.it",))


def test_an_offering_that_needs_a_consent_refuses_a_customer_without_it_and_writes_nothing(test_drive, luna, lucia, notice):
    test_drive.consent_purpose = Purpose.THIRD_PARTIES
    test_drive.save()
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        book(test_drive, lucia, luna, at(15, 10))
    assert refused.value.code == "consent_missing" and "consenso" in refused.value.messages[0]
    assert not Booking.objects.exists() and not Allocation.objects.exists()
    people.consent_record(by=None, customer=lucia, purpose=Purpose.THIRD_PARTIES, channel="email", action=ConsentEvent.Action.GRANTED,
                          source=ConsentEvent.Source.STAFF, notice=notice, occurred_at=MONDAY_MORNING - datetime.timedelta(minutes=1))  # fmt: skip
    assert book(test_drive, lucia, luna, at(15, 10)).pk


# --- Reminders ------------------------------------------------------------------------


def test_the_reminder_goes_once_a_day_before_and_not_for_a_booking_made_that_same_day(test_drive, luna, lucia, carla, smtp_server, aurora, milano):
    people.contact_point_add(by=None, customer=lucia, kind="email", value="lucia.dellacqua@example.it")
    people.contact_point_add(by=None, customer=carla, kind="email", value="carla.rossi@example.it")
    early = book(test_drive, lucia, luna, at(17, 10))
    Booking.objects.filter(pk=early.pk).update(created_at=MONDAY_MORNING)
    late = book(test_drive, carla, luna, at(17, 15))
    Booking.objects.filter(pk=late.pk).update(created_at=at(16, 16))  # booked less than a day ahead
    assert services.booking_reminders_send(now=at(16, 9)) == 0  # 25 hours before: not yet
    assert services.booking_reminders_send(now=at(16, 10, 15)) == 1
    assert services.booking_reminders_send(now=at(16, 10, 30)) == 0
    (message,) = smtp_server.messages
    assert message["To"] == "lucia.dellacqua@example.it" and message["Subject"].startswith("Domani: Prova su strada")
    assert Booking.objects.get(pk=early.pk).reminder_sent_at == at(16, 10, 15)
    assert Interaction.objects.filter(customer=lucia, kind="booking.reminder").count() == 1
