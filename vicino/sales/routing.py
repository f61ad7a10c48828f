"""Which site and which consultant a new lead goes to, and how long it has waited in opening hours.

The rules, the same for every network (decision 005):

1. the site the customer chose (on the site's own form, or the ADF vendor), if it takes leads;
2. else the site nearest to the customer's province, or the province of their CAP;
3. else the network's first site that takes leads.

Within the site, round-robin among the sales consultants marked available: the one whose
last lead is oldest gets the next. A `Router` loads a network's sites and consultants once,
so the ADF import routes thousands of leads without a query each; `save()` writes back
who got leads, so the round-robin goes on where it stopped.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from vicino.core.geography import province_nearest, province_of_cap
from vicino.core.holidays import is_national_holiday
from vicino.core.models import Membership, OpeningHours, Site, User
from vicino.core.roles import Role

from .models import ConsultantAvailability, SiteSalesSettings

# Offices run the network; they do not sell cars.
SELLING_KINDS = (Site.Kind.DEALERSHIP, Site.Kind.STORE, Site.Kind.MALL)


@dataclass
class Router:
    """A network's sites and consultants, read once, for routing one lead or a whole import."""

    network_id: int
    sites: list[Site] = field(default_factory=list)
    _queues: dict[int, list[ConsultantAvailability]] = field(default_factory=dict)
    _users: dict[int, User] = field(default_factory=dict)
    _touched: set[int] = field(default_factory=set)
    _by_province: dict[str, Site | None] = field(default_factory=dict)

    @classmethod
    def load(cls, *, network_id: int, lock: bool = False) -> "Router":
        """`lock` holds the consultants' rows (PostgreSQL) so that two leads routed at once
        do not both go to the same person; the import routes its own batch in memory."""
        router = cls(network_id=network_id)
        refusing = set(SiteSalesSettings.objects.filter(site__network_id=network_id, takes_leads=False).values_list("site_id", flat=True))
        router.sites = [
            site for site in Site.objects.filter(network_id=network_id, is_active=True, kind__in=SELLING_KINDS).order_by("name", "pk")
            if site.pk not in refusing
        ]  # fmt: skip
        consultants = Membership.objects.filter(
            network_id=network_id, role=Role.SALES_CONSULTANT, site__in=[s.pk for s in router.sites], user__is_active=True
        ).select_related("user")
        present = {(m.site_id, m.user_id): m.user for m in consultants}
        rows = ConsultantAvailability.objects.filter(site__network_id=network_id)
        if lock:
            rows = rows.select_for_update()
        known = {(row.site_id, row.user_id): row for row in rows}
        missing = [ConsultantAvailability(site_id=s, user_id=u) for (s, u) in present if (s, u) not in known]
        if missing:
            ConsultantAvailability.objects.bulk_create(missing, ignore_conflicts=True)
            known.update({(row.site_id, row.user_id): row for row in ConsultantAvailability.objects.filter(site__network_id=network_id)})
        for (site_id, user_id), row in known.items():
            if (site_id, user_id) in present and row.is_available:
                router._queues.setdefault(site_id, []).append(row)
                router._users[user_id] = present[(site_id, user_id)]
        return router

    def site_for(self, *, chosen: Site | None = None, province: str = "", cap: str = "") -> Site | None:
        if chosen is not None and any(site.pk == chosen.pk for site in self.sites):
            return chosen
        province = (province or "").upper() or (province_of_cap(cap) or "")
        if province not in self._by_province:
            by_province: dict[str, list[Site]] = defaultdict(list)
            for site in self.sites:
                by_province[site.province].append(site)
            nearest = province_nearest(province, by_province) if province else None
            self._by_province[province] = by_province[nearest][0] if nearest else (self.sites[0] if self.sites else None)
        return self._by_province[province]

    def site_by_reference(self, *, code: str = "", name: str = "") -> Site | None:
        """The site an ADF vendor names: its code as the vendor id, or its name."""
        code, name = code.strip().casefold(), name.strip().casefold()
        for site in self.sites:
            if code and site.code.casefold() == code:
                return site
        for site in self.sites:
            if name and site.name.casefold() == name:
                return site
        return None

    def consultant_for(self, site: Site, at: datetime.datetime) -> User | None:
        queue = self._queues.get(site.pk)
        if not queue:
            return None
        epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        row = min(queue, key=lambda r: (r.last_assigned_at or epoch, r.user_id))
        row.last_assigned_at = at
        self._touched.add(row.pk)
        return self._users[row.user_id]

    def save(self) -> None:
        rows = [row for queue in self._queues.values() for row in queue if row.pk in self._touched]
        if rows:
            ConsultantAvailability.objects.bulk_update(rows, ["last_assigned_at"])
        self._touched.clear()


# --- The first-response clock -----------------------------------------------------------


def opening_hours_of(site_ids: list[int]) -> dict[int, list[tuple[int, datetime.time, datetime.time]]]:
    hours: dict[int, list] = defaultdict(list)
    for row in OpeningHours.objects.filter(site_id__in=site_ids).order_by("weekday", "opens_at"):
        hours[row.site_id].append((row.weekday, row.opens_at, row.closes_at))
    return hours


def opening_minutes_between(hours: list[tuple[int, datetime.time, datetime.time]], start: datetime.datetime, end: datetime.datetime) -> int:
    """Whole minutes between `start` and `end` that fall in the site's opening hours (local time).

    A site without opening hours counts every minute: nothing says when it is closed.
    National public holidays count as closed days (`core/holidays.py`); a site's own days
    (its patron saint, exceptions) are the bookings calendar's, which sits above sales.
    """
    if end <= start:
        return 0
    if not hours:
        return int((end - start).total_seconds() // 60)
    zone = ZoneInfo(settings.TIME_ZONE)
    start, end = start.astimezone(zone), end.astimezone(zone)
    by_day: dict[int, list] = defaultdict(list)
    for weekday, opens, closes in hours:
        by_day[weekday].append((opens, closes))
    seconds = 0.0
    day = start.date()
    # A year is far beyond any lead's wait; the bound keeps a wrong date from looping for long.
    for _step in range(366):
        if day > end.date():
            break
        for opens, closes in () if is_national_holiday(day) else by_day.get(day.weekday(), ()):
            window_start = datetime.datetime.combine(day, opens, zone)
            window_end = datetime.datetime.combine(day, closes, zone)
            overlap = (min(end, window_end) - max(start, window_start)).total_seconds()
            if overlap > 0:
                seconds += overlap
        day += datetime.timedelta(days=1)
    return int(seconds // 60)


def is_open_at(hours: list[tuple[int, datetime.time, datetime.time]], at: datetime.datetime) -> bool:
    if not hours:
        return True
    local = timezone.localtime(at, ZoneInfo(settings.TIME_ZONE))
    return any(weekday == local.weekday() and opens <= local.time() < closes for weekday, opens, closes in hours)
