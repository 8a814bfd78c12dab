"""`make quota`: print the quota table and write output/quota/quota.{json,csv,xlsx}.

    python -m quota [--as-of YYYY-MM-DD] [--root DIR] [--output DIR]

Exit status 2 (with a message saying how to fix it) when the folder is not a
git repository or is a shallow clone: the count would silently be wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from . import requested_as_of
from .history import GitError, load_history
from .outputs import terminal_table, write_files
from .report import ReportCache, build_report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quota", description="Tính định mức đăng bài từ lịch sử git.")
    parser.add_argument("--as-of", help="tính đến hết ngày này (YYYY-MM-DD); mặc định: hôm nay theo giờ của tỉnh")
    parser.add_argument("--root", default=".", help="thư mục gốc của kho nội dung")
    parser.add_argument("--output", help="thư mục đầu ra (mặc định: <root>/output); các tệp nằm trong <output>/quota/")
    parser.add_argument("--timings", action="store_true", help="in thời gian từng bước (ra stderr)")
    parser.add_argument("--no-cache", action="store_true", help="không dùng bộ nhớ đệm cache/quota/")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    try:
        as_of = requested_as_of(args.as_of)
    except ValueError:
        print(f"Ngày \"{args.as_of or os.environ.get('AS_OF')}\" không đúng dạng năm-tháng-ngày, "
              "ví dụ AS_OF=2023-01-20.", file=sys.stderr)
        return 2
    clock = [time.perf_counter()]

    def lap(name):
        now = time.perf_counter()
        if args.timings:
            print(f"[thời gian] {name}: {now - clock[0]:.2f} s", file=sys.stderr)
        clock[0] = now

    try:
        history = load_history(root, use_cache=not args.no_cache)
    except GitError as exc:
        print(f"Không tính được định mức: {exc}", file=sys.stderr)
        return 2
    lap("lịch sử git")
    registry = history.latest_registry()
    if registry is None:  # no commit has a units/ file: the files on disk say who the units are
        import unit_registry

        registry = unit_registry.load(root)
    if as_of is None:
        as_of = dt.datetime.now(registry.province.zone).date()
    report = build_report(history, as_of, registry, ReportCache(root))
    lap("tính định mức")
    folder = write_files(report, Path(args.output or root / "output") / "quota")
    lap("ghi quota.json/csv/xlsx")
    print(terminal_table(report))
    print(f"Đã ghi {folder / 'quota.json'}, quota.csv, quota.xlsx (năm học hiện tại; các năm học trước: quota-<năm học>.xlsx)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
