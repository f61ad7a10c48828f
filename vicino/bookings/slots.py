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
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
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


class _Busy:
    """One resource's holds and closures, sorted by start.

    Closures may overlap holds, so next to the starts goes the running maximum of the ends:
    an interval [start, end) is free when everything that starts before `end` is over by `start`.
    """

    def __init__(self, intervals: list[Interval]) -> None:
        intervals.sort()
        self.starts = [start for start, _end in intervals]
        self.reach = []
        furthest = None
        for _start, end in intervals:
            furthest = end if furthest is None or end > furthest else furthest
            self.reach.append(furthest)

    def __len__(self) -> int:
        return len(self.starts)

    def is_free(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i == 0 or self.reach[i - 1] <= start


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
        intervals: dict[int, list[Interval]] = {rid: [] for rid in resources}
        for rows in (
            Allocation.objects.filter(resource__in=list(resources), is_active=True, starts_at__lt=end, ends_at__gt=start),
            Closure.objects.filter(resource__in=list(resources), starts_at__lt=end, ends_at__gt=start),
        ):
            for rid, starts, ends in rows.values_list("resource_id", "starts_at", "ends_at"):
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
        tz = zone()
        if self.closed_because(date):
            return []
        hours = [self.exceptions[date]] if date in self.exceptions else self.site_hours.get(date.weekday(), [])
        return [(datetime.datetime.combine(date, opens, tz), datetime.datetime.combine(date, closes, tz)) for opens, closes in hours]

    def _windows(self, rid: int, date: datetime.date) -> list[Interval]:
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

    def free_resources(self, need: OfferingNeed, vehicle_model_id: int | None, start: datetime.datetime, end: datetime.datetime,
                       hold: Interval) -> list[Resource]:  # fmt: skip
        """The resources of the need's kind that can take [start, end), with the buffers `hold` free."""
        date = timezone.localtime(start, zone()).date()
        found = []
        for rid, resource in self.resources.items():
            if resource.kind != need.kind or (need.of_chosen_model and resource.vehicle_model_id != vehicle_model_id):
                continue
            if not any(ws <= start and end <= we for ws, we in self._windows(rid, date)):
                continue
            if self.busy[rid].is_free(*hold):
                found.append(resource)
        return found

    def allocation_for(self, offering: Offering, needs: list[OfferingNeed], start: datetime.datetime,
                       vehicle_model_id: int | None = None) -> list[Resource] | None:  # fmt: skip
        """The resources a booking at `start` would hold, or None when one need cannot be met."""
        end = start + datetime.timedelta(minutes=offering.duration_minutes)
        hold = hold_of(offering, start)
        if not any(os_ <= start and end <= oe for os_, oe in self.open_intervals(timezone.localtime(start, zone()).date())):
            return None
        chosen: list[Resource] = []
        for need in needs:
            free = self.free_resources(need, vehicle_model_id, start, end, hold)
            if len(free) < need.quantity:
                return None
            # Spread the work: the resource with the fewest holds goes first.
            free.sort(key=lambda r: (len(self.busy[r.pk]), r.name, r.pk))
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
        date = self.first
        while date <= self.last:
            free = []
            if date <= latest_day:
                for open_start, open_end in self.open_intervals(date):
                    start = open_start
                    while start + duration <= open_end:
                        if start >= earliest and self.allocation_for(offering, needs, start, vehicle_model_id) is not None:
                            free.append(Slot(start, start + duration))
                        start += step
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
