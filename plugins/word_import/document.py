"""A Word document as blocks of an article: mammoth's HTML read back with lxml.

mammoth converts the .docx to HTML (styles by name, lists, tables, links, notes, images).
What it reads but does not write — a paragraph's alignment and the size of its letters,
which tell a title or a caption — is put in front of each paragraph's text by a document
transform, as a marker that :func:`_blocks` takes off again.  Text is NFC from here on.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import mammoth
from lxml import html as lxml_html

# Styles that mark a title or a caption: Word writes "caption", LibreOffice "Caption",
# and for its captioned frames "Figure", "Illustration", "Drawing" (mammoth matches
# style names without regard to case).
STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='Figure'] => p.caption:fresh
p[style-name='Illustration'] => p.caption:fresh
p[style-name='Drawing'] => p.caption:fresh
p[style-name='Image Caption'] => p.caption:fresh
"""
_MARK = re.compile("\ue000wi:([a-z]*):([0-9.]*)\ue001")
_PHOTO_SRC = "word-photo:"


# ---------------------------------------------------------------------------
# What a document becomes


@dataclass
class Photo:
    number: int            # 1, 2, ... in the order of the document
    data: bytes
    content_type: str
    alt: str               # written by a person; "" for Word's automatic text or a file name
    caption: str = ""


@dataclass
class Text:
    value: str


@dataclass
class Raw:
    """Markdown or allowed HTML written as it is."""

    value: str


@dataclass
class Delim:
    kind: str              # "strong", "em", "s"
    opening: bool


@dataclass
class LineBreak:
    pass


@dataclass
class Link:
    href: str
    opening: bool


@dataclass
class PhotoRef:
    photo: Photo


@dataclass
class Paragraph:
    pieces: list
    align: str = ""        # "center", "right" or ""
    size: float | None = None
    caption_style: bool = False

    @property
    def text(self) -> str:
        return plain_text(self.pieces)

    def covered_by(self, kind: str) -> bool:
        """All of its text is bold ("strong") or italic ("em")."""
        depth, seen = 0, False
        for piece in self.pieces:
            if isinstance(piece, Delim) and piece.kind == kind:
                depth += 1 if piece.opening else -1
            elif isinstance(piece, Text) and piece.value.strip():
                if depth <= 0:
                    return False
                seen = True
        return seen


@dataclass
class Heading:
    level: int
    pieces: list

    @property
    def text(self) -> str:
        return plain_text(self.pieces)


@dataclass
class Photos:
    photos: list[Photo]


@dataclass
class ListBlock:
    ordered: bool
    items: list[list]      # each item: pieces of its text, then nested ListBlocks


@dataclass
class Table:
    rows: list[list[list]]  # rows of cells; a cell is a list of blocks
    header: bool = False


@dataclass
class Document:
    blocks: list
    photos: list[Photo]
    title: str = ""
    title_source: str = ""     # "text", "properties", "file name"
    byline_author: str = ""
    notes: list[str] = field(default_factory=list)


def plain_text(pieces) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, Text):
            out.append(piece.value)
        elif isinstance(piece, LineBreak):
            out.append(" ")
    return " ".join("".join(out).split())


# ---------------------------------------------------------------------------
# mammoth, and the marks it would drop


def _marked(document) -> tuple:
    """mammoth's document with each paragraph's alignment and letter size in front of its
    text (only where they say something), and the size of most of the body text."""
    sizes = Counter()
    for run in mammoth.transforms.get_descendants_of_type(document, mammoth.documents.Run):
        sizes[run.font_size] += sum(len(t.value) for t in _texts(run))
    body_size = sizes.most_common(1)[0][0] if sizes else None

    def mark(paragraph):
        runs = mammoth.transforms.get_descendants_of_type(paragraph, mammoth.documents.Run)
        found = [r.font_size for r in runs if r.font_size is not None and any(t.value.strip() for t in _texts(r))]
        size = max(found) if found else None
        align = {"center": "center", "right": "right", "end": "right"}.get(paragraph.alignment or "", "")
        if not align and (size is None or size == body_size):
            return paragraph
        marker = mammoth.documents.Text(f"\ue000wi:{align}:{'' if size is None else size}\ue001")
        return paragraph.copy(children=[marker] + list(paragraph.children))

    return mammoth.transforms.paragraph(mark)(document), body_size


def _texts(element) -> list:
    return mammoth.transforms.get_descendants_of_type(element, mammoth.documents.Text)


def read(docx: bytes) -> Document:
    """The blocks of the document (title not yet taken out) and its photos."""
    photos: list[Photo] = []

    def keep_photo(image):
        with image.open() as stream:
            data = stream.read()
        photo = Photo(number=len(photos) + 1, data=data, content_type=image.content_type or "",
                      alt=person_written_alt(image.alt_text or ""))
        photos.append(photo)
        return {"src": f"{_PHOTO_SRC}{photo.number}"}

    body_size: list = [None]

    def transform(document):
        marked, body_size[0] = _marked(document)
        return marked

    result = mammoth.convert_to_html(io.BytesIO(docx), style_map=STYLE_MAP, transform_document=transform,
                                     convert_image=mammoth.images.img_element(keep_photo))
    html = unicodedata.normalize("NFC", result.value)
    blocks = _blocks(html, {str(p.number): p for p in photos}, body_size[0]) if html.strip() else []
    return Document(blocks=blocks, photos=photos)


# ---------------------------------------------------------------------------
# Alt text: what a person wrote, not Word's guess or a file name

_AUTOMATIC_ALT = re.compile(
    r"mô tả được tạo|được tạo tự động|tạo tự động|description automatically generated|"
    r"automatically generated|generated with (?:very high |high |medium |low )?confidence|"
    r"mô tả được tạo với độ tin cậy", re.IGNORECASE)
_IMAGE_NAME = re.compile(
    r"^(?:[\w\-. ()]+\.(?:jpe?g|png|gif|bmp|tiff?|webp|heic|heif|emf|wmf|svg)|"
    r"(?:image|picture|pic|img|photo|graphic|figure|frame|hình|hình ảnh|ảnh|shape)\s*[_-]?\s*\d*)$",
    re.IGNORECASE)


def person_written_alt(alt: str) -> str:
    alt = " ".join(unicodedata.normalize("NFC", alt).split())
    if not alt or _AUTOMATIC_ALT.search(alt) or _IMAGE_NAME.match(alt):
        return ""
    if " " not in alt and sum(c.isdigit() for c in alt) >= 3:  # IMG_20231107_0830, z4891234_abc
        return ""
    return alt


# ---------------------------------------------------------------------------
# HTML to blocks

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


class _Reader:
    def __init__(self, photos: dict[str, Photo]):
        self.photos = photos

    # -- inline ------------------------------------------------------------
    def inline(self, node) -> list:
        out = []
        if node.text:
            out.append(Text(node.text))
        for child in node:
            if isinstance(child.tag, str):
                out.extend(self.element(child))
            if child.tail:
                out.append(Text(child.tail))
        return out

    def element(self, el) -> list:
        tag = el.tag
        if tag == "img":
            photo = self.photos.get((el.get("src") or "")[len(_PHOTO_SRC):])
            return [PhotoRef(photo)] if photo is not None else []
        if tag == "br":
            return [LineBreak()]
        for kind, tags in (("strong", ("strong", "b")), ("em", ("em", "i")), ("s", ("s", "del", "strike"))):
            if tag in tags:
                return _wrap(self.inline(el), Delim(kind, True), Delim(kind, False))
        if tag in ("sup", "sub"):
            inner = self.inline(el)
            if not plain_text(inner):
                return inner
            return [Raw(f"<{tag}>"), *inner, Raw(f"</{tag}>")]
        if tag == "a":
            inner = self.inline(el)
            href = (el.get("href") or "").strip()
            text = plain_text(inner)
            if not href or href.startswith("#") or not text:
                return [p for p in inner if not (isinstance(p, Text) and p.value.strip() == "↑")]
            return _wrap(inner, Link(href, True), Link(href, False))
        return self.inline(el)  # span, u, and a block inside a line: its text

    # -- blocks ------------------------------------------------------------
    def blocks(self, container) -> list:
        out = []
        for el in container:
            if not isinstance(el.tag, str):
                continue
            tag = el.tag
            if tag in _HEADINGS:
                _take_mark(el)
                pieces = self.inline(el)
                out.extend(_split_photos(pieces, lambda p, level=_HEADINGS[tag]: Heading(level, p)))
            elif tag == "p":
                marks = _take_mark(el)
                caption = "caption" in (el.get("class") or "").split()
                pieces = self.inline(el)
                out.extend(_split_photos(pieces, lambda p: Paragraph(p, marks[0], marks[1], caption)))
            elif tag in ("ul", "ol"):
                block, photos = self.list_block(el)
                if block.items:
                    out.append(block)
                if photos:
                    out.append(Photos(photos))
            elif tag == "table":
                out.append(self.table(el))
            elif tag == "dl":  # comments: not part of the article
                continue
            else:
                out.extend(_split_photos(self.inline(el), Paragraph))
        return out

    def list_block(self, el) -> tuple[ListBlock, list[Photo]]:
        items, photos = [], []
        for li in el:
            if li.tag != "li":
                continue
            _take_mark(li)
            if (li.get("id") or "").startswith(("footnote-", "endnote-")):
                for p in li.iter("p"):
                    _take_mark(p)
            pieces, nested = [], []
            if li.text:
                pieces.append(Text(li.text))
            for child in li:
                if not isinstance(child.tag, str):
                    pass
                elif child.tag in ("ul", "ol"):
                    block, more = self.list_block(child)
                    nested.append(block)
                    photos.extend(more)
                elif child.tag == "p":
                    if pieces and plain_text(pieces):
                        pieces.append(LineBreak())
                    pieces.extend(self.inline(child))
                else:
                    pieces.extend(self.element(child))
                if child.tail:
                    pieces.append(Text(child.tail))
            photos.extend(p.photo for p in pieces if isinstance(p, PhotoRef))
            pieces = [p for p in pieces if not isinstance(p, PhotoRef)]
            if plain_text(pieces) or nested:
                items.append([pieces, *nested])
        return ListBlock(ordered=el.tag == "ol", items=items), photos

    def table(self, el) -> Table:
        rows = [tr for tr in el.iter("tr")]
        grid: list[list] = []
        pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
        header = bool(rows) and rows[0].getparent().tag == "thead"
        for tr in rows:
            if _enclosing_table(tr) is not el:
                continue  # a table inside a cell: read with that cell
            row, column = [], 0
            cells = [c for c in tr if c.tag in ("td", "th")]
            for cell in cells:
                while pending.get(column, 0) > 0:
                    pending[column] -= 1
                    row.append([])
                    column += 1
                span = _int(cell.get("colspan"), 1)
                down = _int(cell.get("rowspan"), 1)
                row.append(self.cell_blocks(cell))
                for extra in range(span):
                    if down > 1:
                        pending[column + extra] = down - 1
                row.extend([] for _ in range(span - 1))
                column += span
            while pending.get(column, 0) > 0:
                pending[column] -= 1
                row.append([])
                column += 1
            grid.append(row)
        width = max((len(r) for r in grid), default=0)
        for row in grid:
            row.extend([] for _ in range(width - len(row)))
        return Table(rows=grid, header=header)

    def cell_blocks(self, cell) -> list:
        blocks = self.blocks(cell)
        if cell.text and cell.text.strip():
            blocks.insert(0, Paragraph([Text(cell.text)]))
        return blocks


def _enclosing_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _int(value, default: int) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


def _take_mark(el) -> tuple[str, float | None]:
    """Take the marker off an element's text: (alignment, letter size)."""
    text = el.text or ""
    found = _MARK.match(text)
    if not found:
        return "", None
    el.text = text[found.end():]
    size = float(found.group(2)) if found.group(2) else None
    return found.group(1), size


def _wrap(pieces: list, opening, closing) -> list:
    """``opening`` and ``closing`` (emphasis, a link) around each stretch of text; photos
    leave it, as a photo is a block of its own."""
    out, run = [], []

    def flush():
        if plain_text(run):
            out.extend([opening, *run, closing])
        else:
            out.extend(run)
        run.clear()

    for piece in pieces:
        if isinstance(piece, PhotoRef):
            flush()
            out.append(piece)
        else:
            run.append(piece)
    flush()
    return out


def _split_photos(pieces: list, make) -> list:
    """A paragraph with photos: its text before them, the photos, its text after them.

    Photos side by side in one paragraph stay one group (a gallery); the text after the
    last photo keeps the paragraph's alignment and style, so that a caption written in
    the same paragraph after a line break is still seen as one.
    """
    out, run, group = [], [], []
    for piece in pieces:
        if isinstance(piece, PhotoRef):
            if plain_text(run):
                out.append(make(_balanced(run)))
            run = []  # spaces and line breaks between photos
            group.append(piece.photo)
        else:
            run.append(piece)
            if group and plain_text(run):
                out.append(Photos(group))
                group = []
    if group:
        out.append(Photos(group))
    if plain_text(run):
        out.append(make(_balanced(run)))
    return out


def _balanced(pieces: list) -> list:
    """Close what a split left open and open what it left closed (emphasis, links)."""
    stack, closed_only = [], []
    for piece in pieces:
        if isinstance(piece, (Delim, Link)):
            if piece.opening:
                stack.append(piece)
            elif stack and type(stack[-1]) is type(piece):
                stack.pop()
            else:
                closed_only.append(piece)
    head = [_twin(p, True) for p in reversed(closed_only)]
    tail = [_twin(p, False) for p in reversed(stack)]
    return head + pieces + tail


def _twin(piece, opening: bool):
    return Delim(piece.kind, opening) if isinstance(piece, Delim) else Link(piece.href, opening)


def _blocks(html: str, photos: dict[str, Photo], body_size) -> list:
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    blocks = _Reader(photos).blocks(root)
    _mark_large(blocks, body_size)
    return blocks


def _mark_large(blocks: list, body_size) -> None:
    """Keep a paragraph's size only when it is larger than the body text's."""
    base = body_size or 12.0
    for block in blocks:
        if isinstance(block, Paragraph) and block.size is not None and block.size < base + 1:
            block.size = None
