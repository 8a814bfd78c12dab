#!/usr/bin/env python3
"""A school's home page with a pinned announcement, and the portal's search page with the
results of "doi moi", as the PNGs in docs/anh/ (README).

    python tools/section_screenshots.py [--output output] [--into docs/anh]

Build first with the demo's clock (the announcement of th-kim-dong is pinned until 01/01/2027):
    PUBLICATION_NOW=2026-11-20T12:00:00+07:00 make html
At 360 px and 1280 px in headless Chromium, each cut to its first screenfuls, small palette
(tools/quota_screenshots.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from quota_screenshots import served_browser, shoot

ROOT = Path(__file__).resolve().parent.parent
SHOTS = [  # (file, path, width, height kept, what to wait for)
    ("truong-ghim-thong-bao-1280.png", "th-kim-dong/", 1280, 1100, ".pinned"),
    ("truong-ghim-thong-bao-360.png", "th-kim-dong/", 360, 1400, ".pinned"),
    ("tim-kiem-1280.png", "tim-kiem/?q=doi+moi", 1280, 1300, "#tim-kiem-ket-qua li"),
    ("tim-kiem-360.png", "tim-kiem/?q=doi+moi", 360, 1600, "#tim-kiem-ket-qua li"),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "output"), help="thư mục trang đã dựng")
    parser.add_argument("--into", default=str(ROOT / "docs" / "anh"))
    args = parser.parse_args(argv)
    output, into = Path(args.output), Path(args.into)
    if not (output / "tim-kiem" / "pagefind").is_dir():
        print(f"Chưa có chỉ mục tìm kiếm trong {output}: chạy make html trước.", file=sys.stderr)
        return 2
    into.mkdir(parents=True, exist_ok=True)
    with served_browser(output) as (base, browser), tempfile.TemporaryDirectory() as work:
        shoot(browser, base, Path(work), into, SHOTS)
    for name, *_ in SHOTS:
        print(into / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
