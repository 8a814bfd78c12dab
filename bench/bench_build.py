"""Build benchmark: our sites vs plain Pelican on the same synthetic articles, in one run.

    python bench/bench_build.py --size default|small [--work DIR] [--skip-baseline]

Scenarios, each a fresh process (peak memory: Pss of the whole process tree, sampled):
cold full build (content cache and output removed; the image cache is warmed
first, because images are measured by bench_images.py), no-op rebuild, one
article changed, one unit added; and plain Pelican (python-markdown, default
theme, one site) on the same articles.  After the one-article change, the
output is compared byte for byte with a clean build.  Writes
bench/results/build-<size>.json.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from synth import generate, unit_yaml  # noqa: E402

SIZES = {"default": (700, 35000), "small": (60, 2000)}
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BASELINE_CONF = """\
SITENAME = "Baseline"
PATH = "content"
TIMEZONE = "Asia/Ho_Chi_Minh"
STATIC_PATHS = ["images"]
ARTICLE_TRANSLATION_ID = None
"""


def _tree_memory_kb(root_pid: int) -> int:
    """Proportional set size (Pss) of a process and all its descendants, in KB.

    Pss shares each copy-on-write page among the processes that map it, so
    forked workers are not counted as copies of their parent.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total += next(int(l.split()[1]) for l in handle if l.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
        stack.extend(children.get(pid, []))
    return total


def run(args: list[str], cwd: Path | None = None, env: dict | None = None) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_memory_kb(proc.pid))
            time.sleep(0.5)  # reading smaps_rollup of a large process costs CPU: sample sparingly

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{out}\n{err}")
    return {"seconds": round(seconds, 2), "peak_mb": round(peak[0] / 1024, 1), "stdout": out.strip().splitlines()[-1:]}


def build(province: Path, output: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), PUBLICATION_NOW="2026-11-20T12:00:00+07:00")
    return run([PYTHON, str(ROOT / "tools" / "build.py"), "--root", str(province), "--output", str(output)], env=env)


def set_aside(path: Path, trash: Path) -> None:
    """Move ``path`` out of the way, to be deleted after the measured build.  Deleting a
    province's output (60,000-100,000 files) right before a build slowed the build's
    own file creation by up to 10x on this machine's disk (ext4, online discard), more
    for whichever build came first: a cold build is measured from a settled disk."""
    if path.exists():
        trash.mkdir(parents=True, exist_ok=True)
        os.rename(path, trash / f"{len(list(trash.iterdir()))}-{path.name}")


def empty(trash: Path) -> None:
    shutil.rmtree(trash, ignore_errors=True)
    os.sync()
    time.sleep(30)  # the disk's discards of the freed blocks run after the deletion returns


def same_tree(left: Path, right: Path) -> bool:
    files = lambda folder: sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    if files(left) != files(right):
        return False
    return all(filecmp.cmp(left / p, right / p, shallow=False) for p in files(left))


def machine() -> dict:
    model = ""
    try:
        model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
    return {"cpus": os.cpu_count(), "cpu": model, "memory_gb": round(int(memory) / 1024 / 1024, 1),
            "python": platform.python_version(), "load_at_start": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=SIZES, default="default")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "edu-portal-bench")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    units, articles = SIZES[args.size]
    work = args.work / args.size
    print(f"Tạo tỉnh giả lập: {units} đơn vị, {articles} bài trong {work} ...", flush=True)
    generate(work, units, articles)
    province, output = work / "province", work / "output"
    results: dict = {"size": args.size, "units": units, "articles": articles, "machine": machine()}

    build(province, output)  # warms the image cache: images are bench_images.py's part
    trash = work / "trash"
    set_aside(output, trash)
    for stale in province.glob("cache/*"):
        if stale.name != "images":
            set_aside(stale, trash)
    os.sync()  # the warm-up build's pages are on disk, not being written during the measured one
    results["cold"] = build(province, output)
    empty(trash)
    results["noop"] = build(province, output)
    all_articles = sorted((province / "content").rglob("*.md"))
    article = all_articles[len(all_articles) // 2]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\n\n", "\n\nMột câu mới được thêm vào bài.\n\n", 1), encoding="utf-8")
    results["one_article"] = build(province, output)
    results["identical_to_clean_build"] = same_tree(output, _clean_build(province, work))
    new_unit = province / "units" / "truong-moi.yml"
    new_unit.write_text(unit_yaml("truong-moi", "Trường Tiểu học Mới", "truong", "phong-gddt-1"), encoding="utf-8")
    first = sorted((province / "content").rglob("*.md"))[0]
    target = province / "content" / "truong-moi" / "2026" / "bai-dau-tien.md"
    target.parent.mkdir(parents=True)
    (province / "content" / "truong-moi" / "images").mkdir()
    for image in (first.parent.parent / "images").glob("*.jpg"):
        os.link(image, province / "content" / "truong-moi" / "images" / image.name)
    target.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    results["add_unit"] = build(province, output)

    if not args.skip_baseline:
        conf = work / "baseline" / "pelicanconf.py"
        conf.write_text(BASELINE_CONF, encoding="utf-8")
        set_aside(work / "baseline" / "output", trash)  # Pelican too starts from no output
        os.sync()
        results["pelican_baseline"] = run([str(ROOT / ".venv" / "bin" / "pelican"), "content", "-s", str(conf),
                                           "-o", str(work / "baseline" / "output"), "-q"], cwd=work / "baseline")
        ours = articles / results["cold"]["seconds"]
        theirs = articles / results["pelican_baseline"]["seconds"]
        results["ratio_articles_per_s_vs_pelican"] = round(ours / theirs, 2)
        results["ratio_peak_memory_vs_pelican"] = round(
            results["cold"]["peak_mb"] / max(results["pelican_baseline"]["peak_mb"], 1), 2)
        empty(trash)

    print(f"\n{'kịch bản':<24}{'giây':>9}{'bộ nhớ MB':>12}")
    for key in ("cold", "noop", "one_article", "add_unit", "pelican_baseline"):
        if key in results:
            print(f"{key:<24}{results[key]['seconds']:>9.2f}{results[key]['peak_mb']:>12.1f}")
    for key in ("ratio_articles_per_s_vs_pelican", "ratio_peak_memory_vs_pelican", "identical_to_clean_build"):
        if key in results:
            print(f"{key}: {results[key]}")
    (HERE / "results").mkdir(exist_ok=True)
    target = HERE / "results" / f"build-{args.size}.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\n→ {target}")


def _clean_build(province: Path, work: Path) -> Path:
    clean = work / "clean-output"
    shutil.rmtree(clean, ignore_errors=True)
    build(province, clean)
    return clean


if __name__ == "__main__":
    main()
