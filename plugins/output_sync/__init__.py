"""Incremental, all-or-nothing output.

Generators write into a staging folder (Pelican's OUTPUT_PATH during a build)
only the files whose bytes changed, known from a manifest of the last build;
a page whose inputs did not change (same fingerprint) is not even rendered.

``output`` is a symbolic link to one of two complete trees, ``output.trees/a``
and ``output.trees/b``.  When the whole build has finished, :func:`commit`
brings the tree that is not live up to date (staged files moved in, files the
build kept hard-linked from the live tree, files it no longer makes removed),
records it, and then points ``output`` at it with one rename of a link: a
reader, a deploy or a build killed at any moment sees the old tree whole or
the new one whole, never a mix (issue 10; ``os.replace`` of a link is atomic,
a replacement file by file was not).  The work is proportional to what changed
in the last two builds, not to the size of the sites (a one-by-one copy of a
province's 115,000 files took 2 s); a file that did not change keeps its bytes
and its modification time (hard links share them), so a deploy by rsync moves
only what changed.  A build that fails never reaches commit and leaves
``output`` as it was; a no-op rebuild does not switch at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

MANIFEST_VERSION = 2
TREES = ("a", "b")


def root_from(folder: str) -> str:
    """The relative path from ``folder`` (under the output root, as pages' URLs name it:
    "", "a", "a/b") back to the root: ".", "..", "../.." (posixpath.relpath, at every
    page and figure, cost 6 us a call)."""
    return "/".join([".."] * (folder.count("/") + 1)) if folder else "."


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Sink:
    """Where pages go: ``put`` (rendered bytes) or ``keep`` (unchanged inputs)."""

    def __init__(self, staging: str, final: str, manifest_path: str):
        self.staging = staging
        self.final = final
        self.manifest_path = manifest_path
        # the files of each tree as last recorded (None: unknown, being changed when a build stopped)
        self.trees: dict[str, dict | None] = {}
        if os.path.isdir(final):
            try:
                with open(manifest_path, encoding="utf-8") as handle:
                    data = json.load(handle)
                if data.get("version") == MANIFEST_VERSION and data.get("output") == os.path.abspath(final):
                    self.trees = data["trees"]
            except (OSError, ValueError, KeyError):
                self.trees = {}
        self.live = live_tree(final)  # None: ``final`` is a plain folder (a `pelican` run) or missing
        self.previous: dict[str, list[str]] = self.trees.get(self.live or ".") or {}
        self.current: dict[str, list[str]] = {}
        self.written = 0
        self.rendered = 0
        self._folders: set[str] = set()  # made in staging already (os.makedirs was ~8 % of a cold build)

    def unchanged(self, path: str, fingerprint: str) -> bool:
        """True (and the file is kept) when the page's inputs are those of the last build."""
        old = self.previous.get(path)
        if old is None or old[1] != fingerprint or not os.path.exists(os.path.join(self.final, path)):
            return False
        self.current[path] = old
        return True

    def unchanged_all(self, paths: list[str], fingerprint: str) -> bool:
        """True (and all are kept) when every one of ``paths`` has this fingerprint."""
        if all(self.previous.get(p, ("", ""))[1] == fingerprint and os.path.exists(os.path.join(self.final, p))
               for p in paths):
            for path in paths:
                self.current[path] = self.previous[path]
            return True
        return False

    def put(self, path: str, data: bytes, fingerprint: str = "") -> None:
        if path in self.current:
            raise FileExistsError(f"two pages write {path}")
        self.rendered += 1
        record = [digest(data), fingerprint]
        self.current[path] = record
        old = self.previous.get(path)
        if old is not None and old[0] == record[0] and os.path.exists(os.path.join(self.final, path)):
            return
        # os.open/os.write: a province's cold build creates ~60,000 files, and Python's file
        # object (its buffer, an fstat) cost a fifth of each creation
        # mode 0o666: the umask decides, as with open()
        descriptor = os.open(self._staged(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
        finally:
            os.close(descriptor)
        self.written += 1

    def link(self, path: str, source: str, fingerprint: str) -> None:
        """A file whose name already says its content (e.g. a resized image): hard-linked, not copied."""
        if self.unchanged(path, fingerprint):
            return
        if path in self.current:
            raise FileExistsError(f"two files write {path}")
        target = self._staged(path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        self.current[path] = [fingerprint, fingerprint]
        self.written += 1

    def _staged(self, path: str) -> str:
        target = os.path.join(self.staging, path)
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return target

    def merge(self, records: dict[str, list[str]], written: int, rendered: int) -> None:
        """Take the records of pages rendered by a worker process."""
        for path in records:
            if path in self.current:
                raise FileExistsError(f"two pages write {path}")
        self.current.update(records)
        self.written += written
        self.rendered += rendered


_SINK: Sink | None = None


def start(staging: str, final: str, manifest_path: str) -> Sink:
    global _SINK
    _SINK = Sink(staging, final, manifest_path)
    return _SINK


def sink() -> Sink:
    if _SINK is None:
        raise RuntimeError("output_sync.start() was not called")
    return _SINK


def trees_folder(final) -> Path:
    """Where the two trees ``final`` links to are kept: beside it, ``<name>.trees/``."""
    final = Path(final)
    return final.with_name(final.name + ".trees")


def live_tree(final) -> str | None:
    """The tree ``final`` links to ("a" or "b"); None when it is no link to one of them."""
    try:
        target = os.readlink(final)
    except OSError:
        return None
    folder, _, name = target.rpartition("/")
    return name if folder == trees_folder(final).name and name in TREES else None


def commit() -> dict[str, int]:
    """Bring the tree that is not live up to date, then make it the live one (module docstring)."""
    current = sink()
    staging, final = Path(current.staging), Path(current.final)
    if staging == final:  # plain `pelican` run: files were written in place
        _record_direct_writes(current, staging)
        removed = _remove_stale(set(current.previous) - set(current.current), final)
        _save_manifest(current, {".": current.current})
        return {"files": len(current.current), "rendered": current.rendered, "moved": 0, "removed": removed}
    staging.mkdir(parents=True, exist_ok=True)
    name = "b" if current.live == "a" else "a"
    tree = trees_folder(final) / name
    if not current.previous:  # a first build (nothing kept from a live tree): the staging folder is the tree
        _record_direct_writes(current, staging)
        _save_manifest(current, {name: None})  # a build killed while the tree changes: unknown next time
        shutil.rmtree(tree, ignore_errors=True)
        tree.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, tree)
        _save_manifest(current, {name: current.current})
        _point(final, f"{trees_folder(final).name}/{name}")
        return {"files": len(current.current), "rendered": current.rendered,
                "moved": len(current.current), "removed": 0}
    staged = _staged_changes(current, staging)
    stale = set(current.previous) - set(current.current)
    if not staged and not stale:  # a no-op rebuild: the live tree is the build
        shutil.rmtree(staging, ignore_errors=True)
        _save_manifest(current, {current.live or ".": current.current})
        return {"files": len(current.current), "rendered": current.rendered, "moved": 0, "removed": 0}
    known = current.trees.get(name) if tree.is_dir() else None
    _save_manifest(current, {name: None})
    if known is None:
        shutil.rmtree(tree, ignore_errors=True)
        known = {}
    moved = 0
    for relative, record in current.current.items():
        target = tree / relative
        if relative in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / relative, target)
            moved += 1
        elif known.get(relative, ("",))[0] != record[0]:  # kept from the live tree, which has it
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_replacing(final / relative, target)
    removed = _remove_stale(set(known) - set(current.current), tree)
    _save_manifest(current, {name: current.current})
    _point(final, f"{trees_folder(final).name}/{name}")
    shutil.rmtree(staging, ignore_errors=True)
    return {"files": len(current.current), "rendered": current.rendered, "moved": moved, "removed": len(stale)}


def _staged_changes(current: Sink, staging: Path) -> set[str]:
    """The staged files whose bytes differ from the live tree's (the others are dropped with
    the staging folder); files written there by other generators join the manifest."""
    changed = set()
    for root, _, files in os.walk(staging):
        for name in files:
            source = Path(root) / name
            relative = source.relative_to(staging).as_posix()
            record = current.current.get(relative)
            if record is None:  # written directly by another generator (Pelican's theme copy): bytes now
                record = current.current[relative] = [digest(source.read_bytes()), ""]
                old = current.previous.get(relative)
                if old is not None and old[0] == record[0]:
                    continue
            changed.add(relative)
    return changed


def _link_replacing(source: Path, target: Path) -> None:
    """``target`` becomes the file ``source`` is (a hard link: same bytes, same modification time)."""
    temporary = target.with_name(target.name + ".link-tmp")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:  # a file system without hard links
        shutil.copy2(source, temporary)
    os.replace(temporary, target)


def _point(final: Path, target: str) -> None:
    """``final`` becomes a link to ``target`` in one rename.  A plain folder there (an output/ of
    an older version of this code) is moved aside first: the only moment without an ``output``."""
    link = final.with_name(final.name + ".link-new")
    link.unlink(missing_ok=True)
    os.symlink(target, link)
    if final.is_dir() and not final.is_symlink():
        old = final.with_name(final.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(final, old)
        os.replace(link, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(link, final)


def _record_direct_writes(current: Sink, folder: Path) -> None:
    """Files other generators wrote themselves (Pelican's copy of the theme's static files)
    join the manifest.  Only the top-level folders the sink wrote nothing into are walked:
    walking the 115,000 pages of a province took seconds of a cold build."""
    ours = {path.split("/", 1)[0] for path in current.current}
    for entry in os.scandir(folder):
        if entry.name in ours:
            continue
        walked = os.walk(entry.path) if entry.is_dir() else [(folder, [], [entry.name])]
        for root, _, files in walked:
            for name in files:
                path = Path(root) / name
                relative = path.relative_to(folder).as_posix()
                current.current[relative] = [digest(path.read_bytes()), ""]


def _remove_stale(paths, final: Path) -> int:
    removed = 0
    for relative in paths:
        path = final / relative
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
        for parent in path.parents:  # drop folders the build no longer fills
            if parent == final:
                break
            try:
                parent.rmdir()
            except OSError:
                break
    return removed


def replace_file(path: str, data) -> None:
    """Write ``path`` whole or not at all (a temporary file of its own, then renamed): a
    build that stops half-way, or another build at the same time, never leaves half a file.

    ``data`` is bytes, or a function that writes to the open file (a large pickle
    streamed to disk is never held in memory whole)."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _save_manifest(current: Sink, trees: dict) -> None:
    """Record ``trees`` (name -> files, None: unknown) over what the manifest holds."""
    if all(current.trees.get(name) == files for name, files in trees.items()):
        return  # a no-op rebuild: ~0.5 s of JSON at 115,000 files
    current.trees.update(trees)
    data = {"version": MANIFEST_VERSION, "output": os.path.abspath(current.final), "trees": current.trees}
    replace_file(current.manifest_path, json.dumps(data).encode("utf-8"))


LAST_COMMIT: dict[str, int] = {}


def _start(pelican) -> None:
    settings = pelican.settings
    final = os.path.abspath(settings.get("FINAL_OUTPUT_PATH") or settings["OUTPUT_PATH"])
    key = hashlib.blake2b(final.encode(), digest_size=8).hexdigest()
    manifest = os.path.join(os.path.dirname(settings["CACHE_PATH"]), f"output-manifest-{key}.json")
    start(os.path.abspath(settings["OUTPUT_PATH"]), final, manifest)


def _commit(pelican) -> None:
    LAST_COMMIT.clear()
    LAST_COMMIT.update(commit())


def register():
    from pelican import signals

    signals.initialized.connect(_start)
    signals.finalized.connect(_commit)
