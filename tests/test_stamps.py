"""The file stamps memo: a file is hashed again only when its size, mtime or inode moved."""

from __future__ import annotations

import hashlib
import os

from article_reader.stamps import StampMemo


def _counting_sha256(calls):
    def hash_file(filename):
        calls.append(filename)
        with open(filename, "rb") as handle:
            return hashlib.sha256(handle.read()).digest()
    return hash_file


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(tmp_path):
    article = tmp_path / "a.md"
    article.write_text("một", encoding="utf-8")
    calls = []
    first = StampMemo(str(tmp_path / "cache"), _counting_sha256(calls))
    stamp = first(str(article))
    assert stamp == hashlib.sha256("một".encode()).digest()
    first.save()
    second = StampMemo(str(tmp_path / "cache"), _counting_sha256(calls))  # the next build
    assert second(str(article)) == stamp and calls == [str(article)]
    article.write_text("hai", encoding="utf-8")  # same size: the mtime tells
    status = article.stat()
    os.utime(article, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))
    assert second(str(article)) == hashlib.sha256("hai".encode()).digest()
    assert len(calls) == 2


def _stamped(tmp_path, text: str):
    """A file, a memo that counts the files it hashes, and the file's first stamp."""
    article = tmp_path / "a.md"
    article.write_text(text, encoding="utf-8")
    calls = []
    memo = StampMemo(str(tmp_path / "cache"), _counting_sha256(calls))
    return article, memo, calls, memo(str(article))


def test_a_fresh_clone_with_new_mtimes_gets_the_same_stamps(tmp_path):
    article, memo, calls, before = _stamped(tmp_path, "nội dung")
    article.unlink()
    article.write_text("nội dung", encoding="utf-8")  # a new file, as git clone writes it
    assert memo(str(article)) == before and len(calls) == 2  # hashed again, same digest


def test_an_mtime_set_back_does_not_hide_an_edit(tmp_path):
    article, memo, calls, _ = _stamped(tmp_path, "một")
    status = article.stat()
    article.write_text("hai", encoding="utf-8")  # same size, then the old mtime, as cp -p leaves it
    os.utime(article, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert memo(str(article)) == hashlib.sha256("hai".encode()).digest() and len(calls) == 2
