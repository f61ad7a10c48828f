"""Bookings: made, cancelled — never two on the same car, bay or person at once.

The check and the write happen in one transaction that no other booking of the database can
interleave with: SQLite takes its write lock at BEGIN (`transaction_mode` IMMEDIATE in the
settings), and PostgreSQL, where transactions do run side by side, refuses an overlapping
hold with the `allocation_no_overlap` exclusion constraint; the loser then tries the other
free resources and, when none is left, is told the slot was just taken (decision 006).
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record
from vicino.core.models import User
from vicino.people import queries as people_queries
from vicino.people import services as people
from vicino.people.models import Channel, Customer, Purpose
from vicino.sales import services as sales
from vicino.sales.models import Lead, VehicleModel

from .mail import booking_reminder_send
from .models import Allocation, Booking, BookingCheck, Checklist, Offering
from .slots import Diary, Slot, hold_of, zone
from .tasks import booking_change_mail, booking_confirmation_mail

NEAREST_SLOTS = 3
REMINDER_BEFORE = datetime.timedelta(hours=24)
# On PostgreSQL a booking that lost a race tries again with what is still free; three rounds
# are far more than a site with a handful of cars and consultants needs.
ATTEMPTS = 3
DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for a deadlock it broke
# A booking's consent is asked with its e-mail address, and its messages go by e-mail.
CONSENT_CHANNEL = Channel.EMAIL
# A test drive booked from a lead at one of these stages moves the lead on; later stages stay.
BEFORE_TEST_DRIVE = {Lead.Stage.NEW, Lead.Stage.CONTACTED, Lead.Stage.APPOINTMENT}


class SlotTaken(ValidationError):
    """The slot is no longer free; `nearest` are the free slots closest to it."""

    def __init__(self, message: str, nearest: list[Slot]) -> None:
        super().__init__(message, code="slot_taken")
        self.nearest = nearest


def _when(at: datetime.datetime) -> str:
    return f"{timezone.localtime(at, zone()):%d/%m/%Y %H:%M}"


def _refusal(diary: Diary, offering: Offering, start: datetime.datetime, now: datetime.datetime) -> ValidationError | None:
    """Why a time cannot be booked at all, whoever else books: the past, the notice, the horizon, closing days and hours."""
    local = timezone.localtime(start, zone())
    site = offering.site
    if start <= now:
        return ValidationError(_("That time has already passed: choose another one."), code="slot_past")
    if start < now + datetime.timedelta(minutes=offering.min_notice_minutes):
        hours = offering.min_notice_minutes / 60
        return ValidationError(_("%(offering)s needs booking at least %(hours)s hours ahead.") % {"offering": offering, "hours": formats.number_format(hours, 1 if hours % 1 else 0)},
                               code="slot_notice")  # fmt: skip
    if local.date() > timezone.localtime(now, zone()).date() + datetime.timedelta(days=offering.horizon_days):
        return ValidationError(_("%(offering)s can be booked up to %(days)s days ahead.") % {"offering": offering, "days": offering.horizon_days},
                               code="slot_horizon")  # fmt: skip
    date_text = formats.date_format(local.date(), "SHORT_DATE_FORMAT")
    why = diary.closed_because(local.date())
    if why == "holiday":
        return ValidationError(_("%(site)s is closed on %(date)s (%(holiday)s).") % {"site": site, "date": date_text, "holiday": diary.holidays[local.date()]},
                               code="slot_holiday")  # fmt: skip
    if why:
        return ValidationError(_("%(site)s is closed on %(date)s.") % {"site": site, "date": date_text}, code="slot_closed")
    end = start + datetime.timedelta(minutes=offering.duration_minutes)
    intervals = diary.open_intervals(local.date())
    if not any(opens <= start and end <= closes for opens, closes in intervals):
        hours = ", ".join(f"{timezone.localtime(o, zone()):%H:%M}–{timezone.localtime(c, zone()):%H:%M}" for o, c in intervals)
        return ValidationError(_("On %(date)s %(site)s is open %(hours)s: choose a time within its hours.") % {"date": date_text, "site": site, "hours": hours},
                               code="slot_outside_hours")  # fmt: skip
    return None


def nearest_slots(*, offering: Offering, around: datetime.datetime, vehicle_model_id: int | None = None, now: datetime.datetime | None = None,
                  count: int = NEAREST_SLOTS) -> list[Slot]:  # fmt: skip
    """The free slots closest to a time, a week either side."""
    needs = list(offering.needs.all())
    day = timezone.localtime(around, zone()).date()
    diary = Diary.load(offering.site, day - datetime.timedelta(days=7), day + datetime.timedelta(days=7), kinds={n.kind for n in needs})
    slots = [slot for day_slots in diary.slots(offering, needs, vehicle_model_id=vehicle_model_id, now=now).values() for slot in day_slots]
    slots.sort(key=lambda slot: (abs((slot.starts_at - around).total_seconds()), slot.starts_at))
    return sorted(slots[:count], key=lambda slot: slot.starts_at)


def booking_create(
    *,
    by: User | None,
    offering: Offering,
    customer: Customer,
    starts_at: datetime.datetime,
    vehicle_model: VehicleModel | None = None,
    lead: Lead | None = None,
    channel: str = Channel.WEB,
    campaign: str = "",
    notes: str = "",
    now: datetime.datetime | None = None,
) -> Booking:
    """Book an offering for a customer at a time, holding every resource it needs; refuse what cannot be promised.

    A test drive booked from a lead moves the lead to "test drive", through the sales service.
    """
    now = now or timezone.now()
    if customer.network_id != offering.network_id or (lead is not None and lead.customer_id != customer.pk):
        raise ValidationError(_("This belongs to another network."), code="other_network")
    needs = list(offering.needs.all())
    if any(need.of_chosen_model for need in needs) and vehicle_model is None:
        raise ValidationError({"vehicle_model": ValidationError(_("Choose the model you would like to drive."), code="model_needed")})
    if offering.consent_purpose and not people_queries.may_contact(customer=customer, purpose=offering.consent_purpose, channel=CONSENT_CHANNEL, at=now):
        raise ValidationError(_("%(offering)s needs the customer's consent first: %(purpose)s.") % {
            "offering": offering, "purpose": Purpose(offering.consent_purpose).label}, code="consent_missing")  # fmt: skip
    model_id = vehicle_model.pk if vehicle_model else None
    with transaction.atomic():

        def write(chosen):
            booking = Booking.objects.create(
                network_id=offering.network_id, site_id=offering.site_id, offering=offering, customer=customer, starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=offering.duration_minutes), vehicle_model=vehicle_model, lead=lead,
                channel=channel, campaign=campaign[:100], notes=notes, created_by=by if by is not None and by.is_authenticated else None,
                meeting_link=f"{offering.meeting_room_url.rstrip('/')}/{secrets.token_urlsafe(12)}" if offering.meeting_room_url else "",
            )  # fmt: skip
            _allocations_write(booking, offering, starts_at, chosen)
            return booking

        booking, chosen = _hold(offering, needs, starts_at, model_id, now, write)
        _checks_copy(booking)
        audit_record(by=by, action="booking.create", target=booking, changes={
            "starts_at": [None, booking.starts_at.isoformat()], "resources": [None, [str(r) for r in chosen]],
        })  # fmt: skip
        people.interaction_record(
            customer=customer, channel=booking.channel, kind="booking.created", site=booking.site, actor=by, ref=booking,
            summary=_("%(offering)s booked for %(when)s") % {"offering": offering, "when": _when(booking.starts_at)},
        )  # fmt: skip
        if lead is not None and offering.kind == Offering.Kind.TEST_DRIVE and lead.stage in BEFORE_TEST_DRIVE:
            sales.lead_stage_move(by=by, lead=lead, stage=Lead.Stage.TEST_DRIVE, at=now)
        transaction.on_commit(lambda: booking_confirmation_mail.enqueue(booking.pk))
    return booking


def _hold(offering: Offering, needs, starts_at: datetime.datetime, model_id: int | None, now: datetime.datetime, write, prefer=frozenset()):
    """Find what a booking at `starts_at` would hold and `write` it; refuse the time, or say it was just taken.

    Runs inside the caller's transaction; each attempt in a savepoint, so a hold PostgreSQL's
    constraint refused leaves nothing behind and the next attempt reads what is still free.
    """
    day = timezone.localtime(starts_at, zone()).date()
    for _attempt in range(ATTEMPTS):
        diary = Diary.load(offering.site, day, day, kinds={need.kind for need in needs})
        refusal = _refusal(diary, offering, starts_at, now)
        if refusal is not None:
            raise refusal
        chosen = diary.allocation_for(offering, needs, starts_at, model_id, prefer=prefer)
        if chosen is None:
            break
        try:
            with transaction.atomic():
                return write(chosen), chosen
        except IntegrityError:  # PostgreSQL: another booking took one of these resources a moment ago
            continue
        except OperationalError as error:
            # Two holds that both inserted before either checked the exclusion constraint wait on each
            # other; PostgreSQL breaks the deadlock by failing one of them, which has lost the race.
            if getattr(error.__cause__, "sqlstate", None) != DEADLOCK:
                raise
            continue
    raise SlotTaken(_("%(when)s has just been taken. These are the nearest free times.") % {"when": _when(starts_at)},
                    nearest_slots(offering=offering, around=starts_at, vehicle_model_id=model_id, now=now))  # fmt: skip


def _allocations_write(booking: Booking, offering: Offering, starts_at: datetime.datetime, chosen) -> None:
    held_from, held_until = hold_of(offering, starts_at)
    Allocation.objects.bulk_create([Allocation(booking=booking, resource=r, starts_at=held_from, ends_at=held_until) for r in chosen])


def _checks_copy(booking: Booking) -> None:
    """The offering's checklists as they are today, for this booking: later edits to a template leave it alone."""
    checks = []
    for checklist in Checklist.objects.filter(offering_id=booking.offering_id).prefetch_related("steps").order_by("pk"):
        for step in checklist.steps.all():
            checks.append(BookingCheck(booking=booking, checklist=checklist.name, label=step.label, position=len(checks)))
    BookingCheck.objects.bulk_create(checks)


def _locked(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("offering", "site", "customer").get(pk=booking.pk)


@transaction.atomic
def booking_reschedule(*, by: User | None, booking: Booking, starts_at: datetime.datetime, now: datetime.datetime | None = None) -> Booking:
    """Move a booking to another time by the same rules as a new one; it keeps its consultant and car when they are free."""
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.status != Booking.Status.CONFIRMED:
        raise ValidationError(_("Only a booking still to come can be moved."), code="not_movable")
    if booking.starts_at <= now:
        raise ValidationError(_("This booking has already begun: it can no longer be moved."), code="booking_past")
    if starts_at == booking.starts_at:
        return booking
    offering, before, sequence = booking.offering, booking.starts_at, booking.sequence + 1
    held = frozenset(booking.allocations.filter(is_active=True).values_list("resource_id", flat=True))
    # Its own holds would stand in the way of a move by a quarter of an hour: let go of them
    # first. If the new time is refused, the transaction rolls back and they are held again.
    booking.allocations.filter(is_active=True).delete()

    def write(chosen):
        booking.starts_at, booking.ends_at = starts_at, starts_at + datetime.timedelta(minutes=offering.duration_minutes)
        booking.sequence, booking.reminder_sent_at = sequence, None
        booking.save(update_fields=["starts_at", "ends_at", "sequence", "reminder_sent_at", "updated_at"])
        _allocations_write(booking, offering, starts_at, chosen)
        return booking

    _hold(offering, list(offering.needs.all()), starts_at, booking.vehicle_model_id, now, write, prefer=held)
    audit_record(by=by, action="booking.reschedule", target=booking, changes={"starts_at": [before.isoformat(), starts_at.isoformat()]})
    people.interaction_record(
        customer=booking.customer, channel=booking.channel, kind="booking.rescheduled", site=booking.site, actor=by, ref=booking,
        summary=_("%(offering)s moved from %(before)s to %(after)s") % {"offering": offering, "before": _when(before), "after": _when(starts_at)},
    )  # fmt: skip
    transaction.on_commit(lambda: booking_change_mail.enqueue(booking.pk))
    return booking


@transaction.atomic
def booking_cancel(*, by: User | None, booking: Booking, reason: str = "", now: datetime.datetime | None = None) -> Booking:
    """Cancel a booking and free what it held; cancelling twice changes nothing. The customer is told, with a calendar cancellation."""
    booking = _locked(booking)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    if booking.status != Booking.Status.CONFIRMED:
        raise ValidationError(_("Only a booking still to come can be cancelled."), code="not_cancellable")
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now or timezone.now()
    booking.sequence += 1
    booking.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    booking.allocations.update(is_active=False)
    audit_record(by=by, action="booking.cancel", target=booking, changes={"status": [Booking.Status.CONFIRMED, Booking.Status.CANCELLED]})
    people.interaction_record(
        customer=booking.customer, channel=booking.channel, kind="booking.cancelled", site=booking.site, actor=by, ref=booking,
        summary=(_("%(offering)s of %(when)s cancelled") % {"offering": booking.offering, "when": _when(booking.starts_at)})
        + (f": {reason}" if reason else ""),
    )  # fmt: skip
    transaction.on_commit(lambda: booking_change_mail.enqueue(booking.pk))
    return booking


@transaction.atomic
def booking_mark_no_show(*, by: User, booking: Booking, now: datetime.datetime | None = None) -> Booking:
    """The customer did not come: staff say so once the time has begun; what the booking held is free again."""
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.status == Booking.Status.NO_SHOW:
        return booking
    if booking.status != Booking.Status.CONFIRMED:
        raise ValidationError(_("Only a booking that has not started can be marked as a no-show."), code="not_no_show")
    if booking.starts_at > now:
        raise ValidationError(_("The booking is at %(when)s: a customer can only miss it once it has begun.") % {"when": _when(booking.starts_at)},
                              code="not_yet")  # fmt: skip
    booking.status, booking.no_show_at = Booking.Status.NO_SHOW, now
    booking.save(update_fields=["status", "no_show_at", "updated_at"])
    booking.allocations.update(is_active=False)
    audit_record(by=by, action="booking.no_show", target=booking, changes={"status": [Booking.Status.CONFIRMED, Booking.Status.NO_SHOW]})
    people.interaction_record(
        customer=booking.customer, channel=Channel.SHOWROOM, kind="booking.no_show", site=booking.site, actor=by, ref=booking,
        summary=_("Did not come to %(offering)s of %(when)s") % {"offering": booking.offering, "when": _when(booking.starts_at)},
    )  # fmt: skip
    return booking


def booking_checks_missing(booking: Booking) -> list[BookingCheck]:
    return [check for check in booking.checks.all() if check.done_at is None]


def _checks_complete(booking: Booking, action: str) -> None:
    missing = booking_checks_missing(booking)
    if missing:
        steps = ", ".join(f"“{check.label}”" for check in missing)
        message = (_("The test drive cannot start before its preparation is complete. Still to do: %(steps)s.") if action == "start" and booking.offering.kind == Offering.Kind.TEST_DRIVE
                   else _("The car cannot be handed over before its preparation is complete. Still to do: %(steps)s.") if booking.offering.kind == Offering.Kind.DELIVERY
                   else _("This booking cannot start before its preparation is complete. Still to do: %(steps)s."))  # fmt: skip
        raise ValidationError(message % {"steps": steps}, code="checklist_incomplete")


@transaction.atomic
def booking_check_set(*, by: User, check: BookingCheck, done: bool, now: datetime.datetime | None = None) -> BookingCheck:
    """Tick (or untick) a preparation step; who and when are kept, and every change is audited."""
    booking = _locked(check.booking)
    check = BookingCheck.objects.select_for_update().get(pk=check.pk)
    if booking.status != Booking.Status.CONFIRMED:
        raise ValidationError(_("The preparation can only change before the booking starts."), code="checks_closed")
    if (check.done_at is not None) == done:
        return check
    check.done_at, check.done_by = (now or timezone.now(), by) if done else (None, None)
    check.save(update_fields=["done_at", "done_by"])
    audit_record(by=by, action="booking.check", target=booking, changes={check.label: [not done, done]})
    return check


@transaction.atomic
def booking_start(*, by: User, booking: Booking, now: datetime.datetime | None = None) -> Booking:
    """The customer is here and it begins (the car leaves for the test drive): only with the preparation complete."""
    booking = _locked(booking)
    if booking.status == Booking.Status.STARTED:
        return booking
    if booking.status != Booking.Status.CONFIRMED:
        raise ValidationError(_("Only a confirmed booking can start."), code="not_startable")
    _checks_complete(booking, "start")
    booking.status, booking.started_at = Booking.Status.STARTED, now or timezone.now()
    booking.save(update_fields=["status", "started_at", "updated_at"])
    audit_record(by=by, action="booking.start", target=booking, changes={"status": [Booking.Status.CONFIRMED, Booking.Status.STARTED]})
    return booking


@transaction.atomic
def booking_complete(*, by: User, booking: Booking, now: datetime.datetime | None = None) -> Booking:
    """It is done (the car is back, the new car handed over); on the customer's timeline."""
    booking = _locked(booking)
    if booking.status == Booking.Status.COMPLETED:
        return booking
    if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.STARTED):
        raise ValidationError(_("A cancelled or missed booking cannot be completed."), code="not_completable")
    _checks_complete(booking, "complete")
    before = booking.status
    now = now or timezone.now()
    booking.status, booking.completed_at = Booking.Status.COMPLETED, now
    booking.started_at = booking.started_at or now
    booking.save(update_fields=["status", "started_at", "completed_at", "updated_at"])
    audit_record(by=by, action="booking.complete", target=booking, changes={"status": [before, Booking.Status.COMPLETED]})
    people.interaction_record(
        customer=booking.customer, channel=Channel.SHOWROOM, kind="booking.completed", site=booking.site, actor=by, ref=booking,
        summary=_("%(offering)s done") % {"offering": booking.offering},
    )  # fmt: skip
    return booking


def booking_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send the reminder of every booking that begins within 24 hours; once each, and not for one booked within that day."""
    now = now or timezone.now()
    soon = now + REMINDER_BEFORE
    due = Booking.objects.filter(status=Booking.Status.CONFIRMED, reminder_sent_at__isnull=True, starts_at__gt=now, starts_at__lte=soon)
    sent = 0
    for booking_id, starts_at, created_at in due.values_list("pk", "starts_at", "created_at").iterator():
        if starts_at - created_at <= REMINDER_BEFORE:
            continue  # booked less than a day ahead: the confirmation has only just arrived
        # Claimed by one update, so two workers running the task at once send it once.
        if Booking.objects.filter(pk=booking_id, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
            booking = Booking.objects.select_related("site", "customer", "offering", "vehicle_model").get(pk=booking_id)
            sent += booking_reminder_send(booking=booking)
    return sent
