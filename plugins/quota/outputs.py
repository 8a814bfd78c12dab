"""The report's files: quota.json (contract section 7), quota.csv, quota.xlsx (the as-of day's school
year) with quota-<YYYY>-<YYYY>.xlsx (each earlier school year), and the terminal table.

Every file is made of per-unit parts (:class:`UnitLines`), made once from the
unit's quota.json entry and cached with it (``report.ReportCache``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from bisect import bisect_left, bisect_right
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from .history import code_version, value_hash
from .periods import period_of, quarter_of, school_year_label, school_year_of

STATUS_VI = {"met": "đạt", "open": "đang mở", "missed": "không đạt", "none": "không yêu cầu"}
EVERY_VI = {"week": "Tuần", "month": "Tháng", "quarter": "Quý", "semester": "Học kỳ", "year": "Năm",
            "rota": "Lịch trực"}
KIND_VI = {"so": "Sở", "phong-thuoc-so": "Phòng thuộc Sở", "phong-gddt": "Phòng GD&ĐT", "xa": "Xã/phường",
           "don-vi-truc-thuoc": "Đơn vị trực thuộc", "trung-tam": "Trung tâm", "truong": "Trường"}


def rule_every(rule: str) -> str:
    return "rota" if rule.startswith("rota:") else rule.split(":")[0]


def rule_text(rule: str) -> str:
    """'week:1:own' -> 'Tuần: 1 bài'; 'month:2:so' -> 'Tháng: 2 bài gửi Sở'; 'rota:x' -> 'Lịch trực x'."""
    if rule.startswith("rota:"):
        return f"Lịch trực {rule[5:]}"
    every, count, channel = rule.split(":")
    return f"{EVERY_VI[every]}: {count} bài" + (" gửi Sở" if channel == "so" else "")


CSV_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Quy định", "Kỳ", "Từ ngày", "Đến ngày",
              "Yêu cầu", "Đã đăng", "Số ảnh", "Trạng thái", "Bài viết"]
QUARTER_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Số bài", "Số ảnh",
                  "Số bài gửi Sở", "Số kỳ đạt", "Số kỳ không đạt"]
RULE_HEADER = ["Mã đơn vị", "Tên đơn vị", "Quy định", "Yêu cầu"]  # then one column per period


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
    # quarters: thi đua quarter label -> [id, name, kind, parent, articles, photos, forwarded, met, missed],
    # digest: a hash of both (the year's file is made again only when one of its units' digests changes)
    books: dict


def unit_lines(entry: dict, articles, quarters, school_year, current_year: int) -> UnitLines:
    """``entry``: the unit's quota.json entry; ``articles``: its counted articles, sorted by day;
    ``quarters``: the thi đua quarters; ``current_year``: the school year of the as-of day."""
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
    ended = defaultdict(list)  # quarter label -> statuses of the periods that end in it
    for rule, periods in by_rule.items():
        in_book = defaultdict(list)
        for p in periods:
            end = dt.date.fromisoformat(p["end"])
            in_book[book_of(end)].append(p)
            ended[quarter_of(end).label].append(p["status"])
        for year, inside in in_book.items():
            books[year][0].append((rule_every(rule), rule, inside[0]["required"], [p["start"] for p in inside],
                                   [p["period"] for p in inside], [p["published"] for p in inside]))
    days = [a.day for a in articles]
    for quarter in quarters:
        inside = articles[bisect_left(days, quarter.start):bisect_right(days, quarter.end)]
        statuses = ended.get(quarter.label, [])
        books[book_of(quarter.end)][1][quarter.label] = [
            entry["id"], entry["name"], kind, parent, len(inside), sum(a.images for a in inside),
            sum(1 for a in inside if a.send_to_so), statuses.count("met"), statuses.count("missed")]
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


def _width(value) -> int:
    return len(str(value))


def book_years(report) -> list[int]:
    """The school years with an xlsx file: the as-of day's (always) and every earlier one with a period."""
    return sorted({report.school_year}.union(*(lines.books for lines in report.units)))


def book_name(report, year: int) -> str:
    """quota.xlsx for the school year of the as-of day, quota-<YYYY>-<YYYY>.xlsx for an earlier one."""
    return "quota.xlsx" if year == report.school_year else f"quota-{school_year_label(year)}.xlsx"


def book_key(report, year: int) -> str:
    """A hash of everything the year's file is made from: the code, the province, its units' parts and,
    for the as-of day's school year only, the as-of day (the legend and the column of the open period)."""
    parts = [lines.books[year][2] for lines in report.units if year in lines.books]
    as_of = report.as_of.isoformat() if year == report.school_year else None
    return value_hash((code_version(), repr(report.registry.province), year, as_of, parts))


def book_bytes(report, year: int, key: str) -> bytes:
    """The xlsx of one school year: a legend, one sheet per rule kind (a row per unit and rule, a column
    per period: the number published, coloured by status) and one thi đua sheet per quarter (write-only
    mode: fast).  ``key`` (``book_key``) is its document identifier."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    current = year == report.school_year
    book = Workbook(write_only=True)
    book.properties.identifier = key
    bold = Font(bold=True)
    fills = {status: PatternFill("solid", start_color=colour, end_color=colour)
             for status, colour in (("met", "C6EFCE"), ("open", "FFEB9C"), ("missed", "FFC7CE"))}

    data_rows = {}  # sheet -> its rows under the header

    def sheet(title, header, rows, frozen="A2", widths=None):
        ws = book.create_sheet(title[:31])
        ws.freeze_panes = frozen
        if widths is None:
            widths = [_width(h) for h in header]
            for row in rows:
                for i, value in enumerate(row):
                    widths[i] = max(widths[i], min(_width(value), 80))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width + 2
        cells = []
        for h in header:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        data_rows[ws] = rows
        return ws

    legend = book.create_sheet("Chú thích")
    legend.column_dimensions["A"].width = 70
    title = (f"Định mức đăng bài tính đến hết ngày {report.as_of.strftime('%d/%m/%Y')}" if current
             else f"Định mức đăng bài năm học {school_year_label(year)}")
    legend.append([WriteOnlyCell(legend, value=title)])
    legend.append([f"Năm học {school_year_label(year)}: các kỳ và các quý thi đua kết thúc trong năm học này"
                   + (" (và kỳ đang mở); các năm học trước ở các tệp quota-<năm học>.xlsx." if current else ".")])
    legend.append(["Các trang theo loại quy định: mỗi dòng một đơn vị và một quy định, mỗi cột một kỳ; "
                   "ô ghi số bài đã đăng, ô trống là kỳ không yêu cầu."])
    for status in ("met", "open", "missed") if current else ("met", "missed"):
        cell = WriteOnlyCell(legend, value=f"Màu này: {STATUS_VI[status]}")
        cell.fill = fills[status]
        legend.append([cell])

    by_every = defaultdict(list)
    for lines in report.units:
        for every, rule, required, starts, labels, published in lines.books[year][0] if year in lines.books else ():
            by_every[every].append((lines.id, lines.name, rule, required, starts, labels, published))
    for every in ("week", "month", "quarter", "semester", "year", "rota"):
        rows = by_every.get(every)
        if not rows:
            continue
        columns = sorted({(start, label) for *_, starts, labels, _ in rows for start, label in zip(starts, labels)})
        position = {label: i for i, (_, label) in enumerate(columns, start=len(RULE_HEADER))}
        header = RULE_HEADER + [label for _, label in columns]
        table = []
        for unit_id, name, rule, required, starts, labels, published in rows:
            row = [unit_id, name, rule_text(rule), required] + [None] * len(columns)
            for label, count in zip(labels, published):
                row[position[label]] = count
            table.append(row)
        widths = [max(_width(h), *(min(_width(row[i]), 80) for row in table)) for i, h in enumerate(RULE_HEADER)]
        ws = sheet(EVERY_VI[every], header, table, "E2", widths + [_width(label) for _, label in columns])
        # status as colour, from the numbers themselves: met from the count, open in the period of the as-of day
        first, last = get_column_letter(len(RULE_HEADER) + 1), len(table) + 1
        everything = f"{first}2:{get_column_letter(len(header))}{last}"
        ws.conditional_formatting.add(everything, FormulaRule(
            formula=[f"AND(ISNUMBER({first}2),{first}2>=$D2)"], fill=fills["met"], stopIfTrue=True))
        open_labels = _as_of_labels(report, rows) if current else ()
        for letter in sorted({get_column_letter(position[label] + 1) for label in open_labels if label in position}):
            ws.conditional_formatting.add(f"{letter}2:{letter}{last}", FormulaRule(
                formula=[f"ISNUMBER({letter}2)"], fill=fills["open"], stopIfTrue=True))
        ws.conditional_formatting.add(everything, FormulaRule(formula=[f"ISNUMBER({first}2)"], fill=fills["missed"]))
    summaries = [lines.books[year][1] for lines in report.units if year in lines.books]
    for quarter in report.quarters:
        if summaries and quarter in summaries[0]:
            sheet(f"Thi đua {quarter}", QUARTER_HEADER, [summary[quarter] for summary in summaries])
    out = io.BytesIO()
    book.save(out)  # which numbers the sheets' XML files
    return _with_rows(out.getvalue(), {ws.path[1:]: rows for ws, rows in data_rows.items()})


def _with_rows(xlsx: bytes, data_rows: dict) -> bytes:
    """``xlsx`` with ``data_rows`` (sheet XML path -> rows) put after each sheet's header row.

    openpyxl takes ~6 µs a cell (most of an incremental run at 700 units); these
    cells are plain numbers and text, written here as openpyxl would write them
    (text inline, empty cells left out).
    """
    from openpyxl.utils import get_column_letter

    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            rows = data_rows.get(info.filename)
            if rows:
                letters = [get_column_letter(i) for i in range(1, max(map(len, rows)) + 1)]
                xml = []
                for number, row in enumerate(rows, start=2):
                    xml.append(f'<row r="{number}">')
                    for letter, value in zip(letters, row):
                        if value is None or value == "":
                            continue
                        if isinstance(value, str):
                            space = ' xml:space="preserve"' if value != value.strip() else ""
                            xml.append(f'<c r="{letter}{number}" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>')
                        else:
                            xml.append(f'<c r="{letter}{number}" t="n"><v>{value}</v></c>')
                    xml.append("</row>")
                data = data.replace(b"</sheetData>", "".join(xml).encode("utf-8") + b"</sheetData>", 1)
            target.writestr(info, data)
    return out.getvalue()


def _as_of_labels(report, rows) -> set:
    """Labels of the periods containing the as-of day, for the rules of ``rows`` (rotas have their own kind)."""
    province = report.registry.province
    rota_every = {f"rota:{rota.id}": rota.every for rota in province.rotas}
    labels = set()
    for _, _, rule, *_ in rows:
        period = period_of(rota_every.get(rule) or rule_every(rule), report.as_of, province.school_year)
        if period is not None:
            labels.add(period.label)
    return labels


def write_files(report, folder) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quota.json").write_bytes(json_bytes(report))
    (folder / "quota.csv").write_bytes(csv_bytes(report))
    names = set()
    for year in book_years(report):  # the slowest files: not made again from the same content
        xlsx, key = folder / book_name(report, year), book_key(report, year)
        names.add(xlsx.name)
        if xlsx_key(xlsx) != key:
            xlsx.write_bytes(book_bytes(report, year, key))
    for old in folder.glob("quota-*.xlsx"):  # e.g. an earlier as-of day's year is in quota.xlsx now
        if old.name not in names:
            old.unlink()
    return folder


def xlsx_key(path: Path) -> str | None:
    """The key (``book_key``) an xlsx was made from (its document identifier), None if unreadable."""
    try:
        with zipfile.ZipFile(path) as book:
            core = book.read("docProps/core.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    found = re.search(r"<dc:identifier[^>]*>([0-9a-f]+)</dc:identifier>", core)
    return found.group(1) if found else None


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
