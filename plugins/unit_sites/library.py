"""The documents library (văn bản, contract sections 9 and 12): each site's and the portal's.

``<site>van-ban/`` lists a site's documents newest first (the portal's: every unit's, each
naming its unit), with one pre-made page for each value of each filter (``loai/<type>/``,
``nam/<year>/``, ``noi-ban-hanh/<issuer>/``), so that filtering is following a link and
works without script; every list is paginated.  Each document has its page at its URL
(``DOCUMENT_URL``) and its attached file, copied byte for byte, beside it
(``<site>van-ban/<slug>.<extension>``: the slug is unique among the unit's documents).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from article_reader import slugify
from dates import long_date
from documents import FOLDER, day_words, size_words

FILTERS = (("loai", "Loại văn bản"), ("nam", "Năm ban hành"), ("noi-ban-hanh", "Cơ quan ban hành"))


@dataclass
class Filter:
    """One value of one filter (a type, a year, an issuer) and its own list."""

    kind: str        # "loai" | "nam" | "noi-ban-hanh"
    title: str       # as readers read it: "Công văn", "2024", "Sở Giáo dục và Đào tạo tỉnh Mẫu"
    path: str        # its folder under output/
    documents: list

    @property
    def url(self) -> str:
        return self.path

    @property
    def heading(self) -> str:
        if self.kind == "nam":
            return f"Văn bản ban hành năm {self.title}"
        if self.kind == "loai":
            return f"Văn bản loại {self.title}"
        return f"Văn bản của {self.title}"


@dataclass
class Library:
    """A site's documents and its filters (the portal's: every unit's documents)."""

    site: object
    documents: list = field(default_factory=list)
    filters: dict = field(default_factory=dict)   # kind -> [Filter]

    @property
    def path(self) -> str:
        return f"{self.site.prefix}{FOLDER}/"

    @property
    def url(self) -> str:
        return self.path


def attachment_path(document) -> str:
    """Where a document's attached file is written: beside its page, under the document's slug."""
    return f"{document.url.rsplit('/', 1)[0]}/{document.slug}.{document.info.extension}"


def prepare(document, units, sites, repo_root: str, today: dt.date) -> bool:
    """Give a published document what its pages show; False when its attached file went away
    since the checks ran (it is then left out, as a document with an error is)."""
    info = document.source.fields["document"]
    try:
        status = os.stat(os.path.join(repo_root, info.file))
    except OSError:
        return False
    unit = units[document.unit]
    document.info = info
    document.unit_info = unit
    document.site = sites.get(unit.site_id)
    document.date_text = long_date(document.date)
    document.attachment = attachment_path(document)
    document.attachment_size = size_words(status.st_size)
    document.attachment_stamp = (info.file, status.st_size, status.st_mtime_ns)
    document.days = {key: day_words(getattr(info, key)) for key in ("issued_on", "effective_on", "expires_on")}
    document.expired = bool(info.expires_on) and dt.date.fromisoformat(info.expires_on) < today
    return True


def _newest_first(documents: list) -> list:
    """By issue day, then publication time, newest first; ties by path (one order every build)."""
    documents = sorted(documents, key=lambda d: d.source.path)
    return sorted(documents, key=lambda d: (d.info.issued_on or "", d.date), reverse=True)


def library_of(site, documents: list) -> Library:
    library = Library(site, _newest_first(documents))
    groups = {kind: {} for kind, _ in FILTERS}
    for document in library.documents:
        info = document.info
        for kind, title in (("loai", info.doc_type), ("nam", str(info.year)), ("noi-ban-hanh", info.issuer)):
            slug = slugify(title)
            names, members = groups[kind].setdefault(slug, ({}, []))
            names[title] = names.get(title, 0) + 1
            members.append(document)
    for kind, by_slug in groups.items():
        made = [Filter(kind, max(names, key=lambda name: (names[name], name)), f"{library.path}{kind}/{slug}/", members)
                for slug, (names, members) in by_slug.items()]
        # years newest first; types and issuers in the order readers look them up
        made.sort(key=(lambda f: -int(f.title)) if kind == "nam" else (lambda f: slugify(f.title)))
        library.filters[kind] = made
    return library


def document_fp(pages, document) -> str:
    """Everything a document shows on its page and in a list: its file as read, its unit's
    name, its attached file (path, size, time), whether it has expired."""
    from .pages import _hash

    return _hash(pages.article_fp(document), document.attachment_stamp, document.expired)


def document_jobs(pages, site, documents):
    """Each document's page and its attached file."""
    from .pages import Job, _hash

    site_fp = pages.site_fp(site)
    for document in documents:
        yield Job(document.url, _hash(site_fp, "document", document_fp(pages, document)),
                  pages._renderer(document.url, "document", document=document, site=site))
        yield Job(document.attachment, _hash("attachment", document.attachment_stamp),
                  lambda source=document.info.file: _read(pages.settings["REPO_ROOT"], source))


def _read(repo_root: str, path: str) -> bytes:
    with open(os.path.join(repo_root, path), "rb") as handle:
        return handle.read()


def list_jobs(pages, library):
    """The library's list and every filter's list, paginated."""
    from .pages import _hash

    site = library.site
    menu = [(kind, [(f.title, f.url, len(f.documents)) for f in library.filters[kind]]) for kind, _ in FILTERS]
    base = _hash(pages.site_fp(site), "library", menu)
    for current in [None] + [f for kind, _ in FILTERS for f in library.filters[kind]]:
        documents = library.documents if current is None else current.documents
        folder = library.path if current is None else current.path
        fingerprint = _hash(base, current.path if current else "", [document_fp(pages, d) for d in documents])
        yield from pages._paginated(folder, "documents", documents, fingerprint,
                                    site=site, library=library, current=current, filters=FILTERS)
