"""Pelican's content cache, saved as a base file and a small delta.

Pelican pickles every cached article into one file and rewrites all of it
whenever a single file was read: about 2 s and a memory peak on a
35,000-article province, for a teacher's one-article change.  Here the
entries read since the base file was written go to a second, small file
(``<cache file>.delta``), loaded on top of the base; the base is rewritten
only when the delta has grown to a share of it.  Both files are replaced
atomically.
"""

from __future__ import annotations

import os
import pickle

from output_sync import replace_file

SUFFIX = ".delta"
MIN_ENTRIES = 200      # a delta this small is always fine
MAX_SHARE = 0.05       # beyond this share of the cache, the base is rewritten


def install(generator) -> None:
    """Load the delta on top of the base Pelican loaded, and take over saving."""
    if not hasattr(generator, "_cache_path") or not hasattr(generator, "_cache"):
        return
    delta = _load(generator._cache_path + SUFFIX) if generator._cache else {}
    generator._cache.update(delta)
    read_now: set[str] = set()
    cache_one = generator.cache_data

    def cache_data(filename, data):
        read_now.add(filename)
        cache_one(filename, data)

    generator.cache_data = cache_data
    saved = []

    def save_cache():
        # once per build, the first time it is asked (publication asks before it attaches
        # per-build data); nothing read, nothing written: a no-op rebuild changes no file
        if read_now and not saved:
            _save(generator, read_now | set(delta))
        saved.append(True)

    generator.save_cache = save_cache
    _rebase_entries(generator)


def _rebase_entries(generator) -> None:
    """A cached article carries the settings and the absolute path of the build that read
    it; a cache restored into another folder (a CI runner, a fresh clone) would read and
    write that folder's files (its body store, its file on a cache miss).  Entries handed
    to this build take this build's settings and path."""
    cached = generator.get_cached_data
    settings, root = generator.settings, generator.path

    def get_cached_data(filename, default=None):
        content = cached(filename, default)
        if content is not default and content is not None:
            content.settings = settings
            content.source_path = os.path.join(root, filename)
        return content

    generator.get_cached_data = get_cached_data


def _load(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
        return data if isinstance(data, dict) else {}
    except (OSError, EOFError, pickle.PickleError, AttributeError, ImportError, TypeError):
        return {}


def _dump(path: str, data: dict) -> None:
    # streamed: pickle.dumps of a province's cache held ~0.3 GB more at the build's peak
    replace_file(path, lambda handle: pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL))


def _save(generator, changed: set) -> None:
    if not generator._cache_data_policy:
        return
    cache = generator._cache
    base_path = generator._cache_path
    try:
        if os.path.exists(base_path) and len(changed) <= max(MIN_ENTRIES, MAX_SHARE * len(cache)):
            _dump(base_path + SUFFIX, {name: cache[name] for name in changed if name in cache})
            return
        _dump(base_path, cache)
        if os.path.exists(base_path + SUFFIX):
            os.unlink(base_path + SUFFIX)
    except (OSError, pickle.PicklingError, TypeError):
        pass  # only speed is lost: the next build reads these files again
