"""The thi đua workbooks: quota.xlsx (the as-of day's school year) and quota-<YYYY>-<YYYY>.xlsx (each
earlier one), written cell by cell by openpyxl (write-only mode).

Each holds a report per quarter of its school year, as the Văn phòng hands it in (title, STT, units
grouped under their managing unit with a subtotal each, percentage and result, Times New Roman, A4
landscape, the header row repeated on every page, a signature block), a sheet of explanations, and a
sheet per kind of rule with a column per period (the number published; the state as the cell's colour
and symbol, by conditional formatting).

Every text goes through :func:`cell_text`: characters XML cannot hold (a control character pasted
into a unit's name) are removed, so they never corrupt the file.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections import defaultdict
from pathlib import Path

from dates import short_date

from .history import code_version, value_hash
from .outputs import rule_every
from .periods import ONE_DAY, period_of, school_year_label
from .thi_dua import OPEN_NOTE, PERCENT_NOTE, place_and_day, quarter_report, quarter_years, signer
from .words import STATUS, period_text, rule_text

FONT = "Times New Roman"  # the font of Vietnamese official documents (Nghị định 30/2020/NĐ-CP)
RULE_SHEETS = (("week", "Theo tuần"), ("month", "Theo tháng"), ("quarter", "Theo quý"),
               ("semester", "Theo học kỳ"), ("year", "Theo năm"), ("rota", "Lịch trực"))
RULE_HEADER = ["Đơn vị", "Quy định", "Yêu cầu mỗi kỳ"]  # then one column per period
QUARTER_HEADER = ["STT", "Đơn vị", "Số bài phải đăng", "Số bài đã đăng", "Số bài tính vào định mức", "Số ảnh",
                  "Số bài gửi Sở", "Tỉ lệ đạt", "Kết quả", "Ghi chú"]
QUARTER_WIDTHS = [6, 44, 11, 11, 12, 9, 10, 9, 13, 30]
HEADER_ROW = 7  # of a quarter sheet: repeated at the top of every printed page
FILLS = {"met": "C6EFCE", "open": "FFEB9C", "missed": "FFC7CE"}
def cell_text(value):
    """``value`` with the characters an xlsx file cannot hold removed (openpyxl refuses them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def book_years(report) -> list[int]:
    """The school years with an xlsx file: the as-of day's (always) and every earlier one with a period."""
    return sorted({report.school_year}.union(*(lines.books for lines in report.units)))


def book_name(report, year: int) -> str:
    """quota.xlsx for the school year of the as-of day, quota-<YYYY>-<YYYY>.xlsx for an earlier one."""
    return "quota.xlsx" if year == report.school_year else f"quota-{school_year_label(year)}.xlsx"


def book_key(report, year: int) -> str:
    """A hash of everything the year's file is made from: the code, the province, its units' parts, what
    groups and names them (managing units, retirement, start days, who signs) and, for the as-of day's
    school year only, the as-of day (the open quarter, the date above the signatures)."""
    parts = [lines.books[year][2] for lines in report.units if year in lines.books]
    units = report.registry.units
    who = [(unit_id, unit.name, unit.kind, unit.parent, unit.parents, unit.retired_on, report.spans.get(unit_id))
           for unit_id, unit in sorted(units.items())]
    as_of = report.as_of.isoformat() if year == report.school_year else None
    return value_hash((code_version(), repr(report.registry.province), year, as_of, parts, repr(who),
                       signer(report.registry), _book_time(report, year).isoformat()))


def _book_time(report, year: int) -> dt.datetime:
    """The time written into the workbook (its properties and every zip entry): two builds of one
    commit on one as-of day give the same bytes.  SOURCE_DATE_EPOCH when it is set
    (reproducible-builds.org); otherwise midnight of the as-of day for the current school
    year's book, and for an earlier year's the end of that school year (31 August)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    if year == report.school_year:
        return dt.datetime.combine(report.as_of, dt.time())
    return dt.datetime(year + 1, 8, 31)


class _StampedZip(zipfile.ZipFile):
    """A zip whose every entry carries one given time (zipfile stamps the current time on
    ``writestr`` by name, and a file's modification time on ``write``)."""

    def __init__(self, file, when: dt.datetime):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.when = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]  # zip times start in 1980

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.when)
            zinfo_or_arcname.compress_type = compress_type or self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as handle:
            self.writestr(arcname or os.path.basename(filename), handle.read(), compress_type, compresslevel)


def book_bytes(report, year: int, key: str) -> bytes:
    """The xlsx of one school year (``key``, from :func:`book_key`, is its document identifier)."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    current = year == report.school_year
    book = Workbook(write_only=True)
    when = _book_time(report, year)
    book.properties.created = book.properties.modified = when
    book.properties.identifier = key
    book.properties.title = f"Báo cáo số lượng tin, bài, ảnh năm học {school_year_label(year)}"
    look = _Look(book)
    years = quarter_years(report)
    labels = [label for label in report.quarters if years.get(label) == year]
    for label in labels:
        _quarter_sheet(book, look, report, quarter_report(report, label, years), current)
    _legend_sheet(book, look, report, year, current)
    _rule_sheets(book, report, year, current)
    book.active = max(len(labels) - 1, 0)  # the file opens on its last quarter
    out = io.BytesIO()
    # ExcelWriter, not book.save(): save() stamps the current time as the book's modified time
    ExcelWriter(book, _StampedZip(out, when)).save()
    return out.getvalue()


class _Look:
    """The named styles of the report sheets (one style object per kind of cell)."""

    def __init__(self, book):
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side

        thin = Side(style="thin", color="000000")
        box = Border(left=thin, right=thin, top=thin, bottom=thin)

        def style(name, size=12, bold=False, italic=False, horizontal="left", wrap=False, border=None,
                  number_format="General"):
            named = NamedStyle(name=name, font=Font(name=FONT, size=size, bold=bold, italic=italic),
                               alignment=Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap),
                               border=border or Border(), number_format=number_format)
            book.add_named_style(named)
            return name

        self.heading = style("Tiêu đề cơ quan", bold=True, horizontal="center")
        self.title = style("Tiêu đề báo cáo", size=14, bold=True, horizontal="center")
        self.subtitle = style("Thời gian báo cáo", italic=True, horizontal="center", wrap=True)
        self.header = style("Tiêu đề cột", bold=True, horizontal="center", wrap=True, border=box)
        self.text = style("Ô chữ", wrap=True, border=box)
        self.number = style("Ô số", horizontal="right", border=box)
        self.centre = style("Ô giữa", horizontal="center", border=box)
        self.percent = style("Ô tỉ lệ", horizontal="right", border=box, number_format="0%")
        self.group = style("Nhóm", bold=True, wrap=True, border=box)
        self.group_centre = style("Nhóm giữa", bold=True, horizontal="center", border=box)
        self.total = style("Cộng", bold=True, wrap=True, border=box)
        self.total_number = style("Cộng số", bold=True, horizontal="right", border=box)
        self.total_percent = style("Cộng tỉ lệ", bold=True, horizontal="right", border=box, number_format="0%")
        self.note = style("Ghi chú", size=11, italic=True, wrap=True)
        self.plain = style("Chữ", wrap=True)
        self.sign = style("Chức danh ký", bold=True, horizontal="center")
        self.sign_hint = style("Hướng dẫn ký", italic=True, horizontal="center")
        self.place = style("Địa danh", italic=True, horizontal="center")


def _cell(sheet, value, style):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=cell_text(value))
    cell.style = style
    return cell


def _quarter_sheet(book, look, report, quarter, current: bool) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.worksheet import Worksheet

    sheet = book.create_sheet(f"Quý {quarter.number.replace('/', '-')}")
    last = get_column_letter(len(QUARTER_HEADER))
    for index, width in enumerate(QUARTER_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 48
    province = report.registry.province.name
    rows = []  # (cells, merged range of the row or None)

    def line(cells, merge=None, height=None):
        rows.append(cells)
        if merge:
            sheet.merged_cells.add(merge.format(row=len(rows)))
        if height:
            sheet.row_dimensions[len(rows)].height = height

    line([_cell(sheet, province.upper(), look.heading)] + [None] * 5
         + [_cell(sheet, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", look.heading)], "A{row}:E{row}")
    sheet.merged_cells.add(f"G1:{last}1")
    line([None] * 6 + [_cell(sheet, "Độc lập - Tự do - Hạnh phúc", look.heading)], f"G{{row}}:{last}{{row}}")
    line([])
    line([_cell(sheet, f"BÁO CÁO SỐ LƯỢNG TIN, BÀI, ẢNH QUÝ {quarter.number}", look.title)], f"A{{row}}:{last}{{row}}", 24)
    if quarter.provisional:
        span = (f"(Từ ngày {short_date(quarter.start)} đến hết ngày {short_date(quarter.as_of)} — "
                "số liệu tạm tính, quý chưa kết thúc)")
    else:
        span = f"(Từ ngày {short_date(quarter.start)} đến ngày {short_date(quarter.end)})"
    line([_cell(sheet, span, look.subtitle)], f"A{{row}}:{last}{{row}}")
    line([])
    line([_cell(sheet, text, look.header) for text in QUARTER_HEADER])
    for group in quarter.groups:
        line([_cell(sheet, group.numeral, look.group_centre), _cell(sheet, group.name, look.group)]
             + [_cell(sheet, None, look.group) for _ in QUARTER_HEADER[2:]])
        for number, row in enumerate(group.rows, start=1):
            line(_report_cells(sheet, look, number, row, look.text, look.number, look.percent))
        line(_report_cells(sheet, look, None, group.total, look.total, look.total_number, look.total_percent,
                           name=f"Cộng {group.numeral}"))
    line(_report_cells(sheet, look, None, quarter.total, look.total, look.total_number, look.total_percent,
                       name="TỔNG CỘNG TOÀN TỈNH"))
    line([])
    line([_cell(sheet, "Ghi chú: " + PERCENT_NOTE, look.note)], f"A{{row}}:{last}{{row}}", 48)
    if quarter.provisional:
        line([_cell(sheet, OPEN_NOTE, look.note)], f"A{{row}}:{last}{{row}}")
    line([])
    day = report.as_of if current else None
    line([None] * 7 + [_cell(sheet, place_and_day(quarter.place, day), look.place)], f"H{{row}}:{last}{{row}}")
    line([None, _cell(sheet, "NGƯỜI LẬP BIỂU", look.sign)] + [None] * 5
         + [_cell(sheet, "CHÁNH VĂN PHÒNG", look.sign)], f"H{{row}}:{last}{{row}}")
    line([None, _cell(sheet, "(Ký, ghi rõ họ tên)", look.sign_hint)] + [None] * 5
         + [_cell(sheet, "(Ký, ghi rõ họ tên)", look.sign_hint)], f"H{{row}}:{last}{{row}}")
    for _ in range(3):
        line([])
    if quarter.signer:
        line([None] * 7 + [_cell(sheet, quarter.signer, look.sign)], f"H{{row}}:{last}{{row}}")
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = FONT
    for cells in rows:
        sheet.append(cells)


def _report_cells(sheet, look, number: int | None, row, text_style, number_style, percent_style, name=None) -> list:
    share = row.percent
    return [_cell(sheet, number, look.centre if row.unit_id else text_style),
            _cell(sheet, name or row.name, text_style),
            *(_cell(sheet, value, number_style) for value in
              (row.required, row.articles, row.counted, row.photos, row.forwarded)),
            _cell(sheet, share / 100 if share is not None else "–", percent_style),
            _cell(sheet, row.result, text_style),
            _cell(sheet, row.note, text_style)]


def _legend_sheet(book, look, report, year: int, current: bool) -> None:
    sheet = book.create_sheet("Hướng dẫn")
    sheet.column_dimensions["A"].width = 110
    if current:
        title = f"Định mức đăng bài — số liệu tính đến hết ngày {short_date(report.as_of)}"
    else:
        title = f"Định mức đăng bài năm học {school_year_label(year)}"
    texts = [
        (title, look.title),
        (f"{report.registry.province.name} — năm học {school_year_label(year)}: các kỳ và các quý kết thúc trong "
         "năm học này" + (" (và kỳ đang mở); các năm học trước ở các tệp quota-<năm học>.xlsx." if current else "."),
         look.plain),
        ("Các trang \"Quý …\": báo cáo số lượng tin, bài, ảnh của từng quý, để in và nộp (khổ A4 ngang).", look.plain),
        ("Các trang \"Theo tuần\", \"Theo tháng\", …: mỗi dòng một đơn vị và một quy định, mỗi cột một kỳ; ô ghi số bài "
         "đã đăng, ô trống là kỳ không yêu cầu; màu và dấu của ô cho biết kết quả của kỳ:", look.plain),
    ]
    for status in ("met", "open", "missed") if current else ("met", "missed"):
        texts.append((f"{STATUS[status].symbol} {STATUS[status].text}", status))
    texts.append((PERCENT_NOTE, look.plain))
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    for text, style in texts:
        if style in FILLS:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(name=FONT, size=12)
            cell.fill = PatternFill("solid", start_color=FILLS[style], end_color=FILLS[style])
        else:
            cell = _cell(sheet, text, style)
        sheet.append([cell])


def _rule_sheets(book, report, year: int, current: bool) -> None:
    """A sheet per kind of rule: a row per unit and rule, a column per period (plain cells: there can be
    tens of thousands; the state comes from conditional formatting, not from each cell's style)."""
    from openpyxl.formatting.rule import Rule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.styles.differential import DifferentialStyle
    from openpyxl.styles.numbers import NumberFormat
    from openpyxl.utils import get_column_letter

    province = report.registry.province
    rotas = {f"rota:{rota.id}": rota for rota in province.rotas}
    units = report.registry.units
    looks = {status: DifferentialStyle(
        fill=PatternFill("solid", start_color=FILLS[status], end_color=FILLS[status], bgColor=FILLS[status]),
        numFmt=NumberFormat(numFmtId=200 + position, formatCode=f'0" {STATUS[status].symbol}"'))
        for position, status in enumerate(FILLS)}
    by_every = defaultdict(list)
    for lines in report.units:
        for every, rule, required, starts, labels, published in lines.books[year][0] if year in lines.books else ():
            by_every[every].append((lines.name, rule, required, starts, labels, published))
    for every, title in RULE_SHEETS:
        rows = by_every.get(every)
        if not rows:
            continue
        columns = sorted({(start, label) for *_, starts, labels, _ in rows for start, label in zip(starts, labels)})
        position = {label: i for i, (_, label) in enumerate(columns, start=len(RULE_HEADER))}
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "D2"
        sheet.column_dimensions["A"].width = min(max(len(row[0]) for row in rows) + 2, 50)
        sheet.column_dimensions["B"].width = 30
        sheet.column_dimensions["C"].width = 10
        for index in range(len(RULE_HEADER) + 1, len(RULE_HEADER) + len(columns) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 13
        sheet.row_dimensions[1].height = 45
        bold = Font(bold=True)
        header = []
        for text in RULE_HEADER + [_column_text(label, start) for start, label in columns]:
            cell = _plain_cell(sheet, text)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for name, rule, required, starts, labels, published in sorted(rows, key=lambda row: (row[0], row[1])):
            values = [cell_text(name), rule_text(rule, rotas.get(rule), units), required] + [None] * len(columns)
            for label, count in zip(labels, published):
                values[position[label]] = count
            sheet.append(values)
        # the state from the numbers themselves: met from the count, open in the period of the as-of day
        first, last = get_column_letter(len(RULE_HEADER) + 1), len(rows) + 1
        everything = f"{first}2:{get_column_letter(len(RULE_HEADER) + len(columns))}{last}"
        sheet.conditional_formatting.add(everything, Rule(
            type="expression", formula=[f"AND(ISNUMBER({first}2),{first}2>=$C2)"], dxf=looks["met"], stopIfTrue=True))
        open_labels = _as_of_labels(report, rows) if current else ()
        for letter in sorted({get_column_letter(position[label] + 1) for label in open_labels if label in position}):
            sheet.conditional_formatting.add(f"{letter}2:{letter}{last}", Rule(
                type="expression", formula=[f"ISNUMBER({letter}2)"], dxf=looks["open"], stopIfTrue=True))
        sheet.conditional_formatting.add(everything, Rule(
            type="expression", formula=[f"ISNUMBER({first}2)"], dxf=looks["missed"]))


def _plain_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    cell = WriteOnlyCell(sheet, value=cell_text(value))
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _column_text(label: str, start: str) -> str:
    """A period's column title: "Tuần 36 (01/09–07/09/2025)", "Tháng 11/2026" ..."""
    first = dt.date.fromisoformat(start)
    return period_text(label, first, first + 6 * ONE_DAY)


def _as_of_labels(report, rows) -> set:
    """Labels of the periods containing the as-of day, for the rules of ``rows`` (rotas have their own kind)."""
    province = report.registry.province
    rota_every = {f"rota:{rota.id}": rota.every for rota in province.rotas}
    labels = set()
    for _, rule, *_ in rows:
        period = period_of(rota_every.get(rule) or rule_every(rule), report.as_of, province.school_year)
        if period is not None:
            labels.add(period.label)
    return labels


def xlsx_key(path: Path) -> str | None:
    """The key (``book_key``) an xlsx was made from (its document identifier), None if unreadable."""
    try:
        with zipfile.ZipFile(path) as book:
            core = book.read("docProps/core.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    found = re.search(r"<dc:identifier[^>]*>([0-9a-f]+)</dc:identifier>", core)
    return found.group(1) if found else None
