"""Every output page as a job: a path, a fingerprint of what it shows, a renderer.

A fingerprint is a hash of everything a page displays (its articles' titles,
dates, summaries, images, content; its site's name, parent, menu; the theme
and the code).  output_sync skips a page whose fingerprint is unchanged, so
a rebuild renders only the pages that show something new.  Renders run in
worker processes (fork) when there are many.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from jinja2 import pass_context
from markupsafe import Markup
from pelican.paginator import Paginator

import output_sync
from blob_store import BlobStore
from portal_sections import PROCEDURES_FOLDER
from site_search import FOLDER as SEARCH_FOLDER
from publication import build_now

from . import library, links, seo
from .atom import entry_bytes, feed_bytes
from .model import Listing

PROCEDURES_PAGE = f"{PROCEDURES_FOLDER}index.html"  # the Sở portal's Thủ tục hành chính
PARALLEL_MIN_JOBS = 400
ENTRIES_PER_WRITE = 256  # feed entries made with article pages, stored in batches


class CardCache:
    """``card(article, show_unit, heading)`` for the list templates.

    An article appears on many lists (home, category, tags, portal);
    its card is rendered once for each way a page can link to the article's site
    (inside that site, through the one output tree, or at its address: see links.Links),
    with tokens for the page's relative roots, and each list only puts its own roots in.
    """

    # Jobs come site by site, so the cards of recent lists are what the next list needs;
    # keeping every card of a province cost a render process ~0.3 GB.
    SIZE = 4096

    def __init__(self, template):
        self.template = template
        self.cards: OrderedDict[tuple, str] = OrderedDict()

    @pass_context
    def __call__(self, context, article, show_unit: bool = False, heading: str = "h3") -> Markup:
        page_links = context["LINKS"]
        key = (id(article), bool(show_unit), heading, page_links.relation(article.site))
        html = self.cards.get(key)
        if html is None:
            parts = links.Links.for_parts(page_links.site_map, page_links.site)
            html = self.cards[key] = self.template.render(
                article=article, LINKS=parts, show_unit=show_unit, heading=heading)
            if len(self.cards) > self.SIZE:
                self.cards.popitem(last=False)
        else:
            self.cards.move_to_end(key)
        return Markup(page_links.fill(html))


_SITE_PARTS: dict[tuple[str, str], str] = {}  # emptied for each build (unit_sites.generate_context)


def forget_site_parts() -> None:
    _SITE_PARTS.clear()


@pass_context
def site_part(context, name: str, site) -> Markup:
    """``{{ site_part("_masthead", site) }}``: a part of the theme that shows only its site
    (masthead and menu, footer), the same on each of the site's pages: rendered once a
    site, with tokens for the page's relative roots replaced.  Each output expression
    of a page costs an escape; these parts were a third of them."""
    key = (name, site.id)
    page_links = context["LINKS"]
    html = _SITE_PARTS.get(key)
    if html is None:
        html = _SITE_PARTS[key] = context.environment.get_template(f"{name}.html").render(
            site=site, PROVINCE=context["PROVINCE"], LINKS=links.Links.for_parts(page_links.site_map, site))
    return Markup(page_links.fill(html))


def _hash(*parts) -> str:
    """A fingerprint of ``parts``: strings as they are (most parts are other
    fingerprints, titles or HTML, and ``repr`` of long text dominated a no-op
    rebuild), anything else by ``repr``."""
    text = "".join(f"s{len(part)}:{part}" if type(part) is str else f"r{len(r := repr(part))}:{r}"
                   for part in parts)  # each part framed by its kind and length: no two inputs alike
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass
class Job:
    path: str
    fingerprint: str
    render: Callable[[], bytes]
    # the site whose jobs are rendered by one process (its feed takes its articles' entries);
    # "" for a page of articles of every site, rendered by the build process (see render_all)
    site: str = ""
    feed: bool = False


class PageSet:
    """The jobs of one build, from a SitesGenerator's context."""

    def __init__(self, generator):
        self.generator = generator
        self.settings = generator.settings
        self.context = dict(generator.context)
        self.context["card"] = CardCache(generator.get_template("_card"))
        self.units = self.settings["UNIT_REGISTRY"].units
        self.now = build_now(self.settings)
        self.site_map = self.context["SITE_MAP"]
        self.per_page = self.settings["DEFAULT_PAGINATION"]
        addresses = self.site_map.fingerprint()
        self.global_fp = _hash(theme_fingerprint(generator), addresses, self.context["PROVINCE"].name,
                               self.per_page)
        # a feed entry shows no template: code (with the time zone: the cache folder's name) and addresses
        self.entry_fp = _hash(os.path.basename(self.settings["CACHE_PATH"]), addresses)
        self._articles: dict[int, str] = {}
        # the province's feed's entries, kept between builds
        self.feed_entries = BlobStore(os.path.join(self.settings["CACHE_PATH"], "feed-entries.sqlite"))
        self.fresh_entries: dict[str, bytes] = {}  # entries with bodies, made by article pages
        self.feeds_to_render: set[str] = set()  # sites whose own feed is rendered in this build
        self._sites: dict[str, str] = {}
        self._theme_files: list[tuple[str, bytes]] | None = None
        self.documents: dict[str, list] = defaultdict(list)  # site id -> its documents (jobs)
        self._search: dict[str, list] | None = None

    # -- fingerprints -------------------------------------------------------

    def site_fp(self, site) -> str:
        if site.id not in self._sites:
            unit, parent = site.unit, site.parent
            self._sites[site.id] = _hash(
                self.global_fp, unit.id, unit.name, unit.email, parent.name if parent else None,
                [(p.title, p.url) for p in site.pages], unit.address, unit.phone, unit.kind,
                unit.leaders, unit.approvers, site.logo)
        return self._sites[site.id]

    def article_fp(self, article) -> str:
        """Everything an article's page, card and feed entries show: its file (path and
        text: title, date, summary, body, captions, tags...), its unit's name, its pictures."""
        key = id(article)
        if key not in self._articles:
            # a consultation's card and page say whether it is still open, which turns overnight
            self._articles[key] = _hash(_content_fp(article), article.unit_info.name,
                                        getattr(article, "consultation", None))
        return self._articles[key]

    def search_items(self, site) -> list[tuple[str, str, object, str]]:
        """What the site's own search index holds (site_search): its own articles, pages and
        documents, each (output path, fingerprint, content, unit name)."""
        if self._search is None:
            self._search = defaultdict(list)
            for article in self.context.get("articles", []):
                self._search[article.site.id].append(
                    (article.url, self.article_fp(article), article, article.unit_info.name))
            for page in self.context.get("pages", []):
                if page.site is not None:
                    self._search[page.site.id].append(
                        (page.url, _hash(_content_fp(page), page.unit_info.name), page, page.unit_info.name))
            for document in self.generator.documents:  # found by their abstract (title) and summary
                if document.site is not None:
                    self._search[document.site.id].append(
                        (document.url, library.document_fp(self, document), document, document.unit_info.name))
        return self._search[site.id]

    # -- rendering ----------------------------------------------------------

    def _renderer(self, path: str, template: str, **local) -> Callable[[], bytes]:
        return lambda: render_page(self.generator, self.context, path, template, **local)

    def _entry_key(self, article, with_content: bool) -> str:
        return _hash(self.entry_fp, self.article_fp(article), with_content)

    def _article_renderer(self, article) -> Callable[[], bytes]:
        """The article's page; and its feed entries while its body is at hand.  The entry
        with the body waits in memory for the site's feed, rendered next by this process
        (entries with bodies are not stored: the bodies are, and writing them a second
        time cost more than making the few a rebuild needs); the short one, for the
        province's feed of every article, is stored."""
        def render() -> bytes:
            page = render_page(self.generator, self.context, article.url, article.template,
                               article=article, category=article.category)
            unit = self.units[article.unit]
            if article.site.id in self.feeds_to_render:
                self.fresh_entries[self._entry_key(article, True)] = entry_bytes(article, unit, self.site_map, True)
            self.feed_entries.put(self._entry_key(article, False), entry_bytes(article, unit, self.site_map, False))
            if len(self.feed_entries.pending) >= ENTRIES_PER_WRITE:
                self.feed_entries.flush()
            return page
        return render

    def _entry_parts(self, articles, with_content: bool) -> list[bytes]:
        """The feed's entries: made by the articles' pages, or stored, or made now."""
        keys = [self._entry_key(a, with_content) for a in articles]
        if with_content:  # each is taken by the one feed of its site
            found = {key: self.fresh_entries.pop(key) for key in keys if key in self.fresh_entries}
        else:
            found = self.feed_entries.get_many(keys)
        parts = []
        for article, key in zip(articles, keys):
            data = found.get(key)
            if data is None:
                data = entry_bytes(article, self.units[article.unit], self.site_map, with_content)
                if not with_content:
                    self.feed_entries.put(key, data)
            parts.append(data)
        self.feed_entries.flush()
        return parts

    def finish(self) -> None:
        """What a rendering process does when it has taken its last job."""
        self.feed_entries.flush()
        self.fresh_entries.clear()

    def _paginated(self, folder: str, template: str, articles, fp_base: str, **local):
        paginator = Paginator(f"{folder}index.html", folder, articles, self.settings, self.per_page)
        for number in range(1, paginator.num_pages + 1):
            page = paginator.page(number)
            fingerprint = _hash(fp_base, template, number, paginator.num_pages,
                                *(self.article_fp(a) for a in page.object_list))
            yield Job(page.save_as, fingerprint, self._page_renderer(paginator, page, template, articles, local))

    def _page_renderer(self, paginator, page, template, articles, local) -> Callable[[], bytes]:
        def render() -> bytes:  # neighbours made only for the pages that are rendered
            number = page.number
            previous = paginator.page(number - 1) if number > 1 else None
            following = paginator.page(number + 1) if number < paginator.num_pages else None
            return render_page(self.generator, self.context, page.save_as, template, articles=articles,
                               articles_paginator=paginator, articles_page=page,
                               articles_previous_page=previous, articles_next_page=following, **local)
        return render

    def _listing(self, site, listing, heading_kind: str):
        if listing.section:  # a TT 37 section is named alone ("Thông báo"), and says how to write in
            heading_kind = ""
        base = _hash(self.site_fp(site), listing.title, heading_kind, listing.section)
        yield from self._paginated(listing.path, "list", listing.articles, base,
                                   site=site, listing=listing, heading_kind=heading_kind)

    def _feed(self, path: str, title: str, home: str, articles, with_content: bool) -> Job:
        fingerprint = _hash(self.global_fp, title, home, with_content, *(self.article_fp(a) for a in articles))
        return Job(path, fingerprint, lambda: feed_bytes(
            title=title, feed_path=path, home_path=home, site_map=self.site_map, entries=articles,
            parts=self._entry_parts(articles, with_content)), feed=True)

    def jobs(self):
        """Site by site, so that one process renders a site's article pages and then its
        feed, which takes the entries they made: first the portal's pages that list
        articles of every site, then each unit's site (articles, pages, lists, feed),
        then the portal's own articles and the feeds of the whole province."""
        generator = self.generator
        articles, pages = defaultdict(list), defaultdict(list)
        for article in self.context.get("articles", []):
            articles[article.site.id].append(article)
        for document in generator.documents:  # a document's page is its site's, as an article's
            if document.site is not None:
                self.documents[document.site.id].append(document)
        for page in self.context.get("pages", []):
            if page.site is not None:
                pages[page.site.id].append(page)
        portal = generator.sites.get("so")
        if portal is not None:
            yield from self._portal_lists(portal)
        for site in generator.sites.values():
            if site is not portal:
                yield from self._site(site, articles[site.id], pages[site.id])
        if portal is not None:
            yield from self._site(portal, articles[portal.id], pages[portal.id], lists=False)
            yield from self._portal_feeds(portal)

    def _site(self, site, articles, pages, lists: bool = True):
        for job in self._site_jobs(site, articles, pages, lists):
            job.site = site.id
            yield job

    def _site_jobs(self, site, articles, pages, lists: bool):
        site_fp = self.site_fp(site)
        for article in articles:
            yield Job(article.url, _hash(site_fp, "article", self.article_fp(article)),
                      self._article_renderer(article))
        for page in pages:
            yield Job(page.url, _hash(site_fp, "page", _content_fp(page)),
                      self._renderer(page.url, page.template, page=page))
        yield from library.document_jobs(self, site, self.documents[site.id])
        if lists:
            yield from self._lists(site)
            yield from library.list_jobs(self, site.library)
            yield self._feed(site.feed_path, site.unit.name, site.prefix, site.articles, True)
        data = self.generator.logos.get(site.id)
        if data is not None:
            yield Job(site.logo, output_sync.digest(data), lambda: data)
        if site.own_host:
            yield from self._theme_copy(site)

    def _theme_copy(self, site):
        """A site served at its own address has the theme's files in its own folder (its pages
        link there: links.Links.asset), so the folder is whole wherever it is uploaded."""
        if self._theme_files is None:
            static = Path(self.generator.theme, "static")
            self._theme_files = [(path.relative_to(static).as_posix(), path.read_bytes())
                                 for path in sorted(static.rglob("*")) if path.is_file()]
        for relative, data in self._theme_files:
            yield Job(f"{site.prefix}{links.THEME_FOLDER}/{relative}", output_sync.digest(data),
                      lambda data=data: data)

    def _lists(self, site):
        """A site's home, categories, tags and archives."""
        generator = self.generator
        # a pinned article is at the top of the home page, not also in its list
        pinned = {id(a) for a in site.pinned}
        home = Listing(site.unit.name, site.prefix, [a for a in site.articles if id(a) not in pinned])
        unit_news = generator.unit_news[:8] if site.is_portal else []
        base = _hash(self.site_fp(site), [self.article_fp(a) for a in unit_news],
                     [self.article_fp(a) for a in site.pinned],
                     [(c.title, c.url, len(c.articles)) for c in site.categories],
                     self.context.get("SITE_STATE", {}).get(site.id))  # e.g. the quota status box
        yield from self._paginated(site.prefix, "index", home.articles, base,
                                   site=site, listing=home, unit_news=unit_news)
        for listing in site.categories:
            yield from self._listing(site, listing, "Chuyên mục")
        categories = {id(listing) for listing in site.categories}
        for listing in site.sections:  # Tin tức - Sự kiện, and the sections no article fills yet
            if id(listing) not in categories:
                yield from self._listing(site, listing, "")
        search = f"{site.prefix}{SEARCH_FOLDER}index.html"
        yield Job(search, _hash(self.site_fp(site), "search"), self._renderer(search, "search", site=site))
        if site.is_portal:
            procedures = self.context["PROVINCE"].procedures
            yield Job(PROCEDURES_PAGE, _hash(self.site_fp(site), "procedures", procedures),
                      self._renderer(PROCEDURES_PAGE, "procedures", site=site, procedures=procedures))
        if site.tags:
            path = f"{site.prefix}the/index.html"
            yield Job(path, _hash(self.site_fp(site), "tags", *(
                (tag.title, tag.anchor, *(self.article_fp(a) for a in tag.articles)) for tag in site.tags)),
                self._renderer(path, "tags", site=site))
        for archive in site.years:
            path = f"{archive.path}index.html"
            yield Job(path, _hash(self.site_fp(site), "year", *(self.article_fp(a) for a in archive.articles)),
                      self._renderer(path, "year", site=site, archive=archive))
        archives = f"{site.prefix}luu-tru/index.html"
        yield Job(archives, _hash(self.site_fp(site), "archives",
                                  [(y.year, [(m, len(a)) for m, a in y.months]) for y in site.years],
                                  [(t.title, t.url, len(t.articles)) for t in site.tags]),
                  self._renderer(archives, "archives", site=site))

    def _portal_lists(self, portal):
        generator = self.generator
        yield from self._lists(portal)
        yield from library.list_jobs(self, portal.library)  # every unit's documents
        for office_id, articles in generator.offices.items():
            yield from self._listing(portal, Listing(self.units[office_id].name, f"{office_id}/", articles), "Đơn vị")
        yield from self._listing(portal, Listing("Tin từ các đơn vị", "tin-don-vi/", generator.unit_news), "")
        today = self.now.date()
        directory_fp = _hash(self.site_fp(portal), today.isoformat(), [
            (parent.id, parent.name, [(u.id, u.name, u.email, u.retired_on) for u in children])
            for parent, children in generator.directory])
        yield self._not_found(portal)
        yield Job("don-vi/index.html", directory_fp, self._renderer(
            "don-vi/index.html", "directory", site=portal, groups=generator.directory, today=today))

    def site_files(self, page_paths: list[str]) -> list[Job]:
        """Sitemaps, robots.txt: made from the paths of the pages of this build."""
        return [Job(path, output_sync.digest(data), lambda data=data: data)
                for path, data in seo.site_files(self.site_map, self.generator.sites, page_paths)]

    def _not_found(self, portal) -> Job:
        """output/404.html, which the host serves for any missing path at any depth: its links
        start at the host's root (``/...``), where the portal is served."""
        path = "404.html"
        page_links = links.Links(self.site_map, portal, "", "")
        return Job(path, _hash(self.site_fp(portal), "404"),
                   self._renderer(path, "404", site=portal, LINKS=page_links))

    def _portal_feeds(self, portal):
        generator = self.generator
        yield self._feed(portal.feed_path, portal.unit.name, portal.prefix, portal.articles, True)
        for office_id, articles in generator.offices.items():
            yield self._feed(f"{office_id}/feeds/atom.xml", self.units[office_id].name, f"{office_id}/",
                             articles, True)
        # section 9 gives every unit a feed of its own articles, the Sở too
        own = [a for a in self.context.get("articles", []) if a.unit == "so"]
        yield self._feed("so/feeds/atom.xml", portal.unit.name, "", own, True)
        yield self._feed("feeds/all.atom.xml", f"{portal.unit.name} — tin của mọi đơn vị", "",
                         self.context.get("articles", []), False)


def render_page(generator, context: dict, path: str, template: str, **local) -> bytes:
    """One page of the theme, its links made from where it is written (links.Links)."""
    values = dict(context)
    values.update(output_file=path, LINKS=links.Links.for_page(context["SITE_MAP"], path))
    values.update(local)  # a page may bring its own LINKS (the 404 page: links from the host's root)
    return generator.get_template(template).render(values).encode("utf-8")


def theme_fingerprint(generator) -> str:
    """The theme's templates and the code: a page made by other plugins depends on both too."""
    return _hash(_theme_hash(generator.theme), os.path.basename(generator.settings["CACHE_PATH"]))


def _content_fp(content) -> str:
    """An article or page as read (the Source is made from the file's path and text alone)
    with the pictures image_assets found for it (a picture's key names its file and settings)."""
    return _hash(content.source.text_digest, *(f"{index}:{picture.source}:{picture.key}"
                                               for index, picture in sorted(content.figures.items())))


def _theme_hash(theme: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(theme, "templates").rglob("*")):
        if path.is_file():
            digest.update(path.as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# Jobs handed to forked workers: they inherit these instead of pickling closures, and
# take chunks (a site's jobs) by a shared counter.
_PENDING: list[Job] = []
_CHUNKS: list[tuple[int, int]] = []  # (start, end) in _PENDING
_NEXT = None    # multiprocessing.Value: the next chunk to take
_FINISH = None  # called by each process after its last job


def _site_chunks(jobs: list[Job], start: int, end: int) -> list[tuple[int, int]]:
    """The runs of consecutive jobs of one site in ``jobs[start:end]``."""
    chunks = []
    for index in range(start + 1, end + 1):
        if index == end or jobs[index].site != jobs[start].site:
            chunks.append((start, index))
            start = index
    return chunks


def _take_chunks(sink) -> list[str]:
    """Render chunks until none is left; the paths rendered here."""
    done = []
    while True:
        with _NEXT.get_lock():
            number = _NEXT.value
            _NEXT.value += 1
        if number >= len(_CHUNKS):
            _FINISH()
            return done
        start, end = _CHUNKS[number]
        for job in _PENDING[start:end]:
            sink.put(job.path, job.render(), job.fingerprint)
            done.append(job.path)


def _render_in_worker(_):
    sink = output_sync.sink()
    written = sink.written
    done = _take_chunks(sink)
    return {path: sink.current[path] for path in done}, sink.written - written


def render_all(generator, jobs: list[Job], sink, finish: Callable[[], None]) -> None:
    """Render the jobs; with many, this process and (cores - 1) forked ones share them.

    Every process takes the next site's jobs when it is done with one (sites
    differ in size; a site's feed is assembled from the entries its article
    pages made, in that process).  The jobs that show articles of every site (no ``site``:
    the portal's lists at the start of ``jobs``, the province's feeds at the end)
    are this process's: the lists while the others start on the sites, the feeds
    once every article's entries are made and the other processes have gone.
    """
    processes = int(generator.settings.get("RENDER_PROCESSES") or os.cpu_count() or 1)
    if processes < 2 or len(jobs) < PARALLEL_MIN_JOBS:
        for job in jobs:
            sink.put(job.path, job.render(), job.fingerprint)
        finish()
        return
    first = next((i for i, job in enumerate(jobs) if job.site), len(jobs))
    last = next((i for i in range(len(jobs), first, -1) if jobs[i - 1].site), first)
    global _PENDING, _CHUNKS, _NEXT, _FINISH
    context = multiprocessing.get_context("fork")
    _PENDING, _CHUNKS, _NEXT, _FINISH = jobs, _site_chunks(jobs, first, last), context.Value("l", 0), finish
    # the collector would otherwise write to (and so copy) every shared object;
    # nothing is unfrozen afterwards: the build ends soon after rendering
    gc.freeze()
    try:
        with context.Pool(processes - 1) as pool:
            pending = pool.map_async(_render_in_worker, range(processes - 1))
            for job in jobs[:first]:
                sink.put(job.path, job.render(), job.fingerprint)
            _take_chunks(sink)
            for records, written in pending.get():
                sink.merge(records, written, len(records))
        # the province's feeds, after every article's entries were made and the other
        # processes have gone (the province's feed alone is ~0.1 GB while it is assembled)
        for job in jobs[last:]:
            sink.put(job.path, job.render(), job.fingerprint)
        finish()
    finally:
        _PENDING, _CHUNKS, _NEXT, _FINISH = [], [], None, None
