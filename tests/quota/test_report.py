"""Periods, rotas, channels and the quota.json file (contract sections 6 and 7)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess

import jsonschema
from openpyxl import load_workbook

from factory import CODE_ROOT, UNITS, Province
from helpers import commit, counted, make_province, periods, report, run_quota
from quota.periods import periods_between, school_year_of, semester_of
from unit_registry import SchoolYear

SCHEMA = json.loads((CODE_ROOT / "schemas" / "quota.schema.json").read_text(encoding="utf-8"))

ROTA = """\
rotas:
  - id: truc-tin
    every: month
    count: 1
    start: 2022-10
    order: [thcs-a, th-b, van-phong]
"""


def test_rota_cycles_and_wraps(tmp_path):
    p = make_province(tmp_path / "repo", rotas=ROTA)
    p.article("th-b", "2022/b.md", date="2022-11-03 08:00")
    commit(p, "bài của TH B", "2022-11-04T09:00:00+07:00")
    data = report(p, "2023-01-20")
    assert {k: v[1] for k, v in periods(data, "thcs-a", "rota:truc-tin").items()} == {
        "2022-10": "missed", "2023-01": "open"}
    assert {k: v[:2] for k, v in periods(data, "th-b", "rota:truc-tin").items()} == {"2022-11": (1, "met")}
    assert {k: v[1] for k, v in periods(data, "van-phong", "rota:truc-tin").items()} == {"2022-12": "missed"}
    assert {u["id"] for u in data["units"] if any(p["rule"].startswith("rota:") for p in u["periods"])} == {
        "thcs-a", "th-b", "van-phong"}


def test_channel_so_counts_only_forwarded_articles(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00", title="Bài gửi Sở", send_to_so=True)
    p.article("thcs-a", "2022/b.md", date="2022-10-04 08:00", title="Bài của trường")
    commit(p, "hai bài", "2022-10-05T09:00:00+07:00")
    data = report(p, "2022-10-31")
    assert periods(data, "thcs-a", "month:1:so")["2022-10"] == (1, "met", ["content/thcs-a/2022/a.md"])
    assert counted(data, "thcs-a", "month:1:own") == {"2022-10": 2}


def test_semesters_and_the_summer_gap(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2023/hk1.md", date="2023-01-14 20:00", title="Cuối học kỳ một")
    commit(p, "cuối HK1", "2023-01-10T09:00:00+07:00")
    p.article("thcs-a", "2023/he.md", date="2023-06-10 08:00", title="Hoạt động hè")
    commit(p, "bài mùa hè", "2023-06-10T09:00:00+07:00")
    data = report(p, "2023-07-15")
    sem = periods(data, "thcs-a", "semester:1:own")
    assert {k: v[:2] for k, v in sem.items()} == {"2022-2023-HK1": (1, "met"), "2022-2023-HK2": (0, "missed")}
    assert counted(data, "thcs-a") == {"2023-01": 1, "2023-06": 1}
    later = periods(report(p, "2023-09-05"), "thcs-a", "semester:1:own")
    assert list(later) == ["2022-2023-HK1", "2022-2023-HK2", "2023-2024-HK1"]
    assert later["2023-2024-HK1"][1] == "open"


def test_semester_boundaries():
    school_year = SchoolYear()
    assert semester_of(dt.date(2022, 9, 4), school_year) is None
    assert semester_of(dt.date(2022, 9, 5), school_year).label == "2022-2023-HK1"
    assert semester_of(dt.date(2023, 1, 14), school_year).label == "2022-2023-HK1"
    assert semester_of(dt.date(2023, 1, 15), school_year).label == "2022-2023-HK2"
    assert semester_of(dt.date(2023, 5, 31), school_year).end == dt.date(2023, 5, 31)
    assert semester_of(dt.date(2023, 6, 1), school_year) is None
    weeks = periods_between("week", dt.date(2022, 12, 31), dt.date(2023, 1, 2))
    assert [w.label for w in weeks] == ["2022-W52", "2023-W01"]


def test_school_year_of_a_day_runs_to_the_next_first_semester():
    """The school year of the xlsx files: the summer gap belongs to the year just ended."""
    school_year = SchoolYear()
    assert school_year_of(dt.date(2022, 9, 4), school_year) == 2021
    assert school_year_of(dt.date(2022, 9, 5), school_year) == 2022
    assert school_year_of(dt.date(2023, 5, 31), school_year) == 2022
    assert school_year_of(dt.date(2023, 7, 15), school_year) == 2022
    assert school_year_of(dt.date(2023, 9, 5), school_year) == 2023


def test_active_from_and_retired_on(tmp_path):
    extra = {"th-b": UNITS["th-b"] + "active_from: 2022-11-10\nretired_on: 2023-01-05\nquota:\n  - every: month\n    count: 1\n"}
    p = make_province(tmp_path / "repo", extra_units=extra)
    data = report(p, "2023-03-01")
    assert {k: v[1] for k, v in periods(data, "th-b", "month:1:own").items()} == {
        "2022-11": "missed", "2022-12": "missed", "2023-01": "missed"}


def test_not_a_git_repository_is_refused(tmp_path):
    Province(tmp_path / "plain")
    result = run_quota(tmp_path / "plain", "--as-of", "2022-10-31")
    assert result.returncode == 2
    assert "không phải một kho git" in result.stderr
    assert not (tmp_path / "plain" / "output" / "quota" / "quota.json").exists()


def test_shallow_clone_is_refused_with_the_fix(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00")
    commit(p, "bài", "2022-10-05T09:00:00+07:00")
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{p.root}", str(tmp_path / "shallow")], check=True)
    result = run_quota(tmp_path / "shallow", "--as-of", "2022-10-31")
    assert result.returncode == 2
    assert "shallow" in result.stderr and "git fetch --unshallow" in result.stderr


SMALL_UNITS = {
    "so": UNITS["so"],
    "phong-gddt-a": UNITS["phong-gddt-a"],
    "thcs-a": UNITS["thcs-a"] + "quota:\n  - every: month\n    count: 1\n  - every: quarter\n    count: 1\n    channel: so\n",
}


def test_quota_json_exact_content_and_schema(tmp_path):
    p = Province(tmp_path / "repo", units=SMALL_UNITS)
    p.git("init", "-q", "-b", "main")
    commit(p, "units", "2022-09-01T08:00:00+07:00")
    p.article("thcs-a", "2022/khai-giang.md", date="2022-09-05 07:00", title="Lễ khai giảng")
    commit(p, "khai giảng", "2022-09-20T10:00:00+07:00")
    p.article("thcs-a", "2022/hoi-thi.md", date="2022-10-03 08:00", title="Hội thi", send_to_so=True, image=False)
    commit(p, "hội thi", "2022-10-03T10:00:00+07:00")
    result = run_quota(p.root, "--as-of", "2022-10-12")
    assert result.returncode == 0, result.stderr
    data = json.loads((p.root / "output" / "quota" / "quota.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert data == {
        "as_of": "2022-10-12",
        "timezone": "Asia/Ho_Chi_Minh",
        "units": [
            {"id": "phong-gddt-a", "name": "Phòng GD&ĐT huyện A", "kind": "phong-gddt", "parent": "so", "periods": []},
            {"id": "so", "name": "Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm", "kind": "so", "parent": None, "periods": []},
            {"id": "thcs-a", "name": "Trường THCS A", "kind": "truong", "parent": "phong-gddt-a", "periods": [
                {"rule": "month:1:own", "period": "2022-09", "start": "2022-09-01", "end": "2022-09-30",
                 "required": 1, "published": 1, "images": 1, "status": "met",
                 "articles": ["content/thcs-a/2022/khai-giang.md"]},
                {"rule": "month:1:own", "period": "2022-10", "start": "2022-10-01", "end": "2022-10-31",
                 "required": 1, "published": 1, "images": 0, "status": "met",
                 "articles": ["content/thcs-a/2022/hoi-thi.md"]},
                {"rule": "quarter:1:so", "period": "2022-Q3", "start": "2022-07-01", "end": "2022-09-30",
                 "required": 1, "published": 0, "images": 0, "status": "missed", "articles": []},
                {"rule": "quarter:1:so", "period": "2022-Q4", "start": "2022-10-01", "end": "2022-12-31",
                 "required": 1, "published": 1, "images": 0, "status": "met",
                 "articles": ["content/thcs-a/2022/hoi-thi.md"]},
            ]},
        ],
    }
    assert (p.root / "output" / "quota" / "quota.csv").exists()
    book = load_workbook(p.root / "output" / "quota" / "quota.xlsx")
    assert book.sheetnames == ["Quý III-2022", "Quý IV-2022", "Hướng dẫn", "Theo tháng", "Theo quý"]
    # a rule kind: a row per unit and rule, a column per period, the number published
    months = book["Theo tháng"]
    assert months.freeze_panes == "D2"
    assert list(months.iter_rows(values_only=True)) == [
        ("Đơn vị", "Quy định", "Yêu cầu mỗi kỳ", "Tháng 09/2022", "Tháng 10/2022"),
        ("Trường THCS A", "1 bài mỗi tháng", 1, 1, 1)]
    quarters = book["Theo quý"]
    assert list(quarters.iter_rows(min_row=2, values_only=True)) == [("Trường THCS A", "1 bài gửi Sở mỗi quý", 1, 0, 1)]
    # the state from the numbers: the colour and a symbol, met from the count, open only in the as-of day's period
    rules = {str(found.sqref): [(rule.formula, rule.dxf.fill.fgColor.rgb, rule.dxf.numFmt.formatCode)
                                for rule in found.rules]
             for found in quarters.conditional_formatting}
    assert rules == {"D2:E2": [(["AND(ISNUMBER(D2),D2>=$C2)"], "00C6EFCE", '0" ✓"'),
                               (["ISNUMBER(D2)"], "00FFC7CE", '0" ✗"')],
                     "E2": [(["ISNUMBER(E2)"], "00FFEB9C", '0" …"')]}


def test_incremental_run_reads_only_new_commits_and_agrees(tmp_path):
    from quota.history import load_history
    from quota.report import build_report

    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00")
    commit(p, "bài", "2022-10-05T09:00:00+07:00")
    load_history(p.root)  # fills cache/quota/
    p.article("thcs-a", "2022/b.md", date="2022-11-03 08:00", title="Bài tháng mười một")
    commit(p, "bài 2", "2022-11-05T09:00:00+07:00")
    cached = load_history(p.root)
    fresh = load_history(p.root, use_cache=False)
    day = dt.date(2022, 11, 30)
    assert build_report(cached, day).data == build_report(fresh, day).data
    assert counted(build_report(cached, day).data, "thcs-a") == {"2022-10": 1, "2022-11": 1}


def test_cached_runs_agree_with_a_fresh_walk_in_every_file(tmp_path):
    """Resumed walks (across a unit file change) and cached unit reports give the files of a cold run."""
    from quota.history import load_history
    from quota.outputs import csv_bytes, json_bytes, terminal_table
    from quota.workbook import book_bytes, book_key, book_years
    from quota.report import ReportCache, build_report

    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00", approved_by="Lê Văn Phó")
    commit(p, "bài chờ người duyệt", "2022-10-05T09:00:00+07:00")
    days = [dt.date(2022, 9, 30), dt.date(2022, 10, 31), dt.date(2022, 11, 30)]
    for day in days:
        build_report(load_history(p.root), day, cache=ReportCache(p.root))
    unit = (p.root / "units/thcs-a.yml").read_text(encoding="utf-8")
    p.write("units/thcs-a.yml", unit.replace("approvers:\n", "approvers:\n  - name: Lê Văn Phó\n    title: Phó Hiệu trưởng\n"))
    p.write("units/th-moi.yml", UNITS["th-b"].replace("th-b", "th-moi"))
    p.article("thcs-a", "2022/b.md", date="2022-11-03 08:00", title="Bài tháng mười một")
    commit(p, "thêm người duyệt, một trường và một bài", "2022-11-05T09:00:00+07:00")

    def files(report):
        books = {}
        for year in book_years(report):
            book = load_workbook(io.BytesIO(book_bytes(report, year, book_key(report, year))))
            books[year] = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
        return json_bytes(report), csv_bytes(report), terminal_table(report), books

    for day in days:
        cached = build_report(load_history(p.root), day, cache=ReportCache(p.root))
        fresh = build_report(load_history(p.root, use_cache=False), day)
        assert files(cached) == files(fresh)
        assert cached.data == fresh.data
    assert counted(fresh.data, "thcs-a") == {"2022-11": 2}
    assert "th-moi" in fresh.registry.units
    before = build_report(load_history(p.root), dt.date(2022, 10, 31), cache=ReportCache(p.root))
    assert "th-moi" not in before.registry.units  # units as of that day's commit


def test_quota_xlsx_is_not_made_again_from_the_same_report(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00")
    commit(p, "bài", "2022-10-05T09:00:00+07:00")
    xlsx = p.root / "output" / "quota" / "quota.xlsx"
    assert run_quota(p.root, "--as-of", "2022-10-31").returncode == 0
    stamp = xlsx.stat().st_mtime_ns
    assert run_quota(p.root, "--as-of", "2022-10-31").returncode == 0
    assert xlsx.stat().st_mtime_ns == stamp
    assert run_quota(p.root, "--as-of", "2022-11-01").returncode == 0
    assert xlsx.stat().st_mtime_ns != stamp
    assert load_workbook(xlsx)["Hướng dẫn"]["A1"].value == "Định mức đăng bài — số liệu tính đến hết ngày 01/11/2022"


def test_as_of_environment_variable_fixes_the_day_of_the_build_report(tmp_path, monkeypatch):
    from factory import Province

    province = Province(tmp_path / "repo")
    province.article("thcs-a", "2024/a.md", date="2024-11-07 08:30")
    province.git("init", "-q", "-b", "main")
    province.git("add", "-A")
    province.git("commit", "-q", "-m", "bài", date="2024-11-07T09:00:00+07:00")
    monkeypatch.setenv("AS_OF", "2024-12-31")
    out = province.build()
    data = json.loads((out / "quota/quota.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2024-12-31"


def _two_school_years(tmp_path):
    """thcs-a owes one article a semester; one article in 2022-2023, one in 2023-2024."""
    semester = UNITS["thcs-a"] + "quota:\n  - every: semester\n    count: 1\n"
    p = make_province(tmp_path / "repo", extra_units={"thcs-a": semester})
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00")
    commit(p, "bài năm học 2022-2023", "2022-10-05T09:00:00+07:00")
    p.article("thcs-a", "2023/b.md", date="2023-10-03 08:00", image=False, title="Khai giảng năm học mới")
    commit(p, "bài năm học 2023-2024", "2023-10-05T09:00:00+07:00")
    return p


def _sheets(path):
    book = load_workbook(path)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def _quarter_rows(rows) -> dict:
    """A quarter sheet's unit rows: name -> (required, published, counted, photos, forwarded, percentage, result)."""
    return {row[1]: row[2:9] for row in rows if isinstance(row[0], int)}


def test_each_school_year_has_its_own_xlsx(tmp_path):
    """quota.xlsx: the as-of day's school year; quota-2022-2023.xlsx: the earlier one; each period and
    thi đua quarter in the school year in which it ends."""
    p = _two_school_years(tmp_path)
    assert run_quota(p.root, "--as-of", "2023-10-31").returncode == 0
    folder = p.root / "output" / "quota"
    assert sorted(f.name for f in folder.glob("*.xlsx")) == ["quota-2022-2023.xlsx", "quota.xlsx"]
    earlier = _sheets(folder / "quota-2022-2023.xlsx")
    assert list(earlier) == ["Quý III-2022", "Quý IV-2022", "Quý I-2023", "Quý II-2023", "Hướng dẫn", "Theo học kỳ"]
    assert earlier["Hướng dẫn"][:2] == [
        ("Định mức đăng bài năm học 2022-2023",),
        ("Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm — năm học 2022-2023: các kỳ và các quý kết thúc trong năm học này.",)]
    assert earlier["Theo học kỳ"] == [
        ("Đơn vị", "Quy định", "Yêu cầu mỗi kỳ", "Học kỳ I, năm học 2022-2023", "Học kỳ II, năm học 2022-2023"),
        ("Trường THCS A", "1 bài mỗi học kỳ", 1, 1, 0)]
    nothing = (0, 0, 0, 0, 0, "–", "không yêu cầu")
    assert _quarter_rows(earlier["Quý III-2022"])["Trường THCS A"] == nothing
    assert _quarter_rows(earlier["Quý IV-2022"])["Trường THCS A"] == (0, 1, 0, 1, 0, "–", "không yêu cầu")
    assert _quarter_rows(earlier["Quý I-2023"])["Trường THCS A"] == (1, 0, 1, 0, 0, 1, "đạt")  # HK1 ends 14/01/2023
    assert _quarter_rows(earlier["Quý II-2023"])["Trường THCS A"] == (1, 0, 0, 0, 0, 0, "chưa đạt")  # HK2: nothing
    current = _sheets(folder / "quota.xlsx")
    assert list(current) == ["Quý III-2023", "Quý IV-2023", "Hướng dẫn", "Theo học kỳ"]
    assert current["Hướng dẫn"][:2] == [
        ("Định mức đăng bài — số liệu tính đến hết ngày 31/10/2023",),
        ("Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm — năm học 2023-2024: các kỳ và các quý kết thúc trong năm học này "
         "(và kỳ đang mở); các năm học trước ở các tệp quota-<năm học>.xlsx.",)]
    assert current["Theo học kỳ"] == [("Đơn vị", "Quy định", "Yêu cầu mỗi kỳ", "Học kỳ I, năm học 2023-2024"),
                                      ("Trường THCS A", "1 bài mỗi học kỳ", 1, 1)]
    assert _quarter_rows(current["Quý III-2023"])["Trường THCS A"] == nothing  # ends 30/09/2023, in the new year
    # HK1 2023-2024 is open but ends in Q1 2024: nothing of Q4 2023 is owed yet
    assert _quarter_rows(current["Quý IV-2023"])["Trường THCS A"] == (0, 1, 0, 0, 0, "–", "không yêu cầu")


def test_a_new_commit_in_the_current_school_year_leaves_the_earlier_years_file(tmp_path):
    p = _two_school_years(tmp_path)
    assert run_quota(p.root, "--as-of", "2023-10-31").returncode == 0
    folder = p.root / "output" / "quota"
    earlier, current = folder / "quota-2022-2023.xlsx", folder / "quota.xlsx"
    before = (earlier.stat().st_mtime_ns, earlier.read_bytes(), current.read_bytes())
    p.article("thcs-a", "2023/c.md", date="2023-10-20 08:00", image=False, title="Ngày Nhà giáo")
    commit(p, "một bài mới", "2023-10-21T09:00:00+07:00")
    assert run_quota(p.root, "--as-of", "2023-10-31").returncode == 0
    assert (earlier.stat().st_mtime_ns, earlier.read_bytes()) == before[:2]
    assert current.read_bytes() != before[2]
    assert _sheets(current)["Theo học kỳ"][1] == ("Trường THCS A", "1 bài mỗi học kỳ", 1, 2)
    # an as-of day in the earlier school year: its file is quota.xlsx, no other is left
    assert run_quota(p.root, "--as-of", "2023-05-31").returncode == 0
    assert sorted(f.name for f in folder.glob("*.xlsx")) == ["quota.xlsx"]
    assert _sheets(current)["Theo học kỳ"][1] == ("Trường THCS A", "1 bài mỗi học kỳ", 1, 1, 0)


def test_a_new_commit_writes_the_lines_of_its_unit_to_the_delta_not_the_whole_report_cache(tmp_path):
    from quota.history import load_history
    from quota.report import ReportCache, build_report

    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00")
    commit(p, "bài", "2022-10-05T09:00:00+07:00")
    day = dt.date(2022, 11, 30)
    build_report(load_history(p.root), day, cache=ReportCache(p.root))
    whole = ReportCache(p.root).path
    stamp = whole.stat().st_mtime_ns
    p.article("thcs-a", "2022/b.md", date="2022-11-03 08:00", title="Bài tháng mười một")
    commit(p, "bài 2", "2022-11-05T09:00:00+07:00")
    cached = build_report(load_history(p.root), day, cache=ReportCache(p.root))
    assert whole.stat().st_mtime_ns == stamp
    assert [lines[0] for lines in ReportCache(p.root).delta.values()] == ["thcs-a"]  # UnitLines.id
    assert cached.data == build_report(load_history(p.root, use_cache=False), day).data
