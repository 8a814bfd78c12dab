#!/usr/bin/env python3
"""A unit's documents library (van-ban/) of `make html`, as the PNGs in docs/anh/ (docs/van-ban.md).

    python tools/van_ban_screenshots.py [--output output] [--into docs/anh] [--unit thcs-nguyen-du]

The library at 360 px and 1280 px and one document's page at 360 px, in headless Chromium,
cut and saved as tools/quota_screenshots.py saves its own (a small palette: the repository stays light).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path

from quota_screenshots import CHROMIUM_ARGS, ROOT, _Quiet, _small


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "output"), help="thư mục trang đã dựng của make html")
    parser.add_argument("--into", default=str(ROOT / "docs" / "anh"))
    parser.add_argument("--unit", default="thcs-nguyen-du")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    output, into, unit = Path(args.output), Path(args.into), args.unit
    library = output / unit / "van-ban"
    if not (library / "index.html").is_file():
        print(f"Chưa có {library / 'index.html'}: chạy make html trước.", file=sys.stderr)
        return 2
    document = sorted(library.glob("*.html"))[0].name
    shots = [("van-ban-1280.png", f"{unit}/van-ban/", 1280, 1300),
             ("van-ban-360.png", f"{unit}/van-ban/", 360, 2200),
             ("van-ban-trang-360.png", f"{unit}/van-ban/{document}", 360, 1700)]
    into.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for name, path, width, height in shots:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(base + path, wait_until="load")
                page.screenshot(path=str(Path(work) / name), full_page=True)
                page.close()
                _small(Path(work) / name, into / name, height)
            browser.close()
    finally:
        server.shutdown()
    for name, *_ in shots:
        print(into / name, f"{(into / name).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
