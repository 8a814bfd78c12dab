"""Issue 14: `make import` turns Word documents into checked articles, and `make import-pending`
does it for a pull request.

Real documents made here (python-docx as Word users lay them out; LibreOffice for .odt,
.doc and LibreOffice-written .docx), a real province repository, the real command in a
subprocess; the articles are then checked by `make check`'s own code.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from docx.shared import Pt
from msoffcrypto.format.ooxml import OOXMLFile
from PIL import Image

from factory import CODE_ROOT, FIXED_NOW, Province
from helpers_problems import parse_problems
from tooling import require
from word_documents import (CENTER, RIGHT, add_link, add_photo, add_text, gps_exif, libreoffice, news_article,
                            photo, save, with_libreoffice_captions)
from word_import import opening

YEAR = FIXED_NOW[:4]
UNIT = "thcs-a"
AUTO_ALT = "Một nhóm người đứng trước một tòa nhà\n\nMô tả được tạo tự động"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def run_import(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"), PUBLICATION_NOW=FIXED_NOW, **(env or {}))
    return subprocess.run([sys.executable, "-m", "word_import", *args, "--root", str(root)],
                          capture_output=True, text=True, env=environment, cwd=root)


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


# ---------------------------------------------------------------------------
# The documents


def main_document(path: Path) -> Path:
    """Headings, bold, italic, a link, a list, a data table, and photos captioned in every
    way the issue lists; one photo with GPS, one with only Word's automatic alt text."""
    doc = docx.Document()
    doc.core_properties.author = "Admin"                       # not a name: the byline names the author
    doc.core_properties.title = "Mẫu kế hoạch năm học"         # a stale template title: not the title
    doc.add_heading(nfd("Hội thi giáo viên dạy giỏi cấp trường năm học 2023-2024"), level=1)
    lead = doc.add_paragraph(nfd("Sáng ngày 07/11/2023, "))
    lead.add_run("Trường THCS A").bold = True
    lead.add_run(" tổ chức ")
    lead.add_run("hội thi").italic = True
    lead.add_run(nfd(" (đợt 1) cho giáo viên các bộ môn; chi tiết xem "))
    add_link(lead, "kế hoạch", "https://thcsa.edu.vn/ke-hoach")
    lead.add_run(".")
    doc.add_heading("Kết quả", level=2)
    doc.add_paragraph("Giải nhất: 3 giáo viên", style="List Bullet")
    doc.add_paragraph("Giải nhì: 5 giáo viên", style="List Bullet")
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    for row, values in zip(table.rows, (("Môn", "Số giáo viên"), ("Toán", "4"), ("Ngữ văn", "3"))):
        for cell, value in zip(row.cells, values):
            cell.text = value
    add_photo(doc, photo(color=(10, 120, 60)))                                             # 1
    doc.add_paragraph("Hình 1: Cô giáo Lê Thị Hoa giảng bài môn Ngữ văn", style="Caption")  # Word: "caption"
    add_photo(doc, photo((3000, 2000), exif=gps_exif(6)))                                    # 2: GPS, lying
    add_text(doc, "Ảnh: Học sinh lớp 8A hăng hái phát biểu xây dựng bài", italic=True)
    add_photo(doc, photo(color=(200, 160, 30)))                                             # 3
    add_text(doc, "Ban giám khảo chấm tiết dạy của giáo viên", align=CENTER)
    layout = doc.add_table(rows=2, cols=2)                                                  # borderless
    add_photo(layout.cell(0, 0), photo(color=(90, 30, 160)), width_cm=7)                    # 4
    add_photo(layout.cell(0, 1), photo(color=(30, 160, 160)), width_cm=7)                   # 5
    layout.cell(1, 0).text = "Thầy Nguyễn Văn Hùng dạy môn Toán lớp 9"
    layout.cell(1, 1).text = "Cô Phạm Thị Mai dạy môn Tiếng Anh lớp 7"
    doc.add_paragraph("Hội thi là dịp để giáo viên trao đổi kinh nghiệm, đổi mới phương pháp dạy học.")
    add_photo(doc, photo(color=(120, 120, 120)), alt=AUTO_ALT)                              # 6: no caption
    add_text(doc, "Tin, ảnh: Đoàn Thị Tâm", italic=True, align=RIGHT)
    return save(doc, path)


def bold_title_document(path: Path) -> Path:
    doc = docx.Document()
    doc.core_properties.author = "Nguyễn Thị Lan"
    add_text(doc, "Lễ khai giảng năm học mới 2024-2025", bold=True, align=CENTER)
    doc.add_paragraph("Sáng 05/9/2024, thầy và trò nhà trường long trọng tổ chức lễ khai giảng.")
    add_photo(doc, photo(color=(160, 40, 40)), alt="IMG_20240905_073012.jpg")  # a file name: not a caption
    doc.add_paragraph("Học sinh lớp 6 đánh trống khai trường năm học mới", style="Caption")
    cell = doc.add_table(rows=1, cols=1).cell(0, 0)                              # photo and caption in one cell
    add_photo(cell, photo(color=(40, 160, 40)), width_cm=10)
    add_text(cell, "(Ảnh: Đại biểu tặng hoa các thầy cô giáo)", italic=True, align=CENTER)
    add_photo(doc, photo(color=(40, 40, 160)), alt="Các em học sinh lớp 1 nhận quà ngày khai giảng")  # alt by a person
    return save(doc, path)


def large_title_document(path: Path) -> Path:
    doc = docx.Document()
    doc.core_properties.author = "Windows User"
    add_text(doc, "Ngày hội đọc sách của thư viện trường", size=18)
    doc.add_paragraph("Hưởng ứng Ngày Sách và Văn hóa đọc Việt Nam 21/4, thư viện tổ chức ngày hội:")
    doc.add_paragraph("- Học sinh khối 6 giới thiệu sách hay;")
    doc.add_paragraph("- Học sinh khối 7 thi kể chuyện theo sách.")
    doc.add_paragraph("Giá trị *đặc biệt* của sách: 100% học sinh tham gia; dùng snake_case không làm chữ nghiêng.")
    return save(doc, path)


def libreoffice_source(path: Path) -> Path:
    """What becomes the LibreOffice documents: a heading, a photo for a captioned frame, a
    photo with a caption paragraph."""
    doc = docx.Document()
    doc.add_heading("Lễ chào cờ đầu tuần của liên đội", level=1)
    doc.add_paragraph("Sáng thứ hai, liên đội tổ chức lễ chào cờ và tuyên dương các chi đội.")
    add_photo(doc, photo(color=(200, 90, 20)))
    doc.add_paragraph("Đoạn văn sau khung ảnh.")
    add_photo(doc, photo(color=(20, 90, 200)))
    doc.add_paragraph("Chi đội 7A nhận cờ thi đua của liên đội", style="Caption")
    return save(doc, path)


def doc_source(path: Path) -> Path:
    doc = docx.Document()
    doc.add_heading("Hội nghị cha mẹ học sinh đầu năm", level=1)
    doc.add_paragraph("Tối 15/9, nhà trường tổ chức hội nghị cha mẹ học sinh các lớp.")
    add_photo(doc, photo(color=(60, 60, 160)))
    add_text(doc, "Ảnh: Phụ huynh lớp 9A trao đổi với giáo viên chủ nhiệm", italic=True, align=CENTER)
    return save(doc, path)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Every good document imported in one `make import` of a folder."""
    require("soffice")
    base = tmp_path_factory.mktemp("word")
    province = Province(base / "repo")
    folder = base / "Bai gui"
    made = base / "made"
    main_document(folder / "1-bai-chinh.docx")
    bold_title_document(folder / "2-khai-giang.docx")
    large_title_document(folder / "3-doc-sach.docx")
    odt = libreoffice(libreoffice_source(made / "nguon-lo.docx"), "odt", made)
    with_libreoffice_captions(odt, folder / "4-chao-co.odt", "Liên đội trưởng điều khiển lễ chào cờ")
    lo_docx = libreoffice(folder / "4-chao-co.odt", "docx", made)
    shutil.copy(lo_docx, folder / "5-chao-co-libreoffice.docx")
    shutil.copy(libreoffice(doc_source(made / "hoi-nghi.docx"), "doc", made), folder / "6-hoi-nghi.doc")
    (folder / "~$1-bai-chinh.docx").write_bytes(b"\x00lock")  # Word's lock file: not a document
    result = run_import(province.root, str(folder), "--unit", UNIT)
    assert result.returncode == 0, result.stderr
    paths = result.stdout.split()
    assert len(paths) == 6, result.stdout
    names = ("main", "bold", "large", "odt", "lo_docx", "doc")
    articles = {name: province.root / path for name, path in zip(names, paths)}
    return SimpleNamespace(province=province, result=result, paths=paths, articles=articles,
                           text={n: p.read_text(encoding="utf-8") for n, p in articles.items()},
                           lo_docx=folder / "5-chao-co-libreoffice.docx", folder=folder)


def body_of(text: str) -> str:
    return text.split("\n---\n", 1)[1].strip()


def front_matter_of(text: str) -> dict[str, str]:
    lines = text.split("\n---\n", 1)[0].splitlines()[1:]
    return {k.strip(): v.split("  #")[0].strip() for k, v in (l.split(":", 1) for l in lines if not l.startswith("#"))}


def test_each_article_is_written_in_its_year_folder_and_printed_alone_on_stdout(imported):
    assert imported.paths == [
        f"content/{UNIT}/{YEAR}/hoi-thi-giao-vien-day-gioi-cap-truong-nam-hoc-2023-2024.md",
        f"content/{UNIT}/{YEAR}/le-khai-giang-nam-hoc-moi-2024-2025.md",
        f"content/{UNIT}/{YEAR}/ngay-hoi-doc-sach-cua-thu-vien-truong.md",
        f"content/{UNIT}/{YEAR}/le-chao-co-dau-tuan-cua-lien-doi.md",
        f"content/{UNIT}/{YEAR}/le-chao-co-dau-tuan-cua-lien-doi-2.md",
        f"content/{UNIT}/{YEAR}/hoi-nghi-cha-me-hoc-sinh-dau-nam.md",
    ]
    written = files_under(imported.province.root / "content")
    assert all(path.startswith(f"{UNIT}/") for path in written)  # nothing outside the unit's folder
    assert all(p.endswith(".md") or p.startswith(f"{UNIT}/images/{YEAR}/") for p in written), written


def test_front_matter_title_date_author_and_approvers_comment(imported):
    main = imported.text["main"]
    fields = front_matter_of(main)
    assert fields["title"] == "Hội thi giáo viên dạy giỏi cấp trường năm học 2023-2024"  # not the stale property
    assert fields["date"] == "2026-11-20 12:00"  # now, in the province's zone
    assert fields["author"] == "Đoàn Thị Tâm"    # from the byline: the property says "Admin"
    assert fields["approved_by"] == "" and fields["approved_on"] == ""
    approved = next(l for l in main.splitlines() if l.startswith("approved_by:"))
    assert "Nguyễn Văn Hiệu (Hiệu trưởng)" in approved.split("#", 1)[1]
    assert front_matter_of(imported.text["bold"])["title"] == "Lễ khai giảng năm học mới 2024-2025"
    assert front_matter_of(imported.text["bold"])["author"] == "Nguyễn Thị Lan"  # document properties
    large = front_matter_of(imported.text["large"])
    assert large["title"] == "Ngày hội đọc sách của thư viện trường"
    assert large["author"] == ""                                                   # "Windows User"
    assert "chưa rõ tác giả" in imported.result.stderr
    assert "slug" not in fields and front_matter_of(imported.text["lo_docx"])["slug"] == "le-chao-co-dau-tuan-cua-lien-doi-2"


def test_body_is_clean_markdown(imported):
    body = body_of(imported.text["main"])
    assert body.startswith(
        "Sáng ngày 07/11/2023, **Trường THCS A** tổ chức *hội thi* (đợt 1) cho giáo viên các bộ môn; "
        "chi tiết xem [kế hoạch](https://thcsa.edu.vn/ke-hoach).\n\n"
        "## Kết quả\n\n"
        "- Giải nhất: 3 giáo viên\n"
        "- Giải nhì: 5 giáo viên\n\n"
        "| Môn | Số giáo viên |\n| --- | --- |\n| Toán | 4 |\n| Ngữ văn | 3 |\n\n"), body
    assert "Tin, ảnh: Đoàn Thị Tâm" in body  # the byline stays in the text, not a caption
    large = body_of(imported.text["large"])
    assert large == ("Hưởng ứng Ngày Sách và Văn hóa đọc Việt Nam 21/4, thư viện tổ chức ngày hội:\n\n"
                     "- Học sinh khối 6 giới thiệu sách hay;\n"
                     "- Học sinh khối 7 thi kể chuyện theo sách.\n\n"
                     "Giá trị \\*đặc biệt\\* của sách: 100% học sinh tham gia; dùng snake_case không làm chữ nghiêng.")
    for text in imported.text.values():
        assert "\\-" not in text and "\\." not in text and "\\(" not in text


def test_text_is_nfc_whatever_the_document_held(imported):
    for text in imported.text.values():
        assert unicodedata.is_normalized("NFC", text)
    assert "Sáng ngày 07/11/2023" in imported.text["main"]


def _images(text: str) -> list[tuple[str, str, str]]:
    import re
    return re.findall(r'!\[([^\]]*)\]\(([^ )]+)(?: "([^"]*)")?\)', text)


def test_photos_are_captioned_from_every_place_word_users_put_captions(imported):
    images = _images(imported.text["main"])
    slug = "hoi-thi-giao-vien-day-gioi-cap-truong-nam-hoc-2023-2024"
    assert [src for _, src, _ in images] == [f"../images/{YEAR}/{slug}-{n}.jpg" for n in range(1, 7)]
    assert [caption for _, _, caption in images] == [
        "Cô giáo Lê Thị Hoa giảng bài môn Ngữ văn",                # Caption style, "Hình 1:" taken off
        "Học sinh lớp 8A hăng hái phát biểu xây dựng bài",         # italic, "Ảnh:" taken off
        "Ban giám khảo chấm tiết dạy của giáo viên",               # centred
        "Thầy Nguyễn Văn Hùng dạy môn Toán lớp 9",                 # borderless table, row below
        "Cô Phạm Thị Mai dạy môn Tiếng Anh lớp 7",
        "",                                                        # Word's automatic alt text is no caption
    ]
    assert all(alt == "" for alt, _, _ in images)
    body = body_of(imported.text["main"])
    assert f"{slug}-4.jpg \"Thầy Nguyễn Văn Hùng dạy môn Toán lớp 9\")\n![](../images/{YEAR}/{slug}-5.jpg" in body  # a gallery
    assert "Hình 1" not in body and "Ảnh: Học sinh" not in body and "Mô tả" not in imported.text["main"]
    bold = _images(imported.text["bold"])
    alt = "Các em học sinh lớp 1 nhận quà ngày khai giảng"
    assert bold == [("", f"../images/{YEAR}/le-khai-giang-nam-hoc-moi-2024-2025-1.jpg",
                     "Học sinh lớp 6 đánh trống khai trường năm học mới"),  # the file-name alt is dropped
                    ("", f"../images/{YEAR}/le-khai-giang-nam-hoc-moi-2024-2025-2.jpg",
                     "Đại biểu tặng hoa các thầy cô giáo"),                # the same table cell
                    (alt, f"../images/{YEAR}/le-khai-giang-nam-hoc-moi-2024-2025-3.jpg", alt)]  # alt by a person


def test_libreoffice_documents_import_as_well_as_words(imported):
    with zipfile.ZipFile(imported.lo_docx) as archive:
        xml = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()
    assert "mc:AlternateContent" in xml and "mc:Fallback" in xml  # the frame, with its VML fallback
    assert '<w:name w:val="Caption"/>' in styles                  # LibreOffice's title-case style name
    expected = ["Liên đội trưởng điều khiển lễ chào cờ", "Chi đội 7A nhận cờ thi đua của liên đội"]
    for name in ("odt", "lo_docx"):
        assert [c for _, _, c in _images(imported.text[name])] == expected, imported.text[name]
        assert front_matter_of(imported.text[name])["title"] == "Lễ chào cờ đầu tuần của liên đội"
        assert "Đoạn văn sau khung ảnh." in imported.text[name]
    doc_images = _images(imported.text["doc"])
    assert [c for _, _, c in doc_images] == ["Phụ huynh lớp 9A trao đổi với giáo viên chủ nhiệm"]


def test_photos_are_upright_at_most_2560_px_without_exif_or_gps(imported):
    root = imported.province.root
    slug = "hoi-thi-giao-vien-day-gioi-cap-truong-nam-hoc-2023-2024"
    for path in (root / "content" / UNIT / "images" / YEAR).glob("*.jpg"):
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert max(image.size) <= 2560 and path.stat().st_size <= 2_000_000
            assert not image.getexif() and "exif" not in image.info, path
    with Image.open(root / "content" / UNIT / "images" / YEAR / f"{slug}-2.jpg") as image:
        assert image.size == (1707, 2560)  # 3000×2000 stored lying on its side: upright, long side 2560
        r, g, b = image.convert("RGB").getpixel((image.width - 5, 5))  # the red corner, turned with the photo
        assert r > 150 and g < 90 and b < 90


def test_what_is_still_to_do_is_what_make_check_reports(imported):
    reported = {p.text for p in parse_problems(imported.result.stderr)}
    main = imported.paths[0]
    codes = {(p.path, p.code) for p in parse_problems(imported.result.stderr)}
    assert (main, "E201") in codes and "còn phải làm" in imported.result.stderr
    assert {code for path, code in codes} == {"E301", "W602", "E201", "W601"}
    assert all((path, "E301") in codes for path in imported.paths)
    assert (imported.paths[2], "W601") in codes  # the article without photos
    six = next(p for p in parse_problems(imported.result.stderr) if p.code == "E201")
    assert "-6.jpg" in six.message and six.line == imported.text["main"].split("\n").index(
        next(l for l in imported.text["main"].split("\n") if "-6.jpg" in l)) + 1
    check = imported.province.check()
    checked = {p.text for p in parse_problems(check.stdout) if p.path in imported.paths}
    assert checked == reported
    assert check.returncode == 1  # E301: an approver must still be named


def test_once_approved_and_the_photo_captioned_the_article_builds(imported, tmp_path):
    province = Province(tmp_path / "repo")
    for name, path in imported.articles.items():
        rel = path.relative_to(imported.province.root)
        text = path.read_text(encoding="utf-8").replace("approved_by:     #", "approved_by: Nguyễn Văn Hiệu #", 1)
        text = text.replace("-6.jpg)", '-6.jpg "Các giáo viên đạt giải chụp ảnh lưu niệm")')
        province.write(str(rel), text)
    shutil.copytree(imported.province.root / "content" / UNIT / "images", province.root / "content" / UNIT / "images")
    waiting = province.root / "content" / UNIT / "word"
    waiting.mkdir()
    shutil.copy(imported.folder / "2-khai-giang.docx", waiting / "khai-giang.docx")  # waiting: never published
    (waiting / "khai-giang.yml").write_text("file: /word/khai-giang.docx\n", encoding="utf-8")
    check = province.check()
    assert check.returncode == 0, check.stdout
    assert {p.code for p in parse_problems(check.stdout)} <= {"W602", "W601"}
    assert "/word/" not in check.stdout  # the Word file and its entry file wait there: not stray files
    out = province.build()
    page = out / UNIT / "bai-viet" / "hoi-thi-giao-vien-day-gioi-cap-truong-nam-hoc-2023-2024.html"
    html = page.read_text(encoding="utf-8")
    assert html.count("<figure>") == 6 and "<table>" in html and 'href="https://thcsa.edu.vn/ke-hoach"' in html
    # (the web editor's admin/config.yml is the build's own, not a waiting file)
    assert not [p for p in out.rglob("*") if p.suffix in (".docx", ".yml") and p.parent.name != "admin"]


def test_import_never_overwrites_it_picks_a_new_slug(imported):
    root = imported.province.root
    before = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    result = run_import(root, str(imported.folder / "2-khai-giang.docx"), "--unit", UNIT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"content/{UNIT}/{YEAR}/le-khai-giang-nam-hoc-moi-2024-2025-2.md"
    assert all(p.read_bytes() == data for p, data in before.items())
    (root / result.stdout.strip()).unlink()
    for path in (root / "content" / UNIT / "images" / YEAR).glob("le-khai-giang-nam-hoc-moi-2024-2025-2-*.jpg"):
        path.unlink()


@pytest.fixture
def bad_files(tmp_path):
    good = main_document(tmp_path / "tot.docx").read_bytes()
    truncated = tmp_path / "bi-cat.docx"
    truncated.write_bytes(good[: len(good) // 2])
    protected = tmp_path / "co-mat-khau.docx"
    with open(tmp_path / "tot.docx", "rb") as source, open(protected, "wb") as out:
        OOXMLFile(source).encrypt("matkhau123", out)
    not_word = tmp_path / "bao-cao.docx"
    not_word.write_bytes(b"%PDF-1.7\n" + b"0" * 200)
    return SimpleNamespace(truncated=truncated, protected=protected, not_word=not_word)


@pytest.mark.parametrize("name, words", [("truncated", "tệp hỏng hoặc chưa tải lên hết"),
                                         ("protected", "tệp có mật khẩu"),
                                         ("not_word", "không phải tệp Word")])
def test_a_refused_file_gets_a_clear_message_writes_nothing_and_fails(province, bad_files, name, words):
    path = getattr(bad_files, name)
    result = run_import(province.root, str(path), "--unit", UNIT)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"{path}: {words}"), result.stderr
    if name == "protected":
        assert "hỏng" not in result.stderr and "xóa mật khẩu" in result.stderr
    assert files_under(province.root / "content") == set()


def test_a_folder_with_a_refused_file_still_imports_the_others(province, bad_files, tmp_path):
    folder = tmp_path / "thu-muc"
    folder.mkdir()
    shutil.copy(bad_files.protected, folder / "a-mat-khau.docx")
    bold_title_document(folder / "b-khai-giang.docx")
    result = run_import(province.root, str(folder), "--unit", UNIT)
    assert result.returncode == 1
    assert result.stdout.split() == [f"content/{UNIT}/{YEAR}/le-khai-giang-nam-hoc-moi-2024-2025.md"]
    assert "a-mat-khau.docx: tệp có mật khẩu" in result.stderr and "Đã nhập 1 trong 2 tệp Word" in result.stderr


def test_unknown_unit_and_missing_file_write_nothing(province, tmp_path):
    path = bold_title_document(tmp_path / "a.docx")
    result = run_import(province.root, str(path), "--unit", "thcs-aa")
    assert result.returncode == 2 and "không có đơn vị \"thcs-aa\"" in result.stderr and "thcs-a" in result.stderr
    result = run_import(province.root, str(tmp_path / "khong-co.docx"), "--unit", UNIT)
    assert result.returncode == 2 and "không tìm thấy tệp" in result.stderr
    assert files_under(province.root / "content") == set()


def test_without_libreoffice_an_odt_or_doc_says_how_to_save_as_docx(imported, tmp_path):
    odt = imported.folder / "4-chao-co.odt"
    with pytest.raises(opening.Refused) as refused:
        opening.docx_bytes(odt, soffice=None)
    assert refused.value.key == "needs_libreoffice"
    from word_import.messages import refusal
    assert "Lưu thành > Word Document (.docx)" in refusal(refused.value.key, **refused.value.args_)
    with pytest.raises(opening.Refused) as refused:
        opening.docx_bytes(imported.folder / "6-hoi-nghi.doc", soffice=None)
    assert refused.value.key == "needs_libreoffice" and ".doc" in refused.value.args_["kind"]


# ---------------------------------------------------------------------------
# The pull-request path, in a temporary clone of a real repository

GIT_ENV = {"GIT_AUTHOR_NAME": "Đoàn Thị Tâm", "GIT_AUTHOR_EMAIL": "tam@example.edu.vn",
           "GIT_COMMITTER_NAME": "Đoàn Thị Tâm", "GIT_COMMITTER_EMAIL": "tam@example.edu.vn",
           "GIT_AUTHOR_DATE": "2026-11-20T10:00:00+07:00", "GIT_COMMITTER_DATE": "2026-11-20T10:00:00+07:00"}


def git(root: Path, *args: str, env: dict | None = None) -> str:
    proc = subprocess.run(["git", "-C", str(root), "-c", "core.quotepath=off", *args], capture_output=True, text=True,
                          env=dict(os.environ, **GIT_ENV, **(env or {})))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_pull_request_path_imports_commits_and_removes_the_word_files(tmp_path, bad_files):
    origin = Province(tmp_path / "origin")
    for name in ("Makefile", "requirements.txt"):
        shutil.copy(CODE_ROOT / name, origin.root / name)
    shutil.copytree(CODE_ROOT / "plugins", origin.root / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    os.utime(origin.root / "requirements.txt", (0, 0))  # older than the environment's stamp: no reinstall
    git(origin.root, "init", "-q", "-b", "main")
    git(origin.root, "add", "-A")
    git(origin.root, "commit", "-q", "-m", "Tỉnh thử nghiệm")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin.root), str(clone)], check=True)
    os.utime(clone / "requirements.txt", (0, 0))
    git(clone, "checkout", "-q", "-b", "gui-bai-word")
    word = clone / "content" / UNIT / "word"
    main_document(word / nfd("Hội thi GVDG.docx"))  # uploaded from a Mac; the entry file names it in NFC
    (word / "hoi-thi-gvdg.yml").write_text('file: /word/Hội thi GVDG.docx\ntitle: "Hội thi GVDG: kết quả"\n',
                                           encoding="utf-8")
    shutil.copy(bad_files.protected, word / "co-mat-khau.docx")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "Gửi bài bằng tệp Word")
    before = git(clone, "rev-parse", "HEAD").strip()
    step_summary = tmp_path / "summary.md"
    env = dict(os.environ, PUBLICATION_NOW=FIXED_NOW, GITHUB_STEP_SUMMARY=str(step_summary),
               GIT_COMMITTER_DATE=GIT_ENV["GIT_COMMITTER_DATE"])
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        env.pop(key, None)
    subprocess.run(["git", "-C", str(clone), "config", "user.name", "CI"], check=True)
    subprocess.run(["git", "-C", str(clone), "config", "user.email", "ci@example.invalid"], check=True)
    proc = subprocess.run(["make", "-s", "-C", str(clone), "import-pending", f"VENV={CODE_ROOT / '.venv'}"],
                          capture_output=True, text=True, env=env)
    # one file was refused (status 1; make says "Error 1"); the other was still committed
    assert proc.returncode != 0 and "import-pending] Error 1" in proc.stderr, proc.stderr
    article = f"content/{UNIT}/{YEAR}/hoi-thi-gvdg-ket-qua.md"
    assert git(clone, "rev-parse", "HEAD~1").strip() == before
    assert git(clone, "rev-parse", "--abbrev-ref", "HEAD").strip() == "gui-bai-word"
    changes = sorted(git(clone, "show", "--name-status", "--format=", "HEAD").splitlines())
    assert changes == sorted([f"A\t{article}"] + [f"A\tcontent/{UNIT}/images/{YEAR}/hoi-thi-gvdg-ket-qua-{n}.jpg"
                                                   for n in range(1, 7)]
                             + [f"D\tcontent/{UNIT}/word/{nfd('Hội thi GVDG.docx')}", f"D\tcontent/{UNIT}/word/hoi-thi-gvdg.yml"])
    assert git(clone, "log", "-1", "--format=%an|%cn").strip() == "Đoàn Thị Tâm|CI"  # the teacher's article
    message = git(clone, "log", "-1", "--format=%B")
    assert message.startswith("Nhập tệp Word: 1 bài viết") and article in message and "co-mat-khau.docx" in message
    assert git(clone, "status", "--porcelain").strip() == ""
    assert (clone / article).read_text(encoding="utf-8").splitlines()[2] == 'title: "Hội thi GVDG: kết quả"'
    assert sorted(p.name for p in word.iterdir()) == ["co-mat-khau.docx"]
    with Image.open(clone / "content" / UNIT / "images" / YEAR / "hoi-thi-gvdg-ket-qua-2.jpg") as image:
        assert not image.getexif()
    summary = step_summary.read_text(encoding="utf-8")
    assert summary in proc.stdout
    assert "### Nhập tệp Word" in summary and "tệp có mật khẩu" in summary
    assert f"`{article}:" in summary and "E301" in summary and "E201" in summary
    # the next push finds nothing new to import and commits nothing
    proc = subprocess.run(["make", "-s", "-C", str(clone), "import-pending", f"VENV={CODE_ROOT / '.venv'}"],
                          capture_output=True, text=True, env=env)
    assert git(clone, "rev-parse", "HEAD~1").strip() == before
    # and `make import` itself, the contract's command
    path = bold_title_document(tmp_path / "khai-giang.docx")
    proc = subprocess.run(["make", "-s", "-C", str(clone), "import", f"DOCX={path}", f"UNIT={UNIT}",
                           f"VENV={CODE_ROOT / '.venv'}"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"content/{UNIT}/{YEAR}/le-khai-giang-nam-hoc-moi-2024-2025.md"


def test_a_folder_of_the_unit_linked_elsewhere_is_not_written_through(province, tmp_path):
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (province.root / "content" / UNIT).mkdir(parents=True)
    (province.root / "content" / UNIT / "images").symlink_to(outside)
    result = run_import(province.root, str(bold_title_document(tmp_path / "a.docx")), "--unit", UNIT)
    assert result.returncode == 1 and "ra ngoài thư mục của đơn vị" in result.stderr
    assert list(outside.iterdir()) == [] and files_under(province.root / "content") == set()


def test_one_caption_under_photos_side_by_side_serves_both_and_says_so(tmp_path):
    from word_import.article import prepare

    doc = docx.Document()
    doc.add_heading("Hội khỏe Phù Đổng cấp trường", level=1)
    run = doc.add_paragraph().add_run()
    run.add_picture(io.BytesIO(photo()), width=Pt(200))
    run.add_picture(io.BytesIO(photo(color=(200, 0, 0))), width=Pt(200))
    add_text(doc, "Ảnh: Học sinh thi đấu các môn điền kinh", italic=True)
    prepared = prepare(save(doc, tmp_path / "hkpd.docx"), None, None)
    photos_block = next(b for b in prepared.blocks if hasattr(b, "photos"))
    assert [p.caption for p in photos_block.photos] == ["Học sinh thi đấu các môn điền kinh"] * 2
    assert any("ảnh 1, 2 dùng chung một chú thích" in n for n in prepared.notes)
