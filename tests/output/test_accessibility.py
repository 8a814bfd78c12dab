"""The demo build, seen in a real browser: axe-core finds no accessibility violation,
nothing scrolls sideways on a 360 px phone, and no page asks anything of another host.

The output folder is served on 127.0.0.1 by a local http.server thread and opened in
Debian's headless Chromium (/usr/bin/chromium) through Python playwright, which
never downloads a browser of its own here.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tooling import AXE_JS, CHROMIUM, require

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
UNIT = "thcs-nguyen-du"  # a school of the demo province with a gallery in one of its articles
PHONE_WIDTH = 360


def _pages(output: Path) -> dict[str, str]:
    """The pages checked, by name: paths relative to the output folder."""
    articles = sorted((output / UNIT / "bai-viet").glob("*.html"))
    gallery = next((p for p in articles if 'class="gallery"' in p.read_text(encoding="utf-8")), None)
    assert gallery, f"no article of {UNIT} has a gallery"
    categories = sorted(p for p in (output / UNIT / "chuyen-muc").iterdir() if (p / "index.html").is_file())
    assert categories, f"{UNIT} has no category pages"
    years = sorted(p for p in (output / UNIT / "luu-tru").iterdir() if (p / "index.html").is_file())
    assert years, f"{UNIT} has no yearly archive"
    documents = sorted((output / UNIT / "van-ban").glob("*.html"))
    assert documents, f"{UNIT} has no document in its library"
    types = sorted(p for p in (output / UNIT / "van-ban" / "loai").iterdir() if (p / "index.html").is_file())
    return {
        "portal home": "",
        "unit home": f"{UNIT}/",
        "article with a gallery": gallery.relative_to(output).as_posix(),
        "category list": categories[0].relative_to(output).as_posix() + "/",
        "archives": f"{UNIT}/luu-tru/",
        "year archive": years[-1].relative_to(output).as_posix() + "/",
        "unit directory": "don-vi/",
        "documents library": f"{UNIT}/van-ban/",
        "documents of one type": types[0].relative_to(output).as_posix() + "/",
        "document": documents[0].relative_to(output).as_posix(),
        "portal documents library": "van-ban/",
        "search with results": "tim-kiem/?q=doi+moi",
        "consultations": "chuyen-muc/lay-y-kien/",
    }


PAGE_NAMES = ["portal home", "unit home", "article with a gallery", "category list", "archives", "year archive",
              "unit directory", "documents library", "documents of one type", "document", "portal documents library",
              "search with results", "consultations"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(folder: Path):
    """The base URL of ``folder`` served on 127.0.0.1 by an http.server thread, while the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(demo_output):
    """(base URL, page paths by name) of the demo output served on 127.0.0.1."""
    with served(demo_output) as base:
        yield base, _pages(demo_output)


@pytest.fixture(scope="module")
def browser():
    require("playwright")
    require("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser, base: str, path: str, width: int):
    """A new page at ``width`` px showing ``base + path``, and the list of URLs it requested."""
    context = browser.new_context(viewport={"width": width, "height": 800}, service_workers="block")
    here = urlsplit(base).netloc
    # Nothing leaves this machine, even when a page asks for it: such requests are recorded, then aborted.
    context.route(lambda url: urlsplit(url).netloc != here, lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(base + path, wait_until="load")
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    if "tim-kiem/?q=" in path:  # the search page's results come after it has loaded
        page.wait_for_selector("#tim-kiem-ket-qua li")
    foreign = _foreign(requested + page.evaluate(RESOURCE_URLS), base)
    assert not foreign, f"/{path} loads from other hosts than 127.0.0.1: {foreign}"
    return context, page, requested


# Resources a page names but may not have fetched yet (lazy images below the fold, other srcset widths).
RESOURCE_URLS = """() => {
  const urls = [];
  for (const e of document.querySelectorAll('img[src], script[src], iframe[src], video[src], audio[src], source[src], embed[src]'))
    urls.push(e.src);
  for (const e of document.querySelectorAll('img[srcset], source[srcset]'))
    for (const part of e.srcset.split(',')) if (part.trim()) urls.push(new URL(part.trim().split(/\\s+/)[0], document.baseURI).href);
  // a canonical address names the page, it loads nothing
  for (const e of document.querySelectorAll('link[href]:not([rel~="alternate"]):not([rel~="canonical"])')) urls.push(e.href);
  return urls;
}"""


def _foreign(requested: list[str], base: str) -> list[str]:
    here = urlsplit(base).netloc
    return sorted({url for url in requested
                   if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != here})


def _describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"      {node['html'][:200]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_axe_finds_no_violation(browser, site, name):
    require("axe-core")
    base, pages = site
    context, page, requested = _open(browser, base, pages[name], 1280)
    try:
        page.add_script_tag(content=_axe_source())
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    assert not _foreign(requested, base), f"/{pages[name]} requested other hosts: {_foreign(requested, base)}"
    if result["violations"]:
        pytest.fail(f"axe-core {result['testEngine']['version']} on /{pages[name]} ({name}):\n"
                    + _describe(result["violations"]), pytrace=False)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_horizontal_scrolling_at_360_px(browser, site, name):
    base, pages = site
    context, page, requested = _open(browser, base, pages[name], PHONE_WIDTH)
    try:
        scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
        wide = page.evaluate("""(width) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .slice(0, 5).map(e => e.outerHTML.slice(0, 120))""", PHONE_WIDTH) if scroll_width > PHONE_WIDTH else []
    finally:
        context.close()
    assert not _foreign(requested, base), f"/{pages[name]} requested other hosts: {_foreign(requested, base)}"
    assert scroll_width <= PHONE_WIDTH, (
        f"/{pages[name]} ({name}) is {scroll_width} px wide at a {PHONE_WIDTH} px viewport; too wide:\n"
        + "\n".join(wide))
