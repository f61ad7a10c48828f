"""Reads for the customer portal, each scoped to the signed-in customer: what is not theirs is not there.

Every function takes `customer=` and filters by it (and by its network, so an id guessed from
another network can match nothing); views turn absence into 404.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from vicino.bookings.models import Booking
from vicino.events.models import Event, Registration
from vicino.people.models import CONSENT_CHANNELS, Channel, ConsentEvent, ContactPoint, Customer, PrivacyNotice, PrivacyRequest, Purpose
from vicino.people.queries import consent_states
from vicino.workshop.models import Finding, OrderUpdate, RepairOrder, Vehicle


def customers_for_email(*, email: str) -> QuerySet[Customer]:
    """The customers (one per network, or more) an e-mail address belongs to: who may be sent a sign-in link.

    `email` is already normalised (lower-case), as contact points are stored. Erased and merged-away
    records have no portal.
    """
    owners = ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, value=email).values("customer_id")
    return Customer.objects.filter(pk__in=owners, erased_at__isnull=True, merged_into__isnull=True).select_related("network").order_by("pk")


def vehicle_list(*, customer: Customer) -> QuerySet[Vehicle]:
    """The customer's vehicles, each with the orders the customer brought it in for (`customer_orders`, newest first)."""
    orders = RepairOrder.objects.filter(customer=customer).select_related("site").order_by("-created_at", "-pk")
    return (
        Vehicle.objects.filter(owners=customer, network_id=customer.network_id)
        .prefetch_related(Prefetch("orders", queryset=orders, to_attr="customer_orders"))
        .order_by("make", "model", "plate", "pk")
    )


def order_list(*, customer: Customer) -> QuerySet[RepairOrder]:
    """The repair orders opened for this customer.

    Scoped by the order's customer, not by the car's owners: a co-owner or a former owner of
    the car does not read someone else's workshop visits.
    """
    return RepairOrder.objects.filter(customer=customer, network_id=customer.network_id).select_related("vehicle", "site")


def order_detail(*, customer: Customer) -> QuerySet[RepairOrder]:
    """An order's page as the owner sees it, in four queries whatever its history: the order, its status
    changes, the updates marked visible (`visible_updates`) and the findings."""
    visible = OrderUpdate.objects.filter(is_visible=True).order_by("created_at", "pk")
    return order_list(customer=customer).prefetch_related(
        "events", Prefetch("updates", queryset=visible, to_attr="visible_updates"), "findings"
    )


def finding_list(*, customer: Customer) -> QuerySet[Finding]:
    return Finding.objects.filter(order__customer=customer, order__network_id=customer.network_id).select_related("order")


def media_list(*, customer: Customer) -> QuerySet[OrderUpdate]:
    """The photos and videos of the customer's orders that the workshop marked visible."""
    return OrderUpdate.objects.filter(order__customer=customer, order__network_id=customer.network_id, is_visible=True).exclude(media="")


def booking_list(*, customer: Customer) -> QuerySet[Booking]:
    return Booking.objects.filter(customer=customer, network_id=customer.network_id).select_related("offering", "site", "vehicle_model")


def bookings_split(*, customer: Customer, past_shown: int = 50) -> tuple[list[Booking], list[Booking]]:
    """(upcoming, past): upcoming are those still to come and not cancelled, soonest first; past the latest ones first."""
    now = timezone.now()
    bookings = booking_list(customer=customer)
    to_come = bookings.filter(ends_at__gte=now, status__in=[Booking.Status.CONFIRMED, Booking.Status.STARTED])
    upcoming = list(to_come.order_by("starts_at", "pk"))
    past = list(bookings.exclude(pk__in=[b.pk for b in upcoming]).order_by("-starts_at", "-pk")[:past_shown])
    return upcoming, past


def registration_list(*, customer: Customer) -> QuerySet[Registration]:
    """The customer's own registrations, never anyone else's: the portal's scope for events."""
    return Registration.objects.filter(customer=customer).exclude(event__status=Event.Status.DRAFT).select_related("event__site")


def registrations_upcoming(*, customer: Customer) -> list[Registration]:
    """Events still to come the customer registered for (or waits for), soonest first; cancelled ones too, to say so."""
    now = timezone.now()
    return list(registration_list(customer=customer).filter(event__ends_at__gte=now).order_by("event__starts_at", "pk")[:50])


@dataclass(frozen=True)
class ConsentCell:
    """One purpose on one channel, as the privacy page shows it."""

    purpose: str
    channel: str
    granted: bool  # the customer's latest word was "yes"
    in_effect: bool  # …and it counts now (not expired, confirmed where it must be)
    event: ConsentEvent | None

    @property
    def name(self) -> str:
        return f"{self.purpose}:{self.channel}"

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label


def consent_grid(*, customer: Customer) -> list[tuple[str, list[ConsentCell]]]:
    """Every purpose with every contact channel, where it stands now (read through `consent_states`)."""
    states = {(state.purpose, state.channel): state for state in consent_states(customer=customer)}
    grid = []
    for purpose in Purpose:
        cells = []
        for channel in CONSENT_CHANNELS:
            state = states.get((purpose.value, channel.value))
            granted = state is not None and state.event.action == ConsentEvent.Action.GRANTED
            cells.append(ConsentCell(purpose.value, channel.value, granted, state is not None and state.allowed, state.event if state else None))
        grid.append((purpose.label, cells))
    return grid


def privacy_notice_latest(*, customer: Customer) -> PrivacyNotice | None:
    return PrivacyNotice.objects.filter(network_id=customer.network_id).order_by("-published_at", "-pk").first()


def privacy_request_list(*, customer: Customer) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(customer=customer, network_id=customer.network_id).order_by("-received_at", "-pk")


def erasure_open(*, customer: Customer) -> PrivacyRequest | None:
    return privacy_request_list(customer=customer).filter(kind=PrivacyRequest.Kind.ERASURE, status=PrivacyRequest.Status.OPEN).first()
