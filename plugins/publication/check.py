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
from pathlib import Path

from article_reader import content_kind, nfc
from article_reader.files import read_article
from problems import has_errors
from unit_registry import load

from . import build_now, check_source, content_entries, duplicate_slug_problems, special_problems, stray_problems


class GitError(Exception):
    pass


def changed_files(root: Path, base: str) -> set[str]:
    def git(*args):
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        if result.returncode != 0:
            raise GitError(result.stderr.strip() or "git thất bại")
        return [line for line in result.stdout.splitlines() if line]

    git("rev-parse", "--verify", f"{base}^{{commit}}")
    files = set(git("-c", "core.quotepath=off", "diff", "--name-only", "--no-renames", base))
    files |= set(git("-c", "core.quotepath=off", "ls-files", "--others", "--exclude-standard"))
    return files  # as git stores them (NFD when a Mac wrote them)


def run(root: Path, base: str | None = None, settings: dict | None = None) -> tuple[list, int]:
    """(problems to print, number of files checked)."""
    registry = load(root)
    now = build_now({"UNIT_REGISTRY": registry, **(settings or {})})
    files, specials = content_entries(str(root))
    on_disk = {nfc(path): path for path in files if content_kind(path)}  # a Mac writes NFD names
    all_md = sorted(on_disk)
    if base is None:
        wanted_files, wanted_units = set(all_md), None
        problems = list(registry.problems) + stray_problems(str(root), files) + special_problems(specials)
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
    if base is not None:  # an image changed or deleted: re-check the articles that show it
        wanted_files |= {s.path for s in sources if any(ref.path in changed for ref in s.images)}
    for source in sources:
        if source.path in wanted_files:
            problems.extend(check_source(source, registry, str(root), now)[0])
    problems.extend(p for p in duplicate_slug_problems(sources) if p.path in wanted_files)
    return sorted(problems), len(wanted_files)


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
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    print(f"Đã kiểm tra {checked} tệp bài viết: {errors} lỗi, {warnings} cảnh báo.", file=sys.stderr)
    return 1 if has_errors(problems) else 0


if __name__ == "__main__":
    sys.exit(main())
