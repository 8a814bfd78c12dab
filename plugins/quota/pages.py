"""What the quota pages show: a view of the report for the templates, and the history chart."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .outputs import KIND_VI, STATUS_VI, rule_text
from .periods import ONE_DAY, parse_label, period_of, periods_between, rota_index
from .report import on_duty

RECENT = 6  # period cells shown per rule


@dataclass
class RuleView:
    rule: str
    text: str
    current: dict | None
    cells: list  # dicts with period, status, published, required, label


@dataclass
class UnitView:
    id: str
    name: str
    kind: str
    kind_text: str
    parent: str | None
    parent_name: str
    home: str | None         # path of its home page, when it has a site
    start: dt.date | None = None       # its start day (contract section 4)
    retired_on: dt.date | None = None  # set once the as-of day is past it: it owes nothing now
    rules: list = field(default_factory=list)
    current: Counter = field(default_factory=Counter)


def _cell(entry: dict) -> dict:
    status = entry["status"]
    label = (f"{entry['period']} ({entry['start']} – {entry['end']}): {STATUS_VI[status]}, "
             f"đã đăng {entry['published']}/{entry['required']} bài, {entry['images']} ảnh")
    return {"period": entry["period"], "status": status, "published": entry["published"],
            "required": entry["required"], "label": label}


def _rota_cells(rota, unit_id: str, entries: list, as_of: dt.date) -> list:
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
            cells.append({"period": period.label, "status": "none", "published": 0, "required": 0,
                          "label": f"{period.label}: không yêu cầu (đơn vị trực: {who})"})
    return cells


def view(report, sites: dict | None = None) -> dict:
    registry, data = report.registry, report.data
    province = registry.province
    units = {}
    for entry in data["units"]:
        unit = registry.units[entry["id"]]
        parent = entry["parent"]
        has_site = sites is not None and entry["id"] in sites and entry["id"] != "so"
        retired = unit.retired_on if unit.retired_on is not None and unit.retired_on < report.as_of else None
        uv = UnitView(entry["id"], entry["name"], entry["kind"], KIND_VI.get(entry["kind"], entry["kind"]), parent,
                      registry.units[parent].name if parent in registry.units else "",
                      f"{entry['id']}/" if has_site else None, report.start_days.get(entry["id"]), retired)
        by_rule = defaultdict(list)
        for p in entry["periods"]:
            by_rule[p["rule"]].append(p)
        for rule in [r.label for r in unit.quota]:
            if rule in by_rule:
                entries = by_rule.pop(rule)
                # a retired unit has no current period: its last ones are not "failing" now
                current = None if retired else entries[-1]
                uv.rules.append(RuleView(rule, rule_text(rule), current, [_cell(e) for e in entries[-RECENT:]]))
        for rota in province.rotas:
            if entry["id"] in rota.order:
                entries = by_rule.pop(f"rota:{rota.id}", [])
                current = entries[-1] if entries and entries[-1]["start"] <= report.as_of.isoformat() <= entries[-1]["end"] else None
                uv.rules.append(RuleView(f"rota:{rota.id}", rule_text(f"rota:{rota.id}"), current,
                                         _rota_cells(rota, entry["id"], entries, report.as_of)))
        for rv in uv.rules:
            if rv.current:
                uv.current[rv.current["status"]] += 1
        units[uv.id] = uv

    groups = defaultdict(list)
    for uv in units.values():
        groups[uv.parent or ""].append(uv)
    ordered = []
    for parent_id in sorted(groups, key=lambda p: (p != "", units[p].name if p in units else p)):
        members = sorted(groups[parent_id], key=lambda u: u.name)
        totals = Counter()
        for uv in members:
            totals.update(uv.current)
        ordered.append({"id": parent_id or "khong-co", "name": units[parent_id].name if parent_id in units else "Cấp tỉnh",
                        "units": members, "totals": totals})

    rotas = []
    for rota in province.rotas:
        now = on_duty(rota, report.as_of)
        following = None
        if now is not None:
            following = on_duty(rota, now[0].end + ONE_DAY)
        elif parse_label(rota.every, rota.start):
            following = on_duty(rota, parse_label(rota.every, rota.start).start)
        rotas.append({"id": rota.id, "every": rota.every, "count": rota.count,
                      "order": [(uid, units[uid].name if uid in units else uid) for uid in rota.order],
                      "now": _duty(now, units), "next": _duty(following, units)})

    kinds = sorted({uv.kind for uv in units.values()}, key=lambda k: list(KIND_VI).index(k) if k in KIND_VI else 99)
    return {
        "error": None, "as_of": report.as_of, "commit": report.commit, "timezone": data["timezone"],
        "units": units, "groups": ordered, "rotas": rotas,
        "kinds": [(k, KIND_VI.get(k, k)) for k in kinds],
        "parents": [(g["id"], g["name"]) for g in ordered],
        "chart": history_chart(report), "status_text": STATUS_VI,
        "articles": len(report.articles), "images": sum(a.images for a in report.articles),
        "forwarded": sum(1 for a in report.articles if a.send_to_so),
    }


def _duty(found, units):
    if found is None:
        return None
    period, unit_id = found
    return {"period": period.label, "start": period.start, "end": period.end, "unit": unit_id,
            "name": units[unit_id].name if unit_id in units else unit_id}


def history_chart(report, months: int = 24) -> str:
    """Inline SVG: articles published per month in the whole province, last ``months`` months."""
    last = report.as_of
    first_month = period_of("month", last)
    spans = periods_between("month", dt.date(last.year - 3, last.month, 1), last)[-months:]
    if not spans:
        spans = [first_month]
    counts = Counter()
    forwarded = Counter()
    for article in report.articles:
        label = f"{article.day.year}-{article.day.month:02d}"
        counts[label] += 1
        if article.send_to_so:
            forwarded[label] += 1
    peak = max([counts[p.label] for p in spans] + [1])
    bar, gap, height, left, bottom = 22, 6, 160, 40, 30
    width = left + len(spans) * (bar + gap) + 10
    parts = [f'<svg class="quota-chart" role="img" aria-labelledby="bieu-do-tieu-de bieu-do-mo-ta" '
             f'viewBox="0 0 {width} {height + bottom + 10}" width="100%" preserveAspectRatio="xMinYMin meet">',
             '<title id="bieu-do-tieu-de">Số bài được đăng mỗi tháng trong toàn tỉnh</title>',
             f'<desc id="bieu-do-mo-ta">{html.escape(", ".join(f"{p.label}: {counts[p.label]} bài" for p in spans))}</desc>',
             f'<line x1="{left}" y1="{height}" x2="{width - 5}" y2="{height}" class="quota-chart__axis"/>',
             f'<text x="{left - 6}" y="{10}" text-anchor="end" class="quota-chart__label">{peak}</text>',
             f'<text x="{left - 6}" y="{height}" text-anchor="end" class="quota-chart__label">0</text>']
    for i, period in enumerate(spans):
        x = left + i * (bar + gap)
        total = counts[period.label]
        h = round(height * total / peak)
        hf = round(height * forwarded[period.label] / peak)
        parts.append(f'<g><title>{period.label}: {total} bài, {forwarded[period.label]} bài gửi Sở</title>'
                     f'<rect x="{x}" y="{height - h}" width="{bar}" height="{h}" class="quota-chart__bar"/>'
                     f'<rect x="{x}" y="{height - hf}" width="{bar}" height="{hf}" class="quota-chart__so"/></g>')
        if i % 3 == 0 or i == len(spans) - 1:
            parts.append(f'<text x="{x + bar / 2}" y="{height + 16}" text-anchor="middle" class="quota-chart__label">'
                         f'{period.start.month:02d}/{period.start.year % 100:02d}</text>')
    parts.append("</svg>")
    return "".join(parts)


QUOTA_CSS = """
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.quota-filters{display:flex;flex-wrap:wrap;gap:.25rem .75rem;margin:.5rem 0}
.quota-filters fieldset{border:1px solid #ccc;padding:.25rem .5rem;margin:0 0 .5rem}
.quota-group{margin:1rem 0}
.quota-table{border-collapse:collapse;width:100%}
.quota-table th,.quota-table td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
.quota-cells{display:flex;flex-wrap:wrap;gap:3px;list-style:none;margin:0;padding:0}
.quota-cell{display:inline-block;min-width:2.4rem;padding:0 .2rem;border-radius:3px;font-size:.8rem;text-align:center;border:1px solid #888}
.quota-cell--met{background:#d6f0d6;border-color:#1b7a1b}
.quota-cell--open{background:#fff4c2;border-color:#8a6d00}
.quota-cell--missed{background:#f8d4d4;border-color:#a11;}
.quota-cell--none{background:#eee;color:#555;border-style:dashed}
.quota-rule{margin:.15rem 0}
.quota-chart{max-width:48rem;height:auto}
.quota-chart__bar{fill:#4a78b5}.quota-chart__so{fill:#e08a1e}.quota-chart__axis{stroke:#333}
.quota-chart__label{font-size:10px;fill:#333}
.quota-status{border:1px solid #ccc;padding:.5rem 1rem;margin:1rem 0}
"""


def filter_css(context: dict) -> str:
    """CSS for the radio filters: no script, only :checked and sibling selectors."""
    rules = [QUOTA_CSS]
    for kind, _ in context["kinds"]:
        rules.append(f"#loc-loai-{kind}:checked~.quota-groups .quota-row:not(.k-{kind}){{display:none}}")
    for parent, _ in context["parents"]:
        rules.append(f"#loc-cap-tren-{parent}:checked~.quota-groups .quota-group:not(.g-{parent}){{display:none}}")
    return "\n".join(rules) + "\n"
