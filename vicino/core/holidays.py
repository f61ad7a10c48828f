"""Italian public holidays (festività nazionali), for opening hours and the first-response clock.

The national days are fixed in law (L. 260/1949 and later changes) plus Easter Monday; Easter
itself is a Sunday and Sundays are already closing days for most sites, but it is listed so a
site open on Sundays closes too. Saint Francis' day (4 October) is a national holiday again
from 2026 (L. 151/2025). Each town also has its patron saint's day (Sant'Ambrogio on
7 December in Milano, San Petronio on 4 October in Bologna): that one is the site's, given here
as (month, day).
"""

import datetime
from functools import cache

from django.utils.translation import gettext_lazy as _

_FIXED = [
    ((1, 1), _("New Year's Day"), None),
    ((1, 6), _("Epiphany"), None),
    ((4, 25), _("Liberation Day"), None),
    ((5, 1), _("Labour Day"), None),
    ((6, 2), _("Republic Day"), None),
    ((8, 15), _("Ferragosto"), None),
    ((10, 4), _("Saint Francis of Assisi"), 2026),
    ((11, 1), _("All Saints' Day"), None),
    ((12, 8), _("Immaculate Conception"), None),
    ((12, 25), _("Christmas Day"), None),
    ((12, 26), _("Saint Stephen's Day"), None),
]


def easter_sunday(year: int) -> datetime.date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return datetime.date(year, month, day)


@cache
def _national(year: int) -> dict[datetime.date, str]:
    days = {datetime.date(year, month, day): name for (month, day), name, since in _FIXED if since is None or year >= since}
    easter = easter_sunday(year)
    days[easter] = _("Easter Sunday")
    days[easter + datetime.timedelta(days=1)] = _("Easter Monday")
    return days


def is_national_holiday(date: datetime.date) -> bool:
    """Whether the whole country is off that day (cheap: each year's days are worked out once)."""
    return date in _national(date.year)


def holidays_of(year: int, *, patron_day: tuple[int, int] | None = None, patron_name: str = "") -> dict[datetime.date, str]:
    """The year's public holidays, the local patron saint's day included when the site has one."""
    days = dict(_national(year))
    if patron_day:
        month, day = patron_day
        try:
            date = datetime.date(year, month, day)
        except ValueError:  # 29 February in a common year: no local holiday that year
            return {date: str(name) for date, name in days.items()}
        days.setdefault(date, patron_name or _("Patron saint's day"))
    return {date: str(name) for date, name in days.items()}


def holiday_name(date: datetime.date, *, patron_day: tuple[int, int] | None = None, patron_name: str = "") -> str:
    """The holiday's name, or "" on a working day."""
    return holidays_of(date.year, patron_day=patron_day, patron_name=patron_name).get(date, "")
