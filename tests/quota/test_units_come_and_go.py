"""Units that come and go (contract sections 4 and 6): start days, archive articles, retirement."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import unicodedata

from factory import CODE_ROOT, UNITS, Province
from helpers import commit, periods, report
from quota.history import load_history
from quota.pages import view
from quota.report import build_report, start_day
from unit_registry import Province as ProvinceSettings
from unit_registry import Unit

NEW_SCHOOL = ("id: th-moi\nname: Trường Tiểu học Mới\nkind: truong\nparent: phong-gddt-a\n"
              "approvers:\n  - name: Vũ Thị Mai\n    title: Hiệu trưởng\nquota:\n  - every: week\n    count: 1\n")


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_a_unit_added_later_owes_from_that_week_and_its_old_news_is_archive(tmp_path):
    """The school's file reaches main on Wednesday 09/11/2022 (week 2022-W45), with two years of
    old news: the old article is published but counts nowhere; weeks start at W45, not at
    quota_start.  Its new article's file and image are named in NFD, as a Mac writes them."""
    p = Province(tmp_path / "repo", units={k: UNITS[k] for k in ("so", "phong-gddt-a", "thcs-a")})
    p.git("init", "-q", "-b", "main")
    commit(p, "units", "2022-09-01T08:00:00+07:00")
    p.write("units/th-moi.yml", NEW_SCHOOL)
    p.article("th-moi", "2020/khai-giang.md", date="2020-09-05 07:00", title="Lễ khai giảng năm học 2020-2021",
              approved_by="Vũ Thị Mai")
    image = _nfd("content/th-moi/images/2022/hội-thi.jpg")
    p.image(image)
    p.article("th-moi", _nfd("2022/hội-thi.md"), date="2022-11-09 08:00", title="Hội thi vẽ tranh",
              approved_by="Vũ Thị Mai", body='Bài mới.\n\n![Tranh](/images/2022/hội-thi.jpg "Học sinh lớp 3A vẽ tranh")\n')
    commit(p, "thêm Trường Tiểu học Mới và tin cũ của trường", "2022-11-09T10:00:00+07:00")
    result = subprocess.run([sys.executable, "-m", "quota", "--root", str(p.root), "--as-of", "2022-11-20"],
                            capture_output=True, text=True, env={"PYTHONPATH": str(CODE_ROOT / "plugins"),
                                                                 "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    data = json.loads((p.root / "output" / "quota" / "quota.json").read_text(encoding="utf-8"))
    weeks = [
        {"rule": "week:1:own", "period": "2022-W45", "start": "2022-11-07", "end": "2022-11-13",
         "required": 1, "published": 1, "images": 1, "status": "met", "articles": ["content/th-moi/2022/hội-thi.md"]},
        {"rule": "week:1:own", "period": "2022-W46", "start": "2022-11-14", "end": "2022-11-20",
         "required": 1, "published": 0, "images": 0, "status": "open", "articles": []},
    ]
    owing = [("phong-gddt-a", "Phòng GD&ĐT huyện A", "phong-gddt", "so", []),
             ("so", "Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm", "so", None, []),
             ("th-moi", "Trường Tiểu học Mới", "truong", "phong-gddt-a", weeks),
             ("thcs-a", "Trường THCS A", "truong", "phong-gddt-a", [])]
    keys = ("id", "name", "kind", "parent", "periods")
    assert data == {"as_of": "2022-11-20", "timezone": "Asia/Ho_Chi_Minh",
                    "units": [dict(zip(keys, unit)) for unit in owing]}
    history = load_history(p.root, use_cache=False)
    published = {item[0] for item in history.state_at(len(history.shas) - 1)}
    assert "content/th-moi/2020/khai-giang.md" in published  # archive: published, not counted
    assert build_report(history, dt.date(2022, 11, 20)).start_days["th-moi"] == dt.date(2022, 11, 9)


def test_start_day_is_active_from_else_the_day_added_never_before_quota_start():
    province = ProvinceSettings(quota_start=dt.date(2022, 9, 5))
    unit = Unit("th-moi", "Trường Mới", "truong", "so")
    assert start_day(unit, province, dt.date(2024, 3, 2)) == dt.date(2024, 3, 2)
    assert start_day(unit, province, dt.date(2021, 3, 2)) == dt.date(2022, 9, 5)
    unit.active_from = dt.date(2023, 1, 9)
    assert start_day(unit, province, dt.date(2024, 3, 2)) == dt.date(2023, 1, 9)
    unit.active_from = dt.date(2020, 1, 1)
    assert start_day(unit, province, dt.date(2024, 3, 2)) == dt.date(2022, 9, 5)


def test_a_retired_unit_owes_nothing_after_and_its_later_article_is_e111(tmp_path):
    """retired_on written in a later commit: the article dated after it stops being published
    from that commit on (E111), the unit's months end with the one holding retired_on, and the
    quota pages list no current period for it (it is not failing now)."""
    units = {k: UNITS[k] for k in ("so", "phong-gddt-a")}
    units["thcs-a"] = UNITS["thcs-a"] + "quota:\n  - every: month\n    count: 1\n"
    p = Province(tmp_path / "repo", units=units)
    p.git("init", "-q", "-b", "main")
    commit(p, "units", "2022-09-01T08:00:00+07:00")
    p.article("thcs-a", "2022/thang-10.md", date="2022-10-03 08:00", title="Tin tháng mười")
    commit(p, "tin tháng 10", "2022-10-04T09:00:00+07:00")
    p.article("thcs-a", "2022/thang-11.md", date="2022-11-03 08:00", title="Tin tháng mười một")
    commit(p, "tin tháng 11", "2022-11-04T09:00:00+07:00")
    assert periods(report(p, "2022-11-30"), "thcs-a", "month:1:own")["2022-11"][:2] == (1, "met")
    p.write("units/thcs-a.yml", units["thcs-a"] + "retired_on: 2022-10-31\n")
    commit(p, "trường sáp nhập từ 01/11/2022", "2022-12-01T09:00:00+07:00")
    data = report(p, "2023-01-15")
    assert {k: v[:2] for k, v in periods(data, "thcs-a", "month:1:own").items()} == {
        "2022-09": (0, "missed"), "2022-10": (1, "met")}
    history = load_history(p.root, use_cache=False)
    assert "content/thcs-a/2022/thang-11.md" not in {item[0] for item in history.state_at(len(history.shas) - 1)}
    check = p.check()
    assert "content/thcs-a/2022/thang-11.md:3: E111 bài đề ngày 03/11/2022, sau ngày 31/10/2022 là ngày " \
           "đơn vị thcs-a ngừng hoạt động" in check.stdout
    shown = view(build_report(history, dt.date(2023, 1, 15)))["units"]["thcs-a"]
    assert shown.retired_on == dt.date(2022, 10, 31) and shown.start == dt.date(2022, 9, 5)
    assert [rule.current for rule in shown.rules] == [None]
    assert not shown.current  # counted in no group's "không đạt"
