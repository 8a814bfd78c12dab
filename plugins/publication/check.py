"""`make check`: every problem of the units and the content, one line each.

    python -m publication.check [--base REV] [--root DIR]

With ``--base`` only the unit files and articles changed since REV (the
pull-request case) are reported, but they are checked against the whole
registry and against every other article of their unit (duplicate slugs).
A changed unit file also re-checks that unit's articles, and a changed or
deleted image the articles that show it.  Exit status 1 when any error is
reported.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from article_reader import content_kind, nfc
from article_reader.files import read_article
from problems import has_errors
from unit_registry import load

from . import build_now, check_source, content_entries, duplicate_slug_problems, special_problems, stray_problems


class GitError(Exception):
    pass


def changes(root: Path, base: str) -> list[tuple[str, str, str]]:
    """(status A/M/D/R/T, old path, new path) of every file that differs between ``base`` and the
    working tree (uncommitted and untracked files included), renames followed; paths as git
    stores them (NFD when a Mac wrote them)."""
    def git(*args):
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        if result.returncode != 0:
            raise GitError(result.stderr.strip() or "git thất bại")
        return result.stdout

    git("rev-parse", "--verify", f"{base}^{{commit}}")
    tokens = git("-c", "core.quotepath=off", "-c", "diff.renameLimit=20000", "diff", "--name-status",
                 "-z", "-M", base).split("\0")
    found, i = [], 0
    while i < len(tokens) - 1:
        status = tokens[i][:1]
        if status in "RC":
            found.append((status, tokens[i + 1], tokens[i + 2]))
            i += 3
        else:
            found.append((status, tokens[i + 1], tokens[i + 1]))
            i += 2
    for path in git("-c", "core.quotepath=off", "ls-files", "-z", "--others", "--exclude-standard").split("\0"):
        if path:
            found.append(("A", path, path))
    return found


def changed_files(root: Path, base: str) -> set[str]:
    """Every path a change adds, modifies or deletes (both names of a renamed file)."""
    return {path for _, old, new in changes(root, base) for path in (old, new)}


@dataclass
class Examined:
    """What `make check` found, and what it read to find it (`make review` reports on it)."""

    problems: list
    checked: set           # repository paths (NFC) of the content files checked
    sources: dict          # path -> Source of every content file read (the checked ones' units)
    registry: object
    now: object
    changed: set = field(default_factory=set)  # with a base: the changed paths (NFC)
    pictures: dict = field(default_factory=dict)  # checked path -> {image index: Picture}


def run(root: Path, base: str | None = None, settings: dict | None = None) -> tuple[list, int]:
    """(problems to print, number of files checked)."""
    found = examine(root, base, settings)
    return found.problems, len(found.checked)


def examine(root: Path, base: str | None = None, settings: dict | None = None) -> Examined:
    registry = load(root)
    now = build_now({"UNIT_REGISTRY": registry, **(settings or {})})
    files, specials = content_entries(str(root))
    on_disk = {nfc(path): path for path in files if content_kind(path)}  # a Mac writes NFD names
    all_md = sorted(on_disk)
    if base is None:
        wanted_files, wanted_units = set(all_md), None
        problems = list(registry.problems) + stray_problems(str(root), files) + special_problems(specials)
        changed = set()
    else:
        changed = {nfc(path) for path in changed_files(root, base)}
        problems = stray_problems(str(root), [path for path in files if nfc(path) in changed])
        problems += special_problems([(path, kind) for path, kind in specials if nfc(path) in changed])
        changed_unit_ids = {Path(f).stem for f in changed if f.startswith("units/") and f.endswith(".yml")}
        wanted_units = {f.split("/")[1] for f in changed if f.startswith("content/") and f.count("/") >= 2}
        wanted_units |= changed_unit_ids
        wanted_files = {f for f in all_md if f in changed or f.split("/")[1] in changed_unit_ids}
        problems += [p for p in registry.problems if p.path in changed]
    sources = []
    for path in all_md:
        if wanted_units is not None and path.split("/")[1] not in wanted_units:
            continue
        sources.append(read_article(str(root / "content"), str(root / on_disk[path]), registry.province.zone)[0])
    if base is not None:  # an image or an attached file changed or deleted: re-check what shows it
        wanted_files |= {s.path for s in sources if any(ref.path in changed for ref in s.images)
                         or getattr(s.fields.get("document"), "file", None) in changed}
    pictures = {}
    for source in sources:
        if source.path in wanted_files:
            found, pictures[source.path] = check_source(source, registry, str(root), now)
            problems.extend(found)
    problems.extend(p for p in duplicate_slug_problems(sources) if p.path in wanted_files)
    problems.extend(_section_problems(registry, sources, now, wanted_units))
    problems.extend(_codeowners_problems(root, registry, changed if base is not None else None))
    return Examined(sorted(problems), wanted_files, {s.path: s for s in sources}, registry, now, changed, pictures)


def _codeowners_problems(root: Path, registry, changed) -> list:
    """E418 (review.codeowners): in a full check always; with a base when the change touches
    units/ or the CODEOWNERS file itself."""
    from review.codeowners import codeowners_path, codeowners_problems

    if changed is not None and not any(path.startswith("units/") or path == codeowners_path(registry)
                                       for path in changed):
        return []
    return codeowners_problems(root, registry)


def _section_problems(registry, sources, now, wanted_units) -> list:
    """W620-W623 (portal_sections) from the files that would be published: each unit's
    categories and pages; with a base, for the units the change touches only."""
    from article_reader import slugify
    from portal_sections import section_problems

    from . import is_published

    categories, pages = {}, {}
    for source in sources:
        if source.unit and is_published(source, source.problems, now):
            if source.is_page:
                pages.setdefault(source.unit, set()).add(source.slug)
            elif not source.is_document:
                categories.setdefault(source.unit, set()).add(slugify(source.fields.get("category") or ""))
    return section_problems(registry, categories, pages, wanted_units)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Kiểm tra bài viết và danh sách đơn vị.")
    parser.add_argument("--base", help="chỉ kiểm tra những gì thay đổi kể từ commit này")
    parser.add_argument("--root", default=".", help="thư mục gốc của kho")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    try:
        problems, checked = run(root, args.base or None)
    except GitError as exc:
        print(f"Không so sánh được với \"{args.base}\": {exc}. Hãy kiểm tra tên nhánh/commit "
              f"(trên CI cần tải đủ lịch sử: git fetch --unshallow).", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    from review.annotations import annotate_check  # under a CI: on the lines of the diff too

    annotate_check(problems, root)
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    print(f"Đã kiểm tra {checked} tệp bài viết: {errors} lỗi, {warnings} cảnh báo.", file=sys.stderr)
    return 1 if has_errors(problems) else 0


if __name__ == "__main__":
    sys.exit(main())
