"""Free slots: when an offering can be booked, given every resource it needs, their hours, closures,
the site's opening hours and holidays, buffers, and the bookings already made.

A `Diary` reads a site's period once — six queries whatever its size — and answers in memory:
each resource's holds are kept sorted, so "is it free from 10:00 to 11:15?" is one bisection.
The booking service asks the same `Diary`, inside its transaction, so the page and the
booking can never disagree about what is free.
"""

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import FloatField, Func
from django.utils import timezone

from vicino.core.holidays import holidays_of
from vicino.core.models import OpeningHours, Site

from .models import Allocation, Closure, Offering, OfferingNeed, OpeningException, Resource, ResourceHours, SiteCalendar

Interval = tuple[datetime.datetime, datetime.datetime]


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime


class Epoch(Func):
    """A timestamp column as POSIX seconds, read by the database: thousands of holds then cost no datetime parsing."""

    output_field = FloatField()
    # Both databases already return a float: no converter to call on every value of every row.
    convert_value = staticmethod(Func._convert_value_noop)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS REAL)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra)


class _Busy:
    """One resource's holds and closures, sorted by start.

    Closures may overlap holds, so next to the starts goes the running maximum of the ends:
    an interval [start, end) is free when everything that starts before `end` is over by `start`.
    """

    def __init__(self, intervals: list[tuple[float, float]]) -> None:
        # POSIX seconds, not datetimes: comparing aware datetimes of two time zones costs an
        # offset lookup each time, and a week's slots make tens of thousands of comparisons.
        pairs = sorted(intervals)
        self.starts = [start for start, _end in pairs]
        self.reach = []
        furthest = float("-inf")
        for _start, end in pairs:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def __len__(self) -> int:
        return len(self.starts)

    def is_free(self, start: float, end: float) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i == 0 or self.reach[i - 1] <= start


# A resource that may serve a need on a day, with its windows that day (POSIX seconds) and its holds.
Candidate = tuple[Resource, list[tuple[float, float]], _Busy]


@dataclass
class Diary:
    """A site's opening, resources and holds for a period of days (local dates, both included)."""

    site: Site
    first: datetime.date
    last: datetime.date
    site_hours: dict[int, list[tuple[datetime.time, datetime.time]]]
    exceptions: dict[datetime.date, tuple[datetime.time, datetime.time] | None]
    holidays: dict[datetime.date, str]
    resources: dict[int, Resource]
    resource_hours: dict[int, dict[int, list[tuple[datetime.time, datetime.time]]]]
    busy: dict[int, _Busy]
    # Asked hundreds of times for a week's slots: each day's opening and each resource's windows are worked out once.
    _open: dict[datetime.date, list[Interval]] = field(default_factory=dict)
    _windows_of: dict[tuple[int, datetime.date], list[tuple[float, float]]] = field(default_factory=dict)
    _by_kind: dict[str, list[Resource]] = field(default_factory=dict)
    _candidates_of: dict[tuple[str, bool, int | None, datetime.date], list[Candidate]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for resource in self.resources.values():
            self._by_kind.setdefault(resource.kind, []).append(resource)

    @classmethod
    def load(cls, site: Site, first: datetime.date, last: datetime.date, *, kinds: set[str] | None = None) -> "Diary":
        tz = zone()
        start = datetime.datetime.combine(first, datetime.time.min, tz) - datetime.timedelta(days=1)
        end = datetime.datetime.combine(last, datetime.time.max, tz) + datetime.timedelta(days=1)
        site_hours: dict[int, list] = defaultdict(list)
        for weekday, opens, closes in OpeningHours.objects.filter(site=site).order_by("weekday", "opens_at").values_list("weekday", "opens_at", "closes_at"):
            site_hours[weekday].append((opens, closes))
        exceptions = {
            date: (opens, closes) if opens else None
            for date, opens, closes in OpeningException.objects.filter(site=site, date__range=(first, last)).values_list("date", "opens_at", "closes_at")
        }
        calendar = SiteCalendar.objects.filter(site=site).first()
        holidays: dict[datetime.date, str] = {}
        for year in range(first.year, last.year + 1):
            holidays.update(holidays_of(year, patron_day=calendar.patron_date if calendar else None, patron_name=calendar.patron_saint if calendar else ""))
        resources = Resource.objects.filter(site=site, is_active=True)
        if kinds is not None:
            resources = resources.filter(kind__in=kinds)
        resources = {r.pk: r for r in resources.order_by("name", "pk")}
        resource_hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for rid, weekday, starts, ends in ResourceHours.objects.filter(resource__in=list(resources)).order_by("starts_at").values_list(
            "resource_id", "weekday", "starts_at", "ends_at"
        ):
            resource_hours[rid][weekday].append((starts, ends))
        intervals: dict[int, list[tuple[float, float]]] = {rid: [] for rid in resources}
        # Holds and closures in one query, one round trip fewer; the holds through the index by resource and end
        # (`allocation_resource_until`), which reads those ending after `start`, not the years of past ones.
        ids, when = list(resources), ("resource_id", Epoch("starts_at"), Epoch("ends_at"))
        holds = Allocation.objects.filter(resource__in=ids, is_active=True, starts_at__lt=end, ends_at__gt=start)
        closures = Closure.objects.filter(resource__in=ids, starts_at__lt=end, ends_at__gt=start)
        for rid, starts, ends in holds.values_list(*when).union(closures.values_list(*when), all=True):
            intervals[rid].append((starts, ends))
        busy = {rid: _Busy(held) for rid, held in intervals.items()}
        return cls(site, first, last, dict(site_hours), exceptions, holidays, resources, resource_hours, busy)

    # --- Opening ------------------------------------------------------------------------

    def closed_because(self, date: datetime.date) -> str:
        """Why the site is shut all day ("" when it opens): a holiday, an exception, or no hours that weekday."""
        if date in self.exceptions:
            return "" if self.exceptions[date] else "exception"
        if date in self.holidays:
            return "holiday"
        return "" if self.site_hours.get(date.weekday()) else "closed"

    def open_intervals(self, date: datetime.date) -> list[Interval]:
        if date not in self._open:
            tz = zone()
            hours = [] if self.closed_because(date) else [self.exceptions[date]] if date in self.exceptions else self.site_hours.get(date.weekday(), [])
            self._open[date] = [(datetime.datetime.combine(date, opens, tz), datetime.datetime.combine(date, closes, tz)) for opens, closes in hours]
        return self._open[date]

    def _windows(self, rid: int, date: datetime.date) -> list[tuple[float, float]]:
        key = (rid, date)
        if key not in self._windows_of:
            self._windows_of[key] = [(start.timestamp(), end.timestamp()) for start, end in self._windows_work_out(rid, date)]
        return self._windows_of[key]

    def _windows_work_out(self, rid: int, date: datetime.date) -> list[Interval]:
        """When the resource can be used that day: its own hours within the site's opening."""
        site_open = self.open_intervals(date)
        own = self.resource_hours.get(rid, {})
        if not own:
            return site_open
        tz = zone()
        windows = []
        for starts, ends in own.get(date.weekday(), []):
            own_start, own_end = datetime.datetime.combine(date, starts, tz), datetime.datetime.combine(date, ends, tz)
            for open_start, open_end in site_open:
                s, e = max(own_start, open_start), min(own_end, open_end)
                if s < e:
                    windows.append((s, e))
        return windows

    # --- Questions ----------------------------------------------------------------------

    def free_resources(self, need: OfferingNeed, vehicle_model_id: int | None, date: datetime.date, start: float, end: float,
                       hold: tuple[float, float], enough: int | None = None) -> list[Resource]:  # fmt: skip
        """The resources of the need's kind that can take [start, end) on `date`, with the buffers `hold` free
        (POSIX seconds); with `enough`, the search stops once that many are found."""
        found = []
        for resource, windows, busy in self._candidates(need, vehicle_model_id, date):
            for ws, we in windows:
                if ws <= start and end <= we:
                    break
            else:
                continue  # outside its hours
            if busy.is_free(*hold):
                found.append(resource)
                if enough is not None and len(found) >= enough:
                    break
        return found

    def _candidates(self, need: OfferingNeed, vehicle_model_id: int | None, date: datetime.date) -> list[Candidate]:
        """The resources that may serve the need on `date`, each with its windows and holds: a week's slots
        ask thousands of times, so the kind, the model and the day's hours are sorted out once."""
        key = (need.kind, need.of_chosen_model, vehicle_model_id if need.of_chosen_model else None, date)
        if key not in self._candidates_of:
            self._candidates_of[key] = [
                (resource, windows, self.busy[resource.pk])
                for resource in self._by_kind.get(need.kind, ())
                if not (need.of_chosen_model and resource.vehicle_model_id != vehicle_model_id)
                and (windows := self._windows(resource.pk, date))
            ]
        return self._candidates_of[key]

    def allocation_for(self, offering: Offering, needs: list[OfferingNeed], start: datetime.datetime,
                       vehicle_model_id: int | None = None, prefer: frozenset[int] = frozenset()) -> list[Resource] | None:  # fmt: skip
        """The resources a booking at `start` would hold, or None when one need cannot be met.

        Of each kind, the `prefer`red ones when free (a moved booking keeps its consultant and
        car), then those with the fewest holds, so work spreads.
        """
        date = timezone.localtime(start, zone()).date()
        end = start + datetime.timedelta(minutes=offering.duration_minutes)
        if not any(opens <= start and end <= closes for opens, closes in self.open_intervals(date)):
            return None
        held_from, held_until = hold_of(offering, start)
        s, e, hold = start.timestamp(), end.timestamp(), (held_from.timestamp(), held_until.timestamp())
        chosen: list[Resource] = []
        for need in needs:
            free = self.free_resources(need, vehicle_model_id, date, s, e, hold)
            if len(free) < need.quantity:
                return None
            free.sort(key=lambda r: (r.pk not in prefer, len(self.busy[r.pk]), r.name, r.pk))
            chosen.extend(free[: need.quantity])
        return chosen

    def slots(self, offering: Offering, needs: list[OfferingNeed], *, vehicle_model_id: int | None = None,
              now: datetime.datetime | None = None) -> dict[datetime.date, list[Slot]]:  # fmt: skip
        """Every free slot of the period, by day, within the offering's notice and horizon."""
        now = now or timezone.now()
        earliest = now + datetime.timedelta(minutes=offering.min_notice_minutes)
        latest_day = timezone.localtime(now, zone()).date() + datetime.timedelta(days=offering.horizon_days)
        duration = datetime.timedelta(minutes=offering.duration_minutes)
        step = datetime.timedelta(minutes=offering.step_minutes)
        days: dict[datetime.date, list[Slot]] = {}
        # In POSIX seconds: a week is a few hundred candidate times, each checked against every resource.
        tz, earliest_ts = zone(), earliest.timestamp()
        length, step_s = duration.total_seconds(), step.total_seconds()
        before, after = offering.buffer_before_minutes * 60, offering.buffer_after_minutes * 60
        date = self.first
        while date <= self.last:
            free = []
            if date <= latest_day:
                for open_start, open_end in self.open_intervals(date):
                    start, closes = open_start.timestamp(), open_end.timestamp()
                    while start + length <= closes:
                        end = start + length
                        if start >= earliest_ts and all(
                            len(self.free_resources(need, vehicle_model_id, date, start, end, (start - before, end + after), enough=need.quantity))
                            >= need.quantity
                            for need in needs
                        ):
                            at = datetime.datetime.fromtimestamp(start, tz)
                            free.append(Slot(at, at + duration))
                        start += step_s
            days[date] = free
            date += datetime.timedelta(days=1)
        return days


def hold_of(offering: Offering, start: datetime.datetime) -> Interval:
    """What a booking at `start` holds: its own time and the buffers around it."""
    return (
        start - datetime.timedelta(minutes=offering.buffer_before_minutes),
        start + datetime.timedelta(minutes=offering.duration_minutes + offering.buffer_after_minutes),
    )


def week_slots(*, offering: Offering, first: datetime.date, days: int = 7, vehicle_model_id: int | None = None,
               now: datetime.datetime | None = None) -> dict[datetime.date, list[Slot]]:  # fmt: skip
    """The offering's free slots for `days` days from `first`."""
    needs = list(offering.needs.all())
    diary = Diary.load(offering.site, first, first + datetime.timedelta(days=days - 1), kinds={need.kind for need in needs})
    return diary.slots(offering, needs, vehicle_model_id=vehicle_model_id, now=now)
