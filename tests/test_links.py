"""Links between pages and sites (unit_sites.links), in a development and a publishing build.

A site's folder must work wherever it is served: under the portal's address at
``<SITEURL>/<unit-id>/``, or at the root of the unit's own ``url:``.  So every relative
link on a unit's page stays inside its folder, or (when both ends are one tree) goes
through the output root; links to or from a site at its own address are absolute.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import etree, html

from factory import CODE_ROOT, FIXED_NOW

PORTAL = "https://so.thu-nghiem.example.vn"
OWN = "https://thcsnguyendu.example.edu.vn"   # units/thcs-nguyen-du.yml `url:`
ATOM = "{http://www.w3.org/2005/Atom}"


def _build(output: Path, settings: str) -> Path:
    env = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"), PUBLICATION_NOW=FIXED_NOW, SITEURL=PORTAL)
    proc = subprocess.run([sys.executable, str(CODE_ROOT / "tools" / "build.py"), "--settings",
                           str(CODE_ROOT / settings), "--output", str(output)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return output


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("publish") / "output", "publishconf.py")


def _links(page: Path) -> list[str]:
    tree = html.parse(str(page))
    found = [a.get("href") for a in tree.iter("a", "link") if a.get("href")]
    found += [e.get("src") for e in tree.iter("img") if e.get("src")]
    for element in tree.iter("img", "source"):
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                found.append(candidate.split()[0])
    return found


def _resolve(served_at: str, page_url_path: str, link: str) -> str:
    return urljoin(served_at + page_url_path, link)


def test_a_unit_with_its_own_address_is_a_whole_site_at_that_address(published):
    """Served alone at its own address (its folder at the root), every link of every page
    of thcs-nguyen-du leads to a file of that folder, or to another absolute address."""
    folder = published / "thcs-nguyen-du"
    assert (folder / "theme" / "css" / "site.css").is_file()
    outside = []
    for page in folder.rglob("*.html"):
        path = "/" + page.relative_to(folder).as_posix()
        for link in _links(page):
            if link.startswith(("mailto:", "tel:", "#", "https://www.facebook.com", "https://zalo.me")):
                continue
            target = urlsplit(_resolve(OWN, path, link))
            if f"{target.scheme}://{target.netloc}" != OWN:
                assert target.scheme == "https", link
                continue
            file = folder / target.path.lstrip("/")
            if target.path.endswith("/"):
                file = file / "index.html"
            if not file.is_file():
                outside.append(f"{path}: {link}")
    assert outside == []


def test_links_across_addresses_are_absolute_and_right(published):
    article = html.parse(str(published / "thcs-nguyen-du/bai-viet/hoi-thi-gvdg.html"))
    hrefs = [a.get("href") for a in article.iter("a")]
    assert f"{PORTAL}/" in hrefs                     # the breadcrumb and masthead back to the Sở
    assert "../chuyen-muc/hoat-dong-giao-duc/" in hrefs   # its own pages stay relative
    share = next(h for h in hrefs if h.startswith("https://www.facebook.com/"))
    assert "thcsnguyendu.example.edu.vn%2Fbai-viet%2Fhoi-thi-gvdg.html" in share.replace("/", "%2F")
    portal_news = [a.get("href") for a in html.parse(str(published / "tin-don-vi/index.html")).iter("a")]
    assert any(h.startswith(f"{OWN}/bai-viet/") for h in portal_news)
    # a school without an address of its own is in the portal's tree: relative
    assert any(h.startswith("../mn-hoa-sen/bai-viet/") for h in portal_news)


def test_feeds_give_each_article_its_site_address(published):
    feed = etree.parse(str(published / "thcs-nguyen-du/feeds/atom.xml")).getroot()
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{OWN}/feeds/atom.xml"
    entry = feed.find(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith(f"{OWN}/bai-viet/")
    assert entry.find(f"{ATOM}content").get("{http://www.w3.org/XML/1998/namespace}base") == link
    # the entry's id does not change with the site's address
    assert entry.findtext(f"{ATOM}id").startswith("tag:so.thu-nghiem.example.vn,")
    everything = etree.parse(str(published / "feeds/all.atom.xml")).getroot()
    links = {e.find(f"{ATOM}link").get("href") for e in everything.iter(f"{ATOM}entry")}
    assert f"{OWN}/bai-viet/hoi-thi-gvdg.html" in links
    assert any(l.startswith(f"{PORTAL}/mn-hoa-sen/bai-viet/") for l in links)


def test_development_build_links_are_relative_within_one_tree(demo_output):
    """`make html`: every site is served from one address (make serve); no unit address is used."""
    article = demo_output / "thcs-nguyen-du/bai-viet/hoi-thi-gvdg.html"
    for link in _links(article):
        assert not link.startswith("https://thcsnguyendu"), link
    assert not (demo_output / "thcs-nguyen-du/theme").exists()
    hrefs = [a.get("href") for a in html.parse(str(article)).iter("a")]
    assert "../../" in hrefs   # the portal, through the output root
    sở = [a.get("href") for a in html.parse(str(demo_output / "bai-viet/day-manh-chuyen-doi-so-trong-quan-ly-giao-duc.html")).iter("a")]
    # the Sở's articles name their unit: the portal's home, not a folder without a page
    assert "../" in sở and not {"../so/", "so/", "./so/"} & set(sở)


def test_a_published_build_never_names_localhost_or_the_build_folder(published):
    """Feeds, share links, canonical links and sitemaps of a publishing build point at
    SITEURL or a unit's `url:`: never at the development address nor at a local path."""
    build_folder = str(published.parent)
    offending = []
    for file in published.rglob("*"):
        if file.suffix in (".html", ".xml", ".txt", ".json", ".csv"):
            text = file.read_text(encoding="utf-8")
            if "localhost" in text or build_folder in text or str(CODE_ROOT) in text:
                offending.append(file.relative_to(published).as_posix())
    assert offending == []
    home = html.parse(str(published / "thcs-nguyen-du/index.html"))
    assert {a.get("href") for a in home.iter("a")} & {f"{PORTAL}/", f"{PORTAL}"}
