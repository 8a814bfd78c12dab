"""What Word, Windows, phones and Macs bring, and units that come and go, in one real build.

One province, checked once and built once: NFD text and file names (a Mac), Word's curly
quotes, Windows backslashes, tags as a comma string, Word files next to articles and in
word/, a static page with the article's keys, a retired unit in the directory.  The codes
these habits trigger are also cases of tests/test_codes.py (code, line and message).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote
from types import SimpleNamespace

import pytest
from lxml import html

from factory import make_docx, Province
from helpers_problems import CAPTION, IMAGE, article, output_files, parse_problems, setup_units


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


NFD_ARTICLE = "content/thcs-a/2024/" + _nfd("lễ-khai-giảng.md")
NFD_IMAGE = "content/thcs-a/images/2024/" + _nfd("khai-giảng.jpg")
RETIRED = ("id: truong-cu\nname: Trường Tiểu học Cũ\nkind: truong\nparent: phong-gddt-a\n"
           "approvers:\n  - name: Nguyễn Văn Hiệu\n    title: Hiệu trưởng\nretired_on: 2024-06-30\n")
WORD_BESIDE = "content/thcs-a/2024/hoi-thi.docx"
WORD_WAITING = "content/thcs-a/word/hoi-thi-cho-nhap.docx"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    province = Province(tmp_path_factory.mktemp("habits") / "repo")
    setup_units(province)
    province.write("units/truong-cu.yml", RETIRED)
    province.image(NFD_IMAGE)
    # typed on a Mac: the file name, the text and the image's name in NFD; the image named as typed
    province.write(NFD_ARTICLE, _nfd(article(title="Lễ khai giảng năm học mới", picture=False,
                                            body='![Khai giảng](/images/2024/khai-giảng.jpg "Học sinh dự lễ khai giảng")\n')))
    # an NFC article naming the image whose file name is NFD on disk (uploaded from a Mac)
    province.write("content/thcs-a/2024/trao-thuong.md", article(
        title="Trao thưởng học sinh giỏi", picture=False,
        body='![Trao thưởng](../images/2024/khai-giảng.jpg "Thầy hiệu trưởng trao thưởng cho học sinh")\n'))
    province.write("content/thcs-a/2024/chu-thich-word.md", article(
        title="Chú thích gõ trong Word", picture=False, tags="giáo viên dạy giỏi, chuyển đổi số",
        body=f"![Ảnh]({IMAGE} “Cô giáo Lê Thị Hoa giảng bài”)\n"))
    province.write("content/thcs-a/2024/duong-dan-windows.md", article(
        title="Đường dẫn ảnh kiểu Windows", picture=False,
        body=f'![Ảnh](..\\images\\2024\\anh-chung.jpg "{CAPTION}")\n'))
    province.write("content/thcs-a/pages/gioi-thieu.md", article(
        title="Giới thiệu nhà trường", picture=False, extra={"order": 1}))
    make_docx(province.root / WORD_BESIDE, ["Hội thi giáo viên dạy giỏi", "DAUHIEUWORDCANHBAI"])
    make_docx(province.root / WORD_WAITING, ["Bài chờ nhập", "DAUHIEUWORDCHONHAP"])
    check = province.check()
    build = province.run_build()
    assert build.returncode == 0, build.stderr
    output = province.root / "output"
    return SimpleNamespace(province=province, check=check, build=build, output=output,
                           reported={p.path: p for p in parse_problems(check.stdout)})


def _page(built, rel: str):
    return html.parse(str(built.output / rel))


def test_nfd_article_and_file_names_build_into_nfc_pages_whose_images_are_found(built):
    assert not [p for p in built.reported.values() if p.code == "E204"], built.check.stdout
    page = _page(built, "thcs-a/bai-viet/le-khai-giang-nam-hoc-moi.html")
    assert page.findtext(".//h1") == "Lễ khai giảng năm học mới"  # NFC, as compared here
    assert page.find(".//div[@class='prose']//figure").findtext("figcaption") == "Học sinh dự lễ khai giảng"
    other = _page(built, "thcs-a/bai-viet/trao-thuong-hoc-sinh-gioi.html")
    sources = other.xpath("//div[@class='prose']//figure//img/@src")
    assert sources and all("khai-giảng" in unquote(src) for src in sources)  # percent-encoded in the page
    for path in output_files(built.output):
        name = path.relative_to(built.output).as_posix()
        assert unicodedata.is_normalized("NFC", name), name
        if path.suffix in (".html", ".xml", ".json"):
            assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8")), name
    image = [p for p in output_files(built.output) if "khai-giảng" in p.name]
    assert image, "the NFD-named image reached no output file"
    assert "content/thcs-a/2024/lễ-khai-giảng.md" not in built.check.stdout  # no problem for the NFD file


def test_a_caption_in_word_curly_quotes_is_a_caption_and_tags_may_be_a_comma_string(built):
    assert "content/thcs-a/2024/chu-thich-word.md" not in built.reported, built.check.stdout
    page = _page(built, "thcs-a/bai-viet/chu-thich-go-trong-word.html")
    assert page.find(".//div[@class='prose']//figure").findtext("figcaption") == "Cô giáo Lê Thị Hoa giảng bài"
    tags = [" ".join(t.split()) for t in page.xpath("//a[contains(@href, 'the/')]/text()")]
    assert "giáo viên dạy giỏi" in tags and "chuyển đổi số" in tags


def test_backslashes_are_read_as_slashes_and_noted_for_the_reviewer(built):
    noted = built.reported["content/thcs-a/2024/duong-dan-windows.md"]
    assert noted.text.startswith('content/thcs-a/2024/duong-dan-windows.md:11: W606 đường dẫn ảnh '
                                 '"..\\images\\2024\\anh-chung.jpg" dùng dấu \\ kiểu Windows')
    page = _page(built, "thcs-a/bai-viet/duong-dan-anh-kieu-windows.html")
    assert page.find(".//div[@class='prose']//figure").findtext("figcaption") == CAPTION


def test_a_page_takes_the_article_keys(built):
    assert "content/thcs-a/pages/gioi-thieu.md" not in built.reported, built.check.stdout
    assert _page(built, "thcs-a/trang/gioi-thieu-nha-truong.html").findtext(".//h1") == "Giới thiệu nhà trường"


def test_a_word_file_beside_articles_is_reported_and_one_waiting_in_word_is_not(built):
    beside = built.reported[WORD_BESIDE]
    assert beside.text == (f'{WORD_BESIDE}:1: E119 tệp "hoi-thi.docx" không phải bài viết (.md), ảnh hay tệp đính kèm '
                           "của văn bản nên không được dùng — tệp Word không được đăng thẳng: chuyển thành bài viết "
                           f"bằng lệnh make import DOCX={WORD_BESIDE} UNIT=thcs-a, hoặc chuyển tệp vào "
                           "content/thcs-a/word/ để chờ nhập")
    assert beside.text in built.build.stderr
    assert WORD_WAITING not in built.check.stdout + built.build.stderr
    assert not [p for p in output_files(built.output) if p.suffix == ".docx"]
    assert built.check.returncode == 1  # the stray file is an error


def test_a_retired_unit_is_shown_as_such_in_the_directory(built):
    row = _page(built, "don-vi/index.html").xpath("//tr[td[contains(., 'Trường Tiểu học Cũ')]]")[0]
    assert "ngừng hoạt động từ 30/06/2024" in row.text_content()


def test_the_build_speaks_vietnamese_only(built):
    assert "Done: Processed" not in built.build.stdout + built.build.stderr
    assert "Đã đăng 4 bài viết và 1 trang tĩnh; 1 lỗi, 1 cảnh báo (xem các dòng ở trên)." in built.build.stdout


# -- the repository explains itself (a Sở's fork has no ../shared) ---------------------------

def _anchor(heading: str) -> str:
    """The anchor GitHub and GitLab give a Markdown heading."""
    text = heading.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def test_readme_docs_and_messages_point_into_the_repository_only():
    import re

    from factory import CODE_ROOT
    from problems import CATALOGUE

    documents = [CODE_ROOT / "README.md", *sorted((CODE_ROOT / "docs").glob("*.md"))]
    sources = sorted((CODE_ROOT / "plugins").rglob("*.py")) + sorted((CODE_ROOT / "tools").rglob("*.py"))
    for path in documents + sources:
        assert "shared/spec" not in path.read_text(encoding="utf-8"), path
    assert not [code for code, parts in CATALOGUE.items() if "shared/" in "".join(parts)]
    for document in documents:
        for target in re.findall(r"\]\(([^)\s]+)\)", document.read_text(encoding="utf-8")):
            if "://" in target or target.startswith(("mailto:", "/", "<")):
                continue
            file, _, anchor = target.partition("#")
            linked = (document.parent / file).resolve() if file else document
            assert linked.is_file(), f"{document.name}: {target}"
            if anchor and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.*)$", linked.read_text(encoding="utf-8"), re.MULTILINE)
                assert anchor in {_anchor(h) for h in headings}, f"{document.name}: {target}"
