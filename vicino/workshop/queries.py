"""Reads about the workshop, scoped to the actor: orders for the board and their pages, vehicles, courtesy cars."""

from django.db.models import Prefetch, QuerySet

from vicino.core.actor import Actor

from .models import CourtesyVehicle, Finding, Loan, OrderUpdate, RepairOrder, Vehicle


def repair_order_list(*, actor: Actor) -> QuerySet[RepairOrder]:
    return actor.scope(RepairOrder.objects.select_related("site", "customer", "vehicle", "advisor", "technician", "bay"))


def repair_order_detail(*, actor: Actor) -> QuerySet[RepairOrder]:
    """An order's page: its lines, updates, findings, status history and loans, each read once."""
    return repair_order_list(actor=actor).prefetch_related(
        "lines", "events__by",
        Prefetch("updates", queryset=OrderUpdate.objects.select_related("author")),
        Prefetch("findings", queryset=Finding.objects.select_related("update", "recorded_by")),
        Prefetch("loans", queryset=Loan.objects.select_related("courtesy_vehicle")),
    )  # fmt: skip


def vehicle_list(*, actor: Actor) -> QuerySet[Vehicle]:
    """The network's vehicles: any of its workshops may service any of them."""
    return actor.scope(Vehicle.objects.prefetch_related("owners"))


def courtesy_vehicle_list(*, actor: Actor) -> QuerySet[CourtesyVehicle]:
    return actor.scope(CourtesyVehicle.objects.select_related("site"))


def loan_list(*, actor: Actor) -> QuerySet[Loan]:
    return actor.scope(Loan.objects.select_related("courtesy_vehicle", "customer", "order"))
