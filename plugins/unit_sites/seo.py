"""What search engines, share buttons and hosting read: canonical addresses, Open Graph
and schema.org data, sitemaps, robots.txt, the unit's logo and the 404 page.

Everything is made from what the build already holds (the jobs' paths, the articles
in memory): no page is read back from output/.
"""

from __future__ import annotations

import json
import os
from xml.sax.saxutils import escape

from jinja2 import pass_context
from markupsafe import Markup

from . import links

DEFAULT_LOGO = "img/logo.svg"      # the theme's neutral logo, for a unit without `logo:`
FAVICON = "img/favicon.svg"
SITEMAP = "sitemap.xml"
PORTAL_SITEMAP = "sitemap-cong-thong-tin.xml"  # the portal's own pages (sitemap.xml is the index)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def page_path(path: str) -> str:
    """The address a page is known by: ``x/index.html`` is ``x/`` (one URL a page)."""
    if path == "index.html" or path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def logo_path(unit) -> str:
    """Where a unit's logo is written under output/: its file as it is, in its site's folder,
    beside (not among) the photos, which are re-encoded without metadata (image_assets)."""
    if not unit.logo:
        return ""
    return f"{unit.path_prefix}bieu-trung{os.path.splitext(unit.logo)[1].lower()}"


def logo_of(site) -> str:
    """The output path of a site's logo: its unit's file when there is one, else the theme's."""
    return site.logo or f"{links.THEME_FOLDER}/{DEFAULT_LOGO}"


@pass_context
def canonical(context) -> str:
    """The absolute address of the page being rendered."""
    return context["LINKS"].site_map.absolute(page_path(context["output_file"]))


@pass_context
def logo_href(context, site) -> str:
    page_links = context["LINKS"]
    return page_links(site.logo) if site.logo else page_links.asset(DEFAULT_LOGO)


@pass_context
def share_image(context, content, site) -> str:
    """The picture a share shows (absolute): the featured photo, else the site's logo."""
    site_map = context["LINKS"].site_map
    featured = getattr(content, "featured", None) if content is not None else None
    return site_map.absolute(featured["url"] if featured else logo_of(site))


def _json_ld(data: dict) -> Markup:
    # "</" never ends the script element early; "<!--" never opens a comment in it
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@pass_context
def news_article(context, article) -> Markup:
    """schema.org NewsArticle of an article page, as JSON-LD."""
    site_map = context["LINKS"].site_map
    unit = article.unit_info
    publisher = article.site
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": _plain(article.summary),
        "datePublished": article.date.isoformat(),
        "dateModified": article.date.isoformat(),
        "mainEntityOfPage": site_map.absolute(article.url),
        "url": site_map.absolute(article.url),
        "inLanguage": "vi",
        "image": [share_image(context, article, publisher)],
        "author": ({"@type": "Person", "name": str(article.author)} if getattr(article, "author", None)
                   else {"@type": "Organization", "name": unit.name}),
        "publisher": {"@type": "Organization", "name": publisher.unit.name,
                      "logo": {"@type": "ImageObject", "url": share_image(context, None, publisher)}},
        "articleSection": article.category.name,
    }
    tags = [t.name for t in getattr(article, "tags", [])]
    if tags:
        data["keywords"] = tags
    return _json_ld(data)


@pass_context
def organization(context, site) -> Markup:
    """schema.org Organization (EducationalOrganization for schools) of a site's home."""
    unit = site.unit
    data = {"@context": "https://schema.org",
            "@type": "EducationalOrganization" if unit.kind == "truong" else "GovernmentOrganization",
            "name": unit.name, "url": site.address, "logo": share_image(context, None, site)}
    if unit.email:
        data["email"] = unit.email
    if unit.phone:
        data["telephone"] = unit.phone
    if unit.address:
        data["address"] = unit.address
    return _json_ld(data)


def _plain(html: str) -> str:
    return " ".join(Markup(html or "").striptags().split())


def responsible(unit):
    """The person responsible for a site's content (NĐ 42/2022): the first leader, else
    the first approver (docs/hop-dong.md)."""
    if unit.leaders:
        return unit.leaders[0]
    return unit.approvers[0] if unit.approvers else None


# -- files for search engines and hosting ------------------------------------

def sitemap_bytes(addresses: list[str]) -> bytes:
    rows = "".join(f"<url><loc>{escape(address)}</loc></url>\n" for address in addresses)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{rows}</urlset>\n').encode()


def sitemap_index_bytes(addresses: list[str]) -> bytes:
    rows = "".join(f"<sitemap><loc>{escape(address)}</loc></sitemap>\n" for address in addresses)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{rows}'
            "</sitemapindex>\n").encode()


def robots_bytes(sitemap_address: str) -> bytes:
    # the web editor (admin/) is no page for readers
    return f"User-agent: *\nDisallow: /admin/\nAllow: /\n\nSitemap: {sitemap_address}\n".encode()


def sitemap_of(site) -> str:
    """The output path of a site's own list of pages."""
    return PORTAL_SITEMAP if site.is_portal else f"{site.prefix}{SITEMAP}"


def site_files(site_map, sites: dict, page_paths: list[str]):
    """(path, bytes) of each site's sitemap, the index, and the robots.txt files: from the
    paths of the pages this build makes (HTML only; feeds and pictures are not pages)."""
    by_site: dict[str, list[str]] = {site_id: [] for site_id in sites}
    for path in page_paths:
        if path.endswith(".html") and path != "404.html":
            owner = site_map.owner(path)
            if owner is not None:
                by_site[owner.id].append(site_map.absolute(page_path(path)))
    index = []
    for site_id, site in sites.items():
        path = sitemap_of(site)
        yield path, sitemap_bytes(sorted(by_site[site_id]))
        index.append(site_map.absolute(path))
        if site.own_host:  # its own host's root: robots.txt there names its sitemap
            yield f"{site.prefix}robots.txt", robots_bytes(site_map.absolute(path))
    yield SITEMAP, sitemap_index_bytes(index)
    yield "robots.txt", robots_bytes(f"{site_map.public_url}/{SITEMAP}")


def logo_file(content_root: str, unit) -> bytes | None:
    """The bytes of a unit's logo file; None when it names none, or its file is missing
    (the site then shows the theme's neutral logo)."""
    if not unit.logo:
        return None
    path = os.path.join(content_root, unit.id, unit.logo)
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None
