"""The report's files: quota.json (contract section 7), quota.csv, the xlsx files (``workbook``) and the
terminal table.

Every file is made of per-unit parts (:class:`UnitLines`), made once from the
unit's quota.json entry and cached with it (``report.ReportCache``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from bisect import bisect_left, bisect_right
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from .history import value_hash
from .periods import quarter_of, school_year_of
from .words import STATUS

STATUS_VI = {status: words.text for status, words in STATUS.items()}
KIND_VI = {"so": "Sở", "phong-thuoc-so": "Phòng thuộc Sở", "phong-gddt": "Phòng GD&ĐT", "xa": "Xã/phường",
           "don-vi-truc-thuoc": "Đơn vị trực thuộc", "trung-tam": "Trung tâm", "truong": "Trường"}


def rule_every(rule: str) -> str:
    return "rota" if rule.startswith("rota:") else rule.split(":")[0]


CSV_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Quy định", "Kỳ", "Từ ngày", "Đến ngày",
              "Yêu cầu", "Đã đăng", "Số ảnh", "Trạng thái", "Bài viết"]


class UnitLines(NamedTuple):
    """One unit's part of every output (plain values: cached with marshal)."""

    id: str
    name: str
    json: bytes        # its line of quota.json (UTF-8: bytes are read from the cache and written as they are)
    csv: bytes         # its rows of quota.csv (UTF-8)
    table: str         # its row of the terminal table
    current: list      # status of the current period of each rule
    # school year (its first calendar year) -> (rules, quarters, digest): its part of that year's xlsx;
    # rules: [(every, rule, required, [period start], [period label], [published])],
    # quarters: thi đua quarter label -> the values of a thi_dua.QuarterLine,
    # digest: a hash of both (the year's file is made again only when one of its units' digests changes)
    books: dict


def unit_lines(entry: dict, articles, quarters, school_year, current_year: int, span) -> UnitLines:
    """``entry``: the unit's quota.json entry; ``articles``: its counted articles, sorted by day;
    ``quarters``: the thi đua quarters; ``current_year``: the school year of the as-of day;
    ``span``: (start day, last day) of the periods it owes (``report.unit_span``)."""
    by_rule = defaultdict(list)
    for p in entry["periods"]:
        by_rule[p["rule"]].append(p)
    kind = KIND_VI.get(entry["kind"], entry["kind"])
    parent = entry["parent"] or ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for p in entry["periods"]:
        writer.writerow([entry["id"], entry["name"], kind, parent, p["rule"], p["period"], p["start"], p["end"],
                         p["required"], p["published"], p["images"], STATUS_VI[p["status"]], "; ".join(p["articles"])])
    cells, current = [], []
    for rule, periods in by_rule.items():
        now, previous = periods[-1], periods[-2] if len(periods) > 1 else None
        text = f"{rule} {now['period']} {STATUS_VI[now['status']]} {now['published']}/{now['required']}"
        if previous:
            text += (f" (trước: {previous['period']} {STATUS_VI[previous['status']]} "
                     f"{previous['published']}/{previous['required']})")
        cells.append(text)
        current.append(now["status"])

    def book_of(end: dt.date) -> int:
        return min(school_year_of(end, school_year), current_year)

    books = defaultdict(lambda: ([], {}))
    ended = defaultdict(list)  # quarter label -> the periods that end in it
    for rule, periods in by_rule.items():
        in_book = defaultdict(list)
        for p in periods:
            end = dt.date.fromisoformat(p["end"])
            in_book[book_of(end)].append(p)
            ended[quarter_of(end).label].append(p)
        for year, inside in in_book.items():
            books[year][0].append((rule_every(rule), rule, inside[0]["required"], [p["start"] for p in inside],
                                   [p["period"] for p in inside], [p["published"] for p in inside]))
    days = [a.day for a in articles]
    first, last = span
    for quarter in quarters:
        inside = articles[bisect_left(days, quarter.start):bisect_right(days, quarter.end)]
        owed = ended.get(quarter.label, [])
        decided = [p for p in owed if p["status"] != "open"]  # an open period is not behind yet
        statuses = [p["status"] for p in owed]
        books[book_of(quarter.end)][1][quarter.label] = [
            len(inside), sum(a.images for a in inside), sum(1 for a in inside if a.send_to_so),
            statuses.count("met"), statuses.count("missed"), statuses.count("open"),
            sum(p["required"] for p in decided), sum(min(p["published"], p["required"]) for p in decided),
            first <= quarter.end and last >= quarter.start]
    books = {year: (rules, summary, value_hash((entry["id"], entry["name"], rules, summary)))
             for year, (rules, summary) in sorted(books.items())}
    return UnitLines(entry["id"], entry["name"], json.dumps(entry, ensure_ascii=False).encode("utf-8"),
                     out.getvalue().encode("utf-8"),
                     "; ".join(cells) or "không có định mức", current, books)


def json_bytes(report) -> bytes:
    """quota.json: no indent (the C encoder, 20× faster on 200,000 periods); one unit per line stays readable."""
    head = json.dumps({"as_of": report.as_of.isoformat(), "timezone": report.registry.province.timezone},
                      ensure_ascii=False)[:-1]
    units = b",\n".join(lines.json for lines in report.units)
    return f'{head}, "units": [\n'.encode("utf-8") + units + b"\n]}\n"


def csv_bytes(report) -> bytes:
    """quota.csv, UTF-8 with a byte order mark (Excel then reads it as UTF-8)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(CSV_HEADER)
    return ("\ufeff" + out.getvalue()).encode("utf-8") + b"".join(lines.csv for lines in report.units)


def write_files(report, folder) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quota.json").write_bytes(json_bytes(report))
    (folder / "quota.csv").write_bytes(csv_bytes(report))
    names = set()
    from .workbook import book_bytes, book_key, book_name, book_years, xlsx_key

    for year in book_years(report):  # the slowest files: not made again from the same content
        xlsx, key = folder / book_name(report, year), book_key(report, year)
        names.add(xlsx.name)
        if xlsx_key(xlsx) != key:
            xlsx.write_bytes(book_bytes(report, year, key))
    for old in folder.glob("quota-*.xlsx"):  # e.g. an earlier as-of day's year is in quota.xlsx now
        if old.name not in names:
            old.unlink()
    return folder


def terminal_table(report) -> str:
    lines = [f"Định mức đăng bài — {report.registry.province.name} — tính đến hết ngày "
             f"{report.as_of.strftime('%d/%m/%Y')} ({report.registry.province.timezone})"
             + (f", commit {report.commit[:10]}" if report.commit else ", chưa có commit nào")]
    width = max([len(unit.id) for unit in report.units] + [9])
    lines.append(f"{'Đơn vị'.ljust(width)}  Kỳ hiện tại và kỳ trước (đã đăng/yêu cầu)")
    lines.append("-" * (width + 50))
    totals = defaultdict(int)
    for unit in report.units:
        lines.append(f"{unit.id.ljust(width)}  {unit.table}")
        for status in unit.current:
            totals[status] += 1
    lines.append("-" * (width + 50))
    lines.append("Kỳ hiện tại: " + ", ".join(f"{STATUS_VI[s]} {totals[s]}" for s in ("met", "open", "missed")))
    return "\n".join(lines)
