"""Read the files Pelican will ask for, in parallel, before it asks.

Pelican reads files one by one in one process.  When a build has no content
cache yet (a cold build, a fresh clone, new code), forked worker processes
read the files, in the order Pelican will ask for them, and ContractReader.read
takes each result as it comes instead of reading the file: Pelican makes its
objects in the main process while the workers read on.  Only plain data
(Source) crosses processes.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os

from . import bodies, stamps
from .files import read_article
from .source import Source

MIN_FILES = 200  # below this, starting workers costs more than it saves

_ready: dict[str, Source] = {}
_job: tuple | None = None  # (content root, zone, body store), inherited by forked workers
_stream: tuple | None = None  # (pool, its results chunk by chunk, settings) while workers read
# Read-ahead asked for while another runs (Pelican makes the pages' generator before the
# articles' one reads anything): started when the one before has finished.
_waiting: list = []
TAKEN = 0  # files read ahead and handed to Pelican


def take(absolute_path: str) -> Source | None:
    """The file's Source, once a worker has read it (None: not read ahead, read it here)."""
    global TAKEN
    while absolute_path not in _ready and _stream is not None:
        _receive()
    source = _ready.pop(absolute_path, None)
    TAKEN += source is not None
    return source


def _receive() -> None:
    """The next chunk of results; the workers are let go after the last."""
    global _stream
    pool, results, settings = _stream
    try:
        chunk = next(results)
    except StopIteration:
        finish()
        return
    except Exception:  # noqa: BLE001 - that chunk's files are read again where Pelican asks
        return
    for path, source, (status, stamp) in chunk:
        _ready[path] = source
        if stamp is not None:
            stamps.remember(settings, path, status, stamp)


def finish() -> None:
    """The workers of this read-ahead are let go; the next one asked for starts."""
    global _stream, _job
    if _stream is not None:
        pool = _stream[0]
        _stream = None
        pool.terminate()
        pool.join()
    _job = None
    if _waiting:
        _waiting.pop(0)()


def stop() -> None:
    """No worker left running and none to come (before any other fork: rendering)."""
    _waiting.clear()
    finish()


def repo_path(content_root: str, absolute_path: str) -> str:
    return "content/" + os.path.relpath(absolute_path, content_root).replace(os.sep, "/")


def read_file(content_root: str, absolute_path: str, zone) -> Source:
    return read_article(content_root, absolute_path, zone)[0]


def _read_chunk(paths: list[str]) -> list[tuple[str, Source, tuple]]:
    """Read in a worker.  The bodies go to the store from here, not through the main
    process, and each file's cache stamp is made from the bytes read here, so that
    the main process does not read every file once more to stamp it."""
    root, zone, body_store, stamp_method = _job
    results = []
    for path in paths:
        status = os.stat(path)
        source, data = read_article(root, path, zone)
        bodies.keep(body_store, source)
        stamp = hashlib.new(stamp_method, data).digest() if stamp_method and data is not None else None
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
    files = sorted(generator.get_files(settings[paths_setting], exclude=settings[excludes_setting]))
    if len(files) < MIN_FILES:
        return
    _ask_in_order(generator)
    # nothing is cached yet: Pelican would hash every file to compare it with a stamp it
    # does not have, before the worker reading that file has stamped it
    generator.get_cached_data = lambda filename, default=None: default
    missing = [os.path.join(generator.path, f) for f in files]  # no cache: every file
    method = settings.get("CHECK_MODIFIED_METHOD")

    def start():
        global _job, _stream
        _job = (settings["PATH"], settings["UNIT_REGISTRY"].province.zone, bodies.store(settings),
                None if method == "mtime" else method)
        size = max(20, len(missing) // (processes * 8))
        chunks = [missing[i:i + size] for i in range(0, len(missing), size)]
        pool = multiprocessing.get_context("fork").Pool(processes)
        _stream = (pool, pool.imap(_read_chunk, chunks), settings)

    if _stream is None:
        start()
    else:
        _waiting.append(start)


def _ask_in_order(generator) -> None:
    """Pelican walks the files of a set (an order of its own in each process): it asks
    for them sorted here, the order in which the workers read them."""
    files_of = generator.get_files
    generator.get_files = lambda *args, **kwargs: sorted(files_of(*args, **kwargs))
