"""`make review BASE=<rev>`: what a change does, in the words of the Văn phòng's reviewer.

    python -m review --base REV [--root DIR] [--output FILE]

The problems are exactly those of `make check BASE=<rev>` (``publication.check.examine``);
the report adds what the reviewer must see to decide: per article its unit, title,
author, approver, photos and built page; per unit file what changed, in words; per
unit touched how the change moves its current quota periods (``quota``'s own
functions, with the change counted as if merged now).
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import runpy
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from article_reader import content_kind, nfc, read_source
from dates import short_date
from problems import has_errors
from publication.check import GitError, changes, examine

CODE_ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- bao-cao-ra-soat -->"  # finds the pull request's comment again (annotations.upsert_comment)
DETAIL_LIMIT = 30      # more changed articles than this: one summary table, not a section each
PROBLEM_LIMIT = 400    # problem lines in a summary; `make check` still prints them all
STATUS_WORDS = {"A": "bài mới", "M": "bài sửa", "R": "đổi tên", "C": "bài chép", "T": "bài sửa", "D": "bài xóa"}


def md(text) -> str:
    """Text of an article or a unit file as Markdown shows it literally (a title with '*' or '<'
    must not turn into emphasis or HTML in the pull-request comment)."""
    text = " ".join(str(text).split())
    for char in "\\`*_[]<>|#~":
        text = text.replace(char, "\\" + char)
    return text


def code(text) -> str:
    return "`" + str(text).replace("`", "'") + "`"


def _patterns() -> dict[str, str]:
    """ARTICLE_URL, PAGE_URL and DOCUMENT_URL of the build's settings, by content kind:
    where each page is written."""
    settings = runpy.run_path(str(CODE_ROOT / "pelicanconf.py"))
    return {kind: settings[f"{kind.upper()}_URL"] for kind in ("article", "page", "document")}


@dataclass
class ArticleChange:
    status: str            # A M R D ...
    path: str              # NFC repository path (the old one for a deletion)
    old_path: str = ""     # of a rename
    source: object = None  # None for a deletion
    old_title: str = ""    # of a deletion
    problems: list = field(default_factory=list)
    page: str = ""         # output/... of its built page


@dataclass
class UnitChange:
    status: str
    unit_id: str
    path: str
    words: list = field(default_factory=list)
    problems: list = field(default_factory=list)


@dataclass
class Review:
    base: str
    base_sha: str
    articles: list
    units: list
    other_files: list             # (status, path): code, theme, CI, images nobody shows ...
    quota: dict                   # unit id -> [(rule text, period text, before, after)]
    quota_note: str
    registry: object
    problems: list                # every problem of `make check BASE=`
    unit_names: dict

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)


def _git(root: Path, *args) -> bytes:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True)
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or "git thất bại")
    return proc.stdout


def files_at(root: Path, rev: str, paths) -> dict[str, bytes]:
    """The content of ``paths`` (as git stores them) at ``rev``."""
    from quota.history import read_blobs

    paths = list(paths)
    if not paths:
        return {}
    listing = _git(root, "ls-tree", "-z", rev, "--", *paths).split(b"\0")
    blobs = {}
    for entry in listing:
        if entry:
            meta, _, path = entry.partition(b"\t")
            blobs[path.decode("utf-8", "surrogateescape")] = meta.split()[2].decode()
    texts = read_blobs(root, list(blobs.values()))
    return {path: texts.get(blob, b"") for path, blob in blobs.items()}


def base_registry(root: Path, base: str):
    from unit_registry import load_files

    names = [line for line in _git(root, "ls-tree", "-z", "--name-only", base, "units/").decode().split("\0")
             if line.endswith(".yml")]
    return load_files({posixpath.basename(path): text for path, text in files_at(root, base, names).items()})


def make_review(root: Path, base: str, settings: dict | None = None) -> Review:
    root = Path(root).resolve()
    shallow = _git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
    try:
        base_sha = _git(root, "rev-parse", "--verify", f"{base}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(("bản sao này là bản sao nông (shallow clone) nên không có commit đó; " if shallow else "")
                       + f"không có nhánh hay commit nào tên \"{base}\"") from None
    moves = [(status, nfc(old), nfc(new)) for status, old, new in changes(root, base)]
    found = examine(root, base, settings)
    registry = found.registry
    old_registry = base_registry(root, base_sha)
    by_path = defaultdict(list)
    for problem in found.problems:
        by_path[problem.path].append(problem)
    patterns = _patterns()
    deleted = [old for status, old, _ in moves if status == "D" and content_kind(old)]
    old_texts = {nfc(path): text for path, text in files_at(root, base_sha, deleted).items()}
    articles, unit_files, others = [], {}, []
    for status, old, new in moves:
        kind = content_kind(new)
        if status == "D" and content_kind(old):
            text = old_texts.get(old, b"").decode("utf-8", "replace")
            title = read_source(old, text, registry.province.zone).title if text else posixpath.basename(old)
            articles.append(ArticleChange("D", old, old_title=title))
        elif kind and new in found.sources:
            source = found.sources[new]
            site = "" if source.unit in (None, "so") else f"{source.unit}/"
            pattern = patterns[kind]
            articles.append(ArticleChange(status, new, old if status in "RC" else "", source, problems=by_path[new],
                                          page="output/" + pattern.format(site=site, slug=source.slug)))
        elif new.startswith("units/") and new.endswith(".yml") and new.count("/") == 1:
            if status in "RC":
                unit_files[old] = "D"
                unit_files[new] = "A"
            else:
                unit_files[new] = status
        elif not (status == "D" and old.startswith("units/")):
            others.append((status, new if status != "D" else old, old if status in "RC" else ""))
    for status, old, _ in moves:  # a unit file deleted (the loop above kept its other files)
        if status == "D" and old.startswith("units/") and old.endswith(".yml") and old.count("/") == 1:
            unit_files[old] = "D"
    # articles re-checked because their unit's file or an image changed, with a problem now
    listed = {a.path for a in articles}
    for path in sorted(found.checked - listed):
        if by_path.get(path) and path in found.sources:
            source = found.sources[path]
            site = "" if source.unit in (None, "so") else f"{source.unit}/"
            articles.append(ArticleChange("=", path, source=source, problems=by_path[path],
                                          page="output/" + patterns[content_kind(path)].format(site=site, slug=source.slug)))
    units = [_unit_change(status, path, old_registry, registry, by_path[path]) for path, status in sorted(unit_files.items())]
    touched = {a.path.split("/")[1] for a in articles if a.path.count("/") >= 2} | {u.unit_id for u in units}
    if "_province" in touched:
        touched.discard("_province")
    quota, note = quota_moves(root, base_sha, found, old_registry, touched, moves)
    names = {**{u.id: u.name for u in old_registry.units.values()}, **{u.id: u.name for u in registry.units.values()}}
    return Review(base, base_sha, articles, units, others, quota, note, registry, found.problems, names)


# -- unit files in words ------------------------------------------------------------------

def _unit_change(status: str, path: str, old_registry, registry, problems) -> UnitChange:
    stem = posixpath.splitext(posixpath.basename(path))[0]
    change = UnitChange(status, stem, path, problems=problems)
    if stem == "_province":
        change.words = _province_words(old_registry.province, registry.province)
        return change
    old, new = old_registry.units.get(stem), registry.units.get(stem)
    names = {**{u.id: u.name for u in old_registry.units.values()}, **{u.id: u.name for u in registry.units.values()}}
    name = lambda unit_id: names.get(unit_id, unit_id)  # noqa: E731
    if status == "D":
        change.words.append("xóa tệp đơn vị: đơn vị không còn trong danh sách, bài của đơn vị không được đăng nữa")
        return change
    if new is None:
        change.words.append("tệp đơn vị có lỗi nên đơn vị bị bỏ khỏi danh sách (xem lỗi bên dưới)")
        return change
    if old is None:
        change.words.append(f"đơn vị mới: {md(new.name)}, thuộc {md(name(new.parent or 'so'))}"
                            f"; người duyệt: {', '.join(md(a.name) for a in new.approvers)}")
        if new.quota:
            change.words.append("định mức: " + "; ".join(_rule_words(r) for r in new.quota))
        return change
    words = change.words
    if old.name != new.name:
        words.append(f"đổi tên: {md(old.name)} → {md(new.name)}")
    if old.kind != new.kind:
        words.append(f"đổi loại đơn vị: {old.kind} → {new.kind}")
    if old.parent != new.parent:
        words.append(f"đổi đơn vị cấp trên: {md(name(old.parent))} → {md(name(new.parent))}")
    for day, parent in sorted(set(new.parents) - set(old.parents)):
        words.append(f"từ ngày {short_date(day)} thuộc {md(name(parent))}")
    for day, parent in sorted(set(old.parents) - set(new.parents)):
        words.append(f"bỏ mốc chuyển: từ ngày {short_date(day)} thuộc {md(name(parent))}")
    old_approvers = {a.name: a for a in old.approvers}
    new_approvers = {a.name: a for a in new.approvers}
    for approver in new.approvers:
        if approver.name not in old_approvers:
            words.append(f"thêm người duyệt: {md(approver.name)} ({md(approver.title)})"
                         + (f", tài khoản {code(approver.account)}" if approver.account else ""))
        elif old_approvers[approver.name].account != approver.account:
            words.append(f"đổi tài khoản của người duyệt {md(approver.name)}: "
                         f"{code(old_approvers[approver.name].account or '—')} → {code(approver.account or '—')}")
    for approver in old.approvers:
        if approver.name not in new_approvers:
            words.append(f"bỏ người duyệt: {md(approver.name)} ({md(approver.title)})")
    for account in new.editors:
        if account not in old.editors:
            words.append(f"thêm người biên tập: {code(account)}")
    for account in old.editors:
        if account not in new.editors:
            words.append(f"bỏ người biên tập: {code(account)}")
    if old.quota != new.quota:
        words.append("đổi định mức: " + ("; ".join(_rule_words(r) for r in old.quota) or "không có")
                     + " → " + ("; ".join(_rule_words(r) for r in new.quota) or "không có"))
    if old.retired_on != new.retired_on:
        words.append(f"ngừng hoạt động từ sau ngày {short_date(new.retired_on)}" if new.retired_on
                     else "bỏ ngày ngừng hoạt động: đơn vị hoạt động trở lại")
    if old.active_from != new.active_from:
        words.append("đổi ngày bắt đầu tính định mức: "
                     f"{short_date(old.active_from) if old.active_from else 'ngày thêm tệp'} → "
                     f"{short_date(new.active_from) if new.active_from else 'ngày thêm tệp'}")
    if old.url != new.url:
        words.append(f"đổi địa chỉ trang: {code(old.url or '—')} → {code(new.url or '—')}")
    plain = {"email": "thư điện tử", "address": "địa chỉ", "phone": "điện thoại", "leaders": "lãnh đạo",
             "logo": "biểu trưng"}
    others = [words for key, words in plain.items() if getattr(old, key) != getattr(new, key)]
    if others:
        words.append("sửa thông tin hiển thị: " + ", ".join(others))
    if not words:
        words.append("không đổi gì ảnh hưởng đến việc đăng bài (chỉ chú thích hoặc cách viết)")
    return change


def _rule_words(rule) -> str:
    from quota.words import rule_text

    return rule_text(rule.label)


def _province_words(old, new) -> list[str]:
    words = []
    if old.reviewers != new.reviewers:
        words.append(f"đổi tài khoản Văn phòng rà soát: {', '.join(map(code, old.reviewers)) or '—'} → "
                     f"{', '.join(map(code, new.reviewers)) or '—'}")
    for key, what in (("name", "tên Sở"), ("timezone", "múi giờ"), ("quota_start", "ngày bắt đầu tính định mức"),
                      ("school_year", "mốc năm học"), ("rotas", "lịch trực"), ("git_host", "máy chủ git"),
                      ("quota_on_home", "hộp định mức trên trang chủ")):
        if getattr(old, key) != getattr(new, key):
            words.append(f"đổi {what}")
    return words or ["không đổi gì ảnh hưởng đến việc đăng bài"]


# -- quota: the current periods before and after ------------------------------------------

def quota_moves(root: Path, base_sha: str, found, old_registry, touched, moves):
    """unit id -> [(rule, period, "before", "after")] for its current periods (and any other
    period the change moves), the change counted as if merged now; and a note when the history
    cannot say."""
    from quota.history import GitError as HistoryError, load_history
    from quota.report import Counted, day_start, next_day_start, start_day, unit_entry
    from quota.words import period_text, rule_text

    if not touched:
        return {}, ""
    try:
        history = load_history(root)
    except HistoryError as exc:
        return {}, f"Không tính được định mức: {exc}"
    if base_sha not in history.shas:
        try:
            base_sha = _git(root, "merge-base", base_sha, "HEAD").decode().strip()
        except GitError:
            base_sha = ""
    if base_sha not in history.shas:
        return {}, ("Không tính được định mức: commit gốc không nằm trên lịch sử chính (first-parent) của HEAD; "
                    "hãy so với nhánh mặc định (ví dụ BASE=origin/main).")
    index = len(history.shas) - 1 - history.shas[::-1].index(base_sha)
    registry, now = found.registry, found.now
    zone = registry.province.zone
    as_of = now.date()
    cutoff = next_day_start(as_of, zone)
    added = history.units_added()

    def start_of(unit, province):
        first = added.get(unit.id)
        day = None if first is None or first > index else dt.datetime.fromtimestamp(history.times[first], zone).date()
        return start_day(unit, province, day or as_of)

    base_items = {item[0]: item for item in history.state_at(index) if item[1] in touched}
    renamed = {new: old for status, old, new in moves if status == "R"}
    before, after = defaultdict(list), defaultdict(list)
    for path, unit, ts, send, images, date_ts in base_items.values():
        before[unit].append((path, ts, send, images, date_ts))
    rechecked = {p for p in found.checked if content_kind(p) == "article"}
    gone = rechecked | {old for status, old, _ in moves if status in "DR"}
    for unit, items in before.items():
        after[unit] = [item for item in items if item[0] not in gone]
    now_ts = now.timestamp()
    for path in rechecked:
        source = found.sources.get(path)
        if source is None or source.unit not in touched or source.date is None:
            continue
        problems = [p for p in found.problems if p.path == path]
        if has_errors(problems) or source.fields.get("status") == "draft" or source.date > now:
            continue
        date_ts = source.date.timestamp()
        earlier = base_items.get(renamed.get(path, path))
        # published without a break under this or its earlier name: its run began at the base's
        # publication time (when that was later than its date); a new one begins at the merge
        run_start = (earlier[2] if earlier[2] > earlier[5] else 0) if earlier else now_ts
        after[source.unit].append((path, max(date_ts, run_start), bool(source.fields.get("send_to_so")),
                                   len(source.images), date_ts))
    moves_by_unit = {}
    for unit_id in sorted(touched):
        old_unit, new_unit = old_registry.units.get(unit_id), registry.units.get(unit_id)
        rows = {}
        for side, unit, province, items in (("before", old_unit, old_registry.province, before[unit_id]),
                                            ("after", new_unit, registry.province, after[unit_id])):
            if unit is None:
                continue
            start = start_of(unit, province)
            start_ts = day_start(start, zone)
            counted = sorted((Counted(path, unit_id, dt.datetime.fromtimestamp(ts, zone).date(), send, images)
                              for path, ts, send, images, date_ts in items if ts < cutoff and date_ts >= start_ts),
                             key=lambda a: a.day)
            entry = unit_entry(unit, province, as_of, counted, start)
            for period in entry["periods"]:
                key = (period["rule"], period["period"])
                rows.setdefault(key, {"start": period["start"], "end": period["end"]})[side] = period
        lines = []
        for (rule, label), row in sorted(rows.items(), key=lambda item: (item[0][0], item[1]["start"])):
            first, last = dt.date.fromisoformat(row["start"]), dt.date.fromisoformat(row["end"])
            was, will = row.get("before"), row.get("after")
            current = first <= as_of <= last
            moved = (was or {}).get("published") != (will or {}).get("published") or bool(was) != bool(will)
            if not current and not moved:
                continue
            rota = next((r for r in registry.province.rotas if f"rota:{r.id}" == rule), None)
            cell = lambda p: "—" if p is None else f"{p['published']}/{p['required']}"  # noqa: E731
            lines.append((rule_text(rule, rota, registry.units), period_text(label, first, last), cell(was), cell(will)))
        if lines:
            moves_by_unit[unit_id] = lines
    return moves_by_unit, ""


# -- the Markdown --------------------------------------------------------------------------

def _problem_line(problem) -> str:
    kind = "lỗi" if problem.is_error else "cảnh báo"
    return f"dòng {problem.line}: **{problem.code}** ({kind}) {md(problem.message)}"


def _size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return "không có tệp"
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


def _article_section(change: ArticleChange, review: Review, root: Path) -> list[str]:
    unit_name = md(review.unit_names.get(change.path.split("/")[1], change.path.split("/")[1]))
    if change.status == "D":
        return [f"#### 🗑️ Bài bị xóa: {md(change.old_title)}", "",
                f"- Đơn vị: {unit_name}", f"- Tệp: {code(change.path)}",
                "- Bài sẽ không còn trên trang và không còn được tính định mức từ khi hợp nhất.", ""]
    source = change.source
    fields = source.fields
    mark = "❌" if has_errors(change.problems) else ("⚠️" if change.problems else "✅")
    what = STATUS_WORDS.get(change.status, "kiểm tra lại")
    if change.status == "=":
        what = "không sửa, nhưng bị ảnh hưởng bởi thay đổi tệp đơn vị hoặc ảnh"
    lines = [f"#### {mark} {md(source.title)}", "", f"- Đơn vị: {unit_name}",
             f"- Tệp: {code(change.path)} ({what}"
             + (f", tên cũ {code(change.old_path)})" if change.old_path else ")")]
    if not source.is_page:
        lines.append(f"- Tác giả: {md(fields.get('author') or '—')}")
        approver = fields.get("approved_by")
        unit = review.registry.units.get(source.unit)
        title = next((a.title for a in unit.approvers if approver and a.name == approver), "") if unit else ""
        on = fields.get("approved_on")
        from dates import parse_day

        day = parse_day(on) if on else None
        lines.append(f"- Người duyệt: {md(approver or '—')}" + (f" ({md(title)})" if title else "")
                     + f", ngày duyệt: {short_date(day) if day else md(on or '—')}")
        lines.append(f"- Gửi về Cổng thông tin của Sở: {'có' if fields.get('send_to_so') else 'không'}")
    if source.images:
        lines.append("- Ảnh:")
        for ref in source.images:
            where = code(ref.src)
            size = _size(root / ref.path) if ref.path else "ảnh ngoài kho"
            lines.append(f"  - {where} ({'ảnh đại diện, ' if ref.featured else ''}{size}): “{md(ref.caption or '—')}”")
    else:
        lines.append("- Ảnh: không có")
    if change.problems:
        lines.append("- Cần xem:")
        lines.extend(f"  - {_problem_line(p)}" for p in change.problems)
    publishable = not has_errors(change.problems)
    lines.append(f"- Trang: {code(change.page)}" + ("" if publishable else " (chưa được đăng khi còn lỗi)"))
    return lines + [""]


def render(review: Review, root: Path) -> str:
    articles = review.articles
    errors, warnings = review.errors, review.warnings
    edited = [a for a in articles if a.status != "="]
    lines = [MARKER, "## Báo cáo rà soát thay đổi", ""]
    affected = len(articles) - len(edited)
    lines.append(f"So với {code(review.base)} ({code(review.base_sha[:10])}): {len(edited)} bài viết, "
                 f"{len(review.units)} tệp đơn vị, {len(review.other_files)} tệp khác thay đổi"
                 + (f"; {affected} bài không sửa nhưng bị ảnh hưởng." if affected else "."))
    lines.append("")
    if errors:
        lines.append(f"**❌ {errors} lỗi phải sửa trước khi hợp nhất**"
                     + (f", {warnings} cảnh báo cần người rà soát xem." if warnings else "."))
    elif warnings:
        lines.append(f"**⚠️ Không có lỗi; {warnings} cảnh báo cần người rà soát xem** (cảnh báo không chặn hợp nhất).")
    else:
        lines.append("**✅ Không có lỗi, không có cảnh báo.**")
    lines.append("")
    if not (articles or review.units or review.other_files):
        lines += ["Thay đổi này không sửa tệp nào.", ""]
    if articles:
        lines += ["### Bài viết", ""]
        if len(edited) > DETAIL_LIMIT:
            lines += _summary(review)
        else:
            for change in articles:
                lines += _article_section(change, review, root)
    if review.units:
        lines += ["### Tệp đơn vị", ""]
        for change in review.units:
            mark = "❌" if has_errors(change.problems) else ("⚠️" if change.problems else "📝")
            name = review.unit_names.get(change.unit_id, "Thiết lập chung của tỉnh" if change.unit_id == "_province"
                                         else change.unit_id)
            lines.append(f"- {mark} {md(name)} ({code(change.path)}):")
            lines += [f"  - {words}" for words in change.words]
            lines += [f"  - {_problem_line(p)}" for p in change.problems]
        lines.append("")
    if review.quota or review.quota_note:
        lines += ["### Định mức của các kỳ hiện tại", "",
                  "Số bài được tính nếu hợp nhất hôm nay (trước → sau):", ""]
        if review.quota_note:
            lines += [review.quota_note, ""]
        for unit_id, rows in review.quota.items():
            lines.append(f"- {md(review.unit_names.get(unit_id, unit_id))}:")
            for rule, period, was, will in rows:
                change = "" if was != will else " (không đổi)"
                lines.append(f"  - {period}, {rule}: {was} → {will}{change}")
        lines.append("")
    if review.other_files:
        lines += ["### Tệp khác (mã nguồn, giao diện, cấu hình, ảnh)", "",
                  "Chỉ Văn phòng Sở được sửa các tệp ngoài content/ của đơn vị; hãy xem kỹ từng tệp:", ""]
        words = {"A": "thêm", "M": "sửa", "D": "xóa", "R": "đổi tên", "C": "chép", "T": "sửa"}
        for status, path, old in review.other_files[:PROBLEM_LIMIT]:
            lines.append(f"- {words.get(status, 'sửa')} {code(path)}" + (f" (từ {code(old)})" if old else ""))
        if len(review.other_files) > PROBLEM_LIMIT:
            lines.append(f"- … và {len(review.other_files) - PROBLEM_LIMIT} tệp nữa")
        lines.append("")
    rest = [p for p in review.problems if not p.path.startswith(("content/", "units/"))]
    if rest:
        lines += ["### Vấn đề khác", ""] + [f"- {code(p.path)} {_problem_line(p)}" for p in rest] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _summary(review: Review) -> list[str]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for change in review.articles:
        unit = change.path.split("/")[1]
        counts[unit][change.status] += 1
        counts[unit]["errors"] += sum(1 for p in change.problems if p.is_error)
        counts[unit]["warnings"] += sum(1 for p in change.problems if not p.is_error)
    lines = ["| Đơn vị | Mới | Sửa | Đổi tên | Xóa | Lỗi | Cảnh báo |", "|---|---:|---:|---:|---:|---:|---:|"]
    for unit in sorted(counts, key=lambda u: review.unit_names.get(u, u)):
        c = counts[unit]
        lines.append(f"| {md(review.unit_names.get(unit, unit))} | {c['A'] + c['C']} | {c['M'] + c['T'] + c['=']} | "
                     f"{c['R']} | {c['D']} | {c['errors']} | {c['warnings']} |")
    lines.append("")
    flagged = [(change, p) for change in review.articles for p in change.problems]
    if flagged:
        lines += ["Các bài có lỗi hoặc cảnh báo:", ""]
        for change, problem in flagged[:PROBLEM_LIMIT]:
            lines.append(f"- {code(change.path)} {_problem_line(problem)}")
        if len(flagged) > PROBLEM_LIMIT:
            lines.append(f"- … và {len(flagged) - PROBLEM_LIMIT} vấn đề nữa: chạy `make check BASE={review.base}` để xem hết")
        lines.append("")
    return lines


def write(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
