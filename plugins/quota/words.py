"""The quota in the words a school uses: periods, rules, states, moments (never labels or ids).

    period_text("2026-W49", ...)  -> "Tuần 49 (30/11–06/12/2026)"
    rule_text("semester:2:so")    -> "2 bài gửi Sở mỗi học kỳ"
    STATUS["missed"]              -> Status("không đạt", "✗")

quota.json and quota.csv keep the contract's labels (they are data); every page,
the workbook and the printed report say what these functions say.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from dates import month_name, short_date


class Status(NamedTuple):
    text: str
    symbol: str


STATUS = {
    "met": Status("đạt", "✓"),
    "open": Status("đang mở", "…"),
    "missed": Status("không đạt", "✗"),
    "none": Status("không yêu cầu", "–"),
}
EVERY = {"week": "tuần", "month": "tháng", "quarter": "quý", "semester": "học kỳ", "year": "năm"}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# What a rota's members are called together, when all of them are of one kind.
KIND_PLURAL = {"phong-thuoc-so": "các phòng thuộc Sở", "phong-gddt": "các Phòng GD&ĐT", "xa": "các xã, phường",
               "don-vi-truc-thuoc": "các đơn vị trực thuộc Sở", "trung-tam": "các trung tâm", "truong": "các trường"}

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_SEMESTER = re.compile(r"^(\d{4}-\d{4})-HK([12])$")
_YEAR = re.compile(r"^(\d{4})$")


def _span(start: dt.date, end: dt.date) -> str:
    """"01/12–07/12/2026"; "29/12/2025–04/01/2026" across a new year."""
    if start.year == end.year:
        return f"{start.strftime('%d/%m')}–{short_date(end)}"
    return f"{short_date(start)}–{short_date(end)}"


def period_text(label: str, start: dt.date | None = None, end: dt.date | None = None) -> str:
    """A period as a school names it: "Tuần 49 (30/11–06/12/2026)", "Tháng 11/2026", "Quý IV/2026",
    "Học kỳ I, năm học 2026-2027", "Năm 2026".  A week needs its days."""
    if match := _WEEK.match(label):
        text = f"Tuần {int(match.group(2))}"
        return f"{text} ({_span(start, end)})" if start and end else text
    if match := _MONTH.match(label):
        return month_name(int(match.group(1)), int(match.group(2)))
    if match := _QUARTER.match(label):
        return f"Quý {ROMAN[int(match.group(2))]}/{match.group(1)}"
    if match := _SEMESTER.match(label):
        return f"Học kỳ {'I' * int(match.group(2))}, năm học {match.group(1)}"
    if match := _YEAR.match(label):
        return f"Năm {label}"
    return label


def period_short(label: str) -> str:
    """The few words a period's cell has room for (its rule, above it, says the kind): "Tuần 49",
    "11/2026", "Quý IV/2026", "HK I 2026-2027", "Năm 2026"."""
    if match := _SEMESTER.match(label):
        return f"HK {'I' * int(match.group(2))} {match.group(1)}"
    if match := _MONTH.match(label):
        return f"{match.group(2)}/{match.group(1)}"
    return period_text(label)


def rule_text(rule: str, rota=None, units: dict | None = None) -> str:
    """'week:1:own' -> '1 bài mỗi tuần'; 'semester:2:so' -> '2 bài gửi Sở mỗi học kỳ';
    'rota:<id>' -> 'Lịch trực các phòng thuộc Sở' (with ``rota`` and the units, what it asks)."""
    if rule.startswith("rota:"):
        return rota_name(rota, units) if rota is not None else "Lịch trực đăng bài"
    every, count, channel = rule.split(":")
    return f"{count} bài{' gửi Sở' if channel == 'so' else ''} mỗi {EVERY[every]}"


def rota_name(rota, units: dict | None) -> str:
    """"Lịch trực các phòng thuộc Sở" when its members are all of one kind, else "Lịch trực của N đơn vị"."""
    kinds = {units[member].kind for member in rota.order if units and member in units}
    if len(kinds) == 1 and (plural := KIND_PLURAL.get(kinds.pop())):
        return f"Lịch trực {plural}"
    return f"Lịch trực của {len(rota.order)} đơn vị"


def rota_duty(rota) -> str:
    """"1 bài mỗi tháng, khi đến lượt"."""
    return f"{rota.count} bài mỗi {EVERY[rota.every]}, khi đến lượt"


def moment(timestamp: float, zone) -> str:
    """"07:30, 02/12/2026" in the province's zone."""
    when = dt.datetime.fromtimestamp(timestamp, zone)
    return f"{when.strftime('%H:%M')}, {short_date(when.date())}"


def percent(counted: int, required: int) -> int | None:
    """Whole percent, rounded down (99.6 % is not 100 %), None when nothing is required."""
    return None if required <= 0 else counted * 100 // required
