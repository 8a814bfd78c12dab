"""The thi đua report of a quarter: each unit's articles, photos and percentage of what it owed,
grouped under its managing unit with a subtotal per group.

One model for the workbook's quarter sheets (``outputs``), the printable page of each
quarter and the current quarter at the top of the quota page (``pages``).

A quarter holds the periods (of every rule and rota duty) that **end** in it (decision 12
of docs/quota.md). Its percentage is the articles those periods asked for that were
published, a period counting at most what it asked, over what they asked; a period still
open and not yet met is left out of both until it is decided. A unit is listed in a quarter
when it owed periods in it (its start day by the quarter's end, not retired before its start).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from article_reader.source import slugify
from dates import short_date
from unit_registry import KINDS

from .periods import parse_label
from .words import ROMAN, percent

PERCENT_NOTE = ("Tỉ lệ đạt = số bài tính vào định mức / số bài phải đăng. Số bài phải đăng là tổng số bài các kỳ "
                "(tuần, tháng, quý, học kỳ, năm, lịch trực) kết thúc trong quý yêu cầu; mỗi kỳ chỉ tính tối đa "
                "số bài kỳ đó yêu cầu, bài đăng vượt không bù cho kỳ khác. Một bài được tính vào thời điểm "
                "được duyệt đăng lên trang, không phải ngày ghi trong bài.")
OPEN_NOTE = "Số liệu tạm tính: quý chưa kết thúc; các kỳ đang mở chưa đạt chưa được tính."


class QuarterLine(NamedTuple):
    """A unit's numbers in one thi đua quarter (``UnitLines.books``): its articles published in the quarter
    (by publication time), their photos, those forwarded to the Sở; the periods that end in the quarter
    met, missed and still open; the articles those met or missed asked for (``required``) and how many of
    them were published, each period counting at most what it asked (``counted``); whether the unit owed
    periods in the quarter at all (started by its end, not retired before its start)."""

    articles: int
    photos: int
    forwarded: int
    met: int
    missed: int
    open: int
    required: int
    counted: int
    active: bool


@dataclass
class Row:
    name: str
    note: str = ""          # "ngừng hoạt động từ 30/06/2025", "tính từ 01/07/2025"
    required: int = 0
    counted: int = 0
    articles: int = 0
    photos: int = 0
    forwarded: int = 0
    met: int = 0
    missed: int = 0
    open: int = 0
    unit_id: str = ""       # "" on a subtotal row
    units: int = 0          # subtotal: the units that owed articles in periods already decided
    units_met: int = 0      # subtotal: those of them whose result is "đạt"

    @property
    def percent(self) -> int | None:
        return percent(self.counted, self.required)

    @property
    def status(self) -> str:
        """met, missed (behind), open (nothing decided yet), none (nothing owed)."""
        if self.required:
            return "met" if self.counted >= self.required else "missed"
        return "open" if self.open else "none"

    @property
    def result(self) -> str:
        if self.unit_id:
            return {"met": "đạt", "missed": "chưa đạt", "open": "đang mở", "none": "không yêu cầu"}[self.status]
        return f"{self.units_met}/{self.units} đơn vị đạt"

    def add(self, other: "Row") -> None:
        for name in ("required", "counted", "articles", "photos", "forwarded", "met", "missed", "open"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.units += (other.status in ("met", "missed")) if other.unit_id else other.units
        self.units_met += (other.status == "met") if other.unit_id else other.units_met


@dataclass
class Group:
    numeral: str            # I, II, III ...
    unit_id: str            # the managing unit
    name: str
    rows: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row("Cộng"))


@dataclass
class QuarterReport:
    label: str              # "2026-Q4" (for paths only)
    start: dt.date
    end: dt.date
    as_of: dt.date
    groups: list[Group]
    total: Row
    place: str = ""         # where the report is signed: "Thanh Vân"
    signer: str = ""        # the Chánh Văn phòng's name, when the units list one

    @property
    def provisional(self) -> bool:
        """The quarter has not ended by the as-of day: its numbers may still change."""
        return self.as_of < self.end

    @property
    def number(self) -> str:
        """"IV/2026"."""
        return f"{ROMAN[(self.start.month - 1) // 3 + 1]}/{self.start.year}"

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]


def roman(number: int) -> str:
    values = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
              (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    text = ""
    for value, letters in values:
        while number >= value:
            text += letters
            number -= value
    return text


def name_key(unit) -> tuple:
    """Units in the order of the directory: by kind, then by name as Vietnamese readers sort it."""
    return (KINDS.index(unit.kind) if unit.kind in KINDS else len(KINDS), slugify(unit.name), unit.name)


def quarter_line(lines, year_of: dict, label: str) -> QuarterLine | None:
    """The unit's numbers in quarter ``label`` (``year_of``: quarter label -> the school year of its file)."""
    book = lines.books.get(year_of.get(label))
    values = book[1].get(label) if book else None
    return QuarterLine(*values) if values else None


def quarter_years(report) -> dict:
    """quarter label -> the school year whose file (and cache entry) holds it."""
    years = {}
    for lines in report.units:
        for year, (_, summary, _) in lines.books.items():
            for label in summary:
                years.setdefault(label, year)
    return years


def quarter_report(report, label: str, year_of: dict | None = None) -> QuarterReport:
    period = parse_label("quarter", label)
    registry = report.registry
    units = registry.units
    year_of = quarter_years(report) if year_of is None else year_of
    day = min(period.end, report.as_of)  # whom each unit answered to, at the quarter's end
    # a start day is worth a note when the unit joined later than the others, during this quarter
    joined = max([period.start] + [min(span[0] for span in report.spans.values())] if report.spans else [period.start])
    by_parent: dict[str, list[Row]] = {}
    for lines in report.units:
        line = quarter_line(lines, year_of, label)
        unit = units.get(lines.id)
        if line is None or unit is None or not line.active:
            continue
        row = Row(unit.name, _note(unit, report.spans.get(unit.id), period, joined), line.required, line.counted,
                  line.articles, line.photos, line.forwarded, line.met, line.missed, line.open, unit.id)
        by_parent.setdefault(unit.parent_on(day) or "", []).append(row)
    order = {unit_id: position for position, unit_id in enumerate(
        sorted(units, key=lambda unit_id: name_key(units[unit_id])))}
    # the Sở and the units it manages directly first, then every other managing unit in directory order
    top = by_parent.pop("", []) + by_parent.pop("so", [])
    managers = [("so", units["so"].name if "so" in units else registry.province.name, top)] if top else []
    for parent_id in sorted(by_parent, key=lambda p: (order.get(p, len(order)), p)):
        managers.append((parent_id, units[parent_id].name if parent_id in units else parent_id, by_parent[parent_id]))
    groups, total = [], Row("Tổng cộng")
    for position, (parent_id, name, rows) in enumerate(managers, start=1):
        rows.sort(key=lambda row: (row.unit_id != "so", order.get(row.unit_id, len(order))))
        group = Group(roman(position), parent_id, name, rows)
        for row in rows:
            group.total.add(row)
        total.add(group.total)
        groups.append(group)
    return QuarterReport(label, period.start, period.end, report.as_of, groups, total,
                         place_of(registry.province.name), signer(registry))


def place_of(province: str) -> str:
    """The place a report of the Sở is signed in, from the province's name ("… tỉnh Thanh Vân")."""
    for word in (" tỉnh ", " thành phố "):
        if word in province:
            return province.split(word, 1)[1]
    return province


def place_and_day(place: str, day: dt.date | None) -> str:
    """"Thanh Vân, ngày 02 tháng 12 năm 2026"; without a day, dots to write it by hand."""
    if day is None:
        return f"{place}, ngày …… tháng …… năm ……"
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def signer(registry) -> str:
    """The Chánh Văn phòng's name: an approver with that title in an office of the Sở, if one is listed."""
    for unit in sorted(registry.units.values(), key=lambda u: u.id):
        if unit.kind == "phong-thuoc-so":
            for approver in unit.approvers:
                if approver.title.strip().lower() == "chánh văn phòng":
                    return approver.name
    return ""


def _note(unit, span, period, joined: dt.date) -> str:
    if unit.retired_on is not None and unit.retired_on <= period.end:
        return f"ngừng hoạt động từ {short_date(unit.retired_on)}"
    if span is not None and joined < span[0] <= period.end:
        return f"tính từ {short_date(span[0])}"
    return ""


def behind_first(rows: list[Row]) -> list[Row]:
    """The units that owe articles, by their percentage, lowest first; those with nothing decided yet last."""
    return sorted((row for row in rows if row.status != "none"),
                  key=lambda row: (row.percent is None, row.percent or 0, -row.required, slugify(row.name)))
