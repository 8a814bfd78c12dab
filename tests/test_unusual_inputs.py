"""Five inputs that once stopped a province's build or vanished without a word (issue 10), in one
real province, checked by `make check` and by the build that publishes everything else.

- a unit's name with a vertical tab (lxml refused it while writing every feed);
- a tag of 150 characters (it became a folder name: "File name too long");
- a file named like Pelican's dated file names, with an impossible day (Pelican dropped it with
  "Could not process" and `make check` said all was well);
- a unit's folder that is a symbolic link to another unit's folder (the build followed it, the
  check did not);
- a site with no article, whose feed's <updated> must not be the build's time.
"""

from __future__ import annotations

import os

import pytest
from lxml import etree, html as lxml_html

from factory import UNITS, Province
from helpers_problems import output_files, parse_problems

A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    units = dict(UNITS)
    units["th-b"] = units["th-b"].replace("name: Trường Tiểu học B", "name: Trường Tiểu học\x0b B")
    repo = Province(tmp_path_factory.mktemp("unusual"), units)
    repo.article("thcs-a", "2024/bai-thuong.md", title="Bài bình thường của trường")
    repo.article("thcs-a", "2024/tu-khoa-dai.md", title="Bài có từ khóa dài", tags=["a" * 150, "khai giảng"])
    repo.article("thcs-a", "2024-09-31-khai-giang.md", title="Khai giảng năm học mới")
    repo.article("th-b", "2024/bai-b.md", title="Bài của trường B")
    repo.article("phong-gddt-a", "2024/bai-phong.md", title="Bài của phòng giáo dục")
    os.symlink("thcs-a", repo.root / "content" / "so")  # the Sở's folder is THCS A's
    check = repo.check()
    first = repo.run_build(repo.root / "output-1")
    with pytest.MonkeyPatch.context() as patch:  # a week later: only the clock differs
        patch.setenv("PUBLICATION_NOW", "2026-11-27T07:00:00+07:00")
        second = repo.run_build(repo.root / "output-2")
    return repo, check, first, second


def _reported(result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in parse_problems(result.stdout + "\n" + result.stderr):
        found.setdefault(problem.path, []).append(f"{problem.line}: {problem.code}")
    return found


def test_check_and_build_report_the_same_files_with_code_and_line(province):
    _, check, first, _ = province
    expected = {
        "units/th-b.yml": ["2: E112"],
        "content/thcs-a/2024/tu-khoa-dai.md": ["7: E113"],
        "content/th-b/2024/bai-b.md": ["1: E108"],
        "content/so/2024/bai-thuong.md": ["1: E116"],
        "content/so/2024/tu-khoa-dai.md": ["1: E116"],
        "content/so/2024-09-31-khai-giang.md": ["1: E116"],
    }
    assert check.returncode == 1
    assert _reported(check) == expected, check.stdout
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert {path: sorted(set(codes)) for path, codes in _reported(first).items()} == expected


def test_the_messages_say_what_to_do(province):
    _, check, _, _ = province
    text = check.stdout
    assert ("units/th-b.yml:2: E112 dòng này có ký tự điều khiển hoặc ký tự dành riêng (U+000B) không hiện "
            "được trên trang web — xóa ký tự lạ này") in text
    assert ('content/thcs-a/2024/tu-khoa-dai.md:7: E113 giá trị của "tags" quá dài (150 ký tự; tối đa 100) '
            "— rút gọn cho dưới 100 ký tự") in text
    assert ('content/so/2024/bai-thuong.md:1: E116 tệp "bai-thuong.md" là liên kết (symbolic link) tới ngoài '
            "thư mục của đơn vị nên không được đọc — thay liên kết bằng chính tệp đó, đặt trong content/so/") in text


def test_everything_else_is_published_and_the_feeds_parse(province):
    repo, _, _, _ = province
    output = repo.root / "output-1"
    pages = {p.relative_to(output).as_posix() for p in output_files(output)}
    # the file named like a dated one is an ordinary article, dated by its front matter
    assert "thcs-a/bai-viet/khai-giang-nam-hoc-moi.html" in pages
    assert "thcs-a/bai-viet/bai-binh-thuong-cua-truong.html" in pages
    assert "phong-gddt-a/bai-viet/bai-cua-phong-giao-duc.html" in pages
    assert not any(p.startswith("th-b/") for p in pages), "the unit whose file has an error is left out"
    assert not any("tu-khoa-dai" in p or "bai-co-tu-khoa-dai" in p for p in pages)
    assert not any(p.startswith("so/bai-viet/") for p in pages), "THCS A's articles are not the Sở's"
    titles = []
    for feed in output.rglob("*.xml"):
        root = etree.parse(str(feed)).getroot()  # every feed and sitemap is well-formed XML
        titles += [t.text for t in root.iter(f"{A}title")]
    assert "Khai giảng năm học mới" in titles
    assert "Bài có từ khóa dài" not in titles
    assert not any(t and "\x0b" in t for t in titles)
    home = lxml_html.parse(str(output / "thcs-a" / "index.html")).getroot()
    assert "Bài có từ khóa dài" not in home.text_content()


def test_an_empty_site_feed_does_not_change_with_the_build_time(province):
    repo, _, first, second = province
    assert second.returncode == 0, second.stderr
    name = "van-phong/feeds/atom.xml"
    one = (repo.root / "output-1" / name).read_bytes()
    two = (repo.root / "output-2" / name).read_bytes()
    root = etree.fromstring(one)
    assert root.find(f"{A}entry") is None, "Văn phòng has no article: its feed is empty"
    assert one == two
