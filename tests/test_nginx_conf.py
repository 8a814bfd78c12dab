"""`make nginx-conf` served by a real nginx on 127.0.0.1 (issue #12): each site's own host
name returns its home page, a missing page the 404 page, with the configured headers.

The deploy layout (``<path>/<site>/current``) is made here with symbolic links to the
built folders; tests/test_deploy.py serves what make publish uploaded, with ``serve``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import time

import pytest

from factory import CODE_ROOT  # noqa: F401  (puts plugins/ on the path like the other tests)
from tooling import require
from test_reproducible import SITEURL, clone_and_build, committed_demo

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, host: str, path: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")


@contextlib.contextmanager
def serve(tmp_path, all_sites, deploy_path):
    """A real nginx on 127.0.0.1:<free port> with make nginx-conf's configuration of ``deploy_path``."""
    from deploy.nginx import configuration

    require("nginx")
    port = _free_port()
    conf = configuration(all_sites, str(deploy_path), f"127.0.0.1:{port}", False, "", "")
    (tmp_path / "sites.conf").write_text(conf, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        # as root (CI), nginx's workers would run as nobody, who cannot enter pytest's 0700 folders
        ("user root root;\n" if os.geteuid() == 0 else "") +
        f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  fastcgi_temp_path {tmp_path}/fastcgi;\n  uwsgi_temp_path {tmp_path}/uwsgi;\n"
        f"  scgi_temp_path {tmp_path}/scgi;\n  include {tmp_path}/sites.conf;\n}}\n", encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                               stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail(process.stderr.read().decode())
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def served(tmp_path):
    from deploy import sites

    root = tmp_path / "kho"
    output = clone_and_build(committed_demo(tmp_path), root)
    all_sites = sites(root, output, SITEURL)
    deploy_path = tmp_path / "srv"
    for site in all_sites:
        (deploy_path / site.id).mkdir(parents=True)
        (deploy_path / site.id / "current").symlink_to(site.folder)
    with serve(tmp_path, all_sites, deploy_path) as port:
        yield port, all_sites


def test_each_site_answers_on_its_own_host_name_with_the_configured_headers(served):
    port, all_sites = served
    assert len(all_sites) > 1  # the portal and the demo's units with their own url:
    for site in all_sites:
        status, headers, body = _get(port, site.host, "/")
        assert status == 200, site.host
        assert (site.folder / "index.html").read_text(encoding="utf-8") == body
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe" not in csp


def test_a_missing_page_gets_the_404_page(served):
    port, all_sites = served
    portal = all_sites[0]
    status, _, body = _get(port, portal.host, "/khong-co-trang-nay.html")
    assert status == 404
    assert body == (portal.folder / "404.html").read_text(encoding="utf-8")
