"""Registrations: a place, or a turn on the waiting list — never more people than the event holds.

The count and the write of one registration happen while no other registration of the same
event can: SQLite takes its write lock at BEGIN (`transaction_mode` IMMEDIATE), PostgreSQL locks
the event's row (`SELECT … FOR UPDATE`). A rush of a hundred people for thirty places therefore
confirms exactly thirty and queues the rest, in the order they asked.

A cancellation offers the freed places to the first people waiting who fit, each with a
deadline to confirm (`Event.confirm_within_hours`); an offer not taken in time goes to the next.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vicino.core.audit import audit_record
from vicino.core.models import User
from vicino.people import services as people
from vicino.people.matching import PersonIn, customer_match_or_create
from vicino.people.models import Channel, Customer

from .models import Event, Registration

R = Registration.Status
# Who holds a place: the confirmed, and those offered one until their deadline.
HOLDING = (R.CONFIRMED, R.OFFERED)


def places_taken(event: Event) -> int:
    taken = Registration.objects.filter(event=event, status__in=HOLDING).aggregate(n=Sum("companions"))["n"] or 0
    return taken + Registration.objects.filter(event=event, status__in=HOLDING).count()


def _refusal(event: Event, companions: int, now: datetime.datetime) -> ValidationError | None:
    if event.status == Event.Status.CANCELLED:
        return ValidationError(_("This event has been cancelled: registrations are closed."), code="event_cancelled")
    if event.status != Event.Status.PUBLISHED:
        return ValidationError(_("Registrations for this event are not open."), code="event_not_open")
    if event.registration_opens_at and now < event.registration_opens_at:
        return ValidationError(_("Registrations open on %(when)s.") % {"when": f"{timezone.localtime(event.registration_opens_at):%d/%m/%Y %H:%M}"},
                               code="registration_not_yet")  # fmt: skip
    if now >= (event.registration_closes_at or event.starts_at):
        return ValidationError(_("Registrations for this event are closed."), code="registration_closed")
    if companions > event.max_companions:
        return ValidationError({"companions": ValidationError(
            _("You can bring at most %(count)s companions.") % {"count": event.max_companions}, code="too_many_companions")})  # fmt: skip
    return None


@transaction.atomic
def registration_create(*, event: Event, person: PersonIn, email: str, companions: int = 0, dietary_notes: str = "", is_walk_in: bool = False,
                        by: User | None = None, now: datetime.datetime | None = None) -> Registration:  # fmt: skip
    """Register a person: a confirmed place if it fits, else a turn on the waiting list. Refused, nothing is written."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=event.pk)
    refused = _refusal(event, companions, now) if not is_walk_in else None
    if refused is not None:
        raise refused
    email = email.strip().lower()
    if Registration.objects.filter(event=event, email=email).exclude(status=R.CANCELLED).exists():
        raise ValidationError({"email": ValidationError(_("This e-mail is already registered for this event."), code="already_registered")})
    matched = customer_match_or_create(by=by, network=event.network, site=event.site, person=person, channel=Channel.EVENT,
                                       summary=_("Customer record created from an event registration"))  # fmt: skip
    customer = Customer.objects.get(pk=matched.customer_id)
    if matched.created:
        # Someone who has never bought: an enthusiast, until they do.
        Customer.objects.filter(pk=customer.pk).update(relation=Customer.Relation.ENTHUSIAST)
    fits = places_taken(event) + 1 + companions <= event.capacity
    registration = Registration.objects.create(
        event=event, customer=customer, email=email, companions=companions, dietary_notes=dietary_notes.strip()[:300],
        status=R.CONFIRMED if fits or is_walk_in else R.WAITING, queued_at=now, is_walk_in=is_walk_in,
        checked_in_at=now if is_walk_in else None, checked_in_by=by if is_walk_in else None,
    )  # fmt: skip
    people.interaction_record(customer=customer, channel=Channel.EVENT, site=event.site, actor=by, ref=registration,
                              kind="event.registered" if registration.status == R.CONFIRMED else "event.waiting",
                              summary=(_("Registered for %(event)s") if registration.status == R.CONFIRMED
                                       else _("On the waiting list for %(event)s")) % {"event": event})  # fmt: skip
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User | None = None, now: datetime.datetime | None = None) -> Registration:
    """Give a place back (or leave the waiting list); the freed places are offered to those waiting."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == R.CANCELLED:
        return registration
    registration.status, registration.cancelled_at = R.CANCELLED, now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    people.interaction_record(customer=registration.customer, channel=Channel.EVENT, kind="event.cancelled", site=event.site, actor=by,
                              ref=registration, summary=_("Registration for %(event)s cancelled") % {"event": event})  # fmt: skip
    waiting_list_move(event=event, now=now)
    return registration


def waiting_list_move(*, event: Event, now: datetime.datetime) -> list[Registration]:
    """Offers past their deadline go back; free places are offered, in order, to the first waiting who fit."""
    for lapsed in Registration.objects.filter(event=event, status=R.OFFERED, offer_expires_at__lte=now):
        lapsed.status, lapsed.cancelled_at = R.CANCELLED, now
        lapsed.save(update_fields=["status", "cancelled_at", "updated_at"])
    free = event.capacity - places_taken(event)
    offered = []
    for waiting in Registration.objects.filter(event=event, status=R.WAITING).order_by("queued_at", "pk"):
        if waiting.places > free:
            continue
        waiting.status, waiting.offer_expires_at = R.OFFERED, min(now + datetime.timedelta(hours=event.confirm_within_hours), event.starts_at)
        waiting.save(update_fields=["status", "offer_expires_at", "updated_at"])
        free -= waiting.places
        offered.append(waiting)
        people.interaction_record(customer=waiting.customer, channel=Channel.EVENT, kind="event.offered", site=event.site, ref=waiting,
                                  summary=_("A place at %(event)s is offered until %(when)s") % {
                                      "event": event, "when": f"{timezone.localtime(waiting.offer_expires_at):%d/%m/%Y %H:%M}"})  # fmt: skip
    return offered


@transaction.atomic
def offer_accept(*, registration: Registration, now: datetime.datetime | None = None) -> Registration:
    """The person waiting takes the place offered, before its deadline."""
    now = now or timezone.now()
    Event.objects.select_for_update().filter(pk=registration.event_id).first()
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == R.CONFIRMED:
        return registration
    if registration.status != R.OFFERED or registration.offer_expires_at <= now:
        raise ValidationError(_("This place is no longer offered: the time to confirm it has passed."), code="offer_expired")
    registration.status, registration.offer_expires_at = R.CONFIRMED, None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    people.interaction_record(customer=registration.customer, channel=Channel.EVENT, kind="event.registered", site=registration.event.site,
                              ref=registration, summary=_("Registered for %(event)s") % {"event": registration.event})  # fmt: skip
    return registration


@transaction.atomic
def check_in(*, by: User, registration: Registration, now: datetime.datetime | None = None) -> tuple[Registration, bool]:
    """Mark the guest as arrived; a second scan changes nothing and says when they came (False)."""
    registration = Registration.objects.select_for_update().select_related("event", "customer").get(pk=registration.pk)
    if registration.checked_in_at is not None:
        return registration, False
    if registration.status != R.CONFIRMED:
        raise ValidationError(_("This registration has no confirmed place."), code="not_confirmed")
    registration.checked_in_at, registration.checked_in_by = now or timezone.now(), by
    registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    audit_record(by=by, action="event.check_in", target=registration.event, changes={"guest": [None, registration.customer.display_name]})
    people.interaction_record(customer=registration.customer, channel=Channel.EVENT, kind="event.attended", site=registration.event.site, actor=by,
                              ref=registration, summary=_("Attended %(event)s") % {"event": registration.event})  # fmt: skip
    return registration, True
