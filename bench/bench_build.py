"""Build benchmark: what users run, against plain Pelican and Hugo on the same articles, in one run.

    python bench/bench_build.py --size default|small [--shapes default,many-small,...] [--work DIR]

For each shape, a synthetic province (bench/synth.py: no images unless the shape
says so, two tags each) is committed into a git repository together with this
project's code, as a Sở's fork would hold it.  Then, each a separate ``make html``
process (peak memory: Pss of the whole process tree, sampled):

* ``cold``: a fresh clone, no ``cache/``, no ``output/``, nothing run before;
* ``ci_cache``: another fresh clone with the cold run's ``cache/`` copied in, as a CI
  cache restores it (its size is reported), no ``output/``;
* ``noop``: the same clone again;
* ``one_article``: one article edited and committed; the output is then compared byte
  for byte with a clean build of that commit (a third fresh clone);
* ``pelican``: plain Pelican (python-markdown, default theme, one site) and ``hugo``
  (Hugo from Debian, a minimal theme with lists, taxonomies and feeds) on the same
  articles, tags, categories and authors.

Writes bench/results/build-<shape>.json (with the machine's description) and prints
a table; ``--size small`` is the everyday preset (2,000 articles).
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

from synth import generate  # noqa: E402

# name: (units, articles, images)
SHAPES = {
    "default": (700, 35_000, False),
    "many-small": (1000, 35_000, False),
    "few-big": (100, 35_000, False),
    "three-years": (700, 105_000, False),
    "default-images": (700, 35_000, True),
    "small": (60, 2_000, False),
}
PRESETS = {"default": ["default", "many-small", "few-big", "three-years", "default-images"], "small": ["small"]}
VENV = ROOT / ".venv"
NOW = "2026-11-20T12:00:00+07:00"
BASELINE_CONF = """\
SITENAME = "Baseline"
PATH = "content"
TIMEZONE = "Asia/Ho_Chi_Minh"
STATIC_PATHS = ["images"]
ARTICLE_TRANSLATION_ID = None
"""
GIT_ENV = {"GIT_AUTHOR_NAME": "Văn phòng Sở", "GIT_AUTHOR_EMAIL": "vp@example.edu.vn",
           "GIT_COMMITTER_NAME": "Văn phòng Sở", "GIT_COMMITTER_EMAIL": "vp@example.edu.vn"}


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
        raise SystemExit(f"failed: {' '.join(args)}\n{out[-3000:]}\n{err[-3000:]}")
    last = [line for line in (out + err).strip().splitlines() if line.strip()][-1:]
    return {"seconds": round(seconds, 2), "peak_mb": round(peak[0] / 1024, 1), "last_line": last}


def git(repo: Path, *args: str, when: str = "2026-11-19T17:00:00+07:00") -> str:
    env = dict(os.environ, **GIT_ENV, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def province_repository(generated: Path, repo: Path) -> None:
    """The project's code (as committed or edited in this checkout) with the synthetic
    units/ and content/ in place of the demo's: a province's repository."""
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            check=True, capture_output=True).stdout.decode().split("\0")
    for rel in listed:
        if not rel or rel.split("/")[0] in ("units", "content") or not (ROOT / rel).is_file():
            continue
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, repo / rel)
    shutil.move(str(generated / "units"), repo / "units")
    shutil.move(str(generated / "content"), repo / "content")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Tỉnh giả lập")


def clone(repo: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(repo), str(target)], check=True)
    return target


def make_html(checkout: Path) -> dict:
    """`make html` as a user runs it, with this checkout's virtual environment (its creation
    is setup, not build time)."""
    env = dict(os.environ, PUBLICATION_NOW=NOW)
    env.pop("PYTHONPATH", None)
    return run(["make", "-s", "-C", str(checkout), "html", f"VENV={VENV}"], env=env)


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def same_tree(left: Path, right: Path) -> bool:
    files = lambda folder: sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    if files(left) != files(right):
        return False
    return all(filecmp.cmp(left / p, right / p, shallow=False) for p in files(left))


def settle(trash: list[Path]) -> None:
    """Delete what the last scenario left, then let the disk settle: deleting 60,000+
    files just before a build slowed the build's own file creation by up to 10x on this
    machine's disk (ext4, online discard)."""
    for path in trash:
        shutil.rmtree(path, ignore_errors=True)
    trash.clear()
    os.sync()
    time.sleep(20)


def machine() -> dict:
    model = ""
    try:
        model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[:2] \
        if shutil.which("hugo") else ["missing"]
    return {"cpus": os.cpu_count(), "cpu": model, "memory_gb": round(int(memory) / 1024 / 1024, 1),
            "python": platform.python_version(), "hugo": " ".join(hugo), "load_at_start": os.getloadavg()[0]}


def edit_one_article(checkout: Path) -> str:
    articles = sorted((checkout / "content").rglob("*.md"))
    article = articles[len(articles) // 2]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\n\n", "\n\nMột câu mới được thêm vào bài.\n\n", 1), encoding="utf-8")
    git(checkout, "commit", "-q", "-am", "Sửa một bài", when="2026-11-20T09:00:00+07:00")
    return article.relative_to(checkout).as_posix()


def bench_shape(name: str, work: Path, baselines: bool) -> dict:
    units, articles, images = SHAPES[name]
    folder = work / name
    print(f"== {name}: {units} đơn vị, {articles} bài, {'có' if images else 'không có'} ảnh", flush=True)
    generate(folder / "generated", units, articles, images=images)
    repo = folder / "repo"
    province_repository(folder / "generated" / "province", repo)
    results: dict = {"shape": name, "units": units, "articles": articles, "images": images, "machine": machine()}
    trash: list[Path] = []
    settle(trash)

    cold = clone(repo, folder / "cold")
    results["cold"] = make_html(cold)
    results["cache_mb"] = folder_mb(cold / "cache")
    results["output_files"] = sum(1 for p in (cold / "output").rglob("*") if p.is_file())
    ci = clone(repo, folder / "ci")
    shutil.copytree(cold / "cache", ci / "cache", symlinks=True)
    trash.append(cold)
    settle(trash)
    results["ci_cache"] = make_html(ci)
    results["noop"] = make_html(ci)
    results["edited"] = edit_one_article(ci)
    results["one_article"] = make_html(ci)
    clean = clone(ci, folder / "clean")
    make_html(clean)
    results["identical_to_clean_build"] = same_tree((ci / "output").resolve(), (clean / "output").resolve())
    trash += [ci, clean]
    settle(trash)

    if baselines:
        generated = folder / "generated"
        (generated / "baseline" / "pelicanconf.py").write_text(BASELINE_CONF, encoding="utf-8")
        results["pelican"] = run([str(VENV / "bin" / "pelican"), "content", "-s", "pelicanconf.py",
                                  "-o", "output", "-q"], cwd=generated / "baseline")
        trash.append(generated / "baseline" / "output")
        settle(trash)
        if shutil.which("hugo"):
            results["hugo"] = run(["hugo", "--quiet", "-s", str(generated / "hugo"), "-d", "public"])
            trash.append(generated / "hugo" / "public")
        for other in ("pelican", "hugo"):
            if other in results:
                results[f"speed_vs_{other}"] = round(results[other]["seconds"] / results["cold"]["seconds"], 2)
                results[f"memory_vs_{other}"] = round(results["cold"]["peak_mb"] / max(results[other]["peak_mb"], 1), 2)
    shutil.rmtree(folder, ignore_errors=True)
    return results


def table(all_results: list[dict]) -> str:
    rows = ["| kịch bản | " + " | ".join(r["shape"] for r in all_results) + " |",
            "|---|" + "---:|" * len(all_results)]
    def cell(r, key):
        return f"{r[key]['seconds']:.1f} s, {r[key]['peak_mb']:.0f} MB" if key in r else "–"
    for key, label in (("cold", "dựng lần đầu (bản sao mới)"), ("ci_cache", "có bộ nhớ đệm CI"),
                       ("noop", "không đổi gì"), ("one_article", "sửa một bài"),
                       ("pelican", "Pelican thuần"), ("hugo", "Hugo")):
        rows.append(f"| {label} | " + " | ".join(cell(r, key) for r in all_results) + " |")
    for key, label in (("speed_vs_pelican", "nhanh hơn Pelican"), ("speed_vs_hugo", "nhanh hơn Hugo"),
                       ("memory_vs_pelican", "bộ nhớ so với Pelican"), ("cache_mb", "bộ nhớ đệm (MB)"),
                       ("identical_to_clean_build", "giống lần dựng sạch")):
        rows.append(f"| {label} | " + " | ".join(str(r.get(key, "–")) for r in all_results) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=PRESETS, default="default")
    parser.add_argument("--shapes", help="comma-separated, instead of the preset: " + ", ".join(SHAPES))
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "edu-portal-bench")
    parser.add_argument("--skip-baselines", action="store_true")
    args = parser.parse_args()
    shapes = args.shapes.split(",") if args.shapes else PRESETS[args.size]
    all_results = []
    (HERE / "results").mkdir(exist_ok=True)
    for name in shapes:
        results = bench_shape(name, args.work, baselines=not args.skip_baselines)
        target = HERE / "results" / f"build-{name}.json"
        target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(json.dumps({k: v for k, v in results.items() if k != "machine"}, ensure_ascii=False), flush=True)
        all_results.append(results)
    print("\n" + table(all_results))


if __name__ == "__main__":
    main()
