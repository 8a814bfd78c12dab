"""Reading a content file from disk: the one confinement rule, for articles and images alike.

Nothing outside a unit's folder is read as its content (contract sections 2 and 8): a file
is the unit's own when its real path (symbolic links followed) lies under the real path of
``content/`` joined with the unit's folder name.  So a Markdown file or an image that is a
link out of the repository, a linked folder, and a unit folder linked to another unit's
folder are all refused, in the build and in `make check` alike (both call this module).
A named pipe, socket or device named ``x.md`` is never opened (opening a pipe waits for a
writer for ever).
"""

from __future__ import annotations

import functools
import os
import stat

from .source import MAX_ARTICLE_BYTES, Source, nfc, read_bytes, too_large, unreadable

_KINDS = ((stat.S_ISFIFO, "một ống dẫn (named pipe)"), (stat.S_ISSOCK, "một socket"),
          (stat.S_ISCHR, "một thiết bị"), (stat.S_ISBLK, "một thiết bị"), (stat.S_ISDIR, "một thư mục"))


@functools.lru_cache(maxsize=64)
def _real_content(content_root: str) -> str:
    return os.path.realpath(content_root)


def inside_unit(content_root: str, relative: str) -> bool:
    """Is ``content_root/relative`` (``relative`` = "<unit>/...", as on disk) the unit's own
    file: its real path under ``realpath(content_root)/<unit>/``?  One ``realpath`` only when
    the path holds a link (``os.path.realpath`` of a plain path costs an lstat a part)."""
    unit = relative.split("/", 1)[0]
    allowed = os.path.join(_real_content(content_root), unit) + os.sep
    return os.path.realpath(os.path.join(content_root, relative)).startswith(allowed)


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "một mục đặc biệt")


def read_article(content_root: str, absolute_path: str, zone) -> tuple[Source, bytes | None]:
    """The Source of an article or page file, and its bytes (None when it was not read):
    refused when it is not the unit's own file (E116), not a regular file (E117) or too
    large (E115, known from its size before reading); else :func:`source.read_bytes`."""
    relative = os.path.relpath(absolute_path, content_root).replace(os.sep, "/")
    path = "content/" + relative
    name = relative.rsplit("/", 1)[-1]
    unit = relative.split("/", 1)[0] if "/" in relative else "<mã-đơn-vị>"
    if "/" in relative and not inside_unit(content_root, relative):
        return unreadable(path, "E116", 1, {"name": nfc(name), "unit": unit}), None
    try:
        status = os.stat(absolute_path)
    except OSError as exc:  # a link to nothing
        return unreadable(path, "E117", 1, {"name": nfc(name), "kind": f"một liên kết hỏng ({exc.strerror})"}), None
    kind = special_kind(status.st_mode)
    if kind is not None:
        return unreadable(path, "E117", 1, {"name": nfc(name), "kind": kind}), None
    if status.st_size > MAX_ARTICLE_BYTES:  # known before reading: a huge file is never read whole
        return too_large(path, status.st_size), None
    with open(absolute_path, "rb") as handle:
        data = handle.read(MAX_ARTICLE_BYTES + 1)  # a file that grew since: read_bytes sees it
    return read_bytes(path, data, zone), data
