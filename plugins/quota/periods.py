"""Quota periods (contract section 6): ISO weeks, months, quarters, semesters, years.

A period is ``Period(kind, label, start, end)`` with inclusive local days.
Every function here is pure and works on local calendar days of the province.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

ONE_DAY = dt.timedelta(days=1)


class Period(NamedTuple):
    kind: str
    label: str
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _md(year: int, month_day: tuple[int, int]) -> dt.date:
    month, day = month_day
    if month == 2 and day == 29:
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 3, 1)
    return dt.date(year, month, day)


def week_of(day: dt.date) -> Period:
    year, week, weekday = day.isocalendar()
    start = day - dt.timedelta(days=weekday - 1)
    return Period("week", f"{year}-W{week:02d}", start, start + dt.timedelta(days=6))


def month_of(day: dt.date) -> Period:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return Period("month", f"{day.year}-{day.month:02d}", start, following - ONE_DAY)


def quarter_of(day: dt.date) -> Period:
    quarter = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * quarter - 2, 1)
    end = dt.date(day.year + 1, 1, 1) - ONE_DAY if quarter == 4 else dt.date(day.year, 3 * quarter + 1, 1) - ONE_DAY
    return Period("quarter", f"{day.year}-Q{quarter}", start, end)


def year_of(day: dt.date) -> Period:
    return Period("year", str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))


def semesters_of_school_year(first_year: int, school_year) -> tuple[Period, Period]:
    """HK1 and HK2 of the school year that starts in ``first_year``."""
    s1 = _md(first_year, school_year.semester1_start)
    s2 = _md(first_year + 1, school_year.semester2_start)
    end = _md(first_year + 1, school_year.end)
    label = school_year_label(first_year)
    return (Period("semester", f"{label}-HK1", s1, s2 - ONE_DAY),
            Period("semester", f"{label}-HK2", s2, end))


def school_year_of(day: dt.date, school_year) -> int:
    """The first calendar year of the school year that has last begun by ``day``: the summer after a
    school year's end, and the days before its first semester, belong to the school year before."""
    return day.year if day >= _md(day.year, school_year.semester1_start) else day.year - 1


def school_year_label(first_year: int) -> str:
    return f"{first_year}-{first_year + 1}"


def semester_of(day: dt.date, school_year) -> Period | None:
    """The semester containing ``day``, or None in the gap after ``end`` (summer)."""
    for first_year in (day.year - 1, day.year):
        for period in semesters_of_school_year(first_year, school_year):
            if period.contains(day):
                return period
    return None


def period_of(kind: str, day: dt.date, school_year=None) -> Period | None:
    if kind == "week":
        return week_of(day)
    if kind == "month":
        return month_of(day)
    if kind == "quarter":
        return quarter_of(day)
    if kind == "year":
        return year_of(day)
    if kind == "semester":
        return semester_of(day, school_year)
    raise ValueError(kind)


def periods_between(kind: str, first: dt.date, last: dt.date, school_year=None) -> list[Period]:
    """Every period of ``kind`` that has at least one day in [first, last], in order.

    For semesters this means: from the one containing ``first`` (or the next
    one, when ``first`` falls in the summer) to the last one that has begun by
    ``last`` (section 6: in the summer the last semester begun is the last one).
    """
    if last < first:
        return []
    result: list[Period] = []
    if kind == "semester":
        for first_year in range(first.year - 1, last.year + 1):
            for period in semesters_of_school_year(first_year, school_year):
                if period.end >= first and period.start <= last:
                    result.append(period)
        return result
    day = first
    while day <= last:
        period = period_of(kind, day, school_year)
        result.append(period)
        day = period.end + ONE_DAY
    return result


def parse_label(kind: str, label: str) -> Period | None:
    """The period a rota's ``start`` names (week, month or quarter labels)."""
    try:
        if kind == "week":
            year, week = label.split("-W")
            return week_of(dt.date.fromisocalendar(int(year), int(week), 1))
        if kind == "month":
            year, month = label.split("-")
            return month_of(dt.date(int(year), int(month), 1))
        if kind == "quarter":
            year, quarter = label.split("-Q")
            return quarter_of(dt.date(int(year), 3 * int(quarter) - 2, 1))
    except (ValueError, TypeError):
        return None
    return None


def rota_index(kind: str, start: Period, period: Period) -> int:
    """How many periods of ``kind`` after the rota's first period ``period`` is."""
    if kind == "week":
        return (period.start - start.start).days // 7
    months = (period.start.year - start.start.year) * 12 + period.start.month - start.start.month
    return months if kind == "month" else months // 3
