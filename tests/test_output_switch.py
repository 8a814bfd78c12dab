"""`output/` is replaced whole or not at all (issue 10, item 6): a build killed (SIGKILL, no
clean-up of any kind) at any stage leaves `output/` as the last complete build made it, or as
the new build makes it, never a mix; the next build recovers.

The build runs in a child process that kills itself at the n-th call of one of the file-system
operations a build changes files with (os.replace, os.rename, os.link, os.symlink, os.unlink):
the stages are found by counting those calls in an uninterrupted run, not by hooks in the code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from factory import CODE_ROOT, FIXED_NOW, PYTHON, Province

OPERATIONS = ("replace", "rename", "link", "symlink", "unlink")
KILLING_BUILD = f"""
import atexit, os, runpy, signal, sys
operation, _, at = os.environ["KILL_AT"].partition(":")
after = at.endswith("+")  # "replace:5+": once the 5th call has done its work
calls = dict.fromkeys({OPERATIONS!r}, 0)
def counting(name, original):
    def call(*args, **kwargs):
        calls[name] += 1
        if name == operation and calls[name] == int(at.rstrip("+")) and not after:
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if name == operation and calls[name] == int(at.rstrip("+")) and after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return call
for name in calls:
    setattr(os, name, counting(name, getattr(os, name)))
atexit.register(lambda: print("CALLS", *(f"{{k}}={{v}}" for k, v in calls.items()), file=sys.stderr))
sys.argv = ["build.py", "--root", sys.argv[1], "--output", sys.argv[1] + "/output"]
runpy.run_path({str(CODE_ROOT / "tools" / "build.py")!r}, run_name="__main__")
"""


def _build(root, kill_at: str = "none:0") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"), PUBLICATION_NOW=FIXED_NOW, KILL_AT=kill_at)
    return subprocess.run([PYTHON, "-c", KILLING_BUILD, str(root)], capture_output=True, text=True, env=env)


def _calls(result) -> dict[str, int]:
    line = next(l for l in result.stderr.splitlines() if l.startswith("CALLS "))
    return {k: int(v) for k, v in (item.split("=") for item in line.split()[1:])}


def _snapshot(output) -> dict[str, bytes] | None:
    """Every file of the site, by path (through the link); None when there is no output."""
    if not os.path.exists(output):
        return None
    found = {}
    for folder, _, files in os.walk(output, followlinks=True):
        for name in files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, output)] = open(path, "rb").read()
    return found


def _differing(one, other) -> list[str]:
    """The paths two snapshots disagree on (what an assertion shows)."""
    one, other = one or {}, other or {}
    return sorted(p for p in set(one) | set(other) if one.get(p) != other.get(p))[:20]


def _change(root) -> None:
    """One article edited, one added, one deleted: pages written, kept and removed."""
    repo = Province.__new__(Province)
    repo.root = root
    repo.article("thcs-a", "2024/hoi-thi.md", title="Hội thi giáo viên dạy giỏi: kết quả", image=False)
    repo.article("th-b", "2024/moi.md", title="Ngày hội đọc sách của trường", image=False)
    os.remove(root / "content/thcs-a/2024/se-xoa.md")


def _province(root) -> Province:
    repo = Province(root)
    repo.article("thcs-a", "2024/hoi-thi.md", title="Hội thi giáo viên dạy giỏi")
    repo.article("thcs-a", "2024/se-xoa.md", title="Bài sẽ bị xóa", image=False)
    repo.article("th-b", "2024/le-khai-giang.md", title="Lễ khai giảng năm học mới")
    repo.article("van-phong", "2024/hop-giao-ban.md", title="Họp giao ban tháng mười", image=False)
    return repo


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """The province built once (``base``), the old and the new complete outputs, and the stages."""
    top = tmp_path_factory.mktemp("switch")
    # built in ``work``, kept in ``base``: each run copies it back to ``work``, where the manifest
    # of the build (which names its output folder) holds and the rebuild is incremental
    work = _province(top / "work").root
    assert _build(work).returncode == 0
    base = top / "base"
    shutil.copytree(work, base, symlinks=True)
    old = _snapshot(work / "output")
    _change(work)
    result = _build(work)
    assert result.returncode == 0, result.stderr
    new = _snapshot(work / "output")
    assert old != new
    calls = _calls(result)
    assert calls["link"]  # incremental: the kept files were linked from the live tree
    return top, base, old, new, calls


def _kill_points(calls: dict[str, int]) -> list[str]:
    """Before each operation's first call in an uninterrupted build, and after its last; before
    the middle one too of those done file by file."""
    points = []
    for name, count in calls.items():
        if count:
            middle = {(count + 1) // 2} if name in ("replace", "link") else set()
            points += [f"{name}:{n}" for n in sorted({1} | middle)] + [f"{name}:{count}+"]
    return points


def test_a_killed_rebuild_leaves_the_old_output_or_the_new_one_whole(states):
    top, base, old, new, calls = states
    assert calls["replace"] and calls["symlink"]  # the switch is among the stages
    work = top / "work"
    seen = {"old": 0, "new": 0}
    for point in _kill_points(calls):
        shutil.rmtree(work)
        shutil.copytree(base, work, symlinks=True)
        _change(work)
        killed = _build(work, point)
        # a point this run does not reach (an operation counted once on a clean-up that found
        # nothing to do) lets the build finish
        assert killed.returncode in (-9, 0), (point, killed.stderr[-2000:])
        after = _snapshot(work / "output")
        assert after in (old, new), (f"killed at {point}: output/ is neither the old build nor the new one",
                                     _differing(after, old), _differing(after, new))
        seen["old" if after == old else "new"] += 1
        recovered = _build(work)
        assert recovered.returncode == 0, recovered.stderr
        assert _snapshot(work / "output") == new, f"the build after a kill at {point} did not recover"
    assert seen["old"] and seen["new"]  # kills before the switch and after it were both tried


def test_a_killed_first_build_leaves_no_output_or_a_whole_one(states):
    top, base, _, _, _ = states
    fresh = top / "fresh"
    shutil.copytree(base, fresh, symlinks=True, ignore=shutil.ignore_patterns("output", "output.*", "cache"))
    calls = _calls(_build(fresh))
    whole = _snapshot(fresh / "output")  # the folder's name shows on its quota page: not ``old``
    outcomes = set()
    # the switch: the staging folder renamed into a tree, the link made, and put in place (the last replace)
    for point in _kill_points({name: calls[name] for name in ("rename", "symlink")}) + [f"replace:{calls['replace']}+"]:
        for leftover in ("output", "output.trees", "cache"):
            path = fresh / leftover
            if path.is_symlink():
                path.unlink()
            elif path.exists():
                shutil.rmtree(path)
        assert _build(fresh, point).returncode in (-9, 0)
        after = _snapshot(fresh / "output")
        assert after in (None, whole), (f"killed at {point}: a half-made output/", _differing(after, whole))
        outcomes.add(after is None)
    assert outcomes == {True, False}


def test_a_rebuild_switches_the_link_and_keeps_unchanged_files_as_they_were(tmp_path):
    work = _province(tmp_path / "repo").root  # built where it lies: a moved output/ is built again whole
    assert _build(work).returncode == 0
    output = work / "output"
    assert output.is_symlink() and os.readlink(output) == "output.trees/a"
    kept = next(output.rglob("hop-giao-ban*.html"))  # another unit's article: the change does not touch it
    before = kept.stat().st_mtime_ns
    _change(work)
    assert _build(work).returncode == 0
    assert os.readlink(output) == "output.trees/b"
    assert kept.stat().st_mtime_ns == before  # a deploy by rsync moves only what changed
    noop = _build(work)
    assert noop.returncode == 0 and os.readlink(output) == "output.trees/b"  # nothing changed: no switch
