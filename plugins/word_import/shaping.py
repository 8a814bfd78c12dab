"""From a document's blocks to an article's: its title, its photos' captions, its byline.

Word users mark these by habit rather than by style, so each is recognised the ways they
are written: a title as the first heading, else the first bold or large paragraph; a
caption as a Caption-styled paragraph, or the short italic or centred paragraph right
after a photo (often "Ảnh: ..."), or the text under a photo in a borderless layout table;
a byline ("Tin, ảnh: ...") closes the article and is never a caption.
"""

from __future__ import annotations

import re

from .document import Document, Heading, ListBlock, Paragraph, Photos, Table, plain_text
from .messages import note

_CAPTION_LABEL = re.compile(
    r"^\(?\s*(?:hình ảnh|hình|ảnh|figure|fig\.|illustration|drawing|picture|image|photo)\s*"
    r"(?:số\s*)?(?:\d+(?:[.\-]\d+)*)?\s*[:.\-–—]\s*", re.IGNORECASE)
BYLINE = re.compile(
    r"^\(?\s*(?:tin|bài|tin bài|bài viết|nguồn|tác giả|người viết|người đưa tin)"
    r"(?:\s*(?:,|và|&|\+|-|–|/)?\s*(?:ảnh|hình ảnh|hình))?\s*:\s*", re.IGNORECASE)
MAX_CAPTION_WORDS = 40
MAX_STYLED_CAPTION_WORDS = 80
MAX_TITLE_WORDS = 35
_HONORIFICS = {"cô", "thầy", "bà", "ông", "chị", "anh", "em", "gv", "giáo viên", "cô giáo", "thầy giáo",
               "đ/c", "đồng chí", "ts.", "ths.", "ts", "ths"}
# Words of the names computers, accounts and offices carry, never of a person's name
_NOT_NAME_WORDS = {"user", "users", "admin", "administrator", "microsoft", "office", "windows", "win", "pc",
                   "laptop", "computer", "owner", "author", "guest", "home", "client", "default", "dell", "hp",
                   "asus", "acer", "lenovo", "toshiba", "apple", "mac", "trường", "phòng", "sở", "thcs", "thpt",
                   "ubnd", "giáo", "dục", "khoa", "ban", "tổ", "lớp", "team", "văn phòng", "mầm", "tiểu"}


def looks_like_name(text: str) -> bool:
    """Two to six capitalised words of letters: "Đoàn Thị Tâm", not "Windows User" or "Admin"."""
    words = text.split()
    if not 2 <= len(words) <= 6:
        return False
    for word in words:
        if not word.isalpha() or not word[0].isupper() or word.casefold() in _NOT_NAME_WORDS:
            return False
        if not (word[1:].islower() or word.isupper()):
            return False
    return True


def name_in_byline(text: str) -> str:
    """The author's name from "Tin, ảnh: Cô Đoàn Thị Tâm - Trường THCS A", "" when none."""
    found = BYLINE.match(text)
    if not found:
        return ""
    rest = re.split(r"\s[-–—]\s|[,;()]", text[found.end():])[0].strip(" .")
    words = rest.split()
    while words:
        if len(words) > 2 and " ".join(words[:2]).casefold() in _HONORIFICS:
            words = words[2:]
        elif words[0].casefold() in _HONORIFICS:
            words = words[1:]
        else:
            break
    name = " ".join(words)
    return name if looks_like_name(name) else ""


def clean_caption(text: str) -> str:
    text = " ".join(text.split())
    text = _CAPTION_LABEL.sub("", text, count=1).strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    elif text.endswith(")") and "(" not in text:  # "(Ảnh: ...)" lost its "(" with the label
        text = text[:-1].strip()
    return text


def is_caption(block, styled_only: bool = False) -> bool:
    """A paragraph that, right next to a photo, is that photo's caption."""
    if not isinstance(block, Paragraph):
        return False
    text = block.text
    if not text or BYLINE.match(text) or block.align == "right":
        return False
    words = len(text.split())
    if block.caption_style:
        return words <= MAX_STYLED_CAPTION_WORDS
    if styled_only or words > MAX_CAPTION_WORDS:
        return False
    if _CAPTION_LABEL.match(text) or block.covered_by("em"):
        return True
    return block.align == "center" and not block.covered_by("strong")


# ---------------------------------------------------------------------------
# Title


def _looks_like_title(block) -> bool:
    if not isinstance(block, Paragraph):
        return False
    text = block.text
    if not 1 <= len(text.split()) <= MAX_TITLE_WORDS or BYLINE.match(text) or block.caption_style:
        return False
    return block.covered_by("strong") or block.size is not None or (block.align == "center" and text.isupper())


def _title_index(blocks: list) -> int | None:
    texts = [(i, b) for i, b in enumerate(blocks) if isinstance(b, (Heading, Paragraph))]
    if not texts:
        return None
    first_index, first = texts[0]
    if isinstance(first, Heading) or _looks_like_title(first):
        return first_index
    for index, block in texts:
        if isinstance(block, Heading):
            return index
    for index, block in texts[:3]:
        if _looks_like_title(block):
            return index
    return None


def _same_look(a: Paragraph, b) -> bool:
    return (isinstance(b, Paragraph) and a.align == b.align == "center" and a.size == b.size
            and a.covered_by("strong") == b.covered_by("strong") and len(b.text.split()) <= 20)


_STALE_TITLES = re.compile(r"^(microsoft word|document|untitled|tài liệu|văn bản|mẫu|template)\b", re.IGNORECASE)


def take_title(doc: Document, properties: dict, file_stem: str, hint: str = "") -> None:
    """Set ``doc.title`` and take the title's block out of the body."""
    blocks = doc.blocks
    hint = " ".join(hint.split())
    if hint:
        doc.title, doc.title_source = hint, "hint"
        index = _title_index(blocks)
        if index is not None and blocks[index].text.casefold() == hint.casefold():
            del blocks[index]
        return
    index = _title_index(blocks)
    if index is not None:
        block = blocks.pop(index)
        title = block.text
        if isinstance(block, Paragraph) and index < len(blocks) and _same_look(block, blocks[index]) \
                and not title.endswith((".", "!", "?", ":")):
            title += " " + blocks.pop(index).text
        doc.title, doc.title_source = title, "text"
        return
    stored = properties.get("title", "")
    if len(stored.split()) >= 2 and not _STALE_TITLES.match(stored):
        doc.title, doc.title_source = stored, "properties"
        doc.notes.append(note("title_from_properties"))
        return
    doc.title = " ".join(re.sub(r"[_\-.]+", " ", file_stem).split()) or "Bài viết"
    doc.title_source = "file name"
    doc.notes.append(note("title_from_file_name"))


def find_byline_author(doc: Document) -> None:
    """The name in a closing byline ("Tin, ảnh: Đoàn Thị Tâm"), among the last paragraphs."""
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    for block in reversed(paragraphs[-3:]):
        name = name_in_byline(block.text)
        if name:
            doc.byline_author = name
            return


# ---------------------------------------------------------------------------
# Captions


def attach_captions(doc: Document) -> None:
    """Give each photo its caption, taking caption paragraphs out of the body."""
    blocks = _without_photo_tables(doc.blocks)
    above = _captions_above(blocks)
    out = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if isinstance(block, Photos):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            preceding = out[-1] if out else None
            if above and is_caption(preceding, styled_only=True):
                _give(block, out.pop().text, doc)
            elif is_caption(following):
                _give(block, following.text, doc)
                index += 1
            elif is_caption(preceding, styled_only=True):
                _give(block, out.pop().text, doc)
        out.append(block)
        index += 1
    for block in out:
        if isinstance(block, Photos):
            for photo in block.photos:
                photo.caption = photo.caption or photo.alt
    doc.blocks[:] = out


def _give(block: Photos, text: str, doc: Document) -> None:
    caption = clean_caption(text)
    if not caption:
        return
    waiting = [photo for photo in block.photos if not photo.caption]
    for photo in waiting:
        photo.caption = caption
    if len(waiting) > 1:
        doc.notes.append(note("shared_caption", numbers=", ".join(str(p.number) for p in waiting)))


def _captions_above(blocks: list) -> bool:
    """Whether this document puts its Caption-styled paragraphs above the photos (Word offers both)."""
    before = after = 0
    for index, block in enumerate(blocks):
        if isinstance(block, Photos):
            before += index > 0 and is_caption(blocks[index - 1], styled_only=True)
            after += index + 1 < len(blocks) and is_caption(blocks[index + 1], styled_only=True)
    return before > after


def _without_photo_tables(blocks: list) -> list:
    """Tables that lay out photos (their captions in the same cell or the row below) become
    the photos, captioned, and the rest of their text; other tables stay tables."""
    out = []
    for block in blocks:
        if isinstance(block, Table) and any(_photos_in(cell) for row in block.rows for cell in row):
            out.extend(_photo_table(block))
        else:
            out.append(block)
    return out


def _photos_in(cell: list) -> list:
    found = []
    for block in cell:
        if isinstance(block, Photos):
            found.extend(block.photos)
        elif isinstance(block, Table):
            found.extend(p for row in block.rows for c in row for p in _photos_in(c))
    return found


def _cell_text(cell: list) -> str:
    return " ".join(plain_text(b.pieces) for b in cell if isinstance(b, (Paragraph, Heading)))


def _text_blocks(cell: list) -> list:
    out = []
    for block in cell:
        if isinstance(block, Table):
            for row in block.rows:
                for inner in row:
                    out.extend(_text_blocks(inner))
        elif not isinstance(block, Photos):
            out.append(block)
    return out


def _photo_table(table: Table) -> list:
    out, rows, used = [], table.rows, set()
    for r, row in enumerate(rows):
        if r in used:
            continue
        if not any(_photos_in(cell) for cell in row):
            for cell in row:
                out.extend(_text_blocks(cell))
            continue
        below = rows[r + 1] if r + 1 < len(rows) else None
        captions_below = (below is not None and not any(_photos_in(c) for c in below)
                          and any(_cell_text(c) for c in below)
                          and all(len(_cell_text(c).split()) <= MAX_STYLED_CAPTION_WORDS for c in below))
        group, beside = [], []
        for c, cell in enumerate(row):
            photos = _photos_in(cell)
            texts = _text_blocks(cell)
            if not photos:
                beside.extend(texts)
                continue
            caption = _cell_text(texts)
            if caption and (len(caption.split()) > MAX_STYLED_CAPTION_WORDS or BYLINE.match(caption)):
                beside.extend(texts)
                caption = ""
            if not caption and captions_below and c < len(below):
                caption = _cell_text(below[c])
            caption = clean_caption(caption) if caption and not BYLINE.match(caption) else ""
            for photo in photos:
                photo.caption = photo.caption or caption
            group.extend(photos)
        if captions_below:
            used.add(r + 1)
            for c, cell in enumerate(below):
                if c >= len(row) or not _photos_in(row[c]):
                    beside.extend(_text_blocks(cell))
        out.append(Photos(group))
        out.extend(beside)
    return out


def body_is_empty(doc: Document) -> bool:
    return not doc.photos and not any(
        isinstance(b, (Paragraph, Heading, ListBlock, Table)) for b in doc.blocks)

