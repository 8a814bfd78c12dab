"""`make editor` (tools/editor.py): decap-server in git mode and the built sites on
127.0.0.1, in a real province repository; what decap-server's `git add .` may sweep into
a draft (.gitignore, E430)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from factory import CODE_ROOT, Province
from tooling import missing

EDITOR_CODES = {"E430"}  # test_codes: triggered here
DECAP_SERVER = CODE_ROOT / "node_modules" / "decap-server" / "dist" / "index.js"
GIT_DATES = {"GIT_AUTHOR_DATE": "2026-11-20T09:00:00+07:00", "GIT_COMMITTER_DATE": "2026-11-20T09:00:00+07:00"}


def require_decap_server() -> None:
    if not DECAP_SERVER.is_file() or not shutil.which("node"):
        missing("decap-server", "bash tools/npm-packages.sh (Node.js: apt-get install -y --no-install-recommends npm)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def editor_repository(province: Province, branch: str = "main") -> Province:
    """The province as a git repository with this project's .gitignore, committed, with
    the identity decap-server commits under."""
    shutil.copy(CODE_ROOT / ".gitignore", province.root / ".gitignore")
    province.git("init", "-q", "-b", branch)
    province.git("config", "user.name", "Giáo viên")
    province.git("config", "user.email", "gv@example.edu.vn")
    province.git("add", "-A")
    province.git("commit", "-q", "-m", "Kho của tỉnh")
    return province


@contextlib.contextmanager
def running_editor(root: Path):
    """tools/editor.py on free ports; yields (site address, decap-server port); Ctrl+C at the end."""
    port, backend_port = free_port(), free_port()
    env = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"), PUBLICATION_NOW="2026-11-20T12:00:00+07:00",
               **GIT_DATES)
    process = subprocess.Popen([sys.executable, str(CODE_ROOT / "tools" / "editor.py"), "--root", str(root),
                                "--port", str(port), "--backend-port", str(backend_port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    printed = []
    try:
        for line in process.stdout:
            printed.append(line)
            if line.startswith("Trang viết bài:"):
                break
        else:
            raise AssertionError(f"make editor stopped:\n{''.join(printed)}\n{process.stderr.read()}")
        assert f"http://127.0.0.1:{port}/admin/" in line
        yield f"http://127.0.0.1:{port}", backend_port
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Đã dừng trang viết bài." in out
    assert not listening(port) and not listening(backend_port)


def _yaml(url: str):
    with urllib.request.urlopen(url) as answer:
        return answer.headers["Content-Type"], YAML(typ="safe").load(answer.read().decode("utf-8"))


def test_make_editor_serves_admin_pages_saving_through_decap_server(province: Province):
    require_decap_server()
    province.article("thcs-a", "2024/bai.md")
    repo = editor_repository(province, branch="chinh")
    with running_editor(repo.root) as (site, backend_port):
        kind, config = _yaml(f"{site}/thcs-a/admin/config.yml")
        assert kind == "text/yaml"  # Decap reads it as YAML only then
        assert config["local_backend"] == {"url": f"http://127.0.0.1:{backend_port}/api/v1",
                                           "allowed_hosts": ["localhost", "127.0.0.1"]}
        assert config["backend"]["branch"] == "chinh"  # drafts start from the branch checked out
        request = urllib.request.Request(f"http://127.0.0.1:{backend_port}/api/v1", data=b'{"action": "info"}',
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as answer:
            info = json.load(answer)
        assert info["type"] == "local_git" and "editorial_workflow" in info["publish_modes"]
    # any other build's admin pages save only through the git host
    assert "local_backend" not in YAML(typ="safe").load((repo.build() / "thcs-a/admin/config.yml").read_text())


def test_uncommitted_files_are_refused_before_anything_starts(province: Province):
    require_decap_server()
    province.article("thcs-a", "2024/bai.md")
    repo = editor_repository(province)
    repo.write("content/thcs-a/2024/bai.md", "---\ntitle: Đang sửa dở\n---\n")
    repo.write("content/thcs-a/2026/bai-moi.md", "---\ntitle: Bài chưa commit\n---\n")
    (repo.root / "output").mkdir()
    (repo.root / "output" / "index.html").write_text("built")  # ignored: not listed
    port = free_port()
    result = subprocess.run([sys.executable, str(CODE_ROOT / "tools" / "editor.py"), "--root", str(repo.root),
                             "--port", str(free_port()), "--backend-port", str(port)],
                            capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins")))
    assert result.returncode == 1
    assert [line.split(" — ")[0] for line in result.stderr.splitlines()] == [
        "content/thcs-a/2024/bai.md:1: E430 tệp chưa được commit: trình soạn bài (make editor) lưu bài bằng "
        "git add . nên tệp này sẽ bị gộp vào bài nháp",
        "content/thcs-a/2026/bai-moi.md:1: E430 tệp chưa được commit: trình soạn bài (make editor) lưu bài bằng "
        "git add . nên tệp này sẽ bị gộp vào bài nháp"]
    assert "commit tệp này trên nhánh main" in result.stderr
    assert not listening(port) and not (repo.root / "output" / "admin").exists()


def test_git_add_as_decap_server_does_sweeps_nothing_the_machine_made(province: Province, tmp_path):
    """decap-server commits every draft with `git add .`: the build's output, its staging
    folder, the caches, and node_modules/.venv (also as symbolic links, as a worktree has
    them) stay out."""
    repo = editor_repository(province)
    for made in ("output/index.html", "output.new/index.html", "output.old/index.html", "cache/0123456789abcdef/x",
                 "plugins/web_editor/__pycache__/x.pyc", ".pytest_cache/v/x"):
        repo.write(made, "x")
    (tmp_path / "shared").mkdir()
    os.symlink(tmp_path / "shared", repo.root / "node_modules")
    os.symlink(tmp_path / "shared", repo.root / ".venv")
    repo.write("content/thcs-a/2026/bai.md", "the draft")
    repo.git("add", ".")
    assert repo.git("diff", "--cached", "--name-only") == "content/thcs-a/2026/bai.md"
