"""File stamps for Pelican's content cache without reading every file.

With ``CHECK_MODIFIED_METHOD = "sha256"`` (the cache must survive a fresh
clone, where every mtime is new) Pelican reads and hashes all 35,000 files
of a province on every build just to learn that they did not change: about
a second of a no-op rebuild.  A file whose size, mtime and inode are those
recorded at the last build (and ctime, which no tool sets back) has the digest recorded then; any other file is
hashed as Pelican would.  The record lives beside Pelican's cache, in the
folder named after the code.
"""

from __future__ import annotations

import json
import os

from output_sync import replace_file

FILE_NAME = "file-stamps.json"


def _identity(status: os.stat_result) -> list:
    # ctime too: tools can set a file's mtime back (cp -p, touch -r, rsync -t), not its ctime
    return [status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns]


class StampMemo:
    def __init__(self, cache_path: str, hash_file):
        self.path = os.path.join(cache_path, FILE_NAME)
        self.hash_file = hash_file
        self.changed = False
        try:
            with open(self.path, encoding="utf-8") as handle:
                self.records: dict[str, list] = json.load(handle)
        except (OSError, ValueError):
            self.records = {}

    def __call__(self, filename: str) -> bytes:
        status = os.stat(filename)
        record = self.records.get(filename)
        if record is not None and record[:4] == _identity(status):
            return bytes.fromhex(record[4])
        stamp = self.hash_file(filename)
        self.remember(filename, status, stamp)
        return stamp

    def remember(self, filename: str, status: os.stat_result, stamp: bytes) -> None:
        self.records[filename] = _identity(status) + [stamp.hex()]
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        try:
            replace_file(self.path, json.dumps(self.records).encode("utf-8"))
            self.changed = False
        except OSError:
            pass  # only speed is lost: the next build hashes the files again


_memos: dict[str, StampMemo] = {}  # by cache folder: the articles' and pages' generators share one


def install(cacher) -> None:
    """Give one of Pelican's file-stamp cachers (a caching generator, or its readers) the memo
    in place of its hashing function (the private ``_filestamp_func``, set by
    ``FileStampDataCacher.__init__``)."""
    hash_file = getattr(cacher, "_filestamp_func", None)
    if hash_file is None or cacher.settings.get("CHECK_MODIFIED_METHOD") == "mtime":
        return
    cache_path = cacher.settings["CACHE_PATH"]
    if cache_path not in _memos:
        _memos[cache_path] = StampMemo(cache_path, hash_file)
    cacher._filestamp_func = _memos[cache_path]


def remember(settings, filename: str, status: os.stat_result, stamp: bytes) -> None:
    """A stamp made elsewhere (the reading workers) from the file's bytes."""
    memo = _memos.get(settings["CACHE_PATH"])
    if memo is not None:
        memo.remember(filename, status, stamp)


def save(generator) -> None:
    memo = _memos.get(generator.settings["CACHE_PATH"])
    if memo is not None:
        memo.save()
