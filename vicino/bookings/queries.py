"""Reads about bookings, scoped to the actor: the bookings, the sites' diaries, offerings and resources."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from vicino.core.actor import Actor
from vicino.core.models import OpeningHours, Site

from .models import Allocation, Booking, BookingCheck, Closure, Offering, OpeningException, Resource, SiteCalendar
from .slots import zone

ROW_MINUTES = 30
# A site without opening hours still gets a grid to book into.
DEFAULT_SPAN = (datetime.time(8), datetime.time(20))


def booking_list(*, actor: Actor) -> QuerySet[Booking]:
    return actor.scope(Booking.objects.select_related("customer", "offering", "site", "vehicle_model", "lead"))


def booking_detail(*, actor: Actor) -> QuerySet[Booking]:
    """A booking's page: what it holds and its preparation, each read once."""
    return booking_list(actor=actor).prefetch_related(
        Prefetch("allocations", queryset=Allocation.objects.filter(is_active=True).select_related("resource")),
        Prefetch("checks", queryset=BookingCheck.objects.select_related("done_by")),
    )


def diary_sites(*, actor: Actor) -> QuerySet[Site]:
    """The sites whose diary the actor may keep: their own, or the network's for head office."""
    return actor.scope(Site.objects.filter(is_active=True)).order_by("name")


def offering_list(*, actor: Actor) -> QuerySet[Offering]:
    return actor.scope(Offering.objects.select_related("site").prefetch_related("needs"))


def resource_list(*, actor: Actor) -> QuerySet[Resource]:
    return actor.scope(Resource.objects.select_related("site", "user", "vehicle_model"))


def closure_list(*, actor: Actor) -> QuerySet[Closure]:
    return actor.scope(Closure.objects.select_related("resource"))


def opening_exception_list(*, actor: Actor) -> QuerySet[OpeningException]:
    return actor.scope(OpeningException.objects.all())


@dataclass
class Setup:
    """What a site's diary is made of, as its manager sets it up."""

    site: Site
    resources: list[Resource]
    offerings: list[Offering]
    closures: list[Closure]
    exceptions: list[OpeningException]
    calendar: SiteCalendar | None


def setup_of(*, actor: Actor, site: Site, now: datetime.datetime | None = None) -> Setup:
    """The site's resources with their hours, offerings with needs and checklists, and the closures and days to come."""
    now = now or timezone.now()
    today = timezone.localdate(now, zone())
    return Setup(
        site=site,
        resources=list(resource_list(actor=actor).filter(site=site).prefetch_related("hours").order_by("kind", "name")),
        offerings=list(offering_list(actor=actor).filter(site=site).prefetch_related("checklists__steps").order_by("name")),
        closures=list(closure_list(actor=actor).filter(resource__site=site, ends_at__gt=now).order_by("starts_at")),
        exceptions=list(opening_exception_list(actor=actor).filter(site=site, date__gte=today).order_by("date")),
        calendar=actor.scope(SiteCalendar.objects.filter(site=site)).first(),
    )


@dataclass
class Column:
    key: str
    label: str
    date: datetime.date
    resource: Resource | None = None


@dataclass
class Calendar:
    """A site's diary for a day (one column per resource) or a week (one per day), in rows of half an hour."""

    site: Site
    view: str
    first: datetime.date
    columns: list[Column]
    rows: list[datetime.time]
    cells: dict[tuple[str, datetime.time], list[Booking]] = field(default_factory=dict)
    resource: Resource | None = None

    def grid(self) -> list[tuple[datetime.time, list[tuple[Column, list[Booking]]]]]:
        return [(row, [(column, self.cells.get((column.key, row), [])) for column in self.columns]) for row in self.rows]


def diary_resources(*, actor: Actor, site: Site) -> list[Resource]:
    return list(resource_list(actor=actor).filter(site=site, is_active=True).order_by("kind", "name"))


def calendar_of(*, actor: Actor, site: Site, first: datetime.date, view: str = "week", resource: Resource | None = None,
                resources: list[Resource] | None = None) -> Calendar:  # fmt: skip
    """The bookings of a site's day or week, placed in their column and half-hour row; a fixed number of queries.

    The day has a column per resource (`resources`, read here when not given), the week one per day.
    """
    days = 1 if view == "day" else 7
    dates = [first + datetime.timedelta(days=n) for n in range(days)]
    if view == "day" and resource is None and resources is None:
        resources = diary_resources(actor=actor, site=site)
    if view == "day":
        columns = [Column(f"r{r.pk}", r.name, first, r) for r in ([resource] if resource else resources)]
    else:
        columns = [Column(date.isoformat(), "", date) for date in dates]
    tz = zone()
    start = datetime.datetime.combine(dates[0], datetime.time.min, tz)
    end = datetime.datetime.combine(dates[-1] + datetime.timedelta(days=1), datetime.time.min, tz)
    bookings = booking_list(actor=actor).filter(site=site, starts_at__gte=start, starts_at__lt=end).exclude(status=Booking.Status.CANCELLED)
    if resource is not None:
        bookings = bookings.filter(allocations__resource=resource).distinct()
    bookings = bookings.prefetch_related(Prefetch("allocations", queryset=Allocation.objects.only("booking_id", "resource_id"))).order_by("starts_at", "pk")
    calendar = Calendar(site, view, first, columns, _rows(site, dates), resource=resource)
    cells: dict[tuple[str, datetime.time], list[Booking]] = defaultdict(list)
    for booking in bookings:
        local = timezone.localtime(booking.starts_at, tz)
        row = _row_of(local.time())
        if view == "day":
            held = {a.resource_id for a in booking.allocations.all()}
            keys = [column.key for column in columns if column.resource.pk in held]
        else:
            keys = [local.date().isoformat()]
        for key in keys:
            cells[(key, row)].append(booking)
    calendar.cells = dict(cells)
    return calendar


def _row_of(at: datetime.time) -> datetime.time:
    minutes = (at.hour * 60 + at.minute) // ROW_MINUTES * ROW_MINUTES
    return datetime.time(minutes // 60, minutes % 60)


def _rows(site: Site, dates: list[datetime.date]) -> list[datetime.time]:
    """Half hours from the earliest opening to the latest closing of those weekdays."""
    weekdays = {date.weekday() for date in dates}
    spans = [(o, c) for w, o, c in OpeningHours.objects.filter(site=site).values_list("weekday", "opens_at", "closes_at") if w in weekdays]
    opens, closes = (min(o for o, _c in spans), max(c for _o, c in spans)) if spans else DEFAULT_SPAN
    rows, at = [], _row_of(opens)
    while at < closes:
        rows.append(at)
        minutes = at.hour * 60 + at.minute + ROW_MINUTES
        if minutes >= 24 * 60:
            break
        at = datetime.time(minutes // 60, minutes % 60)
    return rows
