#!/usr/bin/env python3
"""`make editor`: the web editor on this machine, saving into this repository.

Builds the sites with the admin pages in local mode (config.yml gets ``local_backend``,
and the backend's branch is the branch checked out here), starts Decap's
``decap-server`` in git mode on 127.0.0.1 (each article saved in the editorial workflow
becomes a branch ``cms/<collection>/<year>/<slug>``, as a pull request would be on the
git host; "Đăng" merges it into the branch checked out here), serves output/ on
127.0.0.1, prints the address and stops both on Ctrl+C.

decap-server checks branches out in this working tree and commits with ``git add .``:
a file not yet committed would be swept into the next draft, so a working tree with
uncommitted files is refused (E430); .gitignore keeps output/, cache/, node_modules/
and .venv/ out.

    python tools/editor.py [--root R] [--port 8000] [--backend-port 8081]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from problems import Problem  # noqa: E402

DECAP_SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def refusals(root: Path) -> list[str]:
    """Why the editor cannot save into ``root`` yet (Vietnamese lines), or []."""
    if not shutil.which("node") or not DECAP_SERVER.is_file():
        return ["Chưa có Node.js hoặc gói decap-server (node_modules/decap-server): cài bằng "
                "sudo apt-get install -y --no-install-recommends npm rồi chạy bash tools/npm-packages.sh."]
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        return [f"{root} không phải là kho git: trình soạn bài lưu mỗi bài thành một nhánh git. "
                "Chạy lệnh trong thư mục kho của tỉnh (git clone ... rồi cd vào đó)."]
    branch = _git(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if branch.returncode != 0:
        return ["Kho đang không ở một nhánh nào (detached HEAD): chạy git switch main rồi chạy lại make editor."]
    if _git(root, "var", "GIT_COMMITTER_IDENT").returncode != 0:
        return ["Git chưa biết tên người viết để ghi vào mỗi lần lưu: chạy "
                "git config user.name \"Họ và tên\" và git config user.email \"thu@dien.tu\" rồi chạy lại make editor."]
    # decap-server commits with `git add .`: what is not committed yet would end up in a draft
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "-z").stdout
    dirty = sorted({entry[3:] for entry in status.split("\0") if len(entry) > 3})
    return [str(Problem(path, 1, "E430", {"branch": branch.stdout.strip()})) for path in dirty]


def current_branch(root: Path) -> str:
    return _git(root, "symbolic-ref", "--short", "HEAD").stdout.strip()


def build(root: Path, backend_port: int, branch: str) -> int:
    """The sites with the admin pages in local mode (pelicanconf.py reads EDITOR_*)."""
    env = dict(os.environ, EDITOR_LOCAL="1", EDITOR_PORT=str(backend_port), EDITOR_BRANCH=branch,
               PYTHONPATH=str(ROOT / "plugins"))
    return subprocess.run([sys.executable, str(ROOT / "tools" / "build.py"), "--root", str(root)],
                          env=env).returncode


def start_backend(root: Path, port: int) -> subprocess.Popen:
    """decap-server in git mode on 127.0.0.1:<port>, answering once it is up."""
    env = dict(os.environ, MODE="git", PORT=str(port), BIND_HOST="127.0.0.1",
               GIT_REPO_DIRECTORY=str(root), LOG_LEVEL=os.environ.get("EDITOR_LOG_LEVEL", "warn"))
    process = subprocess.Popen(["node", str(DECAP_SERVER)], cwd=root, env=env)
    url = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"decap-server dừng ngay khi khởi động (mã {process.returncode}); xem các dòng ở trên.")
        try:
            request = urllib.request.Request(url, data=b'{"action":"info"}',
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=1) as answer:
                if json.load(answer).get("type") == "local_git":
                    return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"decap-server không trả lời ở {url} sau 20 giây (cổng {port} đã có chương trình khác dùng?); "
                       "chọn cổng khác: make editor EDITOR_PORT=8082")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # Decap reads config.yml as YAML only when it is served as YAML
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml"}

    def log_message(self, format, *args):  # every request on the terminal would bury the address
        pass


def start_site(output: Path, port: int) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(_QuietHandler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", default=str(ROOT), help="kho của tỉnh (mặc định: thư mục này)")
    parser.add_argument("--port", type=int, default=8000, help="cổng của trang web (mặc định 8000)")
    parser.add_argument("--backend-port", type=int, default=int(os.environ.get("EDITOR_PORT", "8081")),
                        help="cổng của decap-server (mặc định 8081)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()

    problems = refusals(root)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    branch = current_branch(root)
    if build(root, args.backend_port, branch) != 0:
        return 1
    try:
        backend = start_backend(root, args.backend_port)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        site = start_site(root / "output", args.port)
    except OSError as error:
        backend.terminate()
        print(f"Không mở được cổng {args.port} ({error}): chọn cổng khác, ví dụ make editor PORT=8001", file=sys.stderr)
        return 1

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"Trang viết bài: http://127.0.0.1:{args.port}/admin/ (mỗi đơn vị: http://127.0.0.1:{args.port}/<mã-đơn-vị>/admin/)\n"
          f"Bấm \"Đăng nhập\" (không cần mật khẩu). Mỗi bài lưu thành một nhánh cms/... trong kho này; "
          f"\"Đăng\" gộp nhánh đó vào nhánh {branch}.\n"
          f"Xem trang: http://127.0.0.1:{args.port}/ (chạy lại make editor để dựng lại). Bấm Ctrl+C để dừng.",
          flush=True)
    died = False
    try:
        while not stop.wait(0.5):
            if backend.poll() is not None:  # decap-server stopped by itself: nothing saves any more
                died = True
                break
    except KeyboardInterrupt:
        pass
    finally:
        site.shutdown()
        backend.terminate()
        try:
            backend.wait(timeout=10)
        except subprocess.TimeoutExpired:
            backend.kill()
    # decap-server checks a draft's branch out while it reads or writes it: stopped half-way,
    # the working tree would be left on cms/...
    if current_branch(root) != branch:
        _git(root, "checkout", "-q", branch)
    if died:
        print(f"decap-server đã dừng (mã {backend.returncode}); xem các dòng ở trên rồi chạy lại make editor.",
              file=sys.stderr)
        return 1
    print("Đã dừng trang viết bài.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
