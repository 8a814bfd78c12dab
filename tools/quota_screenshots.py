#!/usr/bin/env python3
"""The quota page and a printed quarter of `make demo`, as the PNGs in docs/ (README, docs/quota.md).

    python tools/quota_screenshots.py [--output demo/output] [--into docs]

The page at 360 px and 1280 px (headless Chromium), and the first printed page of the open quarter's
report (Chromium's PDF, turned into PNG by pdftoppm). Each is cut to its first screenfuls and saved
with a small palette, so that the repository stays light.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SHOTS = [  # (file, path, width, height kept)
    ("quota-1280.png", "quota/", 1280, 1500),
    ("quota-360.png", "quota/", 360, 1900),
    ("quota-quy-360.png", "quota/quy-2026-Q4/", 360, 1100),
]
PRINTED = ("quota-quy-in.png", "quota/quy-2026-Q4/")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _small(source: Path, target: Path, height: int | None = None) -> None:
    image = Image.open(source).convert("RGB")
    if height and image.height > height:
        image = image.crop((0, 0, image.width, height))
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


@contextlib.contextmanager
def served_browser(output: Path):
    """(address of ``output`` served on 127.0.0.1, headless Chromium): every screenshot tool's setting."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                yield f"http://127.0.0.1:{server.server_address[1]}/", browser
            finally:
                browser.close()
    finally:
        server.shutdown()


def shoot(browser, base: str, work: Path, into: Path, shots) -> None:
    """Each (file, path, width, height kept[, selector to wait for]) of ``shots`` as a small PNG in ``into``."""
    for name, path, width, height, *ready in shots:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(base + path, wait_until="load")
        if ready:
            page.wait_for_selector(ready[0])
        page.screenshot(path=str(work / name), full_page=True)
        page.close()
        _small(work / name, into / name, height)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "demo" / "output"), help="thư mục trang đã dựng của make demo")
    parser.add_argument("--into", default=str(ROOT / "docs"))
    args = parser.parse_args(argv)
    output, into = Path(args.output), Path(args.into)
    if not (output / "quota" / "index.html").is_file():
        print(f"Chưa có {output / 'quota' / 'index.html'}: chạy make demo trước.", file=sys.stderr)
        return 2
    with served_browser(output) as (base, browser), tempfile.TemporaryDirectory() as work:
        work = Path(work)
        shoot(browser, base, work, into, SHOTS)
        name, path = PRINTED
        page = browser.new_page()
        page.goto(base + path, wait_until="load")
        page.pdf(path=str(work / "quy.pdf"), prefer_css_page_size=True)
        subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", "-singlefile", str(work / "quy.pdf"),
                        str(work / "quy")], check=True)
        _small(work / "quy.png", into / name)
    for name in [shot[0] for shot in SHOTS] + [PRINTED[0]]:
        print(into / name, f"{(into / name).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
