"""The thi đua workbook as the Văn phòng hands it in (opened with openpyxl), from a real history."""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import load_workbook

from factory import UNITS, Province
from helpers import AS_OF, commit, run_quota
from quota.periods import parse_label
from quota.workbook import HEADER_ROW, QUARTER_HEADER, cell_text

PROVINCE = "Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm"


def _owed(data: dict, unit: str, quarter: str, as_of: dt.date) -> tuple[int, int]:
    """(required, counted) of ``unit`` in ``quarter``, from quota.json: the periods that end in the quarter,
    an open one only once met, each counting at most what it asks."""
    period = parse_label("quarter", quarter)
    required = counted = 0
    for entry in data["units"]:
        if entry["id"] != unit:
            continue
        for p in entry["periods"]:
            if period.start <= dt.date.fromisoformat(p["end"]) <= period.end and p["status"] != "open":
                required += p["required"]
                counted += min(p["published"], p["required"])
    return required, counted


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_a_sheet_per_quarter_with_title_groups_subtotals_and_percentages(rich_build):
    _, output = rich_build
    book = load_workbook(output / "quota" / "quota.xlsx")
    data = json.loads((output / "quota" / "quota.json").read_text(encoding="utf-8"))
    assert book.sheetnames[:3] == ["Quý III-2022", "Quý IV-2022", "Quý I-2023"]
    assert book.active.title == "Quý I-2023"  # opens on the last quarter
    sheet = book["Quý IV-2022"]
    rows = _rows(sheet)
    assert rows[0][0] == PROVINCE.upper() and rows[0][6] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert rows[3][0] == "BÁO CÁO SỐ LƯỢNG TIN, BÀI, ẢNH QUÝ IV/2022"
    assert rows[4][0] == "(Từ ngày 01/10/2022 đến ngày 31/12/2022)"
    assert rows[HEADER_ROW - 1] == tuple(QUARTER_HEADER)
    body = rows[HEADER_ROW:]
    groups = [(row[0], row[1]) for row in body if isinstance(row[0], str) and row[0] in ("I", "II", "III")]
    assert groups == [("I", PROVINCE), ("II", "Phòng GD&ĐT huyện A")]
    # unit rows: STT from 1 in each group, names (never ids), then a subtotal of exactly those rows
    by_name, group_rows, numbers = {}, [], []
    for row in body:
        if row[1] is None:
            break
        if isinstance(row[0], int):
            numbers.append(row[0])
            group_rows.append(row)
            by_name[row[1]] = row
        elif str(row[1]).startswith("Cộng "):
            assert numbers == list(range(1, len(numbers) + 1))
            for column in range(2, 7):
                assert row[column] == sum(r[column] for r in group_rows), (row[1], QUARTER_HEADER[column])
            numbers, group_rows = [], []
        elif row[1] == "TỔNG CỘNG TOÀN TỈNH":
            assert row[2] == sum(r[2] for r in by_name.values())
    assert set(by_name) == {PROVINCE, "Văn phòng Sở", "Phòng GD&ĐT huyện A", "Trường THCS A", "Trường Tiểu học B"}
    ids = {entry["id"] for entry in data["units"]}
    assert not ids & {cell for row in rows for cell in row}
    as_of = dt.date.fromisoformat(AS_OF)
    for unit, name in (("thcs-a", "Trường THCS A"), ("th-b", "Trường Tiểu học B"), ("phong-gddt-a", "Phòng GD&ĐT huyện A")):
        required, counted = _owed(data, unit, "2022-Q4", as_of)
        row = by_name[name]
        assert (row[2], row[4]) == (required, counted), name
        assert row[7] == counted * 100 // required / 100
        assert row[8] == ("đạt" if counted == required else "chưa đạt")
    assert by_name["Trường THCS A"][3] == 10 and by_name["Trường THCS A"][5] == 1 and by_name["Trường THCS A"][6] == 1
    assert by_name["Phòng GD&ĐT huyện A"][9] == "ngừng hoạt động từ 31/12/2022"
    school = next(number for number, row in enumerate(rows, start=1) if row[1] == "Trường THCS A")
    assert sheet.cell(school, 8).number_format == "0%"
    # print set-up: A4 landscape, fit to one page wide, the header row on every page, Times New Roman
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert {cell.font.name for row in sheet.iter_rows() for cell in row if cell.value is not None} == {"Times New Roman"}
    texts = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert "NGƯỜI LẬP BIỂU" in texts and "CHÁNH VĂN PHÒNG" in texts and "Lê Thị Chánh" in texts
    assert "Thử Nghiệm, ngày 15 tháng 02 năm 2023" in texts


def test_the_open_quarter_is_provisional_and_retired_units_are_left_out_after_they_stopped(rich_build):
    _, output = rich_build
    book = load_workbook(output / "quota" / "quota.xlsx")
    rows = _rows(book["Quý I-2023"])
    assert rows[4][0] == "(Từ ngày 01/01/2023 đến hết ngày 15/02/2023 — số liệu tạm tính, quý chưa kết thúc)"
    assert any(isinstance(cell, str) and cell.startswith("Số liệu tạm tính") for row in rows for cell in row)
    names = [row[1] for row in rows if isinstance(row[0], int)]
    assert "Phòng GD&ĐT huyện A" not in names  # retired on 31/12/2022: owes nothing, not failing
    groups = [row[1] for row in rows[HEADER_ROW:] if row[0] in ("I", "II", "III")]
    assert groups == [PROVINCE, "Ủy ban nhân dân xã B"]  # the schools moved to the commune on 01/01/2023
    assert not any(isinstance(cell, str) and "tạm tính" in cell for row in _rows(book["Quý IV-2022"]) for cell in row)


def test_a_control_character_in_a_unit_name_does_not_corrupt_the_workbook(tmp_path):
    units = dict(UNITS, **{"thcs-a": UNITS["thcs-a"].replace("name: Trường THCS A", 'name: "Trường THCS \\vA"')
                           + "quota:\n  - every: month\n    count: 1\n"})
    p = Province(tmp_path / "repo", units=units)
    p.git("init", "-q", "-b", "main")
    commit(p, "units", "2022-09-01T08:00:00+07:00")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00", image=False)
    commit(p, "bài", "2022-10-05T09:00:00+07:00")
    result = run_quota(p.root, "--as-of", "2022-10-31")
    assert result.returncode == 0, result.stderr
    data = json.loads((p.root / "output/quota/quota.json").read_text(encoding="utf-8"))
    assert "Trường THCS \vA" in {entry["name"] for entry in data["units"]}
    book = load_workbook(p.root / "output/quota/quota.xlsx")  # opens: the file is whole
    names = {row[1] for row in book["Quý IV-2022"].iter_rows(values_only=True) if isinstance(row[0], int)}
    assert "Trường THCS A" in names
    assert list(book["Theo tháng"].iter_rows(min_row=2, values_only=True)) == [("Trường THCS A", "1 bài mỗi tháng", 1, 0, 1)]
    assert cell_text("a\x00b\x1fc\td\n") == "abc\td\n"
