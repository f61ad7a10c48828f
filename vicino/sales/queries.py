"""Reads about leads and vehicles, scoped to the actor: the list, the board, stock, the attribution report."""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vicino.core.actor import Actor
from vicino.core.models import Membership, Site, User
from vicino.core.roles import Role
from vicino.people.models import Channel

from .models import Activity, AdfDocument, ConsultantAvailability, Lead, StockVehicle, VehicleModel
from .routing import opening_hours_of, opening_minutes_between

BOARD_CARDS_PER_COLUMN = 25


def lead_list(*, actor: Actor) -> QuerySet[Lead]:
    return actor.scope(Lead.objects.select_related("customer", "site", "assigned_to", "vehicle_model", "stock_vehicle"))


def lead_sites(*, actor: Actor) -> QuerySet[Site]:
    """The sites whose leads the actor may see: their own, or the network's for head office."""
    return actor.scope(Site.objects.filter(is_active=True)).order_by("name")


def lead_filter(leads: QuerySet[Lead], *, stage: str = "", channel: str = "", campaign: str = "", consultant: User | None = None,
                site: Site | None = None, text: str = "") -> QuerySet[Lead]:  # fmt: skip
    if stage == "open":
        leads = leads.filter(stage__in=Lead.OPEN_STAGES)
    elif stage:
        leads = leads.filter(stage=stage)
    if channel:
        leads = leads.filter(channel=channel)
    if campaign:
        leads = leads.filter(campaign=campaign)
    if consultant is not None:
        leads = leads.filter(assigned_to=consultant)
    if site is not None:
        leads = leads.filter(site=site)
    for word in text.split():
        leads = leads.filter(Q(customer__last_name__icontains=word) | Q(customer__first_name__icontains=word) | Q(customer__company_name__icontains=word))
    return leads


def site_consultants(*, site: Site) -> list[User]:
    """The people a site's leads can be given to: its consultants and managers."""
    memberships = Membership.objects.filter(site=site, role__in=[Role.SALES_CONSULTANT, Role.SITE_MANAGER], user__is_active=True)
    return list(User.objects.filter(pk__in=memberships.values("user")).order_by("full_name"))


# What a card shows, and no more: a column reads 25 slim rows instead of three wide tables.
BOARD_CARD_FIELDS = (
    "id", "network_id", "site_id", "stage", "created_at", "interest", "channel", "campaign", "first_response_at", "vehicle_text",
    "customer__erased_at", "customer__kind", "customer__first_name", "customer__last_name", "customer__company_name",
    "assigned_to__full_name", "assigned_to__email",
    "vehicle_model__make", "vehicle_model__model", "vehicle_model__trim",
    "stock_vehicle__make", "stock_vehicle__model", "stock_vehicle__trim", "stock_vehicle__plate", "stock_vehicle__vin",
)  # fmt: skip


@dataclass
class RoundRobinPlace:
    consultant: User
    available: bool


def site_round_robin(*, site: Site) -> list[RoundRobinPlace]:
    """The site's sales consultants and whether new leads go to them (a consultant never marked away does)."""
    users = User.objects.filter(
        pk__in=Membership.objects.filter(site=site, role=Role.SALES_CONSULTANT).values("user"), is_active=True
    ).order_by("full_name", "pk")
    away = set(ConsultantAvailability.objects.filter(site=site, is_available=False).values_list("user_id", flat=True))
    return [RoundRobinPlace(consultant=user, available=user.pk not in away) for user in users]


@dataclass
class BoardColumn:
    stage: str
    label: str
    count: int
    leads: list[Lead]

    @property
    def more(self) -> int:
        return self.count - len(self.leads)


def lead_board(*, actor: Actor, site: Site, consultant: User | None = None, channel: str = "", now: datetime.datetime | None = None) -> list[BoardColumn]:
    """The open leads of a site by stage: every column's count, and its newest cards.

    One query counts the columns and one per column reads its first cards, off the
    (site, stage, created) index, so a site with thousands of open leads costs what one with
    fifty does; "show more" is the filterable list.
    """
    now = now or timezone.now()
    leads = lead_filter(lead_list(actor=actor).filter(site=site), consultant=consultant, channel=channel).only(*BOARD_CARD_FIELDS)
    counts = dict(leads.filter(stage__in=Lead.OPEN_STAGES).order_by().values_list("stage").annotate(n=Count("pk")))
    hours = opening_hours_of([site.pk]).get(site.pk, [])
    interests = {value: str(label) for value, label in Lead.Interest.choices}
    channels = {value: str(label) for value, label in Channel.choices}
    columns = []
    for stage in Lead.OPEN_STAGES:
        cards = list(leads.filter(stage=stage).order_by("-created_at", "-id")[:BOARD_CARDS_PER_COLUMN]) if counts.get(stage) else []
        for lead in cards:
            lead.waiting_minutes = None if lead.first_response_at else opening_minutes_between(hours, lead.created_at, now)
            # Labels read once per board: Django's get_FOO_display hashes the whole choice list on every call.
            lead.card_vehicle = lead.vehicle_label or interests[lead.interest]
            lead.card_channel = channels.get(lead.channel, lead.channel)
        columns.append(BoardColumn(stage=stage, label=str(Lead.Stage(stage).label), count=counts.get(stage, 0), leads=cards))
    return columns


def lead_activities(*, actor: Actor, lead: Lead) -> QuerySet[Activity]:
    return actor.scope(Activity.objects.filter(lead=lead).select_related("by"))


def stock_list(*, actor: Actor) -> QuerySet[StockVehicle]:
    return actor.scope(StockVehicle.objects.select_related("site", "vehicle_model"))


def catalogue(*, actor: Actor) -> QuerySet[VehicleModel]:
    return actor.scope(VehicleModel.objects.all())


def adf_documents(*, actor: Actor) -> QuerySet[AdfDocument]:
    return actor.scope(AdfDocument.objects.all())


# --- Attribution ------------------------------------------------------------------------

REPORT_DIMENSIONS = {
    "channel": gettext_lazy("Channel"),
    "campaign": gettext_lazy("Campaign"),
    "site": gettext_lazy("Site"),
    "consultant": gettext_lazy("Consultant"),
}
_GROUP_COLUMN = {"channel": "channel", "campaign": "campaign", "site": "site_id", "consultant": "assigned_to_id"}


@dataclass
class ReportRow:
    key: object
    label: str
    leads: int = 0
    test_drives: int = 0
    orders: int = 0
    deliveries: int = 0
    median_response_minutes: float | None = None
    _responses: list[int] = field(default_factory=list, repr=False)

    def rate(self, count: int) -> float | None:
        return round(100 * count / self.leads, 1) if self.leads else None

    @property
    def test_drive_rate(self) -> float | None:
        return self.rate(self.test_drives)

    @property
    def order_rate(self) -> float | None:
        return self.rate(self.orders)

    @property
    def delivery_rate(self) -> float | None:
        return self.rate(self.deliveries)


def attribution_report(*, actor: Actor, start: datetime.date, end: datetime.date, by: str = "channel") -> tuple[list[ReportRow], ReportRow]:
    """Leads received in [start, end] by channel, campaign, site or consultant: how many reached a
    test drive, an order and the delivery, and the median first response in opening minutes.

    A lead counts in the period it arrived, whenever it converted: conversion is the
    period's leads turning into sales, the measure head office compares channels by.
    """
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
    column = _GROUP_COLUMN[by]
    leads = actor.scope(Lead.objects.filter(created_at__gte=since, created_at__lt=until)).order_by()
    rows: dict[object, ReportRow] = {}
    for key, total, test_drives, orders, deliveries in leads.values_list(column).annotate(
        total=Count("pk"),
        test_drives=Count("pk", filter=Q(test_drive_at__isnull=False)),
        orders=Count("pk", filter=Q(ordered_at__isnull=False)),
        deliveries=Count("pk", filter=Q(delivered_at__isnull=False)),
    ):
        rows[key] = ReportRow(key=key, label="", leads=total, test_drives=test_drives, orders=orders, deliveries=deliveries)
    total = ReportRow(key=None, label=_("All"))
    for key, minutes in leads.filter(response_minutes__isnull=False).values_list(column, "response_minutes").iterator():
        rows[key]._responses.append(minutes)
        total._responses.append(minutes)
    labels = _labels(by, list(rows))
    for row in rows.values():
        row.label = labels.get(row.key, "") or (_("(none)") if by != "consultant" else _("(nobody)"))
        row.median_response_minutes = statistics.median(row._responses) if row._responses else None
        for name in ("leads", "test_drives", "orders", "deliveries"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    total.median_response_minutes = statistics.median(total._responses) if total._responses else None
    ordered = sorted(rows.values(), key=lambda row: (-row.leads, row.label))
    return ordered, total


def _labels(by: str, keys: list) -> dict:
    if by == "channel":
        return {key: str(Channel(key).label) if key in Channel.values else key for key in keys}
    if by == "campaign":
        return {key: key for key in keys}
    if by == "site":
        return dict(Site.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    return {user.pk: str(user) for user in User.objects.filter(pk__in=[k for k in keys if k])}
