"""`make publish` (python -m deploy) to a real sshd on 127.0.0.1 (issue #12): each unit with
its own `url:` to its own place, the portal to its own; a second publication after one
article changed sends only the files whose bytes changed; the switch to a new release
happens only when every site is uploaded, so a failure half-way leaves every live site as it was.

The sshd runs as the current user from a configuration in the test's folder, with host and
user keys made here; the known-hosts line is given as make publish gets it (DEPLOY_KNOWN_HOSTS).
What was published is then served by a real nginx with make nginx-conf's configuration.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factory import CODE_ROOT
from test_reproducible import SITEURL, GIT_DATE, build, clone_and_build, committed_demo, tree_bytes
from test_nginx_conf import _get, serve
from tooling import require

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
ARTICLE = "content/thcs-nguyen-du/2024/ngay-hoi-chuyen-doi-so.md"
REMOVED = "content/th-kim-dong/2023/hoi-thi-viet-chu-dep.md"
OWN_ADDRESS = {"phong-gddt-tan-hong", "phong-gddt-tp-thanh-van", "th-kim-dong", "thcs-nguyen-du",
               "thpt-le-quy-don", "xa-tan-hong"}  # units/*.yml with url: (and a site of their own)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """sshd -D on 127.0.0.1:<free port>, and the DEPLOY_* variables that reach it."""

    def __init__(self, folder: Path):
        for tool in ("sshd", "ssh", "rsync", "ssh-keygen"):
            require(tool, None if tool != "ssh-keygen" else "apt-get install -y openssh-client")
        self.folder = folder
        folder.mkdir()
        for name in ("host", "user"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(folder / name)],
                           check=True)
        (folder / "authorized_keys").write_text((folder / "user.pub").read_text())
        self.port = _free_port()
        (folder / "sshd_config").write_text(
            f"ListenAddress 127.0.0.1\nHostKey {folder}/host\nPidFile {folder}/sshd.pid\n"
            f"AuthorizedKeysFile {folder}/authorized_keys\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
            "LogLevel ERROR\n")
        if os.geteuid() == 0:  # sshd as root needs its privilege-separation folder (the service makes it)
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        self.start()
        host_key = (folder / "host.pub").read_text().split()
        self.environment = {
            "DEPLOY_HOST": "127.0.0.1", "DEPLOY_PORT": str(self.port), "DEPLOY_USER": getpass.getuser(),
            "DEPLOY_PATH": str(folder.parent / "srv"), "DEPLOY_SSH_KEY": (folder / "user").read_text(),
            # as `ssh-keyscan -p <port> <host>` prints it
            "DEPLOY_KNOWN_HOSTS": f"[127.0.0.1]:{self.port} {host_key[0]} {host_key[1]}"}

    def start(self):
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(self.folder / "sshd_config"),
                                         "-p", str(self.port)], stderr=subprocess.PIPE)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    pytest.fail(self.process.stderr.read().decode())
                time.sleep(0.05)
        pytest.fail("sshd did not listen")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path / "sshd")
    yield running
    running.stop()


def _publish_command(root: Path, server: Server, *args: str):
    env = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"), SITEURL=SITEURL, **server.environment)
    return subprocess.run([sys.executable, "-m", "deploy", "--root", str(root), *args], capture_output=True,
                          text=True, env=env)


def _portal_only(tmp_path: Path) -> Path:
    """An output/ with the portal's home page alone (this repository's units/, no unit built)."""
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("<!doctype html><title>Cổng</title>\n", encoding="utf-8")
    return output


def _live(srv: Path, site: str) -> Path:
    return srv / site / "current"


def _expected(output: Path) -> dict[str, dict[str, bytes]]:
    """What each place must serve: a unit with its own address its folder; the portal the rest."""
    files = tree_bytes(output)
    places = {unit: {path.split("/", 1)[1]: data for path, data in files.items() if path.startswith(f"{unit}/")}
              for unit in OWN_ADDRESS}
    places["so"] = {path: data for path, data in files.items()
                    if path.split("/", 1)[0] not in OWN_ADDRESS and path != "review.md"}
    return places


def test_each_site_to_its_place_then_only_changed_files_move(tmp_path, server):
    from deploy import Target, publish, sites

    root = tmp_path / "kho"
    output = clone_and_build(committed_demo(tmp_path), root)
    (output / "review.md").write_text("báo cáo của make review: không đăng\n", encoding="utf-8")
    first = _publish_command(root, server)
    assert first.returncode == 0, first.stderr
    assert "Đã xuất bản" in first.stdout
    for site, files in _expected(output).items():  # a first publication sends every file
        assert f"{site}: đã tải lên {len(files)} tệp thay đổi" in first.stdout, first.stdout
    srv = Path(server.environment["DEPLOY_PATH"])
    assert sorted(p.name for p in srv.iterdir()) == sorted(OWN_ADDRESS | {"so"})
    expected = _expected(output)
    for site, files in expected.items():
        assert _live(srv, site).is_symlink()
        assert tree_bytes(_live(srv, site)) == files, site
    assert "review.md" not in expected["so"] and "thcs-nguyen-du/index.html" not in expected["so"]
    # served as published, by the web server's configuration from make nginx-conf
    (tmp_path / "nginx").mkdir()
    with serve(tmp_path / "nginx", sites(root, output, SITEURL), srv) as port:
        for site in sites(root, output, SITEURL):
            status, _, body = _get(port, site.host, "/")
            assert (status, body) == (200, (_live(srv, site.id) / "index.html").read_text(encoding="utf-8")), site.host
            status, _, body = _get(port, site.host, "/khong-co-trang-nay.html")
            # every site's missing page is the portal's 404 page (a unit's site has none of its own)
            assert (status, body) == (404, (_live(srv, "so") / "404.html").read_text(encoding="utf-8")), site.host

    # one article changed (and committed, as a merge would), built again in place
    path = root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("Ngày hội gồm nhiều hoạt động hấp dẫn:",
                                                             "Ngày hội gồm nhiều hoạt động bổ ích:"),
                    encoding="utf-8")
    env = dict(os.environ, GIT_AUTHOR_DATE=GIT_DATE, GIT_COMMITTER_DATE=GIT_DATE, GIT_AUTHOR_NAME="Văn phòng",
               GIT_AUTHOR_EMAIL="vp@example.edu.vn", GIT_COMMITTER_NAME="Văn phòng",
               GIT_COMMITTER_EMAIL="vp@example.edu.vn")
    (root / REMOVED).unlink()  # and one article of another unit taken down
    subprocess.run(["git", "-C", str(root), "commit", "-qam", "Sửa một bài, gỡ một bài"], check=True, env=env)
    before_releases = {site: os.readlink(_live(srv, site)) for site in expected}
    build(root)
    again = _expected(output)
    sent = publish(output, root, SITEURL, Target.from_environment(server.environment), log=lambda _: None)
    for site in expected:
        changed = {name for name, data in again[site].items() if expected[site].get(name) != data}
        itemised = {line.split(" ", 1)[1] for line in sent[site].splitlines() if line.startswith("<f")}
        assert itemised == changed, (site, sent[site][:3000])
        assert tree_bytes(_live(srv, site)) == again[site], site
        # an unchanged file is the previous release's own (a hard link), not a copy
        old, new = srv / site / before_releases[site], _live(srv, site).resolve()
        for name in list(set(again[site]) - changed)[:50]:
            assert (old / name).stat().st_ino == (new / name).stat().st_ino, (site, name)
    assert {"bai-viet/ngay-hoi-chuyen-doi-so-tai-truong-thcs-nguyen-du.html", "feeds/atom.xml"} <= {
        line.split(" ", 1)[1] for line in sent["thcs-nguyen-du"].splitlines() if line.startswith("<f")}
    # the page taken down is gone from the live site only with the switch: the previous
    # release, kept to go back to, still has it
    gone = set(expected["th-kim-dong"]) - set(again["th-kim-dong"])
    assert any(name.startswith("bai-viet/") for name in gone), gone
    for name in gone:
        assert (srv / "th-kim-dong" / before_releases["th-kim-dong"] / name).is_file()
        assert not (_live(srv, "th-kim-dong") / name).exists()


def test_a_failure_half_way_leaves_every_live_site_as_it_was(tmp_path, server):
    from deploy import DeployError, Target, publish

    root = tmp_path / "kho"
    output = clone_and_build(committed_demo(tmp_path), root)
    target = Target.from_environment(server.environment)
    publish(output, root, SITEURL, target, log=lambda _: None)
    srv = Path(target.path)
    live = {site.name: (os.readlink(site / "current"), tree_bytes(site / "current")) for site in srv.iterdir()}
    uploaded = []

    def network_lost_after_the_first_site(line):
        uploaded.append(line)
        server.stop()

    with pytest.raises(DeployError) as failure:
        publish(output, root, SITEURL, target, log=network_lost_after_the_first_site)
    assert uploaded and uploaded[0].startswith("so: ")  # the portal was uploaded, then the network was gone
    message = str(failure.value)
    assert "Xuất bản dừng ở bước tải trang" in message and "Xuất bản dừng ở bước tải trang so " not in message
    # refused, or cut while sshd was going down: either is said
    assert "không kết nối SSH được" in message or "kết nối bị ngắt giữa chừng" in message, message
    assert "Các trang đang chạy giữ nguyên" in message
    for site in srv.iterdir():  # no site switched, not even the portal that was uploaded in full
        assert (os.readlink(site / "current"), tree_bytes(site / "current")) == live[site.name], site.name


def test_a_wrong_server_key_stops_before_anything_is_written(tmp_path, server):
    result_env = dict(server.environment)
    other = tmp_path / "khac"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    key_type, key = other.with_suffix(".pub").read_text().split()[:2]
    result_env["DEPLOY_KNOWN_HOSTS"] = f"[127.0.0.1]:{server.port} {key_type} {key}"
    server.environment = result_env
    proc = _publish_command(CODE_ROOT, server, "--output", str(_portal_only(tmp_path)))
    assert proc.returncode == 1
    assert "chuẩn bị thư mục trên máy chủ" in proc.stderr and "DEPLOY_KNOWN_HOSTS" in proc.stderr, proc.stderr
    assert not Path(result_env["DEPLOY_PATH"]).exists()


def test_a_key_file_that_others_can_read_is_used_and_a_missing_one_is_said(tmp_path, server):
    # a CI's file variable (GitLab: Type File) may be written readable by all: ssh alone refuses that
    key_file = tmp_path / "khoa"
    key_file.write_text(server.environment.pop("DEPLOY_SSH_KEY"), encoding="utf-8")
    key_file.chmod(0o644)
    output = _portal_only(tmp_path)
    server.environment["DEPLOY_SSH_KEY_FILE"] = str(key_file)
    proc = _publish_command(CODE_ROOT, server, "--output", str(output))
    assert proc.returncode == 0, proc.stderr
    assert (Path(server.environment["DEPLOY_PATH"]) / "so" / "current" / "index.html").read_bytes() == (
        output / "index.html").read_bytes()
    server.environment["DEPLOY_SSH_KEY_FILE"] = str(tmp_path / "khong-co")
    proc = _publish_command(CODE_ROOT, server, "--output", str(output))
    assert proc.returncode == 1
    assert f"không có tệp khóa SSH \"{tmp_path / 'khong-co'}\"" in proc.stderr, proc.stderr
