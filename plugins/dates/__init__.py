"""Dates as people write them in front matter and unit files, and as they read them."""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from babel.dates import format_date

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_day(value) -> dt.date | None:
    """``2022-11-07`` -> date; anything else -> None."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    match = _DAY.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def parse_local_datetime(value, zone: ZoneInfo) -> dt.datetime | None:
    """``2022-11-07`` or ``2022-11-07 08:30[:00]`` in the province's zone."""
    day = parse_day(value)
    if day is not None:
        return dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    match = _DATETIME.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    year, month, mday, hour, minute, second = match.groups()
    try:
        return dt.datetime(int(year), int(month), int(mday), int(hour), int(minute),
                           int(second or 0), tzinfo=zone)
    except ValueError:
        return None


# Dates as Word, Windows and phones write them: 07/11/2022, 7-11-2022, 2022/11/7, "07/11/2022 8h30"
_WRITTEN_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+(\d{1,2})[:hg](\d{2})?)?$", re.IGNORECASE)
_WRITTEN_YEAR_FIRST = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T,]+(\d{1,2})[:hg](\d{2})?)?$", re.IGNORECASE)


def iso_suggestion(value) -> str | None:
    """The contract's form of a date written another way (``07/11/2022`` -> ``2022-11-07``,
    ``07/11/2022 8h30`` -> ``2022-11-07 08:30``), or None when it names no day.

    Vietnamese write the day first; a value that is no day that way but is one
    month first (a phone set to English: 11/25/2022) is read month first.
    """
    text = str(value).strip()
    match = _WRITTEN_DAY_FIRST.match(text)
    if match:
        day, month, year, hour, minute = match.groups()
        candidates = [(year, month, day), (year, day, month)]
    else:
        match = _WRITTEN_YEAR_FIRST.match(text)
        if not match:
            return None
        year, month, day, hour, minute = match.groups()
        candidates = [(year, month, day)]
    for y, m, d in candidates:
        try:
            found = dt.date(int(y), int(m), int(d))
        except ValueError:
            continue
        if hour is None:
            return found.isoformat()
        if int(hour) > 23 or int(minute or 0) > 59:
            return None
        return f"{found.isoformat()} {int(hour):02d}:{int(minute or 0):02d}"
    return None


def date_hint(value, example: str) -> str:
    """How to fix a date that does not read: the value converted when it names a day, else ``example``."""
    suggestion = iso_suggestion(value)
    return f"viết là {suggestion} (năm-tháng-ngày)" if suggestion else example


def long_date(value: dt.date) -> str:
    """"Thứ Hai, 07/11/2022"."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return _long_day(day)


@functools.lru_cache(maxsize=8192)  # Babel takes ~30 µs a call; days repeat across 35,000 articles
def _long_day(day: dt.date) -> str:
    return format_date(day, "EEEE, dd/MM/yyyy", locale="vi")


def short_date(value: dt.date) -> str:
    """"07/11/2022"."""
    return value.strftime("%d/%m/%Y")


def written_day(value) -> str:
    """A day as the front matter writes it (``2024-11-20``) as readers read it (``20/11/2024``);
    anything that names no day, as written."""
    day = parse_day(value)
    return short_date(day) if day is not None else str(value)


def month_name(year: int, month: int) -> str:
    """"Tháng 11/2022"."""
    return f"Tháng {month:02d}/{year}"
