"""Markdown to HTML, once per article, with the facts the checks need.

markdown-it-py gives every block its source lines, so an image, a raw HTML
fragment or an unsafe link can be reported at its own line; it is also about
twice as fast as python-markdown here (measured: 1,469 against 785 files a second).

Images leave the paragraph they were written in and become figures right
after it (a figure cannot live inside a ``<p>``); several images in one
paragraph become a gallery.  The figure markup itself is made later, by the
image_assets plugin, from a ``<!--figure:N-->`` marker: a comment that user
HTML can never produce, because raw HTML comments are removed by the
sanitiser (and reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nh3
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_UNSAFE_LINK = re.compile(r"^\s*(javascript|vbscript|data|file):", re.IGNORECASE)
_BROKEN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
# An image whose caption Word typed in curly quotes (“…” or ‘…’), which CommonMark does not
# take for a title: still an image with its caption
_CURLY_TITLED = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*(?P<src>[^\s()]+)\s+(?:[“”„‟\"](?P<double>[^“”„‟\"]*)[“”„‟\"]"
                           r"|[‘’‚‛'](?P<single>[^‘’‚‛']*)[‘’‚‛'])\s*\)")
FIGURE_MARKER = "<!--figure:{}-->"
# While the body is sanitised, where a figure goes is held by private-use characters that no
# file may hold (source.FORBIDDEN_CHARACTER, E112) and that survive nh3 as text
_HELD_FIGURE = "\ue002{}\ue003"
_HELD_FIGURES = re.compile("\ue002(\\d+)\ue003")
# What markdown-it itself writes beyond the tags people may write: "# Title", a table's
# alignment (style="text-align:..."), a fenced block's language
MARKDOWN_TAGS = ALLOWED_TAGS | {"h1", "pre"}
MARKDOWN_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "td": ALLOWED_ATTRIBUTES["td"] | {"style"},
                       "th": ALLOWED_ATTRIBUTES["th"] | {"style"}, "code": {"class"}}
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>?")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


@dataclass
class BodyImage:
    src: str          # as written (URL-decoded)
    title: str        # the caption
    alt: str
    line: int
    group: int        # images of one paragraph share a group (a gallery)


@dataclass
class RenderedBody:
    html: str
    images: list[BodyImage] = field(default_factory=list)
    unsafe_html: list[tuple[int, str]] = field(default_factory=list)   # (line, detail)
    unsafe_links: list[tuple[int, str]] = field(default_factory=list)  # (line, href)
    broken_images: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    text: str = ""    # plain text of the first paragraphs, for the summary


class _Renderer:
    """One MarkdownIt instance per process, reused (a new one per file costs 6 %)."""

    def __init__(self):
        self.md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
        # Where a link being validated was written: the first line of the block
        # or inline text being parsed, and the position in that inline text.
        self._line = 0
        self._src = ""
        self._pos = 0
        self._unsafe_links: list[tuple[int, str]] = []
        default_validate = self.md.validateLink

        def validate_link(url: str) -> bool:
            if _UNSAFE_LINK.match(url) and not url.lower().startswith("data:image/"):
                line = self._line + self._src.count("\n", 0, self._pos)
                if (line, url) not in self._unsafe_links:  # an image's link is tried twice
                    self._unsafe_links.append((line, url))
                return False
            return default_validate(url)

        self.md.validateLink = validate_link
        self.md.core.ruler.at("inline", self._inline_with_lines)
        # Link reference definitions are validated while the blocks are parsed,
        # links, images and autolinks while their inline text is: note where.
        self.md.block.ruler.before("reference", "remember_line", self._remember_block)
        self.md.inline.ruler.before("link", "remember_pos", self._remember_pos)

    def _remember_block(self, state, start_line: int, end_line: int, silent: bool) -> bool:
        self._line, self._src, self._pos = start_line, "", 0
        return False

    def _remember_pos(self, state, silent: bool) -> bool:
        self._src, self._pos = state.src, state.pos
        return False

    def _inline_with_lines(self, state) -> None:
        for token in state.tokens:
            if token.type == "inline":
                self._line = token.map[0] if token.map else 0
                self._src, self._pos = token.content, 0
                self.md.inline.parse(token.content, state.md, state.env, token.children)

    def render(self, source: str, first_line: int) -> RenderedBody:
        self._unsafe_links = []
        self._line, self._src, self._pos = 0, "", 0
        tokens = self.md.parse(source)
        body = RenderedBody(html="")
        body.unsafe_links = [(line + first_line, url) for line, url in self._unsafe_links]
        output: list[Token] = []
        raw_html: list[tuple[int, str]] = []  # (line, fragment) of the HTML written in the file
        pending: list[Token] = []   # figure markers waiting for their block to close
        group = 0
        text_parts: list[str] = []
        for token in tokens:
            if token.type == "html_block":
                raw_html.append((token.map[0] + first_line if token.map else first_line, token.content))
            if token.type == "inline":
                line = token.map[0] + first_line if token.map else first_line
                markers = self._take_images(token, line, group, body, raw_html)
                if markers:
                    group += 1
                    pending.extend(markers)
                if len(text_parts) < 3 and token.children:
                    plain = "".join(c.content for c in token.children if c.type in ("text", "code_inline", "softbreak")).strip()
                    if plain:
                        text_parts.append(plain)
            output.append(token)
            if pending and token.type in ("paragraph_close", "heading_close"):
                if token.type == "paragraph_close" and _is_empty(output):
                    output[-3].hidden = output[-1].hidden = True
                output.extend(pending)
                pending = []
            elif pending and token.type in ("td_close", "th_close"):
                closing = output.pop()
                output.extend(pending)
                output.append(closing)
                pending = []
        output.extend(pending)
        html = self.md.renderer.render(output, self.md.options, {})
        if raw_html:
            html = sanitise(html, raw_html, body)
        body.html = _HELD_FIGURES.sub(r"<!--figure:\1-->", html) if body.images else html
        body.text = " ".join(text_parts)
        return body

    def _take_images(self, inline: Token, line: int, group: int, body: RenderedBody, raw_html: list) -> list[Token]:
        markers: list[Token] = []
        kept: list[Token] = []
        offset = 0
        for child in inline.children or []:
            if child.type in ("softbreak", "hardbreak"):
                offset += 1
            if child.type == "image":
                body.images.append(BodyImage(
                    src=child.attrGet("src") or "", title=(child.attrGet("title") or "").strip(),
                    alt=child.content.strip(), line=line + offset, group=group))
                markers.append(_marker(len(body.images) - 1))
                continue
            if child.type == "html_inline":
                raw_html.append((line + offset, child.content))
            if child.type == "link_open" and (child.attrGet("href") or "").lower().startswith("data:"):
                # data:image/ passes markdown-it's check for images (E502 says why it is refused); a
                # link to data: is refused as the catalogue says (contract section 8)
                body.unsafe_links.append((line + offset, child.attrGet("href")[:60]))
            if child.type == "text" and "![" in child.content:
                left = []  # the text around the images read here
                end = 0
                for match in _BROKEN_IMAGE.finditer(child.content):
                    curly = _CURLY_TITLED.fullmatch(match.group(0))
                    if curly is None:
                        body.broken_images.append((line + offset, match.group(0)))
                        continue
                    body.images.append(BodyImage(
                        src=curly["src"], title=(curly["double"] or curly["single"] or "").strip(),
                        alt=curly["alt"].strip(), line=line + offset, group=group))
                    markers.append(_marker(len(body.images) - 1))
                    left.append(child.content[end:match.start()])
                    end = match.end()
                if end:
                    child.content = "".join(left) + child.content[end:]
            kept.append(child)
        if markers:
            while kept and kept[-1].type in ("softbreak", "hardbreak"):
                kept.pop()
            while kept and kept[0].type in ("softbreak", "hardbreak"):
                kept.pop(0)
            inline.children = kept
        return markers


def _marker(index: int) -> Token:
    """Where figure ``index`` goes (image_assets makes it)."""
    marker = Token("html_block", "", 0)
    marker.content = _HELD_FIGURE.format(index) + "\n"
    return marker


def _is_empty(output: list[Token]) -> bool:
    """Is the paragraph just closed (open, inline, close) left with no content?"""
    if len(output) < 3 or output[-3].type != "paragraph_open":
        return False
    inline = output[-2]
    return not any(c.type != "text" or c.content.strip() for c in inline.children or [])


def _permissive(html: str) -> dict:
    """nh3's options that keep every tag, attribute and address scheme ``html`` holds: the same
    parser and serialiser as the allow-list's, so that the two outputs differ only where the
    allow-list removed something (an implied <tbody>, a closed <b> are in both)."""
    tags, attributes, schemes = set(MARKDOWN_TAGS) | {"tbody"}, set(), set(URL_SCHEMES)
    for match in _TAG.finditer(html):
        tags.add(match[2].lower())
        for attribute in _ATTRIBUTE.finditer(match[3]):
            attributes.add(attribute[1].lower())
    schemes.update(m.lower() for m in _SCHEME.findall(html))
    return {"tags": tags, "clean_content_tags": set(), "attributes": {"*": attributes},
            "url_schemes": schemes, "link_rel": None, "strip_comments": False}


def sanitise(html: str, raw_html: list[tuple[int, str]], body: RenderedBody) -> str:
    """The whole rendered body through the allow-list once (contract section 8), and E503 at the
    line of each fragment of HTML the allow-list changed.  The comparison is of the body as
    nh3 writes it with every tag allowed, so nothing but a removal is a change."""
    clean = nh3.clean(html, tags=MARKDOWN_TAGS, attributes=MARKDOWN_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel=None, strip_comments=True, filter_style_properties={"text-align"})
    if clean != nh3.clean(html, **_permissive(html)):
        reported = False
        for line, fragment in raw_html:
            detail = _describe(fragment)
            if detail:
                body.unsafe_html.append((line, detail))
                reported = True
        if not reported:  # changed by the mix of fragments, none of them wrong alone
            body.unsafe_html.append((raw_html[0][0], "mã HTML bị thay đổi khi làm sạch: " + _one_line(raw_html[0][1])))
    return clean


def _one_line(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _describe(fragment: str) -> str | None:
    """What of one fragment the allow-list refuses, in one line (None: nothing)."""
    if "<!--" in fragment:
        return "chú thích HTML <!-- -->"
    bad_tags, bad = [], []
    for match in _TAG.finditer(fragment):
        tag = match[2].lower()
        if tag not in ALLOWED_TAGS:
            bad_tags.append(tag)
            continue
        for attribute in _ATTRIBUTE.finditer(match[3]):
            name = attribute[1].lower()
            value = next((v for v in attribute.groups()[1:] if v is not None), "")
            if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
                bad.append(f"{name} của <{tag}>")
            elif name == "href" and _SCHEME.match(value.strip()) and \
                    _SCHEME.match(value.strip())[1].lower() not in URL_SCHEMES:
                bad.append(f"liên kết {_one_line(value, 40)}")
    if bad_tags:
        return "thẻ <" + ">, <".join(dict.fromkeys(bad_tags)) + ">"
    if bad:
        return "thuộc tính hoặc liên kết không được phép: " + ", ".join(dict.fromkeys(bad))
    return None


RENDERER = _Renderer()
