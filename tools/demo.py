#!/usr/bin/env python3
"""`make demo`: the demo province with a history, built.

The demo province (this repository's units/ and content/) is put into a throw-away git
repository (demo/repo) with a scripted history of fixed dates, as a province in its third
school year would have it: the Sở adopts the repository in August 2024 (earlier news comes
in as archive), teachers write on branches that the Văn phòng merges (so an article counts
when it is merged), the schools of the district Phòng are handed to the commune on
01/07/2025 (the Phòng retired, the commune added), a centre joins in January 2025 without
an `active_from`, a deputy head's approvals count only once he is listed as an approver
(a late approval), an article is merged weeks after the date it carries (backdated), and
every unit writes more or less diligently over two school years and the start of a third
(articles made here, the same each run). Then it is built as of 02/12/2026 into
demo/output (or served).

    python tools/demo.py [--into demo] [--serve] [--port 8000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import functools
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from article_reader.source import slugify  # noqa: E402
from dates import parse_local_datetime  # noqa: E402
import unit_registry  # noqa: E402

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ADOPTED = dt.datetime(2024, 8, 19, 8, 0, tzinfo=ZONE)   # the first commit
COUNTING_FROM = "2024-09-05"                            # quota_start of the demo repository
NOW = dt.datetime(2026, 12, 2, 7, 30, tzinfo=ZONE)      # the last merge: "cập nhật lúc 07:30, 02/12/2026"
AS_OF = NOW.date()
SEED = 2026
# A centre that joins later, without active_from: it owes nothing before its file reached main.
JOINS_LATER = ("ttgdnn-gdtx-so-1", dt.datetime(2025, 1, 6, 9, 0, tzinfo=ZONE))
# A deputy head named as approver before he is listed in the unit's file (a late approval).
LATE_APPROVER = ("th-kim-dong", "Lương Văn Sơn", dt.datetime(2025, 3, 24, 10, 0, tzinfo=ZONE))
# An article carrying a date weeks before it was merged (it counts when merged).
BACKDATED = ("thpt-le-quy-don", dt.datetime(2025, 9, 22, 8, 0, tzinfo=ZONE), dt.datetime(2025, 10, 8, 14, 0, tzinfo=ZONE))
# How often each unit publishes what it owes (default: DILIGENCE_DEFAULT).
DILIGENCE = {"thpt-le-quy-don": .95, "thcs-nguyen-du": .88, "th-kim-dong": .8, "mn-hoa-sen": .62,
             "phong-gddt-tp-thanh-van": .9, "phong-gddt-tan-hong": .7, "ttgdnn-gdtx-so-1": .72,
             "van-phong": .95, "xa-tan-hong": .8, "phong-gdmn": .9, "phong-gdth": .65, "phong-gdtrh": .85}
DILIGENCE_DEFAULT = .8
VAN_PHONG = ("Văn phòng Sở", "vanphong@example.edu.vn")
REVIEW_SLOTS = ((8, 0), (10, 30), (15, 0), (16, 30))   # when the Văn phòng merges, Monday to Friday
SCRATCH = "refs/heads/nhanh-bai"                        # the branch each article is written on


@dataclass
class Change:
    path: str
    data: bytes | None  # None: deleted


@dataclass
class Event:
    when: dt.datetime                   # the commit on main (a merge, or a direct commit)
    message: str
    changes: list[Change]
    who: tuple[str, str] = VAN_PHONG
    written: dt.datetime | None = None  # an article's branch commit (then merged at ``when``)
    writer: tuple[str, str] = ("", "")
    order: int = 0


@dataclass
class Plan:
    events: list[Event] = field(default_factory=list)
    initial: dict[str, bytes] = field(default_factory=dict)

    def add(self, event: Event) -> None:
        event.order = len(self.events)
        self.events.append(event)


# --- the repository's own files --------------------------------------------------------------

FRONT_DATE = re.compile(r"^date:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", re.M)


def read_tree() -> dict[str, bytes]:
    """units/ and content/ of this repository, as they are (tracked files only: what a clone has)."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "units", "content"],
                            capture_output=True, check=True).stdout.split(b"\0")
    tree = {}
    for name in filter(None, listed):
        path = name.decode("utf-8")
        if (ROOT / path).is_file():
            tree[path] = (ROOT / path).read_bytes()
    return tree


def province_file(data: bytes) -> bytes:
    """_province.yml with the demo's counting start: the repository starts in the 2024-2025 school year."""
    text = data.decode("utf-8")
    text, found = re.subn(r"^quota_start:[^\n#]*", f"quota_start: {COUNTING_FROM}     ", text, count=1, flags=re.M)
    if not found:
        text += f"quota_start: {COUNTING_FROM}\n"
    return text.encode("utf-8")


def without_keys(data: bytes, keys: tuple[str, ...]) -> bytes:
    """A unit file before a change: its top-level ``keys`` (and their indented lines) left out."""
    lines, out, skipping = data.decode("utf-8").splitlines(keepends=True), [], False
    for line in lines:
        top = re.match(r"^([a-z_]+):", line)
        if top:
            skipping = top.group(1) in keys
        elif skipping and not (line.startswith((" ", "\t", "-")) or not line.strip()):
            skipping = False
        if not skipping:
            out.append(line)
    return "".join(out).encode("utf-8")


def without_approver(data: bytes, name: str) -> bytes:
    """A unit file before ``name`` was listed among its approvers."""
    text = data.decode("utf-8")
    return re.sub(rf"^  - name: {re.escape(name)}\n(?:    [a-z]+:.*\n)*", "", text, flags=re.M).encode("utf-8")


# --- articles made for the demo ----------------------------------------------------------------

ACTIVITIES = {
    "truong": [
        "Sinh hoạt dưới cờ chủ đề an toàn giao thông", "Chuyên đề đổi mới phương pháp dạy học môn Toán",
        "Ngày hội đọc sách của học sinh", "Tập huấn phòng cháy, chữa cháy cho cán bộ, giáo viên",
        "Hoạt động trải nghiệm tìm hiểu nghề truyền thống", "Hội thi kể chuyện theo sách",
        "Tiết học ngoài trời ở vườn trường", "Sinh hoạt chuyên môn theo nghiên cứu bài học",
        "Tuyên truyền phòng chống đuối nước", "Giao lưu văn nghệ chào mừng ngày lễ",
        "Hội thi vẽ tranh về môi trường", "Thể dục giữa giờ với điệu nhảy mới",
        "Kiểm tra nội bộ trường học", "Lao động vệ sinh khuôn viên trường",
        "Câu lạc bộ tiếng Anh sinh hoạt định kỳ", "Buổi học kỹ năng sống cho học sinh",
        "Dự giờ, thăm lớp của tổ chuyên môn", "Ngày hội chuyển đổi số trong nhà trường",
    ],
    "office": [
        "Kiểm tra công tác chuyên môn tại các trường", "Tập huấn sử dụng học liệu số cho giáo viên",
        "Hội nghị giao ban công tác giáo dục", "Hướng dẫn nhiệm vụ trọng tâm của tháng",
        "Bồi dưỡng cán bộ quản lý về chuyển đổi số", "Kiểm tra cơ sở vật chất trường học",
        "Sơ kết phong trào thi đua của ngành", "Tổng hợp ý kiến góp ý dự thảo kế hoạch",
        "Tập huấn công tác thư viện trường học", "Hội thảo nâng cao chất lượng dạy học",
    ],
}
SEASONAL = {9: "Lễ khai giảng và ngày hội đến trường", 11: "Chào mừng Ngày Nhà giáo Việt Nam 20/11",
            12: "Hưởng ứng ngày thành lập Quân đội nhân dân Việt Nam", 1: "Sơ kết học kỳ I",
            3: "Chào mừng ngày Quốc tế Phụ nữ 8/3", 5: "Tổng kết năm học"}
AUTHORS = ["Đoàn Thị Tâm", "Lê Thị Hoa", "Nguyễn Văn Bảo", "Trần Thu Hằng", "Phạm Minh Đức", "Vũ Thị Ngọc"]
SENTENCES = [
    "Hoạt động thu hút đông đảo cán bộ, giáo viên và học sinh tham gia.",
    "Qua hoạt động, học sinh được rèn luyện kỹ năng và thêm gắn bó với trường lớp.",
    "Ban giám hiệu đánh giá cao tinh thần chuẩn bị chu đáo của các tổ chuyên môn.",
    "Đây là một trong những hoạt động thường xuyên theo kế hoạch năm học.",
    "Các ý kiến trao đổi được tổng hợp để triển khai trong thời gian tới.",
    "Phụ huynh học sinh cũng đến dự và động viên các em.",
]


def _weekday_in(rng: random.Random, first: dt.date, last: dt.date) -> dt.datetime | None:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5] or days
    if not days:
        return None
    day = rng.choice(days)
    return dt.datetime(day.year, day.month, day.day, rng.choice((7, 8, 9, 10, 14, 15, 16)), rng.choice((0, 15, 30, 45)),
                       tzinfo=ZONE)


def article_text(rng: random.Random, unit, when: dt.datetime, images: list[str], forwarded: bool,
                 title: str | None = None, approver: str | None = None) -> tuple[str, str]:
    """(file name, text) of an article the unit writes at ``when``."""
    group = "truong" if unit.kind in ("truong", "don-vi-truc-thuoc", "trung-tam") else "office"
    if title is None:
        title = SEASONAL.get(when.month) if rng.random() < .25 else None
        title = title or rng.choice(ACTIVITIES[group])
    slug = f"{slugify(title)}-{when:%d-%m-%Y}"
    body = [f"Ngày {when:%d/%m/%Y}, {unit.name} tổ chức hoạt động: {title[0].lower() + title[1:]}. "
            + " ".join(rng.sample(SENTENCES, 2))]
    if images:
        image = rng.choice(images)
        body.append(f'![{title}]({image} "Hình ảnh hoạt động {title[0].lower() + title[1:]}")')
    body.append(" ".join(rng.sample(SENTENCES, 2)))
    lines = ["---", f"title: {title}", f"date: {when:%Y-%m-%d %H:%M}", f"author: {rng.choice(AUTHORS)}",
             f"approved_by: {approver or unit.approvers[0].name}", f"approved_on: {when:%Y-%m-%d}", f"slug: {slug}"]
    if forwarded:
        lines.append("send_to_so: true")
    lines.append("---")
    return f"{slug}.md", "\n".join(lines) + "\n\n" + "\n\n".join(body) + "\n"


def owed_times(rng: random.Random, unit, province, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """When the unit writes, period by period of its rules (and of its rota duties), as diligent as it is."""
    from quota.periods import parse_label, periods_between, rota_index

    diligence = DILIGENCE.get(unit.id, DILIGENCE_DEFAULT)
    times: list[dt.datetime] = []
    first, last = start.date(), end.date()
    for rule in unit.quota:
        if rule.every not in ("week", "month") or rule.channel != "own":
            continue  # semester and year rules are met by the same articles (some sent to the Sở)
        for period in periods_between(rule.every, first, last):
            summer = period.start.month in (6, 7, 8)
            chance = diligence * (.55 if summer and unit.kind == "truong" else 1)
            count = sum(rng.random() < chance for _ in range(rule.count)) + (rng.random() < .12)
            for _ in range(count):
                moment = _weekday_in(rng, max(period.start, first), min(period.end, last))
                if moment is not None and start <= moment <= end:
                    times.append(moment)
    for rota in province.rotas:
        begin = parse_label(rota.every, rota.start)
        if unit.id not in rota.order or begin is None:
            continue
        for period in periods_between(rota.every, max(first, begin.start), last):
            if rota.order[rota_index(rota.every, begin, period) % len(rota.order)] == unit.id:
                if rng.random() < diligence:
                    moment = _weekday_in(rng, period.start, min(period.end, last))
                    if moment is not None and start <= moment <= end:
                        times.append(moment)
    if unit.kind == "so":
        for period in periods_between("month", first, last):
            moment = _weekday_in(rng, period.start, min(period.end, last))
            if moment is not None and start <= moment <= end:
                times.append(moment)
    return sorted(times)


# --- the plan of the history ---------------------------------------------------------------------

def next_slot(after: dt.datetime) -> dt.datetime:
    """The Văn phòng's next review after ``after`` (weekdays, REVIEW_SLOTS)."""
    day = after.date()
    while True:
        if day.weekday() < 5:
            for hour, minute in REVIEW_SLOTS:
                slot = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)
                if slot >= after:
                    return slot
        day += dt.timedelta(days=1)


def unit_images(tree: dict[str, bytes], unit_id: str) -> list[str]:
    prefix = f"content/{unit_id}/"
    return sorted("/" + p[len(prefix):] for p in tree if p.startswith(prefix + "images/") and p.endswith(".jpg"))


def plan_history(tree: dict[str, bytes]) -> Plan:
    registry = unit_registry.load(ROOT)
    units, province = registry.units, registry.province
    rng = random.Random(SEED)
    plan = Plan()
    arrivals: dict[str, dt.datetime] = {}   # unit id -> when its file reaches main (after the first commit)
    finals: dict[str, tuple[dt.datetime, str]] = {}  # unit file -> when its final version comes, and why
    early: dict[str, bytes] = {}
    for path, data in tree.items():
        if not (path.startswith("units/") and path.endswith(".yml")) or path == "units/_province.yml":
            continue
        unit = units.get(Path(path).stem)
        if unit is None:
            continue
        changed = [day for day in [start for start, _ in unit.parents]
                   + ([unit.retired_on + dt.timedelta(days=1)] if unit.retired_on else []) if day > ADOPTED.date()]
        if unit.active_from and unit.active_from > ADOPTED.date():
            arrivals[unit.id] = dt.datetime.combine(unit.active_from - dt.timedelta(days=6), dt.time(9), ZONE)
        elif changed:
            when = dt.datetime.combine(min(changed) - dt.timedelta(days=6), dt.time(9), ZONE)
            early[path] = without_keys(data, ("parents", "retired_on"))
            finals[path] = (when, "Sắp xếp đơn vị: đổi đơn vị quản lý các trường, đơn vị ngừng hoạt động")
    joiner, joined = JOINS_LATER
    if joiner in units and joiner not in arrivals:
        arrivals[joiner] = joined
    late_unit, late_name, late_when = LATE_APPROVER
    late_path = f"units/{late_unit}.yml"
    if late_path in tree and late_name in units[late_unit].approver_names():
        early[late_path] = without_approver(early.get(late_path, tree[late_path]), late_name)
        finals.setdefault(late_path, (late_when, f"Bổ sung người duyệt bài {late_name}"))

    def arrival(path: str) -> dt.datetime | None:
        parts = path.split("/")
        unit_id = Path(parts[1]).stem if parts[0] == "units" else parts[1]
        return arrivals.get(unit_id)

    # the first commit: units (as they were), the province, every file but the articles written later
    later_articles = []
    for path, data in sorted(tree.items()):
        if arrival(path):
            continue
        if path == "units/_province.yml":
            plan.initial[path] = province_file(data)
        elif path.endswith(".md") and "/pages/" not in path and path.startswith("content/"):
            when = _article_date(data)
            if when is not None and when >= ADOPTED:
                later_articles.append((path, data, when))
            else:
                plan.initial[path] = data  # archive: the news of the years before the repository
        else:
            plan.initial[path] = early.get(path, data)
    gitignore = ROOT / ".gitignore"
    if gitignore.is_file():
        plan.initial[".gitignore"] = gitignore.read_bytes()
    # units that arrive later bring their file, their images and their older news in one commit
    for unit_id, when in sorted(arrivals.items(), key=lambda item: item[1]):
        changes = []
        for path, data in sorted(tree.items()):
            if not _belongs(path, unit_id):
                continue
            written = _article_date(data) if path.endswith(".md") and "/pages/" not in path else None
            if written is not None and written > when:
                later_articles.append((path, data, written))
            else:
                changes.append(Change(path, data))
        plan.add(Event(when, f"Thêm đơn vị {units[unit_id].name}", changes))
    for path, (when, message) in sorted(finals.items(), key=lambda item: item[1][0]):
        plan.add(Event(when, message, [Change(path, tree[path])]))
    # the repository's own articles, each merged at the Văn phòng's next review
    taken = set(tree)
    for path, data, when in later_articles:
        written = when + dt.timedelta(minutes=20)
        plan.add(Event(min(next_slot(written + dt.timedelta(minutes=30)), NOW), f"Hợp nhất bài {Path(path).stem}",
                       [Change(path, data)], written=min(written, NOW - dt.timedelta(minutes=5)), writer=_writer(path)))
    # and the articles every unit writes week after week
    for unit_id in sorted(units):
        unit = units[unit_id]
        start = max(ADOPTED + dt.timedelta(days=14), arrivals.get(unit_id, ADOPTED) + dt.timedelta(days=1))
        if unit.active_from:
            start = max(start, dt.datetime.combine(unit.active_from, dt.time(7), ZONE))
        end = NOW - dt.timedelta(hours=16)
        if unit.retired_on:
            end = min(end, dt.datetime.combine(unit.retired_on - dt.timedelta(days=3), dt.time(12), ZONE))
        images = unit_images(tree, unit_id)
        semester_rules = [r for r in unit.quota if r.channel == "so"]
        for when in owed_times(rng, unit, province, start, end):
            forwarded = bool(semester_rules) and rng.random() < .22 * DILIGENCE.get(unit_id, DILIGENCE_DEFAULT)
            name, text = article_text(rng, unit, when, images if rng.random() < .6 else [], forwarded)
            path = _free(taken, f"content/{unit_id}/{when.year}/{name}")
            if path != f"content/{unit_id}/{when.year}/{name}":  # the same title on the same day: its own slug
                text = text.replace(f"slug: {Path(name).stem}\n", f"slug: {Path(path).stem}\n")
            plan.add(Event(next_slot(when + dt.timedelta(minutes=30)), f"Hợp nhất bài {Path(name).stem}",
                           [Change(path, text.encode("utf-8"))], written=when, writer=_writer(path)))
    # one article merged weeks after the day it carries
    unit_id, dated, merged = BACKDATED
    if unit_id in units:
        name, text = article_text(rng, units[unit_id], dated, unit_images(tree, unit_id), False,
                                  title="Hội nghị cha mẹ học sinh đầu năm học")
        path = _free(taken, f"content/{unit_id}/{dated.year}/{name}")
        plan.add(Event(next_slot(merged), "Hợp nhất bài gửi muộn", [Change(path, text.encode("utf-8"))],
                       written=merged - dt.timedelta(hours=3), writer=_writer(path)))
    # the last merge of the history, early on the as-of day
    unit_id = BACKDATED[0]
    if unit_id in units:
        written = NOW - dt.timedelta(hours=14)
        name, text = article_text(rng, units[unit_id], written, unit_images(tree, unit_id), False,
                                  title="Hội thi văn nghệ chào mừng ngày 22/12")
        path = _free(taken, f"content/{unit_id}/{written.year}/{name}")
        plan.add(Event(NOW, "Hợp nhất bài", [Change(path, text.encode("utf-8"))], written=written, writer=_writer(path)))
    return plan


def _free(taken: set, path: str) -> str:
    """``path``, or ``path`` with -2, -3 … when a file of that name is already planned."""
    stem, number = path[:-3], 2
    while path in taken:
        path, number = f"{stem}-{number}.md", number + 1
    taken.add(path)
    return path


def _belongs(path: str, unit_id: str) -> bool:
    return path == f"units/{unit_id}.yml" or path.startswith(f"content/{unit_id}/")


def _article_date(data: bytes) -> dt.datetime | None:
    found = FRONT_DATE.search(data.decode("utf-8", "replace"))
    return parse_local_datetime(found.group(1).strip(), ZONE) if found else None


def _writer(path: str) -> tuple[str, str]:
    unit_id = path.split("/")[1]
    return (f"Giáo viên {unit_id}", f"bientap@{unit_id}.example.edu.vn")


# --- the history, through git fast-import ------------------------------------------------------

def _stamp(when: dt.datetime) -> str:
    return f"{int(when.timestamp())} +0700"


def _data(out: list[bytes], payload: bytes) -> None:
    out.append(b"data %d\n" % len(payload))
    out.append(payload)
    out.append(b"\n")


def fast_import_stream(plan: Plan) -> bytes:
    """git fast-import commands for the plan: main's first-parent history, each article a branch commit
    merged with --no-ff by the Văn phòng."""
    out: list[bytes] = []
    mark = 0
    main: list[tuple[dt.datetime, int]] = []

    def commit(ref: str, when: dt.datetime, who, message: str, parents: list[int], changes) -> int:
        nonlocal mark
        mark += 1
        out.append(f"commit {ref}\nmark :{mark}\n".encode())
        person = f"{who[0]} <{who[1]}> {_stamp(when)}\n"
        out.append(f"author {person}committer {person}".encode())
        _data(out, message.encode("utf-8"))
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
        for other in parents[1:]:
            out.append(f"merge :{other}\n".encode())
        for change in changes:
            if change.data is None:
                out.append(f"D {change.path}\n".encode())
            else:
                out.append(f"M 100644 inline {change.path}\n".encode())
                _data(out, change.data)
        return mark

    first = commit("refs/heads/main", ADOPTED, VAN_PHONG, "Khởi tạo kho nội dung của Sở (các tin cũ đưa vào lưu trữ)",
                   [], [Change(path, data) for path, data in sorted(plan.initial.items())])
    main.append((ADOPTED, first))
    events = sorted(plan.events, key=lambda e: (e.when, e.order))
    previous = ADOPTED
    for event in events:
        when = max(event.when, previous + dt.timedelta(minutes=1))  # main's commits one after the other
        previous = when
        if event.written is None:
            main.append((when, commit("refs/heads/main", when, event.who, event.message, [main[-1][1]], event.changes)))
            continue
        base = next(m for t, m in reversed(main) if t <= event.written) if event.written >= ADOPTED else first
        branch = commit(SCRATCH, event.written, event.writer, f"Viết bài {Path(event.changes[0].path).stem}",
                        [base], event.changes)
        main.append((when, commit("refs/heads/main", when, VAN_PHONG, event.message, [main[-1][1], branch],
                                  event.changes)))
    out.append(b"done\n")
    return b"".join(out)


def make_repository(target: Path) -> Path:
    tree = read_tree()
    plan = plan_history(tree)
    repo = target / "repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet", "--done"], input=fast_import_stream(plan),
                   check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "update-ref", "-d", SCRATCH], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], check=True, env=env)
    _same_as_this_repository(repo, tree)
    _commit_codeowners(repo, env)
    return repo


def _commit_codeowners(repo: Path, env: dict) -> None:
    """The CODEOWNERS file `make codeowners` writes from the demo's units/, committed by the Văn
    phòng at the time of the last commit (the quota's "cập nhật lúc" stays), as a Sở that gave
    accounts does (else make check: E418)."""
    from review.codeowners import codeowners_problems, write_codeowners

    registry = unit_registry.load(repo)
    if not codeowners_problems(repo, registry):
        return
    path = write_codeowners(repo, registry)
    last = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%ct"], capture_output=True, text=True,
                          check=True, env=env).stdout.strip()
    when = f"@{last} +0700"
    who = dict(env, GIT_AUTHOR_NAME=VAN_PHONG[0], GIT_AUTHOR_EMAIL=VAN_PHONG[1], GIT_AUTHOR_DATE=when,
               GIT_COMMITTER_NAME=VAN_PHONG[0], GIT_COMMITTER_EMAIL=VAN_PHONG[1], GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), "add", str(path.relative_to(repo))], check=True, env=who)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "Cập nhật CODEOWNERS từ units/ (make codeowners)"],
                   check=True, env=who)


def _same_as_this_repository(repo: Path, tree: dict[str, bytes]) -> None:
    """The demo's last commit holds this repository's units/ and content/ (and the articles made here)."""
    for path, data in tree.items():
        expected = province_file(data) if path == "units/_province.yml" else data
        if (repo / path).read_bytes() != expected:
            raise SystemExit(f"demo: {path} của kho demo khác tệp trong kho này")


def build(repo: Path, output: Path) -> None:
    env = dict(os.environ, AS_OF=AS_OF.isoformat(), PUBLICATION_NOW=NOW.replace(hour=12, minute=0).isoformat(),
               PYTHONPATH=str(ROOT / "plugins"))
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "build.py"), "--root", str(repo), "--output",
                           str(output)], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(proc.returncode)


def serve(output: Path, port: int) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Mở http://127.0.0.1:{port}/quota/ (Ctrl+C để dừng)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Dựng tỉnh mẫu với lịch sử git có sẵn (kho dùng một lần).")
    parser.add_argument("--into", default=str(ROOT / "demo"), help="thư mục chứa kho demo (repo/) và trang đã dựng (output/)")
    parser.add_argument("--serve", action="store_true", help="dựng xong thì mở máy chủ web trên 127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    target = Path(args.into).resolve()
    repo = make_repository(target)
    commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "--first-parent", "main"],
                             capture_output=True, text=True, check=True).stdout.strip()
    output = target / "output"
    build(repo, output)
    print(f"Kho demo: {repo} ({commits} commit trên nhánh chính, đến {NOW:%H:%M %d/%m/%Y}).")
    print(f"Trang đã dựng: {output} (định mức tính đến hết ngày {AS_OF:%d/%m/%Y}: {output / 'quota' / 'index.html'}).")
    if args.serve:
        serve(output, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
