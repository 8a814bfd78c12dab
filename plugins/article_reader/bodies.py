"""Article bodies kept on disk, out of Pelican's content cache and out of memory.

A province's 35,000 bodies are about 250 MB as Python strings (Vietnamese
text needs two bytes a character) and most of Pelican's 220 MB cache file,
which every build loads and every changed build rewrites; yet a rebuild
renders only the few pages whose fingerprint changed.  The reader puts each
body in the store under its digest and leaves only the digest on the
article; pages ask for the body when they are rendered.  A body missing
from the store (the store was deleted) is read again from the article's file.
"""

from __future__ import annotations

import hashlib
import os

from blob_store import BlobStore

FILE_NAME = "bodies.sqlite"
FLUSH_EVERY = 500  # bodies held in memory at most, between writes


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_stores: dict[str, BlobStore] = {}


def store(settings) -> BlobStore:
    """The bodies' store, beside Pelican's cache (in the folder named after the code)."""
    cache_path = settings["CACHE_PATH"]
    if cache_path not in _stores:
        _stores[cache_path] = BlobStore(os.path.join(cache_path, FILE_NAME))
    return _stores[cache_path]


def keep(body_store: BlobStore, source) -> None:
    """Take ``source.html`` into the store and drop it from ``source`` (``html`` becomes None)."""
    if source.html is not None:
        body_store.put(source.html_digest, source.html)
        source.html = None
    if len(body_store.pending) >= FLUSH_EVERY:
        body_store.flush()


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
        keep(body_store, again)
        body_store.flush()
    return html
