"""`make import-pending`: the Word files waiting in ``content/<unit-id>/word/`` become
articles, committed on the current branch (the pull-request path).

A teacher uploads a .docx into ``content/<unit-id>/word/`` (the web editor's "Gửi tệp
Word" collection, or the git host's upload page).  CI runs this on the pull request:
each document is imported for the unit of its folder, the Word file and the web
editor's entry file beside it (``<name>.yml``: ``file``, and maybe ``title``, ``author``)
are removed, one commit holds it all, and a short summary of what is still to do goes to
stdout and, on GitHub, to the job summary (``$GITHUB_STEP_SUMMARY``).  A file it refuses
stays where it is and is named in the summary; the exit status is then 1 (after the
commit of the others).
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from article_reader.source import WORD_ENTRY_EXTENSIONS
from lined_yaml import YamlError, parse
from unit_registry import load

from .article import Hint, Importer, UnitError, Written
from .messages import refusal
from .opening import Refused, is_word_file

DEFAULT_COMMITTER = ("Nhập tệp Word", "nhap-tep-word@localhost")


@dataclass
class Outcome:
    written: list[Written] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)   # (repository path, message)
    removed: list[str] = field(default_factory=list)               # repository paths


class GitError(Exception):
    pass


def _git(root: Path, *args: str, env: dict | None = None) -> str:
    proc = subprocess.run(["git", "-C", str(root), "-c", "core.quotepath=off", *args], capture_output=True,
                          text=True, env=env)
    if proc.returncode != 0:
        raise GitError(proc.stderr.strip() or f"git {args[0]} thất bại")
    return proc.stdout


def _entry(path: Path, unit_root: Path) -> tuple[Path | None, Hint, str]:
    """(the Word file an entry file names, its hints, a problem with it or "")."""
    try:
        data = parse(path.read_text(encoding="utf-8", errors="replace"))
    except YamlError as exc:
        return None, Hint(), f"tệp mục không đọc được (dòng {exc.line}: {exc.detail})"
    if not isinstance(data, dict):
        return None, Hint(), "tệp mục không có dòng 'file: ...'"
    named = str(data.get("file") or data.get("docx") or "").strip()
    hint = Hint(title=str(data.get("title") or "").strip(), author=str(data.get("author") or "").strip())
    if not named:
        return None, hint, "tệp mục không có dòng 'file: ...'"
    if named.startswith("/"):
        target = unit_root / named.lstrip("/")
    elif named.startswith("content/"):
        target = unit_root.parent.parent / named
    else:
        target = path.parent / named
    target = Path(os.path.normpath(target))
    if not str(target).startswith(str(unit_root) + os.sep):
        return None, hint, f"tệp \"{named}\" nằm ngoài thư mục của đơn vị"
    return target, hint, ""


def _key(path: Path) -> str:
    """A path as compared with the one an entry file names (a Mac writes names in NFD)."""
    return unicodedata.normalize("NFC", str(path))


def import_waiting(root: Path, soffice: str | None) -> Outcome:
    """Import every Word file waiting in content/*/word/; remove what was imported."""
    registry = load(root)
    outcome = Outcome()
    content = root / "content"
    for word_dir in sorted(content.glob("*/word")) if content.is_dir() else ():
        if not word_dir.is_dir():
            continue
        unit_root = word_dir.parent
        files = sorted(p for p in word_dir.iterdir() if p.is_file())
        documents = [p for p in files if is_word_file(p)]
        entries = [p for p in files if p.suffix.lower()[1:] in WORD_ENTRY_EXTENSIONS]
        if not documents and not entries:
            continue
        rel = lambda p: p.relative_to(root).as_posix()  # noqa: E731
        try:
            importer = Importer(root, registry, unit_root.name, soffice)
        except UnitError as exc:
            outcome.refused.extend((rel(p), str(exc)) for p in documents)
            continue
        hints, entry_of = {}, {}
        waiting = {_key(p) for p in documents}
        for entry in entries:
            target, hint, problem = _entry(entry, unit_root)
            if target is not None and _key(target) in waiting:
                hints[_key(target)], entry_of[_key(target)] = hint, entry
            else:
                outcome.refused.append((rel(entry), problem or f"không có tệp Word \"{rel(target)}\" mà tệp mục này nhắc tới"))
        jobs = [(path, hints.get(_key(path)), rel(path)) for path in documents]
        for (path, _, shown), (_, result) in zip(jobs, importer.import_files(jobs)):
            if isinstance(result, Refused):
                outcome.refused.append((shown, refusal(result.key, **result.args_)))
                continue
            outcome.written.append(result)
            outcome.removed.append(shown)
            if _key(path) in entry_of:
                outcome.removed.append(rel(entry_of[_key(path)]))
    return outcome


def _identity(root: Path, word_file: str) -> dict:
    """Author: whoever committed the Word file; committer: git's own settings, else a default."""
    env = dict(os.environ)
    try:
        author = _git(root, "log", "-1", "--format=%an%x00%ae", "--", word_file).strip()
    except GitError:
        author = ""
    if "\0" in author:
        env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = author.split("\0", 1)
    for key, fallback in (("user.name", DEFAULT_COMMITTER[0]), ("user.email", DEFAULT_COMMITTER[1])):
        try:
            configured = _git(root, "config", key).strip()
        except GitError:
            configured = ""
        if not configured:
            kind = "NAME" if key == "user.name" else "EMAIL"
            env.setdefault(f"GIT_COMMITTER_{kind}", fallback)
            env.setdefault(f"GIT_AUTHOR_{kind}", fallback)
    return env


def commit(root: Path, outcome: Outcome) -> str:
    """Remove the imported Word files, commit them with the new files; the commit's hash."""
    removed_tracked = []
    for rel in outcome.removed:
        tracked = subprocess.run(["git", "-C", str(root), "ls-files", "--error-unmatch", "--", rel],
                                 capture_output=True).returncode == 0
        if tracked:
            _git(root, "rm", "-q", "--", rel)
            removed_tracked.append(rel)
        else:
            (root / rel).unlink(missing_ok=True)
    added = [w.article for w in outcome.written] + [p for w in outcome.written for p in w.photos]
    _git(root, "add", "--", *added)
    lines = [f"Nhập tệp Word: {len(outcome.written)} bài viết", ""]
    for written in outcome.written:
        lines.append(f"- {written.source} → {written.article} ({len(written.photos)} ảnh)")
    if outcome.refused:
        lines += ["", "Chưa nhập được (tệp vẫn để nguyên):"]
        lines += [f"- {path}: {message}" for path, message in outcome.refused]
    env = _identity(root, outcome.removed[0] if outcome.removed else "")
    _git(root, "commit", "-q", "-m", "\n".join(lines), "--", *added, *removed_tracked, env=env)
    return _git(root, "rev-parse", "--short", "HEAD").strip()


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def summary(outcome: Outcome, commit_id: str = "") -> str:
    """What was imported and what is still to do, in Vietnamese Markdown (for the job summary)."""
    lines = ["### Nhập tệp Word", ""]
    if not outcome.written and not outcome.refused:
        return "\n".join(lines + ["Không có tệp Word nào đang chờ trong `content/*/word/`.", ""])
    for written in outcome.written:
        things = [_code(str(p)) for p in written.problems] + written.notes
        lines.append(f"- {_code(written.source)} → {_code(written.article)}, {len(written.photos)} ảnh"
                     + ("; còn phải làm:" if things else "; không thấy lỗi."))
        lines += [f"  - {thing}" for thing in things]
    for path, message in outcome.refused:
        lines.append(f"- {_code(path)}: **chưa nhập được** — {message} (tệp vẫn để nguyên trong thư mục word/)")
    if commit_id:
        lines += ["", f"Bài viết và ảnh đã được commit vào nhánh này ({commit_id}); tệp Word đã nhập được xóa khỏi thư mục word/."]
    lines += ["", "Sửa các dòng trên trong bài viết (ghi chú thích ảnh, người duyệt...) rồi commit tiếp vào nhánh này.", ""]
    return "\n".join(lines)


def run(root: Path, soffice: str | None) -> int:
    try:
        _git(root, "rev-parse", "--git-dir")
    except GitError:
        print(f"{root}: không phải một kho git; make import-pending cần kho git để commit bài viết "
              "(muốn nhập một tệp thì dùng: make import DOCX=<tệp> UNIT=<mã đơn vị>)", file=sys.stderr)
        return 2
    outcome = import_waiting(root, soffice)
    commit_id = ""
    if outcome.written:
        try:
            commit_id = commit(root, outcome)
        except GitError as exc:
            print(f"Không commit được bài viết đã nhập: {exc}", file=sys.stderr)
            return 2
    text = summary(outcome, commit_id)
    print(text)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as out:
            out.write(text + "\n")
    return 1 if outcome.refused else 0
