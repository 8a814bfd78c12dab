"""Every code of problems.CATALOGUE, triggered from a real file of a real repository.

Each case is one article (or unit file) with one thing wrong; the test checks
the exact ``path:line: CODE`` prefix that `make check` prints, a telling part
of the Vietnamese message, that no other error is reported for that file, that
the build prints the same line, and that an article with an error (or a draft,
or a future date) reaches no page and no feed.

The article cases live in one repository, checked once and built once; the
unit-file cases in another, checked once.  E205 and W604 (and any later E2xx
about decoding image files) belong to plugins/image_assets and its tests.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from factory import CODE_ROOT, UNITS, Province
from helpers_problems import (CAPTION, IMAGE, article, article_cases, broken_unit_case, case, document_case, line_of,
                              output_files, page_text, parse_problems, raw, setup_units)
from problems import CATALOGUE

RETIRED_UNIT = ("id: truong-cu\nname: Trường Cũ\nkind: truong\nparent: phong-gddt-a\n"
                "approvers:\n  - name: Nguyễn Văn Hiệu\n    title: Hiệu trưởng\nretired_on: 2024-06-30\n")
# The habits of Word, Windows and phones (issue #15), each from the file a teacher would commit
HABIT_CASES = [
    case("e111-retired", "E111", "date:", "bài đề ngày 07/11/2024, sau ngày 30/06/2024 là ngày đơn vị truong-cu "
         "ngừng hoạt động", unit="truong-cu", approved_by="Nguyễn Văn Hiệu",
         files={"units/truong-cu.yml": RETIRED_UNIT, f"content/truong-cu{IMAGE}": "image"}),
    raw("e118-md-txt", "E118", "---\ntitle: Bài lưu bằng Notepad {marker}\ndate: 2024-11-07\n---\n\n{marker}\n", 1,
        'tệp "bai-viet.md.txt" là bài viết nhưng tên không kết thúc bằng .md nên không được đăng — '
        'đổi tên tệp thành "bai-viet.md"', rel="content/thcs-a/2024/bai-viet.md.txt"),
    raw("e119-rtf", "E119", "{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times New Roman;}}\\f0\\fs24 {marker}\\par}\n", 1,
        'tệp "hoi-thi.rtf" không phải bài viết (.md), ảnh hay tệp đính kèm của văn bản nên không được dùng — '
        "tệp Word không được đăng thẳng: chuyển thành bài viết bằng lệnh make import "
        "DOCX=content/thcs-a/2024/hoi-thi.rtf UNIT=thcs-a", rel="content/thcs-a/2024/hoi-thi.rtf"),
    case("e104-converted", "E104", "date:", 'ngày "07/11/2024 8h30" không đúng dạng — viết là 2024-11-07 08:30',
         date="07/11/2024 8h30"),
    case("e204-other-case", "E204", "Anh-Chung.JPG", 'có phải "/images/2024/anh-chung.jpg" không?', picture=False,
         body=f'![Ảnh](/images/2024/Anh-Chung.JPG "{CAPTION}")\n'),
    case("e204-near-miss", "E204", "anh-chun.jpg", 'có phải "/images/2024/anh-chung.jpg" không?', picture=False,
         body=f'![Ảnh](../images/2024/anh-chun.jpg "{CAPTION}")\n', rel="content/thcs-a/2024/e204-near-miss.md"),
    case("e210-windows", "E210", "C:\\Users", 'ảnh "C:\\Users\\Lan\\Pictures\\Khai giảng.JPG" là một tệp trên '
         "máy tính của người viết, trang web không lấy được — chép ảnh vào thư mục content/thcs-a/images/ của kho "
         "(ví dụ đặt tên khai-giang.jpg) rồi ghi đường dẫn /images/khai-giang.jpg", picture=False,
         body=f'![Ảnh](C:\\Users\\Lan\\Pictures\\Khai giảng.JPG "{CAPTION}")\n'),
    case("e210-featured", "E210", "image:", 'ảnh "D:/Ảnh/hoi-thi.jpg" là một tệp trên máy tính của người viết',
         image="D:/Ảnh/hoi-thi.jpg", image_caption=CAPTION),
    case("e211-spaces", "E211", "anh chung", 'tên tệp ảnh "anh chung.jpg" có dấu cách nên dòng ảnh '
         '"/images/2024/anh chung.jpg" không đọc được — đổi tên tệp ảnh thành "anh-chung.jpg" (không dấu cách) '
         "rồi ghi đường dẫn /images/2024/anh-chung.jpg", picture=False,
         body=f'![Ảnh](/images/2024/anh chung.jpg "{CAPTION}")\n'),
    case("e302-no-marks", "E302", "approved_by:", 'có phải "Nguyễn Văn Hiệu" không? ghi đúng họ tên một người duyệt',
         approved_by="Nguyen Van Hieu"),
    case("e302-one-letter", "E302", "approved_by:", 'có phải "Nguyễn Văn Hiệu" không?', approved_by="Nguyễn Văn Hiện"),
    case("w606-backslash", "W606", "..\\images", 'đường dẫn ảnh "..\\images\\2024\\anh-chung.jpg" dùng dấu \\ kiểu '
         'Windows; đã đọc là "../images/2024/anh-chung.jpg"', picture=False, published=True,
         body=f'![Ảnh](..\\images\\2024\\anh-chung.jpg "{CAPTION}")\n', rel="content/thcs-a/2024/w606-backslash.md"),
]
# Values that used to stop the whole build (issue #10): each is now its own file's error
_LONG_TITLE = "Hội nghị " * 40
_CP1258 = "---\ntitle: Năm mới {marker}\ndate: 2024-11-07\n---\n\nNăm mới {marker}.\n"  # "ă" is 0xE3 there
ROBUST_CASES = [
    raw("e112-nul-title", "E112", "---\ntitle: Lễ khai giảng\x00 năm học mới\ndate: 2024-11-07\n"
        f"approved_by: Nguyễn Văn Hiệu\n---\n\n{{marker}}\n\n![Ảnh]({IMAGE} \"{CAPTION}\")\n", "title:",
        "dòng này có ký tự điều khiển hoặc ký tự dành riêng (U+0000) không hiện được trên trang web — xóa ký tự lạ này"),
    case("e112-placeholder", "E112", "title:", "ký tự dành riêng (U+E000)", title="Tin \ue000site\ue001 mới"),
    case("e113-title", "E113", "title:", f'giá trị của "title" quá dài ({len(_LONG_TITLE.strip())} ký tự; tối đa 200)',
         title=_LONG_TITLE),
    case("e113-slug", "E113", "slug:", 'giá trị của "slug" quá dài (240 ký tự; tối đa 100)', slug="a" * 240),
    case("e113-category", "E113", "category:", 'giá trị của "category" quá dài (300 ký tự; tối đa 100)',
         category="x" * 300),
    raw("e114-cp1258", "E114", _CP1258.encode("cp1258", "replace"), 2,
        "tệp không phải UTF-8 (có vẻ là bảng mã Windows-1258 (bảng mã tiếng Việt cũ của Windows)) nên chữ tiếng Việt "
        "sẽ bị lỗi — mở tệp, chọn Lưu thành (Save As) và chọn Encoding: UTF-8"),
    raw("e114-utf16", "E114", _CP1258.encode("utf-16"), 1, "có vẻ là bảng mã UTF-16"),
    case("e115-huge", "E115", 1, "tệp bài viết quá lớn (3,4 MB; tối đa 2 MB)",
         body="Một đoạn văn rất dài của bài viết.\n" * 70_000),
    case("e116-file-link", "E116", 1, 'tệp "e116-file-link.md" là liên kết (symbolic link) tới ngoài thư mục của '
         "đơn vị nên không được đọc — thay liên kết bằng chính tệp đó, đặt trong content/thcs-a/",
         files={"content/thcs-a/e116-file-link.md": ("symlink", "../../../ngoai-kho.md")}),
    case("e116-folder-link", "E116", 1, 'tệp "e116-folder-link.md" là liên kết', rel="content/thcs-a/ngoai/e116-folder-link.md",
         files={"../ngoai-kho-thu-muc": ("folder",), "content/thcs-a/ngoai": ("symlink", "../../../ngoai-kho-thu-muc")}),
    case("e117-pipe", "E117", 1, '"e117-pipe.md" không phải tệp thường (là một ống dẫn (named pipe)) nên không được đọc',
         picture=False, special="fifo"),
]
# contract section 12: an announcement's and a consultation's days
PORTAL_CASES = [
    case("e215-pinned", "E215", "pinned_until:", 'ngày "31/12/2024" của "pinned_until" không đúng dạng — '
         "viết là 2024-12-31 (năm-tháng-ngày)", category="Thông báo", pinned_until="31/12/2024"),
    case("e215-deadline", "E215", "deadline:", 'ngày "hết tháng 12" của "deadline" không đúng dạng — '
         "viết theo dạng năm-tháng-ngày, ví dụ: deadline: 2024-12-15", category="Lấy ý kiến",
         deadline="hết tháng 12"),
]
# contract section 12: documents (văn bản), each with one thing wrong
_TH_B_FILE = "../../../th-b/van-ban/2024/chung.pdf"
DOCUMENT_CASES = [
    document_case("e120-doc-type", "E120", 2, "văn bản thiếu loại văn bản (doc_type) — thêm dòng 'doc_type: Công văn'",
                  doc_type=None),
    document_case("e121-no-marks", "E121", "doc_type:", 'loại văn bản "Cong van" không có trong danh mục — '
                  'có phải "Công văn" không?', doc_type="Cong van"),
    document_case("e121-unknown", "E121", "doc_type:", 'loại văn bản "Bài báo" không có trong danh mục — ghi doc_type '
                  "là một loại văn bản theo NĐ 30/2020/NĐ-CP: Công văn, Kế hoạch", doc_type="Bài báo"),
    document_case("e122-number", "E122", 2, "văn bản thiếu số, ký hiệu (number) — thêm dòng 'number: 1652/SGDĐT-VP'",
                  number=None),
    document_case("e122-empty", "E122", "number:", "văn bản thiếu số, ký hiệu (number)", number=""),
    document_case("e123-issuer", "E123", 2, "văn bản thiếu cơ quan ban hành (issuer) — thêm dòng 'issuer:", issuer=None),
    document_case("e124-issued-on", "E124", 2, "văn bản thiếu ngày ban hành (issued_on) — thêm dòng 'issued_on: "
                  "2024-10-19'", issued_on=None),
    document_case("e125-issued-on", "E125", "issued_on:", 'ngày ban hành "19/10/2024" (issued_on) không đúng dạng — '
                  "viết là 2024-10-19 (năm-tháng-ngày)", issued_on="19/10/2024"),
    document_case("e125-expires-on", "E125", "expires_on:", 'ngày hết hiệu lực "2025-02-30" (expires_on) không đúng dạng '
                  "— viết theo dạng năm-tháng-ngày, ví dụ: expires_on: 2024-10-19", expires_on="2025-02-30"),
    document_case("e126-effective", "E126", "effective_on:", "ngày có hiệu lực (effective_on: 01/10/2024) trước ngày "
                  "ban hành (issued_on: 19/10/2024) — sửa lại đúng ngày in trên văn bản", effective_on="2024-10-01"),
    document_case("e126-expires", "E126", "expires_on:", "ngày hết hiệu lực (expires_on: 31/10/2024) trước ngày có "
                  "hiệu lực (effective_on: 01/11/2024)", effective_on="2024-11-01", expires_on="2024-10-31"),
    document_case("e127-file", "E127", 2, "văn bản chưa có tệp đính kèm (file) — chép tệp PDF (hoặc Word, Excel) của "
                  "văn bản vào thư mục content/thcs-a/van-ban/2024/ rồi thêm dòng 'file: /van-ban/2024/ten-tep.pdf'",
                  file=None),
    document_case("e128-missing", "E128", "file:", 'không tìm thấy tệp đính kèm "/van-ban/2024/khong-co.pdf" — kiểm tra '
                  "tên tệp", file="/van-ban/2024/khong-co.pdf"),
    document_case("e128-near-miss", "E128", "file:", 'không tìm thấy tệp đính kèm "chung.PDF" — có phải "chung.pdf" '
                  "không?", file="chung.PDF"),
    document_case("e129-other-unit", "E129", "file:", f'tệp đính kèm "{_TH_B_FILE}" không dùng được: nằm ngoài thư mục '
                  "content/thcs-a/van-ban/ của đơn vị", file=_TH_B_FILE),
    document_case("e129-images", "E129", "file:", 'tệp đính kèm "/images/2024/anh-chung.jpg" không dùng được: nằm '
                  "ngoài thư mục content/thcs-a/van-ban/", file=IMAGE),
    document_case("e129-extension", "E129", "file:", 'tệp đính kèm "/van-ban/2024/ke-hoach.txt" không dùng được: '
                  'không phải tệp PDF, Word hay Excel (đuôi "txt")', file="/van-ban/2024/ke-hoach.txt"),
    document_case("e129-remote", "E129", "file:", 'tệp đính kèm "https://example.com/ke-hoach.pdf" không dùng được: '
                  "là địa chỉ trên trang web khác", file="https://example.com/ke-hoach.pdf"),
    document_case("e129-symlink", "E129", "file:", 'tệp đính kèm "/van-ban/2024/lien-ket.pdf" không dùng được: là liên '
                  "kết (symbolic link) tới ngoài thư mục của đơn vị", file="/van-ban/2024/lien-ket.pdf",
                  files={"content/thcs-a/van-ban/2024/lien-ket.pdf": ("symlink", "../../../th-b/van-ban/2024/chung.pdf")}),
]
# triggered from real unit files by tests/portal/test_section_codes.py (W624: test_sections.py)
SECTION_CODES = {"W620", "W621", "W622", "W623", "W624"}
ARTICLE_CASES = article_cases() + [broken_unit_case()] + HABIT_CASES + PORTAL_CASES + ROBUST_CASES + DOCUMENT_CASES
CONTROL = "content/thcs-a/2024/bai-hop-le.md"
CONTROL_MARKER = "DAUHIEUhoplebaiHET"


def owned_by_image_files(code: str) -> bool:
    """Codes about reading image files: tested with plugins/image_assets ("photos")."""
    return code in ("E205", "W604") or "E206" < code < "E210"


def _by_path(problems):
    found = defaultdict(list)
    for problem in problems:
        found[problem.path].append(problem)
    return found


@pytest.fixture(scope="module")
def article_repo(tmp_path_factory):
    province = Province(tmp_path_factory.mktemp("codes") / "repo")
    setup_units(province)
    province.write(CONTROL, article(marker=CONTROL_MARKER, title="Bài hợp lệ để đối chứng"))
    for case in ARTICLE_CASES:
        case.write(province)
    check = province.check()
    build = province.run_build()
    assert build.returncode == 0, build.stderr
    output = province.root / "output"
    corpus = {path: page_text(path) for path in output_files(output) if path.suffix in (".html", ".xml")}
    return SimpleNamespace(province=province, check=check, build=build, output=output, corpus=corpus,
                           reported=_by_path(parse_problems(check.stdout)),
                           build_lines={p.text for p in parse_problems(build.stderr)})


def _pages_with(repo, marker: str) -> list[str]:
    return sorted(str(path.relative_to(repo.output)) for path, text in repo.corpus.items() if marker in text)


def test_control_article_is_published_and_clean(article_repo):
    assert article_repo.reported[CONTROL] == []
    pages = _pages_with(article_repo, CONTROL_MARKER)
    assert "thcs-a/bai-viet/bai-hop-le-de-doi-chung.html" in pages
    assert "feeds/all.atom.xml" in pages


@pytest.mark.parametrize("case", ARTICLE_CASES, ids=lambda c: c.name)
def test_article_code(article_repo, case):
    reported = article_repo.reported[case.path]
    listing = "\n".join(r.text for r in reported) or "(nothing)"
    hits = [r for r in reported if r.text.startswith(case.prefix)]
    assert hits, f"expected a line starting {case.prefix!r}; got:\n{listing}"
    assert any(case.says in r.message for r in hits), f"{case.says!r} not in:\n{listing}"
    errors = {r.code for r in reported if r.is_error}
    expected = ({case.code} if case.code.startswith("E") else set()) | set(case.also)
    assert errors == expected, listing
    assert hits[0].text in article_repo.build_lines, "the build does not print the same line"
    pages = _pages_with(article_repo, case.marker)
    if case.published:
        assert any(p.endswith(".html") and "/bai-viet/" in p for p in pages), pages
        assert "feeds/all.atom.xml" in pages
    else:
        assert pages == [], f"{case.path} reached {pages}"


def test_check_exits_1_when_any_article_has_an_error(article_repo):
    assert article_repo.check.returncode == 1
    assert "Đã kiểm tra" in article_repo.check.stderr


# -- unit files -------------------------------------------------------------


@dataclass
class UnitCase:
    name: str
    code: str
    rel: str
    where: str | int
    says: str

    def line(self, texts: dict) -> int:
        return self.where if isinstance(self.where, int) else line_of(texts[self.rel], self.where)


APPROVERS = "approvers:\n  - name: Nguyễn Văn Hiệu\n    title: Hiệu trưởng\n"


def _unit(unit_id: str, extra: str = "", *, kind="truong", parent="phong-gddt-a", id_line=None) -> str:
    text = id_line if id_line is not None else f"id: {unit_id}\n"
    text += f"name: Trường {unit_id}\n"
    if kind is not None:
        text += f"kind: {kind}\n"
    if parent is not None:
        text += f"parent: {parent}\n"
    return text + APPROVERS + extra


UNIT_FILES = {
    "units/hong-cu-phap.yml": "id: hong-cu-phap\nname: Trường Hỏng\n  kind: truong\nparent: so\n",
    "units/lap-khoa.yml": _unit("lap-khoa", "name: Tên thứ hai\n"),
    "units/danh-sach.yml": "- id: danh-sach\n- kind: truong\n",
    "units/sai-loai.yml": _unit("sai-loai", kind="truong-hoc"),
    "units/thieu-cap-tren.yml": _unit("thieu-cap-tren", parent=None),
    "units/cap-tren-la.yml": _unit("cap-tren-la", parent="khong-ton-tai"),
    "units/doi-cap-tren-la.yml": _unit("doi-cap-tren-la", "parents:\n  - from: 2025-07-01\n    parent: xa-khong-co\n"),
    "units/vong-a.yml": _unit("vong-a", parent="vong-b"),
    "units/vong-b.yml": _unit("vong-b", parent="vong-a"),
    "units/sai-ma.yml": _unit("sai-ma", id_line="id: sai-ma-khac\n"),
    "units/Sai_Ten.yml": _unit("Sai_Ten"),
    "units/khong-duyet.yml": "id: khong-duyet\nname: Trường Không Duyệt\nkind: truong\nparent: phong-gddt-a\napprovers: []\n",
    "units/feeds.yml": _unit("feeds"),
    "units/trang-2.yml": _unit("trang-2"),
    "units/khoa-la.yml": _unit("khoa-la", "save_as: ../../x.html\n"),
    "units/ngay-sai.yml": _unit("ngay-sai", "active_from: 2025-13-01\n"),
    "units/ngay-viet.yml": _unit("ngay-viet", 'retired_on: "30/06/2025"\n'),
    "units/ten-danh-sach.yml": "id: ten-danh-sach\nname: [Trường, Tên]\nkind: truong\nparent: phong-gddt-a\n"
                               "approvers: [Nguyễn Văn Hiệu]\n",
    "units/thieu-loai.yml": _unit("thieu-loai", kind=None),
    "units/bien-tap.yml": _unit("bien-tap", 'editors: "@doanthitam"\n'),
    "units/so-hai.yml": _unit("so-hai", kind="so", parent=None),
    "units/chu-ky-sai.yml": _unit("chu-ky-sai", "quota:\n  - every: fortnight\n    count: 1\n"),
    "units/so-bai-sai.yml": _unit("so-bai-sai", "quota:\n  - every: week\n    count: 0\n"),
    "units/kenh-sai.yml": _unit("kenh-sai", "quota:\n  - every: month\n    count: 1\n    channel: zalo\n"),
    "units/dia-chi-http.yml": _unit("dia-chi-http", "url: http://thcs-a.example.edu.vn\n"),
    "units/trung-dia-chi-1.yml": _unit("trung-dia-chi-1", "url: https://chung.example.edu.vn\n"),
    "units/trung-dia-chi-2.yml": _unit("trung-dia-chi-2", "url: https://CHUNG.example.edu.vn/\n"),
    "units/tai-khoan-sai.yml": _unit("tai-khoan-sai").replace(
        "    title: Hiệu trưởng\n", "    title: Hiệu trưởng\n    account: Nguyễn Văn Hiệu\n"),
}

PROVINCE_BROKEN = """\
name: Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm
timezone: Asia/Ha_Noi
quota_on_home: có
quota_start: 2022-09-05
school_year:
  semester1_start: "09-05"
  semester2_start: "13-01"
  end: "05-31"
rotas:
  - id: luan-phien-hoc-ky
    every: semester
    count: 1
    start: 2022-11
    order: [van-phong]
  - id: luan-phien-so-bai
    every: month
    count: hai
    start: 2022-12
    order: [van-phong]
  - id: luan-phien-don-vi
    every: month
    count: 1
    start: 2023-01
    order:
      - van-phong
      - phong-khong-co
  - id: luan-phien-thang
    every: month
    count: 1
    start: 2022-13
    order: [van-phong]
  - id: luan-phien-tuan
    every: week
    count: 1
    start: 2022-W54
    order: [van-phong]
"""

P = "units/_province.yml"
UNIT_CASES = [
    UnitCase("e400-syntax", "E400", "units/hong-cu-phap.yml", "  kind:", "tệp đơn vị không đọc được"),
    UnitCase("e400-duplicate", "E400", "units/lap-khoa.yml", "Tên thứ hai", 'khóa "name" lặp lại (lần đầu ở dòng 2)'),
    UnitCase("e400-list", "E400", "units/danh-sach.yml", 1, "tệp phải là danh sách 'khóa: giá trị'"),
    UnitCase("e401", "E401", "units/sai-loai.yml", "kind:", 'loại đơn vị "truong-hoc" không có'),
    UnitCase("e402", "E402", "units/thieu-cap-tren.yml", 1, "đơn vị thiếu đơn vị cấp trên (parent)"),
    UnitCase("e403", "E403", "units/cap-tren-la.yml", "parent:", 'đơn vị cấp trên "khong-ton-tai" không có trong units/'),
    UnitCase("e403-parents", "E403", "units/doi-cap-tren-la.yml", "parent: xa-khong-co", 'đơn vị cấp trên "xa-khong-co" không có'),
    UnitCase("e404", "E404", "units/vong-a.yml", "parent:", "quan hệ cấp trên bị vòng lặp: vong-a → vong-b → vong-a"),
    UnitCase("e405-id", "E405", "units/sai-ma.yml", "id:", 'mã đơn vị (id) "sai-ma-khac" khác tên tệp'),
    UnitCase("e405-file-name", "E405", "units/Sai_Ten.yml", 1, 'mã đơn vị (id) "Sai_Ten" (tên tệp) không đúng dạng'),
    UnitCase("e406", "E406", "units/khong-duyet.yml", "approvers:", "đơn vị chưa có người duyệt bài (approvers)"),
    UnitCase("e407", "E407", "units/feeds.yml", "id:", 'mã đơn vị "feeds" trùng với một đường dẫn của cổng thông tin'),
    UnitCase("e407-page", "E407", "units/trang-2.yml", "id:", 'mã đơn vị "trang-2" trùng với một đường dẫn'),
    UnitCase("e408", "E408", "units/khoa-la.yml", "save_as:", 'khóa "save_as" không dùng trong tệp này'),
    UnitCase("e409", "E409", "units/ngay-sai.yml", "active_from:", 'ngày "2025-13-01" của "active_from" không đúng dạng'),
    UnitCase("e409-words", "E409", "units/ngay-viet.yml", "retired_on:", 'ngày "30/06/2025" của "retired_on" không đúng dạng'),
    UnitCase("e410-name", "E410", "units/ten-danh-sach.yml", "name:", 'thiếu hoặc sai giá trị "name": cần một dòng chữ'),
    UnitCase("e410-kind", "E410", "units/thieu-loai.yml", 1, 'thiếu hoặc sai giá trị "kind": bị thiếu'),
    UnitCase("e410-editors", "E410", "units/bien-tap.yml", "editors:", 'thiếu hoặc sai giá trị "editors"'),
    UnitCase("e411-timezone", "E411", P, "timezone:", 'cài đặt của tỉnh không hợp lệ: múi giờ "Asia/Ha_Noi" không có'),
    UnitCase("e411-school-year", "E411", P, "semester2_start:", '"semester2_start: 13-01" không phải tháng-ngày'),
    UnitCase("e411-quota-on-home", "E411", P, "quota_on_home:", '"quota_on_home: có" phải là true hoặc false'),
    UnitCase("e412", "E412", "units/so-hai.yml", "kind:", "đơn vị loại 'so' phải là duy nhất và có mã 'so'"),
    UnitCase("e413-quota", "E413", "units/chu-ky-sai.yml", "every:", 'chu kỳ "fortnight" không có'),
    UnitCase("e413-rota", "E413", P, "every: semester", 'chu kỳ "semester" không có — dùng một trong: week, month, quarter'),
    UnitCase("e414-quota", "E414", "units/so-bai-sai.yml", "count:", 'số bài "0" không hợp lệ'),
    UnitCase("e414-rota", "E414", P, "count: hai", 'số bài "hai" không hợp lệ'),
    UnitCase("e415", "E415", P, "- phong-khong-co", 'lịch trực "luan-phien-don-vi" có đơn vị "phong-khong-co" không có trong units/'),
    UnitCase("e416-month", "E416", P, "start: 2022-13", 'kỳ bắt đầu "2022-13" không đúng dạng kỳ month'),
    UnitCase("e416-week", "E416", P, "start: 2022-W54", 'kỳ bắt đầu "2022-W54" không đúng dạng kỳ week'),
    UnitCase("e417", "E417", "units/kenh-sai.yml", "channel:", 'kênh "zalo" không có'),
    UnitCase("e419", "E419", "units/dia-chi-http.yml", "url:", 'địa chỉ trang "http://thcs-a.example.edu.vn" không phải'),
    UnitCase("e420-first", "E420", "units/trung-dia-chi-1.yml", "url:", "trùng với đơn vị trung-dia-chi-2"),
    UnitCase("e420-second", "E420", "units/trung-dia-chi-2.yml", "url:", "trùng với đơn vị trung-dia-chi-1"),
    UnitCase("e421", "E421", "units/tai-khoan-sai.yml", "account:", 'tài khoản "Nguyễn Văn Hiệu" không đúng dạng'),
]


@pytest.fixture(scope="module")
def unit_repo(tmp_path_factory):
    province = Province(tmp_path_factory.mktemp("units") / "repo")
    texts = dict(UNIT_FILES, **{P: PROVINCE_BROKEN})
    for rel, text in texts.items():
        province.write(rel, text)
    province.article("thcs-a", "2024/bai.md")
    check = province.check()
    return SimpleNamespace(province=province, check=check, texts=texts,
                           reported=_by_path(parse_problems(check.stdout)))


@pytest.mark.parametrize("case", UNIT_CASES, ids=lambda c: c.name)
def test_unit_code(unit_repo, case):
    reported = unit_repo.reported[case.rel]
    listing = "\n".join(r.text for r in reported) or "(nothing)"
    prefix = f"{case.rel}:{case.line(unit_repo.texts)}: {case.code} "
    hits = [r for r in reported if r.text.startswith(prefix)]
    assert hits, f"expected a line starting {prefix!r}; got:\n{listing}"
    assert any(case.says in r.message for r in hits), f"{case.says!r} not in:\n{listing}"
    if case.rel != P:  # the province file holds several cases
        assert {r.code for r in reported} == {case.code}, listing


def test_unit_errors_leave_valid_units_and_fail_the_check(unit_repo):
    assert unit_repo.check.returncode == 1
    assert unit_repo.reported["content/thcs-a/2024/bai.md"] == []
    for rel in ("units/so.yml", "units/thcs-a.yml", "units/th-b.yml"):
        assert unit_repo.reported[rel] == []


def test_missing_so_and_province_files(tmp_path):
    units = {k: v for k, v in UNITS.items() if k != "so"}
    province = Province(tmp_path / "repo", units=units)
    (province.root / "units/_province.yml").unlink()
    result = province.check()
    lines = [p.text for p in parse_problems(result.stdout)]
    assert result.returncode == 1
    assert any(l.startswith("units/so.yml:1: E412 đơn vị loại 'so' phải là duy nhất") for l in lines), lines
    assert any(l.startswith("units/_province.yml:1: E411 cài đặt của tỉnh không hợp lệ: không có tệp units/_province.yml")
               for l in lines), lines


def test_every_catalogue_code_is_triggered_here():
    from test_approvals import APPROVAL_CODES  # E418: CODEOWNERS from units/, in real repositories there
    from test_reviewer_warnings import REVIEW_CODES  # W610-W615: tested on real text and photos there
    from test_editor_local import EDITOR_CODES  # E430: make editor, in real repositories there

    tested = ({c.code for c in ARTICLE_CASES} | {c.code for c in UNIT_CASES} | set(SETTINGS_CASES)
              | SECTION_CODES | REVIEW_CODES | APPROVAL_CODES | EDITOR_CODES)
    # E505 is the build's safety net for a failure of its own code on one file: no known file
    # triggers it any more (each one found is now a code of its own)
    untested = sorted(code for code in CATALOGUE
                      if code not in tested and not owned_by_image_files(code) and code != "E505")
    assert untested == []


def test_catalogue_entries_are_vietnamese_sentences_with_a_fix():
    for code, (what, fix) in CATALOGUE.items():
        assert code[0] in "EW" and code[1:].isdigit() and len(code) == 4
        assert what.strip() and fix.strip(), code
        assert any(ch in "ăâđêôơưáàảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịúùủũụóòỏõọéèẻẽẹýỳỷỹỵ" for ch in (what + fix).lower()) \
            or "{" in fix, code


# -- `make check`: exit status, and --base --------------------------------------


def test_check_exits_0_with_only_warnings(province):
    province.article("thcs-a", "2024/khong-anh.md", title="Bài không có ảnh", image=False)
    province.article("thcs-a", "2024/chua-ghi-ngay-duyet.md", title="Bài chưa ghi ngày duyệt", approved_on=None)
    result = province.check()
    codes = [p.code for p in parse_problems(result.stdout)]
    assert sorted(codes) == ["W601", "W602"]
    assert result.returncode == 0
    assert "Đã kiểm tra 2 tệp bài viết: 0 lỗi, 2 cảnh báo." in result.stderr


def test_check_exits_0_on_a_clean_repository(province):
    province.article("thcs-a", "2024/bai.md")
    result = province.check()
    assert result.returncode == 0
    assert parse_problems(result.stdout) == []


def test_check_exits_1_on_one_error(province):
    province.article("thcs-a", "2024/bai.md")
    province.article("th-b", "2024/sai-ngay.md", title="Bài sai ngày", date="20/11/2024")
    result = province.check()
    assert result.returncode == 1
    assert [p.text.split(" — ")[0] for p in parse_problems(result.stdout)] == [
        'content/th-b/2024/sai-ngay.md:3: E104 ngày "20/11/2024" không đúng dạng']
    assert "1 lỗi, 0 cảnh báo" in result.stderr


def test_check_exits_1_on_a_unit_file_error_alone(province):
    province.write("units/th-b.yml", UNITS["th-b"] + "website: https://thb.edu.vn\n")
    result = province.check()
    assert result.returncode == 1
    assert [p.text.split(" — ")[0] for p in parse_problems(result.stdout)] == [
        'units/th-b.yml:8: E408 khóa "website" không dùng trong tệp này']


@pytest.fixture
def git_province(province):
    """A committed province: a good article per school, one old broken article."""
    province.git("init", "-q", "-b", "main")
    province.article("thcs-a", "2024/hoi-thi.md", title="Hội thi giáo viên dạy giỏi")
    province.article("thcs-a", "2024/cu-loi.md", title="Bài cũ sai ngày", date="07/11/2024")
    province.article("th-b", "2024/khai-giang.md", title="Lễ khai giảng năm học mới")
    province.git("add", "-A")
    province.git("commit", "-q", "-m", "Nội dung ban đầu")
    return province


def test_base_checks_only_changes_but_against_the_whole_unit(git_province):
    repo = git_province
    assert repo.check().returncode == 1                      # the old broken article
    assert repo.check(base="main").returncode == 0           # nothing changed since main
    repo.git("checkout", "-q", "-b", "bai-moi")
    new = repo.article("thcs-a", "2025/hoi-thi-lan-2.md", title="Hội thi giáo viên dạy giỏi")
    repo.git("add", new)
    repo.git("commit", "-q", "-m", "Bài mới", date="2025-03-01T09:00:00+07:00")
    result = repo.check(base="main")
    lines = [p.text for p in parse_problems(result.stdout)]
    assert result.returncode == 1
    assert lines == [f'{new}:2: E105 đường dẫn (slug) "hoi-thi-giao-vien-day-gioi" trùng với bài '
                     "content/thcs-a/2024/hoi-thi.md của cùng đơn vị — đổi tiêu đề hoặc thêm dòng "
                     "'slug: ten-khac' cho một trong hai bài"]
    assert "Đã kiểm tra 1 tệp bài viết: 1 lỗi, 0 cảnh báo." in result.stderr


def test_base_includes_uncommitted_and_untracked_files(git_province):
    repo = git_province
    repo.article("th-b", "2025/chua-duyet.md", title="Bài chưa duyệt", approved_by=None)
    repo.write("content/th-b/2024/khai-giang.md",
               (repo.root / "content/th-b/2024/khai-giang.md").read_text(encoding="utf-8").replace(
                   "approved_on: 2024-11-07", "approved_on: 7/11"))
    result = repo.check(base="HEAD")
    lines = sorted(p.text.split(" — ")[0] for p in parse_problems(result.stdout))
    assert lines == ['content/th-b/2024/khai-giang.md:6: E303 ngày duyệt "7/11" không đúng dạng',
                     "content/th-b/2025/chua-duyet.md:1: E301 bài chưa có người duyệt (approved_by)"]
    assert result.returncode == 1


def test_base_changed_unit_file_rechecks_its_articles(git_province):
    repo = git_province
    repo.write("units/th-b.yml", UNITS["th-b"].replace("kind: truong", "kind: truong-tieu-hoc"))
    result = repo.check(base="HEAD")
    lines = sorted(p.text.split(" — ")[0] for p in parse_problems(result.stdout))
    assert lines == [
        'content/th-b/2024/khai-giang.md:1: E108 thư mục "th-b" là của một đơn vị mà tệp units/th-b.yml đang có lỗi (xem các lỗi E4xx)',
        'units/th-b.yml:3: E401 loại đơn vị "truong-tieu-hoc" không có',
    ]
    assert result.returncode == 1


def test_base_that_is_not_a_commit(git_province):
    result = git_province.check(base="khong-co-nhanh-nay")
    assert result.returncode == 2
    assert 'Không so sánh được với "khong-co-nhanh-nay"' in result.stderr


# -- the publishing settings (publishconf.py) ---------------------------------------

# code -> the SITEURL that triggers it; the line is publishconf.py's that reads SITEURL
SETTINGS_CASES = {"E426": ["", "http://localhost:8000", "https://localhost:8000"]}


@pytest.mark.parametrize("siteurl", SETTINGS_CASES["E426"])
def test_e426_a_publishing_build_needs_an_https_siteurl(tmp_path, siteurl):
    import os
    import subprocess
    import sys

    line = line_of((CODE_ROOT / "publishconf.py").read_text(encoding="utf-8"), '= os.environ.get("SITEURL"')
    env = dict(os.environ, SITEURL=siteurl, PYTHONPATH=str(CODE_ROOT / "plugins"))
    result = subprocess.run([sys.executable, str(CODE_ROOT / "tools" / "build.py"), "--settings",
                             str(CODE_ROOT / "publishconf.py"), "--output", str(tmp_path / "output")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(f'publishconf.py:{line}: E426 địa chỉ công khai của cổng (biến môi trường '
                                    f'SITEURL) "{siteurl}" thiếu hoặc không phải địa chỉ https://'), result.stderr
    assert not (tmp_path / "output").exists()


def test_make_html_publish_uses_the_publishing_settings():
    import subprocess

    plan = subprocess.run(["make", "-n", "-C", str(CODE_ROOT), "html", "PUBLISH=1"], capture_output=True, text=True)
    assert "tools/build.py --settings publishconf.py" in plan.stdout, plan.stdout


# -- docs/ma-loi.md --------------------------------------------------------------


def _catalogue_pattern(code: str) -> re.Pattern:
    what, fix = CATALOGUE[code]
    parts = re.split(r"\{\w+\}", f"{what} — {fix}")
    return re.compile("(.*?)".join(re.escape(part) for part in parts), re.DOTALL)


def test_documentation_has_every_code_with_an_example_as_printed():
    text = (CODE_ROOT / "docs" / "ma-loi.md").read_text(encoding="utf-8")
    examples = parse_problems(text)
    for code in CATALOGUE:
        assert f"### {code} — " in text, f"docs/ma-loi.md has no section for {code}"
        assert any(e.code == code for e in examples), f"docs/ma-loi.md has no example line for {code}"
    for example in examples:
        assert example.code in CATALOGUE, example.text
        assert _catalogue_pattern(example.code).fullmatch(example.message), \
            f"docs/ma-loi.md: this example no longer reads as the catalogue prints it:\n{example.text}"


def test_base_rechecks_articles_whose_image_was_deleted(git_province):
    repo = git_province
    (repo.root / "content/th-b/images/2024/anh-khai-giang.jpg").unlink()
    result = repo.check(base="HEAD")
    lines = [p.text.split(" — ")[0] for p in parse_problems(result.stdout)]
    assert lines == ['content/th-b/2024/khai-giang.md:11: E204 không tìm thấy tệp ảnh "/images/2024/anh-khai-giang.jpg"']
    assert result.returncode == 1


def test_units_with_a_bad_address_or_account_stay_published_under_the_portal(tmp_path):
    """E419-E421 are about where a site lives and who approves by account, not about its
    articles: the unit stays in the registry, without the bad value."""
    import unit_registry

    province = Province(tmp_path / "repo")
    for rel in ("units/dia-chi-http.yml", "units/trung-dia-chi-1.yml", "units/trung-dia-chi-2.yml",
                "units/tai-khoan-sai.yml"):
        province.write(rel, UNIT_FILES[rel])
    registry = unit_registry.load(province.root)
    for unit_id in ("dia-chi-http", "trung-dia-chi-1", "trung-dia-chi-2", "tai-khoan-sai"):
        assert unit_id in registry.units, unit_id
        assert registry.units[unit_id].url == ""
    assert registry.units["tai-khoan-sai"].approvers[0].account == ""
