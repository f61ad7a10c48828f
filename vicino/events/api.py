"""API operations on events: the schedule with its places, an event's figures, its guests registered by
staff for a customer or cancelled, and tickets checked in at the door, by the same rules as the pages (services.py).

Times are returned in the event's own time zone (`time_zone`), with its offset ("2026-12-15T19:00:00+01:00"):
the time the guests were told.
"""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field, StringConstraints

from vicino.api.pagination import CappedLimitOffsetPagination
from vicino.core.actor import Actor
from vicino.core.apischema import READ_ERRORS, WRITE_ERRORS, Money, allowed, refused, rule_refused
from vicino.core.roles import Capability
from vicino.people.matching import PersonIn
from vicino.people.phones import phone_normalise
from vicino.people.services import email_normalise

from . import queries, services
from .links import ticket_code
from .models import Event, Registration
from .times import local

router = Router(tags=["events"])

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


def _local(event: Event, moment: datetime.datetime | None) -> datetime.datetime | None:
    return local(event, moment) if moment is not None else None


# --- Schemas --------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    site_id: int | None = Field(description="Empty for an event of the whole network.")
    kind: str
    audience: str
    title: str
    slug: str
    description: str
    status: str
    place_name: str = Field(description="The outside venue, else the site.")
    place_address: str
    city: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    time_zone: str
    capacity: int = Field(description="Places, companions included.")
    max_companions: int = Field(description="Companions allowed per registration.")
    companion_capacity: int | None = Field(description="At most this many places go to companions; empty, any of them may.")
    places_held: int = Field(description="Places held by the confirmed and by those offered one, companions included.")
    places_left: int
    price: Money = Field(description="Informative: no payment goes through Vicino.")
    registration_opens_at: datetime.datetime | None
    registration_closes_at: datetime.datetime | None = Field(description="Empty: registrations close when the event starts.")
    public_url: str | None = Field(description="The event's public page; none for a draft.")

    @staticmethod
    def resolve_starts_at(event: Event) -> datetime.datetime:
        return local(event, event.starts_at)

    @staticmethod
    def resolve_ends_at(event: Event) -> datetime.datetime:
        return local(event, event.ends_at)

    @staticmethod
    def resolve_registration_opens_at(event: Event) -> datetime.datetime | None:
        return _local(event, event.registration_opens_at)

    @staticmethod
    def resolve_registration_closes_at(event: Event) -> datetime.datetime | None:
        return _local(event, event.registration_closes_at)

    @staticmethod
    def resolve_places_held(event: Event) -> int:
        return event.held + (event.held_companions or 0)

    @staticmethod
    def resolve_places_left(event: Event) -> int:
        return max(event.capacity - event.held - (event.held_companions or 0), 0)

    @staticmethod
    def resolve_public_url(event: Event, context) -> str | None:
        if event.status == Event.Status.DRAFT:
            return None
        return context["request"].build_absolute_uri(reverse("events:public-event", args=[event.network.slug, event.slug]))


class FiguresOut(Schema):
    registered: int = Field(description="Confirmed registrations.")
    people: int = Field(description="People confirmed, companions included.")
    waiting: int = Field(description="On the waiting list, or offered a place not yet confirmed.")
    cancelled: int
    attended: int = Field(description="Registrations checked in.")
    walk_ins: int
    no_shows: int
    new_customers: int = Field(description="People the event brought us: their customer record was created by their registration.")
    enthusiasts: int
    enthusiast_leads: int = Field(description="Enthusiasts who asked for a car after registering.")
    paid: int


class EventDetailOut(EventOut):
    figures: FiguresOut


class EventFilters(Schema):
    status: Event.Status | None = None
    site_id: int | None = None
    date_from: datetime.date | None = Field(None, description="Events still on from this day: ending on it or later.")


class CustomerRef(Schema):
    id: int
    display_name: str


class RegistrationOut(Schema):
    id: int
    event_id: int
    customer: CustomerRef
    email: str
    status: str = Field(description="confirmed, waiting, offered (a place from the waiting list, to confirm by `offer_expires_at`) or cancelled.")
    companions: int
    places: int = Field(description="The guest and their companions.")
    dietary_notes: str
    is_walk_in: bool
    ticket_code: str = Field(description="What the ticket's QR code says: scanned at the door, POST /events/{id}/check-in.")
    queued_at: datetime.datetime = Field(description="When they asked: the waiting list's order.")
    offer_expires_at: datetime.datetime | None
    checked_in_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    paid_at: datetime.datetime | None
    no_show: bool

    @staticmethod
    def resolve_ticket_code(registration: Registration) -> str:
        return ticket_code(registration)

    @staticmethod
    def resolve_queued_at(registration: Registration) -> datetime.datetime:
        return local(registration.event, registration.queued_at)

    @staticmethod
    def resolve_offer_expires_at(registration: Registration) -> datetime.datetime | None:
        return _local(registration.event, registration.offer_expires_at)

    @staticmethod
    def resolve_checked_in_at(registration: Registration) -> datetime.datetime | None:
        return _local(registration.event, registration.checked_in_at)

    @staticmethod
    def resolve_cancelled_at(registration: Registration) -> datetime.datetime | None:
        return _local(registration.event, registration.cancelled_at)

    @staticmethod
    def resolve_paid_at(registration: Registration) -> datetime.datetime | None:
        return _local(registration.event, registration.paid_at)


class RegistrationFilters(Schema):
    status: Registration.Status | None = None
    q: str = Field("", max_length=100, description="Words of the guest's name or e-mail.")


class RegistrationIn(Schema):
    # A field that cannot be set (status, checked_in_at…) is refused, not silently dropped.
    model_config = ConfigDict(extra="forbid")

    first_name: Name
    last_name: Name
    email: str = Field(max_length=254, description="The ticket goes there; one live registration per address and event.")
    phone: str = Field("", max_length=30, description="Any common writing; stored in E.164.")
    companions: int = Field(0, ge=0, le=99, description="At most the event's `max_companions`.")
    dietary_notes: str = Field("", max_length=300)


class TicketIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=200, description="What the ticket's QR code says.")


class ArrivalsOut(Schema):
    expected: int = Field(description="People confirmed, companions included.")
    arrived: int = Field(description="People in, companions included.")
    guests: int = Field(description="Confirmed registrations.")
    guests_arrived: int


class CheckInOut(Schema):
    registration_id: int
    first_time: bool = Field(description="False for a ticket already scanned: it changed nothing.")
    checked_in_at: datetime.datetime = Field(description="When the guest came in (the first scan).")
    name: str
    companions: int
    dietary_notes: str
    arrivals: ArrivalsOut


# --- Events ---------------------------------------------------------------------------


@router.get("/events", response={200: list[EventOut], **READ_ERRORS}, summary="Events of the sites you can see and of the network, soonest first")
@paginate(CappedLimitOffsetPagination)
def event_list(request: HttpRequest, filters: Query[EventFilters]):
    actor = allowed(request, Capability.EVENTS_VIEW)
    events = _events(actor).order_by("starts_at", "pk")
    for name in ("status", "site_id"):
        if getattr(filters, name) is not None:
            events = events.filter(**{name: getattr(filters, name)})
    if filters.date_from is not None:
        midnight = datetime.datetime.combine(filters.date_from, datetime.time(), tzinfo=timezone.get_default_timezone())
        events = events.filter(ends_at__gte=midnight)
    return events


@router.get("/events/{int:event_id}", response={200: EventDetailOut, **READ_ERRORS}, summary="An event with its places and its figures")
def event_detail(request: HttpRequest, event_id: int):
    event = _event(request.auth, event_id, Capability.EVENTS_VIEW)
    event.figures = queries.event_figures(event=event)
    return event


# --- Registrations --------------------------------------------------------------------


@router.get("/events/{int:event_id}/registrations", response={200: list[RegistrationOut], **READ_ERRORS}, summary="An event's guests, by status then name")
@paginate(CappedLimitOffsetPagination)
def registration_list(request: HttpRequest, event_id: int, filters: Query[RegistrationFilters]):
    actor = request.auth
    event = _event(actor, event_id, Capability.EVENTS_VIEW)
    guests = queries.guest_list(actor=actor, event=event, search=filters.q.strip())
    if filters.status is not None:
        guests = guests.filter(status=filters.status)
    return guests


@router.post(
    "/events/{int:event_id}/registrations",
    response={201: RegistrationOut, **WRITE_ERRORS},
    summary="Register a customer: a confirmed place if it fits, else a turn on the waiting list",
    description=(
        "By the same rules as the event's public page; the person is found among the network's customers by e-mail or phone, "
        "else created, and is sent their ticket by e-mail. Refused with 422 and the rule's code: `event_cancelled`, `event_not_open`, "
        "`registration_not_yet`, `registration_closed`; and naming the field in `errors[].loc`: `too_many_companions` (companions), "
        "`already_registered`, `customers_only`, `members_only` (email). Nothing is written when it is refused."
    ),
)
def registration_create(request: HttpRequest, event_id: int, payload: RegistrationIn):
    actor = request.auth
    event = _event(actor, event_id, Capability.EVENTS_MANAGE)
    email, phone = _contact(payload)
    person = PersonIn(first_name=payload.first_name, last_name=payload.last_name, emails=(email,), phones=(phone,) if phone else ())
    return _by_the_rules(lambda: services.registration_create(event=event, person=person, email=email, companions=payload.companions,
                                                              dietary_notes=payload.dietary_notes, by=actor.user),
                         read=_registration_read(actor), created=True)  # fmt: skip


@router.post(
    "/events/{int:event_id}/registrations/{int:registration_id}/cancel",
    response={200: RegistrationOut, **WRITE_ERRORS},
    summary="Cancel a registration: its places are offered to the first people waiting who fit",
    description="The guest is told by e-mail; cancelling a cancelled registration changes nothing.",
)
def registration_cancel(request: HttpRequest, event_id: int, registration_id: int):
    actor = request.auth
    event = _event(actor, event_id, Capability.EVENTS_MANAGE)
    registration = get_object_or_404(queries.registration_list(actor=actor).filter(event=event), pk=registration_id)
    return _by_the_rules(lambda: services.registration_cancel(registration=registration, by=actor.user), read=_registration_read(actor))


# --- The door -------------------------------------------------------------------------


@router.post(
    "/events/{int:event_id}/check-in",
    response={200: CheckInOut, **WRITE_ERRORS},
    summary="Check in the guest whose ticket was scanned at the door",
    description=(
        "A second scan of the same ticket changes nothing and answers `first_time` false, with when the guest came in. "
        "Refused with 422 and its code: `ticket_forged` (not one of our tickets), `other_event` (a ticket for another event), "
        "`not_confirmed` (waiting or cancelled), `event_cancelled`."
    ),
)
def ticket_check_in(request: HttpRequest, event_id: int, payload: TicketIn):
    actor = request.auth
    event = _event(actor, event_id, Capability.EVENTS_CHECK_IN)

    def read(checked: tuple[Registration, bool]) -> dict:
        registration, first_time = checked
        return {"registration_id": registration.pk, "first_time": first_time, "checked_in_at": local(event, registration.checked_in_at),
                "name": registration.customer.display_name, "companions": registration.companions,
                "dietary_notes": registration.dietary_notes, "arrivals": queries.arrivals(event=event)}  # fmt: skip

    return _by_the_rules(lambda: services.ticket_check_in(by=actor.user, event=event, code=payload.code), read=read)


# --- Shared steps ---------------------------------------------------------------------


def _events(actor: Actor):
    """The events the actor can see, with the places held (counted as the schedule counts them)."""
    return queries.with_places_held(queries.event_list(actor=actor).select_related("network"))


def _event(actor: Actor, event_id: int, capability: Capability) -> Event:
    """An event the actor can see (else 404), then the capability the operation needs (else 403)."""
    if not actor.can(Capability.EVENTS_VIEW):
        raise PermissionDenied
    event = get_object_or_404(_events(actor), pk=event_id)
    if not actor.can(capability):
        raise PermissionDenied
    return event


def _contact(payload: RegistrationIn) -> tuple[str, str]:
    """The e-mail and phone as every contact point is stored; either one not valid is refused by its field."""
    errors = {}
    try:
        email = email_normalise(payload.email)
    except DjangoValidationError as error:
        errors["email"] = error
    try:
        phone = phone_normalise(payload.phone) if payload.phone.strip() else ""
    except DjangoValidationError as error:
        errors["phone"] = error
    if errors:
        raise DjangoValidationError(errors)
    return email, phone


def _registration_read(actor: Actor):
    """How an operation on a registration answers: the registration as it now reads."""
    return lambda registration: queries.registration_list(actor=actor).get(pk=registration.pk)


def _by_the_rules(action, read, created: bool = False):
    """Run an events service in one transaction: what it made as `read` shapes it, or the rule it broke with its own code."""
    try:
        with transaction.atomic():
            made = action()
    except DjangoValidationError as error:
        response = rule_refused(error) or _field_refused(error)
        if response is None:
            raise
        return response
    return Status(201, read(made)) if created else read(made)


def _field_refused(error: DjangoValidationError) -> JsonResponse | None:
    """A rule broken on one field (too_many_companions, already_registered…) keeps its code, and `errors[].loc` names the field."""
    if not hasattr(error, "error_dict") or len(error.error_dict) != 1:
        return None
    ((field, (rule, *more)),) = error.error_dict.items()
    if more or not rule.code:
        return None
    message = rule.messages[0]
    return refused(rule.code, message, errors=[{"loc": [field], "msg": message, "type": rule.code}])
