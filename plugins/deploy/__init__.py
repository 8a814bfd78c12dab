"""`make publish`: every site of output/ to its place on the web server, in one step each.

The portal (the Sở's site, unit ``so``) goes to ``<DEPLOY_PATH>/so/``, each unit with its
own address (`url:` in units/<id>.yml) to ``<DEPLOY_PATH>/<unit-id>/``; the other units stay
folders of the portal.  Each place holds ``releases/<time>/`` and a symbolic link
``current`` that the web server serves (``make nginx-conf``).

A publication uploads every site into a new release folder by rsync over SSH, with
``--link-dest`` to the current release: a file whose bytes did not change is hard-linked
on the server, not sent (``--checksum``: a clean CI build gives every file a new
modification time); files the build no longer makes are simply not in the new folder.
Only when every site has been uploaded are the ``current`` links switched, each by one
rename(2), so a reader never sees half an update; a failure before that leaves every live
site as it was, and says why in Vietnamese.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

PORTAL = "so"
KEEP_RELEASES = 3  # the live one and two to go back to by hand (ln -sfn releases/<time> current)
NOT_PUBLISHED = ("review.md",)  # make review's report for the pull request, not for readers

# variable -> what it holds (all but the optional ones are required)
VARIABLES = {
    "DEPLOY_HOST": "tên hoặc địa chỉ IP máy chủ web",
    "DEPLOY_USER": "tài khoản SSH trên máy chủ web",
    "DEPLOY_PATH": "thư mục trên máy chủ chứa các trang, ví dụ /srv/cong-thong-tin",
    "DEPLOY_KNOWN_HOSTS": "dòng khóa của máy chủ (lấy bằng: ssh-keyscan -p <cổng> <máy chủ>)",
    "DEPLOY_SSH_KEY": "khóa SSH riêng (nội dung tệp, từ kho bí mật của máy chủ git); "
                      "hoặc DEPLOY_SSH_KEY_FILE: đường dẫn tệp khóa",
}
OPTIONAL = ("DEPLOY_PORT", "DEPLOY_SSH_KEY_FILE")


class DeployError(Exception):
    """A publication that stopped; the message (Vietnamese) says why and what to do."""


@dataclasses.dataclass(frozen=True)
class Site:
    id: str           # the place on the server: <DEPLOY_PATH>/<id>/
    folder: Path      # what is uploaded
    host: str         # its host name (nginx's server_name)
    excludes: tuple[str, ...] = ()  # folders of output/ that are sites of their own


def sites(root: Path, output: Path, siteurl: str) -> list[Site]:
    """The portal and every unit with its own address whose site was built (sorted by id)."""
    import unit_registry

    registry = unit_registry.load(root)
    own = sorted((unit.id, unit.url) for unit in registry.units.values()
                 if unit.url and unit.path_prefix and (output / unit.path_prefix / "index.html").is_file())
    portal = Site(PORTAL, output, urlsplit(siteurl).hostname or "",
                  tuple(f"/{unit_id}/" for unit_id, _ in own) + tuple(f"/{name}" for name in NOT_PUBLISHED))
    return [portal] + [Site(unit_id, output / unit_id, urlsplit(url).hostname or "") for unit_id, url in own]


@dataclasses.dataclass
class Target:
    host: str
    user: str
    path: str
    port: str
    known_hosts: str
    key: str       # the key's text, or "" with key_file
    key_file: str

    @classmethod
    def from_environment(cls, environ=os.environ) -> "Target":
        missing = [name for name in VARIABLES if not environ.get(name, "").strip()
                   and not (name == "DEPLOY_SSH_KEY" and environ.get("DEPLOY_SSH_KEY_FILE", "").strip())]
        if missing:
            lines = "\n".join(f"  {name}: {VARIABLES[name]}" for name in missing)
            raise DeployError("Chưa xuất bản: thiếu biến môi trường của máy chủ web:\n" + lines +
                              "\nĐặt các biến này trong kho bí mật (Secrets/Variables) của máy chủ git, "
                              "xem README, mục \"Thiết lập CI và xuất bản\". Trang đang chạy giữ nguyên.")
        key_file = environ.get("DEPLOY_SSH_KEY_FILE", "").strip()
        if key_file and not environ.get("DEPLOY_SSH_KEY", "").strip() and not Path(key_file).is_file():
            raise DeployError(f"Chưa xuất bản: không có tệp khóa SSH \"{key_file}\" (DEPLOY_SSH_KEY_FILE). Trên GitLab, "
                              "khai báo biến DEPLOY_SSH_KEY_FILE loại File (Type: File). Trang đang chạy giữ nguyên.")
        path = environ["DEPLOY_PATH"].strip().rstrip("/")
        if not path.startswith("/"):
            raise DeployError(f"Chưa xuất bản: DEPLOY_PATH \"{path}\" phải là đường dẫn tuyệt đối "
                              "trên máy chủ, ví dụ /srv/cong-thong-tin. Trang đang chạy giữ nguyên.")
        return cls(environ["DEPLOY_HOST"].strip(), environ["DEPLOY_USER"].strip(), path,
                   environ.get("DEPLOY_PORT", "").strip() or "22", environ["DEPLOY_KNOWN_HOSTS"].strip(),
                   environ.get("DEPLOY_SSH_KEY", ""), environ.get("DEPLOY_SSH_KEY_FILE", "").strip())


class Connection:
    """ssh and rsync with the target's key and known host only (no agent, no prompt)."""

    def __init__(self, target: Target, folder: Path):
        self.target = target
        known = folder / "known_hosts"
        known.write_text(target.known_hosts + "\n", encoding="utf-8")
        # the key is always copied here, mode 0600: ssh refuses a key file others can read (a CI's
        # file variable may be), and secret stores often drop the text's last newline
        text = target.key if target.key.strip() else Path(target.key_file).read_text(encoding="utf-8")
        key = folder / "id"
        key.touch(mode=0o600)
        key.write_text(text.strip() + "\n", encoding="utf-8")
        self.ssh = ["ssh", "-p", target.port, "-i", str(key), "-F", "none", "-o", "IdentitiesOnly=yes",
                    "-o", "IdentityAgent=none", "-o", f"UserKnownHostsFile={known}", "-o", "StrictHostKeyChecking=yes",
                    "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", "-o", "ServerAliveInterval=15"]
        self.login = f"{target.user}@{target.host}"

    def run(self, script: str, what: str) -> str:
        proc = subprocess.run(self.ssh + [self.login, script], capture_output=True, text=True)
        if proc.returncode != 0:
            raise DeployError(_failure(what, proc.returncode, proc.stderr))
        return proc.stdout

    def upload(self, site: Site, release: str, previous: str) -> str:
        """rsync's itemised list of what was sent."""
        place = f"{self.target.path}/{site.id}"
        command = ["rsync", "--recursive", "--links", "--checksum", "--itemize-changes", "--chmod=D755,F644",
                   "--rsh", shlex.join(self.ssh)]
        for exclude in site.excludes:
            command += ["--exclude", exclude]
        if previous:
            command.append(f"--link-dest={place}/releases/{previous}")
        command += [f"{site.folder}/", f"{self.login}:{place}/releases/{release}/"]
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            raise DeployError(_failure(f"tải trang {site.id} lên", proc.returncode, proc.stderr))
        return proc.stdout


def _failure(what: str, code: int, stderr: str) -> str:
    reasons = {
        255: "không kết nối SSH được: kiểm tra DEPLOY_HOST, DEPLOY_PORT, DEPLOY_USER, khóa DEPLOY_SSH_KEY "
             "(đã thêm khóa công khai vào ~/.ssh/authorized_keys của tài khoản chưa?) và dòng DEPLOY_KNOWN_HOSTS "
             "(khóa máy chủ đã đổi, hoặc chép thiếu?)",
        12: "kết nối bị ngắt giữa chừng (mạng, hoặc máy chủ hết chỗ trống)",
        11: "không ghi được tệp trên máy chủ (hết chỗ trống, hoặc tài khoản không có quyền ghi DEPLOY_PATH)",
        23: "một số tệp không tải lên được (quyền ghi trên máy chủ?)",
        30: "máy chủ không trả lời (hết thời gian chờ)",
        35: "máy chủ không trả lời (hết thời gian chờ)",
    }
    reason = reasons.get(code, "lỗi khi chạy lệnh trên máy chủ")
    detail = " ".join(stderr.split())[-400:]
    return (f"Xuất bản dừng ở bước {what}: {reason} (mã {code}; {detail}). "
            "Các trang đang chạy giữ nguyên như trước lần xuất bản này; sửa lỗi rồi chạy lại make publish.")


def publish(output: Path, root: Path, siteurl: str, target: Target, log=print) -> dict[str, str]:
    """Upload every site, then switch them all; returns each site's rsync itemised output."""
    if not (output / "index.html").is_file():
        raise DeployError(f"Chưa xuất bản: {output.name}/ chưa có trang nào (chạy make html PUBLISH=1 trước). "
                          "Trang đang chạy giữ nguyên.")
    all_sites = sites(root, output, siteurl)
    release = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="xuat-ban-") as folder:
        connection = Connection(target, Path(folder))
        places = " ".join(shlex.quote(f"{target.path}/{site.id}") for site in all_sites)
        # each place's current release ("" on a first publication)
        listing = connection.run(
            f"set -e; for p in {places}; do mkdir -p \"$p/releases\"; "
            f"printf '%s\\t%s\\n' \"$p\" \"$(basename \"$(readlink \"$p/current\" || true)\")\"; done",
            "chuẩn bị thư mục trên máy chủ")
        previous = dict(line.split("\t", 1) for line in listing.splitlines() if "\t" in line)
        sent = {}
        try:
            for site in all_sites:
                before = previous.get(f"{target.path}/{site.id}", "").strip()
                sent[site.id] = connection.upload(site, release, before if before not in ("", ".") else "")
                # rsync itemises what the local side sends with "<" (">" is what it receives)
                changed = [line for line in sent[site.id].splitlines() if line.startswith("<f")]
                log(f"{site.id}: đã tải lên {len(changed)} tệp thay đổi ({site.host})")
        except DeployError:
            try:  # the half-uploaded releases are no one's: nothing links to them
                connection.run(f"rm -rf " + " ".join(shlex.quote(f"{target.path}/{s.id}/releases/{release}")
                                                    for s in all_sites), "dọn bản tải dở")
            except DeployError:
                pass
            raise
        # rename(2) of a new link over `current`: atomic for each site; then old releases go
        switch = "; ".join(
            f"ln -sfn releases/{release} {shlex.quote(f'{target.path}/{s.id}')}/.current.new && "
            f"mv -Tf {shlex.quote(f'{target.path}/{s.id}')}/.current.new {shlex.quote(f'{target.path}/{s.id}')}/current"
            for s in all_sites)
        connection.run(f"set -e; {switch}", "chuyển sang bản mới")
        connection.run(
            f"for p in {places}; do ls -1 \"$p/releases\" | sort | head -n -{KEEP_RELEASES} | "
            f"while read r; do rm -rf \"$p/releases/$r\"; done; done", "xóa các bản cũ")
    return sent
