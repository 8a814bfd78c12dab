"""One province, one unit with an article broken in each way, built once.

Every broken article must be missing from every page and feed (the unit's
home, lists and feed, the portal's lists and feeds) and be reported in the
build's output with its code; every good article, of that unit and of the
others, must still be published: its page, its unit's home page, its unit's
feed and feeds/all.atom.xml.
"""

from __future__ import annotations

from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from article_reader import read_source
from factory import Province
from helpers_problems import (article, article_cases, feed_links, marker_of, not_image_case, output_files,
                              page_links, page_text, parse_problems, setup_units)

BROKEN_NAMES = [
    "e101-save-as",        # unknown key
    "e102-missing",        # no title
    "e103-missing",        # no date
    "e104-slash",          # date not year-month-day
    "e105-title-a",        # two articles, one slug
    "e105-title-b",
    "e201-body",           # image without caption
    "e202-body",           # caption too short
    "e203-name",           # caption is the file name
    "e204-missing",        # image file missing
    "e205-not-image",      # a text file named .jpg
    "e301-missing",        # no approved_by
    "e302-other-unit",     # approver of another unit
    "e303-words",          # approved_on not a date
    "e501-other-unit",     # image path leaving the unit's folder
    "e502-https",          # remote image
    "e503-script",         # raw <script>
    "e504-javascript",     # javascript: link
]
_CASES = {c.name: c for c in article_cases() + [not_image_case()]}
BROKEN = [_CASES[name] for name in BROKEN_NAMES]

# (unit, file, title, extra fields): published articles, in thcs-a and elsewhere
GOOD = [
    ("thcs-a", "2024/hoi-thi.md", "Hội thi giáo viên dạy giỏi cấp trường", {}),
    ("thcs-a", "2024/trong-cay.md", "Học sinh trồng cây đầu xuân", {"date": "2024-10-02"}),
    ("thcs-a", "2023/khai-giang.md", "Lễ khai giảng năm học 2023-2024", {"date": "2023-09-05 07:30",
                                                                           "send_to_so": True}),
    ("thcs-a", "2024/chu-de.md", "Sinh hoạt chủ đề Ngày Nhà giáo", {"category": "Hoạt động giáo dục",
                                                                    "tags": ["20-11", "tri ân"]}),
    ("th-b", "2024/vui-trung-thu.md", "Vui Tết Trung thu cùng các em", {"date": "2024-09-17"}),
    ("th-b", "2024/hop-phu-huynh.md", "Họp phụ huynh học sinh đầu năm", {}),
    ("so", "2024/hoi-nghi.md", "Hội nghị tổng kết năm học của Sở", {}),
    ("van-phong", "2024/thong-bao.md", "Thông báo lịch làm việc của Văn phòng", {}),
    ("phong-gddt-a", "2024/chuyen-de.md", "Chuyên đề đổi mới sinh hoạt tổ chuyên môn", {}),
]
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _site(unit: str) -> str:
    return "" if unit == "so" else f"{unit}/"


def _home(unit: str) -> str:
    return f"{_site(unit)}index.html"


def _feed(unit: str) -> str:
    return f"{_site(unit)}feeds/atom.xml"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    province = Province(tmp_path_factory.mktemp("broken") / "repo")
    setup_units(province)
    for case in BROKEN:
        case.write(province)
    good = []
    for unit, name, title, fields in GOOD:
        rel = f"content/{unit}/{name}"
        text = article(unit, marker=marker_of(rel), title=title, **fields)
        province.write(rel, text)
        good.append(SimpleNamespace(unit=unit, rel=rel, marker=marker_of(rel),
                                    slug=read_source(rel, text, ZONE).slug))
    result = province.run_build()
    assert result.returncode == 0, result.stderr
    output = province.root / "output"
    texts = {path: page_text(path) for path in output_files(output) if path.suffix in (".html", ".xml")}
    return SimpleNamespace(province=province, result=result, output=output, texts=texts, good=good,
                           reported={p.text for p in parse_problems(result.stderr)})


def _slug(province, case) -> str:
    return read_source(case.path, (province.root / case.path).read_text(encoding="utf-8"), ZONE).slug


def test_the_pages_and_feeds_that_must_not_show_them_exist(built):
    for rel in ("index.html", "tin-don-vi/index.html", "feeds/all.atom.xml", "feeds/atom.xml",
                "thcs-a/index.html", "thcs-a/feeds/atom.xml", "thcs-a/luu-tru/index.html",
                "thcs-a/luu-tru/2024/index.html", "thcs-a/chuyen-muc/tin-tuc/index.html"):
        assert (built.output / rel).is_file(), rel


@pytest.mark.parametrize("case", BROKEN, ids=lambda c: c.name)
def test_broken_article_is_reported_and_published_nowhere(built, case):
    assert any(line.startswith(case.prefix) for line in built.reported), \
        f"{case.prefix!r} not in the build's output:\n{built.result.stderr}"
    shown = sorted(str(p.relative_to(built.output)) for p, text in built.texts.items() if case.marker in text)
    assert shown == []
    slug = _slug(built.province, case)
    named = [p for p in output_files(built.output) if slug in p.name]
    assert named == []
    for path in built.texts:
        if path.suffix == ".xml":
            assert not any(link.endswith(f"/{slug}.html") for link in feed_links(path)), path
        else:
            assert not any(link.endswith(f"/{slug}.html") for link in page_links(path)), path


def test_every_good_article_is_published(built):
    all_feed = feed_links(built.output / "feeds/all.atom.xml")
    for good in built.good:
        page = built.output / f"{_site(good.unit)}bai-viet/{good.slug}.html"
        assert page.is_file(), good.rel
        assert good.marker in built.texts[page]
        assert str(page) in page_links(built.output / _home(good.unit)), (good.rel, _home(good.unit))
        own_feed = feed_links(built.output / _feed(good.unit))
        assert any(link.endswith(f"/{_site(good.unit)}bai-viet/{good.slug}.html") for link in own_feed), good.rel
        assert any(link.endswith(f"/{_site(good.unit)}bai-viet/{good.slug}.html") for link in all_feed), good.rel


def test_the_unit_lists_exactly_its_good_articles(built):
    home = built.output / "thcs-a/index.html"
    listed = {link for link in page_links(home) if "/thcs-a/bai-viet/" in link}
    expected = {str(built.output / f"thcs-a/bai-viet/{g.slug}.html") for g in built.good if g.unit == "thcs-a"}
    assert listed == expected
    articles = sorted(p.name for p in (built.output / "thcs-a/bai-viet").iterdir())
    assert articles == sorted(p.rsplit("/", 1)[-1] for p in expected)
    feed = [link.rsplit("/", 1)[-1] for link in feed_links(built.output / "thcs-a/feeds/atom.xml")]
    assert sorted(feed) == articles
    all_feed = feed_links(built.output / "feeds/all.atom.xml")
    assert len(all_feed) == len(built.good)


def test_the_portal_stream_has_the_article_sent_to_the_so(built):
    links = feed_links(built.output / "feeds/atom.xml")
    sent = next(g for g in built.good if g.rel.endswith("khai-giang.md"))
    assert any(link.endswith(f"/thcs-a/bai-viet/{sent.slug}.html") for link in links)
    assert not any("/th-b/" in link for link in links)


def test_every_broken_article_is_an_error_of_the_build(built):
    codes = {line.split(": ", 2)[1].split()[0] for line in built.reported
             if line.startswith(tuple(c.path + ":" for c in BROKEN))}
    assert {c.code for c in BROKEN} <= codes
