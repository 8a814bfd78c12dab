"""From the history walk to the quota report of an as-of day (contract sections 6 and 7).

Each unit's part of the report (its quota.json entry and its lines in the
other files) depends only on the unit's definition, the province, the as-of
day and the unit's counted articles; it is cached under ``cache/quota/`` by a
hash of exactly these, so a new commit makes only the units it touches again.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import marshal
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from .history import cache_dir, code_version, collector_paused, value_hash, write_cache
from .periods import ONE_DAY, Period, parse_label, period_of, periods_between, rota_index, school_year_of


@dataclass
class Counted:
    """An article published in the as-of state, with its publication time."""

    path: str
    unit: str
    day: dt.date          # local day of the publication time
    send_to_so: bool
    images: int


@dataclass
class Report:
    as_of: dt.date
    registry: object
    commit: str                      # the as-of commit ('' when none)
    published: list = field(default_factory=list)  # (path, unit, publication ts, send_to_so, images, date ts)
    units: list = field(default_factory=list)      # per unit, by id: outputs.UnitLines
    start_days: dict = field(default_factory=dict)  # unit id -> its start day (section 4)
    quarters: list = field(default_factory=list)   # labels of the thi đua quarters
    school_year: int = 0             # first calendar year of the as-of day's school year (quota.xlsx)

    @property
    def zone(self):
        return self.registry.province.zone

    @functools.cached_property
    def articles(self) -> list[Counted]:
        return counted_articles(self.published, self.zone)

    @functools.cached_property
    def data(self) -> dict:
        """quota.json as Python values."""
        return {"as_of": self.as_of.isoformat(), "timezone": self.registry.province.timezone,
                "units": [json.loads(lines.json) for lines in self.units]}


def counted_articles(published, zone) -> list[Counted]:
    return [Counted(path, unit, dt.datetime.fromtimestamp(ts, zone).date(), send, images)
            for path, unit, ts, send, images, _ in published]


def day_start(day: dt.date, zone) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone).timestamp()


def next_day_start(day: dt.date, zone) -> float:
    return day_start(day + ONE_DAY, zone)


def start_day(unit, province, added: dt.date | None) -> dt.date | None:
    """A unit's start day (contract section 4): ``active_from``, else the day its file reached
    the default branch (``added``), and never before the province's ``quota_start``."""
    day = unit.active_from or added
    if province.quota_start is not None and (day is None or day < province.quota_start):
        return province.quota_start
    return day


def start_days(history, registry) -> dict[str, dt.date]:
    """Every unit's start day; a unit that no commit holds yet starts on no day (absent)."""
    zone = registry.province.zone
    added = history.units_added()
    days = {}
    for unit_id, unit in registry.units.items():
        index = added.get(unit_id)
        day = start_day(unit, registry.province,
                        None if index is None else dt.datetime.fromtimestamp(history.times[index], zone).date())
        if day is not None:
            days[unit_id] = day
    return days


def build_report(history, as_of: dt.date, fallback_registry=None, cache: ReportCache | None = None) -> Report:
    from .outputs import unit_lines

    head_registry = history.latest_registry() or fallback_registry
    zone = head_registry.province.zone
    cutoff = next_day_start(as_of, zone)
    index = -1
    for position in range(len(history.times) - 1, -1, -1):
        if history.times[position] < cutoff:
            index = position
            break
    registry = history.registry_at(index) if index >= 0 else None
    registry = registry or head_registry
    province = registry.province
    zone = province.zone
    cutoff = next_day_start(as_of, zone)
    starts = start_days(history, registry)
    starts_at = {unit_id: day_start(day, zone) for unit_id, day in starts.items()}
    # its date has not come by the end of the as-of day: not counted; dated before its
    # unit's start day: archive, published and counted nowhere (section 6)
    published = [item for item in history.state_at(index)
                 if item[2] < cutoff and item[5] >= starts_at.get(item[1], item[5])]
    report = Report(as_of, registry, history.shas[index] if index >= 0 else "", published, start_days=starts)
    quarters = thi_dua_quarters(starts.values(), as_of)
    report.quarters = [q.label for q in quarters]
    report.school_year = school_year_of(as_of, province.school_year)
    by_unit = defaultdict(list)
    for item in published:
        by_unit[item[1]].append(item)
    cache = cache if cache is not None else ReportCache(None)
    context = (repr(province), as_of.isoformat(), report.quarters)
    for unit_id in sorted(registry.units):
        unit = registry.units[unit_id]
        mine = by_unit.get(unit_id, [])
        start = starts.get(unit_id, as_of)  # in no commit yet: nothing owed before the as-of day
        key = value_hash((context, repr(unit), start.isoformat(), mine))
        lines = cache.get(key)
        if lines is None:
            articles = sorted(counted_articles(mine, zone), key=lambda a: a.day)
            lines = unit_lines(unit_entry(unit, province, as_of, articles, start), articles, quarters,
                               province.school_year, report.school_year)
            cache.put(key, lines)
        report.units.append(lines)
    cache.save()
    return report


class ReportCache:
    """The units' report lines of the last runs, by key.

    ``cache/quota/<code>-report.marshal`` holds the lines of every unit of one run;
    ``<code>-report.delta`` the lines made since then that later runs still use, so
    a run that makes a few units again writes a few units' lines, not all (the
    whole file is written again once the delta holds COMPACT_AFTER units).
    """

    COMPACT_AFTER = 100

    def __init__(self, root):
        folder = None if root is None else cache_dir(root)
        self.path = None if folder is None else folder / f"{code_version()}-report.marshal"
        self.delta_path = None if folder is None else folder / f"{code_version()}-report.delta"
        self.old: dict = {}    # key -> lines, of the whole file
        self.delta: dict = {}  # key -> lines, of the delta
        self.new: dict = {}    # key -> lines, of this run
        if self.path is not None and self.path.exists():
            try:
                with collector_paused():
                    self.old = marshal.loads(self.path.read_bytes())
                    if self.delta_path.exists():
                        self.delta = marshal.loads(self.delta_path.read_bytes())
            except (OSError, EOFError, ValueError, TypeError):
                self.old, self.delta = {}, {}

    def get(self, key: str):
        from .outputs import UnitLines

        found = self.delta.get(key) or self.old.get(key)
        if found is None:
            return None
        self.new[key] = found
        return UnitLines(*found)

    def put(self, key: str, lines) -> None:
        self.new[key] = tuple(lines)

    def save(self) -> None:
        """This run's lines not in the whole file go to the delta; past COMPACT_AFTER of them, or when
        the whole file holds more units than this run uses twice over, the whole file is this run's."""
        if self.path is None:
            return
        delta = {key: lines for key, lines in self.new.items() if key not in self.old}
        if len(delta) > self.COMPACT_AFTER or len(self.old) > 2 * len(self.new) or not self.old:
            with collector_paused():
                chunks = [marshal.dumps(self.new)]
            if write_cache(self.path, chunks):
                self.delta_path.unlink(missing_ok=True)
        elif delta.keys() != self.delta.keys():
            with collector_paused():
                chunks = [marshal.dumps(delta)]
            write_cache(self.delta_path, chunks)


def thi_dua_quarters(starts, as_of: dt.date) -> list[Period]:
    """The quarters of the thi đua sheets: from the earliest start day of any unit to the as-of day."""
    return periods_between("quarter", min(starts, default=as_of), as_of)


def unit_span(unit, as_of: dt.date, start: dt.date):
    """The days whose periods a unit owes: from its start day to the as-of day or its ``retired_on``."""
    last = as_of if unit.retired_on is None else min(as_of, unit.retired_on)
    return start, last


def duties(unit, province, start: dt.date, last: dt.date):
    """[(rota, period)] for the periods in which ``unit`` is on duty."""
    result = []
    for rota in province.rotas:
        if unit.id not in rota.order:
            continue
        first = parse_label(rota.every, rota.start)
        if first is None:
            continue
        for period in periods_between(rota.every, max(start, first.start), last):
            position = rota_index(rota.every, first, period)
            if position >= 0 and rota.order[position % len(rota.order)] == unit.id:
                result.append((rota, period))
    return result


def on_duty(rota, day: dt.date):
    """(period, unit id) on duty in the period containing ``day``; None before the rota starts."""
    first = parse_label(rota.every, rota.start)
    period = period_of(rota.every, day)
    if first is None or period.start < first.start:
        return None
    return period, rota.order[rota_index(rota.every, first, period) % len(rota.order)]


def period_entry(rule: str, period: Period, required: int, articles, channel: str, as_of: dt.date,
                 days=None) -> dict:
    """``articles`` sorted by day (``days`` their days, for bisection)."""
    if days is None:
        days = [a.day for a in articles]
    window = articles[bisect_left(days, period.start):bisect_right(days, period.end)]
    inside = [a for a in window if channel != "so" or a.send_to_so]
    published = len(inside)
    if published >= required:
        status = "met"
    elif period.contains(as_of):
        status = "open"
    else:
        status = "missed"
    return {
        "rule": rule, "period": period.label,
        "start": period.start.isoformat(), "end": period.end.isoformat(),
        "required": required, "published": published,
        "images": sum(a.images for a in inside), "status": status,
        "articles": sorted(a.path for a in inside),
    }


def unit_entry(unit, province, as_of: dt.date, articles, start: dt.date) -> dict:
    """The unit's entry of quota.json; ``articles`` its counted articles sorted by day; ``start`` its start day."""
    start, last = unit_span(unit, as_of, start)
    days = [a.day for a in articles]
    periods = []
    for rule in unit.quota:
        for period in periods_between(rule.every, start, last, province.school_year):
            periods.append(period_entry(rule.label, period, rule.count, articles, rule.channel, as_of, days))
    for rota, period in duties(unit, province, start, last):
        periods.append(period_entry(f"rota:{rota.id}", period, rota.count, articles, "own", as_of, days))
    periods.sort(key=lambda p: (p["rule"], p["start"]))
    return {"id": unit.id, "name": unit.name, "kind": unit.kind, "parent": unit.parent_on(as_of), "periods": periods}
