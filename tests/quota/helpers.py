"""A small province repository with quota rules, and the quota of an as-of day."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from factory import CODE_ROOT, UNITS, Province
from quota.history import load_history
from quota.report import build_report

RULES = """\
quota:
  - every: week
    count: 1
  - every: month
    count: 1
  - every: semester
    count: 1
  - every: month
    count: 1
    channel: so
"""


def make_province(root, rotas: str = "", extra_units: dict | None = None, thcs_extra: str = "") -> Province:
    units = dict(UNITS)
    units["thcs-a"] = UNITS["thcs-a"] + thcs_extra + RULES
    units.update(extra_units or {})
    province = Province(root, units=units)
    if rotas:
        province.write("units/_province.yml", (root / "units/_province.yml").read_text(encoding="utf-8") + rotas)
    province.git("init", "-q", "-b", "main")
    commit(province, "units", "2022-09-01T08:00:00+07:00")
    return province


def run_quota(root, *args) -> subprocess.CompletedProcess:
    """``python -m quota --root <root> <args>`` (make quota), as a command."""
    env = {"PYTHONPATH": str(CODE_ROOT / "plugins"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "quota", "--root", str(root), *args],
                          capture_output=True, text=True, env=env)


def commit(province: Province, message: str, date: str) -> None:
    province.git("add", "-A", date=date)
    province.git("commit", "-q", "--allow-empty", "-m", message, date=date)


def merge(province: Province, branch: str, date: str) -> None:
    province.git("merge", "-q", "--no-ff", branch, "-m", f"Merge {branch}", date=date)


def report(province: Province, as_of: str):
    history = load_history(province.root, use_cache=False)
    return build_report(history, dt.date.fromisoformat(as_of)).data


def periods(data: dict, unit: str, rule: str) -> dict:
    """period label -> (published, status, articles)"""
    for entry in data["units"]:
        if entry["id"] == unit:
            return {p["period"]: (p["published"], p["status"], p["articles"])
                    for p in entry["periods"] if p["rule"] == rule}
    raise KeyError(unit)


def counted(data: dict, unit: str, rule: str = "month:1:own") -> dict:
    """period label -> published count, only periods with something published."""
    return {label: n for label, (n, _, _) in periods(data, unit, rule).items() if n}


# A province over two quarters, as of Wednesday 15/02/2023 (week 7 open, Q1/2023 open): a Phòng that
# retires on 31/12/2022 and a commune (from 01/01/2023) that takes over its schools.
AS_OF = "2023-02-15"
RICH_PROVINCE = """\
quota_on_home: true
"""
RICH_UNITS = {
    "van-phong": UNITS["van-phong"] + "quota:\n  - every: month\n    count: 1\n",
    "phong-gddt-a": UNITS["phong-gddt-a"] + "retired_on: 2022-12-31\nquota:\n  - every: month\n    count: 2\n",
    "xa-b": "id: xa-b\nname: Ủy ban nhân dân xã B\nkind: xa\nparent: so\nactive_from: 2023-01-01\n"
            "approvers:\n  - name: Hồ Văn Xã\n    title: Chủ tịch\nquota:\n  - every: month\n    count: 1\n",
    "thcs-a": UNITS["thcs-a"] + "parents:\n  - from: 2023-01-01\n    parent: xa-b\n"
              "quota:\n  - every: week\n    count: 1\n  - every: semester\n    count: 1\n    channel: so\n",
    "th-b": UNITS["th-b"] + "parents:\n  - from: 2023-01-01\n    parent: xa-b\nquota:\n  - every: month\n    count: 1\n",
}
# (unit, ISO week or day, forwarded, with a photo): thcs-a on the Tuesday of these weeks
THCS_WEEKS = [(2022, 36), (2022, 37), (2022, 39), (2022, 40), (2022, 41), (2022, 42), (2022, 44), (2022, 45),
              (2022, 46), (2022, 47), (2022, 48), (2022, 49), (2022, 50), (2023, 1), (2023, 2), (2023, 3),
              (2023, 5), (2023, 6), (2023, 7)]
OTHER_DAYS = [("th-b", "2022-10-05"), ("th-b", "2022-12-07"), ("th-b", "2023-01-10"),
              ("phong-gddt-a", "2022-10-06"), ("phong-gddt-a", "2022-10-20"), ("phong-gddt-a", "2022-11-10"),
              ("phong-gddt-a", "2022-12-08"), ("phong-gddt-a", "2022-12-15"),
              ("xa-b", "2023-01-12"),
              ("van-phong", "2022-09-15"), ("van-phong", "2022-10-14"), ("van-phong", "2022-11-15"),
              ("van-phong", "2022-12-14"), ("van-phong", "2023-01-16"), ("so", "2022-11-18")]


def make_rich_province(root) -> Province:
    """The province above, each article committed on the day it carries (thcs-a's in week 40 forwarded to
    the Sở, those of weeks 36 and 45 with a photo)."""
    import datetime as dt

    units = dict(UNITS)
    units.update(RICH_UNITS)
    province = Province(root, units=units)
    province.write("units/_province.yml", (root / "units/_province.yml").read_text(encoding="utf-8") + RICH_PROVINCE)
    province.git("init", "-q", "-b", "main")
    commit(province, "units", "2022-09-01T08:00:00+07:00")
    days = [("thcs-a", dt.date.fromisocalendar(year, week, 2).isoformat()) for year, week in THCS_WEEKS] + OTHER_DAYS
    for unit, day in sorted(days, key=lambda item: item[1]):
        number = sum(1 for u, d in days if u == unit and d <= day)
        week = dt.date.fromisoformat(day).isocalendar()
        extra = {"approved_by": "Hồ Văn Xã"} if unit == "xa-b" else {}
        province.article(unit, f"{day[:4]}/bai-{number}.md", date=f"{day} 08:00", approved_on=day, **extra,
                         title=f"Hoạt động số {number} của đơn vị",
                         image=unit == "thcs-a" and (week.year, week.week) in ((2022, 36), (2022, 45)),
                         send_to_so=True if unit == "thcs-a" and (week.year, week.week) == (2022, 40) else None)
        commit(province, f"bài {unit} {day}", f"{day}T10:00:00+07:00")
    return province
