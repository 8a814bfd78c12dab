"""Benchmark of `python -m quota` on a synthetic history made with `git fast-import`.

    python bench/bench_quota.py --size default|small

default: 5 school years, 700 units, 150,000 article commits; small: 50 units,
5,000 commits.  Some articles arrive through --no-ff merges, some are edited,
renamed, set back to draft or deleted, and unit files change now and then.
The repository is made under bench/work/ (git-ignored), never committed.
Measures a cold run (no cache) and an incremental run (one new commit on top
of a cached run); prints a table and writes bench/results/quota.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"default": (700, 150_000), "small": (50, 5_000)}
ZONE = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2021, 9, 1, 8, 0, tzinfo=ZONE)
END = dt.datetime(2026, 8, 31, 17, 0, tzinfo=ZONE)

PROVINCE = """\
name: Sở Giáo dục và Đào tạo tỉnh Đo Đạc
timezone: Asia/Ho_Chi_Minh
quota_start: 2021-09-06
school_year:
  semester1_start: "09-05"
  semester2_start: "01-15"
  end: "05-31"
rotas:
  - id: phong-thuoc-so
    every: month
    count: 1
    start: 2021-10
    order: [phong-1, phong-2, phong-3]
"""


def unit_yml(unit_id, kind, parent, approver, extra=""):
    text = f"id: {unit_id}\nname: Đơn vị {unit_id}\nkind: {kind}\n"
    if parent:
        text += f"parent: {parent}\n"
    text += f"approvers:\n  - name: {approver}\n    title: Hiệu trưởng\n{extra}"
    return text


RULES = "quota:\n  - every: week\n    count: 1\n  - every: month\n    count: 3\n  - every: semester\n    count: 2\n    channel: so\n"


def article(unit, n, when, approver, draft=False, send=False):
    """One valid article with one body image at /images/<year>/a<n>.jpg (small trees: fast import)."""
    lines = ["---", f"title: Tin số {n} của {unit}", f"date: {when:%Y-%m-%d %H:%M}", "author: Giáo viên",
             f"approved_by: {approver}", f"approved_on: {when:%Y-%m-%d}"]
    if send:
        lines.append("send_to_so: true")
    if draft:
        lines.append("status: draft")
    lines += ["---", "", f"Nội dung bài viết số {n}: hoạt động dạy và học của nhà trường trong tuần.", "",
              f'![Học sinh](/images/{when.year}/a{n}.jpg "Học sinh tham gia hoạt động số {n}")', ""]
    return "\n".join(lines).encode()


def generate(repo: Path, units_n: int, commits_n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    out = []
    mark = [0]

    def data(payload: bytes):
        out.append(b"data %d\n" % len(payload))
        out.append(payload)
        out.append(b"\n")

    def commit(ref, when, files, parents=(), message="bài"):
        mark[0] += 1
        out.append(f"commit {ref}\nmark :{mark[0]}\n".encode())
        stamp = f"{int(when.timestamp())} +0700"
        out.append(f"author Giáo viên <gv@example.edu.vn> {stamp}\ncommitter Giáo viên <gv@example.edu.vn> {stamp}\n".encode())
        data(message.encode())
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
            for other in parents[1:]:
                out.append(f"merge :{other}\n".encode())
        for op in files:
            if op[0] == "M":
                out.append(f"M 100644 inline {op[1]}\n".encode())
                data(op[2])
            elif op[0] == "D":
                out.append(f"D {op[1]}\n".encode())
            elif op[0] == "R":
                out.append(f"R {op[1]} {op[2]}\n".encode())
        return mark[0]

    phongs = [f"phong-{i}" for i in range(1, 4)]
    parents = [f"phong-gddt-{i}" for i in range(1, 8)]
    schools = [f"truong-{i:04d}" for i in range(units_n - len(phongs) - len(parents) - 1)]
    approver = {u: f"Người Duyệt {u}" for u in ["so"] + phongs + parents + schools}
    files = [("M", "units/_province.yml", PROVINCE.encode()),
             ("M", "units/so.yml", unit_yml("so", "so", None, approver["so"]).encode())]
    for u in phongs:
        files.append(("M", f"units/{u}.yml", unit_yml(u, "phong-thuoc-so", "so", approver[u]).encode()))
    for u in parents:
        files.append(("M", f"units/{u}.yml", unit_yml(u, "phong-gddt", "so", approver[u], RULES).encode()))
    for i, u in enumerate(schools):
        files.append(("M", f"units/{u}.yml", unit_yml(u, "truong", parents[i % len(parents)], approver[u], RULES).encode()))
    head = commit("refs/heads/main", START, files, message="đơn vị")
    writers = schools + parents + phongs
    step = (END - START) / commits_n
    live = []  # (unit, path, n, date)
    n = 0
    for i in range(commits_n):
        when = START + step * (i + 1)
        roll = rng.random()
        if roll < 0.06 and live:          # edit an article (sometimes to draft and back)
            unit, path, k, date = rng.choice(live)
            body = article(unit, k, date, approver[unit], draft=rng.random() < 0.3)
            head = commit("refs/heads/main", when, [("M", path, body)], (head,), "sửa bài")
        elif roll < 0.08 and live:        # rename
            index = rng.randrange(len(live))
            unit, path, k, date = live[index]
            new = path.replace(".md", "-moi.md")
            live[index] = (unit, new, k, date)
            head = commit("refs/heads/main", when, [("R", path, new)], (head,), "đổi tên")
        elif roll < 0.09 and live:        # delete
            unit, path, k, date = live.pop(rng.randrange(len(live)))
            head = commit("refs/heads/main", when, [("D", path)], (head,), "xóa bài")
        elif roll < 0.0905:               # a unit file changes (new approver)
            unit = rng.choice(schools)
            extra = f"  - name: Phó {unit} {i}\n    title: Phó Hiệu trưởng\n"
            text = unit_yml(unit, "truong", parents[schools.index(unit) % len(parents)], approver[unit] + "\n    title: Hiệu trưởng\n" + extra.rstrip("\n").replace("  - name: ", "  - name: ", 1), RULES)
            head = commit("refs/heads/main", when, [("M", f"units/{unit}.yml", text.encode())], (head,), "đơn vị")
        else:                              # a new article with its image, sometimes through a merge
            n += 1
            unit = rng.choice(writers)
            path = f"content/{unit}/{when.year}/tin-{n}.md"
            date = when - dt.timedelta(days=rng.choice((0, 0, 0, 1, 3, 20)))
            new_files = [("M", f"content/{unit}/images/{date.year}/a{n}.jpg", b"\xff\xd8\xff\xe0 fake jpeg %d" % n),
                         ("M", path, article(unit, n, date, approver[unit], send=rng.random() < 0.2))]
            if rng.random() < 0.1:
                side = commit("refs/heads/side", when - dt.timedelta(hours=2), new_files, (head,), "nhánh")
                head = commit("refs/heads/main", when, new_files, (head, side), "Merge")
            else:
                head = commit("refs/heads/main", when, new_files, (head,), "bài mới")
            live.append((unit, path, n, date))
    stream = b"".join(out)
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input=stream, check=True)
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], check=True)


def add_commit(repo: Path) -> None:
    stamp = int(time.time())
    path = repo / "content" / "truong-0000" / "2026" / f"tin-moi-{stamp}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(article("truong-0000", stamp, dt.datetime(2026, 8, 31, 9, 0), "Người Duyệt truong-0000"))
    (repo / "content" / "truong-0000" / "images" / "2026").mkdir(parents=True, exist_ok=True)
    (repo / "content" / "truong-0000" / "images" / "2026" / f"a{stamp}.jpg").write_bytes(b"\xff\xd8 fake")
    env = dict(os.environ, GIT_AUTHOR_DATE="2026-08-31T10:00:00+07:00", GIT_COMMITTER_DATE="2026-08-31T10:00:00+07:00",
               GIT_AUTHOR_NAME="GV", GIT_AUTHOR_EMAIL="gv@x", GIT_COMMITTER_NAME="GV", GIT_COMMITTER_EMAIL="gv@x")
    subprocess.run(["git", "-C", str(repo), "add", "content"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "một bài mới"], check=True, env=env)


def drive(repo: str, as_of: str) -> int:
    """Inside one process: `python -m quota` cold, after one new commit, and with nothing new."""
    from quota.__main__ import main as quota_main
    import contextlib
    import io

    times = []
    for step in ("cold", "incremental", "warm"):
        if step == "incremental":
            add_commit(Path(repo))
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = quota_main(["--root", repo, "--as-of", as_of, "--timings"])
        if code != 0:
            return code
        times.append(time.perf_counter() - started)
        print(f"    {step}: {times[-1]:.2f} s", file=sys.stderr)
    print(json.dumps(times))
    return 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--drive":
        return drive(sys.argv[2], sys.argv[3])
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    parser.add_argument("--keep", action="store_true", help="reuse the generated repository when present")
    args = parser.parse_args()
    units_n, commits_n = SIZES[args.size]
    repo = ROOT / "bench" / "work" / f"quota-{args.size}"
    started = time.perf_counter()
    if not (args.keep and (repo / ".git").exists()):
        generate(repo, units_n, commits_n)
    generated = time.perf_counter() - started
    total = int(subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "--first-parent", "HEAD"],
                               capture_output=True, text=True, check=True).stdout)
    as_of = "2026-08-31"
    shutil.rmtree(repo / "cache", ignore_errors=True)
    # cold, then one new commit, then incremental and warm: in ONE process, so that the cache key
    # (a hash of the code) cannot change in between while other work edits the plugins.
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    proc = subprocess.run([sys.executable, __file__, "--drive", str(repo), as_of], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    print(proc.stderr, end="")
    cold, incremental, warm = json.loads(proc.stdout.strip().splitlines()[-1])
    rows = [("generate (fast-import)", generated), ("cold (no cache)", cold),
            ("incremental (1 new commit)", incremental), ("warm (nothing new)", warm)]
    print(f"quota bench, size={args.size}: {units_n} units, {commits_n} article commits, "
          f"{total} first-parent commits, {os.cpu_count()} cores")
    for name, seconds in rows:
        print(f"  {name:<28} {seconds:8.2f} s")
    goals = {"cold_goal_s": 60, "incremental_goal_s": 2}
    result = {"size": args.size, "units": units_n, "article_commits": commits_n, "first_parent_commits": total,
              "generate_s": round(generated, 2), "cold_s": round(cold, 2), "incremental_s": round(incremental, 2),
              "warm_s": round(warm, 2), **goals, "cores": os.cpu_count()}
    out = ROOT / "bench" / "results" / "quota.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = {}
    if out.exists():
        try:
            previous = json.loads(out.read_text())
        except ValueError:
            previous = {}
    previous[args.size] = result
    out.write_text(json.dumps(previous, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
