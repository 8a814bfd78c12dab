"""Read the files Pelican will ask for, in parallel, before it asks.

Pelican reads files one by one in one process.  When a build has no content
cache yet (a cold build, a fresh clone, new code), the files are
read here first by forked worker processes, and ContractReader.read takes
the result instead of reading the file again.  Only plain data (Source)
crosses processes; Pelican's objects are made in the main process.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os

from . import bodies, stamps
from .source import Source, read_source

MIN_FILES = 200  # below this, starting workers costs more than it saves

_ready: dict[str, Source] = {}
_job: tuple | None = None  # (content root, zone, body store), inherited by forked workers


def take(absolute_path: str) -> Source | None:
    return _ready.pop(absolute_path, None)


def repo_path(content_root: str, absolute_path: str) -> str:
    return "content/" + os.path.relpath(absolute_path, content_root).replace(os.sep, "/")


def read_file(content_root: str, absolute_path: str, zone) -> Source:
    with open(absolute_path, "rb") as handle:
        return _read_bytes(content_root, absolute_path, handle.read(), zone)


def _read_bytes(content_root: str, absolute_path: str, data: bytes, zone) -> Source:
    # as a text-mode open() reads it: bad bytes replaced, any line ending made "\n"
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    return read_source(repo_path(content_root, absolute_path), text, zone)


def _read_chunk(paths: list[str]) -> list[tuple[str, Source, tuple]]:
    """Read in a worker.  The bodies go to the store from here, not through the main
    process, and each file's cache stamp is made from the bytes read here, so that
    the main process does not read every file once more to stamp it."""
    root, zone, body_store, stamp_method = _job
    results = []
    for path in paths:
        status = os.stat(path)
        with open(path, "rb") as handle:
            data = handle.read()
        source = _read_bytes(root, path, data, zone)
        bodies.keep(body_store, source)
        stamp = hashlib.new(stamp_method, data).digest() if stamp_method else None
        results.append((path, source, (status, stamp)))
    body_store.flush()
    return results


def prefetch(generator, paths_setting: str, excludes_setting: str) -> None:
    settings = generator.settings
    processes = int(settings.get("READ_PROCESSES") or os.cpu_count() or 1)
    if processes < 2:
        return
    if getattr(generator, "_cache", None):
        # a content cache exists: few files are new (a pull request's worth), and
        # finding them would hash every file once more than Pelican does anyway
        return
    files = generator.get_files(settings[paths_setting], exclude=settings[excludes_setting])
    missing = [os.path.join(generator.path, f) for f in sorted(files)]  # no cache: every file
    if len(missing) < MIN_FILES:
        return
    global _job
    method = settings.get("CHECK_MODIFIED_METHOD")
    _job = (settings["PATH"], settings["UNIT_REGISTRY"].province.zone, bodies.store(settings),
            None if method == "mtime" else method)
    size = max(20, len(missing) // (processes * 8))
    chunks = [missing[i:i + size] for i in range(0, len(missing), size)]
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for results in pool.imap_unordered(_read_chunk, chunks):
                for path, source, (status, stamp) in results:
                    _ready[path] = source
                    if stamp is not None:
                        stamps.remember(settings, path, status, stamp)
    finally:
        _job = None
