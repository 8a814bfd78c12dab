"""What the quota pages show: a view of the report for the templates (quota.html, quota_parent.html,
quota_quarter.html, _quota_status.html), in the words of ``words``; and the CSS of the page's filters.

Readers are teachers, heads and parents: no id, rule code, period label, commit or zone reaches a page
(ids only name anchors and filter classes).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from dates import month_name, short_date

from .history import value_hash
from .outputs import KIND_VI
from .periods import ONE_DAY, parse_label, period_of, periods_between, rota_index
from .report import on_duty
from .thi_dua import OPEN_NOTE, PERCENT_NOTE, Row, behind_first, name_key, place_and_day, quarter_report, quarter_years
from .words import STATUS, moment, period_short, period_text, rota_duty, rota_name, rule_text

RECENT = 6  # period cells shown per rule
PARENT_KINDS = ("phong-gddt", "xa")  # they get a page of their units' quota, <id>/dinh-muc/


@dataclass
class Cell:
    status: str         # met, open, missed, none
    short: str          # "Tuần 49"
    full: str           # "Tuần 49 (01/12–07/12/2026)"
    published: int = 0
    required: int = 0
    who: str = ""       # a rota period another unit is on duty for: its name

    @property
    def symbol(self) -> str:
        return STATUS[self.status].symbol

    @property
    def state(self) -> str:
        return STATUS[self.status].text

    @property
    def count(self) -> str:
        return "" if self.status == "none" else f"{self.published}/{self.required}"

    @property
    def sentence(self) -> str:
        """What a screen reader says: "Tuần 49 (01/12–07/12/2026): đạt, đã đăng 1/1 bài"."""
        if self.status == "none":
            return f"{self.full}: không yêu cầu" + (f" (đơn vị trực: {self.who})" if self.who else "")
        return f"{self.full}: {self.state}, đã đăng {self.published}/{self.required} bài"


@dataclass
class RuleView:
    text: str                  # "1 bài mỗi tuần"
    current: Cell | None       # the period containing the as-of day
    cells: list                # the last RECENT periods


@dataclass
class UnitView:
    id: str
    name: str
    kind: str
    kind_text: str
    parent: str | None
    home: str | None           # path of its home page, when it has a site
    start: dt.date | None = None       # its start day (contract section 4)
    retired_on: dt.date | None = None  # set once the as-of day is past it: it owes nothing now
    rules: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"dv-{self.id}"

    @property
    def retired(self) -> str:
        """"ngừng hoạt động từ 30/06/2025" (as the directory says it), "" while it works."""
        return f"ngừng hoạt động từ {short_date(self.retired_on)}" if self.retired_on else ""


def _cell(entry: dict) -> Cell:
    start, end = dt.date.fromisoformat(entry["start"]), dt.date.fromisoformat(entry["end"])
    return Cell(entry["status"], period_short(entry["period"]), period_text(entry["period"], start, end),
                entry["published"], entry["required"])


def _rota_cells(rota, entries: list, as_of: dt.date, units: dict) -> list:
    """The last periods of a rota: the unit's duty cells, 'not required' when another unit is on duty."""
    first = parse_label(rota.every, rota.start)
    if first is None or as_of < first.start:
        return [_cell(e) for e in entries[-RECENT:]]
    by_label = {e["period"]: e for e in entries}
    cells = []
    for period in periods_between(rota.every, first.start, as_of)[-RECENT:]:
        if period.label in by_label:
            cells.append(_cell(by_label[period.label]))
        else:
            who = rota.order[rota_index(rota.every, first, period) % len(rota.order)]
            cells.append(Cell("none", period_short(period.label), period_text(period.label, period.start, period.end),
                              who=units[who].name if who in units else who))
    return cells


def _current(entries: list, as_of: dt.date) -> Cell | None:
    last = entries[-1] if entries else None
    if last is None or not last["start"] <= as_of.isoformat() <= last["end"]:
        return None
    return _cell(last)


def view(report, sites: dict | None = None) -> dict:
    registry, data = report.registry, report.data
    province, units = registry.province, registry.units
    as_of = report.as_of
    views = {}
    for entry in data["units"]:
        unit = units[entry["id"]]
        has_site = sites is not None and entry["id"] in sites and entry["id"] != "so"
        retired = unit.retired_on if unit.retired_on is not None and unit.retired_on < as_of else None
        uv = UnitView(entry["id"], entry["name"], entry["kind"], KIND_VI.get(entry["kind"], entry["kind"]),
                      entry["parent"], f"{entry['id']}/" if has_site else None,
                      report.start_days.get(entry["id"]), retired)
        by_rule: dict[str, list] = {}
        for p in entry["periods"]:
            by_rule.setdefault(p["rule"], []).append(p)
        for rule in [r.label for r in unit.quota]:
            if rule in by_rule:
                entries = by_rule.pop(rule)
                # the period holding the as-of day: a retired unit has none (its last ones are not "failing" now)
                current = None if retired else _current(entries, as_of)
                uv.rules.append(RuleView(rule_text(rule), current, [_cell(e) for e in entries[-RECENT:]]))
        for rota in province.rotas:
            if entry["id"] in rota.order:
                entries = by_rule.pop(f"rota:{rota.id}", [])
                uv.rules.append(RuleView(f"{rule_text(f'rota:{rota.id}', rota, units)}: {rota_duty(rota)}",
                                         None if retired else _current(entries, as_of),
                                         _rota_cells(rota, entries, as_of, units)))
        views[uv.id] = uv

    years = quarter_years(report)
    quarter = quarter_report(report, report.quarters[-1], years) if report.quarters else None
    return {
        "error": None, "as_of": as_of,
        "updated": moment(report.committed, province.zone) if report.committed is not None else "",
        "young": _young(report), "units": views,
        "groups": _groups(views, quarter, registry, as_of),
        "kinds": [(kind, KIND_VI[kind]) for kind in KIND_VI if any(uv.kind == kind for uv in views.values())],
        "rotas": [_rota_view(rota, units, as_of) for rota in province.rotas],
        "chart": history_chart(report),
        "quarter": quarter,
        "behind_first": behind_first(quarter.rows) if quarter else [],
        "quarters": [(label, period_text(label), parse_label("quarter", label).end > as_of, quarter_path(label))
                     for label in reversed(report.quarters)],
        "articles": len(report.articles), "images": sum(a.images for a in report.articles),
        "forwarded": sum(1 for a in report.articles if a.send_to_so),
        "on_home": province.quota_on_home, "status": STATUS, "kind_names": KIND_VI,
        "notes": {"percent": PERCENT_NOTE, "open": OPEN_NOTE},
        "signed": place_and_day, "sorted_rows": behind_first, "quarter_path": quarter_path,
    }


def quarter_path(label: str) -> str:
    """output path of a quarter's printable report: "quota/quy-2026-Q4/"."""
    return f"quota/quy-{label}/"


def quarter_pages(report) -> list:
    """(output path, quarter report) of every thi đua quarter's printable page."""
    years = quarter_years(report)
    return [(f"{quarter_path(label)}index.html", quarter_report(report, label, years)) for label in report.quarters]


def _young(report) -> str:
    """Why the past is empty, when the repository began after the province started counting (or recently)."""
    first = report.first_day
    if first is None:
        return ""
    start = report.registry.province.quota_start
    if (start is not None and first > start) or (report.as_of - first).days < 400:
        return (f"Kho nội dung bắt đầu ghi từ ngày {short_date(first)}: trước ngày đó chưa có số liệu. Mỗi đơn vị "
                "chỉ phải đăng bài từ ngày đơn vị có tên trong kho; tin cũ đưa vào kho là bài lưu trữ, "
                "không tính vào định mức.")
    return ""


def _groups(views: dict, quarter, registry, as_of: dt.date) -> list[dict]:
    """Units under their managing unit on the as-of day (the Sở and the units it manages first),
    each group with the kinds it holds and its totals of the current quarter, whole and per kind."""
    units = registry.units
    rows = {row.unit_id: row for row in quarter.rows} if quarter else {}
    by_parent: dict[str, list] = {}
    for uv in views.values():
        by_parent.setdefault("so" if uv.parent in (None, "so") else uv.parent, []).append(uv)
    order = sorted(by_parent, key=lambda p: (p != "so", name_key(units[p]) if p in units else (99, p, p)))
    groups = []
    for parent_id in order:
        members = sorted(by_parent[parent_id], key=lambda uv: (uv.id != "so", name_key(units[uv.id])))
        totals = {"all": Row("Cộng")}
        for uv in members:
            if uv.id in rows:
                totals["all"].add(rows[uv.id])
                totals.setdefault(uv.kind, Row("Cộng")).add(rows[uv.id])
        groups.append({"id": parent_id, "name": units[parent_id].name if parent_id in units else parent_id,
                       "units": members, "kinds": sorted({uv.kind for uv in members}), "totals": totals,
                       "page": f"{parent_id}/dinh-muc/" if parent_id in units and units[parent_id].kind in PARENT_KINDS
                       else None})
    return groups


def _rota_view(rota, units: dict, as_of: dt.date) -> dict:
    now = on_duty(rota, as_of)
    following = on_duty(rota, now[0].end + ONE_DAY) if now is not None else None
    if now is None and parse_label(rota.every, rota.start):
        following = on_duty(rota, parse_label(rota.every, rota.start).start)

    def duty(found):
        if found is None:
            return None
        period, unit_id = found
        return {"period": period_text(period.label, period.start, period.end),
                "name": units[unit_id].name if unit_id in units else unit_id}

    return {"name": rota_name(rota, units), "duty": rota_duty(rota), "now": duty(now), "next": duty(following),
            "order": [units[uid].name if uid in units else uid for uid in rota.order]}


def box_state(quota: dict, unit_id: str) -> str:
    """What the unit's home-page box shows, as a hash (the home page is made again only when it changes)."""
    uv = quota["units"].get(unit_id)
    if uv is None or not quota.get("on_home"):
        return ""
    return value_hash(repr([(rule.text, rule.current) for rule in uv.rules]) + repr(quota["as_of"]))


def history_chart(report) -> dict:
    """Articles published per month in the whole province (by publication time), with those forwarded to
    the Sở: from the start of the previous school year (or the repository's first month) to the as-of month."""
    as_of = report.as_of
    school_start = report.registry.province.school_year.semester1_start
    first = dt.date(as_of.year - (1 if (as_of.month, as_of.day) >= school_start else 2), school_start[0], 1)
    if report.first_day is not None and report.first_day > first:
        first = report.first_day.replace(day=1)
    months = periods_between("month", first, as_of)
    counts, forwarded = Counter(), Counter()
    for article in report.articles:
        label = period_of("month", article.day).label
        counts[label] += 1
        forwarded[label] += article.send_to_so
    peak = max([counts[m.label] for m in months] + [1])
    bars = [{"month": month_name(m.start.year, m.start.month), "short": m.start.strftime("%m/%y"),
             "count": counts[m.label], "forwarded": forwarded[m.label],
             "share": round(100 * counts[m.label] / peak), "share_so": round(100 * forwarded[m.label] / peak)}
            for m in months]
    return {"bars": bars, "peak": peak, "first": month_name(first.year, first.month),
            "last": month_name(as_of.year, as_of.month)}


def filter_css(context: dict) -> str:
    """The page's filters, without script: a radio button per kind of unit and per managing unit; what
    they leave out is hidden by ``:has()``, a group with none of its units left is hidden, its totals are
    those of the kind chosen, and a message says when nothing is left."""
    rules = []
    scope = ".quota-filterable"
    for kind, _ in context["kinds"]:
        chosen = f"{scope}:has(#loc-loai-{kind}:checked)"
        rules += [f"{chosen} .quota-row:not(.k-{kind}),{chosen} .quota-group:not(.has-{kind}),"
                  f"{chosen} .quota-totals{{display:none}}",
                  f"{chosen} .quota-totals.t-{kind}{{display:block}}"]
    for group in context["groups"]:
        rules.append(f"{scope}:has(#loc-cap-tren-{group['id']}:checked) .quota-group:not(.g-{group['id']}){{display:none}}")
        for kind, _ in context["kinds"]:
            if kind not in group["kinds"]:
                rules.append(f"{scope}:has(#loc-loai-{kind}:checked):has(#loc-cap-tren-{group['id']}:checked) "
                             ".quota-empty{display:block}")
    return "\n".join(rules) + "\n"
