"""Broken articles, one per way of breaking one, and reading what the checks print.

Used by test_codes.py (one code each), test_broken_province.py (all of them in
one unit of one province) and test_confinement.py.

    case = ArticleCase("e104-slash", "E104", text, where="date: 07/11/2024", says="...")
    case.write(province)            # the article and the files it needs
    case.path, case.line            # where the problem must be reported
    parse_problems(result.stdout)   # [Reported(path, line, code, message, text)]

Every case's body holds a unique marker word (``case.marker``) so that a test
can tell whether the article reached any page or feed.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from factory import APPROVER, front_matter

PROBLEM = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): (?P<code>[EW]\d{3}) (?P<message>.*)$")
ATOM = "{http://www.w3.org/2005/Atom}"
IMAGE = "/images/2024/anh-chung.jpg"       # every unit of a case province has this picture
CAPTION = "Cô giáo Lê Thị Hoa giảng bài môn Ngữ văn"


@dataclass(frozen=True)
class Reported:
    path: str
    line: int
    code: str
    message: str
    text: str       # the whole line as printed

    @property
    def is_error(self) -> bool:
        return self.code.startswith("E")


def parse_problems(output: str) -> list[Reported]:
    """Every ``path:line: CODE message`` line of a check's or a build's output."""
    found = []
    for text in output.splitlines():
        match = PROBLEM.match(text.strip())
        if match:
            found.append(Reported(match["path"], int(match["line"]), match["code"], match["message"], text.strip()))
    return found


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line of ``text`` that contains ``needle``."""
    lines = [number for number, line in enumerate(text.split("\n"), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} is on lines {lines}, not on exactly one"
    return lines[0]


def marker_of(name: str) -> str:
    """A word that no other text contains (nor any needle of a case)."""
    return "DAUHIEU" + hashlib.sha256(name.encode()).hexdigest()[:12].upper() + "HET"


def article(unit: str = "thcs-a", *, body: str = "", marker: str = "", picture: bool = True,
            extra: dict | None = None, **fields) -> str:
    """The text of an article of ``unit``: valid unless ``fields`` say otherwise.

    Fields keep the order given after the defaults (title, date, author,
    approved_by, approved_on); a field given None is left out.  ``extra``
    holds fields whose names clash with these arguments (``unit``).
    """
    values = {
        "title": f"Bài kiểm tra {marker}",
        "date": "2024-11-07 08:30",
        "author": "Đoàn Thị Tâm",
        "approved_by": APPROVER.get(unit, "Nguyễn Văn Hiệu"),
        "approved_on": "2024-11-07",
    }
    values.update(fields)
    values.update(extra or {})
    text = front_matter(**values) + "\n"
    text += f"Sáng ngày 07/11/2024, nhà trường tổ chức hoạt động {marker} cho học sinh.\n"
    if body:
        text += "\n" + body
    if picture:
        text += f'\n![Giáo viên giảng bài]({IMAGE} "{CAPTION}")\n'
    return text


ATTACHMENT = "/van-ban/2024/chung.pdf"  # every unit of a case province has this document file


def document(unit: str = "thcs-a", *, marker: str = "", **fields) -> str:
    """The text of a document (contract section 12) of ``unit``: valid unless ``fields`` say
    otherwise (a field given None is left out)."""
    values = {
        "title": f"Kế hoạch tổ chức hội thi {marker}",
        "number": "12/KH-THCS",
        "doc_type": "Kế hoạch",
        "issuer": "Trường THCS A",
        "issued_on": "2024-10-19",
        "file": ATTACHMENT,
        "approved_by": APPROVER.get(unit, "Nguyễn Văn Hiệu"),
        "approved_on": "2024-10-19",
    }
    values.update(fields)
    return front_matter(**values) + f"\nNhà trường ban hành kế hoạch {marker} tổ chức hội thi giáo viên dạy giỏi.\n"


@dataclass
class ArticleCase:
    """One article that must be reported with ``code`` at the line holding ``where``."""

    name: str                       # file name stem and pytest id
    code: str
    text: str
    where: str | int                # a text on the line, or the line number itself
    says: str                       # part of the Vietnamese message
    unit: str = "thcs-a"
    rel: str = ""                   # repository path, when not content/<unit>/<name>.md
    published: bool = False
    also: frozenset = frozenset()   # other errors this file must have
    files: dict = field(default_factory=dict)   # rel -> "image" or text, written too
    special: str = ""               # "fifo": the file is a named pipe (``text`` is not written)

    @property
    def path(self) -> str:
        return self.rel or f"content/{self.unit}/{self.name}.md"

    @property
    def line(self) -> int:
        return self.where if isinstance(self.where, int) else line_of(self.text, self.where)

    @property
    def marker(self) -> str:
        return marker_of(self.name)

    @property
    def prefix(self) -> str:
        return f"{self.path}:{self.line}: {self.code} "

    def write(self, province) -> None:
        for rel, content in self.files.items():
            if content == "image":
                province.image(rel)
            elif isinstance(content, tuple) and content[0] == "symlink":
                target = province.root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.is_symlink():
                    os.symlink(content[1], target)
            elif isinstance(content, tuple) and content[0] == "folder":  # made, e.g. outside the repository
                (province.root / rel).mkdir(parents=True, exist_ok=True)
            else:
                province.write(rel, content)
        target = province.root / self.path
        if self.special == "fifo":
            target.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(target)
        elif isinstance(self.text, bytes):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.text)
        else:
            province.write(self.path, self.text)


def case(name: str, code: str, where, says: str, unit: str = "thcs-a", **kwargs) -> ArticleCase:
    """A case whose text is ``article(unit, ...)`` with the keyword arguments
    ``body``, ``picture`` and front-matter fields; others go to ArticleCase."""
    own = {k: kwargs.pop(k) for k in ("rel", "published", "also", "files", "text", "special") if k in kwargs}
    text = own.pop("text", None)
    if text is None:
        text = article(unit, marker=marker_of(name), **kwargs)
    return ArticleCase(name, code, text, where, says, unit=unit, **own)


def document_case(name: str, code: str, where, says: str, unit: str = "thcs-a", **kwargs) -> ArticleCase:
    """A case whose text is ``document(unit, ...)``, at content/<unit>/van-ban/2024/<name>.md."""
    own = {k: kwargs.pop(k) for k in ("published", "also", "files") if k in kwargs}
    return ArticleCase(name, code, document(unit, marker=marker_of(name), **kwargs), where, says, unit=unit,
                       rel=f"content/{unit}/van-ban/2024/{name}.md", **own)


def raw(name: str, code: str, text: str, where, says: str, **kwargs) -> ArticleCase:
    """A case written out in full; ``{marker}`` in ``text`` is replaced."""
    if isinstance(text, bytes):  # a file in another encoding (E114)
        return ArticleCase(name, code, text.replace(b"{marker}", marker_of(name).encode()), where, says, **kwargs)
    return ArticleCase(name, code, text.replace("{marker}", marker_of(name)), where, says, **kwargs)


def setup_units(province) -> None:
    """The pictures every case may show: one per unit, at IMAGE; and a document file at ATTACHMENT."""
    for unit in ("so", "van-phong", "phong-gddt-a", "thcs-a", "th-b"):
        province.image(f"content/{unit}{IMAGE}")
        province.pdf(f"content/{unit}{ATTACHMENT}")


# -- reading the output ------------------------------------------------------


def output_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.is_file())


def page_text(path: Path) -> str:
    """Everything a reader or a crawler sees of a page or feed: text, links, sources."""
    if path.suffix == ".xml":
        root = etree.parse(str(path)).getroot()
        parts = []
        for element in root.iter():
            parts.append(element.text or "")
            parts.extend(element.attrib.values())
            if element.tag in (f"{ATOM}content", f"{ATOM}summary") and element.get("type") == "html":
                parts.append(lxml_html.fromstring(element.text or "<p></p>").text_content())
        return "\n".join(parts)
    document = lxml_html.parse(str(path)).getroot()
    parts = [document.text_content()]
    for element in document.iter():
        if isinstance(element.tag, str):
            parts.extend(element.attrib.values())
    return "\n".join(parts)


def feed_links(path: Path) -> list[str]:
    """The alternate links of a feed's entries, in order."""
    root = etree.parse(str(path)).getroot()
    return [link.get("href") for entry in root.iter(f"{ATOM}entry")
            for link in entry.iter(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]


def page_links(path: Path) -> set[str]:
    """Every local link of an HTML page, resolved to an absolute file path."""
    output_dir = path.parent
    document = lxml_html.parse(str(path)).getroot()
    links = set()
    for href in document.xpath("//a/@href"):
        if "://" in href or href.startswith(("#", "mailto:")):
            continue
        links.add(os.path.normpath(os.path.join(output_dir, href.split("#")[0])))
    return links


# -- one broken article per way of breaking one ------------------------------

OTHER_IMAGE = "content/th-b/images/2024/anh-chung.jpg"
NOT_IMAGE = "content/thcs-a/images/2024/bao-cao.jpg"   # a text file named .jpg


def article_cases() -> list[ArticleCase]:
    """Articles of unit thcs-a, each with one problem (E205 and W604 belong to
    the image checks of plugins/image_assets and are tested there, except the
    plain non-image file that test_broken_province needs)."""
    a = "Nguyễn Văn Hiệu"
    cases = [
        raw("e100-no-opening", "E100", "title: Bài thiếu dòng mở\ndate: 2024-11-07\n\n{marker}\n", 1,
            "không bắt đầu bằng dòng '---'"),
        raw("e100-syntax", "E100", f"---\ntitle: Bài thụt lề sai\n  lệch: một dòng thụt vào\ndate: 2024-11-07\n"
            f"approved_by: {a}\n---\n\n{{marker}}\n", "lệch:", "phần thông tin đầu bài (front matter) không đọc được"),
        raw("e100-unclosed", "E100", f"---\ntitle: Bài không đóng\ndate: 2024-11-07\napproved_by: {a}\n\n{{marker}}\n", 1,
            "thiếu dòng '---' đóng phần thông tin đầu bài"),
        raw("e100-list", "E100", "---\n- title\n- date\n---\n\n{marker}\n", 2, "cần các dòng 'khóa: giá trị'"),
    ]
    for key, value in (("save_as", "../../x.html"), ("url", "bai-viet/khac.html"), ("template", "index"),
                       ("unit", "th-b"), ("lang", "en")):
        cases.append(case(f"e101-{key.replace('_', '-')}", "E101", f"{key}:", f'khóa "{key}" không được phép',
                          extra={key: value}))
    cases += [
        case("e102-missing", "E102", 2, "thiếu tiêu đề (title)", title=None),
        raw("e102-empty", "E102", f"---\ndate: 2024-11-07\ntitle:\napproved_by: {a}\napproved_on: 2024-11-07\n---\n\n"
            f"{{marker}}\n\n![Ảnh]({IMAGE} \"{CAPTION}\")\n", "title:", "thiếu tiêu đề (title)"),
        case("e103-missing", "E103", 2, "thiếu ngày đăng (date)", date=None),
        case("e103-empty", "E103", "date:", "thiếu ngày đăng (date)", date=""),
        case("e104-slash", "E104", "date:", 'ngày "07/11/2024" không đúng dạng', date="07/11/2024"),
        case("e104-no-such-day", "E104", "date:", 'ngày "2024-02-30" không đúng dạng', date="2024-02-30"),
        case("e104-hour", "E104", "date:", 'ngày "2024-11-07 25:00" không đúng dạng', date="2024-11-07 25:00"),
        case("e104-words", "E104", "date:", 'ngày "sáng thứ hai" không đúng dạng', date="sáng thứ hai"),
        case("e105-title-a", "E105", "title:", 'đường dẫn (slug) "hai-bai-cung-tieu-de" trùng với bài content/thcs-a/e105-title-b.md',
             title="Hai bài cùng tiêu đề"),
        case("e105-title-b", "E105", "title:", 'trùng với bài content/thcs-a/e105-title-a.md', title="Hai bài cùng tiêu đề"),
        case("e105-slug-a", "E105", "slug:", '"trung-nhau" trùng với bài content/thcs-a/e105-slug-b.md', slug="trung-nhau"),
        case("e105-slug-b", "E105", "slug:", '"trung-nhau" trùng với bài content/thcs-a/e105-slug-a.md', slug="trung-nhau"),
        case("e106-send-to-so", "E106", "send_to_so:", 'giá trị của "send_to_so" không hợp lệ: "có" không phải true/false',
             send_to_so="có"),
        case("e106-status", "E106", "status:", 'giá trị của "status" không hợp lệ: "nhap" không có', status="nhap"),
        case("e106-tags", "E106", "tags:", 'giá trị của "tags" không hợp lệ: cần các từ khóa, cách nhau bởi dấu phẩy',
             tags="{a: b}"),
        case("e106-title-list", "E106", "title:", 'giá trị của "title" không hợp lệ: cần một dòng chữ', title="[Tin, tức]"),
        raw("e106-page-order", "E106", "---\ntitle: Giới thiệu nhà trường\norder: một\n---\n\n{marker}\n", "order:",
            'giá trị của "order" không hợp lệ: cần một số nguyên', rel="content/thcs-a/pages/e106-page-order.md"),
        case("e107-marks", "E107", "slug:", 'đường dẫn (slug) "Hội thi" không hợp lệ', slug="Hội thi"),
        case("e107-dots", "E107", "slug:", 'đường dẫn (slug) "../../x" không hợp lệ', slug="../../x"),
        case("e108-unknown-folder", "E108", 1, 'thư mục "khong-co-don-vi" không phải mã của đơn vị nào trong units/',
             rel="content/khong-co-don-vi/e108-unknown-folder.md", picture=False),
        case("e108-top-level", "E108", 1, 'thư mục "content" không phải thư mục của một đơn vị',
             rel="content/e108-top-level.md", picture=False),
        raw("e109-title-twice", "E109", f"---\ntitle: Tiêu đề thứ nhất\ndate: 2024-11-07\ntitle: Tiêu đề thứ hai\n"
            f"approved_by: {a}\napproved_on: 2024-11-07\n---\n\n{{marker}}\n\n![Ảnh]({IMAGE} \"{CAPTION}\")\n",
            "Tiêu đề thứ hai", 'khóa "title" xuất hiện hai lần (lần đầu ở dòng 2)'),
        raw("e110-empty", "E110", f"---\ntitle: Bài trống {{marker}}\ndate: 2024-11-07\napproved_by: {a}\n"
            f"approved_on: 2024-11-07\n---\n\n", 7, "bài viết để trống"),
        case("e201-body", "E201", "![Ảnh](", 'ảnh "/images/2024/anh-chung.jpg" thiếu chú thích', picture=False,
             body=f"![Ảnh]({IMAGE})\n"),
        case("e201-featured", "E201", "image:", 'ảnh "/images/2024/anh-chung.jpg" thiếu chú thích', image=IMAGE),
        case("e201-syntax", "E201", "![Ảnh]", "cú pháp ảnh chưa đúng", picture=False,
             body=f'![Ảnh]( "{CAPTION}")\n'),
        case("e202-body", "E202", "Cô giáo\")", 'chú thích ảnh "/images/2024/anh-chung.jpg" quá ngắn ("Cô giáo")',
             picture=False, body=f'Đoạn mở đầu.\nẢnh: ![Ảnh]({IMAGE} "Cô giáo")\n'),
        case("e202-featured", "E202", "image_caption:", 'quá ngắn ("Khai giảng")', image=IMAGE,
             image_caption="Khai giảng"),
        case("e203-name", "E203", "![Ảnh](", 'chú thích ảnh "/images/2024/anh-chung.jpg" chỉ là tên tệp', picture=False,
             body=f'![Ảnh]({IMAGE} "anh-chung.jpg")\n'),
        case("e203-stem", "E203", "![Ảnh](", "chỉ là tên tệp", picture=False, body=f'![Ảnh]({IMAGE} "Anh chung")\n'),
        case("e204-missing", "E204", "khong-co.jpg", 'không tìm thấy tệp ảnh "/images/2024/khong-co.jpg"', picture=False,
             body=f'![Ảnh](/images/2024/khong-co.jpg "{CAPTION}")\n'),
        case("e204-case", "E204", "Anh-Chung.JPG", 'không tìm thấy tệp ảnh "/images/2024/Anh-Chung.JPG"', picture=False,
             body=f'![Ảnh](/images/2024/Anh-Chung.JPG "{CAPTION}")\n'),
        case("e204-relative", "E204", "image:", 'không tìm thấy tệp ảnh "images/2024/anh-chung.jpg"',
             image="images/2024/anh-chung.jpg", image_caption=CAPTION, rel="content/thcs-a/2024/e204-relative.md"),
        case("e206", "E206", "image_caption:", "có chú thích ảnh đại diện (image_caption) nhưng không có ảnh (image)",
             image_caption=CAPTION),
        case("e301-missing", "E301", 1, "bài chưa có người duyệt (approved_by)", approved_by=None),
        case("e301-empty", "E301", "approved_by:", "bài chưa có người duyệt (approved_by)", approved_by=""),
        case("e302-other-unit", "E302", "approved_by:", '"Đỗ Thị Hoa" không phải người duyệt bài của đơn vị thcs-a',
             approved_by="Đỗ Thị Hoa"),
        case("e302-misspelt", "E302", "approved_by:", "ghi đúng họ tên một người duyệt: Nguyễn Văn Hiệu",
             approved_by="Nguyễn Văn Hiếu"),
        case("e303-words", "E303", "approved_on:", 'ngày duyệt "hôm qua" không đúng dạng', approved_on="hôm qua"),
        case("e303-month", "E303", "approved_on:", 'ngày duyệt "2024-13-01" không đúng dạng', approved_on="2024-13-01"),
        case("e501-other-unit", "E501", "../th-b/", 'đường dẫn ảnh "../th-b/images/2024/anh-chung.jpg" ra ngoài thư mục của đơn vị',
             picture=False, body=f'![Ảnh](../th-b/images/2024/anh-chung.jpg "{CAPTION}")\n'),
        case("e501-root", "E501", "image:", 'đường dẫn ảnh "/../th-b/images/2024/anh-chung.jpg" ra ngoài',
             image="/../th-b/images/2024/anh-chung.jpg", image_caption=CAPTION),
        case("e501-system", "E501", "etc/passwd", "ra ngoài thư mục của đơn vị", picture=False,
             body=f'![Ảnh](../../../../../etc/passwd "{CAPTION}")\n'),
        case("e501-encoded", "E501", "%2e%2e", "ra ngoài thư mục của đơn vị", picture=False,
             body=f'![Ảnh](%2e%2e/th-b/images/2024/anh-chung.jpg "{CAPTION}")\n'),
        case("e501-symlink", "E501", "lien-ket", 'đường dẫn ảnh "/images/lien-ket.jpg" ra ngoài', picture=False,
             body=f'![Ảnh](/images/lien-ket.jpg "{CAPTION}")\n',
             files={"content/thcs-a/images/lien-ket.jpg": ("symlink", "../../th-b/images/2024/anh-chung.jpg")}),
        case("e502-https", "E502", "https://", 'ảnh "https://example.com/anh.jpg" lấy từ trang web khác', picture=False,
             body=f'![Ảnh](https://example.com/anh.jpg "{CAPTION}")\n'),
        case("e502-scheme-relative", "E502", "//cdn", 'ảnh "//cdn.example.com/anh.jpg" lấy từ trang web khác',
             picture=False, body=f'![Ảnh](//cdn.example.com/anh.jpg "{CAPTION}")\n'),
        case("e502-featured", "E502", "image:", 'ảnh "http://example.com/anh.jpg" lấy từ trang web khác',
             image="http://example.com/anh.jpg", image_caption=CAPTION),
        case("e502-bad-host", "E502", "image:", 'ảnh "http://[x" lấy từ trang web khác',
             image='"http://[x"', image_caption=CAPTION),
        case("e503-script", "E503", "<script>", "mã HTML không an toàn hoặc không được phép: thẻ <script>",
             body="<script>alert(1)</script>\n"),
        case("e503-onerror", "E503", "onerror", "thẻ <img>", body="Xem ảnh <img src=x onerror=alert(1)> tại đây.\n"),
        case("e503-onclick", "E503", "onclick", "thuộc tính hoặc liên kết không được phép",
             body='Dòng thứ nhất của đoạn,\nrồi <a href="#" onclick="alert(1)">bấm vào đây</a>.\n'),
        case("e503-iframe", "E503", "<iframe", "thẻ <iframe>", body='<iframe src="https://example.com"></iframe>\n'),
        case("e503-style", "E503", "<style>", "thẻ <style>", body="<style>body { display: none }</style>\n"),
        case("e503-comment", "E503", "<!--", "chú thích HTML <!-- -->", body="<!-- ghi chú của người viết -->\n"),
        case("e504-javascript", "E504", "javascript:", 'liên kết "javascript:alert(1)" không an toàn',
             body="Dòng thứ nhất của đoạn,\ndòng thứ hai có [liên kết](javascript:alert(1)).\n"),
        case("e504-mixed-case", "E504", "JaVaScRiPt", 'liên kết "JaVaScRiPt:alert(1)" không an toàn',
             body="[liên kết](JaVaScRiPt:alert(1))\n"),
        case("e504-data", "E504", "data:text", "không an toàn", body="[tệp](data:text/html;base64,PHNjcmlwdD4=)\n"),
        case("e504-reference", "E504", "[ref]:", 'liên kết "javascript:alert(1)" không an toàn',
             body="Xem [ở đây][ref].\n\n[ref]: javascript:alert(1)\n"),
        case("e504-autolink", "E504", "<vbscript", 'liên kết "vbscript:msgbox(1)" không an toàn',
             body="Bấm <vbscript:msgbox(1)>\n"),
        case("w601", "W601", 1, "bài viết không có ảnh nào", picture=False, published=True),
        case("w602", "W602", "approved_by:", "chưa ghi ngày duyệt (approved_on)", approved_on=None, published=True),
        case("w603", "W603", "date:", "bài được hẹn đăng vào Thứ Ba, 05/01/2027 08:00, chưa hiện trên trang",
             date="2027-01-05 08:00"),
        case("w605", "W605", "status:", "bài ở trạng thái nháp (draft), chưa được đăng", status="draft"),
    ]
    return cases


BROKEN_UNIT_YML = ("id: don-vi-loi\nname: Trường Lỗi\nkind: truong-hoc\nparent: phong-gddt-a\n"
                   "approvers:\n  - name: Nguyễn Văn Hiệu\n    title: Hiệu trưởng\n")


def broken_unit_case() -> ArticleCase:
    """A valid article of a unit whose units/ file has an error (E401)."""
    return case("e108-broken-unit", "E108", 1,
                'thư mục "don-vi-loi" là của một đơn vị mà tệp units/don-vi-loi.yml đang có lỗi',
                unit="don-vi-loi", approved_by="Nguyễn Văn Hiệu",
                files={"units/don-vi-loi.yml": BROKEN_UNIT_YML, "content/don-vi-loi/images/2024/anh-chung.jpg": "image"})


def not_image_case() -> ArticleCase:
    """A text file named .jpg (E205, the image checks' code: only the plain case here)."""
    return case("e205-not-image", "E205", "bao-cao.jpg", 'tệp "/images/2024/bao-cao.jpg" không phải là ảnh đọc được',
                picture=False, body=f'![Ảnh](/images/2024/bao-cao.jpg "{CAPTION}")\n',
                files={NOT_IMAGE: "Báo cáo tổng kết năm học, không phải ảnh.\n"})
