"""Atom feeds (RFC 4287), written with lxml.

Every entry names its unit (``<author>`` is the unit when no author was
written, and a ``<category>`` in the units scheme always carries the unit's
id and name), has a stable ``tag:`` id and timestamps with their zone.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from lxml import etree

from image_assets import body_html

ATOM = "http://www.w3.org/2005/Atom"
UNIT_SCHEME = "urn:x-edu-portal:unit"


def _el(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


_NAMESPACE_DECLARATION = f' xmlns="{ATOM}"'.encode()


def feed_bytes(*, title: str, feed_path: str, home_path: str, domain: str, entries, entry_keys,
               entry_store, units, updated: dt.datetime, with_content: bool) -> bytes:
    """``entries`` are published Pelican articles, newest first; ``entry_keys`` name what each
    entry shows, and ``entry_store`` (a BlobStore) keeps entries made by earlier builds: the
    province's feed has one entry per article, and rebuilding it whole took seconds."""
    domain = domain.rstrip("/")
    host = urlsplit(domain).hostname or "localhost"
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    _el(root, "id", f"{domain}/{feed_path}")
    _el(root, "title", title)
    newest = max((a.date for a in entries), default=updated)
    _el(root, "updated", _stamp(newest))
    _el(_el(root, "author"), "name", title)
    _el(root, "link", rel="self", href=f"{domain}/{feed_path}", type="application/atom+xml")
    _el(root, "link", rel="alternate", href=f"{domain}/{home_path}", type="text/html")
    head = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    known = entry_store.get_many(entry_keys)
    parts = []
    for article, key in zip(entries, entry_keys):
        data = known.get(key)
        if data is None:
            data = _entry_bytes(article, units[article.unit], domain, host, with_content)
            entry_store.put(key, data)
        parts.append(data)
    entry_store.flush()
    closing = head.rindex(b"</feed>")
    return head[:closing] + b"".join(parts) + head[closing:]


def _entry_bytes(article, unit, domain: str, host: str, with_content: bool) -> bytes:
    """One <entry>, serialised alone: its namespace is the feed's, so the declaration lxml
    repeats on a lone element is dropped."""
    entry = etree.Element(f"{{{ATOM}}}entry", nsmap={None: ATOM})
    _el(entry, "id", f"tag:{host},{article.date:%Y-%m-%d}:{article.url}")
    _el(entry, "title", article.title)
    _el(entry, "published", _stamp(article.date))
    _el(entry, "updated", _stamp(article.date))
    author = _el(entry, "author")
    _el(author, "name", str(article.author) if getattr(article, "author", None) else unit.name)
    _el(entry, "link", rel="alternate", href=f"{domain}/{article.url}", type="text/html")
    _el(entry, "category", term=unit.id, scheme=UNIT_SCHEME, label=unit.name)
    _el(entry, "category", term=article.category.name)
    for tag in getattr(article, "tags", []):
        _el(entry, "category", term=tag.name)
    _el(entry, "summary", article.source.summary, type="text")
    if with_content:
        # figures use paths relative to the article's page
        content = _el(entry, "content", str(body_html(article)), type="html")
        content.set("{http://www.w3.org/XML/1998/namespace}base", f"{domain}/{article.url}")
    return etree.tostring(entry, encoding="utf-8", pretty_print=True).replace(_NAMESPACE_DECLARATION, b"", 1)
