"""What a site is made of: the unit, its parent, its articles and their lists."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Listing:
    """One list of articles with its own page(s)."""

    title: str
    path: str                 # folder under output/, '' for the root
    articles: list
    kind: str = "list"        # list | category
    section: str = ""         # a TT 37/2020 section's slug (portal_sections), "" for any other list

    @property
    def url(self) -> str:
        return self.path


@dataclass
class TagGroup:
    """A tag's articles: a section of the site's one tag page (``<site>the/``)."""

    title: str
    anchor: str               # the tag's slug: the section's id
    articles: list
    path: str                 # the tag page's folder under output/

    @property
    def url(self) -> str:
        return f"{self.path}#{self.anchor}"


@dataclass
class YearArchive:
    """A year of a site's articles on one page, by month (newest first)."""

    year: int
    path: str                 # folder under output/
    months: list              # [(month, [article, ...])]

    @property
    def url(self) -> str:
        return self.path

    @property
    def articles(self) -> list:
        return [article for _, articles in self.months for article in articles]


@dataclass
class Site:
    """A unit's site (or the Sở portal, id 'so') and what it lists."""

    unit: object
    parent: object | None
    articles: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    categories: list = field(default_factory=list)   # Listing
    tags: list = field(default_factory=list)         # TagGroup, all on one page
    years: list = field(default_factory=list)         # YearArchive
    # the TT 37/2020 sections its kind of unit has, in menu order (Tin tức - Sự kiện first),
    # each a Listing, empty ones too: the menu links every one
    sections: list = field(default_factory=list)
    pinned: list = field(default_factory=list)        # its own articles kept at the top of its home today
    # set by links.SiteMap: its public address ("https://.../", ending with "/"), and
    # whether it is served at an address of its own (a unit's url:, publishing builds)
    address: str = ""
    own_host: bool = False
    logo: str = ""  # output path of the unit's own logo file, "" for the theme's (seo.logo_of)
    library: object = None  # library.Library: its documents (the portal's: every unit's)

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
