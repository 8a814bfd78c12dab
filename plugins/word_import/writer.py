"""Blocks to Markdown as a person would write it: a character is escaped only where the
project's Markdown (CommonMark with tables and strikethrough, article_reader.markdown)
would otherwise read it as markup, so "2023-2024", "(1)" or "GD&ĐT" stay as they are.

Emphasis that CommonMark could not read as written (a closing ``**`` between a
punctuation mark and a letter) is written as the allowed HTML tag instead.
"""

from __future__ import annotations

import re
import unicodedata

from .document import Delim, Heading, LineBreak, Link, ListBlock, Paragraph, Photos, Raw, Table, Text, plain_text

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKDOWN = {"strong": "**", "em": "*", "s": "~~"}
_HTML = {"strong": "strong", "em": "em", "s": "s"}


def _punct(c: str) -> bool:
    return c in _ASCII_PUNCT or (c != "" and unicodedata.category(c)[0] in "PS")


def _space(c: str) -> bool:
    return c == "" or c.isspace()


def _left_flanking(before: str, after: str) -> bool:
    return not _space(after) and (not _punct(after) or _space(before) or _punct(before))


def _right_flanking(before: str, after: str) -> bool:
    return not _space(before) and (not _punct(before) or _space(after) or _punct(after))


def escape(text: str, before: str = "", after: str = "", *, in_link: bool = False, in_table: bool = False) -> str:
    """``text`` with the escapes it needs between the characters ``before`` and ``after``
    ("" for the start or end of a line)."""
    out, n, i = [], len(text), 0
    while i < n:
        c = text[i]
        prev = text[i - 1] if i else before
        if c in "*_~":
            j = i
            while j < n and text[j] == c:
                j += 1
            nxt = text[j] if j < n else after
            left, right = _left_flanking(prev, nxt), _right_flanking(prev, nxt)
            if c == "*":
                special = left or right
            elif c == "_":  # "_" inside a word never opens or closes emphasis
                special = (left and (not right or _punct(prev))) or (right and (not left or _punct(nxt)))
            else:  # strikethrough needs "~~"
                special = j - i >= 2 and (left or right)
            out.append(("\\" + c) * (j - i) if special else text[i:j])
            i = j
            continue
        nxt = text[i + 1] if i + 1 < n else after
        if c == "\\" and (nxt == "" or nxt == "\n" or nxt in _ASCII_PUNCT):
            out.append("\\\\")
        elif c == "`":
            out.append("\\`")
        elif c == "<" and ((nxt.isascii() and nxt.isalpha()) or nxt in ("/", "!", "?")):
            out.append("\\<")
        elif c == "&" and _ENTITY.match(text, i):
            out.append("\\&")
        elif c == "]" and (in_link or nxt in ("(", ":")):
            out.append("\\]")
        elif c == "[" and in_link:
            out.append("\\[")
        elif c == "!" and nxt == "[":
            out.append("\\!")
        elif c == "|" and in_table:
            out.append("\\|")
        else:
            out.append(c)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------
# Inline


def _normalised(pieces: list) -> list:
    """Whitespace out of emphasis and links, no empty emphasis, no doubled line breaks."""
    flat = []
    for piece in pieces:
        if isinstance(piece, Text):
            value = re.sub(" {2,}", " ", piece.value.replace("\t", " ").replace("\n", " ").replace("\r", " "))
            if flat and isinstance(flat[-1], Text):
                flat[-1] = Text(flat[-1].value + value)
            else:
                flat.append(Text(value))
        else:
            flat.append(piece)
    changed = True
    while changed:
        changed = False
        for i, piece in enumerate(flat):
            nxt = flat[i + 1] if i + 1 < len(flat) else None
            prev = flat[i - 1] if i else None
            if isinstance(piece, (Delim, Link)) and piece.opening and isinstance(nxt, Text):
                stripped = nxt.value.lstrip()
                if stripped != nxt.value:
                    flat[i + 1] = Text(stripped)
                    flat.insert(i, Text(nxt.value[:len(nxt.value) - len(stripped)]))
                    changed = True
                    break
            if isinstance(piece, (Delim, Link)) and not piece.opening and isinstance(prev, Text):
                stripped = prev.value.rstrip()
                if stripped != prev.value:
                    flat[i - 1] = Text(stripped)
                    flat.insert(i + 1, Text(prev.value[len(stripped):]))
                    changed = True
                    break
            if isinstance(piece, Text) and piece.value == "":
                del flat[i]
                changed = True
                break
            if (isinstance(piece, Delim) and isinstance(nxt, Delim) and piece.kind == nxt.kind
                    and piece.opening != nxt.opening):
                del flat[i:i + 2]  # "**" + "**": empty emphasis, or two stretches that touch
                changed = True
                break
            if isinstance(piece, Text) and isinstance(nxt, Text):
                flat[i:i + 2] = [Text(piece.value + nxt.value)]
                changed = True
                break
    # line breaks: none at the ends, none doubled, no spaces around them
    out = []
    for piece in flat:
        if isinstance(piece, LineBreak):
            if not plain_text(out) or isinstance(_last_visible(out), LineBreak):
                continue
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].value.rstrip())
        elif isinstance(piece, Text) and out and isinstance(_last_visible(out), LineBreak):
            piece = Text(piece.value.lstrip())
        out.append(piece)
    while out and isinstance(_last_visible(out), LineBreak):
        index = max(i for i, p in enumerate(out) if isinstance(p, LineBreak))
        del out[index]
    return out


def _last_visible(pieces: list):
    for piece in reversed(pieces):
        if isinstance(piece, LineBreak) or (isinstance(piece, Text) and piece.value.strip()):
            return piece
    return None


def inline(pieces: list, *, in_table: bool = False) -> str:
    """The Markdown of a stretch of inline pieces (one line per hard line break)."""
    pieces = _normalised(pieces)
    # what each piece shows, before escaping: the context of its neighbours
    shown = []
    for piece in pieces:
        if isinstance(piece, Text):
            shown.append(piece.value)
        elif isinstance(piece, Raw):
            shown.append(piece.value)
        elif isinstance(piece, LineBreak):
            shown.append("\n")
        elif isinstance(piece, Delim):
            shown.append(_MARKDOWN[piece.kind])
        elif isinstance(piece, Link):
            shown.append("[" if piece.opening else "](")
        else:
            shown.append("")
    html_delims = _unreadable_emphasis(pieces, shown)
    out, link_depth = [], 0
    for i, piece in enumerate(pieces):
        before = _char_before(shown, i)
        after = _char_after(shown, i)
        if isinstance(piece, Text):
            out.append(escape(piece.value, before, after, in_link=link_depth > 0, in_table=in_table))
        elif isinstance(piece, Raw):
            out.append(piece.value)
        elif isinstance(piece, LineBreak):
            out.append("<br>" if in_table else "\\\n")
        elif isinstance(piece, Delim):
            if i in html_delims:
                out.append(f"<{'' if piece.opening else '/'}{_HTML[piece.kind]}>")
            else:
                out.append(_MARKDOWN[piece.kind])
        elif isinstance(piece, Link):
            if piece.opening:
                link_depth += 1
                out.append("[")
            else:
                link_depth -= 1
                out.append(f"]({_destination(piece.href)})")
    return "".join(out)


def _char_before(shown: list, i: int) -> str:
    for text in reversed(shown[:i]):
        if text:
            return text[-1]
    return ""


def _char_after(shown: list, i: int) -> str:
    for text in shown[i + 1:]:
        if text:
            return text[0]
    return ""


def _unreadable_emphasis(pieces: list, shown: list) -> set[int]:
    """Indexes of the delimiters of each emphasis that CommonMark would not read as written."""
    stack, bad = [], set()
    for i, piece in enumerate(pieces):
        if not isinstance(piece, Delim):
            continue
        before, after = _char_before(shown, i), _char_after(shown, i)
        if piece.opening:
            stack.append((i, _left_flanking(before, after)))
        else:
            for k in range(len(stack) - 1, -1, -1):
                j, ok = stack[k]
                if pieces[j].kind == piece.kind:
                    del stack[k]
                    if not (ok and _right_flanking(before, after)):
                        bad.update((i, j))
                    break
    return bad


def _destination(href: str) -> str:
    for c, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        href = href.replace(c, code)
    return href


# ---------------------------------------------------------------------------
# Lines and blocks

_BULLET = re.compile(r"^[-+*](\s|$)")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(\s|$)")
_THEMATIC = re.compile(r"^([-*_])(\s*\1){2,}\s*\\?$")


def _guarded(text: str, list_start: bool = False) -> str:
    """Each line of a paragraph kept a paragraph line: no heading, quote, code, rule or
    list read from how it starts.  With ``list_start`` its first line may start a list
    (a paragraph typed as "- ..." or "1. ..." in Word was meant as one)."""
    lines = []
    for index, line in enumerate(text.split("\n")):
        line = line.lstrip(" ")
        if not line.endswith("\\"):
            line = line.rstrip(" ")
        first = index == 0
        if re.match(r"^#{1,6}(\s|$)", line) or line.startswith(">") or _THEMATIC.match(line) \
                or re.match(r"^~{3,}", line) or (not first and re.match(r"^=+\s*\\?$", line)):
            line = "\\" + line
        elif _BULLET.match(line) and not (first and list_start):
            line = "\\" + line
        elif _ORDERED.match(line) and not (first and list_start):
            number = _ORDERED.match(line).group(1)
            line = number + "\\" + line[len(number):]
        lines.append(line)
    return "\n".join(lines)


def _typed_list(text: str) -> str | None:
    """The kind of list a paragraph starts ("-", "+", "*", "." or ")"), None for none."""
    found = _BULLET.match(text)
    if found:
        return text[0]
    found = _ORDERED.match(text)
    return found.group(2) if found else None


def _heading(block: Heading, level: int) -> str:
    text = inline([p if not isinstance(p, LineBreak) else Text(" ") for p in block.pieces])
    text = re.sub(r"(^|\s)(#+)(\s*)$", lambda m: m.group(1) + "\\" + m.group(2) + m.group(3), text).strip()
    return "#" * level + " " + text


def _photos(block: Photos, source_of) -> str:
    lines = []
    for photo in block.photos:
        src = source_of(photo)
        if src is None:
            continue
        alt = escape(photo.alt, in_link=True)
        title = ""
        if photo.caption:
            title = ' "' + photo.caption.replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines.append(f"![{alt}]({src}{title})")
    return "\n".join(lines)


def _list(block: ListBlock, indent: int = 0) -> list[str]:
    lines = []
    for number, item in enumerate(block.items, 1):
        pieces, *nested = item
        marker = f"{number}." if block.ordered else "-"
        text = _guarded(inline(pieces))
        own = text.split("\n") if text else [""]
        pad = " " * (indent + len(marker) + 1)
        lines.append((" " * indent + marker + " " + own[0]).rstrip())
        lines.extend(pad + line for line in own[1:])
        for sub in nested:
            lines.extend(_list(sub, indent + len(marker) + 1))
    return lines


def _cell(blocks: list) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            parts.append(inline(block.pieces, in_table=True))
        elif isinstance(block, ListBlock):
            parts.extend("• " + inline(item[0], in_table=True) for item in block.items)
        elif isinstance(block, Table):
            parts.extend(_cell(cell) for row in block.rows for cell in row if cell)
    return "<br>".join(p for p in parts if p.strip())


def _table(block: Table) -> str:
    rows = [[_cell(cell) for cell in row] for row in block.rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    if width == 1 and len(rows) == 1:  # a framed paragraph
        return _guarded(rows[0][0].replace("<br>", "\\\n"))
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join([" --- "] * width) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows[1:])
    return "\n".join(line.replace("|  |", "| |") for line in lines)


def markdown(blocks: list, source_of) -> str:
    """The article's body; ``source_of(photo)`` is the path written for a photo, None to leave it out."""
    levels = sorted({b.level for b in blocks if isinstance(b, Heading)})
    shift = {level: min(6, index + 2) for index, level in enumerate(levels)}  # the title is the page's h1
    parts: list[tuple[str, str | None]] = []
    for block in blocks:
        if isinstance(block, Heading):
            text = _heading(block, shift[block.level])
            kind = None
        elif isinstance(block, Paragraph):
            text = _guarded(inline(block.pieces), list_start=True)
            kind = _typed_list(text)
        elif isinstance(block, Photos):
            text, kind = _photos(block, source_of), None
        elif isinstance(block, ListBlock):
            text, kind = "\n".join(_list(block)), None
        elif isinstance(block, Table):
            text, kind = _table(block), None
        else:
            continue
        if text.strip():
            parts.append((text, kind))
    out = []
    for index, (text, kind) in enumerate(parts):
        if index:
            previous_kind = parts[index - 1][1]
            out.append("\n" if kind is not None and kind == previous_kind else "\n\n")
        out.append(text)
    return "".join(out) + "\n" if out else ""
