"""The history walk (contract section 6): which article is published at which commit.

One pass over the first-parent history of HEAD, oldest first, driven from
``git log --first-parent --diff-merges=first-parent --raw -z -M`` (what each
first-parent commit changed against its first parent, renames followed) and
``git cat-file --batch`` (the changed article and unit files).  At every
commit the walk re-decides only what the commit can have changed:

* a changed article (re-read with ``article_reader.read_source``);
* articles of units whose file changed (approvers), all articles when the
  province file changed (time zone);
* articles referencing an image that appeared, changed or disappeared;
* articles sharing a slug with an article whose slug changed (E105).

An article is published at a commit when it is present, has no error from
``read_source``, its unit is in the registry of that commit, it passes
``publication.unit_problems`` there (``approved_by`` names one of the unit's
approvers; its date is not after the unit's ``retired_on``), it is not a
draft, its slug is unique among the unit's articles and every image it
references is a usable image of its unit at that commit: ``image_assets.examine``
(the build's rule) finds no error in the blob, and a symbolic link leads, inside
the unit's folder, to such a file (the build's rule, ``files.inside_unit``, on
the committed tree: a link's target is read from its blob).  Its date only enters the publication time
(``max(date, start of the last published run)``).  Paths are compared in NFC,
as the build compares them (a Mac commits NFD file names).

The result, a :class:`History`, holds for every article "identity" (a file
followed through renames, from its creation to its deletion) its versions
and its published runs, by commit index, so any as-of day can be answered
from it.  It is cached under ``<root>/cache/quota/`` keyed by HEAD; a later
run with new commits on top reads only those commits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import io
import marshal
import os
import posixpath
import pickle
import subprocess
import tempfile
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple
from zoneinfo import ZoneInfo

CACHE_FORMAT = 4
MAX_SEGMENTS = 32  # files the cached walk state may be spread over before it is written whole again
PARSE_CHUNK = 2500  # article versions per job of a worker process


class GitError(Exception):
    """Not a git repository, a shallow clone, or git failing: the count would be wrong."""


@contextlib.contextmanager
def collector_paused():
    """Building or dumping a million small containers: the cyclic collector would only rescan them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- reading one article version ---------------------------------------------------------

_UTC = ZoneInfo("UTC")


class Parsed(NamedTuple):
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


def parse_article(path: str, data: bytes) -> Parsed:
    """One committed version, read by ``article_reader.read_bytes`` as the build reads the file."""
    from article_reader.source import read_bytes
    from problems import has_errors

    source = read_bytes(path, data, _UTC)
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


def parse_versions(root, keys) -> list[Parsed]:
    """[(path, blob sha)] -> their Parsed, in order (run in a worker process for large histories)."""
    blobs = read_blobs(root, [blob for _, blob in keys])
    return [parse_article(path, blobs.get(blob, b"")) for path, blob in keys]


def is_article(path: str) -> bool:
    """content/<unit>/**/*.md that the build reads as an article (not a page, not hidden)."""
    from article_reader import content_kind

    return path.endswith(".md") and content_kind(path) == "article" and path.count("/") >= 2  # images: no call


def is_unit_file(path: str) -> bool:
    return path.startswith("units/") and path.endswith(".yml") and path.count("/") == 1


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
        # the folder's name, not its path: the message is also shown on the quota page
        raise GitError(
            f"thư mục {Path(root).resolve().name}/ không phải một kho git: số bài trong định mức được tính từ lịch sử commit. "
            "Hãy chạy lệnh trong bản sao (git clone) của kho nội dung, không phải trong bản tải về dạng .zip.")
    lines = proc.stdout.splitlines()
    if not lines or Path(lines[0]).resolve() != Path(root).resolve():
        raise GitError(
            f"thư mục {Path(root).resolve().name}/ không phải thư mục gốc của một kho git "
            f"(thư mục gốc là {Path(lines[0]).name if lines else '?'}/): "
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
    """Yield (sha, committer unix time, [(status, old, new, blob, new side is a symbolic link)]),
    oldest first, while git prints them; paths in NFC."""
    from article_reader import nfc

    rev = f"{since}..{head}" if since else head
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            ["git", "-C", str(root), "-c", "diff.renameLimit=20000", "log", "--first-parent",
             "--diff-merges=first-parent", "--raw", "-z", "--no-abbrev", "-M", "--reverse",
             "--format=%x01%H %ct", rev, "--"], stdout=subprocess.PIPE, stderr=errors)
        tail = b""
        for block in iter(lambda: proc.stdout.read(1 << 20), b""):
            chunks = (tail + block).split(b"\x01")
            tail = chunks.pop()
            yield from (_log_entry(chunk, nfc) for chunk in chunks if chunk)
        if proc.wait() != 0:
            errors.seek(0)
            raise GitError(errors.read().decode("utf-8", "replace").strip())
        if tail:
            yield _log_entry(tail, nfc)


def _log_entry(chunk: bytes, nfc):
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
        status, blob, link = fields[4][0], fields[3], fields[1] == "120000"
        if status in "RC":
            old = nfc(tokens[i + 1].decode("utf-8", "surrogateescape"))
            new = nfc(tokens[i + 2].decode("utf-8", "surrogateescape"))
            i += 3
        else:
            old = new = nfc(tokens[i + 1].decode("utf-8", "surrogateescape"))
            i += 2
        changes.append((status, old, new, blob, link))
    return sha, int(ct), changes


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


def is_first_parent_descendant(root, since: str, head: str) -> bool:
    """Whether ``since`` is on the first-parent history of ``head`` (then only since..head is new)."""
    try:
        lines = git(root, "rev-list", "--first-parent", "--parents", f"{since}..{head}").split(b"\n")
    except GitError:
        return False
    lines = [line.split() for line in lines if line]
    return not lines or (len(lines[-1]) > 1 and lines[-1][1].decode() == since)


# -- the registry at a commit ---------------------------------------------------------------

def registry_from_blobs(blob_map: dict[str, str], texts: dict[str, bytes], parsed: dict | None = None):
    """unit_registry on units/*.yml as they are at a commit ({path: blob sha}, {blob sha: content})."""
    import unit_registry

    files = {path[len("units/"):]: texts[sha] for path, sha in blob_map.items() if sha in texts}
    return unit_registry.load_files(files, parsed)


class _AnyLine(dict):
    def __missing__(self, key):
        return 1


def _unit_allows(parsed: Parsed, unit, path: str, zone) -> bool:
    """No error from ``publication.unit_problems`` (approval, retirement) under ``unit``."""
    from publication import unit_problems
    from problems import has_errors

    date = None if parsed.local_date is None else dt.datetime(*parsed.local_date, tzinfo=zone)
    stub = SimpleNamespace(path=path, lines=_AnyLine(), date=date,
                           fields={"approved_by": parsed.approved_by, "approved_on": parsed.approved_on})
    return not has_errors(unit_problems(stub, unit))


def _publishing_terms(unit) -> tuple:
    """What of a unit's file ``publication.unit_problems`` reads: a change re-decides its articles."""
    return unit.approver_names(), unit.retired_on


# -- the walk -------------------------------------------------------------------------------

def partition_of(path: str) -> str:
    """The part of the walk state that holds ``path``: its unit's folder (content/<unit>/...).

    An article, its slug group, its unit's list and every image it may reference
    (read_source resolves images inside the article's unit folder) share one part.
    """
    parts = path.split("/", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "content" else ""


@dataclass
class WalkState:
    """What the walk needs to go on at the next commit, kept in parts by unit folder.

    A resumed walk loads a part (``loader``) only when a commit touches it, so one new
    commit reads a few parts of the state rather than all of it; only loaded parts
    can have changed, so only they are written again.
    """

    by_path: dict = field(default_factory=dict)     # article path -> identity index
    parsed: dict = field(default_factory=dict)      # article path -> Parsed
    # content/ files present: path -> (blob, a symbolic link?, usable as an image: None until asked)
    files: dict = field(default_factory=dict)
    unit_blobs: dict = field(default_factory=dict)  # units/*.yml path -> blob sha
    # indexes of ``parsed``
    image_refs: dict = field(default_factory=dict)  # image path -> article paths
    slugs: dict = field(default_factory=dict)       # (unit, slug) -> article paths
    by_unit: dict = field(default_factory=dict)     # unit -> article paths
    loader: PartReader | None = None  # None: every part is here
    loaded: set = field(default_factory=set)        # parts read through ``loader``

    def ensure(self, parts) -> None:
        """Read the parts not yet here (a part of a unit with nothing stored is an empty part)."""
        if self.loader is None:
            return
        with collector_paused():
            for part in set(parts) - self.loaded:
                self.loaded.add(part)
                data = self.loader(part)
                if data is None:
                    continue
                by_path, parsed, files, image_refs, slugs, by_unit = data
                self.by_path.update(by_path)
                self.parsed.update((path, Parsed._make(fields)) for path, fields in parsed)
                self.files.update((path, (blob, link, usable)) for path, blob, link, usable in files)
                self.image_refs.update((image, set(paths)) for image, paths in image_refs)
                self.slugs.update((key, set(paths)) for key, paths in slugs)
                self.by_unit.update((unit, set(paths)) for unit, paths in by_unit)

    def ensure_all(self) -> None:
        """Read every stored part: the state is then whole."""
        if self.loader is not None:
            self.ensure(self.loader.names)
            self.loader.close()
            self.loader = None

    def close(self) -> None:
        """No more parts will be read."""
        if self.loader is not None:
            self.loader.close()

    def learn(self, path: str, parsed: Parsed) -> set:
        """Record ``parsed`` as the version of ``path``; the paths now sharing its slug."""
        self.parsed[path] = parsed
        for image in parsed.images:
            self.image_refs.setdefault(image, set()).add(path)
        self.by_unit.setdefault(parsed.unit, set()).add(path)
        group = self.slugs.setdefault((parsed.unit, parsed.slug), set())
        group.add(path)
        return group

    def forget(self, path: str) -> set:
        """Drop the version of ``path``; the paths that shared its slug."""
        parsed = self.parsed.pop(path, None)
        if parsed is None:
            return set()
        for image in parsed.images:
            refs = self.image_refs.get(image)
            if refs:
                refs.discard(path)
                if not refs:
                    del self.image_refs[image]
        self.by_unit[parsed.unit].discard(path)
        group = self.slugs.get((parsed.unit, parsed.slug))
        if group is None:
            return set()
        group.discard(path)
        if not group:
            del self.slugs[(parsed.unit, parsed.slug)]
        return group

    def dump_parts(self) -> dict:
        """part -> marshal bytes of its entries, for every part here (a loaded part left empty too).

        The indexes are stored as well: marshal reads them back ~4x faster than learn()
        rebuilds them.  Sets go as lists: marshal sorts a set's items when it writes it.
        """
        parts = {part: ([], [], [], [], [], []) for part in self.loaded}

        def of(part):
            found = parts.get(part)
            if found is None:
                found = parts[part] = ([], [], [], [], [], [])
            return found

        for path, identity in self.by_path.items():
            of(partition_of(path))[0].append((path, identity))
        for path, parsed in self.parsed.items():
            of(partition_of(path))[1].append((path, tuple(parsed)))
        for path, (blob, link, usable) in self.files.items():
            of(partition_of(path))[2].append((path, blob, link, usable))
        for image, paths in self.image_refs.items():
            of(partition_of(image))[3].append((image, list(paths)))
        for key, paths in self.slugs.items():
            of(key[0])[4].append((key, list(paths)))
        for unit, paths in self.by_unit.items():
            of(unit)[5].append((unit, list(paths)))
        return {name: marshal.dumps(part) for name, part in parts.items()}


class PartReader:
    """Reads parts of a cached walk state: ``index`` maps a part to (segment file, offset, length).

    The segments are opened at once: another run that removes them meanwhile (``_save``)
    leaves them readable here.
    """

    def __init__(self, folder: Path, index: dict):
        self.index = index
        self.handles: dict = {}
        try:
            for segment in {segment for segment, _, _ in index.values()}:
                self.handles[segment] = open(folder / segment, "rb")
        except OSError:
            self.close()
            raise

    @property
    def names(self):
        return self.index.keys()

    def __call__(self, part: str):
        where = self.index.get(part)
        if where is None:
            return None
        segment, offset, length = where
        handle = self.handles[segment]
        handle.seek(offset)
        return marshal.loads(handle.read(length))

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


@dataclass
class History:
    head: str = ""
    shas: list = field(default_factory=list)
    times: list = field(default_factory=list)       # committer unix times, by index
    # by identity: [(commit index, path|None, unit, date_ts|None, send, n_images)], [[start, end|None]]
    versions: list = field(default_factory=list)
    runs: list = field(default_factory=list)
    registries: list = field(default_factory=list)  # (from index, {units/*.yml path: blob sha})
    unit_texts: dict = field(default_factory=dict)  # blob sha -> bytes, of every blob in registries
    state: WalkState | None = None                  # None when read from the cache of HEAD itself
    built: dict = field(default_factory=dict, repr=False)  # position in registries -> Registry

    def registry_at(self, index: int):
        """The units registry as of commit ``index`` (None before any)."""
        position = bisect_right([start for start, _ in self.registries], index) - 1
        if position < 0:
            return None
        if position not in self.built:
            self.built[position] = registry_from_blobs(self.registries[position][1], self.unit_texts)
        return self.built[position]

    def latest_registry(self):
        return self.registry_at(len(self.shas) - 1)

    def units_added(self) -> dict[str, int]:
        """unit id -> index of the first commit whose tree holds units/<id>.yml (a start day, section 4)."""
        found: dict[str, int] = {}
        for index, blob_map in self.registries:
            for path in blob_map:
                found.setdefault(path[len("units/"):-len(".yml")], index)
        return found

    def state_at(self, index: int):
        """[(path, unit, publication time ts, send_to_so, n_images, date ts)] of articles published at ``index``."""
        result = []
        if index < 0:
            return result
        times = self.times
        for versions, runs in zip(self.versions, self.runs):
            if not runs:
                continue
            start, end = runs[-1]  # usually the as-of commit is the newest: then the last run decides
            if start > index:  # else the last run begun by then, if it goes on at ``index``
                for start, end in reversed(runs):
                    if start <= index:
                        break
                else:
                    continue
            if end is not None and end <= index:
                continue
            version = versions[-1]
            if version[0] > index:
                position = len(versions) - 1
                while versions[position][0] > index:
                    position -= 1
                version = versions[position]
            _, path, unit, date_ts, send, n_images = version
            if path is not None and date_ts is not None:
                result.append((path, unit, max(date_ts, times[start]), send, n_images, date_ts))
        return result

    def dump(self):
        """The part every run needs (the walk state is dumped apart: only runs with new commits read it)."""
        positions = len(self.registries)
        latest = pickle.dumps(self.built[positions - 1]) if positions - 1 in self.built else None
        return (self.head, self.shas, self.times, self.versions, self.runs, self.registries, self.unit_texts, latest)

    @classmethod
    def load(cls, data) -> History:
        head, shas, times, versions, runs, registries, unit_texts, latest = data
        history = cls(head, shas, times, versions, runs, registries, unit_texts)
        if latest is not None:
            history.built[len(registries) - 1] = pickle.loads(latest)
        return history


class Walker:
    def __init__(self, root, history: History, workers: int = 1):
        self.root = root
        self.h = history
        self.s = history.state
        self.workers = workers
        self.registry = history.latest_registry()
        self.zone = self.registry.province.zone if self.registry else ZoneInfo("Asia/Ho_Chi_Minh")
        self.unit_files: dict = {}  # parsed and built unit files, for unit_registry.load_files
        self.approvals: dict = {}   # (unit, approved_by, approved_on, day) -> allowed, under self.registry

    def _read(self, log, resources: contextlib.ExitStack):
        """The commits of ``log``, and their article versions parsed meanwhile by worker processes.

        Versions are sent to the workers in chunks while git is still printing
        the log, so reading the history, reading the blobs and parsing overlap.
        Returns (commits, lookup) where lookup((path, blob)) waits for that version.
        The worker processes are shut down with ``resources``.
        """
        commits, keys, unit_shas = [], set(), []
        jobs = []  # (keys, future)
        pool = None
        pending = []

        def submit():
            nonlocal pool
            if pool is None:
                from concurrent.futures import ProcessPoolExecutor
                pool = resources.enter_context(ProcessPoolExecutor(self.workers))
            jobs.append((pending[:], pool.submit(parse_versions, self.root, pending[:])))
            pending.clear()

        for commit in log:
            commits.append(commit)
            for status, _, new, blob, _ in commit[2]:
                if status == "D":
                    continue
                if is_unit_file(new):
                    unit_shas.append(blob)
                elif (new, blob) not in keys and is_article(new):
                    keys.add((new, blob))
                    pending.append((new, blob))
                    if self.workers > 1 and len(pending) >= PARSE_CHUNK:
                        submit()
        if pending and pool is not None:
            submit()
        self.h.unit_texts.update(read_blobs(self.root, [sha for sha in unit_shas if sha not in self.h.unit_texts]))
        parsed: dict = {}
        if pending:  # a short history: parsed here, without starting processes
            parsed.update(zip(pending, parse_versions(self.root, pending)))
        done = [0]

        def lookup(key):
            while key not in parsed:
                job_keys, future = jobs[done[0]]
                parsed.update(zip(job_keys, future.result()))
                done[0] += 1
            return parsed[key]

        return commits, lookup

    def walk(self, log) -> None:
        with contextlib.ExitStack() as resources:
            commits, lookup = self._read(log, resources)
            # the walk makes millions of small containers and no cycles: the cyclic collector would only
            # rescan them.  Not while reading: the worker processes, started then, would inherit the pause,
            # and read_source leaves cyclic garbage (~60 MB per chunk of 2,500 articles)
            with collector_paused():
                self._walk(commits, lookup)

    def _walk(self, commits, parsed_version) -> None:
        h, s = self.h, self.s
        for sha, ct, changes in commits:
            index = len(h.shas)
            h.shas.append(sha)
            h.times.append(ct)
            dirty: set[str] = set()
            units_changed = False
            if s.loader is not None:
                s.ensure({partition_of(path) for _, old, new, _, _ in changes for path in (old, new)
                          if path.startswith("content/")})
            for status, old, new, blob, link in changes:
                if old.startswith("units/") or new.startswith("units/"):
                    if status in "DR" and old in s.unit_blobs:
                        del s.unit_blobs[old]
                        units_changed = True
                    if status != "D" and is_unit_file(new):
                        s.unit_blobs[new] = blob
                        units_changed = True
                if not (old.startswith("content/") or new.startswith("content/")):
                    continue
                if status in "DR":
                    s.files.pop(old, None)
                    dirty |= s.image_refs.get(old, set())
                if status != "D":
                    s.files[new] = (blob, link, None)
                    dirty |= s.image_refs.get(new, set())
                old_article, new_article = is_article(old), is_article(new)
                if status == "R" and old_article and new_article and old in s.by_path:
                    dirty |= s.forget(old)
                    s.by_path[new] = s.by_path.pop(old)
                    dirty |= s.learn(new, parsed_version((new, blob)))
                    continue
                if status in "DR" and old_article and old in s.by_path:
                    dirty |= s.forget(old)
                    identity = s.by_path.pop(old)
                    if self._published(identity):
                        h.runs[identity][-1][1] = index
                    h.versions[identity].append((index, None, None, None, False, 0))
                    dirty.discard(old)
                if status != "D" and new_article:
                    if new in s.by_path:
                        dirty |= s.forget(new)
                    else:
                        s.by_path[new] = len(h.versions)
                        h.versions.append([])
                        h.runs.append([])
                    dirty |= s.learn(new, parsed_version((new, blob)))
            if units_changed:
                dirty |= self._reload_registry(index)
            for path in dirty:
                if path in s.by_path:
                    self._evaluate(path, index)

    def _published(self, identity: int) -> bool:
        """Published at the commit just walked: its last run is still open."""
        runs = self.h.runs[identity]
        return bool(runs) and runs[-1][1] is None

    def _reload_registry(self, index: int) -> set:
        h, s = self.h, self.s
        blob_map = dict(s.unit_blobs)
        new = registry_from_blobs(blob_map, h.unit_texts, self.unit_files)
        old = self.registry
        h.registries.append((index, blob_map))
        h.built = {len(h.registries) - 1: new}  # only the newest is kept built; others are rebuilt on demand
        self.registry = new
        self.approvals.clear()
        if old is None or old.province.timezone != new.province.timezone:
            self.zone = new.province.zone
            s.ensure_all()
            return set(s.by_path)
        # an unchanged file gives the very same Unit (unit_registry's memo)
        changed = {uid for uid in set(old.units) | set(new.units)
                   if old.units.get(uid) is not new.units.get(uid)
                   and ((old.units.get(uid) is None) != (new.units.get(uid) is None)
                        or _publishing_terms(old.units[uid]) != _publishing_terms(new.units[uid]))}
        s.ensure(changed)
        return set().union(*(s.by_unit.get(uid, ()) for uid in changed))

    def _approved(self, parsed: Parsed, unit, path: str) -> bool:
        day = parsed.local_date[:3] if unit.retired_on is not None and parsed.local_date else None
        key = (unit.id, parsed.approved_by, parsed.approved_on, day)
        if key not in self.approvals:
            self.approvals[key] = _unit_allows(parsed, unit, path, self.zone)
        return self.approvals[key]

    def _usable_image(self, path: str, hops: int = 0) -> bool:
        """``path`` is, at the commit walked, a usable image of its unit (module docstring)."""
        s = self.s
        entry = s.files.get(path)
        if entry is None:
            return False
        blob, link, usable = entry
        if usable is None:
            if link:
                target = read_blobs(self.root, [blob]).get(blob, b"").decode("utf-8", "surrogateescape")
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
                # an absolute target, one out of the unit's folder, or a chain of links: not its own file
                usable = (not target.startswith("/") and hops < 8
                          and partition_of(resolved) == partition_of(path) and resolved.startswith("content/")
                          and self._usable_image(resolved, hops + 1))
            else:
                import image_assets

                usable = "code" not in image_assets.examine(io.BytesIO(read_blobs(self.root, [blob]).get(blob, b"")))
            if not link:  # a link's verdict follows its target, which may change without it
                s.files[path] = (blob, link, usable)
        return usable

    def _evaluate(self, path: str, index: int) -> None:
        h, s = self.h, self.s
        parsed = s.parsed[path]
        identity = s.by_path[path]
        versions, runs = h.versions[identity], h.runs[identity]
        unit = self.registry.units.get(parsed.unit) if self.registry and parsed.unit else None
        date_ts = None
        if parsed.local_date is not None:
            date_ts = dt.datetime(*parsed.local_date, tzinfo=self.zone).timestamp()
        published = (unit is not None and not parsed.errors and not parsed.draft
                     and date_ts is not None
                     and len(s.slugs.get((parsed.unit, parsed.slug), ())) == 1
                     and self._approved(parsed, unit, path)
                     and all(self._usable_image(image) for image in parsed.images))
        version = (index, path, parsed.unit, date_ts, parsed.send_to_so, parsed.n_images)
        if not versions or versions[-1][1:] != version[1:]:
            if versions and versions[-1][0] == index:
                versions[-1] = version
            else:
                versions.append(version)
        was = self._published(identity)
        if published and not was:
            runs.append([index, None])
        elif was and not published:
            if runs[-1][0] == index:
                runs.pop()
            else:
                runs[-1][1] = index


# -- cache ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def code_version() -> str:
    """Hash of the code that decides what is published (once per process: the loaded code)."""
    digest = hashlib.sha256(str(CACHE_FORMAT).encode())
    plugins = Path(__file__).resolve().parent.parent
    for package in ("quota", "article_reader", "publication", "image_assets", "unit_registry", "lined_yaml", "dates",
                    "problems"):
        for path in sorted((plugins / package).glob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def value_hash(value) -> str:
    """A hash of plain values (a cache key).  marshal version 2 has no back-references, whose use
    depends on reference counts: the same values give the same bytes in every run."""
    return hashlib.blake2b(marshal.dumps(value, 2), digest_size=16).hexdigest()


def cache_dir(root) -> Path:
    return Path(root, "cache", "quota")


def load_history(root, workers: int | None = None, use_cache: bool = True) -> History:
    """The walk up to HEAD: from the cache, extended by new commits, or from scratch."""
    head = check_repository(root)
    if not head:
        return History()
    version = code_version()
    folder = cache_dir(root)
    history = None
    if use_cache:
        exact = folder / f"{version}-{head}.history"
        if exact.exists():
            try:
                return _read_cache(exact, with_state=False)
            except Exception:
                pass
        history = _resumable(root, folder, version, head)
    since = history.head if history else None
    history = history or History(state=WalkState())
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    try:
        Walker(root, history, workers).walk(read_log(root, since, head))
        history.head = head
        if use_cache:
            _save(folder, version, history)
    finally:
        history.state.close()
    return history


def _read_cache(path: Path, with_state: bool) -> History:
    """The history of a cache file; with its walk state (to go on walking), read part by part when
    the walk needs it."""
    with open(path, "rb") as handle, collector_paused():
        # marshal.loads on bytes: marshal.load on a file makes a read call per object
        size = int.from_bytes(handle.read(8), "little")
        history = History.load(marshal.loads(handle.read(size)))
        index = marshal.loads(handle.read())
    if with_state:
        # the unit files present are those of the newest registry: every change to one makes a registry
        unit_blobs = dict(history.registries[-1][1]) if history.registries else {}
        history.state = WalkState(unit_blobs=unit_blobs, loader=PartReader(path.parent, index))
    return history


def _resumable(root, folder: Path, version: str, head: str) -> History | None:
    if not folder.is_dir():
        return None
    candidates = sorted(folder.glob(f"{version}-*.history"), key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in candidates[:3]:
        if not is_first_parent_descendant(root, candidate.stem.split("-", 1)[1], head):
            continue
        try:
            return _read_cache(candidate, with_state=True)
        except Exception:
            continue
    return None


def _save(folder: Path, version: str, history: History) -> None:
    """The history to ``<version>-<HEAD>.history``, the parts of the walk state that may have changed
    to a new segment ``<version>-<HEAD>.state`` (all parts when the walk state is whole).

    The history file names, per part, the segment and place that hold it.  Once
    the state is spread over MAX_SEGMENTS segments, it is read whole and written
    again as one.
    """
    state = history.state
    if state.loader is not None and len({segment for segment, _, _ in state.loader.index.values()}) >= MAX_SEGMENTS:
        state.ensure_all()
    index = {} if state.loader is None else dict(state.loader.index)
    segment = f"{version}-{history.head}.state"
    with collector_paused():
        parts = state.dump_parts()
        common = marshal.dumps(history.dump())
    offset = 0
    for name, data in parts.items():
        index[name] = (segment, offset, len(data))
        offset += len(data)
    target = folder / f"{version}-{history.head}.history"
    if not (write_cache(folder / segment, parts.values())
            and write_cache(target, [len(common).to_bytes(8, "little"), common, marshal.dumps(index)])):
        return
    keep = {target.name} | {segment for segment, _, _ in index.values()}
    for old in folder.iterdir():  # older heads, unused segments, and every file of another code version
        if old.name not in keep and (old.suffix in (".history", ".state") or not old.name.startswith(version)):
            old.unlink(missing_ok=True)


def write_cache(path: Path, chunks) -> bool:
    """Write ``chunks`` to ``path`` through a temporary file renamed: no reader sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(tmp, path)
        return True
    except OSError:
        return False
