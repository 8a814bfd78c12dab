"""From the history walk to the quota report of an as-of day (contract sections 6 and 7)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from .periods import ONE_DAY, Period, parse_label, period_of, periods_between, rota_index


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
    articles: list = field(default_factory=list)   # Counted
    data: dict = field(default_factory=dict)       # quota.json

    @property
    def zone(self):
        return self.registry.province.zone


def next_day_start(day: dt.date, zone) -> float:
    following = day + ONE_DAY
    return dt.datetime(following.year, following.month, following.day, tzinfo=zone).timestamp()


def build_report(history, as_of: dt.date, fallback_registry=None) -> Report:
    head_registry = history.registries[-1][1] if history.registries else fallback_registry
    zone = head_registry.province.zone
    cutoff = next_day_start(as_of, zone)
    index = -1
    for position in range(len(history.times) - 1, -1, -1):
        if history.times[position] < cutoff:
            index = position
            break
    registry = history.registry_at(index) if index >= 0 else None
    registry = registry or head_registry
    zone = registry.province.zone
    cutoff = next_day_start(as_of, zone)
    counted = []
    for path, unit, ts, send, images in history.state_at(index):
        if ts >= cutoff:
            continue  # its date has not come by the end of the as-of day
        day = dt.datetime.fromtimestamp(ts, zone).date()
        counted.append(Counted(path, unit, day, send, images))
    first_day = None
    if history.times:
        first_day = dt.datetime.fromtimestamp(min(history.times), zone).date()
    report = Report(as_of, registry, history.shas[index] if index >= 0 else "", counted)
    report.data = quota_json(registry, as_of, counted, first_day)
    return report


def unit_span(unit, province, as_of: dt.date, first_day: dt.date | None):
    start = unit.active_from or province.quota_start or first_day or as_of
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


def quota_json(registry, as_of: dt.date, counted, first_day=None) -> dict:
    province = registry.province
    by_unit = defaultdict(list)
    for article in counted:
        by_unit[article.unit].append(article)
    units = []
    for unit_id in sorted(registry.units):
        unit = registry.units[unit_id]
        start, last = unit_span(unit, province, as_of, first_day)
        articles = sorted(by_unit.get(unit_id, []), key=lambda a: a.day)
        days = [a.day for a in articles]
        periods = []
        for rule in unit.quota:
            for period in periods_between(rule.every, start, last, province.school_year):
                periods.append(period_entry(rule.label, period, rule.count, articles, rule.channel, as_of, days))
        for rota, period in duties(unit, province, start, last):
            periods.append(period_entry(f"rota:{rota.id}", period, rota.count, articles, "own", as_of, days))
        periods.sort(key=lambda p: (p["rule"], p["start"]))
        units.append({
            "id": unit.id, "name": unit.name, "kind": unit.kind,
            "parent": unit.parent_on(as_of), "periods": periods,
        })
    return {"as_of": as_of.isoformat(), "timezone": province.timezone, "units": units}
