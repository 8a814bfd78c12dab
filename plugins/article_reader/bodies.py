"""Article bodies kept on disk, out of Pelican's content cache and out of memory.

A province's 35,000 bodies are about 250 MB as Python strings (Vietnamese
text needs two bytes a character) and most of Pelican's 220 MB cache file,
which every build loads and every changed build rewrites; yet a rebuild
renders only the few pages whose fingerprint changed.  The reader puts each
body here under its digest and leaves only the digest on the article; pages
ask for the body when they are rendered.

One SQLite file beside Pelican's cache (in the folder named after the code).
Each process opens its own connection: render workers are forked.  A body
that is missing (the file was deleted, a new code folder) is read again from
the article's file.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3

FILE_NAME = "bodies.sqlite"
FLUSH_EVERY = 500  # bodies held in memory at most, between writes


def digest(html: str) -> str:
    return hashlib.blake2b(html.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class BodyStore:
    def __init__(self, cache_path: str):
        self.path = os.path.join(cache_path, FILE_NAME)
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._pending: dict[str, str] = {}

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            self._connection = sqlite3.connect(self.path, timeout=60)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("CREATE TABLE IF NOT EXISTS body (digest TEXT PRIMARY KEY, html TEXT NOT NULL)")
            self._pid = os.getpid()
        return self._connection

    def keep(self, source) -> None:
        """Take ``source.html`` into the store (written at the next :meth:`flush`) and drop it from ``source``."""
        if source.html is not None:
            self._pending[source.html_digest] = source.html
            source.html = None
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        with self._db() as db:
            db.executemany("INSERT OR IGNORE INTO body VALUES (?, ?)", self._pending.items())
        self._pending.clear()

    def get(self, key: str) -> str | None:
        if key in self._pending:
            return self._pending[key]
        row = self._db().execute("SELECT html FROM body WHERE digest = ?", (key,)).fetchone()
        return row[0] if row else None


_stores: dict[str, BodyStore] = {}


def store(settings) -> BodyStore:
    cache_path = settings["CACHE_PATH"]
    if cache_path not in _stores:
        _stores[cache_path] = BodyStore(cache_path)
    return _stores[cache_path]


def stored_html(content) -> str:
    """The body of an article or page read by the reader (from the store, or its file again)."""
    source = content.source
    if source.html is not None:
        return source.html
    settings = content.settings
    body_store = store(settings)
    html = body_store.get(source.html_digest)
    if html is None:
        from .prefetch import read_file

        again = read_file(settings["PATH"], content.source_path, settings["UNIT_REGISTRY"].province.zone)
        html = again.html
        body_store.keep(again)
        body_store.flush()
    return html
