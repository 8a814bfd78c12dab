"""One site per unit, and the Sở portal, from articles read and rendered once.

Pelican's ArticlesGenerator reads every article and writes its page (at
``<site>bai-viet/<slug>.html``); this generator groups the published
articles by site and writes each site's home, category, tag and monthly
pages, its feed, and the portal's aggregated lists, feeds and directory.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from itertools import groupby

from pelican import signals
from pelican.generators import Generator

from article_reader import slugify
from dates import long_date, month_name, short_date
from publication import build_now

from .atom import feed_bytes

HOME_LATEST = 12


@dataclass
class Listing:
    """One list of articles with its own page(s)."""

    title: str
    path: str                 # folder under output/, '' for the root
    articles: list
    kind: str = "list"        # list | category | tag | month

    @property
    def url(self) -> str:
        return self.path


@dataclass
class Site:
    """A unit's site (or the Sở portal, id 'so') and what it lists."""

    unit: object
    parent: object | None
    articles: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    categories: list = field(default_factory=list)   # Listing
    tags: list = field(default_factory=list)
    months: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.unit.id

    @property
    def prefix(self) -> str:
        return self.unit.path_prefix

    @property
    def is_portal(self) -> bool:
        return self.unit.id == "so"

    @property
    def feed_path(self) -> str:
        return f"{self.prefix}feeds/atom.xml"


def _grouped(site: Site, folder: str, kind: str, names_of) -> list[Listing]:
    """Lists by slug: names that differ only in marks or case ("năm", "Nam") share a page."""
    groups: dict[str, tuple[dict, list]] = {}
    for article in site.articles:
        for name in names_of(article):
            slug = slugify(name)
            names, articles = groups.setdefault(slug, ({}, []))
            names[name] = names.get(name, 0) + 1
            if not articles or articles[-1] is not article:
                articles.append(article)
    listings = [Listing(max(names, key=lambda n: (names[n], n)), f"{site.prefix}{folder}/{slug}/", arts, kind)
                for slug, (names, arts) in groups.items()]
    return sorted(listings, key=lambda listing: listing.path)


def _listings(site: Site) -> None:
    site.categories = _grouped(site, "chuyen-muc", "category", lambda a: [a.category.name])
    site.tags = _grouped(site, "the", "tag", lambda a: [t.name for t in getattr(a, "tags", [])])
    site.months = []
    for (year, month), group in groupby(site.articles, key=lambda a: (a.date.year, a.date.month)):
        site.months.append(Listing(month_name(year, month), f"{site.prefix}luu-tru/{year}/{month:02d}/",
                                   list(group), "month"))


class SitesGenerator(Generator):
    def generate_context(self):
        registry = self.settings["UNIT_REGISTRY"]
        today = build_now(self.settings).date()
        units = registry.units
        articles = self.context.get("articles", [])
        sites: dict[str, Site] = {}
        for unit in units.values():
            if unit.has_own_site or unit.id == "so":
                parent_id = unit.parent_on(today)
                sites[unit.id] = Site(unit, units.get(parent_id) if parent_id else None)
        portal = sites.get("so")
        self.offices: dict[str, list] = {u.id: [] for u in units.values() if u.kind == "phong-thuoc-so"}
        self.unit_news = []
        for article in articles:  # newest first
            unit = units[article.unit]
            article.unit_info = unit
            article.site = sites.get(unit.site_id)
            article.date_text = long_date(article.date)
            if unit.has_own_site:
                sites[unit.id].articles.append(article)
                self.unit_news.append(article)
            else:
                self.offices.get(unit.id, []).append(article)
            if portal is not None and (not unit.has_own_site or article.send_to_so):
                portal.articles.append(article)
        for page in self.context.get("pages", []):
            page.unit_info = units[page.unit]
            page.site = sites.get(units[page.unit].site_id)
            if page.site is not None and page.unit == page.site.id:
                page.site.pages.append(page)
        for site in sites.values():
            site.pages.sort(key=lambda p: (p.source.fields.get("order", 0), p.title))
            _listings(site)
        self.sites = sites
        self.context["SITES"] = sites
        self.context["PORTAL"] = portal
        self.context["PROVINCE"] = registry.province
        self.context["UNITS"] = units
        self.context["BUILD_DATE"] = today
        self.directory = self._directory(registry, today)

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

    def _write(self, writer, name, template, url, **kwargs):
        writer.write_file(name, self.get_template(template), self.context, relative_urls=True,
                          template_name=template, url=url, **kwargs)

    def _write_listing(self, writer, site, listing: Listing, heading_kind: str):
        self._write(writer, f"{listing.path}index.html", "list", listing.path,
                    paginated={"articles": listing.articles}, site=site, listing=listing,
                    heading_kind=heading_kind, articles=listing.articles, page_name=f"{listing.path}index")

    def generate_output(self, writer):
        domain = self.settings["FEED_DOMAIN"]
        units = self.settings["UNIT_REGISTRY"].units
        now = build_now(self.settings)
        for site in self.sites.values():
            home = Listing(site.unit.name, site.prefix, site.articles)
            self._write(writer, f"{site.prefix}index.html", "index", site.prefix,
                        paginated={"articles": site.articles}, site=site, listing=home,
                        articles=site.articles, unit_news=self.unit_news[:8] if site.is_portal else [],
                        page_name=f"{site.prefix}index")
            for listing in site.categories:
                self._write_listing(writer, site, listing, "Chuyên mục")
            for listing in site.tags:
                self._write_listing(writer, site, listing, "Từ khóa")
            for listing in site.months:
                self._write_listing(writer, site, listing, "Lưu trữ")
            self._write(writer, f"{site.prefix}luu-tru/index.html", "archives", f"{site.prefix}luu-tru/", site=site)
            self._feed(site.feed_path, site.unit.name, site.prefix, site.articles, domain, units, now, True)
        portal = self.sites.get("so")
        if portal is None:
            return
        for office_id, articles in self.offices.items():
            office = Listing(units[office_id].name, f"{office_id}/", articles)
            self._write_listing(writer, portal, office, "Đơn vị")
            self._feed(f"{office_id}/feeds/atom.xml", units[office_id].name, f"{office_id}/",
                       articles, domain, units, now, True)
        news = Listing("Tin từ các đơn vị", "tin-don-vi/", self.unit_news)
        self._write_listing(writer, portal, news, "")
        self._write(writer, "don-vi/index.html", "directory", "don-vi/", site=portal,
                    groups=self.directory, today=now.date())
        self._feed("feeds/all.atom.xml", f"{portal.unit.name} — tin của mọi đơn vị", "",
                   self.context.get("articles", []), domain, units, now, False)

    def _feed(self, path, title, home, articles, domain, units, now, with_content):
        data = feed_bytes(title=title, feed_path=path, home_path=home, domain=domain, entries=articles,
                          units=units, updated=now, with_content=with_content)
        target = os.path.join(self.output_path, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)


_KIND_ORDER = {"phong-thuoc-so": 0, "phong-gddt": 1, "xa": 2, "don-vi-truc-thuoc": 3, "trung-tam": 4, "truong": 5}


def _generators(pelican):
    return SitesGenerator


def _filters(pelican):
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(
        {"ngay": long_date, "ngay_ngan": short_date, "slug": slugify})


def register():
    signals.initialized.connect(_filters)
    signals.get_generators.connect(_generators)
