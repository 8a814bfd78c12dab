"""`make review BASE=<rev>`: the review report to stdout and output/review.md (see report.py).

Exit status 2 (and a message saying what to do, never a traceback) when BASE is
not a commit of this clone or git fails; 1 when the change has errors (as `make check`);
0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from publication.check import GitError

from .annotations import publish_review
from .report import make_review, render, write


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review", description="Báo cáo rà soát một thay đổi.")
    parser.add_argument("--base", help="so với nhánh hoặc commit này (ví dụ origin/main)")
    parser.add_argument("--root", default=".", help="thư mục gốc của kho nội dung")
    parser.add_argument("--output", help="tệp báo cáo (mặc định: <root>/output/review.md)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if not args.base:
        print("Cần cho biết so với đâu: make review BASE=<nhánh hoặc commit>, ví dụ make review BASE=origin/main.",
              file=sys.stderr)
        return 2
    try:
        review = make_review(root, args.base)
    except GitError as exc:
        print(f"Không lập được báo cáo rà soát so với \"{args.base}\": {exc}. Hãy kiểm tra tên nhánh/commit "
              "(ví dụ BASE=origin/main); trên CI cần tải đủ lịch sử: git fetch --unshallow "
              "(GitHub Actions: actions/checkout với fetch-depth: 0; GitLab: GIT_DEPTH: 0).", file=sys.stderr)
        return 2
    text = render(review, root)
    write(text, Path(args.output) if args.output else root / "output" / "review.md")
    sys.stdout.write(text)
    for note in publish_review(text):
        print(note, file=sys.stderr)
    return 0  # the report is made; `make check` is the gate that fails on errors


if __name__ == "__main__":
    sys.exit(main())
