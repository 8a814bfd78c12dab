"""Read one article or static page: front matter, body, images, and their problems.

Pure function of the file's text and path (no registry, no other files), so
that Pelican can cache its result by the file's content.  What depends on
the registry (approval) or on other files (image files, duplicate slugs) is
checked each build by the publication plugin.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

import documents
from dates import date_hint, parse_day, parse_local_datetime
from lined_yaml import LinedDict, YamlError, parse
from problems import Problem

from . import bodies
from .markdown import RENDERER

ARTICLE_KEYS = ("title", "date", "author", "category", "tags", "summary", "image",
                "image_caption", "approved_by", "approved_on", "send_to_so", "status", "slug",
                "pinned_until", "deadline")  # contract section 12: announcements, consultations
# contract section 5: a page takes any key an article takes (they do not decide whether it is published)
PAGE_KEYS = ARTICLE_KEYS + ("order",)
# contract section 12: a document takes an article's keys and its own (plugins/documents)
DOCUMENT_KEYS = ARTICLE_KEYS + documents.KEYS
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DEFAULT_CATEGORY = "Tin tức"
SUMMARY_WORDS = 45
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff", "avif", "svg")
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "ppt", "pptx")  # a document's file
WORD_EXTENSIONS = ("docx", "docm", "doc", "odt")  # waiting in content/<unit>/word/ for `make import`
WORD_ENTRY_EXTENSIONS = ("yml", "yaml")  # the web editor's entry file beside an uploaded Word file
_FILE_NAME = re.compile(r"^[\w\-. /]+\.(" + "|".join(IMAGE_EXTENSIONS) + r")$", re.IGNORECASE)
_IMAGE_FILE = re.compile(r"\.(" + "|".join(IMAGE_EXTENSIONS) + r")$", re.IGNORECASE)
# a file on the writer's own computer: "C:\Users\...", "D:/Ảnh/...", a network share "\\server\...", "file:///..."
_OWN_COMPUTER = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\|file:)", re.IGNORECASE)
# the parts of an image line that Markdown did not read as an image: ![alt](destination "title")
_WRITTEN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<inside>[^)]*)\)")
_TITLE_QUOTES = "\"'“”„‟‘’‚‛"
DATE_EXAMPLE = "viết theo dạng năm-tháng-ngày, có thể kèm giờ: 2024-11-20 hoặc 2024-11-20 08:30"
# Limits of what one file may hold (contract section 5, decision in docs/hop-dong.md): a name
# becomes a file or folder name of the output (255 bytes at most on Linux); an article of
# more than 2 MB is no article (a 50 MB file made 147 MB of pages and feeds)
MAX_ARTICLE_BYTES = 2_000_000
MAX_TITLE = 200      # characters
MAX_SLUG = 100       # characters: "<slug>.html" and the folder of a category or tag
MAX_NAME = 100       # a category's or tag's name, made into a slug
# Characters no text of an article or unit file may hold: control characters (lxml refuses
# them in feeds, browsers show boxes) and the private-use characters U+E000-U+E00F that the
# templates use as placeholders (unit_sites.links, the figure markers of markdown.py)
FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\ue00f]")


def nfc(text: str) -> str:
    """Unicode NFC (contract section 5): a Mac writes file names in NFD, Word can paste NFD text."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Vietnamese without its marks, as a reader types it without them: marks dropped,
    đ -> d, lower case ("Đổi mới" -> "doi moi"); slugs and the search index (site_search)
    both take this rule."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=1 << 16)  # tag and category names repeat across many lists
def slugify(text: str) -> str:
    """Contract section 5: :func:`fold`, then other runs -> '-'.

    Leading and trailing '-' are trimmed; letters without a Latin base (Ð aside,
    which looks like Đ) are dropped.
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def content_kind(repo_path: str) -> str | None:
    """"article", "page" (content/<unit>/pages/**), "document" (content/<unit>/van-ban/**,
    contract section 12) or None for a Markdown file the build ignores.

    Every ``content/**/*.md`` is content (contract section 2) except hidden files
    and folders (a leading "."), which editors and tools leave behind.
    """
    if not repo_path.startswith("content/") or not repo_path.endswith(".md") or "/." in repo_path:
        return None
    parts = repo_path.split("/", 3)
    if len(parts) == 4:
        if parts[2] == "pages":
            return "page"
        if parts[2] == "van-ban":
            return "document"
    return "article"


def file_kind(repo_path: str) -> str | None:
    """What a file under ``content/`` is (contract section 5): "article", "page", "image",
    "attachment" (of a document, under van-ban/), "word" (waiting in word/), "hidden"
    (a leading ".": what editors, git and macOS leave), or None: a file that is reported.

    Every build asks for each of a province's ~100,000 files: the common cases come first."""
    if "/." in repo_path:
        return "hidden"
    kind = content_kind(repo_path)
    if kind is not None:
        return kind
    parts = repo_path.split("/", 3)
    extension = repo_path.rpartition(".")[2].lower() if "." in parts[-1] else ""
    if len(parts) >= 3 and extension in IMAGE_EXTENSIONS:
        return "image"
    if len(parts) == 4 and parts[2] == "van-ban" and extension in ATTACHMENT_EXTENSIONS:
        return "attachment"
    if len(parts) == 4 and parts[2] == "word" and extension in WORD_EXTENSIONS + WORD_ENTRY_EXTENSIONS:
        return "word"
    return None


def stray_problem(repo_path: str, head: bytes) -> Problem:
    """The problem of a file that ``file_kind`` does not know (``head``: its first bytes).

    An article under another name (``bai-viet.md.txt``: Windows hides the ``.txt`` that
    Notepad adds; ``.MD``, ``.markdown``; a ``.txt`` that starts with front matter) is E118;
    anything else E119, with a hint for Word files (``make import``)."""
    name = repo_path.rsplit("/", 1)[-1]
    lower = name.lower()
    parts = repo_path.split("/")
    unit = parts[1] if len(parts) > 2 else "<mã-đơn-vị>"
    looks_written = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"---")
    for suffix in (".md.txt", ".markdown", ".md", ".txt"):  # ".md": written ".MD" (".md" is content)
        if lower.endswith(suffix) and (suffix != ".txt" or looks_written):
            return Problem(repo_path, 1, "E118", {"name": name, "fixed": name[:-len(suffix)] + ".md"})
    extension = posixpath.splitext(lower)[1][1:]
    if extension in WORD_EXTENSIONS + ("rtf",):
        hint = (f"tệp Word không được đăng thẳng: chuyển thành bài viết bằng lệnh "
                f"make import DOCX={repo_path} UNIT={unit}, hoặc chuyển tệp vào content/{unit}/word/ để chờ nhập")
    else:
        hint = (f"xóa tệp này khỏi content/ (hoặc thêm vào .gitignore); tệp đính kèm của văn bản "
                f"(PDF, Word, Excel) đặt trong content/{unit}/van-ban/")
    return Problem(repo_path, 1, "E119", {"name": name, "hint": hint})


def _pickled_as_values(cls):
    """Pickled as (class, field values).  The ``__getstate__`` that ``dataclass(slots=True)``
    writes asks ``dataclasses.fields()`` again for every object; Pelican's content cache
    pickles each Source and its images at every cold build and loads them at every
    rebuild (35,000 articles: 41 -> 24 us an article to save, 43 -> 34 us to load)."""
    names = tuple(item.name for item in dataclass_fields(cls))

    def __reduce__(self):
        return cls, tuple([getattr(self, name) for name in names])

    cls.__reduce__ = __reduce__
    return cls


@_pickled_as_values
@dataclass(slots=True)  # 35,000 articles: no per-object __dict__
class ImageRef:
    """An image an article shows: where it was written, what it resolves to."""

    src: str              # as written
    path: str | None      # repository path ("content/<unit>/images/..."), None if not local
    caption: str
    alt: str
    line: int
    featured: bool = False
    group: int = -1       # body images of one paragraph share a group


@_pickled_as_values
@dataclass(slots=True)
class Source:
    """Everything read from one Markdown file."""

    path: str                        # repository path, "content/<unit>/..."
    unit: str | None
    is_page: bool
    html: str | None = ""            # None once the Pelican reader has put it in the body store
    html_digest: str = ""            # names the body (bodies.digest)
    text_digest: str = ""            # of the path and text: with the zone (the cache folder's name), all a Source is made from
    title: str = ""
    date: object = None              # aware datetime, or None
    fields: dict = field(default_factory=dict)   # other front-matter values, checked
    lines: dict = field(default_factory=dict)    # key -> line
    images: list[ImageRef] = field(default_factory=list)
    summary: str = ""                # plain text
    slug: str = ""
    problems: list[Problem] = field(default_factory=list)
    is_document: bool = False        # content/<unit>/van-ban/**: its own keys in fields["document"]


# Codes of a file whose front matter was not read: nothing is checked against its unit
NOT_READ = frozenset({"E100", "E114", "E115", "E116", "E117", "E505"})


def unreadable(path: str, problem_code: str, line: int = 1, args: dict | None = None) -> Source:
    """The Source of a file that is not read (too large, not UTF-8, not the unit's own file, not
    a regular file, or one the reader failed on): only its problem, its unit and a slug."""
    path = nfc(path)
    parts = path.split("/")
    unit = parts[1] if len(parts) > 2 and parts[0] == "content" else None
    stem = posixpath.splitext(parts[-1])[0]
    kind = content_kind(path)
    source = Source(path=path, unit=unit, is_page=kind == "page", is_document=kind == "document", html="",
                    html_digest=bodies.digest(""), text_digest=bodies.digest(f"{path}\0{problem_code}"),
                    title=parts[-1], slug=(slugify(stem)[:MAX_SLUG].strip("-") or "bai-viet"))
    source.problems.append(Problem(path, line, problem_code, args or {}))
    return source


def failure(exc: Exception) -> str:
    """An exception in one line, for E505 (the reader's or a page's failure on one file)."""
    return f"{exc.__class__.__name__}: {' '.join(str(exc).split())[:120]}"


def too_large(path: str, size: int) -> Source:
    """E115: a file of ``size`` bytes is more than an article may be (MAX_ARTICLE_BYTES)."""
    return unreadable(path, "E115", 1, {"size": f"{size / 1e6:.1f}".replace(".", ","),
                                        "limit": f"{MAX_ARTICLE_BYTES // 1_000_000}"})


def _encoding_guess(data: bytes) -> str:
    """The likely encoding of bytes that are not UTF-8, named as a teacher's editor names it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 10:
        return "UTF-16 (Unicode của Notepad cũ)"
    try:
        data.decode("cp1258")
        return "Windows-1258 (bảng mã tiếng Việt cũ của Windows)"
    except UnicodeDecodeError:
        return "không rõ (có thể là TCVN3 hoặc VNI)"


def read_bytes(path: str, data: bytes, zone: ZoneInfo) -> Source:
    """The one way a file's bytes become a Source (the build, `make check`, the quota's history
    walk): its size (E115) and encoding (E114) first, line endings as a text-mode open() reads
    them (Windows' "\\r\\n", old Mac's "\\r"), then :func:`read_source`.  Never raises: a
    failure of the reader on one file is that file's problem (E505), not the build's."""
    if len(data) > MAX_ARTICLE_BYTES:
        return too_large(path, len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return unreadable(path, "E114", data.count(b"\n", 0, exc.start) + 1, {"encoding": _encoding_guess(data)})
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return read_source(path, text, zone)
    except Exception as exc:  # noqa: BLE001 - one file's failure is reported, the rest builds
        return unreadable(path, "E505", 1, {"detail": failure(exc)})


def read_source(path: str, text: str, zone: ZoneInfo) -> Source:
    """``path`` is the repository path ``content/<unit>/...``; both are read in NFC."""
    path, text = nfc(path), nfc(text)
    parts = path.split("/")
    unit = parts[1] if len(parts) > 2 and parts[0] == "content" else None
    kind = content_kind(path)
    is_page = kind == "page"
    source = Source(path=path, unit=unit, is_page=is_page, is_document=kind == "document",
                    text_digest=bodies.digest(f"{path}\0{text}"))
    if unit is None:
        source.problems.append(Problem(path, 1, "E108", {
            "unit": posixpath.dirname(path) or ".", "detail": "không phải thư mục của một đơn vị"}))
    if FORBIDDEN_CHARACTER.search(text):  # reported (an error), then read without them: one problem, not two
        _forbidden_characters(source, text)
        text = FORBIDDEN_CHARACTER.sub("", text)
    data, body, body_line = _split(source, text)
    if data is not None:
        _front_matter(source, data, zone)
    rendered = RENDERER.render(body or "", body_line)
    source.html = rendered.html
    source.html_digest = bodies.digest(rendered.html)
    if body is not None and not body.strip() and not is_page:
        source.problems.append(Problem(path, body_line, "E110"))
    _body_images(source, rendered)
    for line, detail in rendered.unsafe_html:
        source.problems.append(Problem(path, line, "E503", {"detail": detail}))
    for line, href in rendered.unsafe_links:
        source.problems.append(Problem(path, line, "E504", {"href": href}))
    for line, written in rendered.broken_images:
        _broken_image(source, line, written)
    if not source.summary:
        words = rendered.text.split()
        source.summary = " ".join(words[:SUMMARY_WORDS]) + (" …" if len(words) > SUMMARY_WORDS else "")
    if not source.slug:  # a made slug is cut at a word: the title's length is checked (E113)
        made = slugify(source.title) or slugify(posixpath.splitext(parts[-1])[0]) or "bai-viet"
        source.slug = made if len(made) <= MAX_SLUG else (made[:MAX_SLUG + 1].rsplit("-", 1)[0] or made[:MAX_SLUG])
    if not source.is_page and not source.is_document and not source.images:  # a document's picture is its file
        source.problems.append(Problem(path, 1, "W601"))
    from review.sensitive import text_warnings  # W610-W613: read with the file, cached with it

    source.problems.extend(text_warnings(path, text))
    return source


_PLACEHOLDER = re.compile("[\ue000-\ue00f]")


def _forbidden_characters(source: Source, text: str) -> None:
    """E112 at each line (the first five) of the front matter holding a control character, and
    at each line holding a template's placeholder character.  A control character in the body
    (Word pastes \\x07, \\x0b) is only dropped: it costs no article."""
    lines = text.split("\n")
    end = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), len(lines))
    reported = 0
    for number, line in enumerate(lines, 1):
        found = (FORBIDDEN_CHARACTER if number <= end + 1 else _PLACEHOLDER).search(line)
        if found:
            source.problems.append(Problem(source.path, number, "E112", {"code": f"U+{ord(found.group()):04X}"}))
            reported += 1
            if reported >= 5:
                return


def _too_long(source: Source, data: LinedDict, key: str, value: str, limit: int) -> bool:
    if len(value) <= limit:
        return False
    source.problems.append(Problem(source.path, data.line_of(key), "E113", {
        "key": key, "length": len(value), "limit": limit}))
    return True


def _split(source: Source, text: str):
    """(front matter data or None, body text or None when unknown, line of the body's first line)."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        source.problems.append(Problem(source.path, 1, "E100", {"detail": "tệp không bắt đầu bằng dòng '---'"}))
        _minimal(source)
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            try:
                data = parse(front, first_line=2)
            except YamlError as exc:
                source.problems.append(Problem(source.path, exc.line, "E100", {"detail": exc.detail}))
                _minimal(source)
                return None, body, index + 2
            if data is None:
                data = LinedDict()
                data.line = 2
            if not isinstance(data, LinedDict):
                source.problems.append(Problem(source.path, 2, "E100", {"detail": "cần các dòng 'khóa: giá trị'"}))
                _minimal(source)
                return None, body, index + 2
            return data, body, index + 2
    source.problems.append(Problem(source.path, 1, "E100", {"detail": "thiếu dòng '---' đóng phần thông tin đầu bài"}))
    _minimal(source)
    return None, None, len(lines)  # no body known: the whole file is unread front matter


def _minimal(source: Source) -> None:
    source.title = posixpath.basename(source.path)


def _text_value(source: Source, data: LinedDict, key: str, hint: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)) or isinstance(value, bool):
        source.problems.append(Problem(source.path, data.line_of(key), "E106", {
            "key": key, "detail": "cần một dòng chữ", "hint": hint}))
        return ""
    return " ".join(str(value).split())


def _front_matter(source: Source, data: LinedDict, zone: ZoneInfo) -> None:
    path = source.path
    allowed = PAGE_KEYS if source.is_page else DOCUMENT_KEYS if source.is_document else ARTICLE_KEYS
    source.lines = dict(data.lines)
    for key, line, first in data.duplicates:
        source.problems.append(Problem(path, line, "E109", {"key": key, "first": first}))
    for key in data:
        if key not in allowed:
            source.problems.append(Problem(path, data.line_of(key), "E101", {"key": key, "allowed": ", ".join(allowed)}))
    source.title = _text_value(source, data, "title", "ví dụ: title: Hội thi giáo viên dạy giỏi cấp trường")
    if not source.title:
        if "title" not in data or data.get("title") is None or str(data.get("title")).strip() == "":
            source.problems.append(Problem(path, data.line_of("title", data.line), "E102"))
        source.title = posixpath.basename(path)
    if _too_long(source, data, "title", source.title, MAX_TITLE):
        source.title = source.title[:MAX_TITLE]
    slug = data.get("slug")
    if slug is not None:
        if isinstance(slug, str) and SLUG.match(slug):
            # too long: reported, and cut so that its file name can still be written
            too_long = _too_long(source, data, "slug", slug, MAX_SLUG)
            source.slug = slug[:MAX_SLUG].strip("-") if too_long else slug
        else:
            source.problems.append(Problem(path, data.line_of("slug"), "E107", {"value": slug}))
    if source.is_page:
        order = data.get("order", 0)
        if isinstance(order, bool) or not isinstance(order, int):
            source.problems.append(Problem(path, data.line_of("order"), "E106", {
                "key": "order", "detail": "cần một số nguyên", "hint": "ví dụ: order: 1"}))
            order = 0
        source.fields["order"] = order

    if "date" not in data or data["date"] is None:
        # a page needs no date: it is not scheduled by one; a document is dated by its issued_on
        if not source.is_page and not source.is_document:
            source.problems.append(Problem(path, data.line_of("date", data.line), "E103"))
    else:
        source.date = parse_local_datetime(data["date"], zone)
        if source.date is None:
            source.problems.append(Problem(path, data.line_of("date"), "E104", {
                "value": data["date"], "hint": date_hint(data["date"], DATE_EXAMPLE)}))

    fields = source.fields
    fields["author"] = _text_value(source, data, "author", "ví dụ: author: Nguyễn Thị Lan")
    category = _text_value(source, data, "category", "ví dụ: category: Hoạt động giáo dục")
    if _too_long(source, data, "category", category, MAX_NAME):
        category = ""
    # a name with no letter or digit ("!!!") would have no address of its own
    fields["category"] = category if slugify(category) else DEFAULT_CATEGORY
    fields["tags"] = _tags(source, data)
    summary = _text_value(source, data, "summary", "viết tóm tắt trên một dòng")
    if summary:
        source.summary = summary
    fields["approved_by"] = _text_value(source, data, "approved_by", "ví dụ: approved_by: Nguyễn Văn An")
    approved_on = data.get("approved_on")
    fields["approved_on"] = None if approved_on is None else str(approved_on)
    send = data.get("send_to_so", False)
    if not isinstance(send, bool):
        source.problems.append(Problem(path, data.line_of("send_to_so"), "E106", {
            "key": "send_to_so", "detail": f"\"{send}\" không phải true/false", "hint": "ghi send_to_so: true hoặc xóa dòng này"}))
        send = False
    fields["send_to_so"] = send
    status = data.get("status", "published")
    if status not in ("published", "draft"):
        source.problems.append(Problem(path, data.line_of("status"), "E106", {
            "key": "status", "detail": f"\"{status}\" không có", "hint": "ghi status: published hoặc status: draft"}))
        status = "published"
    fields["status"] = status
    for key, example in (("pinned_until", "pinned_until: 2024-12-31"), ("deadline", "deadline: 2024-12-15")):
        fields[key] = _day_value(source, data, key, example)
    _featured(source, data)
    if source.is_document:
        document = fields["document"] = documents.read_fields(source, data, _text_value)
        if source.date is None and data.get("date") is None and document.issued_on:  # published from its issue day
            source.date = parse_local_datetime(document.issued_on, zone)


def _day_value(source: Source, data: LinedDict, key: str, example: str) -> str | None:
    """A day of the front matter (``2024-12-31``) as ISO text; None when absent or unreadable (E215)."""
    value = data.get(key)
    if value is None:
        return None
    day = parse_day(value if not isinstance(value, str) else value.strip())
    if day is None:
        source.problems.append(Problem(source.path, data.line_of(key), "E215", {
            "key": key, "value": value, "hint": date_hint(value, f"viết theo dạng năm-tháng-ngày, ví dụ: {example}")}))
        return None
    return day.isoformat()


def _tags(source: Source, data: LinedDict) -> list[str]:
    raw = data.get("tags")
    if raw is None:
        return []
    if isinstance(raw, str):  # "tags: giáo viên dạy giỏi, chuyển đổi số", as people write them
        raw = raw.split(",")
    elif not isinstance(raw, (list, dict)):  # "tags: 2024"
        raw = [raw]
    if not isinstance(raw, list) or any(isinstance(t, (dict, list)) for t in raw):
        source.problems.append(Problem(source.path, data.line_of("tags"), "E106", {
            "key": "tags", "detail": "cần các từ khóa, cách nhau bởi dấu phẩy",
            "hint": "ví dụ: tags: giáo viên dạy giỏi, chuyển đổi số (hoặc trong ngoặc vuông: [giáo viên dạy giỏi, chuyển đổi số])"}))
        return []
    tags = []
    for tag in raw:
        text = " ".join(str(tag).split()) if tag is not None else ""
        if _too_long(source, data, "tags", text, MAX_NAME):
            continue
        if text and slugify(text) and text not in tags:
            tags.append(text)
    return tags


def _featured(source: Source, data: LinedDict) -> None:
    src = _text_value(source, data, "image", "ví dụ: image: /images/2024/khai-giang.jpg")
    caption = _unquoted(_text_value(source, data, "image_caption", "viết chú thích ảnh trên một dòng"))
    if not src:
        if caption:
            source.problems.append(Problem(source.path, data.line_of("image_caption"), "E206"))
        return
    line = data.line_of("image")
    # a path in front matter is the file's name as it is, "#", "?" and "%" included: quoted here,
    # it is read back whole by _image_ref ("https:" still makes it another site's: E502)
    ref = _image_ref(source, quote(src, safe="/:\\"), caption, "", line, featured=True)
    _check_caption(source, ref, data.line_of("image_caption", line),
                   "thêm dòng 'image_caption: <mô tả ảnh, ít nhất 3 từ>' ngay dưới dòng image")
    source.images.append(ref)


def _unquoted(text: str) -> str:
    """A caption without the curly quotes Word puts around it ("“Lễ khai giảng”")."""
    if len(text) > 2 and text[0] in "“„‟" and text[-1] in "”“":
        return text[1:-1].strip()
    return text


def _body_images(source: Source, rendered) -> None:
    for image in rendered.images:
        src = unquote(image.src)  # as the writer means it, in messages; the address is split as written
        ref = _image_ref(source, image.src, image.title, image.alt, image.line, group=image.group)
        _check_caption(source, ref, image.line,
                       "thêm chú thích trong ngoặc kép sau đường dẫn: ![mô tả](" + src + " \"Chú thích ảnh\")")
        source.images.append(ref)


def _image_ref(source: Source, written: str, caption: str, alt: str, line: int, featured=False, group=-1) -> ImageRef:
    """``written``: the address as in the file.  It is split into path, query and fragment before
    its path is percent-decoded ("anh%23so.jpg" is the file "anh#so.jpg", not "anh" and a fragment)."""
    src = unquote(written)
    ref = ImageRef(src=src, path=None, caption=caption, alt=alt or caption, line=line,
                   featured=featured, group=group)
    if source.unit is None:
        return ref
    if _OWN_COMPUTER.match(src):
        source.problems.append(Problem(source.path, line, "E210", {
            "src": src, "unit": source.unit, "name": _safe_name(re.split(r"[\\/]", src)[-1])}))
        return ref
    if "\\" in src:  # Windows writes folders with "\": read as "/", and the reviewer is told
        # Markdown hands the address over with the backslash percent-encoded (%5C)
        shown, src = src, src.replace("\\", "/")
        written = re.sub("%5c", "/", written.replace("\\", "/"), flags=re.IGNORECASE)
        source.problems.append(Problem(source.path, line, "W606", {"src": shown, "fixed": src}))
    parts = _split_url(written)
    if parts is None or parts.scheme or src.startswith("//"):
        source.problems.append(Problem(source.path, line, "E502", {"src": src, "unit": source.unit}))
        return ref
    unit_root = f"content/{source.unit}"
    target = unquote(parts.path)
    if target.startswith("/"):
        resolved = posixpath.normpath(unit_root + target)
    else:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source.path), target))
    if not target or not resolved.startswith(unit_root + "/"):
        source.problems.append(Problem(source.path, line, "E501", {"src": src, "unit": source.unit}))
        return ref
    ref.path = resolved
    return ref


def _safe_name(name: str) -> str:
    """A file name a web address can carry: "Ảnh khai giảng.JPG" -> "anh-khai-giang.jpg"."""
    stem, extension = posixpath.splitext(name)
    return (slugify(stem) or "anh") + extension.lower()


def _broken_image(source: Source, line: int, written: str) -> None:
    """An image line that Markdown read as text: a path on the writer's computer (E210), a file
    name with spaces (E211), a caption not in quotes or another slip of the syntax (E201)."""
    match = _WRITTEN_IMAGE.fullmatch(written)
    inside = match["inside"].strip() if match else ""
    quote = min((inside.find(q) for q in _TITLE_QUOTES if q in inside), default=len(inside))
    destination = inside[:quote].strip()
    first, _, rest = destination.partition(" ")
    if source.unit is not None and _OWN_COMPUTER.match(destination):
        name = re.split(r"[\\/]", destination)[-1]
        source.problems.append(Problem(source.path, line, "E210", {
            "src": destination, "unit": source.unit, "name": _safe_name(name)}))
    elif rest and _IMAGE_FILE.search(destination):
        folder, name = posixpath.split(destination.replace("\\", "/"))
        safe = _safe_name(name)
        source.problems.append(Problem(source.path, line, "E211", {
            "src": destination, "name": name, "safe": safe, "fixed": posixpath.join(folder, safe)}))
    elif rest and _IMAGE_FILE.search(first):
        source.problems.append(Problem(source.path, line, "E201", {
            "src": first, "hint": f'viết chú thích trong ngoặc kép: ![{match["alt"]}]({first} "{rest.strip()}")'}))
    else:
        source.problems.append(Problem(source.path, line, "E201", {
            "src": written, "hint": "cú pháp ảnh chưa đúng; viết ![mô tả](/images/ten-tep.jpg \"Chú thích ảnh\")"}))


def _split_url(src: str):
    """urlsplit, or None for a URL it refuses ("http://[x": a malformed host, never a local file)."""
    try:
        return urlsplit(src)
    except ValueError:
        return None


def _check_caption(source: Source, ref: ImageRef, line: int, hint: str) -> None:
    caption = ref.caption
    parts = _split_url(ref.src.replace("\\", "/"))
    name = posixpath.basename(parts.path if parts is not None else ref.src)
    stem = posixpath.splitext(name)[0]
    if not caption:
        source.problems.append(Problem(source.path, line, "E201", {"src": ref.src, "hint": hint}))
    elif _FILE_NAME.match(caption) or slugify(caption) in (slugify(name), slugify(stem)):
        source.problems.append(Problem(source.path, line, "E203", {"src": ref.src}))
    elif sum(1 for w in caption.split() if any(c.isalnum() for c in w)) < 3:
        source.problems.append(Problem(source.path, line, "E202", {"src": ref.src, "caption": caption}))


