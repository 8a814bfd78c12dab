"""Word import part of `make bench`: `make import` of a folder of documents, timed.

    python bench/bench_word_import.py --size default|small

Writes a folder of news articles as Word users write them (tests/word_documents.py:
a bold centred title, three paragraphs, three photos each with an italic "Ảnh: ..."
caption, a byline): 50 documents (small: 10).  Each has two photos as Word keeps them
after its default compression (1600×1200) and one phone original (4000×3000, EXIF
orientation 6 and GPS).  Then times one `python -m word_import <folder> --unit <unit>`
into a fresh province repository (what `make import DOCX=<folder> UNIT=<unit>` runs),
checks that every document became an article, and writes bench/results/word-import.json
with the wall time, the CPU time of the import's processes (documents are converted in
one process per core) and the load average before the run: on a shared machine the wall
time follows the load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tests"), str(ROOT / "bench")]

from bench_images import make_photo  # noqa: E402
from factory import Province  # noqa: E402
from word_documents import news_article, save  # noqa: E402

SIZES = {"default": 50, "small": 10}
GOAL_SECONDS = 30.0


def _photos(work: Path) -> list[bytes]:
    from PIL import Image

    phone = work / "phone.jpg"
    make_photo(phone, seed=1)
    with Image.open(phone) as image:  # as Word keeps a photo after its default compression
        word = []
        for angle in (0, 90):
            path = work / f"word-{angle}.jpg"
            image.rotate(angle).resize((1600, 1200)).save(path, "JPEG", quality=85)
            word.append(path.read_bytes())
    return [word[0], word[1], phone.read_bytes()]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=SIZES, default="default")
    args = parser.parse_args()
    count = SIZES[args.size]
    with tempfile.TemporaryDirectory(prefix="bench-word-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        photos = _photos(work)
        folder = work / "bai-gui"
        for number in range(1, count + 1):
            save(news_article(number, photos), folder / f"bai-{number:02d}.docx")
        generated = time.perf_counter() - started
        province = Province(work / "repo")
        env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "word_import", str(folder), "--unit", "thcs-a",
                               "--root", str(province.root)], capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        articles = proc.stdout.split()
        if proc.returncode != 0 or len(articles) != count:
            print(proc.stderr, file=sys.stderr)
            return 1
        images = list((province.root / "content" / "thcs-a" / "images").rglob("*.jpg"))
        result = {
            "documents": count,
            "photos_per_document": 3,
            "source": "news article: bold title, 3 paragraphs, 2 photos 1600x1200 + 1 phone photo 4000x3000 "
                      "(EXIF orientation 6, GPS), italic captions, byline",
            "docx_mb_total": round(sum(p.stat().st_size for p in folder.iterdir()) / 1e6, 1),
            "articles_written": len(articles),
            "photos_written": len(images),
            "seconds": round(seconds, 2),
            "documents_per_s": round(count / seconds, 2),
            "cpu_seconds": round(cpu, 2),  # of the import's processes: what a quiet machine's cores share
            "load_average_before": round(load, 2),
            "goal_seconds": GOAL_SECONDS,
            "generate_seconds": round(generated, 2),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "note": "the machine was shared with other work while measuring",
        }
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "word-import.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"make import of {count} documents ({count * 3} photos): {seconds:.1f} s, {cpu:.1f} s of CPU "
          f"({count / seconds:.1f} documents/s; goal < {GOAL_SECONDS:.0f} s; load average before: {load:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
