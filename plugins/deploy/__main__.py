"""make publish: python -m deploy [--output DIR] [--root DIR]."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from deploy import DeployError, Target, publish


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", default=os.environ.get("PROVINCE_ROOT", "."))
    parser.add_argument("--output", help="default: <root>/output")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    output = Path(args.output).resolve() if args.output else root / "output"
    try:
        publish(output, root, os.environ.get("SITEURL", ""), Target.from_environment())
    except DeployError as error:
        print(error, file=sys.stderr)
        return 1
    print("Đã xuất bản: mọi trang đã chuyển sang bản mới.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
