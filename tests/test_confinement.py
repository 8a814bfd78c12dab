"""Front matter and folder names cannot make a file appear outside its unit's site.

One build of a province whose articles try: save_as, url, template, a unit
key, slugs that climb out (../../x, ../so/index), folders of content/ named
like the build's own output paths (feeds, bai-viet, the, tin-don-vi), and a
sub-folder named like another unit.  After the build every file lies in
output/, every article page and image lies in its own unit's folder
(output/<unit>/, the Sở's at output/bai-viet/ and output/so/), a unit's site
shows only its own articles, and each offending file is reported.
"""

from __future__ import annotations

from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

from article_reader import read_source
from factory import Province
from helpers_problems import article, marker_of, output_files, page_links, page_text, parse_problems, setup_units

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# (repository path, front-matter fields, expected "line: CODE" or None when it is published)
FILES = [
    ("content/thcs-a/2024/save-as.md", {"extra": {"save_as": "../../x.html"}}, "7: E101"),
    ("content/thcs-a/2024/url.md", {"extra": {"url": "../../x.html"}}, "7: E101"),
    ("content/thcs-a/2024/template.md", {"extra": {"template": "../../../etc/passwd"}}, "7: E101"),
    ("content/thcs-a/2024/unit.md", {"extra": {"unit": "so"}}, "7: E101"),
    ("content/thcs-a/2024/site.md", {"extra": {"site": "th-b/"}}, "7: E101"),
    ("content/thcs-a/2024/slug-up.md", {"slug": "../../x"}, "7: E107"),
    ("content/thcs-a/2024/slug-so.md", {"slug": "../so/index"}, "7: E107"),
    ("content/thcs-a/2024/slug-abs.md", {"slug": "/x"}, "7: E107"),
    ("content/feeds/atom.md", {}, "1: E108"),
    ("content/bai-viet/trang-chu.md", {}, "1: E108"),
    ("content/the/tin-tuc.md", {}, "1: E108"),
    ("content/tin-don-vi/bai.md", {}, "1: E108"),
    ("content/quota/quota.md", {}, "1: E108"),
    ("content/Thcs-A/bai.md", {}, "1: E108"),
    # published, but inside thcs-a's own site
    ("content/thcs-a/th-b/bai-cua-thcs-a.md", {"title": "Bài của THCS A trong thư mục th-b"}, None),
    ("content/thcs-a/so/bai-trong-thu-muc-so.md", {"title": "Bài của THCS A trong thư mục so"}, None),
    ("content/thcs-a/bai-viet/bai.md", {"title": "Bài của THCS A trong thư mục bai-viet"}, None),
    ("content/thcs-a/2024/ten-la.md", {"title": "../../index", "category": "../../feeds",
                                       "tags": ["../../../the", "/tmp/x"]}, None),
    ("content/th-b/2024/bai.md", {"title": "Bài của Tiểu học B"}, None),
    ("content/so/2024/bai.md", {"title": "Bài của Sở", "slug": "index"}, None),
]
PAGES = [
    ("content/thcs-a/pages/save-as.md", "---\ntitle: Giới thiệu\nsave_as: ../index.html\n---\n\nTrang {marker}.\n",
     "3: E101"),
    ("content/thcs-a/pages/slug.md", "---\ntitle: Liên hệ\nslug: ../../index\n---\n\nTrang {marker}.\n", "3: E107"),
    ("content/thcs-a/pages/lien-he.md", "---\ntitle: Liên hệ với trường\n---\n\nTrang {marker}.\n", None),
]


def _unit(rel: str) -> str:
    return rel.split("/")[1]


def _site(unit: str) -> str:
    return "" if unit == "so" else f"{unit}/"


def _snapshot(folder, skip) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")
            if not any(p == s or s in p.parents for s in skip)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    top = tmp_path_factory.mktemp("confinement")
    province = Province(top / "repo")
    setup_units(province)
    files = []
    for rel, fields, expected in FILES:
        unit = _unit(rel) if _unit(rel) in ("thcs-a", "th-b", "so") else "thcs-a"
        text = article(unit, marker=marker_of(rel), **fields)
        province.write(rel, text)
        files.append(SimpleNamespace(rel=rel, unit=_unit(rel), marker=marker_of(rel), expected=expected,
                                     slug=read_source(rel, text, ZONE).slug, page=False))
    for rel, text, expected in PAGES:
        province.write(rel, text.replace("{marker}", marker_of(rel)))
        files.append(SimpleNamespace(rel=rel, unit=_unit(rel), marker=marker_of(rel), expected=expected,
                                     slug=None, page=True))
    output = province.root / "output"
    skip = [output, province.root / "cache", output.with_name("output.new"), output.with_name("output.old"),
            output.with_name("output.trees")]
    before = _snapshot(top, skip)
    result = province.run_build(output)
    assert result.returncode == 0, result.stderr
    after = _snapshot(top, skip)
    texts = {p: page_text(p) for p in output_files(output) if p.suffix in (".html", ".xml")}
    return SimpleNamespace(province=province, output=output, result=result, files=files, texts=texts,
                           new_outside=sorted(after - before),
                           reported=[p.text for p in parse_problems(result.stderr)])


def test_nothing_is_written_outside_output(built):
    assert built.new_outside == []
    for path in output_files(built.output):
        assert not path.is_symlink(), path
        assert built.output.resolve() in path.resolve().parents


@pytest.mark.parametrize("rel,expected", [(r, e) for r, _, e in FILES if e] + [(r, e) for r, _, e in PAGES if e])
def test_offending_file_is_reported(built, rel, expected):
    assert any(line.startswith(f"{rel}:{expected} ") for line in built.reported), \
        f"{rel}:{expected} not in:\n" + "\n".join(built.reported)


def test_offending_files_reach_no_page_or_feed(built):
    for item in built.files:
        if item.expected is None:
            continue
        shown = [str(p.relative_to(built.output)) for p, text in built.texts.items() if item.marker in text]
        assert shown == [], item.rel


def test_article_pages_lie_in_their_units_folder(built):
    published = [f for f in built.files if f.expected is None and not f.page]
    expected = {f"{_site(f.unit)}bai-viet/{f.slug}.html" for f in published}
    found = {str(p.relative_to(built.output)) for p in output_files(built.output) if p.parent.name == "bai-viet"}
    assert found == expected
    for item in published:
        page = built.output / f"{_site(item.unit)}bai-viet/{item.slug}.html"
        assert item.marker in built.texts[page], item.rel
    pages = {str(p.relative_to(built.output)) for p in output_files(built.output) if p.parent.name == "trang"}
    assert pages == {"thcs-a/trang/lien-he-voi-truong.html"}


def test_images_lie_in_their_units_folder(built):
    units = {"so", "van-phong", "phong-gddt-a", "thcs-a", "th-b"}
    for path in output_files(built.output):
        parts = path.relative_to(built.output).parts
        if "images" in parts:
            assert parts[0] in units and parts[1] == "images", parts


def test_a_unit_site_shows_only_its_own_articles(built):
    by_marker = {f.marker: f for f in built.files}
    for path, text in built.texts.items():
        parts = path.relative_to(built.output).parts
        if parts[0] not in ("thcs-a", "th-b", "phong-gddt-a"):
            continue
        for marker, item in by_marker.items():
            if marker in text:
                assert item.unit == parts[0], (str(path.relative_to(built.output)), item.rel)


def test_odd_titles_categories_and_tags_stay_in_the_unit(built):
    odd = next(f for f in built.files if f.rel.endswith("ten-la.md"))
    assert odd.slug == "index"
    holders = {str(p.relative_to(built.output)) for p, text in built.texts.items() if odd.marker in text}
    assert "thcs-a/bai-viet/index.html" in holders
    assert "thcs-a/chuyen-muc/feeds/index.html" in holders
    tag_page = built.output / "thcs-a/the/index.html"
    assert str(built.output / "thcs-a/bai-viet/index.html") in page_links(tag_page)
    assert lxml_html.parse(str(tag_page)).getroot().get_element_by_id("tu-khoa-the") is not None
    assert not (built.output / "feeds/index.html").exists()
    assert not (built.output / "the/index.html").exists()
