"""The report's files: quota.json (contract section 7), quota.csv, quota.xlsx, and the terminal table."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

from .periods import periods_between

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


def json_text(data: dict) -> str:
    # no indent: the C encoder (20× faster on 200,000 periods); one unit per line stays readable
    head = json.dumps({k: v for k, v in data.items() if k != "units"}, ensure_ascii=False)[:-1]
    units = ",\n".join(json.dumps(u, ensure_ascii=False) for u in data["units"])
    return f'{head}, "units": [\n{units}\n]}}\n'


CSV_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Quy định", "Kỳ", "Từ ngày", "Đến ngày",
              "Yêu cầu", "Đã đăng", "Số ảnh", "Trạng thái", "Bài viết"]


def _rows(data: dict):
    for unit in data["units"]:
        for p in unit["periods"]:
            yield unit, p, [unit["id"], unit["name"], KIND_VI.get(unit["kind"], unit["kind"]), unit["parent"] or "",
                            p["rule"], p["period"], p["start"], p["end"], p["required"], p["published"],
                            p["images"], STATUS_VI[p["status"]], "; ".join(p["articles"])]


def csv_text(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for _, _, row in _rows(data):
        writer.writerow(row)
    return out.getvalue()


def quarter_summary(report) -> list[tuple[str, list[list]]]:
    """The thi đua sheets: per quarter, per unit, articles, photos, forwarded, periods met/missed."""
    data, registry = report.data, report.registry
    province = registry.province
    starts = [u.active_from or province.quota_start for u in registry.units.values()]
    starts = [s for s in starts if s] or [report.as_of]
    quarters = periods_between("quarter", min(starts), report.as_of)
    by_unit = defaultdict(list)
    for article in report.articles:
        by_unit[article.unit].append(article)
    sheets = []
    for quarter in quarters:
        rows = []
        for unit in data["units"]:
            inside = [a for a in by_unit.get(unit["id"], []) if quarter.contains(a.day)]
            ended = [p for p in unit["periods"] if quarter.start.isoformat() <= p["end"] <= quarter.end.isoformat()]
            rows.append([unit["id"], unit["name"], KIND_VI.get(unit["kind"], unit["kind"]), unit["parent"] or "",
                         len(inside), sum(a.images for a in inside), sum(1 for a in inside if a.send_to_so),
                         sum(1 for p in ended if p["status"] == "met"),
                         sum(1 for p in ended if p["status"] == "missed")])
        sheets.append((quarter.label, rows))
    return sheets


QUARTER_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên", "Số bài", "Số ảnh",
                  "Số bài gửi Sở", "Số kỳ đạt", "Số kỳ không đạt"]


def _width(value) -> int:
    return len(str(value))


def xlsx_bytes(report) -> bytes:
    """One sheet per rule kind and one thi đua sheet per quarter (write-only mode: fast)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title, header, rows):
        ws = book.create_sheet(title[:31])
        ws.freeze_panes = "A2"
        widths = [_width(h) for h in header]
        for row in rows:
            for i, value in enumerate(row):
                if value is not None:
                    widths[i] = max(widths[i], min(_width(value), 80))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width + 2
        cells = []
        for h in header:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        for row in rows:
            ws.append(row)

    by_every = defaultdict(list)
    for _, p, row in _rows(report.data):
        by_every[rule_every(p["rule"])].append(row)
    made = 0
    for every in ("week", "month", "quarter", "semester", "year", "rota"):
        if by_every.get(every):
            sheet(EVERY_VI[every], CSV_HEADER, by_every[every])
            made += 1
    for label, rows in quarter_summary(report):
        sheet(f"Thi đua {label}", QUARTER_HEADER, rows)
        made += 1
    if not made:
        sheet("Định mức", CSV_HEADER, [])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_files(report, folder) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quota.json").write_text(json_text(report.data), encoding="utf-8")
    (folder / "quota.csv").write_text("\ufeff" + csv_text(report.data), encoding="utf-8")
    (folder / "quota.xlsx").write_bytes(xlsx_bytes(report))
    return folder


def current_and_previous(periods: list[dict], as_of: str):
    """Per rule: (current period, previous period) — current = the last listed."""
    by_rule = defaultdict(list)
    for p in periods:
        by_rule[p["rule"]].append(p)
    return {rule: (ps[-1], ps[-2] if len(ps) > 1 else None) for rule, ps in by_rule.items()}


def terminal_table(report) -> str:
    data = report.data
    lines = [f"Định mức đăng bài — {report.registry.province.name} — tính đến hết ngày "
             f"{report.as_of.strftime('%d/%m/%Y')} ({data['timezone']})"
             + (f", commit {report.commit[:10]}" if report.commit else ", chưa có commit nào")]
    rows = []
    for unit in data["units"]:
        cells = []
        for rule, (current, previous) in current_and_previous(unit["periods"], data["as_of"]).items():
            text = f"{rule} {current['period']} {STATUS_VI[current['status']]} {current['published']}/{current['required']}"
            if previous:
                text += f" (trước: {previous['period']} {STATUS_VI[previous['status']]} {previous['published']}/{previous['required']})"
            cells.append(text)
        rows.append((unit["id"], "; ".join(cells) or "không có định mức"))
    width = max([len(r[0]) for r in rows] + [9])
    lines.append(f"{'Đơn vị'.ljust(width)}  Kỳ hiện tại và kỳ trước (đã đăng/yêu cầu)")
    lines.append("-" * (width + 50))
    for unit_id, text in rows:
        lines.append(f"{unit_id.ljust(width)}  {text}")
    totals = defaultdict(int)
    for unit in data["units"]:
        for rule, (current, previous) in current_and_previous(unit["periods"], data["as_of"]).items():
            totals[current["status"]] += 1
    lines.append("-" * (width + 50))
    lines.append("Kỳ hiện tại: " + ", ".join(f"{STATUS_VI[s]} {totals[s]}" for s in ("met", "open", "missed")))
    return "\n".join(lines)
