"""Links from a page to any output path: relative where both are served from one tree,
absolute where either lives at an address of its own.

Every site's folder (``output/<unit-id>/``, the portal's at the root) is self-contained:
its pages link to their own site relative to that folder, so the folder works at
``SITEURL/<unit-id>/`` and, when the unit has its own ``url:`` in a publishing build,
at the root of that address.  A link to another site is relative to the output root
when neither site has an address of its own (one tree on one host), else absolute.

Templates name targets by their output path, the one every page, list, feed and
picture already has (``article.url``, ``listing.url``, ``"quota/"``):
``{{ href(article.url) }}``, ``{{ asset("css/site.css") }}``, ``{{ absolute(path) }}``.
"""

from __future__ import annotations

import posixpath

from jinja2 import pass_context

from output_sync import root_from

# Parts rendered once for many pages (a site's masthead, an article's card) carry these
# in place of the page's relative roots; Links.fill puts each page's own in.
SITE_ROOT_TOKEN = "\ue000site\ue001"
OUTPUT_ROOT_TOKEN = "\ue000root\ue001"
THEME_FOLDER = "theme"  # Pelican's THEME_STATIC_DIR: the portal's copy; own-address sites get one each


class SiteMap:
    """Which site serves each output path, and every site's public address."""

    def __init__(self, sites: dict, public_url: str, own_addresses: bool):
        self.public_url = public_url.rstrip("/")
        self.portal = sites.get("so")
        self.by_folder = {site.prefix[:-1]: site for site in sites.values() if site.prefix}
        for site in sites.values():
            # the portal is the tree's root, at public_url, whatever the Sở's unit file says
            site.own_host = bool(own_addresses and site.unit.url and site.prefix)
            site.address = f"{site.unit.url}/" if site.own_host else f"{self.public_url}/{site.prefix}"

    def owner(self, path: str):
        """The site whose folder holds ``path`` (None: the output root without a portal)."""
        folder, slash, _ = path.partition("/")
        return self.by_folder.get(folder, self.portal) if slash else self.portal

    def absolute(self, path: str) -> str:
        owner = self.owner(path)
        if owner is None:
            return f"{self.public_url}/{path}"
        return owner.address + path[len(owner.prefix):]

    def fingerprint(self) -> tuple:
        """What changes links on every page: the addresses."""
        sites = ([self.portal] if self.portal else []) + list(self.by_folder.values())
        return self.public_url, tuple(sorted((site.id, site.address) for site in sites))


def _prefix(site) -> str:
    return site.prefix if site is not None else ""


def _own_host(site) -> bool:
    return site is not None and site.own_host


class Links:
    """``links(path)``: the href of an output path from one page (or from a part rendered
    once for every page of a site: then with the tokens as roots, see :meth:`fill`)."""

    __slots__ = ("site_map", "site", "root", "site_root")

    def __init__(self, site_map: SiteMap, site, root: str, site_root: str):
        self.site_map = site_map
        self.site = site
        self.root = root            # from the page's folder to the output root
        self.site_root = site_root  # from the page's folder to its site's folder

    @classmethod
    def for_page(cls, site_map: SiteMap, page_path: str) -> "Links":
        site = site_map.owner(page_path)
        folder = posixpath.dirname(page_path)
        inner = folder[len(_prefix(site)):] if folder else ""
        return cls(site_map, site, root_from(folder), root_from(inner))

    @classmethod
    def for_parts(cls, site_map: SiteMap, site) -> "Links":
        return cls(site_map, site, OUTPUT_ROOT_TOKEN, SITE_ROOT_TOKEN)

    def relation(self, target_site) -> str:
        """"site", "tree" or "address": how a link to ``target_site`` is made from here."""
        if target_site is self.site:
            return "site"
        if not (_own_host(self.site) or _own_host(target_site)):
            return "tree"
        return "address"

    def __call__(self, path: str) -> str:
        owner = self.site_map.owner(path)
        relation = self.relation(owner)
        if relation == "site":
            return f"{self.site_root}/{path[len(_prefix(owner)):]}"
        if relation == "tree":
            return f"{self.root}/{path}"
        return self.site_map.absolute(path)

    def asset(self, path: str) -> str:
        """A file of the theme's static folder: the site's own copy when it has its own address."""
        prefix = _prefix(self.site) if _own_host(self.site) else ""
        return self(f"{prefix}{THEME_FOLDER}/{path}")

    def fill(self, html: str) -> str:
        """A part rendered with :meth:`for_parts`, with this page's roots."""
        if SITE_ROOT_TOKEN in html:
            html = html.replace(SITE_ROOT_TOKEN, self.site_root)
        if OUTPUT_ROOT_TOKEN in html:
            html = html.replace(OUTPUT_ROOT_TOKEN, self.root)
        return html


@pass_context
def href(context, path: str) -> str:
    return context["LINKS"](path)


@pass_context
def asset(context, path: str) -> str:
    return context["LINKS"].asset(path)


@pass_context
def absolute(context, path: str) -> str:
    return context["LINKS"].site_map.absolute(path)
