"""Documents (văn bản, contract section 12): their keys, their checks, their words.

A document is a Markdown file under ``content/<unit>/van-ban/`` with an article's keys plus
its number, type, issuer, days, signer, field and attached file.  No Pelican here:

* :func:`read_fields` runs in the reader (``article_reader.source``), on the front matter
  alone, so that its result is cached with the file (E120-E127, E129 for a path that
  leaves the unit's folder or is no document file);
* :func:`attachment_problems` runs each build and in `make check` (``publication.check_source``):
  whether the attached file is there depends on other files (E128, E129 for a link out);
* the words a reader sees (a type's name, a file's kind and size, the days) are made here
  for the build's pages (``unit_sites.library``).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass

from dates import date_hint, parse_day, short_date
from problems import Problem, did_you_mean

FOLDER = "van-ban"
KEYS = ("number", "doc_type", "issuer", "issued_on", "effective_on", "expires_on", "signer", "field", "file")
# NĐ 30/2020/NĐ-CP art. 7 (administrative documents), the legal documents units forward
# (Luật 80/2015/QH13), and "Công khai" (TT 09/2024/TT-BGDĐT, contract section 12)
TYPES = ("Công văn", "Kế hoạch", "Quyết định", "Thông báo", "Báo cáo", "Hướng dẫn", "Công khai",
         "Nghị quyết", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Chương trình", "Phương án",
         "Đề án", "Dự án", "Biên bản", "Tờ trình", "Hợp đồng", "Công điện", "Bản ghi nhớ",
         "Bản thỏa thuận", "Giấy mời", "Giấy giới thiệu", "Giấy ủy quyền", "Phiếu gửi", "Thư công",
         "Luật", "Nghị định", "Thông tư", "Thông tư liên tịch", "Pháp lệnh", "Văn bản hợp nhất")
_BY_NAME = {name.casefold(): name for name in TYPES}
# what a reader is told a download is (the extensions are article_reader.source.ATTACHMENT_EXTENSIONS)
KIND_WORDS = {"pdf": "PDF", "doc": "Word", "docx": "Word", "odt": "Văn bản OpenDocument",
              "xls": "Excel", "xlsx": "Excel", "ods": "Bảng tính OpenDocument",
              "ppt": "PowerPoint", "pptx": "PowerPoint"}
DAY_WORDS = {"issued_on": "ngày ban hành", "effective_on": "ngày có hiệu lực", "expires_on": "ngày hết hiệu lực"}


@dataclass(frozen=True, slots=True)
class Document:
    """A document's own keys as read (days as ISO text, ``file`` a repository path or "")."""

    number: str = ""
    doc_type: str = ""
    issuer: str = ""
    issued_on: str | None = None
    effective_on: str | None = None
    expires_on: str | None = None
    signer: str = ""
    field: str = ""
    file: str = ""          # content/<unit>/van-ban/...: checked to exist by attachment_problems
    file_written: str = ""  # as written, for the messages
    file_line: int = 1

    @property
    def extension(self) -> str:
        return posixpath.splitext(self.file)[1][1:].lower()

    @property
    def kind_words(self) -> str:
        return KIND_WORDS.get(self.extension, self.extension.upper())

    @property
    def year(self) -> int | None:
        day = parse_day(self.issued_on) if self.issued_on else None
        return day.year if day else None


def is_document_path(repo_path: str) -> bool:
    """``content/<unit>/van-ban/**``."""
    parts = repo_path.split("/", 3)
    return len(parts) == 4 and parts[0] == "content" and parts[2] == FOLDER


def known_type(value: str) -> str | None:
    """The type's name as the list writes it ("công văn" -> "Công văn"), None when unknown."""
    return _BY_NAME.get(" ".join(value.split()).casefold())


def read_fields(source, data, text_value) -> Document:
    """A document's keys from its front matter (``data``: lined_yaml), problems added to
    ``source.problems``; ``text_value(source, data, key, hint)`` reads one line of text as
    the article's keys are read (E106 for a list or a mapping)."""
    from article_reader.source import ATTACHMENT_EXTENSIONS, slugify

    path, problems = source.path, source.problems
    top = data.line

    def text(key: str, example: str) -> str:
        return text_value(source, data, key, f"ví dụ: {key}: {example}")

    number = text("number", "1652/SGDĐT-VP")
    if not number:
        problems.append(Problem(path, data.line_of("number", top), "E122"))
    written_type = text("doc_type", "Công văn")
    doc_type = known_type(written_type) if written_type else None
    if not written_type:
        problems.append(Problem(path, data.line_of("doc_type", top), "E120"))
    elif doc_type is None:
        problems.append(Problem(path, data.line_of("doc_type"), "E121", {
            "value": written_type, "allowed": ", ".join(TYPES[:7]) + ", ...",
            "suggestion": did_you_mean(written_type, TYPES, key=slugify)}))
    issuer = text("issuer", "Sở Giáo dục và Đào tạo tỉnh Mẫu")
    if not issuer:
        problems.append(Problem(path, data.line_of("issuer", top), "E123"))
    days = {}
    for key in DAY_WORDS:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        day = parse_day(value.strip() if isinstance(value, str) else value)
        if day is None:
            problems.append(Problem(path, data.line_of(key), "E125", {
                "value": value, "key": key, "what": DAY_WORDS[key],
                "hint": date_hint(value, f"viết theo dạng năm-tháng-ngày, ví dụ: {key}: 2024-10-19")}))
        else:
            days[key] = day
    if "issued_on" not in days and not any(p.code == "E125" and p.args.get("key") == "issued_on" for p in problems):
        problems.append(Problem(path, data.line_of("issued_on", top), "E124"))
    _day_order(source, data, days)
    written_file = text("file", "/van-ban/2024/ke-hoach.pdf")
    resolved = ""
    if not written_file:
        problems.append(Problem(path, data.line_of("file", top), "E127", {
            "unit": source.unit or "<mã-đơn-vị>", "year": days["issued_on"].year if "issued_on" in days else 2024}))
    else:
        resolved = _resolve(source, written_file, data.line_of("file"), ATTACHMENT_EXTENSIONS)
    return Document(number=number, doc_type=doc_type or written_type, issuer=issuer,
                    issued_on=days["issued_on"].isoformat() if "issued_on" in days else None,
                    effective_on=days["effective_on"].isoformat() if "effective_on" in days else None,
                    expires_on=days["expires_on"].isoformat() if "expires_on" in days else None,
                    signer=text("signer", "Nguyễn Văn An"), field=text("field", "Truyền thông"),
                    file=resolved, file_written=written_file, file_line=data.line_of("file", top))


def _day_order(source, data, days) -> None:
    """E126: a day before one it cannot precede (in force before it was issued, expired
    before it was in force)."""
    issued, effective, expires = days.get("issued_on"), days.get("effective_on"), days.get("expires_on")
    pairs = [("effective_on", effective, "issued_on", issued),
             ("expires_on", expires, "effective_on", effective) if effective else
             ("expires_on", expires, "issued_on", issued)]
    for later_key, later, earlier_key, earlier in pairs:
        if later is not None and earlier is not None and later < earlier:
            source.problems.append(Problem(source.path, data.line_of(later_key), "E126", {
                "later": DAY_WORDS[later_key], "later_key": later_key, "later_day": short_date(later),
                "earlier": DAY_WORDS[earlier_key], "earlier_key": earlier_key, "earlier_day": short_date(earlier)}))


def _resolve(source, written: str, line: int, extensions) -> str:
    """The repository path of the attached file, as images are resolved (contract section 5:
    ``/`` from the unit's folder, else from the document's file); "" with E129 when it is
    another site's address, leaves the unit's ``van-ban/`` folder or is no document file."""
    unit = source.unit
    if unit is None:
        return ""
    src = written.replace("\\", "/")
    folder = f"content/{unit}/{FOLDER}/"

    def refuse(detail: str, hint: str) -> str:
        source.problems.append(Problem(source.path, line, "E129", {"src": written, "detail": detail, "hint": hint}))
        return ""

    copy_hint = f"chép tệp vào thư mục {folder} rồi ghi đường dẫn /{FOLDER}/<năm>/<tên-tệp>.pdf"
    if "://" in src or src.startswith(("//", "mailto:")):
        return refuse("là địa chỉ trên trang web khác", "tải tệp về máy, " + copy_hint)
    target = src.split("#", 1)[0].split("?", 1)[0]
    resolved = posixpath.normpath(f"content/{unit}{target}" if target.startswith("/")
                                  else posixpath.join(posixpath.dirname(source.path), target))
    if not resolved.startswith(folder):
        return refuse(f"nằm ngoài thư mục {folder} của đơn vị", copy_hint)
    extension = posixpath.splitext(resolved)[1][1:].lower()
    if extension not in extensions:
        return refuse(f"không phải tệp PDF, Word hay Excel (đuôi \"{extension or 'không có'}\")",
                      "xuất văn bản ra PDF (trong Word: File > Save As > PDF) rồi ghi đường dẫn tệp .pdf")
    return resolved


def attachment_problems(repo_root: str, source) -> list[Problem]:
    """E128 when the attached file is not there (with the closest name in its folder), E129
    when it is a link out of the unit's folder: the build and `make check` call this."""
    from article_reader.files import inside_unit

    document = source.fields.get("document")
    if document is None or not document.file:
        return []
    relative = document.file[len("content/"):]
    absolute = os.path.join(repo_root, document.file)
    if os.path.isfile(absolute):
        if inside_unit(os.path.join(repo_root, "content"), relative):
            return []
        return [Problem(source.path, document.file_line, "E129", {
            "src": document.file_written, "detail": "là liên kết (symbolic link) tới ngoài thư mục của đơn vị",
            "hint": f"thay liên kết bằng chính tệp đó, đặt trong content/{source.unit}/{FOLDER}/"})]
    folder = os.path.dirname(absolute)
    try:
        names = [name for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name))]
    except OSError:
        names = []
    written_folder = posixpath.dirname(document.file_written)
    suggestion = did_you_mean(posixpath.basename(document.file), names,
                              shown=lambda name: posixpath.join(written_folder, name))
    return [Problem(source.path, document.file_line, "E128", {
        "src": document.file_written, "suggestion": suggestion, "unit": source.unit})]


def size_words(size: int) -> str:
    """A file's size as a reader reads it: "35 KB", "1,2 MB"."""
    if size < 1000:
        return f"{size} byte"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " MB"


def day_words(iso: str | None) -> str:
    """"2022-10-19" -> "19/10/2022"; "" for no day."""
    day = parse_day(iso) if iso else None
    return short_date(day) if day else ""
