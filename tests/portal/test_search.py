"""Search (Pagefind) on real builds, typed into the real search page in Chromium: a query
without marks finds words with them, đ included; a word typed with its marks finds only
those; only pages that hold every word typed; each unit's index holds that unit only, the
portal's every unit; an index is made again only when its site changed; without Pagefind
the build says so and goes on."""

from __future__ import annotations

import os
import re
import urllib.request
from pathlib import Path

import pytest

from output.test_accessibility import browser, served  # noqa: F401 (browser: a fixture, shared)

pytestmark = pytest.mark.browser

STATUS = "#tim-kiem-trang-thai"
DONE = ("() => /^(Có|Không|Chưa)/.test(document.querySelector('#tim-kiem-trang-thai').textContent)")


def _province(province):
    province.article("thcs-a", "2024/doi-moi.md", title="Đổi mới sinh hoạt chuyên môn",
                     body="Tổ Toán dự giờ và cùng bàn cách dạy.\n", image=False)
    province.article("thcs-a", "2024/doi-bong.md", title="Đội bóng mới của trường",
                     body="Đội bóng đá nữ vừa được thành lập.\n", image=False)
    province.article("thcs-a", "2024/sach.md", title="Mỗi ngày một cuốn sách",
                     body="Thư viện mở cửa mỗi ngày cho học sinh.\n", image=False)
    province.article("th-b", "2024/doi-moi-b.md", title="Đổi mới cách đánh giá học sinh tiểu học",
                     body="Giáo viên nhận xét thay cho điểm số.\n", image=False)


def _search(browser, base: str, path: str, query: str) -> tuple[str, list[tuple[str, str]]]:
    """The status line and the results (title, address) the page shows for ``query`` typed in."""
    page = browser.new_page(viewport={"width": 360, "height": 800})
    try:
        page.goto(base + path)
        page.locator("#tu-khoa").press_sequentially(query)
        page.wait_for_function(DONE)
        page.wait_for_function(f"() => document.querySelector('{STATUS}').textContent.includes({query!r})")
        results = [(a.inner_text(), a.evaluate("a => a.href")) for a in page.locator("#tim-kiem-ket-qua a").all()]
        return page.inner_text(STATUS), results
    finally:
        page.close()


def test_a_query_without_marks_finds_words_with_them_on_a_unit_site_and_the_portal(province, browser, monkeypatch):
    _province(province)
    out = province.build()
    with served(out) as base:
        status, results = _search(browser, base, "thcs-a/tim-kiem/", "doi moi")
        titles = [title for title, _ in results]
        assert titles[0] == "Đổi mới sinh hoạt chuyên môn", status  # the words together come first
        assert "Mỗi ngày một cuốn sách" not in titles  # "mỗi" alone is not "doi moi"
        assert "Đổi mới cách đánh giá học sinh tiểu học" not in titles  # another unit's site
        for _, address in results:  # each result leads to its page
            assert urllib.request.urlopen(address).status == 200

        # a word whose only mark is đ: Pagefind alone finds nothing for it (its own folding keeps đ)
        status, results = _search(browser, base, "thcs-a/tim-kiem/", "doi")
        assert {"Đổi mới sinh hoạt chuyên môn", "Đội bóng mới của trường"} <= {title for title, _ in results}

        status, results = _search(browser, base, "thcs-a/tim-kiem/", "Đổi mới")
        assert [title for title, _ in results] == ["Đổi mới sinh hoạt chuyên môn"]  # not "Đội ... mới"

        status, results = _search(browser, base, "tim-kiem/", "doi moi")
        titles = [title for title, _ in results]
        assert {"Đổi mới sinh hoạt chuyên môn", "Đổi mới cách đánh giá học sinh tiểu học"} <= set(titles)
        assert "Mỗi ngày một cuốn sách" not in titles
        for _, address in results:
            assert urllib.request.urlopen(address).status == 200

        status, results = _search(browser, base, "tim-kiem/", "khong co tu nay")
        assert results == [] and status.startswith("Không tìm thấy bài nào")


def _bundle(out: Path, site: str) -> dict[str, int]:
    folder = out / site / "tim-kiem" / "pagefind"
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _search_line(result) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith("Tìm kiếm:"))


def test_only_the_indexes_of_sites_that_changed_are_made_again(province):
    _province(province)
    out = province.build()
    first = province.run_build()
    assert re.search(r"lập chỉ mục 0 trang web, giữ nguyên 3", _search_line(first)), first.stdout
    school, other, portal = _bundle(out, "thcs-a"), _bundle(out, "th-b"), _bundle(out, "")
    assert "pagefind.js" in school and "pagefind-ui.js" not in school  # Pagefind's own interface unused
    province.article("thcs-a", "2024/moi.md", title="Hội thi viết chữ đẹp", image=False)
    second = province.run_build()
    assert second.returncode == 0
    assert re.search(r"lập chỉ mục 2 trang web, giữ nguyên 1", _search_line(second)), second.stdout
    assert _bundle(out, "th-b") == other  # its files not even written again
    assert _bundle(out, "thcs-a") != school and _bundle(out, "") != portal


def test_without_pagefind_the_build_says_so_and_goes_on(province, monkeypatch):
    _province(province)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(province.root / "khong-co" / "pagefind"))
    result = province.run_build()
    assert result.returncode == 0, result.stderr
    line = _search_line(result)
    assert "chưa lập được chỉ mục" in line and "make setup" in line, line
    out = province.root / "output"
    assert (out / "thcs-a" / "tim-kiem" / "index.html").is_file()
    assert not (out / "thcs-a" / "tim-kiem" / "pagefind").exists()
    assert (out / "thcs-a" / "index.html").is_file()
