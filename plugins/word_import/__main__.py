"""`make import DOCX=<file or folder> UNIT=<unit-id>` and `make import-pending`.

stdout has the path of each article written, one a line (what scripts read); what is
still to do, and every file refused, go to stderr.  Exit status 1 when a file was
refused (the others are still imported), 2 when nothing could be tried.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from unit_registry import load

from . import pending
from .article import Importer, UnitError, Written
from .messages import refusal
from .opening import Refused, find_soffice, is_word_file


def report(written: Written, stream) -> None:
    """The article's to-do list: the checks' lines, then the import's notes."""
    count = len(written.photos)
    things = [str(p) for p in written.problems] + [f"- {n}" for n in written.notes]
    head = f"{written.article}: {count} ảnh"
    if not things:
        print(f"{head}; các bước kiểm tra không thấy lỗi.", file=stream)
        return
    print(f"{head}; còn phải làm:", file=stream)
    for line in things:
        print(f"  {line}", file=stream)


def _documents(target: Path) -> list[Path]:
    if target.is_dir():
        return sorted((p for p in target.iterdir() if p.is_file() and is_word_file(p)), key=lambda p: p.name)
    return [target]


def run_import(root: Path, target: Path, unit_id: str) -> int:
    registry = load(root)
    try:
        importer = Importer(root, registry, unit_id, find_soffice())
    except UnitError as exc:
        print(f"UNIT={unit_id}: {exc}", file=sys.stderr)
        return 2
    if not target.exists():
        print(f"{target}: {refusal('missing')}", file=sys.stderr)
        return 2
    documents = _documents(target)
    if not documents:
        print(f"{target}: thư mục không có tệp Word nào (.docx, .docm, .odt, .doc)", file=sys.stderr)
        return 2
    refused = 0
    for shown, result in importer.import_files([(path, None, str(path)) for path in documents]):
        if isinstance(result, Refused):
            refused += 1
            print(f"{shown}: {refusal(result.key, **result.args_)}", file=sys.stderr, flush=True)
            continue
        print(result.article, flush=True)
        report(result, sys.stderr)
        sys.stderr.flush()
    if len(documents) > 1:
        print(f"Đã nhập {len(documents) - refused} trong {len(documents)} tệp Word"
              + (f"; {refused} tệp không nhập được (xem ở trên)." if refused else "."), file=sys.stderr)
    return 1 if refused else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make import", description="Chuyển tệp Word thành bài viết của một đơn vị.")
    parser.add_argument("docx", nargs="?", help="tệp Word (.docx, .docm, .odt, .doc) hoặc thư mục chứa các tệp")
    parser.add_argument("--unit", help="mã đơn vị (tên tệp trong units/, không có .yml)")
    parser.add_argument("--pending", action="store_true",
                        help="nhập mọi tệp Word đang chờ trong content/*/word/ rồi commit (dùng cho pull request)")
    parser.add_argument("--root", default=".", help="thư mục gốc của kho")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if args.pending:
        return pending.run(root, find_soffice())
    if not args.docx or not args.unit:
        print("Cách dùng: make import DOCX=<tệp hoặc thư mục Word> UNIT=<mã đơn vị>\n"
              "ví dụ:     make import DOCX=~/Tai-lieu/hoi-thi.docx UNIT=thcs-nguyen-du", file=sys.stderr)
        return 2
    return run_import(root, Path(args.docx).expanduser(), args.unit)


if __name__ == "__main__":
    sys.exit(main())
