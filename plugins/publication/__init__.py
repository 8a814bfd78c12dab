"""Decides what is published (contract section 6) and reports every problem.

An article is published when it has no error, its unit is in the registry,
it is approved by one of the unit's approvers, it is not a draft, its date
has come and is not after its unit's ``retired_on``.  Files under content/
that are no content are reported too (``stray_problems``).  Checks that depend on the registry or on other files run here,
each build, because the reader's result is cached by the article's content.
A failing article is left out of every list, feed and page; the rest builds.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import unicodedata
from collections import defaultdict

# Pelican and image_assets (which needs Pelican and Pillow) are imported where they
# are used: the approval check alone serves `python -m quota`, which should not load them.
from dates import date_hint, long_date, parse_day, short_date
from problems import Problem, did_you_mean, has_errors, log_problems

logger = logging.getLogger(__name__)
# What the last build in this process published and reported, for its closing summary
LAST_BUILD: dict[str, int] = {}


@functools.lru_cache(maxsize=4096)  # a unit's few approvers sign thousands of articles
def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def approval_problems(source, unit) -> list[Problem]:
    fields, lines, path = source.fields, source.lines, source.path
    problems = []
    approver = fields.get("approved_by")
    if not approver:
        problems.append(Problem(path, lines.get("approved_by", 1), "E301"))
    elif _name_key(approver) not in map(_name_key, unit.approver_names()):
        from article_reader import slugify  # a name without its marks, or one letter off, is still close

        problems.append(Problem(path, lines["approved_by"], "E302", {
            "name": approver, "unit": unit.id, "approvers": "; ".join(unit.approver_names()),
            "suggestion": did_you_mean(approver, unit.approver_names(), key=slugify)}))
    approved_on = fields.get("approved_on")
    if approved_on is None:
        problems.append(Problem(path, lines.get("approved_by", 1), "W602"))
    elif parse_day(approved_on) is None:
        problems.append(Problem(path, lines["approved_on"], "E303", {
            "value": approved_on, "hint": date_hint(approved_on, "viết theo dạng năm-tháng-ngày, ví dụ: approved_on: 2024-11-20")}))
    return problems


def unit_problems(source, unit) -> list[Problem]:
    """An article checked against its unit's file: its approver (E301-E303, W602), and a date
    after the unit's ``retired_on`` (E111).  ``source`` needs ``path``, ``lines``, ``fields`` and
    ``date`` (aware, in the province's zone): the build, `make check` and the quota's history
    walk call this one function."""
    problems = approval_problems(source, unit)
    date = source.date
    if unit.retired_on is not None and date is not None and date.date() > unit.retired_on:
        problems.append(Problem(source.path, source.lines.get("date", 1), "E111", {
            "day": short_date(date), "retired": short_date(unit.retired_on), "unit": unit.id}))
    return problems


def check_source(source, registry, repo_root: str, now: dt.datetime):
    """All problems of one read file, and its checked pictures (index -> Picture)."""
    problems = registry.without_own_phones(list(source.problems))
    pictures = {}
    unit = registry.units.get(source.unit) if source.unit else None
    if source.unit and unit is None:
        detail = ("là của một đơn vị mà tệp units/%s.yml đang có lỗi (xem các lỗi E4xx)" % source.unit
                  if source.unit in registry.invalid else "không phải mã của đơn vị nào trong units/")
        problems.append(Problem(source.path, 1, "E108", {"unit": source.unit, "detail": detail}))
    from article_reader.source import NOT_READ

    front_matter_read = not any(p.code in NOT_READ for p in source.problems)
    if unit is not None and not source.is_page and front_matter_read:
        problems.extend(unit_problems(source, unit))
    import image_assets

    for index, ref in enumerate(source.images):
        if ref.path is None:
            continue
        found = image_assets.inspect(repo_root, source.path, ref)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            pictures[index] = found
        problems.extend(image_assets.repository_warnings(repo_root, source.path, ref))
    if source.is_document and front_matter_read:  # its attached file: is it there, is it the unit's
        from documents import attachment_problems

        problems.extend(attachment_problems(repo_root, source))
    if not source.is_page:
        if source.fields.get("status") == "draft":
            problems.append(Problem(source.path, source.lines.get("status", 1), "W605"))
        elif source.date is not None and source.date > now and not has_errors(problems):
            problems.append(Problem(source.path, source.lines.get("date", 1), "W603",
                                    {"when": long_date(source.date) + source.date.strftime(" %H:%M")}))
    return problems, pictures


def content_entries(repo_root: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Every entry under content/ but hidden ones, as Pelican finds them (linked folders
    followed; a link back up is no loop): the repository paths (as on
    disk, unsorted) of the regular files, and (path, what it is) of the other entries (named
    pipes, sockets, devices, broken links), which are reported (E117) and never opened."""
    from article_reader.files import special_kind

    files, specials = [], []
    content = os.path.join(repo_root, "content")
    # A real folder is walked under its own path, always; a linked folder once, and never when it
    # leads back to a folder it lies in (a loop).  A link to another unit's folder, met before
    # that folder, must not hide the unit's own files (their errors would go unreported).
    linked = set()
    pending = [("content", content, (os.path.realpath(content),))]
    while pending:
        rel, folder, above = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = f"{rel}/{entry.name}"
            try:
                if entry.is_dir():  # follows links, as Pelican's walk does
                    real = os.path.realpath(entry.path) if entry.is_symlink() else None
                    if real is None:
                        pending.append((path, entry.path, above + (os.path.join(above[-1], entry.name),)))
                    elif real not in linked and real not in above:
                        linked.add(real)
                        pending.append((path, entry.path, above + (real,)))
                    continue
                if entry.is_file():  # the common case: no stat (the directory entry's type)
                    files.append(path)
                    continue
                kind = special_kind(os.stat(entry.path).st_mode)
            except OSError as exc:
                kind = f"một liên kết hỏng ({exc.strerror})"
            specials.append((path, kind or "một mục đặc biệt"))
    return files, specials


def all_content_files(repo_root: str) -> list[str]:
    """The repository path (as on disk, unsorted) of every regular file under content/ but hidden ones."""
    return content_entries(repo_root)[0]


def special_problems(specials) -> list[Problem]:
    """E117 for each entry of ``content_entries`` that is no regular file."""
    from article_reader import nfc

    return [Problem(nfc(path), 1, "E117", {"name": nfc(path.rsplit("/", 1)[-1]), "kind": kind})
            for path, kind in specials]


def stray_problems(repo_root: str, paths) -> list[Problem]:
    """Of ``paths`` (repository paths, as ``all_content_files`` gives), the files that are neither
    content, images, documents' attached files nor Word files waiting in word/ (E118, E119):
    reported, never published (contract section 5)."""
    from article_reader import file_kind, nfc, stray_problem

    problems = []
    for path in paths:
        if file_kind(path) is None:
            try:
                with open(os.path.join(repo_root, path), "rb") as handle:
                    head = handle.read(64)
            except OSError:
                head = b""
            problems.append(stray_problem(nfc(path), head))
    return problems


def duplicate_slug_problems(sources) -> list[Problem]:
    """Two files of one unit (articles, pages, or documents: each kind has its own folder
    of pages) with one slug: both are errors."""
    by_slug = defaultdict(list)
    for source in sources:
        if source.unit:
            by_slug[(source.unit, source.is_page, source.is_document, source.slug)].append(source)
    problems = []
    for (_, _, _, slug), same in by_slug.items():
        if len(same) < 2:
            continue
        for source in same:
            others = ", ".join(o.path for o in same if o is not source)
            problems.append(Problem(source.path, source.lines.get("slug", source.lines.get("title", 1)),
                                    "E105", {"slug": slug, "other": others}))
    return problems


def is_published(source, problems, now: dt.datetime) -> bool:
    if has_errors(problems):
        return False
    if source.is_page:
        return True
    return source.fields.get("status") != "draft" and source.date is not None and source.date <= now


def build_now(settings) -> dt.datetime:
    zone = settings["UNIT_REGISTRY"].province.zone
    # a fixed "now" makes builds reproducible (tests, benchmarks)
    fixed = settings.get("PUBLICATION_NOW") or os.environ.get("PUBLICATION_NOW")
    if fixed:
        return dt.datetime.fromisoformat(fixed).astimezone(zone)
    return dt.datetime.now(zone)


def _judge(generator, contents):
    """Keep the published contents; report the problems of all of them."""
    import image_assets

    settings = generator.settings
    registry = settings["UNIT_REGISTRY"]
    now = build_now(settings)
    all_problems = duplicate_slug_problems([c.source for c in contents])
    by_path = defaultdict(list)
    for problem in all_problems:
        by_path[problem.path].append(problem)
    published = []
    for content in contents:
        problems, pictures = check_source(content.source, registry, settings["REPO_ROOT"], now)
        all_problems.extend(problems)
        problems += by_path[content.source.path]
        if is_published(content.source, problems, now):
            image_assets.attach(content, pictures)
            published.append(content)
    all_problems.sort()
    generator.context.setdefault("PROBLEMS", []).extend(all_problems)
    log_problems(all_problems)
    _count(all_problems)
    return published


def _count(problems) -> None:
    errors = sum(1 for p in problems if p.is_error)
    LAST_BUILD["errors"] = LAST_BUILD.get("errors", 0) + errors
    LAST_BUILD["warnings"] = LAST_BUILD.get("warnings", 0) + len(problems) - errors


def _articles(generator):
    # the content cache (saved once per build: article_reader.cache_delta) must not hold
    # the pictures attached below, which every build works out again
    generator.save_cache()
    candidates = generator.articles + generator.translations + generator.drafts + generator.drafts_translations
    root = generator.settings["REPO_ROOT"]
    files, specials = content_entries(root)
    stray = stray_problems(root, files) + special_problems(specials)
    generator.context.setdefault("PROBLEMS", []).extend(stray)
    log_problems(stray)
    LAST_BUILD.clear()
    _count(stray + generator.settings["UNIT_REGISTRY"].problems)
    published = _judge(generator, candidates)
    # documents are published by the articles' rules, listed in their own library (unit_sites.library),
    # never in the articles' lists and feeds
    generator.context["documents"] = [c for c in published if c.source.is_document]
    published = [c for c in published if not c.source.is_document]
    LAST_BUILD["articles"] = len(published)
    LAST_BUILD["documents"] = len(generator.context["documents"])
    generator.articles[:] = published
    generator.translations[:] = []
    generator.drafts[:] = []
    generator.drafts_translations[:] = []
    generator.dates = list(published)


def _pages(generator):
    candidates = generator.pages + generator.hidden_pages + generator.draft_pages
    generator.pages[:] = _judge(generator, candidates)
    LAST_BUILD["pages"] = len(generator.pages)
    generator.hidden_pages[:] = []
    generator.draft_pages[:] = []


def register():
    from pelican import signals

    signals.article_generator_pretaxonomy.connect(_articles)
    signals.page_generator_finalized.connect(_pages)
