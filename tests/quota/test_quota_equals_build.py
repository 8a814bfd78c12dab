"""One rule for "published" (issue 10, item 3; contract section 6): at every commit of a history
holding every kind of broken article, the quota's history walk publishes exactly the articles the
build publishes from that commit's tree.

The build is the real one (tools/build.py, a subprocess) on a checkout of each commit, its clock
at the commit's time; what it published is read from the aggregated feed (every published article
of every unit, contract section 9). Each article's title is its own path, so the feed's titles
name the files.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import zlib

import pytest
from lxml import etree

from factory import UNITS, Province, front_matter, make_image
from quota.history import load_history

A = "{http://www.w3.org/2005/Atom}"
APPROVED = {"thcs-a": "Nguyễn Văn Hiệu", "th-b": "Đỗ Thị Hoa"}
CAPTION = "Học sinh lớp 9A trong giờ học"


def _article(repo: Province, unit: str, name: str, images=(), raw_body: str = "", newline="\n", **fields) -> str:
    rel = f"content/{unit}/{name}"
    values = {"title": rel, "date": "2024-10-01 08:00", "author": "Đoàn Thị Tâm",
              "approved_by": APPROVED[unit], "approved_on": "2024-10-01"}
    values.update(fields)
    body = "Buổi học diễn ra sôi nổi với sự tham gia của toàn thể học sinh.\n" + raw_body
    for image in images:
        body += f'\n![Ảnh]({image} "{CAPTION}")\n'
    text = front_matter(**values) + "\n" + body
    path = repo.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return rel


def _png_header_only(path, width, height):
    """A PNG whose header claims ``width`` x ``height`` (a decompression bomb), with no pixels."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IEND", b""))


def _steps(repo: Province):
    """(commit date, what the commit does) in order: every kind of article the walk must judge as the build."""
    root = repo.root

    def ok_images():
        make_image(root / "content/thcs-a/images/2024/lop-9a.jpg")
        _article(repo, "thcs-a", "2024/binh-thuong.md", images=["/images/2024/lop-9a.jpg"])
        _article(repo, "th-b", "2024/khong-anh.md")

    def broken_images():
        (root / "content/thcs-a/images/2024/van-ban.jpg").write_text("đây không phải ảnh", encoding="utf-8")
        _article(repo, "thcs-a", "2024/anh-la-chu.md", images=["/images/2024/van-ban.jpg"])  # E205
        good = (root / "content/thcs-a/images/2024/lop-9a.jpg").read_bytes()
        (root / "content/thcs-a/images/2024/cat-do.jpg").write_bytes(good[: len(good) // 2])
        _article(repo, "thcs-a", "2024/anh-cat-do.md", images=["/images/2024/cat-do.jpg"])  # E207
        _png_header_only(root / "content/thcs-a/images/2024/qua-lon.png", 20000, 20000)
        _article(repo, "thcs-a", "2024/anh-qua-lon.md", images=["/images/2024/qua-lon.png"])  # E208
        _article(repo, "thcs-a", "2024/thieu-anh.md", images=["/images/2024/sap-co.jpg"])  # E204 for now
        make_image(root / "content/th-b/images/2024/cua-b.jpg")
        os.symlink("../../../th-b/images/2024/cua-b.jpg", root / "content/thcs-a/images/2024/muon.jpg")
        _article(repo, "thcs-a", "2024/anh-cua-truong-khac.md", images=["/images/2024/muon.jpg"])  # E501
        os.symlink("lop-9a.jpg", root / "content/thcs-a/images/2024/lien-ket-trong.jpg")
        _article(repo, "thcs-a", "2024/anh-lien-ket-trong.md", images=["/images/2024/lien-ket-trong.jpg"])
        make_image(root / "content/thcs-a/images/2024/nho.jpg", size=(200, 150))
        _article(repo, "thcs-a", "2024/anh-nho.md", images=["/images/2024/nho.jpg"])  # W604: published

    def broken_texts():
        _article(repo, "thcs-a", "2024/dong-mac-cu.md", newline="\r")  # old-Mac line endings: published
        _article(repo, "thcs-a", "2024/dong-windows.md", newline="\r\n")
        _article(repo, "thcs-a", "2024-09-31-ten-co-ngay.md")  # a dated file name means nothing
        _article(repo, "thcs-a", "2024/chua-duyet.md", approved_by=None)  # E301
        _article(repo, "thcs-a", "2024/nguoi-duyet-la.md", approved_by="Nguyễn Văn Lạ")  # E302
        _article(repo, "thcs-a", "2024/ban-nhap.md", status="draft")  # W605
        _article(repo, "thcs-a", "2024/trung-1.md", slug="trung-ten")  # E105, both
        _article(repo, "thcs-a", "2024/trung-2.md", slug="trung-ten")
        _article(repo, "thcs-a", "2024/ngay-sai.md", date="2024-13-40")  # E104
        _article(repo, "thcs-a", "2024/khong-tieu-de.md", title=None)  # E102
        _article(repo, "thcs-a", "2024/ky-tu-dieu-khien.md", author="Đoàn\x0bTâm")  # E112
        _article(repo, "thcs-a", "2024/tieu-de-dai.md", title="Dài " * 120)  # E113
        (root / "content/thcs-a/2024/windows-1258.md").write_bytes(
            front_matter(title="Bài mã cũ", date="2024-10-01", approved_by="x").encode() + "Thông báo: lịch thi".encode("cp1258", "ignore"))
        _article(repo, "thcs-a", "2024/html-nguy-hiem.md", raw_body="\n<script>alert(1)</script>\n")  # E503
        _article(repo, "thcs-a", "2024/html-dep.md", raw_body="\nChúc mừng em <b>Nguyễn An</b>.\n")
        (root / "content/don-vi-la/2024").mkdir(parents=True)
        (root / "content/don-vi-la/2024/bai.md").write_text(
            front_matter(title="content/don-vi-la/2024/bai.md", date="2024-10-01", approved_by="Ai đó") + "\nNội dung.\n",
            encoding="utf-8")  # E108
        outside = root.parent / f"{root.name}-ngoai.md"
        outside.write_text(front_matter(title="ngoài kho", date="2024-10-01", approved_by=APPROVED["thcs-a"])
                           + "\nNội dung.\n", encoding="utf-8")
        os.symlink(outside, root / "content/thcs-a/2024/lien-ket-ra-ngoai.md")  # E116
        _article(repo, "thcs-a", "2024/hen-gio.md", date="2024-10-20 08:00")  # scheduled: a later commit's clock

    def fixes():
        make_image(root / "content/thcs-a/images/2024/sap-co.jpg")  # E204 resolved
        _article(repo, "thcs-a", "2024/chua-duyet.md")  # approved now
        _article(repo, "thcs-a", "2024/ban-nhap.md", status="published")
        os.remove(root / "content/thcs-a/2024/trung-2.md")  # the slug is unique again
        (root / "content/thcs-a/images/2024/van-ban.jpg").unlink()
        make_image(root / "content/thcs-a/images/2024/van-ban.jpg")  # a real photo now

    def units_change():
        text = UNITS["th-b"] + "retired_on: 2024-09-30\n"  # th-b's article (dated 01/10) goes out: E111
        (root / "units/th-b.yml").write_text(text, encoding="utf-8")
        unit = UNITS["thcs-a"].replace("Nguyễn Văn Hiệu", "Nguyễn Văn Lạ")  # the approver list changes
        (root / "units/thcs-a.yml").write_text(unit, encoding="utf-8")

    return [("2024-10-02T09:00:00+07:00", ok_images), ("2024-10-03T09:00:00+07:00", broken_images),
            ("2024-10-04T09:00:00+07:00", broken_texts), ("2024-10-21T09:00:00+07:00", fixes),
            ("2024-10-22T09:00:00+07:00", units_change)]


def _published_by_build(repo: Province, tree, when: str, output) -> set[str]:
    env_now = os.environ.get("PUBLICATION_NOW")
    os.environ["PUBLICATION_NOW"] = when
    try:
        checkout = Province.__new__(Province)
        checkout.root = tree
        result = checkout.run_build(output)
    finally:
        if env_now is None:
            del os.environ["PUBLICATION_NOW"]
        else:
            os.environ["PUBLICATION_NOW"] = env_now
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    feed = etree.parse(str(output / "feeds" / "all.atom.xml"))
    return {entry.findtext(f"{A}title") for entry in feed.iter(f"{A}entry")}


def test_quota_counts_what_the_build_publishes_at_every_commit(tmp_path):
    repo = Province(tmp_path / "kho")
    repo.git("init", "-q", "-b", "main")
    repo.git("add", "-A", date="2024-10-01T07:00:00+07:00")
    repo.git("commit", "-q", "-m", "units", date="2024-10-01T07:00:00+07:00")
    steps = _steps(repo)
    for when, step in steps:
        step()
        repo.git("add", "-A", date=when)
        repo.git("commit", "-q", "-m", step.__name__, date=when)
    history = load_history(repo.root, use_cache=False)
    assert len(history.shas) == len(steps) + 1
    kinds_met = set()
    for index, (when, step) in enumerate(steps, start=1):
        tree = tmp_path / f"tree-{index}"
        repo.git("worktree", "add", "-q", "--detach", str(tree), history.shas[index])
        # a worktree's content/ holds what the commit holds; the link out of the repository points
        # where it pointed from the repository itself (next to it), as in a fresh clone
        built = _published_by_build(repo, tree, when, tmp_path / f"out-{index}")
        clock = dt.datetime.fromisoformat(when).timestamp()
        counted = {path for path, _, published_at, *_ in history.state_at(index) if published_at <= clock}
        assert counted == built, f"commit {index} ({step.__name__}): quota only {sorted(counted - built)}, build only {sorted(built - counted)}"
        kinds_met.add(step.__name__)
    # what the history showed on the way: the fixes were counted, the broken ones never
    last = {path for path, *_ in history.state_at(len(steps) - 1)}
    assert "content/thcs-a/2024/thieu-anh.md" in last and "content/thcs-a/2024/anh-la-chu.md" in last
    assert "content/thcs-a/2024/anh-cua-truong-khac.md" not in last
    assert "content/th-b/2024/khong-anh.md" in last
    assert "content/th-b/2024/khong-anh.md" not in {p for p, *_ in history.state_at(len(steps))}  # retired before its date
    assert "content/thcs-a/2024/dong-mac-cu.md" in {p for p, *_ in history.state_at(3)}
