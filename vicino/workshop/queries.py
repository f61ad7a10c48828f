"""Reads about the workshop, scoped to the actor: orders for the board and their pages, today's service
appointments still to open, vehicles, courtesy cars."""

import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from vicino.bookings import queries as bookings_queries
from vicino.bookings.models import Booking, Offering
from vicino.bookings.slots import zone
from vicino.core.actor import Actor
from vicino.core.models import Site

from .models import CourtesyVehicle, Finding, Loan, LoanPhoto, OrderUpdate, RepairOrder, Vehicle


def repair_order_list(*, actor: Actor) -> QuerySet[RepairOrder]:
    return actor.scope(RepairOrder.objects.select_related("site", "customer", "vehicle", "advisor", "technician", "bay"))


def repair_order_detail(*, actor: Actor) -> QuerySet[RepairOrder]:
    """An order's page: its lines, updates, findings, status history and loans, each read once."""
    return repair_order_list(actor=actor).prefetch_related(
        "lines", "events__by",
        Prefetch("updates", queryset=OrderUpdate.objects.select_related("author")),
        Prefetch("findings", queryset=Finding.objects.select_related("update", "recorded_by")),
        Prefetch("loans", queryset=Loan.objects.select_related("courtesy_vehicle", "customer").prefetch_related("photos")),
    )  # fmt: skip


def vehicle_list(*, actor: Actor) -> QuerySet[Vehicle]:
    """The network's vehicles: any of its workshops may service any of them."""
    return actor.scope(Vehicle.objects.prefetch_related("owners"))


def courtesy_vehicle_list(*, actor: Actor) -> QuerySet[CourtesyVehicle]:
    return actor.scope(CourtesyVehicle.objects.select_related("site"))


def loan_list(*, actor: Actor) -> QuerySet[Loan]:
    return actor.scope(Loan.objects.select_related("courtesy_vehicle", "customer", "order"))


def workshop_sites(*, actor: Actor) -> QuerySet[Site]:
    """The sites whose workshop the actor may see: their own, or the network's for head office."""
    return actor.scope(Site.objects.filter(is_active=True)).order_by("name")


def repair_order_board(*, actor: Actor, site: Site) -> QuerySet[RepairOrder]:
    """A site's open orders for the board: urgent first, then by the time promised (none promised last)."""
    return (
        repair_order_list(actor=actor)
        .filter(site=site)
        .exclude(status=RepairOrder.Status.DELIVERED)
        .order_by("-is_urgent", F("promised_at").asc(nulls_last=True), "created_at")
    )


def service_appointments_today(*, actor: Actor, site: Site, now: datetime.datetime | None = None) -> QuerySet[Booking]:
    """A site's service bookings of today, confirmed or under way, that have no repair order yet: the cars still to take in."""
    now = now or timezone.now()
    tz = zone()
    today = timezone.localdate(now, tz)
    start = datetime.datetime.combine(today, datetime.time.min, tz)
    end = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tz)
    opened = RepairOrder.objects.filter(booking=OuterRef("pk"))
    return (
        bookings_queries.booking_list(actor=actor)
        .filter(site=site, offering__kind=Offering.Kind.SERVICE, status__in=[Booking.Status.CONFIRMED, Booking.Status.STARTED])
        .filter(starts_at__gte=start, starts_at__lt=end)
        .filter(~Exists(opened))
        .order_by("starts_at", "pk")
    )


def order_update_list(*, actor: Actor) -> QuerySet[OrderUpdate]:
    """Updates of the orders the actor may see: what staff media is served from."""
    return actor.scope(OrderUpdate.objects.select_related("order"))


def loan_photo_list(*, actor: Actor) -> QuerySet[LoanPhoto]:
    return actor.scope(LoanPhoto.objects.select_related("loan"))


def courtesy_vehicle_board(*, actor: Actor, site: Site) -> QuerySet[CourtesyVehicle]:
    """A site's courtesy cars, each with its open loan (who has it, since when) in `open_loans`."""
    open_loans = Loan.objects.filter(back_at__isnull=True).select_related("customer", "order", "lent_by").prefetch_related("photos")
    return (
        courtesy_vehicle_list(actor=actor)
        .filter(site=site)
        .prefetch_related(Prefetch("loans", queryset=open_loans, to_attr="open_loans"))
        .order_by("-is_active", "name")
    )


def courtesy_vehicles_available(*, actor: Actor, site: Site) -> QuerySet[CourtesyVehicle]:
    """A site's courtesy cars that can be lent now: in service and not out on a loan."""
    out = Loan.objects.filter(courtesy_vehicle=OuterRef("pk"), back_at__isnull=True)
    return courtesy_vehicle_list(actor=actor).filter(site=site, is_active=True).filter(~Exists(out)).order_by("name")


def vehicle_history(*, actor: Actor, vehicle: Vehicle) -> QuerySet[RepairOrder]:
    """The car's visits to the workshops the actor can see, latest first: its service history."""
    return repair_order_list(actor=actor).filter(vehicle=vehicle).order_by("-created_at", "-pk")
