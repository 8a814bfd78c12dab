"""Build every site into output/ atomically: a failed build leaves output/ as it was.

Pelican writes into a staging folder beside output/; only a build that
finished switches output/ (a link to the live tree, output_sync), so a reader or a
deploy never sees half a site.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))


class _PlainFormatter(logging.Formatter):
    """Problems are printed as the contract's one-line messages; other logs get their level."""

    def format(self, record):
        message = record.getMessage()
        if record.name.startswith("problems"):
            return message
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        return f"{record.levelname}: {message}"


def _freeze_contexts(generators) -> None:
    """What the generators read stays until the end: the collector need not look at it again."""
    gc.freeze()


def _prune_old_caches(cache_path: str) -> None:
    """Content caches made by other versions of the code (folders named after its hash,
    each ~0.3 GB for a province) are never read again: drop them."""
    current = Path(cache_path)
    for folder in current.parent.glob("*"):
        if folder != current and folder.is_dir() and re.fullmatch(r"[0-9a-f]{16}", folder.name):
            shutil.rmtree(folder, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    parser.add_argument("--root", help="province repository to build (default: this one)")
    parser.add_argument("--output", help="default: <root>/output")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PlainFormatter())
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, handlers=[handler], force=True)

    from pelican import Pelican, signals
    from pelican.log import console
    from pelican.settings import read_settings

    # Pelican's closing line ("Done: Processed 41 articles, 0 drafts, ...") is English and counts
    # what it read, not what was published: the Vietnamese summary below says that instead
    console.quiet = True

    # A build holds ~10^6 long-lived objects (articles, their metadata and
    # lists); with the default thresholds the collector re-scans them again and
    # again (35,000 articles, no-op rebuild: 16.4 s -> 10.6 s, same memory).
    gc.set_threshold(100_000, 50, 100)
    signals.all_generators_finalized.connect(_freeze_contexts)

    if args.root:
        os.environ["PROVINCE_ROOT"] = str(Path(args.root).resolve())
    output = Path(args.output or Path(args.root or ROOT) / "output")
    output = output.parent.resolve() / output.name  # not the link itself: it names the live tree (output_sync)
    staging = output.with_name(output.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    settings = read_settings(args.settings, override={"OUTPUT_PATH": str(staging),
                                                      "FINAL_OUTPUT_PATH": str(output)})
    try:
        Pelican(settings).run()  # output_sync commits into output/ when the run has finished
    except Exception:
        logging.getLogger("build").exception("Xây dựng trang thất bại; thư mục %s giữ nguyên như cũ.", output)
        shutil.rmtree(staging, ignore_errors=True)
        return 1
    _prune_old_caches(settings["CACHE_PATH"])
    import output_sync
    import publication
    from article_reader import pelican_reader

    stats, built = output_sync.LAST_COMMIT, publication.LAST_BUILD
    documents = f", {built['documents']} văn bản" if built.get("documents") else ""
    print(f"Đã đăng {built.get('articles', 0)} bài viết{documents} và {built.get('pages', 0)} trang tĩnh; "
          f"{built.get('errors', 0)} lỗi, {built.get('warnings', 0)} cảnh báo (xem các dòng ở trên).")
    print(f"Đã đọc {pelican_reader.READ_COUNT} tệp Markdown mới hoặc đã sửa (các tệp khác lấy từ bộ nhớ đệm); "
          f"dựng lại {stats.get('rendered', 0)} trang, ghi {stats.get('moved', 0)} tệp, "
          f"xóa {stats.get('removed', 0)} tệp cũ; {stats.get('files', 0)} tệp trong {output}.")
    import site_search

    search = site_search.LAST_INDEX
    if search.get("problem"):
        print(f"Tìm kiếm: chưa lập được chỉ mục — {search['problem']}; các trang khác vẫn được dựng. "
              "Cài Pagefind (gói pagefind[bin] trong requirements.txt) bằng: make setup")
    elif search:
        print(f"Tìm kiếm: lập chỉ mục {search['made']} trang web, giữ nguyên {search['kept']} (không đổi); "
              f"{search['pages']} bài và trang tĩnh được tìm; {search['seconds']:.2f} giây.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
