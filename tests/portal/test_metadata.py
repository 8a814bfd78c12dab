"""The demo build as search engines, share buttons and a real host see it: Open Graph and
JSON-LD equal to each article's own data, sitemaps that name every article and only pages
that exist, robots.txt, the 404 page, and no broken link when served like real hosting."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import posixpath
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from lxml import etree, html

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _public_base(output: Path) -> str:
    """The build's public address, as its robots.txt names the sitemap index."""
    line = next(l for l in (output / "robots.txt").read_text().splitlines() if l.startswith("Sitemap:"))
    address = line.split(":", 1)[1].strip()
    assert address.endswith("/sitemap.xml")
    return address[: -len("sitemap.xml")]


def _output_file(output: Path, base: str, address: str) -> Path:
    assert address.startswith(base), address
    rel = unquote(address[len(base):])
    target = output / rel
    return target / "index.html" if rel == "" or rel.endswith("/") else target


def _articles(output: Path):
    for page in sorted(output.rglob("bai-viet/*.html")):
        tree = html.parse(str(page))
        yield page, tree


def test_open_graph_and_json_ld_are_the_articles_own(demo_output):
    base = _public_base(demo_output)
    checked = 0
    for page, tree in _articles(demo_output):
        meta = {m.get("property") or m.get("name"): m.get("content") for m in tree.iter("meta")}
        title = tree.findtext(".//h1").strip()
        address = base + page.relative_to(demo_output).as_posix()
        assert tree.find(".//link[@rel='canonical']").get("href") == address
        assert meta["og:url"] == address and meta["og:type"] == "article"
        assert meta["og:title"] == title == meta["twitter:title"]
        assert meta["og:description"] == meta["description"] == meta["twitter:description"]
        assert meta["og:image"].startswith(base) and _output_file(demo_output, base, meta["og:image"]).is_file()
        time = tree.find(".//article/p[@class='meta']/time").get("datetime")
        data = json.loads(tree.find(".//script[@type='application/ld+json']").text)
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == title
        assert data["datePublished"] == time == meta["article:published_time"]
        assert data["mainEntityOfPage"] == address
        assert data["image"] == [meta["og:image"]]
        assert data["description"] == meta["description"]
        assert data["publisher"]["name"] == tree.findtext(".//p[@class='masthead__unit']/a").strip()
        figure = tree.find(".//figure[@class='article__featured']//img")
        if figure is not None:
            assert meta["twitter:card"] == "summary_large_image"
            large = urljoin(address, figure.get("src")).rsplit(".", 2)[0]
            assert meta["og:image"].rsplit(".", 2)[0] == large  # the featured photo itself
        checked += 1
    assert checked > 30


def test_sitemaps_name_every_article_and_only_pages_that_exist(demo_output):
    base = _public_base(demo_output)
    index = etree.parse(str(demo_output / "sitemap.xml"))
    sitemaps = [loc.text for loc in index.iterfind(".//s:sitemap/s:loc", SITEMAP_NS)]
    assert base + "thcs-nguyen-du/sitemap.xml" in sitemaps
    listed: dict[str, set[str]] = {}
    for address in sitemaps:
        path = _output_file(demo_output, base, address)
        folder = posixpath.dirname(address[len(base):])
        urls = {loc.text for loc in etree.parse(str(path)).iterfind(".//s:url/s:loc", SITEMAP_NS)}
        assert urls, address
        for url in urls:
            assert _output_file(demo_output, base, url).is_file(), f"{address} names {url}, which is not built"
            # a sitemap lists only addresses under its own folder (the sitemap protocol)
            assert url.startswith(base + (folder + "/" if folder else "")), (address, url)
        listed[folder] = urls
    for page, _ in _articles(demo_output):
        rel = page.relative_to(demo_output).as_posix()
        site = rel.split("/")[0] if rel.split("/")[0] in listed and rel.split("/")[0] != "" else ""
        assert base + rel in listed[site] or base + rel in listed[""], f"{rel} is in no sitemap"
    assert base + "404.html" not in set().union(*listed.values())


def test_robots_404_favicon_and_logo(demo_output):
    robots = (demo_output / "robots.txt").read_text()
    assert "User-agent: *" in robots and "Disallow: /admin/" in robots
    page = html.parse(str(demo_output / "404.html"))
    assert page.find(".//meta[@name='robots']").get("content") == "noindex"
    assert page.findtext(".//h1") == "Không tìm thấy trang"
    # served for a missing path at any depth: every link starts at the host's root
    for element in page.iter("a", "link", "img"):
        target = element.get("href") or element.get("src")
        if target and not target.startswith(("#", "mailto:", "tel:")):
            assert target.startswith("/"), target
    home = html.parse(str(demo_output / "thcs-nguyen-du" / "index.html"))
    assert home.find(".//link[@rel='icon']").get("href").endswith("theme/img/favicon.svg")
    assert home.find(".//img[@class='masthead__logo']").get("src") == "./bieu-trung.png"
    assert (demo_output / "thcs-nguyen-du" / "bieu-trung.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    other = html.parse(str(demo_output / "th-kim-dong" / "index.html"))
    assert other.find(".//img[@class='masthead__logo']").get("src") == "../theme/img/logo.svg"  # the default
    data = json.loads(home.find(".//script[@type='application/ld+json']").text)
    assert data["name"] == "Trường THCS Nguyễn Du" and data["logo"].endswith("/thcs-nguyen-du/bieu-trung.png")


def test_footer_masthead_and_dates_readers_see(demo_output):
    portal = html.parse(str(demo_output / "index.html"))
    masthead = " ".join(portal.find(".//header[@class='masthead']").itertext())
    assert masthead.count("Sở Giáo dục và Đào tạo tỉnh Thanh Vân") == 1
    footer = " ".join(" ".join(portal.find(".//footer").itertext()).split())
    assert "Địa chỉ: Số 12 đường Lê Lợi" in footer and "Điện thoại: 0277 3 822 100" in footer
    assert "Chịu trách nhiệm nội dung: Trần Minh Khang, Giám đốc" in footer
    assert "Nhận tin mới (RSS/Atom)" in footer
    article = html.parse(str(demo_output / "thcs-nguyen-du" / "bai-viet" / "hoi-thi-gvdg.html"))
    assert article.findtext(".//p[@class='approval']").strip() == "Duyệt đăng: Nguyễn Văn Đồng Tiến, ngày 07/11/2022"
    assert article.find(".//button[@class='print-button']").text == "In bài viết"


class _Hosting(http.server.SimpleHTTPRequestHandler):
    """Like a real host: a folder without index.html is 404, never a listing."""

    def list_directory(self, path):
        self.send_error(404)
        return None

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def _hosted(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Hosting, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_crawl_of_the_demo_build_finds_no_broken_link(demo_output):
    with _hosted(demo_output) as root:
        seen, queue, broken, seen_from = {root}, [root], [], {}
        while queue:
            url = queue.pop()
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    body, kind = response.read(), response.headers.get_content_type()
            except urllib.error.HTTPError as error:
                broken.append(f"{url} ({error.code}), linked from {seen_from.get(url)}")
                continue
            if kind != "text/html":
                continue
            tree = html.fromstring(body)
            for element in tree.iter("a", "link", "img", "source", "script"):
                for attribute in ("href", "src", "srcset"):
                    value = element.get(attribute)
                    if not value:
                        continue
                    targets = [part.split()[0] for part in value.split(",")] if attribute == "srcset" else [value]
                    for target in targets:
                        address = urljoin(url, target).split("#")[0]
                        if urlsplit(address).netloc != urlsplit(root).netloc or address in seen:
                            continue
                        seen.add(address)
                        seen_from[address] = url
                        queue.append(address)
    assert len(seen) > 300
    assert not broken, "\n".join(broken[:30])



def test_the_introduction_shows_the_organisation_and_its_leaders(demo_output):
    page = html.parse(str(demo_output / "thcs-nguyen-du" / "trang" / "gioi-thieu.html"))
    facts = dict(zip([" ".join(dt.itertext()) for dt in page.iterfind(".//dl[@class='facts']/dt")],
                     [" ".join(" ".join(dd.itertext()).split()) for dd in page.iterfind(".//dl[@class='facts']/dd")]))
    assert facts["Tên đơn vị"] == "Trường THCS Nguyễn Du" and facts["Điện thoại"] == "0277 3 812 345"
    rows = [[" ".join(" ".join(cell.itertext()).split()) for cell in row] for row in page.iterfind(".//tbody/tr")]
    assert rows[0][:3] == ["Nguyễn Văn Đồng Tiến", "Hiệu trưởng", "Phụ trách chung"]
    assert "tiennvd@example.edu.vn" in rows[0][3] and rows[1][0] == "Trịnh Thị Lan"
    menu = [a.text for a in html.parse(str(demo_output / "thcs-nguyen-du" / "index.html")).iterfind(".//nav[@class='topnav']//a")]
    assert "Giới thiệu" in menu
