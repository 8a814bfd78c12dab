"""One site per unit, and the Sở portal, from articles read and rendered once.

Pelican's ArticlesGenerator and PagesGenerator read every file (once, with
their content cache); this generator groups the published articles by site
and writes every page: articles at ``<site>bai-viet/<slug>.html``, each
site's home, category lists, tag page, yearly archives, static pages, feed, and the
portal's aggregated lists, feeds and directory (see pages.py).
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from pelican import signals
from pelican.generators import Generator

from article_reader import slim, slugify
from dates import long_date, month_name, short_date, written_day
from portal_sections import BY_SLUG, NEWS, NEWS_FOLDER, consultation_state, sections_of
from publication import build_now

import output_sync
import site_search

from . import library, links, seo
from .model import Listing, Site, TagGroup, YearArchive
from .pages import PageSet, forget_site_parts, render_all, site_part


def _grouped(site: Site, names_of) -> list[tuple[str, str, list]]:
    """(name, slug, articles) by slug, sorted by slug: names that differ only in marks or
    case ("năm", "Nam") are one group, under the name most used."""
    groups: dict[str, tuple[dict, list]] = {}
    for article in site.articles:
        for name in names_of(article):
            slug = slugify(name)
            names, articles = groups.setdefault(slug, ({}, []))
            names[name] = names.get(name, 0) + 1
            if not articles or articles[-1] is not article:
                articles.append(article)
    return [(_most_used(names), slug, arts) for slug, (names, arts) in sorted(groups.items())]


def _most_used(names: dict[str, int]) -> str:
    if len(names) == 1:
        return next(iter(names))
    return max(names, key=lambda name: (names[name], name))


def tag_anchor(name: str) -> str:
    """The id of a tag's section on its site's tag page (``|tu_khoa`` in templates);
    prefixed, so that no tag can take the id of the page's main content."""
    return f"tu-khoa-{slugify(name)}"


def _listings(site: Site, today: dt.date) -> None:
    site.categories = [Listing(name, f"{site.prefix}chuyen-muc/{slug}/", articles, "category",
                               slug if slug in BY_SLUG else "")
                       for name, slug, articles in _grouped(site, lambda a: [a.category.name])]
    _sections(site, today)
    # all of a site's tags on one page: a school's tag has two or three articles, and a
    # page for each was 37,000 of a province's 88,000 pages (docs/hop-dong.md)
    site.tags = [TagGroup(name, tag_anchor(name), articles, f"{site.prefix}the/")
                 for name, slug, articles in _grouped(site, lambda a: [t.name for t in getattr(a, "tags", [])])]
    # one page a year, not one a month: a school's year fits on a page, and monthly
    # pages were a fifth of a province's 107,000 pages
    site.years = [YearArchive(year, f"{site.prefix}luu-tru/{year}/",
                              [(month, list(articles)) for month, articles in groupby(group, key=lambda a: a.date.month)])
                  for year, group in groupby(site.articles, key=lambda a: a.date.year)]


def _sections(site: Site, today: dt.date) -> None:
    """The site's TT 37/2020 sections (an empty one too, so that its menu link leads to a
    page), and what its home page keeps at the top today."""
    own = {listing.section: listing for listing in site.categories if listing.section}
    kinds = sections_of(site.unit.kind)
    mine = {section.slug for section in kinds}
    # "every other article": one in a section this kind of unit lacks stays news here
    news = [a for a in site.articles if slugify(a.category.name) not in mine]
    site.sections = [Listing(NEWS, f"{site.prefix}{NEWS_FOLDER}", news, "section", "tin-tuc-su-kien")]
    site.sections += [own.get(s.slug) or Listing(s.name, f"{site.prefix}chuyen-muc/{s.slug}/", [], "category", s.slug)
                      for s in kinds]
    # pinned until the end of pinned_until in the province's zone (``today`` is the build's
    # day there): the nightly rebuild lets it fall back into the lists.  Only the site's own
    # articles: a school's announcement sent to the Sở is pinned on the school's home.
    day = today.isoformat()
    site.pinned = [a for a in site.articles if a.site is site
                   and (a.source.fields.get("pinned_until") or "") >= day]


class SitesGenerator(Generator):
    def generate_context(self):
        forget_site_parts()  # a site's name, parent or pages may differ from a build before
        registry = self.settings["UNIT_REGISTRY"]
        today = build_now(self.settings).date()
        units = registry.units
        articles = self.context.get("articles", [])
        # newest first; ties by path, so that every build lists them in one order (two stable sorts)
        articles.sort(key=lambda a: a.source.path)
        articles.sort(key=lambda a: a.date, reverse=True)
        sites: dict[str, Site] = {}
        for unit in units.values():
            if unit.has_own_site or unit.id == "so":
                parent_id = unit.parent_on(today)
                sites[unit.id] = Site(unit, units.get(parent_id) if parent_id else None)
        portal = sites.get("so")
        self.offices: dict[str, list] = {u.id: [] for u in units.values() if u.kind == "phong-thuoc-so"}
        self.unit_news = []
        for article in articles:  # newest first
            slim(article)  # every check has run
            unit = units[article.unit]
            article.unit_info = unit
            article.site = sites.get(unit.site_id)
            article.date_text = long_date(article.date)
            article.consultation = consultation_state(article.source.fields.get("deadline"), today)
            if unit.has_own_site:
                sites[unit.id].articles.append(article)
                self.unit_news.append(article)
            else:
                self.offices.get(unit.id, []).append(article)
            if portal is not None and (not unit.has_own_site or article.send_to_so):
                portal.articles.append(article)
        for page in self.context.get("pages", []):
            slim(page)
            page.unit_info = units[page.unit]
            page.site = sites.get(units[page.unit].site_id)
            if page.site is not None and page.unit == page.site.id:
                page.site.pages.append(page)
        self.logos: dict[str, bytes] = {}  # site id -> its unit's logo file, written at site.logo
        for site in sites.values():
            data = seo.logo_file(self.settings["PATH"], site.unit)
            if data is not None:
                site.logo, self.logos[site.id] = seo.logo_path(site.unit), data
        for site in sites.values():
            site.pages.sort(key=lambda p: (p.source.fields.get("order", 0), p.title))
            _listings(site, today)
        self._documents(sites, units, today)
        self.sites = sites
        self.context["SITES"] = sites
        self.context["SITE_MAP"] = links.SiteMap(sites, self.settings["PUBLIC_URL"],
                                                 self.settings.get("UNIT_ADDRESSES", False))
        self.context["PORTAL"] = portal
        self.context["PROVINCE"] = registry.province
        self.context["UNITS"] = units
        self.context["BUILD_DATE"] = today
        # what other plugins show on a site's home page (the quota box), by site id:
        # part of the home page's fingerprint
        self.context.setdefault("SITE_STATE", {})
        self.directory = self._directory(registry, today)

    def _documents(self, sites, units, today: dt.date) -> None:
        """Each site's library of its own documents; the portal's holds every unit's."""
        documents = []
        for document in self.context.get("documents", []):
            slim(document)
            if library.prepare(document, units, sites, self.settings["REPO_ROOT"], today):
                documents.append(document)
        self.documents = documents
        own = {site_id: [] for site_id in sites}
        for document in documents:
            if document.site is not None:
                own[document.site.id].append(document)
        for site in sites.values():
            site.library = library.library_of(site, documents if site.is_portal else own[site.id])

    def _directory(self, registry, today: dt.date):
        """Units grouped under their current parent, the Sở's direct children first."""
        units = registry.units
        groups = []
        top = sorted(registry.children("so", today), key=lambda u: (_KIND_ORDER.get(u.kind, 9), u.name))
        groups.append((units.get("so"), top))
        for unit in top:
            children = sorted(registry.children(unit.id, today), key=lambda u: u.name)
            if children:
                groups.append((unit, children))
        return groups

    # -- output -------------------------------------------------------------

    def generate_output(self, writer):
        """Every page and feed of every site, through output_sync.

        Pelican's own generators write nothing (their *_SAVE_AS are empty):
        each page here has a fingerprint of everything it shows, and a page
        whose fingerprint is the last build's is neither rendered nor written.
        """
        pages = PageSet(self)
        sink = output_sync.sink()
        jobs = list(pages.jobs())
        jobs += pages.site_files([job.path for job in jobs])  # sitemaps from every page's path
        todo = [job for job in jobs if not sink.unchanged(job.path, job.fingerprint)]
        pages.feeds_to_render = {job.site for job in todo if job.feed and job.site}
        render_all(self, todo, sink, pages.finish)
        site_search.index_sites(self.sites, pages.search_items, sink, self.settings)


_KIND_ORDER = {"phong-thuoc-so": 0, "phong-gddt": 1, "xa": 2, "don-vi-truc-thuoc": 3, "trung-tam": 4, "truong": 5}


def _generators(pelican):
    return SitesGenerator


def _hand_over_articles(generator):
    """The context keeps the published articles; Pelican's own writing loops get nothing.

    Every page is written by SitesGenerator (fingerprints, output_sync); left
    with its lists, ArticlesGenerator would still format a URL per article
    and per tag only to find that nothing is to be saved.
    """
    generator.handed_over = generator.articles
    generator.articles = []
    generator.translations, generator.hidden_articles, generator.hidden_translations = [], [], []
    generator.drafts, generator.drafts_translations = [], []
    generator.tags, generator.categories, generator.authors = {}, [], []
    generator.period_archives = {}


def _hand_over_pages(generator):
    generator.handed_over = generator.pages
    generator.pages, generator.hidden_pages, generator.draft_pages = [], [], []


def _take_back_articles(generator, writer):
    """After Pelican's (empty) writing pass: its closing "Processed N articles" counts them."""
    generator.articles = generator.handed_over


def _take_back_pages(generator, writer):
    generator.pages = generator.handed_over


def _template_functions(pelican):
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(
        {"ngay": long_date, "ngay_ngan": short_date, "ngay_ghi": written_day, "thang": month_name, "slug": slugify,
         "tu_khoa": tag_anchor})
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(
        {"site_part": site_part, "href": links.href, "asset": links.asset, "absolute": links.absolute,
         "canonical": seo.canonical, "share_image": seo.share_image, "logo_href": seo.logo_href,
         "news_article": seo.news_article, "organization": seo.organization, "responsible": seo.responsible})


def register():
    signals.initialized.connect(_template_functions)
    signals.get_generators.connect(_generators)
    signals.article_generator_finalized.connect(_hand_over_articles)
    signals.page_generator_finalized.connect(_hand_over_pages)
    signals.article_writer_finalized.connect(_take_back_articles)
    signals.page_writer_finalized.connect(_take_back_pages)
