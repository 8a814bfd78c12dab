"""Reproducible output: two clean builds of one commit on one as-of day, in different
folders at different times, give the same bytes (issue #12).

The demo province is committed (fixed dates) and cloned twice; each clone is built with
the publishing settings, a few seconds apart, and every output file is compared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from factory import CODE_ROOT

NOW = "2024-11-20T09:00:00+07:00"   # the as-of day of both builds
SITEURL = "https://so.thu-nghiem.example.vn"
GIT_DATE = "2024-11-01T09:00:00+07:00"


def committed_demo(folder: Path) -> Path:
    """This repository's units/ and content/ as the one commit of a new repository."""
    source = folder / "source"
    for part in ("units", "content"):
        shutil.copytree(CODE_ROOT / part, source / part)
    env = dict(os.environ, GIT_AUTHOR_DATE=GIT_DATE, GIT_COMMITTER_DATE=GIT_DATE, GIT_AUTHOR_NAME="Văn phòng",
               GIT_AUTHOR_EMAIL="vp@example.edu.vn", GIT_COMMITTER_NAME="Văn phòng",
               GIT_COMMITTER_EMAIL="vp@example.edu.vn")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Nội dung"]):
        subprocess.run(["git", "-C", str(source), *args], check=True, env=env)
    return source


def clone_and_build(source: Path, into: Path, **extra_env) -> Path:
    subprocess.run(["git", "clone", "-q", str(source), str(into)], check=True)
    return build(into, **extra_env)


def build(into: Path, **extra_env) -> Path:
    """A build of the repository at ``into`` with the publishing settings (again: incremental)."""
    env = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"), PUBLICATION_NOW=NOW, SITEURL=SITEURL,
               **extra_env)
    if "SOURCE_DATE_EPOCH" not in extra_env:  # the first test's builds: the as-of day is the time
        env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.run([sys.executable, str(CODE_ROOT / "tools" / "build.py"), "--settings",
                           str(CODE_ROOT / "publishconf.py"), "--root", str(into)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return into / "output"


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_two_clean_builds_in_different_folders_at_different_times_are_byte_identical(tmp_path):
    source = committed_demo(tmp_path)
    first = tree_bytes(clone_and_build(source, tmp_path / "a" / "kho"))
    time.sleep(2.1)  # zip entries and workbook properties count seconds (in twos)
    second = tree_bytes(clone_and_build(source, tmp_path / "thu-muc-khac" / "ban-sao"))
    assert "quota/quota.xlsx" in first and "index.html" in first
    assert sorted(first) == sorted(second)
    differ = [path for path in first if first[path] != second[path]]
    assert differ == []
    for path, data in first.items():  # no absolute local path of either build
        assert str(tmp_path).encode() not in data, path


def test_source_date_epoch_is_the_workbooks_time(tmp_path):
    source = committed_demo(tmp_path)
    output = clone_and_build(source, tmp_path / "kho", SOURCE_DATE_EPOCH="1732060800")  # 2024-11-20 00:00 UTC
    with zipfile.ZipFile(output / "quota" / "quota.xlsx") as book:
        assert {info.date_time for info in book.infolist()} == {(2024, 11, 20, 0, 0, 0)}
        core = book.read("docProps/core.xml").decode()
    assert "2024-11-20T00:00:00Z" in core
    from openpyxl import load_workbook

    workbook = load_workbook(output / "quota" / "quota.xlsx")
    assert workbook.properties.modified.isoformat() == "2024-11-20T00:00:00"
