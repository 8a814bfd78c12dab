"""`make codeowners` and E418: who must approve what, on the git host (contract section 11).

    python -m review.codeowners [--root DIR]

The CODEOWNERS file is made from ``units/`` alone: each unit's folder under
``content/`` is owned by its approvers' and editors' ``account`` and by the Văn
phòng's accounts (``reviewers:`` in ``units/_province.yml``); everything else (``units/``,
``theme/``, ``plugins/``, the settings, the CI files) by the Văn phòng's accounts only.

Where the file lives and how a rule is written depend on the host (``git_host.kind``):

* GitHub: ``.github/CODEOWNERS``, gitignore-like patterns, the last matching line wins;
* GitLab: ``.gitlab/CODEOWNERS``, the same patterns and the same "last match wins"
  (GitLab does not read ``.github/``);
* Forgejo (and Gitea): ``.gitea/CODEOWNERS``, each rule a Go regular expression, every
  matching line adds its owners: since the Văn phòng owns every unit's folder too,
  both readings give the same owners.

`make check` reports E418 when the committed file is not the one ``units/`` gives, so
that a new approver, editor or reviewer never waits on someone regenerating it by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from problems import Problem

FILES = {"github": ".github/CODEOWNERS", "gitlab": ".gitlab/CODEOWNERS", "forgejo": ".gitea/CODEOWNERS"}
HEADER = ("# Tệp này do lệnh `make codeowners` tạo từ units/ — đừng sửa tay: sửa `account:`, `editors:`\n"
          "# trong units/<mã-đơn-vị>.yml hoặc `reviewers:` trong units/_province.yml rồi chạy lại lệnh.\n")


def host_kind(registry) -> str:
    host = registry.province.git_host
    return host.kind if host is not None else "github"


def codeowners_path(registry) -> str:
    """The repository path of the CODEOWNERS file the province's git host reads."""
    return FILES[host_kind(registry)]


def unit_owners(unit, reviewers) -> tuple[str, ...]:
    """A unit folder's owners: its approvers' and editors' accounts, then the Văn phòng's."""
    own = [a.account for a in unit.approvers if a.account] + list(unit.editors)
    return tuple(dict.fromkeys(own + list(reviewers))) if own else ()


def codeowners_text(registry) -> str:
    """The CODEOWNERS file ``units/`` gives (the same text for the same units, sorted by unit id)."""
    kind = host_kind(registry)
    reviewers = tuple(registry.province.reviewers)
    lines = [HEADER]
    if reviewers:
        lines.append("# Văn phòng Sở: units/, theme/, plugins/, cài đặt, CI và mọi tệp không ghi riêng bên dưới")
        lines.append(f"{'.*' if kind == 'forgejo' else '*'} {' '.join(reviewers)}")
    rules = []
    for unit_id in sorted(registry.units):
        owners = unit_owners(registry.units[unit_id], reviewers)
        if owners:
            folder = f"content/{re.escape(unit_id)}/.*" if kind == "forgejo" else f"/content/{unit_id}/"
            rules.append(f"{folder} {' '.join(owners)}")
    if rules:
        lines.append("")
        lines.append("# Thư mục bài của từng đơn vị: người duyệt, người soạn bài của đơn vị và Văn phòng Sở")
        lines.extend(rules)
    return "\n".join(lines) + "\n"


def has_owners(text: str) -> bool:
    return any(line and not line.startswith("#") for line in text.splitlines())


def codeowners_problems(root: Path, registry) -> list[Problem]:
    """E418 when the committed CODEOWNERS file is not the one ``units/`` gives: on the first
    line that differs (a province with no account at all needs no file)."""
    rel = codeowners_path(registry)
    expected = codeowners_text(registry)
    try:
        committed = (Path(root) / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        if not has_owners(expected):
            return []
        return [Problem(rel, 1, "E418", {"path": rel, "detail": "chưa có tệp này"})]
    if committed == expected:
        return []
    have, want = committed.splitlines(), expected.splitlines()
    line = next((i for i, (a, b) in enumerate(zip(have, want)) if a != b), min(len(have), len(want))) + 1
    if line <= len(want):
        detail = f"dòng {line} cần là \"{want[line - 1]}\"" if want[line - 1] else f"dòng {line} cần để trống"
    elif line <= len(have):
        detail = f"từ dòng {line} trở đi là thừa"
    else:
        line, detail = max(len(have), 1), "khác ở cuối tệp (dấu xuống dòng)"
    return [Problem(rel, line, "E418", {"path": rel, "detail": detail})]


def write_codeowners(root: Path, registry) -> Path:
    target = Path(root) / codeowners_path(registry)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(codeowners_text(registry), encoding="utf-8")
    return target


def main(argv=None) -> int:
    from unit_registry import load

    parser = argparse.ArgumentParser(prog="python -m review.codeowners", description="Tạo tệp CODEOWNERS từ units/.")
    parser.add_argument("--root", default=".", help="thư mục gốc của kho nội dung")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    registry = load(root)
    for problem in registry.problems:
        if problem.is_error:
            print(problem, file=sys.stderr)
    target = write_codeowners(root, registry)
    print(f"Đã ghi {target.relative_to(root)}: hãy commit tệp này cùng thay đổi của units/.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
