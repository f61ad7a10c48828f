"""Bookings: made, cancelled — never two on the same car, bay or person at once.

The check and the write happen in one transaction that no other booking of the database can
interleave with: SQLite takes its write lock at BEGIN (`transaction_mode` IMMEDIATE in the
settings), and PostgreSQL, where transactions do run side by side, refuses an overlapping
hold with the `allocation_no_overlap` exclusion constraint; the loser then tries the other
free resources and, when none is left, is told the slot was just taken (decision 006).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record
from vicino.core.models import User
from vicino.people import services as people
from vicino.people.models import Channel, Customer
from vicino.sales.models import Lead, VehicleModel

from .models import Allocation, Booking, Offering
from .slots import Diary, Slot, hold_of, zone
from .tasks import booking_confirmation_mail

NEAREST_SLOTS = 3
# On PostgreSQL a booking that lost a race tries again with what is still free; three rounds
# are far more than a site with a handful of cars and consultants needs.
ATTEMPTS = 3


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
    """Book an offering for a customer at a time, holding every resource it needs; refuse what cannot be promised."""
    now = now or timezone.now()
    if customer.network_id != offering.network_id or (lead is not None and lead.customer_id != customer.pk):
        raise ValidationError(_("This belongs to another network."), code="other_network")
    needs = list(offering.needs.all())
    if any(need.of_chosen_model for need in needs) and vehicle_model is None:
        raise ValidationError({"vehicle_model": ValidationError(_("Choose the model you would like to drive."), code="model_needed")})
    day = timezone.localtime(starts_at, zone()).date()
    model_id = vehicle_model.pk if vehicle_model else None
    booking = None
    with transaction.atomic():
        for _attempt in range(ATTEMPTS):
            diary = Diary.load(offering.site, day, day, kinds={need.kind for need in needs})
            refusal = _refusal(diary, offering, starts_at, now)
            if refusal is not None:
                raise refusal
            chosen = diary.allocation_for(offering, needs, starts_at, model_id)
            if chosen is None:
                break
            try:
                with transaction.atomic():
                    booking = _booking_write(by, offering, customer, starts_at, vehicle_model, lead, channel, campaign, notes, chosen)
                break
            except IntegrityError:  # PostgreSQL: another booking took one of these resources a moment ago
                continue
        if booking is not None:
            _booking_record(by, booking, chosen)
            transaction.on_commit(lambda: booking_confirmation_mail.enqueue(booking.pk))
    if booking is None:
        raise SlotTaken(_("%(when)s has just been taken. These are the nearest free times.") % {"when": _when(starts_at)},
                        nearest_slots(offering=offering, around=starts_at, vehicle_model_id=model_id, now=now))  # fmt: skip
    return booking


def _booking_write(by, offering, customer, starts_at, vehicle_model, lead, channel, campaign, notes, chosen) -> Booking:
    booking = Booking.objects.create(
        network_id=offering.network_id, site_id=offering.site_id, offering=offering, customer=customer, starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=offering.duration_minutes), vehicle_model=vehicle_model, lead=lead,
        channel=channel, campaign=campaign[:100], notes=notes, created_by=by if by is not None and by.is_authenticated else None,
    )  # fmt: skip
    held_from, held_until = hold_of(offering, starts_at)
    Allocation.objects.bulk_create([Allocation(booking=booking, resource=r, starts_at=held_from, ends_at=held_until) for r in chosen])
    return booking


def _booking_record(by: User | None, booking: Booking, chosen) -> None:
    audit_record(by=by, action="booking.create", target=booking, changes={
        "starts_at": [None, booking.starts_at.isoformat()], "resources": [None, [str(r) for r in chosen]],
    })  # fmt: skip
    people.interaction_record(
        customer=booking.customer, channel=booking.channel, kind="booking.created", site=booking.site, actor=by, ref=booking,
        summary=_("%(offering)s booked for %(when)s") % {"offering": booking.offering, "when": _when(booking.starts_at)},
    )  # fmt: skip


@transaction.atomic
def booking_cancel(*, by: User | None, booking: Booking, reason: str = "", now: datetime.datetime | None = None) -> Booking:
    """Cancel a booking and free what it held; cancelling twice changes nothing."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    if booking.status != Booking.Status.CONFIRMED:
        raise ValidationError(_("Only a booking still to come can be cancelled."), code="not_cancellable")
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now or timezone.now()
    booking.save(update_fields=["status", "cancelled_at", "updated_at"])
    booking.allocations.update(is_active=False)
    audit_record(by=by, action="booking.cancel", target=booking, changes={"status": [Booking.Status.CONFIRMED, Booking.Status.CANCELLED]})
    people.interaction_record(
        customer=booking.customer, channel=booking.channel, kind="booking.cancelled", site=booking.site, actor=by, ref=booking,
        summary=(_("%(offering)s of %(when)s cancelled") % {"offering": booking.offering, "when": _when(booking.starts_at)})
        + (f": {reason}" if reason else ""),
    )  # fmt: skip
    return booking
