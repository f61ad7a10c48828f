"""API operations on bookings: what can be booked and with what, the free slots, and bookings made,
moved and cancelled by the same rules as the public page and the diary (services.py)."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, ConfigDict, Field, PlainSerializer, model_validator

from vicino.api.pagination import CappedLimitOffsetPagination
from vicino.core.actor import Actor
from vicino.core.apischema import READ_ERRORS, WRITE_ERRORS, ErrorOut, allowed, errors_named, found, refused, rule_refused
from vicino.core.roles import Capability
from vicino.people import queries as people_queries
from vicino.people.api import EnquirerIn
from vicino.people.matching import customer_match_or_create
from vicino.people.models import Channel, Customer
from vicino.sales import queries as sales_queries

from . import queries, services
from .models import Booking, Offering, Resource
from .slots import Slot, week_slots, zone

router = Router(tags=["bookings"])

MAX_DAYS = 14
# A refusal the API answers with 409 rather than 422: the request was right, the world changed.
CONFLICT = 409


# --- Schemas --------------------------------------------------------------------------


def _local(at: datetime.datetime) -> str:
    return timezone.localtime(at, zone()).isoformat()


# A booking's times as the site keeps them (Europe/Rome, with the offset: "2026-12-15T10:00:00+01:00"):
# slots and bookings read alike, and "10:00" is what the customer was told.
Local = Annotated[datetime.datetime, PlainSerializer(_local, return_type=str, when_used="always")]


class NeedOut(Schema):
    kind: str = Field(description="The kind of resource, e.g. demo_vehicle, consultant, bay.")
    quantity: int
    of_chosen_model: bool = Field(description="A demo vehicle of the model the customer chooses (`vehicle_model_id`).")


class OfferingOut(Schema):
    id: int
    site_id: int
    kind: str
    name: str
    slug: str
    description: str
    duration_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    step_minutes: int
    min_notice_minutes: int
    horizon_days: int
    is_public: bool
    consent_purpose: str = Field(description="The consent (on the e-mail channel) a booking needs first; empty for none.")
    needs: list[NeedOut]
    booking_url: str | None = Field(description="The public booking page, when the offering is bookable online.")

    @staticmethod
    def resolve_needs(offering: Offering) -> list:
        return list(offering.needs.all())

    @staticmethod
    def resolve_booking_url(offering: Offering, context) -> str | None:
        if not offering.is_public:
            return None
        path = reverse("bookings:booking-page", args=[offering.site.network.slug, offering.site.code, offering.slug])
        return context["request"].build_absolute_uri(path)


class OfferingFilters(Schema):
    site_id: int | None = None
    kind: Offering.Kind | None = None


class ResourceOut(Schema):
    id: int
    site_id: int
    kind: str
    name: str
    user_id: int | None = Field(description="The member of staff, for a consultant or an advisor.")
    vehicle_model_id: int | None = Field(description="The model of a demo vehicle.")
    stock_vehicle_id: int | None
    is_active: bool


class ResourceFilters(Schema):
    site_id: int | None = None
    kind: Resource.Kind | None = None
    is_active: bool | None = None


class SlotOut(Schema):
    starts_at: Local
    ends_at: Local


class DayOut(Schema):
    date: datetime.date
    slots: list[SlotOut]


class AvailabilityFilters(Schema):
    offering_id: int
    date: datetime.date | None = Field(None, description="The first day; left out, today.")
    days: int = Field(7, ge=1, le=MAX_DAYS, description=f"How many days from `date`, 1 to {MAX_DAYS}.")
    vehicle_model_id: int | None = Field(None, description="The model to drive, for an offering that needs one.")


class AvailabilityOut(Schema):
    offering_id: int
    vehicle_model_id: int | None
    days: list[DayOut] = Field(description="Every day asked for, with its free slots (none on a closing day).")


class CustomerRef(Schema):
    id: int
    display_name: str


class HeldOut(Schema):
    id: int = Field(description="The resource.")
    kind: str
    name: str


class CheckOut(Schema):
    checklist: str
    label: str
    done_at: Local | None
    done_by: str | None

    @staticmethod
    def resolve_done_by(check) -> str | None:
        return check.done_by.full_name if check.done_by_id else None


class BookingOut(Schema):
    id: int
    site_id: int
    offering_id: int
    kind: str
    customer: CustomerRef
    starts_at: Local
    ends_at: Local
    status: str
    vehicle_model_id: int | None
    lead_id: int | None
    channel: str
    campaign: str
    meeting_link: str
    notes: str
    sequence: int = Field(description="How many times it was moved or cancelled: the calendar invitation's SEQUENCE.")
    resources: list[HeldOut] = Field(description="What it holds, buffers included.")
    checks: list[CheckOut] = Field(description="Its preparation: a test drive cannot start, a car cannot be handed over, before all are done.")
    created_at: Local
    cancelled_at: Local | None
    started_at: Local | None
    completed_at: Local | None
    no_show_at: Local | None

    @staticmethod
    def resolve_kind(booking: Booking) -> str:
        return booking.offering.kind

    @staticmethod
    def resolve_resources(booking: Booking) -> list:
        return [allocation.resource for allocation in booking.allocations.all()]

    @staticmethod
    def resolve_checks(booking: Booking) -> list:
        return list(booking.checks.all())


class BookingFilters(Schema):
    site_id: int | None = None
    offering_id: int | None = None
    customer_id: int | None = None
    status: Booking.Status | None = None
    date_from: datetime.date | None = Field(None, description="Bookings starting on this day or later.")
    date_to: datetime.date | None = Field(None, description="Bookings starting on this day or earlier.")


class BookingIn(Schema):
    # A field that cannot be set (status, sequence…) is refused, not silently dropped.
    model_config = ConfigDict(extra="forbid")

    offering_id: int
    starts_at: AwareDatetime = Field(description="One of the free slots' `starts_at`, with its offset.")
    customer_id: int | None = Field(None, description="A customer you can see.")
    customer: EnquirerIn | None = Field(None, description="Or the customer as given: found by e-mail or phone, else created.")
    lead_id: int | None = Field(None, description="Or a lead: the booking is its customer's, and a test drive moves it to that stage.")
    vehicle_model_id: int | None = Field(None, description="The model to drive, for an offering that needs one.")
    channel: Channel = Field(Channel.PHONE, description="How the customer asked for it.")
    campaign: str = Field("", max_length=100)
    notes: str = ""

    @model_validator(mode="after")
    def _one_customer(self):
        given = [name for name in ("customer_id", "customer", "lead_id") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(_("Give one of customer_id, customer or lead_id."))
        return self


class RescheduleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=300)


class TakenOut(ErrorOut):
    nearest: list[SlotOut] = Field(description="The free slots closest to the one asked for.")


# Each refusal of the rules (a time in the past, a closing day, a missing consent…) is 422 with its own
# code; a slot taken meanwhile is 409 `slot_taken`, with the nearest free slots.
BOOKING_ERRORS = {**WRITE_ERRORS, 409: TakenOut}


# --- Offerings, resources, availability -------------------------------------------------


@router.get("/bookings/offerings", response={200: list[OfferingOut], **READ_ERRORS}, summary="What can be booked at the sites you can see")
@paginate(CappedLimitOffsetPagination)
def offering_list(request: HttpRequest, filters: Query[OfferingFilters]):
    actor = allowed(request, Capability.BOOKINGS_VIEW)
    offerings = queries.offering_list(actor=actor).select_related("site__network").order_by("site__name", "name", "pk")
    if filters.site_id is not None:
        offerings = offerings.filter(site_id=filters.site_id)
    if filters.kind is not None:
        offerings = offerings.filter(kind=filters.kind)
    return offerings


@router.get("/bookings/resources", response={200: list[ResourceOut], **READ_ERRORS}, summary="The people and things bookings hold")
@paginate(CappedLimitOffsetPagination)
def resource_list(request: HttpRequest, filters: Query[ResourceFilters]):
    actor = allowed(request, Capability.BOOKINGS_VIEW)
    resources = queries.resource_list(actor=actor).order_by("site__name", "kind", "name", "pk")
    for name in ("site_id", "kind", "is_active"):
        if getattr(filters, name) is not None:
            resources = resources.filter(**{name: getattr(filters, name)})
    return resources


@router.get(
    "/bookings/availability",
    response={200: AvailabilityOut, **WRITE_ERRORS},
    summary="Free slots of an offering, day by day",
    description="Every resource it needs free at once, buffers, hours, closures, holidays, notice and horizon taken into account.",
)
def availability(request: HttpRequest, filters: Query[AvailabilityFilters]):
    actor = allowed(request, Capability.BOOKINGS_VIEW)
    offering = get_object_or_404(queries.offering_list(actor=actor), pk=filters.offering_id)
    model = found(sales_queries.catalogue(actor=actor), filters.vehicle_model_id, "vehicle_model_id")
    if model is None and any(need.of_chosen_model for need in offering.needs.all()):
        raise DjangoValidationError({"vehicle_model_id": _("Choose the model you would like to drive.")})
    first = filters.date or timezone.localdate(timezone.now(), zone())
    days = week_slots(offering=offering, first=first, days=filters.days, vehicle_model_id=model.pk if model else None)
    every_day = [first + datetime.timedelta(days=n) for n in range(filters.days)]
    return {
        "offering_id": offering.pk,
        "vehicle_model_id": model.pk if model else None,
        "days": [{"date": day, "slots": days.get(day, [])} for day in every_day],
    }


# --- Bookings ---------------------------------------------------------------------------


@router.get("/bookings", response={200: list[BookingOut], **READ_ERRORS}, summary="Bookings at the sites you can see, soonest first")
@paginate(CappedLimitOffsetPagination)
def booking_list(request: HttpRequest, filters: Query[BookingFilters]):
    actor = allowed(request, Capability.BOOKINGS_VIEW)
    bookings = queries.booking_detail(actor=actor).order_by("starts_at", "pk")
    for name in ("site_id", "offering_id", "customer_id", "status"):
        if getattr(filters, name) is not None:
            bookings = bookings.filter(**{name: getattr(filters, name)})
    if filters.date_from is not None:
        bookings = bookings.filter(starts_at__gte=_midnight(filters.date_from))
    if filters.date_to is not None:
        bookings = bookings.filter(starts_at__lt=_midnight(filters.date_to + datetime.timedelta(days=1)))
    return bookings


@router.get("/bookings/{int:booking_id}", response={200: BookingOut, **READ_ERRORS})
def booking_detail(request: HttpRequest, booking_id: int):
    return _booking(request.auth, booking_id, Capability.BOOKINGS_VIEW)


@router.post(
    "/bookings",
    response={201: BookingOut, **BOOKING_ERRORS},
    summary="Book an offering for a customer",
    description=(
        "By the same rules as the public page and the diary. Refused with 422 and the rule's code: `slot_past`, `slot_notice`, "
        "`slot_horizon`, `slot_holiday`, `slot_closed`, `slot_outside_hours`, `consent_missing` (record it first: "
        "POST /customers/{id}/consents); a slot no longer free is 409 `slot_taken` with the `nearest` free ones. "
        "A customer given by name is created only when the booking is made."
    ),
)
def booking_create(request: HttpRequest, payload: BookingIn):
    actor = allowed(request, Capability.BOOKINGS_MANAGE)
    offering = found(queries.offering_list(actor=actor), payload.offering_id, "offering_id")
    lead = found(sales_queries.lead_list(actor=actor), payload.lead_id, "lead_id")
    model = found(sales_queries.catalogue(actor=actor), payload.vehicle_model_id, "vehicle_model_id")

    def book() -> Booking:
        customer = lead.customer if lead else found(people_queries.customer_list(actor=actor), payload.customer_id, "customer_id")
        if customer is None:
            with errors_named(fields={"last_name": "customer.last_name"}):
                matched = customer_match_or_create(by=actor.user, network=actor.network, site=offering.site, person=payload.customer.person(),
                                                   channel=payload.channel, summary=_("Customer record created for a booking"))  # fmt: skip
            customer = Customer.objects.get(pk=matched.customer_id)
        return services.booking_create(
            by=actor.user, offering=offering, customer=customer, starts_at=payload.starts_at, vehicle_model=model, lead=lead,
            channel=payload.channel, campaign=payload.campaign.strip(), notes=payload.notes.strip(),
        )  # fmt: skip

    return _by_the_rules(actor, book, created=True)


@router.post(
    "/bookings/{int:booking_id}/reschedule",
    response={200: BookingOut, **BOOKING_ERRORS},
    summary="Move a booking to another free time",
    description="The same rules and codes as booking; it keeps its consultant and car when they are free. The customer is told by e-mail.",
)
def booking_reschedule(request: HttpRequest, booking_id: int, payload: RescheduleIn):
    actor = request.auth
    booking = _booking(actor, booking_id, Capability.BOOKINGS_MANAGE)
    return _by_the_rules(actor, lambda: services.booking_reschedule(by=actor.user, booking=booking, starts_at=payload.starts_at))


@router.post(
    "/bookings/{int:booking_id}/cancel",
    response={200: BookingOut, **WRITE_ERRORS},
    summary="Cancel a booking: what it held is free again, and the customer is told",
    description="Cancelling a cancelled booking changes nothing; one that has begun or is over is 422 `not_cancellable`.",
)
def booking_cancel(request: HttpRequest, booking_id: int, payload: CancelIn):
    actor = request.auth
    booking = _booking(actor, booking_id, Capability.BOOKINGS_MANAGE)
    return _by_the_rules(actor, lambda: services.booking_cancel(by=actor.user, booking=booking, reason=payload.reason.strip()))


# --- Shared steps ---------------------------------------------------------------------


def _booking(actor: Actor, booking_id: int, capability: Capability) -> Booking:
    """A booking the actor can see (else 404), then the capability the operation needs (else 403)."""
    if not actor.can(Capability.BOOKINGS_VIEW):
        raise PermissionDenied
    booking = get_object_or_404(queries.booking_detail(actor=actor), pk=booking_id)
    if not actor.can(capability):
        raise PermissionDenied
    return booking


def _by_the_rules(actor: Actor, action, created: bool = False):
    """Run a booking service in one transaction: the booking as it now reads, or the rule it broke with its own code."""
    try:
        with transaction.atomic(), errors_named(fields={"vehicle_model": "vehicle_model_id"}):
            booking = action()
    except services.SlotTaken as taken:
        return refused("slot_taken", taken.messages[0], status=CONFLICT, nearest=[_slot(slot) for slot in taken.nearest])
    except DjangoValidationError as error:
        response = rule_refused(error)
        if response is None:
            raise
        return response
    read = queries.booking_detail(actor=actor).get(pk=booking.pk)
    return Status(201, read) if created else read


def _slot(slot: Slot) -> dict:
    return {"starts_at": _local(slot.starts_at), "ends_at": _local(slot.ends_at)}


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=zone())
