"""The history walk (contract section 6): which article is published at which commit.

One pass over the first-parent history of HEAD, oldest first, driven from
``git log --first-parent --diff-merges=first-parent --raw -z -M`` (what each
first-parent commit changed against its first parent, renames followed) and
``git cat-file --batch`` (the changed article and unit files).  At every
commit the walk re-decides only what the commit can have changed:

* a changed article (re-read with ``article_reader.read_source``);
* articles of units whose file changed (approvers), all articles when the
  province file changed (time zone);
* articles referencing an image that appeared or disappeared;
* articles sharing a slug with an article whose slug changed (E105).

An article is published at a commit when it is present, has no error from
``read_source``, its unit is in the registry of that commit, ``approved_by``
names one of the unit's approvers (``publication.approval_problems``), it is
not a draft, its slug is unique among the unit's articles and every image it
references is a file of the tree.  Its date only enters the publication time
(``max(date, start of the last published run)``).

The result, a :class:`History`, holds for every article "identity" (a file
followed through renames, from its creation to its deletion) its versions
and its published runs, by commit index, so any as-of day can be answered
from it.  It is cached under ``<root>/cache/quota/`` keyed by HEAD; a later
run with new commits on top reads only those commits.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
import subprocess
import tempfile
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from article_reader import content_kind

CACHE_FORMAT = 1
EMPTY = "0" * 40


class GitError(Exception):
    """Not a git repository, a shallow clone, or git failing: the count would be wrong."""


# -- reading one article version ---------------------------------------------------------

_UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Parsed:
    """What the walk needs from one article file (path, blob); independent of the registry."""

    unit: str | None
    slug: str
    errors: bool            # an error from read_source
    draft: bool
    approved_by: str
    approved_on: str | None
    local_date: tuple | None  # naive local (y, m, d, H, M, S) from the front matter
    send_to_so: bool
    images: tuple           # resolved repository paths of local images
    n_images: int           # body images + featured


def parse_article(path: str, text: str) -> Parsed:
    from article_reader import read_source
    from problems import has_errors

    source = read_source(path, text, _UTC)
    date = source.date
    local = None if date is None else (date.year, date.month, date.day, date.hour, date.minute, date.second)
    fields = source.fields
    return Parsed(
        unit=source.unit, slug=source.slug, errors=has_errors(source.problems),
        draft=fields.get("status") == "draft", approved_by=fields.get("approved_by") or "",
        approved_on=fields.get("approved_on"), local_date=local,
        send_to_so=bool(fields.get("send_to_so")),
        images=tuple(sorted({i.path for i in source.images if i.path})),
        n_images=len(source.images),
    )


def _parse_many(items):
    return [parse_article(path, text) for path, text in items]


def is_article(path: str) -> bool:
    """content/<unit>/**/*.md that the build reads as an article (not a page, not hidden)."""
    return content_kind(path) == "article" and path.count("/") >= 2


# -- git ------------------------------------------------------------------------------------

def git(root, *args, input_bytes=None) -> bytes:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, input=input_bytes)
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip())
    return proc.stdout


def check_repository(root) -> str:
    """HEAD's sha; GitError with a Vietnamese explanation when the history cannot be trusted."""
    try:
        proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel",
                               "--is-shallow-repository"], capture_output=True, text=True)
    except OSError:
        raise GitError("không tìm thấy chương trình git: cài git rồi chạy lại") from None
    if proc.returncode != 0:
        raise GitError(
            f"{root} không phải một kho git: số bài trong định mức được tính từ lịch sử commit. "
            "Hãy chạy lệnh trong bản sao (git clone) của kho nội dung, không phải trong bản tải về dạng .zip.")
    lines = proc.stdout.splitlines()
    if not lines or Path(lines[0]).resolve() != Path(root).resolve():
        raise GitError(
            f"{root} không phải thư mục gốc của một kho git (thư mục gốc là {lines[0] if lines else '?'}): "
            "số bài trong định mức được tính từ lịch sử commit của chính kho nội dung. "
            "Hãy chạy lệnh ở thư mục gốc của bản sao (git clone) kho nội dung.")
    if len(lines) > 1 and lines[1] == "true":
        raise GitError(
            "kho git này là bản sao nông (shallow clone), thiếu lịch sử commit nên không tính được định mức. "
            "Chạy 'git fetch --unshallow' (hoặc clone đầy đủ); trên CI đặt fetch-depth: 0 "
            "(GitHub Actions: actions/checkout với fetch-depth: 0; GitLab: GIT_DEPTH: 0).")
    try:
        return git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}").decode().strip()
    except GitError:
        return ""  # a repository without commits: nothing is published yet


def read_log(root, since: str | None, head: str):
    """[(sha, committer unix time, [(status, old, new, blob)])], oldest first."""
    rev = f"{since}..{head}" if since else head
    out = git(root, "-c", "diff.renameLimit=20000", "log", "--first-parent", "--diff-merges=first-parent",
              "--raw", "-z", "--no-abbrev", "-M", "--reverse", "--format=%x01%H %ct", rev, "--")
    commits = []
    for chunk in out.split(b"\x01")[1:]:
        header, _, rest = chunk.partition(b"\0")
        sha, ct = header.decode().split()
        tokens = rest.lstrip(b"\n").split(b"\0")
        changes = []
        i = 0
        while i < len(tokens):
            meta = tokens[i]
            if not meta.startswith(b":"):
                i += 1
                continue
            fields = meta[1:].decode().split()
            status, blob = fields[4][0], fields[3]
            if status in "RC":
                old, new = tokens[i + 1].decode("utf-8", "surrogateescape"), tokens[i + 2].decode("utf-8", "surrogateescape")
                i += 3
            else:
                old = new = tokens[i + 1].decode("utf-8", "surrogateescape")
                i += 2
            changes.append((status, old, new, blob))
        commits.append((sha, int(ct), changes))
    return commits


def read_blobs(root, shas) -> dict[str, bytes]:
    shas = list(dict.fromkeys(shas))
    if not shas:
        return {}
    out = git(root, "cat-file", "--batch", input_bytes=("\n".join(shas) + "\n").encode())
    result, pos = {}, 0
    for sha in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if len(header) < 3 or header[1] != b"blob":
            pos = end + 1
            continue
        size = int(header[2])
        result[sha] = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return result


# -- the registry at a commit ---------------------------------------------------------------

def registry_from_blobs(files: dict[str, bytes]):
    """unit_registry.load() on units/*.yml as they are at a commit (a temporary folder)."""
    import unit_registry

    with tempfile.TemporaryDirectory(prefix="quota-units-") as tmp:
        folder = Path(tmp, "units")
        folder.mkdir()
        for path, data in files.items():
            Path(tmp, path).write_bytes(data)
        return unit_registry.load(tmp)


class _AnyLine(dict):
    def __missing__(self, key):
        return 1


def _approval_ok(parsed: Parsed, unit, path: str) -> bool:
    from publication import approval_problems
    from problems import has_errors

    stub = SimpleNamespace(path=path, lines=_AnyLine(),
                           fields={"approved_by": parsed.approved_by, "approved_on": parsed.approved_on})
    return not has_errors(approval_problems(stub, unit))


# -- the walk -------------------------------------------------------------------------------

@dataclass
class Identity:
    """One article followed through renames, from creation to deletion."""

    versions: list = field(default_factory=list)  # (commit index, path|None, unit, date_ts|None, send, n_images)
    runs: list = field(default_factory=list)      # [start index, end index|None] of published runs


@dataclass
class History:
    head: str = ""
    shas: list = field(default_factory=list)
    times: list = field(default_factory=list)       # committer unix times, by index
    identities: list = field(default_factory=list)  # Identity
    # walk state, to resume at the next commit
    by_path: dict = field(default_factory=dict)     # article path -> identity index
    parsed: dict = field(default_factory=dict)      # article path -> Parsed
    published: dict = field(default_factory=dict)   # article path -> bool
    files: set = field(default_factory=set)         # content/ files present (images)
    image_refs: dict = field(default_factory=dict)  # image path -> article paths
    slugs: dict = field(default_factory=dict)       # (unit, slug) -> article paths
    unit_blobs: dict = field(default_factory=dict)  # units/*.yml path -> blob sha
    unit_texts: dict = field(default_factory=dict)  # blob sha -> bytes
    registries: list = field(default_factory=list)  # (from index, Registry)

    def registry_at(self, index: int):
        """The units registry as of commit ``index`` (None before any)."""
        starts = [start for start, _ in self.registries]
        position = bisect_right(starts, index) - 1
        return self.registries[position][1] if position >= 0 else None

    def as_of_index(self, cutoff_ts: float) -> int:
        """The last first-parent commit whose committer time is <= cutoff; -1 if none."""
        for index in range(len(self.times) - 1, -1, -1):
            if self.times[index] <= cutoff_ts:
                return index
        return -1

    def state_at(self, index: int):
        """[(path, unit, publication time ts, send_to_so, n_images)] of articles published at ``index``."""
        result = []
        if index < 0:
            return result
        times = self.times
        for ident in self.identities:
            versions = ident.versions
            if not versions or versions[0][0] > index:
                continue
            position = len(versions) - 1
            while versions[position][0] > index:
                position -= 1
            _, path, unit, date_ts, send, n_images = versions[position]
            if path is None or date_ts is None:
                continue
            for start, end in reversed(ident.runs):
                if start <= index and (end is None or index < end):
                    result.append((path, unit, max(date_ts, times[start]), send, n_images))
                    break
                if start <= index:
                    break
        return result


class Walker:
    def __init__(self, root, history: History, workers: int = 1):
        self.root = root
        self.h = history
        self.workers = workers
        self.registry = history.registries[-1][1] if history.registries else None
        self.zone = self.registry.province.zone if self.registry else ZoneInfo("Asia/Ho_Chi_Minh")

    # parse every changed article version up front (in parallel when large)
    def _prefetch(self, commits):
        wanted = {}
        unit_shas = []
        for _, _, changes in commits:
            for status, old, new, blob in changes:
                if status == "D":
                    continue
                if is_article(new):
                    wanted[(new, blob)] = None
                elif new.startswith("units/") and new.endswith(".yml") and new.count("/") == 1:
                    unit_shas.append(blob)
        blobs = read_blobs(self.root, [b for _, b in wanted] + unit_shas)
        for sha in unit_shas:
            if sha in blobs:
                self.h.unit_texts[sha] = blobs[sha]
        items = [(path, blobs.get(blob, b"").decode("utf-8", "replace")) for path, blob in wanted]
        if self.workers > 1 and len(items) > 2000:
            from concurrent.futures import ProcessPoolExecutor
            size = max(200, len(items) // (self.workers * 8))
            chunks = [items[i:i + size] for i in range(0, len(items), size)]
            with ProcessPoolExecutor(self.workers) as pool:
                results = [p for chunk in pool.map(_parse_many, chunks) for p in chunk]
        else:
            results = _parse_many(items)
        return {key: parsed for key, parsed in zip(wanted, results)}

    def walk(self, commits) -> None:
        parsed_by_key = self._prefetch(commits)
        h = self.h
        for sha, ct, changes in commits:
            index = len(h.shas)
            h.shas.append(sha)
            h.times.append(ct)
            dirty: set[str] = set()
            units_changed = False
            for status, old, new, blob in changes:
                if old.startswith("units/") or new.startswith("units/"):
                    if status in "DR" and old in h.unit_blobs:
                        del h.unit_blobs[old]
                        units_changed = True
                    if status != "D" and new.startswith("units/") and new.endswith(".yml") and new.count("/") == 1:
                        h.unit_blobs[new] = blob
                        units_changed = True
                if not (old.startswith("content/") or new.startswith("content/")):
                    continue
                if status in "DR":
                    h.files.discard(old)
                    dirty |= h.image_refs.get(old, set())
                if status != "D":
                    h.files.add(new)
                    dirty |= h.image_refs.get(new, set())
                old_article, new_article = is_article(old), is_article(new)
                if status == "R" and old_article and new_article and old in h.by_path:
                    self._forget(old, dirty)
                    h.by_path[new] = h.by_path.pop(old)
                    h.published[new] = h.published.pop(old, False)
                    self._learn(new, parsed_by_key[(new, blob)], dirty)
                    continue
                if status in "DR" and old_article and old in h.by_path:
                    self._forget(old, dirty)
                    ident = h.identities[h.by_path.pop(old)]
                    if h.published.pop(old, False):
                        ident.runs[-1][1] = index
                    ident.versions.append((index, None, None, None, False, 0))
                    dirty.discard(old)
                if status != "D" and new_article:
                    if new in h.by_path:
                        self._forget(new, dirty)
                    else:
                        h.by_path[new] = len(h.identities)
                        h.identities.append(Identity())
                        h.published[new] = False
                    self._learn(new, parsed_by_key[(new, blob)], dirty)
            if units_changed:
                dirty |= self._reload_registry(index)
            for path in dirty:
                if path in h.by_path:
                    self._evaluate(path, index)

    def _forget(self, path: str, dirty: set) -> None:
        parsed = self.h.parsed.pop(path, None)
        if parsed is None:
            return
        for image in parsed.images:
            refs = self.h.image_refs.get(image)
            if refs:
                refs.discard(path)
                if not refs:
                    del self.h.image_refs[image]
        group = self.h.slugs.get((parsed.unit, parsed.slug))
        if group is not None:
            group.discard(path)
            dirty |= group
            if not group:
                del self.h.slugs[(parsed.unit, parsed.slug)]

    def _learn(self, path: str, parsed: Parsed, dirty: set) -> None:
        self.h.parsed[path] = parsed
        for image in parsed.images:
            self.h.image_refs.setdefault(image, set()).add(path)
        group = self.h.slugs.setdefault((parsed.unit, parsed.slug), set())
        group.add(path)
        dirty |= group

    def _reload_registry(self, index: int) -> set:
        h = self.h
        files = {path: h.unit_texts[sha] for path, sha in h.unit_blobs.items() if sha in h.unit_texts}
        missing = [sha for sha in h.unit_blobs.values() if sha not in h.unit_texts]
        if missing:
            h.unit_texts.update(read_blobs(self.root, missing))
            files = {path: h.unit_texts[sha] for path, sha in h.unit_blobs.items() if sha in h.unit_texts}
        new = registry_from_blobs(files)
        old = self.registry
        h.registries.append((index, new))
        self.registry = new
        if old is None or old.province.timezone != new.province.timezone:
            self.zone = new.province.zone
            return set(h.by_path)
        changed = {uid for uid in set(old.units) | set(new.units)
                   if (old.units.get(uid) is None) != (new.units.get(uid) is None)
                   or (uid in old.units and old.units[uid].approver_names() != new.units[uid].approver_names())}
        if not changed:
            return set()
        return {path for path, parsed in h.parsed.items() if parsed.unit in changed}

    def _evaluate(self, path: str, index: int) -> None:
        h = self.h
        parsed = h.parsed[path]
        ident = h.identities[h.by_path[path]]
        unit = self.registry.units.get(parsed.unit) if self.registry and parsed.unit else None
        date_ts = None
        if parsed.local_date is not None:
            date_ts = dt.datetime(*parsed.local_date, tzinfo=self.zone).timestamp()
        published = (unit is not None and not parsed.errors and not parsed.draft
                     and date_ts is not None
                     and len(h.slugs.get((parsed.unit, parsed.slug), ())) == 1
                     and all(image in h.files for image in parsed.images)
                     and _approval_ok(parsed, unit, path))
        version = (index, path, parsed.unit, date_ts, parsed.send_to_so, parsed.n_images)
        if not ident.versions or ident.versions[-1][1:] != version[1:]:
            if ident.versions and ident.versions[-1][0] == index:
                ident.versions[-1] = version
            else:
                ident.versions.append(version)
        was = h.published.get(path, False)
        if published and not was:
            ident.runs.append([index, None])
        elif was and not published:
            if ident.runs[-1][0] == index:
                ident.runs.pop()
            else:
                ident.runs[-1][1] = index
        h.published[path] = published


# -- cache ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _code_version() -> str:
    """Hash of the code that decides what is published (once per process: the loaded code)."""
    digest = hashlib.sha256(str(CACHE_FORMAT).encode())
    plugins = Path(__file__).resolve().parent.parent
    for package in ("quota", "article_reader", "publication", "unit_registry", "lined_yaml", "dates", "problems"):
        for path in sorted((plugins / package).glob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _cache_dir(root) -> Path:
    return Path(root, "cache", "quota")


def load_history(root, workers: int | None = None, use_cache: bool = True) -> History:
    """The walk up to HEAD: from the cache, extended by new commits, or from scratch."""
    head = check_repository(root)
    if not head:
        return History()
    version = _code_version()
    folder = _cache_dir(root)
    history = None
    if use_cache:
        exact = folder / f"{version}-{head}.pickle"
        if exact.exists():
            try:
                with open(exact, "rb") as handle:
                    return pickle.load(handle)
            except Exception:
                pass
        history = _resumable(root, folder, version, head)
    since = history.head if history else None
    history = history or History()
    commits = read_log(root, since, head)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    Walker(root, history, workers).walk(commits)
    history.head = head
    if use_cache:
        _save(folder, version, history)
    return history


def _resumable(root, folder: Path, version: str, head: str) -> History | None:
    if not folder.is_dir():
        return None
    candidates = sorted(folder.glob(f"{version}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    if not candidates:
        return None
    first_parents = None
    for candidate in candidates[:3]:
        sha = candidate.stem.split("-", 1)[1]
        if first_parents is None:
            first_parents = set(git(root, "rev-list", "--first-parent", head).decode().split())
        if sha not in first_parents:
            continue
        try:
            with open(candidate, "rb") as handle:
                return pickle.load(handle)
        except Exception:
            continue
    return None


def _save(folder: Path, version: str, history: History) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{version}-{history.head}.pickle"
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(history, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        for old in folder.glob("*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass
