"""The quota pages of `make demo` in a real browser: axe-core finds no violation, nothing scrolls sideways
on a 360 px phone, the chart's labels are at least 12 px, the filters work without any script, and a
quarter's report prints on A4 landscape with its header row on every page (Chromium's PDF, poppler)."""

from __future__ import annotations

import subprocess

import pytest

from output.test_accessibility import _axe_source, _describe, _open, browser, served  # noqa: F401
from tooling import require

pytestmark = pytest.mark.browser

PAGES = ["quota/", "quota/quy-2026-Q4/", "quota/quy-2025-Q2/", "xa-tan-hong/dinh-muc/"]


@pytest.fixture(scope="module")
def demo_site(quota_demo):
    with served(quota_demo) as base:
        yield base


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_no_violation_on_the_quota_pages(browser, demo_site, path, width):
    require("axe-core")
    context, page, _ = _open(browser, demo_site, path, width)
    try:
        page.add_script_tag(content=_axe_source())
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
    finally:
        context.close()
    if result["violations"]:
        pytest.fail(f"axe-core on /{path} at {width} px:\n" + _describe(result["violations"]), pytrace=False)
    assert scroll_width <= width, f"/{path} is {scroll_width} px wide at {width} px"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_chart_labels_are_readable(browser, demo_site, width):
    context, page, _ = _open(browser, demo_site, "quota/", width)
    try:
        sizes = page.evaluate("""() => [...document.querySelectorAll(
            '.quota-chart__count, .quota-chart__m, .quota-chart__y, .quota-cell__period, .quota-cell__state')]
            .filter(e => e.getClientRects().length).map(e => parseFloat(getComputedStyle(e).fontSize))""")
        bars = page.evaluate("() => document.querySelectorAll('.quota-chart__month').length")
    finally:
        context.close()
    assert bars >= 12 and sizes and min(sizes) >= 12, (bars, min(sizes or [0]))


def test_the_filters_hide_groups_with_nothing_left_and_say_when_nothing_matches(browser, demo_site):
    context, page, _ = _open(browser, demo_site, "quota/", 1280)
    try:
        def shown(selector):
            return page.evaluate(f"() => [...document.querySelectorAll('{selector}')]"
                                 ".filter(e => e.getClientRects().length).length")

        groups, rows = shown(".quota-group"), shown(".quota-row")
        assert shown(".quota-empty") == 0
        page.click("label[for=loc-loai-truong]")
        schools = page.evaluate("() => document.querySelectorAll('.quota-row.k-truong').length")
        assert shown(".quota-row") == schools < rows
        assert shown(".quota-group") == page.evaluate("() => document.querySelectorAll('.quota-group.has-truong').length") < groups
        assert shown(".quota-totals") == shown(".quota-totals.t-truong") == shown(".quota-group")
        page.click("label[for=loc-cap-tren-so]")  # the Sở manages no school directly
        assert shown(".quota-group") == 0 and shown(".quota-empty") == 1
        page.click("label[for=loc-loai-tat-ca]")
        assert shown(".quota-group") == 1 and shown(".quota-empty") == 0
    finally:
        context.close()


def test_a_quarter_prints_on_a4_landscape_with_its_header_on_every_page(browser, demo_site, tmp_path):
    require("pdftoppm")
    context, page, _ = _open(browser, demo_site, "quota/quy-2026-Q4/", 1280)
    try:
        page.pdf(path=str(tmp_path / "quy.pdf"), prefer_css_page_size=True)
    finally:
        context.close()
    info = subprocess.run(["pdfinfo", str(tmp_path / "quy.pdf")], capture_output=True, text=True, check=True).stdout
    assert "841.92 x 594.96 pts (A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2  # the demo's report runs over a page: the header row must come again
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(tmp_path / "quy.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "Số bài phải" in text, f"page {number} has no header row"
        assert "Trang chủ" not in text and "Danh bạ đơn vị" not in text  # the site's menus are not printed
    first = subprocess.run(["pdftotext", "-l", "1", str(tmp_path / "quy.pdf"), "-"], capture_output=True, text=True).stdout
    assert "BÁO CÁO SỐ LƯỢNG TIN, BÀI, ẢNH QUÝ IV/2026" in first and "số liệu tạm tính" in first
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(tmp_path / "quy.pdf"), str(tmp_path / "quy")],
                   check=True)
    assert list(tmp_path.glob("quy*.png"))


@pytest.mark.tools
def test_the_quota_pages_of_make_demo_are_valid_html(quota_demo):
    require("java")
    require("vnu")
    from tooling import VNU_JAR

    pages = [str(quota_demo / path / "index.html") for path in PAGES]
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", *pages], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
