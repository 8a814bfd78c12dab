"""A small province repository with quota rules, and the quota of an as-of day."""

from __future__ import annotations

import datetime as dt

from factory import UNITS, Province
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
