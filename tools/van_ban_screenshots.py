#!/usr/bin/env python3
"""A unit's documents library (van-ban/) of `make html`, as the PNGs in docs/anh/ (docs/van-ban.md).

    python tools/van_ban_screenshots.py [--output output] [--into docs/anh] [--unit thcs-nguyen-du]

The library at 360 px and 1280 px and one document's page at 360 px, in headless Chromium,
cut and saved as tools/quota_screenshots.py saves its own (a small palette: the repository stays light).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from quota_screenshots import ROOT, served_browser, shoot


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "output"), help="thư mục trang đã dựng của make html")
    parser.add_argument("--into", default=str(ROOT / "docs" / "anh"))
    parser.add_argument("--unit", default="thcs-nguyen-du")
    args = parser.parse_args(argv)
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
    with served_browser(output) as (base, browser), tempfile.TemporaryDirectory() as work:
        shoot(browser, base, Path(work), into, shots)
    for name, *_ in shots:
        print(into / name, f"{(into / name).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
