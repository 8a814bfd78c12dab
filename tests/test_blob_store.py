"""The SQLite store shared by forked processes: concurrent writers wait their turn."""

from __future__ import annotations

import multiprocessing

from blob_store import BlobStore

_store: BlobStore | None = None  # inherited by the forked workers


def _write_and_read(worker: int) -> int:
    for batch in range(40):
        for item in range(25):
            _store.put(f"{worker}-{batch}-{item}", "nội dung " * 300)
        _store.flush()  # several processes commit at once, as the reading workers do
        assert _store.get(f"{worker}-{batch}-0") == "nội dung " * 300
    return worker


def test_forked_processes_write_at_once_without_database_is_locked(tmp_path):
    global _store
    for attempt in range(5):  # the workers race to make the file: try the race a few times
        _store = BlobStore(str(tmp_path / f"store-{attempt}.sqlite"))  # made here, first used there
        with multiprocessing.get_context("fork").Pool(4) as pool:
            assert sorted(pool.map(_write_and_read, range(8))) == list(range(8))
        keys = [f"{w}-{b}-{i}" for w in range(8) for b in range(40) for i in range(25)]
        assert len(_store.get_many(keys + ["không có"])) == len(keys)
