"""Atom feeds (RFC 4287), written with lxml.

Every entry names its unit (``<author>`` is the unit when no author was
written, and a ``<category>`` in the units scheme always carries the unit's
id and name), has a stable ``tag:`` id and timestamps with their zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import urlsplit

from lxml import etree

from image_assets import body_html

ATOM = "http://www.w3.org/2005/Atom"
UNIT_SCHEME = "urn:x-edu-portal:unit"
# An empty feed's <updated> (Atom needs one): fixed, not the build's time, so that a rebuild
# with nothing new writes the same bytes (deploys copy only what changed)
EMPTY_FEED_UPDATED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def _el(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


@functools.lru_cache(maxsize=8)  # one address a build, 70,000 entries
def _host(public_url: str) -> str:
    return urlsplit(public_url).hostname or "localhost"


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def feed_bytes(*, title: str, feed_path: str, home_path: str, site_map, entries, parts) -> bytes:
    """``entries`` are published Pelican articles, newest first; ``parts`` their <entry>
    elements, made by :func:`entry_bytes` (here or in an earlier build).  Addresses are
    absolute, each at its site's address (``site_map``: unit_sites.links.SiteMap)."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    _el(root, "id", site_map.absolute(feed_path))
    _el(root, "title", title)
    newest = max((a.date for a in entries), default=EMPTY_FEED_UPDATED)
    _el(root, "updated", _stamp(newest))
    _el(_el(root, "author"), "name", title)
    _el(root, "link", rel="self", href=site_map.absolute(feed_path), type="application/atom+xml")
    _el(root, "link", rel="alternate", href=site_map.absolute(home_path), type="text/html")
    head = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    closing = head.rindex(b"</feed>")
    return head[:closing] + b"".join(parts) + head[closing:]


def entry_bytes(article, unit, site_map, with_content: bool) -> bytes:
    """One <entry>, as lxml's pretty printer writes it inside the feed, formatted directly:
    a province's feeds hold 70,000 entries, and building each as an lxml tree cost
    ~40 % of the render process that makes the feeds."""
    # the id names the article by the portal's host, whatever address its site has (an
    # entry's id never changes when a unit gets an address of its own)
    host = _host(site_map.public_url)
    url = article.url
    address = site_map.absolute(url)
    lines = [
        "<entry>",
        f"  <id>{_text(f'tag:{host},{article.date:%Y-%m-%d}:{url}')}</id>",
        f"  <title>{_text(article.title)}</title>",
        f"  <published>{_stamp(article.date)}</published>",
        f"  <updated>{_stamp(article.date)}</updated>",
        "  <author>",
        f"    <name>{_text(str(article.author) if getattr(article, 'author', None) else unit.name)}</name>",
        "  </author>",
        f'  <link rel="alternate" href="{_attribute(address)}" type="text/html"/>',
        f'  <category term="{_attribute(unit.id)}" scheme="{UNIT_SCHEME}" label="{_attribute(unit.name)}"/>',
        f'  <category term="{_attribute(article.category.name)}"/>',
        *(f'  <category term="{_attribute(tag.name)}"/>' for tag in getattr(article, "tags", [])),
        f'  <summary type="text">{_text(article.source.summary)}</summary>',
    ]
    if with_content:
        # figures use paths relative to the article's page
        lines.append(f'  <content type="html" xml:base="{_attribute(address)}">'
                     f"{_text(str(body_html(article)))}</content>")
    lines.append("</entry>\n")
    return "\n".join(lines).encode("utf-8")


# characters XML 1.0 does not allow (lxml refuses them); a control character pasted
# from Word must not cost the whole feed
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    # str.replace, not str.translate: bodies are long and not ASCII, where translate is slow
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;") if "\r" in value else value


def _attribute(value: str) -> str:
    value = _text(value).replace('"', "&quot;")
    for character, reference in (("\n", "&#10;"), ("\t", "&#9;")):
        if character in value:
            value = value.replace(character, reference)
    return value
