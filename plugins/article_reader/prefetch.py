"""Read the files Pelican will ask for, in parallel, before it asks.

Pelican reads files one by one in one process.  When a build has no content
cache yet (a cold build, a fresh clone, new code), the files are
read here first by forked worker processes, and ContractReader.read takes
the result instead of reading the file again.  Only plain data (Source)
crosses processes; Pelican's objects are made in the main process.
"""

from __future__ import annotations

import multiprocessing
import os

from . import bodies
from .source import Source, read_source

MIN_FILES = 200  # below this, starting workers costs more than it saves

_ready: dict[str, Source] = {}
_job: tuple | None = None  # (content root, zone, body store), inherited by forked workers


def take(absolute_path: str) -> Source | None:
    return _ready.pop(absolute_path, None)


def repo_path(content_root: str, absolute_path: str) -> str:
    return "content/" + os.path.relpath(absolute_path, content_root).replace(os.sep, "/")


def read_file(content_root: str, absolute_path: str, zone) -> Source:
    with open(absolute_path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    return read_source(repo_path(content_root, absolute_path), text, zone)


def _read_chunk(paths: list[str]) -> list[tuple[str, Source]]:
    """Read in a worker; the bodies go to the store from here, not through the main process."""
    root, zone, body_store = _job
    sources = []
    for path in paths:
        source = read_file(root, path, zone)
        bodies.keep(body_store, source)
        sources.append((path, source))
    body_store.flush()
    return sources


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
    missing = [os.path.join(generator.path, f) for f in sorted(files) if generator.get_cached_data(f, None) is None]
    if len(missing) < MIN_FILES:
        return
    global _job
    _job = (settings["PATH"], settings["UNIT_REGISTRY"].province.zone, bodies.store(settings))
    size = max(20, len(missing) // (processes * 8))
    chunks = [missing[i:i + size] for i in range(0, len(missing), size)]
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for results in pool.imap_unordered(_read_chunk, chunks):
                _ready.update(results)
    finally:
        _job = None
