"""Values by key in one SQLite file, for what the build keeps between runs outside Pelican's cache.

Each process opens its own connection (render workers are forked from the
build process and must not share the parent's); writes are batched and
committed by :meth:`BlobStore.flush`.  A value that cannot be found is not an
error: callers make it again.
"""

from __future__ import annotations

import os
import sqlite3
import weakref

_BATCH = 900  # under SQLite's limit of bound parameters in one statement


class BlobStore:
    def __init__(self, path: str):
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self.pending: dict[str, object] = {}
        # made here, before any fork: processes that race to create the file and switch it
        # to WAL get "database is locked" without waiting
        self._db()
        _open_stores.add(self)

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            # autocommit: flush() opens its own write transaction
            self._connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            self._write("CREATE TABLE IF NOT EXISTS item (key TEXT PRIMARY KEY, value NOT NULL)")
            self._pid = os.getpid()
        return self._connection

    def _write(self, statement: str, rows=None) -> None:
        """One statement (for each of ``rows``) in a transaction that takes the write lock
        first: one that starts reading and then writes fails at once ("database is
        locked") when another process wrote in between, instead of waiting its turn."""
        db = self._connection
        db.execute("BEGIN IMMEDIATE")
        try:
            if rows is None:
                db.execute(statement)
            else:
                db.executemany(statement, rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def put(self, key: str, value) -> None:
        """Stored at the next :meth:`flush`; readable from this process at once."""
        self.pending[key] = value

    def flush(self) -> None:
        if not self.pending:
            return
        self._db()
        self._write("INSERT OR REPLACE INTO item VALUES (?, ?)", rows=list(self.pending.items()))
        self.pending.clear()

    def get(self, key: str):
        if key in self.pending:
            return self.pending[key]
        row = self._db().execute("SELECT value FROM item WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def get_many(self, keys) -> dict:
        """The values found, by key."""
        keys = list(dict.fromkeys(keys))
        found = {key: self.pending[key] for key in keys if key in self.pending}
        wanted = [key for key in keys if key not in found]
        db = self._db()
        for start in range(0, len(wanted), _BATCH):
            chunk = wanted[start:start + _BATCH]
            marks = ",".join("?" * len(chunk))
            found.update(db.execute(f"SELECT key, value FROM item WHERE key IN ({marks})", chunk).fetchall())
        return found


# No connection may cross a fork (SQLite: "How to corrupt", 2.6): each process,
# parent included, opens its own again when it next needs one.
_open_stores: weakref.WeakSet = weakref.WeakSet()


def _close_before_fork() -> None:
    for store in list(_open_stores):
        store.close()


os.register_at_fork(before=_close_before_fork)
