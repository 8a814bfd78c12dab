"""The documents library (contract sections 9 and 12), from a real build of a real province.

Every page is parsed (lxml) and every link it makes is followed to a file of the output:
the libraries of a unit and of the portal, their filters by type, year and issuer (pages
of their own: filtering works without script), newest first and paginated, each
document's page with its particulars and its attached file, copied byte for byte.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from lxml import html

from documents import TYPES
from factory import CODE_ROOT, Province
from helpers_problems import document, output_files, page_text
from output.test_accessibility import served
from portal.test_search import _search, browser  # noqa: F401 - the fixture

PER_PAGE = 12  # pelicanconf.DEFAULT_PAGINATION
# thcs-a's documents: (stem, type, issuer, issued_on); 13 of them, so that its library has two pages
OWN = [(f"cv-{n:02d}", "Công văn", "Trường THCS A", f"2024-{n:02d}-10") for n in range(1, 10)] + [
    ("kh-hoi-thi", "Kế hoạch", "Trường THCS A", "2023-10-25"),
    ("kh-so", "Kế hoạch", "Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm", "2023-08-20"),
    ("qd-to-chuyen-mon", "Quyết định", "Trường THCS A", "2022-09-05"),
    ("tb-cong-khai", "Công khai", "Trường THCS A", "2024-09-30"),
]
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _read(path: Path):
    return html.parse(str(path)).getroot()


def _main_text(page) -> str:
    """What a reader reads in the page's main part (the address printed under it aside)."""
    main = page.find(".//main")
    for printed in main.xpath(".//*[@class='print-source']"):
        printed.drop_tree()
    return " ".join(main.text_content().split())


def _target(output: Path, page_path: Path, href: str) -> Path:
    """The file a relative link of ``page_path`` leads to (a folder: its index.html)."""
    target = (page_path.parent / unquote(href.split("#")[0])).resolve()
    return target / "index.html" if href.endswith("/") else target


def _titles(page) -> list[str]:
    return [" ".join(a.text_content().split()) for a in page.xpath("//main//*[@class='doc__title']/a")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    province = Province(tmp_path_factory.mktemp("van-ban") / "repo")
    province.article("thcs-a", "2024/bai.md", title="Bài viết của trường")
    for stem, doc_type, issuer, issued_on in OWN:
        province.pdf(f"content/thcs-a/van-ban/{issued_on[:4]}/{stem}.pdf", [f"Van ban {stem}"])
        province.write(f"content/thcs-a/van-ban/{issued_on[:4]}/{stem}.md", document(
            "thcs-a", title=f"Văn bản {stem} về công tác chuyên môn", number=f"{stem.upper()}/THCSA",
            doc_type=doc_type, issuer=issuer, issued_on=issued_on, file=f"{stem}.pdf", approved_on=issued_on))
    # one with every particular, its file a Word document named as people name them
    province.write("content/thcs-a/van-ban/2024/Kế hoạch năm học.docx", "PK\x03\x04 một tệp Word")
    province.write("content/thcs-a/van-ban/2024/day-du.md", document(
        "thcs-a", title="Kế hoạch năm học 2024-2025", number="30/KH-THCSA", doc_type="kế hoạch",
        issuer="Trường THCS A", issued_on="2024-11-15", effective_on="2024-11-20", expires_on="2025-05-31",
        signer="Nguyễn Văn Hiệu", field="Chuyên môn", slug="ke-hoach-nam-hoc", file='"/van-ban/2024/Kế hoạch năm học.docx"'))
    province.pdf("content/so/van-ban/2024/cv-so.pdf")
    province.write("content/so/van-ban/2024/cv-so.md", document(
        "so", title="Hướng dẫn nhiệm vụ năm học của Sở", number="1652/SGDĐT-VP", doc_type="Hướng dẫn",
        issuer="Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm", issued_on="2024-08-01", file="cv-so.pdf"))
    province.pdf("content/van-phong/van-ban/2024/tb-vp.pdf")
    province.write("content/van-phong/van-ban/2024/tb-vp.md", document(
        "van-phong", title="Thông báo lịch tiếp công dân", number="27/TB-VP", doc_type="Thông báo",
        issuer="Văn phòng Sở", issued_on="2024-09-01", file="tb-vp.pdf"))
    # not published: an error (E128), a draft, a future date; their markers must reach no page
    province.pdf("content/th-b/van-ban/2024/chung.pdf")
    for stem, fields in (("loi", {"file": "khong-co.pdf"}), ("nhap", {"status": "draft"}),
                         ("hen-gio", {"date": "2027-01-05 08:00"})):
        province.write(f"content/th-b/van-ban/2024/{stem}.md", document(
            "th-b", marker=f"KHONGDANG{stem.upper()}", number=f"{stem}/THB", issuer="Trường Tiểu học B",
            **{"file": "/van-ban/2024/chung.pdf", **fields}))
    result = province.run_build()
    assert result.returncode == 0, result.stderr
    output = province.root / "output"
    return SimpleNamespace(province=province, output=output, result=result)


def test_the_build_reports_the_bad_document_and_publishes_the_others(built):
    assert "content/th-b/van-ban/2024/loi.md:7: E128 không tìm thấy tệp đính kèm \"khong-co.pdf\"" in built.result.stderr
    assert "Đã đăng 1 bài viết, 16 văn bản và 0 trang tĩnh" in built.result.stdout
    pages = [p for p in output_files(built.output) if p.suffix in (".html", ".xml")]
    for stem in ("LOI", "NHAP", "HEN-GIO"):
        assert not [p for p in pages if f"KHONGDANG{stem}" in page_text(p)], stem
    assert not (built.output / "th-b" / "van-ban" / "van-ban.pdf").exists()
    assert _titles(_read(built.output / "th-b" / "van-ban" / "index.html")) == []


def test_every_site_has_the_menu_entry_and_its_library(built):
    for site in ("", "thcs-a/", "th-b/", "phong-gddt-a/"):
        home = built.output / site / "index.html"
        links = [a for a in _read(home).xpath("//nav[@class='topnav']//a") if a.text_content() == "Văn bản"]
        assert len(links) == 1, site
        target = _target(built.output, home, links[0].get("href"))
        assert target == (built.output / site / "van-ban" / "index.html").resolve() and target.is_file()


def test_the_unit_library_lists_its_documents_newest_first_on_pages(built):
    library = built.output / "thcs-a" / "van-ban"
    first, second = _read(library / "index.html"), _read(library / "trang-2" / "index.html")
    listed = _titles(first) + _titles(second)
    expected = ["Kế hoạch năm học 2024-2025"] + [
        f"Văn bản {stem} về công tác chuyên môn" for stem, *_ in sorted(OWN, key=lambda d: d[3], reverse=True)]
    assert listed == expected
    assert len(_titles(first)) == PER_PAGE
    assert not (library / "trang-3").exists()
    next_link = first.xpath("//nav[@class='pagination']//a[@rel='next']/@href")
    assert _target(built.output, library / "index.html", next_link[0]) == (library / "trang-2" / "index.html").resolve()
    assert "Hướng dẫn nhiệm vụ năm học của Sở" not in listed  # the Sở's own, on the portal's library


def test_each_filter_has_its_own_page_linked_from_every_list(built):
    library = built.output / "thcs-a" / "van-ban"
    expected = {
        "loai/cong-van/": [s for s, t, *_ in OWN if t == "Công văn"],
        "loai/ke-hoach/": ["day-du", "kh-hoi-thi", "kh-so"],
        "loai/quyet-dinh/": ["qd-to-chuyen-mon"],
        "loai/cong-khai/": ["tb-cong-khai"],
        "nam/2022/": ["qd-to-chuyen-mon"],
        "nam/2023/": ["kh-hoi-thi", "kh-so"],
        "nam/2024/": ["day-du"] + [s for s, *_, day in OWN if day.startswith("2024")],
        "noi-ban-hanh/so-giao-duc-va-dao-tao-tinh-thu-nghiem/": ["kh-so"],
        "noi-ban-hanh/truong-thcs-a/": ["day-du"] + [s for s, _, issuer, _ in OWN if issuer == "Trường THCS A"],
    }
    titles = {"day-du": "Kế hoạch năm học 2024-2025"}
    for page_path in [library / "index.html", library / "trang-2" / "index.html"] + [
            library / folder / "index.html" for folder in expected]:
        page = _read(page_path)
        links = {_target(built.output, page_path, a.get("href")): " ".join(a.text_content().split())
                 for a in page.xpath("//nav[@class='library__filters']//a")}
        for folder in expected:
            assert (library / folder / "index.html").resolve() in links, (page_path, folder)
    for folder, stems in expected.items():
        pages = [library / folder / "index.html"] + sorted((library / folder).glob("trang-*/index.html"))
        listed = [t for p in pages for t in _titles(_read(p))]
        want = {titles.get(s, f"Văn bản {s} về công tác chuyên môn") for s in stems}
        assert sorted(listed) == sorted(want), folder
        current = _read(library / folder / "index.html").xpath("//nav[@class='library__filters']//a[@aria-current='page']")
        assert len(current) == 1
    kinds = [" ".join(h.text_content().split()) for h in _read(library / "index.html").xpath("//nav//h2")]
    assert kinds == ["Loại văn bản", "Năm ban hành", "Cơ quan ban hành"]
    years = [a.text_content() for a in _read(library / "index.html").xpath("//ul[@aria-labelledby='loc-nam']//a")]
    assert years == ["2024", "2023", "2022"]


def test_a_document_page_shows_its_particulars_and_its_file(built):
    output = built.output
    page_path = output / "thcs-a" / "van-ban" / "ke-hoach-nam-hoc.html"
    page = _read(page_path)
    facts = dict(zip([" ".join(e.text_content().split()) for e in page.xpath("//main//dl[1]/dt")],
                     [" ".join(e.text_content().split()) for e in page.xpath("//main//dl[1]/dd")]))
    assert facts == {"Số, ký hiệu": "30/KH-THCSA", "Loại văn bản": "Kế hoạch", "Cơ quan ban hành": "Trường THCS A",
                     "Ngày ban hành": "15/11/2024", "Ngày có hiệu lực": "20/11/2024",
                     "Ngày hết hiệu lực": "31/05/2025 Đã hết hiệu lực", "Người ký": "Nguyễn Văn Hiệu",
                     "Lĩnh vực": "Chuyên môn", "Đơn vị đăng": "Trường THCS A"}
    assert page.xpath("//h1")[0].text_content() == "Kế hoạch năm học 2024-2025"
    assert "Nhà trường ban hành kế hoạch" in _main_text(page)
    download = page.xpath("//main//a[@download]")
    assert len(download) == 1 and download[0].text_content() == "Tải văn bản về máy"
    copied = _target(output, page_path, download[0].get("href"))
    source = built.province.root / "content/thcs-a/van-ban/2024/Kế hoạch năm học.docx"
    assert copied == (output / "thcs-a" / "van-ban" / "ke-hoach-nam-hoc.docx").resolve()
    assert copied.read_bytes() == source.read_bytes()
    assert f"(tệp Word, {source.stat().st_size} byte)" in _main_text(page)
    pdf = output / "thcs-a" / "van-ban" / "van-ban-kh-so-ve-cong-tac-chuyen-mon.pdf"
    assert pdf.read_bytes() == (built.province.root / "content/thcs-a/van-ban/2023/kh-so.pdf").read_bytes()


def test_the_portal_library_holds_every_units_documents_each_naming_its_unit(built):
    page_path = built.output / "van-ban" / "index.html"
    pages = [page_path, built.output / "van-ban" / "trang-2" / "index.html"]
    entries = []
    for path in pages:
        for item in _read(path).xpath("//main//li[@class='doc']"):
            title = " ".join(item.xpath(".//*[@class='doc__title']")[0].text_content().split())
            facts = dict(zip([e.text_content() for e in item.xpath(".//dt")],
                             [" ".join(e.text_content().split()) for e in item.xpath(".//dd")]))
            href = item.xpath(".//*[@class='doc__title']/a/@href")[0]
            assert _target(built.output, path, href).is_file(), href
            entries.append((title, facts["Đơn vị đăng"]))
    assert len(entries) == 16
    assert ("Hướng dẫn nhiệm vụ năm học của Sở", "Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm") in entries
    assert ("Thông báo lịch tiếp công dân", "Văn phòng Sở") in entries
    assert ("Kế hoạch năm học 2024-2025", "Trường THCS A") in entries
    office = built.output / "van-phong" / "van-ban" / "thong-bao-lich-tiep-cong-dan.html"
    assert office.is_file() and "27/TB-VP" in _main_text(_read(office))


def test_documents_stay_out_of_the_articles_lists_and_feeds(built):
    for path in [built.output / "thcs-a" / "index.html", built.output / "index.html",
                 built.output / "feeds" / "all.atom.xml", built.output / "thcs-a" / "feeds" / "atom.xml"]:
        assert "về công tác chuyên môn" not in page_text(path), path
    assert not list(built.output.glob("thcs-a/bai-viet/*cong-tac-chuyen-mon*"))


def test_readers_see_days_and_names_never_iso_days_or_ids(built):
    output = built.output
    pages = sorted(output.glob("**/van-ban/**/*.html"))
    assert len(pages) > 30
    for path in pages:
        text = _main_text(_read(path))
        assert not ISO_DAY.search(text), (path, ISO_DAY.search(text))
        assert not re.search(r"\b(thcs-a|th-b|van-phong|phong-gddt-a)\b", text), path


def test_a_changed_attached_file_is_copied_again_and_a_removed_document_goes(tmp_path):
    province = Province(tmp_path / "repo")
    source = province.pdf("content/thcs-a/van-ban/2022/qd.pdf")
    province.write("content/thcs-a/van-ban/2022/qd.md", document("thcs-a", slug="qd", file="qd.pdf", issued_on="2022-09-05"))
    output = province.build()
    copied = output / "thcs-a" / "van-ban" / "qd.pdf"
    assert copied.read_bytes() == source.read_bytes()
    province.pdf("content/thcs-a/van-ban/2022/qd.pdf", ["Ban da sua", "them mot dong nua"])
    province.build()
    assert copied.read_bytes() == source.read_bytes()
    (province.root / "content/thcs-a/van-ban/2022/qd.md").unlink()
    province.build()
    assert not copied.exists() and not copied.with_suffix(".html").exists()
    assert not (output / "thcs-a" / "van-ban" / "nam" / "2022").exists()
    assert _titles(_read(output / "thcs-a" / "van-ban" / "index.html")) == []


def test_the_documentation_lists_the_types_the_check_knows():
    text = (CODE_ROOT / "docs" / "van-ban.md").read_text(encoding="utf-8")
    section = text.split("## Danh mục loại văn bản", 1)[1]
    listed = " ".join(section.split("\n\n")[2].split()).rstrip(".").split(", ")
    assert listed == list(TYPES)


@pytest.mark.browser
def test_a_document_is_found_by_its_abstract_on_its_site_and_the_portal(tmp_path, browser):
    province = Province(tmp_path / "repo")
    province.pdf("content/thcs-a/van-ban/2024/kh.pdf")
    province.write("content/thcs-a/van-ban/2024/kh.md", document(
        "thcs-a", title="Kế hoạch chuyển đổi số năm học 2024-2025", slug="kh-chuyen-doi-so", file="kh.pdf"))
    province.article("th-b", "2024/bai.md", title="Ngày hội đọc sách")
    out = province.build()
    with served(out) as base:
        for path in ("thcs-a/tim-kiem/", "tim-kiem/"):
            status, results = _search(browser, base, path, "chuyen doi so")
            assert [title for title, _ in results] == ["Kế hoạch chuyển đổi số năm học 2024-2025"], status
            assert results[0][1] == f"{base}thcs-a/van-ban/kh-chuyen-doi-so.html"
        status, results = _search(browser, base, "th-b/tim-kiem/", "chuyen doi so")
        assert results == []


def test_make_check_with_a_base_rechecks_the_document_whose_file_was_deleted(tmp_path):
    province = Province(tmp_path / "repo")
    province.git("init", "-q", "-b", "main")
    province.pdf("content/thcs-a/van-ban/2024/kh.pdf")
    province.write("content/thcs-a/van-ban/2024/kh.md", document("thcs-a", file="kh.pdf"))
    province.git("add", "-A")
    province.git("commit", "-q", "-m", "Một văn bản")
    assert province.check(base="HEAD").returncode == 0
    (province.root / "content/thcs-a/van-ban/2024/kh.pdf").unlink()
    result = province.check(base="HEAD")
    assert result.returncode == 1
    assert [line.split(" — ")[0] for line in result.stdout.splitlines()] == [
        'content/thcs-a/van-ban/2024/kh.md:7: E128 không tìm thấy tệp đính kèm "kh.pdf"']
