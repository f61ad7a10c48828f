"""Italian public holidays: the fixed days, Easter Monday, Saint Francis from 2026, the patron saint."""

import datetime

import pytest
from django.utils import translation

from vicino.core.holidays import easter_sunday, holiday_name, holidays_of


@pytest.mark.parametrize(("year", "easter"), [(2024, (3, 31)), (2025, (4, 20)), (2026, (4, 5)), (2027, (3, 28)), (2038, (4, 25)), (2285, (3, 22))])
def test_easter_falls_where_the_calendar_puts_it(year, easter):
    assert easter_sunday(year) == datetime.date(year, *easter)


def test_2026_has_thirteen_holidays_with_easter_monday_after_easter():
    with translation.override("en"):
        days = holidays_of(2026)
    assert len(days) == 13  # eleven fixed days (Saint Francis back from 2026), Easter Sunday and Monday
    assert days[datetime.date(2026, 4, 6)] == "Easter Monday"
    assert datetime.date(2026, 10, 4) in days and datetime.date(2025, 10, 4) not in holidays_of(2025)


def test_the_patron_saint_is_a_holiday_only_where_the_site_keeps_it():
    assert holiday_name(datetime.date(2026, 12, 7)) == ""
    assert holiday_name(datetime.date(2026, 12, 7), patron_day=(12, 7), patron_name="Sant'Ambrogio") == "Sant'Ambrogio"
    assert holiday_name(datetime.date(2026, 12, 9), patron_day=(12, 7)) == ""


def test_a_patron_day_on_the_29th_of_february_is_kept_in_leap_years_only():
    assert datetime.date(2028, 2, 29) in holidays_of(2028, patron_day=(2, 29))
    assert len(holidays_of(2027, patron_day=(2, 29))) == len(holidays_of(2027))
