"""The units registry: ``units/_province.yml`` and ``units/<unit-id>.yml``.

Loads and validates every file (E4xx, with the line of the offending key).
A unit file with an error is left out of the registry, so that its articles
are reported instead of being published under a broken unit; every other
unit still builds.  Used by the Pelican plugins and by ``make check``.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import hashlib
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dates import date_hint, parse_day
from lined_yaml import LinedDict, LinedList, YamlError, parse
from problems import Problem

KINDS = ("so", "phong-thuoc-so", "phong-gddt", "xa", "don-vi-truc-thuoc", "trung-tam", "truong")
# Kinds whose articles appear on the Sở portal instead of a site of their own.
PORTAL_KINDS = ("so", "phong-thuoc-so")
EVERY = ("week", "month", "quarter", "semester", "year")
ROTA_EVERY = ("week", "month", "quarter")
CHANNELS = ("own", "so")
UNIT_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Where a fork of the repository explains units/ (section "units/_province.yml" and after)
MODEL_DOC = "docs/mo-hinh-noi-dung.md"
DAY_EXAMPLE = "viết theo dạng năm-tháng-ngày, ví dụ 2025-07-01"
# Top-level output paths the build writes itself (see unit_sites.paths).
RESERVED_IDS = frozenset({
    "feeds", "quota", "admin", "theme", "bai-viet", "trang", "chuyen-muc", "the",
    "luu-tru", "don-vi", "tin-don-vi", "images", "static", "assets", "pagefind",
    "tim-kiem", "index", "404", "cache", "van-ban",
})
RESERVED_PATTERN = re.compile(r"^trang-\d+$")  # home-page pagination
PERIOD_LABELS = {
    "week": (re.compile(r"^(\d{4})-W(\d{2})$"), "2022-W45"),
    "month": (re.compile(r"^(\d{4})-(\d{2})$"), "2022-11"),
    "quarter": (re.compile(r"^(\d{4})-Q([1-4])$"), "2022-Q4"),
}

UNIT_KEYS = ("id", "name", "kind", "parent", "url", "email", "approvers", "editors", "address",
             "phone", "leaders", "logo", "active_from", "retired_on", "parents", "quota")
PROVINCE_KEYS = ("name", "timezone", "quota_start", "school_year", "reviewers", "git_host", "rotas",
                 "quota_on_home", "procedures", "required_sections")
APPROVER_KEYS = ("name", "title", "account")
LEADER_KEYS = ("name", "title", "phone", "email", "duties")
GIT_HOST_KEYS = ("kind", "repo", "branch", "url")
GIT_HOSTS = ("github", "gitlab", "forgejo")
# An account on the git host as CODEOWNERS names it: a user ("@nvdtien"), or a team or
# group ("@so-gddt/van-phong"); written with or without the "@".
ACCOUNT = re.compile(r"^@?[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:/[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)*$")
# A site's own address: https, a host name, an optional path; no query, fragment or user.
SITE_URL = re.compile(r"^https://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?(/[A-Za-z0-9._~%/-]*)?$")
SCHOOL_YEAR_KEYS = ("semester1_start", "semester2_start", "end")
ROTA_KEYS = ("id", "every", "count", "start", "order")
RULE_KEYS = ("every", "count", "channel")


@dataclass(frozen=True)
class Approver:
    name: str
    title: str = ""
    account: str = ""   # "@user" on the git host (section 11), "" when not given


@dataclass(frozen=True)
class Leader:
    """A leader shown on the unit's Giới thiệu page (TT 37/2020)."""

    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    duties: str = ""


@dataclass(frozen=True)
class Rule:
    every: str
    count: int
    channel: str = "own"

    @property
    def label(self) -> str:
        return f"{self.every}:{self.count}:{self.channel}"


@dataclass(frozen=True)
class Rota:
    id: str
    every: str
    count: int
    start: str
    order: tuple[str, ...]


@dataclass
class Unit:
    id: str
    name: str
    kind: str
    parent: str | None
    parents: tuple[tuple[dt.date, str], ...] = ()
    url: str = ""        # its own site's address (https://..., no trailing "/"), "" when none
    email: str = ""
    approvers: tuple[Approver, ...] = ()
    editors: tuple[str, ...] = ()   # accounts, each "@name"
    address: str = ""
    phone: str = ""
    leaders: tuple[Leader, ...] = ()
    logo: str = ""       # path under content/<id>/ ("images/logo.png"), "" for the default
    active_from: dt.date | None = None
    retired_on: dt.date | None = None
    quota: tuple[Rule, ...] = ()

    @property
    def has_own_site(self) -> bool:
        return self.kind not in PORTAL_KINDS

    @property
    def site_id(self) -> str:
        """The site its articles appear on: its own, or the Sở portal."""
        return self.id if self.has_own_site else "so"

    @property
    def path_prefix(self) -> str:
        """Output folder of its pages: '' for the Sở, '<id>/' for every other unit."""
        return "" if self.id == "so" else f"{self.id}/"

    def parent_on(self, day: dt.date) -> str | None:
        parent = self.parent
        for start, new_parent in self.parents:
            if start <= day:
                parent = new_parent
        return parent

    def approver_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.approvers)

    def phones(self) -> tuple[str, ...]:
        """Every phone number this unit's file lists (its own, its leaders')."""
        return tuple(p for p in (self.phone, *(leader.phone for leader in self.leaders)) if p)


@dataclass(frozen=True)
class SchoolYear:
    semester1_start: tuple[int, int] = (9, 5)
    semester2_start: tuple[int, int] = (1, 15)
    end: tuple[int, int] = (5, 31)


@dataclass(frozen=True)
class GitHost:
    """Where the province's repository lives (the web editor, the pull-request check)."""

    kind: str              # github | gitlab | forgejo
    repo: str              # "owner/name" (GitLab: "group/subgroup/name")
    branch: str = "main"   # the default branch
    url: str = ""          # the host's address for a self-hosted GitLab or Forgejo; "" for github.com, gitlab.com


@dataclass
class Province:
    name: str = "Sở Giáo dục và Đào tạo"
    timezone: str = "Asia/Ho_Chi_Minh"
    quota_start: dt.date | None = None
    school_year: SchoolYear = field(default_factory=SchoolYear)
    reviewers: tuple[str, ...] = ()    # the Văn phòng's accounts, each "@name"
    git_host: GitHost | None = None
    rotas: tuple[Rota, ...] = ()
    quota_on_home: bool = False        # each unit's home page shows its quota box (parents don't need it)
    # the Sở's "Thủ tục hành chính" section: (title, https address) of the public-service portal's pages
    procedures: tuple[tuple[str, str], ...] = ()
    required_sections: bool = False    # W620-W623: each unit is told which TT 37/2020 sections it lacks

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass
class Registry:
    province: Province
    units: dict[str, Unit]
    problems: list[Problem]
    invalid: set[str]  # unit ids whose file exists but has errors
    # the errors (among ``problems``) that leave their unit in the registry, without the bad
    # value: where its site is published, accounts, what its pages show (_build_unit)
    kept_problems: list[Problem] = field(default_factory=list)

    def children(self, parent_id: str, day: dt.date) -> list[Unit]:
        return [u for u in self.units.values() if u.parent_on(day) == parent_id]

    @functools.cached_property
    def phone_digits(self) -> frozenset[str]:
        """The digits of every phone a unit file lists (computed once, only when asked: most
        articles have no number to compare)."""
        return frozenset(digits_of(phone) for unit in self.units.values() for phone in unit.phones())

    def without_own_phones(self, problems: list[Problem]) -> list[Problem]:
        """W611 for one of the units' own phones is no warning (contract section 8)."""
        if not any(p.code == "W611" for p in problems):
            return problems
        return [p for p in problems if not (p.code == "W611" and p.args.get("digits") in self.phone_digits)]


def digits_of(number: str) -> str:
    """A phone or ID as bare digits, a mobile in the 0xxx form ("+84 912 345 678" -> "0912345678")."""
    digits = re.sub(r"\D", "", number)
    if number.lstrip("( ").startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    return digits


def load(root: Path | str) -> Registry:
    """Read ``<root>/units``; never raises for bad content."""
    folder = Path(root) / "units"
    files: dict[str, bytes | OSError] = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        try:
            files[path.name] = path.read_bytes()
        except OSError as exc:
            files[path.name] = exc
    return load_files(files)


def load_files(files: dict[str, bytes | OSError], memo: dict | None = None) -> Registry:
    """The registry of the files of ``units/`` given as {file name: content, or the error reading it}.

    ``memo`` (kept by the caller between calls) remembers every file's parsed
    mapping and built unit by name and content: the quota's history walk
    re-loads the registry at each commit that changes a unit file, and only
    that file is parsed and built again.
    """
    memo = {} if memo is None else memo
    problems: list[Problem] = []
    raw_units: dict[str, tuple[str, LinedDict]] = {}
    read: dict[str, _Read] = {}
    for name in sorted(files):
        if name == "_province.yml":
            continue
        rel = f"units/{name}"
        entry = _read_mapping(files[name], rel, problems, memo)
        if entry.data is not None:
            stem = Path(name).stem
            raw_units[stem] = (rel, entry.data)
            read[stem] = entry

    units: dict[str, Unit] = {}
    invalid: set[str] = set()
    kept: list[Problem] = []
    read_errors = {p.path for p in problems if p.is_error}  # e.g. a key written twice (E400)
    for stem, (rel, data) in raw_units.items():
        entry = read[stem]
        if entry.built is None:
            found: list[Problem] = []
            shown: list[Problem] = []
            entry.built = (_build_unit(stem, rel, data, found, shown), found, shown)
        unit, found, shown = entry.built
        problems.extend(found)
        problems.extend(shown)
        kept.extend(shown)
        if unit is None or rel in read_errors or any(p.is_error for p in found):
            invalid.add(stem)
        else:
            units[unit.id] = unit

    _check_parents(units, raw_units, invalid, problems)
    _check_so(units, raw_units, invalid, problems)
    shared_urls = _shared_urls(units, raw_units)
    problems.extend(shared_urls)
    kept.extend(shared_urls)
    province = _load_province(files.get("_province.yml"), raw_units, problems, memo)
    return Registry(province, units, problems, invalid, kept)


@dataclass
class _Read:
    """A file as read (its mapping, problems), and once built, (its unit, problems)."""

    data: LinedDict | None
    problems: list[Problem]
    built: tuple | None = None


def _read_mapping(content: bytes | OSError, rel: str, problems: list[Problem], memo: dict) -> _Read:
    key = (rel, content)
    if key not in memo:
        found: list[Problem] = []
        memo[key] = _Read(_parse_mapping(content, rel, found), found)
    problems.extend(memo[key].problems)
    return memo[key]


def _parse_mapping(content: bytes | OSError, rel: str, problems: list[Problem]) -> LinedDict | None:
    try:
        if isinstance(content, OSError):
            raise content
        # as a text-mode read, in NFC (an approver's name pasted in NFD is the same name)
        text = unicodedata.normalize("NFC", content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, 1, "E400", {"detail": f"không mở được tệp ({exc.__class__.__name__})"}))
        return None
    from article_reader.source import FORBIDDEN_CHARACTER

    if FORBIDDEN_CHARACTER.search(text):  # a name that no feed or workbook can carry: the file is not read
        for number, line in enumerate(text.split("\n"), 1):
            found = FORBIDDEN_CHARACTER.search(line)
            if found:
                problems.append(Problem(rel, number, "E112", {"code": f"U+{ord(found.group()):04X}"}))
        return None
    try:
        data = parse(text)
    except YamlError as exc:
        problems.append(Problem(rel, exc.line, "E400", {"detail": exc.detail}))
        return None
    if not isinstance(data, LinedDict):
        problems.append(Problem(rel, 1, "E400", {"detail": "tệp phải là danh sách 'khóa: giá trị'"}))
        return None
    for key, line, first in data.duplicates:
        problems.append(Problem(rel, line, "E400", {"detail": f"khóa \"{key}\" lặp lại (lần đầu ở dòng {first})"}))
    return data


def _unknown_keys(data: LinedDict, allowed, rel: str, problems: list[Problem]) -> None:
    for key in data:
        if key not in allowed:
            problems.append(Problem(rel, data.line_of(key), "E408",
                                    {"key": key, "allowed": ", ".join(allowed)}))


def _text(data: LinedDict, key: str, rel: str, problems: list[Problem], required=True,
          hint="") -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(rel, data.line_of(key), "E410",
                                {"key": key, "detail": "cần một dòng chữ", "hint": hint or f"thêm dòng '{key}: ...'"}))
        return ""
    return value.strip()


def _day(data: LinedDict, key: str, rel: str, problems: list[Problem]) -> dt.date | None:
    if key not in data or data[key] is None:
        return None
    day = parse_day(data[key])
    if day is None:
        problems.append(Problem(rel, data.line_of(key), "E409", {"key": key, "value": data[key],
                                                                 "hint": date_hint(data[key], DAY_EXAMPLE)}))
    return day


def _build_unit(stem: str, rel: str, data: LinedDict, problems: list[Problem],
                shown: list[Problem]) -> Unit | None:
    """The unit, or None.  ``problems`` leave the unit out of the registry (its articles are
    reported, E108); ``shown`` are about what its site shows or where it is published (its
    address, accounts, phone, leaders, logo): reported, and the unit stays, without that value."""
    _unknown_keys(data, UNIT_KEYS, rel, problems)
    unit_id = data.get("id")
    if not UNIT_ID.match(stem):
        suggestion = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "ma-don-vi"
        problems.append(Problem(rel, 1, "E405", {"value": stem, "detail": "(tên tệp) không đúng dạng", "expected": suggestion}))
        return None
    if unit_id != stem:
        detail = "bị thiếu" if unit_id is None else "khác tên tệp"
        problems.append(Problem(rel, data.line_of("id"), "E405",
                                {"value": "" if unit_id is None else unit_id, "detail": detail, "expected": stem}))
    if stem in RESERVED_IDS or RESERVED_PATTERN.match(stem):
        problems.append(Problem(rel, data.line_of("id"), "E407",
                                {"value": stem, "reserved": ", ".join(sorted(RESERVED_IDS)) + ", trang-<số>"}))
    name = _text(data, "name", rel, problems, hint="thêm dòng 'name: <tên đầy đủ của đơn vị>'")
    kind = data.get("kind")
    if kind not in KINDS:
        if kind is None:
            problems.append(Problem(rel, data.line, "E410", {"key": "kind", "detail": "bị thiếu",
                                                             "hint": "thêm dòng 'kind: truong' (hoặc loại phù hợp)"}))
        else:
            problems.append(Problem(rel, data.line_of("kind"), "E401",
                                    {"value": kind, "allowed": ", ".join(KINDS)}))
    parent = data.get("parent")
    if kind == "so":
        if parent is not None:
            problems.append(Problem(rel, data.line_of("parent"), "E410",
                                    {"key": "parent", "detail": "Sở không có đơn vị cấp trên", "hint": "xóa dòng 'parent'"}))
        parent = None
    elif parent is None:
        problems.append(Problem(rel, data.line, "E402"))
    elif not isinstance(parent, str):
        problems.append(Problem(rel, data.line_of("parent"), "E403", {"value": parent}))
        parent = None

    approvers = _approvers(data, rel, problems, shown)
    parents = _parent_changes(data, rel, problems)
    quota = _rules(data.get("quota"), data.line_of("quota"), rel, problems)
    editors = _accounts(data, "editors", rel, shown, 'ví dụ: editors: ["@doanthitam"]')
    return Unit(
        id=stem, name=name, kind=kind if kind in KINDS else "", parent=parent,
        parents=parents, url=_site_url(data, rel, shown),
        email=_text(data, "email", rel, shown, required=False),
        approvers=approvers, editors=editors,
        address=_text(data, "address", rel, shown, required=False),
        phone=_phone(data, "phone", rel, shown),
        leaders=_leaders(data, rel, shown), logo=_logo(data, rel, shown),
        active_from=_day(data, "active_from", rel, problems),
        retired_on=_day(data, "retired_on", rel, problems), quota=quota,
    )


def _approvers(data: LinedDict, rel: str, problems: list[Problem], shown: list[Problem]) -> tuple[Approver, ...]:
    raw = data.get("approvers")
    if not isinstance(raw, LinedList) or not raw:
        problems.append(Problem(rel, data.line_of("approvers"), "E406"))
        return ()
    result = []
    for index, item in enumerate(raw):
        line = raw.line_of(index)
        account = ""
        if isinstance(item, LinedDict):
            _unknown_keys(item, APPROVER_KEYS, rel, problems)
            name, title = item.get("name"), item.get("title") or ""
            if "account" in item:
                account = _account(item.get("account"), item.line_of("account"), rel, shown)
        else:
            name, title = item, ""
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(rel, line, "E406"))
            continue
        result.append(Approver(" ".join(name.split()), str(title).strip(), account))
    return tuple(result)


def _account(value, line: int, rel: str, problems: list[Problem]) -> str:
    """"@name" for an account as written ("name" or "@name"); "" and E421 for anything else."""
    if isinstance(value, str) and ACCOUNT.match(value.strip()):
        return "@" + value.strip().lstrip("@")
    problems.append(Problem(rel, line, "E421", {"value": value}))
    return ""


def _accounts(data: LinedDict, key: str, rel: str, problems: list[Problem], hint: str) -> tuple[str, ...]:
    raw = data.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, LinedList):
        problems.append(Problem(rel, data.line_of(key), "E410",
                                {"key": key, "detail": "cần một danh sách tài khoản", "hint": hint}))
        return ()
    accounts = (_account(value, raw.line_of(index), rel, problems) for index, value in enumerate(raw))
    return tuple(dict.fromkeys(account for account in accounts if account))


def _site_url(data: LinedDict, rel: str, problems: list[Problem]) -> str:
    """The unit's own address, without a trailing "/"; "" (and E419) when it is not https://."""
    value = data.get("url")
    if value is None:
        return ""
    text = value.strip() if isinstance(value, str) else ""
    if not SITE_URL.match(text.lower()):
        problems.append(Problem(rel, data.line_of("url"), "E419", {"value": value}))
        return ""
    return text.rstrip("/")


def _phone(data: LinedDict, key: str, rel: str, problems: list[Problem]) -> str:
    """A phone number as written; a bare number (YAML reads 0912345678 as 912345678) is refused."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(rel, data.line_of(key), "E410", {
            "key": key, "detail": "số điện thoại cần viết trong ngoặc kép",
            "hint": f'ví dụ: {key}: "0277 3 812 345" (không có ngoặc kép, số 0 ở đầu bị mất)'}))
        return ""
    return " ".join(value.split())


def _leaders(data: LinedDict, rel: str, problems: list[Problem]) -> tuple[Leader, ...]:
    raw = data.get("leaders")
    if raw is None:
        return ()
    hint = "ví dụ: leaders: [{name: Nguyễn Văn An, title: Hiệu trưởng, phone: \"0277 3 812 345\"}]"
    if not isinstance(raw, LinedList):
        problems.append(Problem(rel, data.line_of("leaders"), "E410",
                                {"key": "leaders", "detail": "cần một danh sách", "hint": hint}))
        return ()
    leaders = []
    for index, item in enumerate(raw):
        if not isinstance(item, LinedDict):
            problems.append(Problem(rel, raw.line_of(index), "E410",
                                    {"key": "leaders", "detail": "mỗi người cần 'name' và 'title'", "hint": hint}))
            continue
        _unknown_keys(item, LEADER_KEYS, rel, problems)
        found: list[Problem] = []
        name = _text(item, "name", rel, found, hint="thêm 'name: <họ tên>' cho người này")
        values = {key: _text(item, key, rel, found, required=False) for key in ("title", "email", "duties")}
        values["phone"] = _phone(item, "phone", rel, found)
        problems.extend(found)
        if name and not found:
            leaders.append(Leader(" ".join(name.split()), **values))
    return tuple(leaders)


def _logo(data: LinedDict, rel: str, problems: list[Problem]) -> str:
    """A path under the unit's content folder, as written there ("images/logo.png")."""
    value = data.get("logo")
    if value is None:
        return ""
    text = value.strip().lstrip("/") if isinstance(value, str) else ""
    normal = posixpath.normpath(text) if text else ""
    if not normal or normal.startswith("..") or "\\" in text or "://" in text:
        problems.append(Problem(rel, data.line_of("logo"), "E410", {
            "key": "logo", "detail": "cần đường dẫn một tệp ảnh trong thư mục của đơn vị",
            "hint": "ví dụ: logo: images/logo.png (tệp content/<mã-đơn-vị>/images/logo.png)"}))
        return ""
    return normal


def _parent_changes(data: LinedDict, rel: str, problems: list[Problem]) -> tuple[tuple[dt.date, str], ...]:
    raw = data.get("parents")
    if raw is None:
        return ()
    if not isinstance(raw, LinedList):
        problems.append(Problem(rel, data.line_of("parents"), "E410",
                                {"key": "parents", "detail": "cần một danh sách", "hint": "ví dụ: parents: [{from: 2025-07-01, parent: xa-tan-hong}]"}))
        return ()
    changes = []
    for index, item in enumerate(raw):
        if not isinstance(item, LinedDict):
            problems.append(Problem(rel, raw.line_of(index), "E410",
                                    {"key": "parents", "detail": "mỗi mục cần 'from' và 'parent'", "hint": "ví dụ: - {from: 2025-07-01, parent: xa-tan-hong}"}))
            continue
        _unknown_keys(item, ("from", "parent"), rel, problems)
        start = _day(item, "from", rel, problems)
        parent = item.get("parent")
        if "from" not in item:
            problems.append(Problem(rel, item.line, "E409", {"key": "from", "value": "", "hint": DAY_EXAMPLE}))
        if not isinstance(parent, str):
            problems.append(Problem(rel, item.line_of("parent"), "E402"))
            continue
        if start is not None:
            changes.append((start, parent))
    return tuple(sorted(changes))


def _count(value, line: int, rel: str, problems: list[Problem]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(Problem(rel, line, "E414", {"value": value}))
        return None
    return value


def _rules(raw, line: int, rel: str, problems: list[Problem]) -> tuple[Rule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, LinedList):
        problems.append(Problem(rel, line, "E410", {"key": "quota", "detail": "cần một danh sách quy định",
                                                    "hint": "ví dụ: quota: [{every: week, count: 1}]"}))
        return ()
    rules = []
    for index, item in enumerate(raw):
        if not isinstance(item, LinedDict):
            problems.append(Problem(rel, raw.line_of(index), "E410", {"key": "quota", "detail": "mỗi quy định cần 'every' và 'count'",
                                                                     "hint": "ví dụ: - {every: month, count: 2}"}))
            continue
        _unknown_keys(item, RULE_KEYS, rel, problems)
        every, channel = item.get("every"), item.get("channel", "own")
        ok = True
        if every not in EVERY:
            problems.append(Problem(rel, item.line_of("every"), "E413", {"value": every, "allowed": ", ".join(EVERY)}))
            ok = False
        if channel not in CHANNELS:
            problems.append(Problem(rel, item.line_of("channel"), "E417", {"value": channel}))
            ok = False
        count = _count(item.get("count"), item.line_of("count"), rel, problems)
        if ok and count is not None:
            rules.append(Rule(every, count, channel))
    return tuple(rules)


def _load_province(content: bytes | OSError | None, raw_units, problems: list[Problem], memo: dict) -> Province:
    rel = "units/_province.yml"
    if content is None:
        problems.append(Problem(rel, 1, "E411", {"detail": "không có tệp units/_province.yml",
                                                 "hint": f"tạo tệp theo mẫu trong {MODEL_DOC} (name, timezone, quota_start, school_year)"}))
        return Province()
    data = _read_mapping(content, rel, problems, memo).data
    if data is None:
        return Province()
    _unknown_keys(data, PROVINCE_KEYS, rel, problems)
    province = Province(name=_text(data, "name", rel, problems, hint="thêm dòng 'name: Sở Giáo dục và Đào tạo tỉnh ...'"))
    timezone = data.get("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(str(timezone))
        province.timezone = str(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(rel, data.line_of("timezone"), "E411",
                                {"detail": f"múi giờ \"{timezone}\" không có", "hint": "dùng timezone: Asia/Ho_Chi_Minh"}))
    province.quota_start = _day(data, "quota_start", rel, problems)
    province.reviewers = _accounts(data, "reviewers", rel, problems, 'ví dụ: reviewers: ["@vanphong-so"]')
    if data.get("git_host") is not None:
        province.git_host = _git_host(data["git_host"], data.line_of("git_host"), rel, problems)
    school_year = data.get("school_year")
    if school_year is not None:
        province.school_year = _school_year(school_year, data.line_of("school_year"), rel, problems)
    if data.get("rotas") is not None:
        province.rotas = _rotas(data, raw_units, rel, problems)
    if "quota_on_home" in data:
        province.quota_on_home = _switch(data, "quota_on_home", rel, problems)
    if "required_sections" in data:
        province.required_sections = _switch(data, "required_sections", rel, problems)
    if data.get("procedures") is not None:
        province.procedures = _procedures(data, rel, problems)
    return province


def _procedures(data: LinedDict, rel: str, problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    """The links of the Sở's "Thủ tục hành chính" section; a link without a title or an
    https:// address is E411 and left out."""
    hint = "ví dụ: procedures: [{title: Cấp bản sao văn bằng, url: https://dichvucong.gov.vn/...}]"
    raw = data.get("procedures")
    if not isinstance(raw, list):
        problems.append(Problem(rel, data.line_of("procedures"), "E411", {"detail": "procedures cần một danh sách", "hint": hint}))
        return ()
    found = []
    for item in raw:
        line = item.line if isinstance(item, LinedDict) else data.line_of("procedures")
        title = item.get("title") if isinstance(item, LinedDict) else None
        url = item.get("url") if isinstance(item, LinedDict) else None
        if not isinstance(title, str) or not title.strip() or not isinstance(url, str) \
                or not url.strip().lower().startswith("https://") or " " in url.strip():
            problems.append(Problem(rel, line, "E411", {
                "detail": "mỗi thủ tục cần 'title' và 'url' là địa chỉ https://", "hint": hint}))
            continue
        found.append((" ".join(title.split()), url.strip()))
    return tuple(found)


def _switch(data: LinedDict, key: str, rel: str, problems: list[Problem]) -> bool:
    """A yes/no setting written true or false; anything else is E411 and the setting stays off."""
    value = data.get(key)
    if isinstance(value, bool):
        return value
    problems.append(Problem(rel, data.line_of(key), "E411", {
        "detail": f"\"{key}: {value}\" phải là true hoặc false", "hint": f"viết {key}: true (bật) hoặc {key}: false (tắt)"}))
    return False


def _git_host(raw, line: int, rel: str, problems: list[Problem]) -> GitHost | None:
    hint = "ví dụ: git_host: {kind: github, repo: so-gddt-mau/cong-thong-tin, branch: main}"
    if not isinstance(raw, LinedDict):
        problems.append(Problem(rel, line, "E411", {"detail": "git_host cần kind và repo", "hint": hint}))
        return None
    _unknown_keys(raw, GIT_HOST_KEYS, rel, problems)
    kind, repo, branch, url = (raw.get(key) for key in GIT_HOST_KEYS)
    ok = True
    if kind not in GIT_HOSTS:
        problems.append(Problem(rel, raw.line_of("kind"), "E411", {
            "detail": f"nơi lưu kho \"{kind if kind is not None else ''}\" không có", "hint": "dùng một trong: " + ", ".join(GIT_HOSTS)}))
        ok = False
    if not isinstance(repo, str) or not re.fullmatch(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+", repo.strip()):
        problems.append(Problem(rel, raw.line_of("repo"), "E411", {
            "detail": f"tên kho \"{repo if repo is not None else ''}\" cần dạng chủ-sở-hữu/tên-kho", "hint": hint}))
        ok = False
    if branch is not None and (not isinstance(branch, str) or not branch.strip()):
        problems.append(Problem(rel, raw.line_of("branch"), "E411", {"detail": "nhánh chính (branch) cần một tên", "hint": hint}))
        ok = False
    if url is not None and not (isinstance(url, str) and SITE_URL.match(url.strip().lower())):
        problems.append(Problem(rel, raw.line_of("url"), "E411", {
            "detail": f"địa chỉ máy chủ git \"{url}\" cần dạng https://...", "hint": "ví dụ: url: https://git.sogddt.example.edu.vn"}))
        ok = False
    if not ok:
        return None
    return GitHost(kind, repo.strip(), (branch or "main").strip(), (url or "").strip().rstrip("/"))


def _month_day(value, line: int, key: str, rel: str, problems: list[Problem]):
    match = re.match(r"^(\d{2})-(\d{2})$", str(value))
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            dt.date(2024, month, day)
            return month, day
        except ValueError:
            pass
    problems.append(Problem(rel, line, "E411", {"detail": f"\"{key}: {value}\" không phải tháng-ngày",
                                                "hint": "viết trong ngoặc kép dạng tháng-ngày, ví dụ \"09-05\""}))
    return None


def _school_year(raw, line: int, rel: str, problems: list[Problem]) -> SchoolYear:
    if not isinstance(raw, LinedDict):
        problems.append(Problem(rel, line, "E411", {"detail": "school_year cần semester1_start, semester2_start, end",
                                                    "hint": f"xem mẫu trong {MODEL_DOC}"}))
        return SchoolYear()
    _unknown_keys(raw, SCHOOL_YEAR_KEYS, rel, problems)
    default = SchoolYear()
    values = {}
    for key in SCHOOL_YEAR_KEYS:
        if key in raw:
            parsed = _month_day(raw[key], raw.line_of(key), key, rel, problems)
            values[key] = parsed or getattr(default, key)
    return SchoolYear(**values)


def _rotas(data: LinedDict, raw_units, rel: str, problems: list[Problem]) -> tuple[Rota, ...]:
    raw = data["rotas"]
    if not isinstance(raw, LinedList):
        problems.append(Problem(rel, data.line_of("rotas"), "E411", {"detail": "rotas cần một danh sách", "hint": f"xem mẫu trong {MODEL_DOC}"}))
        return ()
    rotas = []
    for index, item in enumerate(raw):
        if not isinstance(item, LinedDict):
            problems.append(Problem(rel, raw.line_of(index), "E411", {"detail": "mỗi lịch trực cần id, every, count, start, order",
                                                                     "hint": f"xem mẫu trong {MODEL_DOC}"}))
            continue
        _unknown_keys(item, ROTA_KEYS, rel, problems)
        rota_id = item.get("id")
        every = item.get("every")
        every = every if isinstance(every, str) else repr(every)  # a list or a mapping is no period
        ok = isinstance(rota_id, str) and bool(rota_id)
        if not ok:
            problems.append(Problem(rel, item.line_of("id"), "E410", {"key": "id", "detail": "lịch trực cần một mã", "hint": "thêm dòng 'id: ...'"}))
        if every not in ROTA_EVERY:
            problems.append(Problem(rel, item.line_of("every"), "E413", {"value": every, "allowed": ", ".join(ROTA_EVERY)}))
            ok = False
        count = _count(item.get("count"), item.line_of("count"), rel, problems)
        start = str(item.get("start", ""))
        if every in PERIOD_LABELS:
            pattern, example = PERIOD_LABELS[every]
            match = pattern.match(start)
            if not match or not _label_exists(every, match):
                problems.append(Problem(rel, item.line_of("start"), "E416", {"value": start, "every": every, "example": example}))
                ok = False
        order = item.get("order")
        if not isinstance(order, LinedList) or not order:
            problems.append(Problem(rel, item.line_of("order"), "E410", {"key": "order", "detail": "cần danh sách mã đơn vị",
                                                                         "hint": "ví dụ: order: [phong-gdmn, phong-gdth]"}))
            ok = False
        else:
            for position, member in enumerate(order):
                if not isinstance(member, str) or member not in raw_units:
                    problems.append(Problem(rel, order.line_of(position), "E415", {"rota": rota_id, "value": member}))
                    ok = False
        if ok and count is not None:
            rotas.append(Rota(rota_id, every, count, start, tuple(order)))
    return tuple(rotas)


def _label_exists(every: str, match) -> bool:
    year, number = int(match.group(1)), int(match.group(2))
    if every == "week":
        try:
            dt.date.fromisocalendar(year, number, 1)
        except ValueError:
            return False
        return True
    if every == "month":
        return 1 <= number <= 12
    return True


def _check_parents(units: dict[str, Unit], raw_units, invalid: set[str], problems: list[Problem]) -> None:
    for unit in list(units.values()):
        rel, data = raw_units[unit.id]
        targets = [(unit.parent, data.line_of("parent"))]
        parents_list = data.get("parents")
        for index, item in enumerate(parents_list if isinstance(parents_list, LinedList) else []):
            if isinstance(item, LinedDict) and isinstance(item.get("parent"), str):
                targets.append((item["parent"], item.line_of("parent")))
        for parent, line in targets:
            if parent is None:
                continue
            if parent not in raw_units or parent == unit.id:
                problems.append(Problem(rel, line, "E403", {"value": parent}))
                invalid.add(unit.id)
    for unit_id in invalid:
        units.pop(unit_id, None)
    # Each member of a cycle is reported in its own file (and left out); a unit
    # whose parents only lead into a cycle has nothing to fix in its file.
    reported: set[str] = set()
    for key, choose in (("parent", lambda u: u.parent),
                        ("parents", lambda u: u.parents[-1][1] if u.parents else u.parent)):
        for unit in list(units.values()):
            if unit.id in reported:
                continue
            seen = [unit.id]
            current = choose(unit)
            while current is not None and current in units and current not in seen:
                seen.append(current)
                current = choose(units[current])
            if current != unit.id:
                continue
            reported.add(unit.id)
            rel, data = raw_units[unit.id]
            line = data.line_of(key if key in data and unit.parents else "parent")
            problems.append(Problem(rel, line, "E404", {"cycle": " → ".join(seen + [unit.id])}))
    for unit_id in reported:
        units.pop(unit_id, None)
        invalid.add(unit_id)


def _shared_urls(units: dict[str, Unit], raw_units) -> list[Problem]:
    """Two units with one address (E420, in each file): neither keeps it; both sites are
    published under the portal's address until one is mended.  A unit with a bad or shared
    address stays in the registry: its articles are not at fault."""
    problems: list[Problem] = []
    by_url: dict[str, list[str]] = {}
    for unit in units.values():
        if unit.url:
            by_url.setdefault(unit.url.lower(), []).append(unit.id)
    for same in by_url.values():
        if len(same) < 2:
            continue
        for unit_id in same:
            rel, data = raw_units[unit_id]
            others = ", ".join(other for other in same if other != unit_id)
            problems.append(Problem(rel, data.line_of("url"), "E420", {"value": units[unit_id].url, "other": others}))
    for same in by_url.values():  # the built units are memoised across commits: changed copies
        if len(same) > 1:
            for unit_id in same:
                units[unit_id] = dataclasses.replace(units[unit_id], url="")
    return problems


def _check_so(units: dict[str, Unit], raw_units, invalid: set[str], problems: list[Problem]) -> None:
    for unit_id, (rel, data) in raw_units.items():
        if (data.get("kind") == "so") != (unit_id == "so"):
            problems.append(Problem(rel, data.line_of("kind"), "E412"))
            units.pop(unit_id, None)
            invalid.add(unit_id)
    if "so" not in raw_units:
        problems.append(Problem("units/so.yml", 1, "E412"))


def _load_into_settings(pelican) -> None:
    from problems import log_problems

    registry = load(pelican.settings["REPO_ROOT"])
    log_problems(registry.problems)
    pelican.settings["UNIT_REGISTRY"] = registry
    pelican.settings["TIMEZONE"] = registry.province.timezone
    # Articles' dates are read in the province's time zone: the content cache (and
    # everything keyed by its folder: page fingerprints, stored feed entries) belongs
    # to one zone, so the folder is named after the code and the zone together.
    code_cache = pelican.settings["CACHE_PATH"]
    key = f"{os.path.basename(code_cache)}\0{registry.province.timezone}".encode()
    pelican.settings["CACHE_PATH"] = os.path.join(os.path.dirname(code_cache),
                                                  hashlib.sha256(key).hexdigest()[:16])


def register():
    from pelican import signals

    signals.initialized.connect(_load_into_settings)
