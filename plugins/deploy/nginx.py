"""`make nginx-conf`: the nginx configuration of every site `make publish` deploys.

One ``server`` per site (the portal and each unit with its own address), serving
``<DEPLOY_PATH>/<site>/current``: gzip, a long cache for picture files whose name holds
their content's hash (``anh.7e22ff91f1.480.jpg``: a new picture gets a new name), the
404 page, and security headers.  The Content-Security-Policy allows the site's own
scripts and styles only, nothing inline; only the web editor (``admin/``, Decap CMS)
gets the looser policy it needs.

    python -m deploy.nginx [--plain-http] [--listen ADDRESS:PORT] [--output FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from deploy import PORTAL, Site, sites

# Pages: only the site's own files; no inline script or style, no plugin, no framing elsewhere
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
# The web editor (Decap CMS): it compiles its schemas with new Function ('unsafe-eval',
# decaporg/decap-cms#2138), styles itself inline (emotion), previews chosen pictures as
# blob:/data: URLs, and talks to the git host's API
EDITOR_CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data: blob: https:; font-src 'self' data:; connect-src 'self' {api}; "
              "frame-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self' {api}; "
              "frame-ancestors 'self'")
GIT_HOST_APIS = {"github": "https://api.github.com https://github.com",
                 "gitlab": "https://gitlab.com", "forgejo": "https://codeberg.org"}
HASHED_PICTURE = r'"\.[0-9a-f]{10}\.[0-9]+\.(?:jpe?g|png|webp|avif|gif)$"'
GZIP_TYPES = ("text/css application/javascript application/json application/atom+xml application/xml "
              "image/svg+xml text/csv text/plain")


def _headers(csp: str, indent: str) -> list[str]:
    # add_header is not inherited by a location that has add_header of its own: every
    # location repeats them all
    return [f'{indent}add_header Content-Security-Policy "{csp}" always;',
            f'{indent}add_header Referrer-Policy "strict-origin-when-cross-origin" always;',
            f'{indent}add_header X-Content-Type-Options "nosniff" always;',
            f'{indent}add_header X-Frame-Options "SAMEORIGIN" always;']


def server(site: Site, deploy_path: str, listen: str, tls: bool, editor_csp: str) -> str:
    lines = ["server {"]
    if tls:
        lines += [f"    listen {listen} ssl;", "    http2 on;",
                  f"    ssl_certificate /etc/letsencrypt/live/{site.host}/fullchain.pem;",
                  f"    ssl_certificate_key /etc/letsencrypt/live/{site.host}/privkey.pem;"]
    else:
        lines.append(f"    listen {listen};")
    admin = "^/(?:[a-z0-9-]+/)?admin/" if site.id == "so" else "^/admin/"
    lines += [
        f"    server_name {site.host};",
        f"    root {deploy_path}/{site.id}/current;",
        "    index index.html;",
        "    charset utf-8;",
        "    charset_types text/css application/javascript application/atom+xml application/xml text/csv;",
        "    server_tokens off;",
        "    gzip on;",
        "    gzip_vary on;",
        "    gzip_min_length 512;",
        f"    gzip_types {GZIP_TYPES};",
        "    error_page 404 /404.html;",
        *_headers(CSP, "    "),
        "",
        "    location / {",
        "        try_files $uri $uri/ =404;",
        "    }",
        f"    location ~* {HASHED_PICTURE} {{",
        '        add_header Cache-Control "public, max-age=31536000, immutable" always;',
        *_headers(CSP, "        "),
        "    }",
        f"    location ~ {admin} {{",
        '        add_header Cache-Control "no-cache" always;',
        *_headers(editor_csp, "        "),
        "    }",
        "    location = /404.html {",
        # a unit's site has no 404 page of its own: the portal's (its links are root-relative,
        # and every site has them) rather than nginx's bare English one
        *([] if site.id == PORTAL else [f"        root {deploy_path}/{PORTAL}/current;"]),
        "        internal;",
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def configuration(all_sites: list[Site], deploy_path: str, listen: str, tls: bool, git_kind: str,
                  git_url: str) -> str:
    api = git_url or GIT_HOST_APIS.get(git_kind, "")
    editor_csp = EDITOR_CSP.format(api=api).replace(" ;", ";")
    parts = ["# Tạo bởi make nginx-conf: đừng sửa tay, chạy lại lệnh khi thêm đơn vị có địa chỉ riêng.\n"]
    if tls:
        hosts = " ".join(site.host for site in all_sites)
        parts.append(f"server {{\n    listen 80;\n    server_name {hosts};\n"
                     "    return 301 https://$host$request_uri;\n}\n")
    parts += [server(site, deploy_path, listen, tls, editor_csp) for site in all_sites]
    return "\n".join(parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=os.environ.get("PROVINCE_ROOT", "."))
    parser.add_argument("--output-folder", help="the built output/ (default: <root>/output)")
    parser.add_argument("--deploy-path", default=os.environ.get("DEPLOY_PATH", "/srv/cong-thong-tin"))
    parser.add_argument("--plain-http", action="store_true",
                        help="no TLS (behind a proxy that terminates https, or a test on 127.0.0.1)")
    parser.add_argument("--listen", help="default: 443 (TLS) or 80")
    parser.add_argument("--output", help="write here instead of standard output")
    args = parser.parse_args(argv)

    import unit_registry
    from unit_registry import SITE_URL

    siteurl = os.environ.get("SITEURL", "").strip()
    if not SITE_URL.match(siteurl.lower()):
        print(f"SITEURL \"{siteurl}\" thiếu hoặc không phải địa chỉ https://: đặt SITEURL là địa chỉ cổng của Sở, "
              "ví dụ make nginx-conf SITEURL=https://sogddt.example.edu.vn", file=sys.stderr)
        return 2
    root = Path(args.root).resolve()
    output = Path(args.output_folder).absolute() if args.output_folder else root / "output"
    if not (output / "index.html").is_file():
        print(f"{output.name}/ chưa có trang nào: chạy make html PUBLISH=1 trước.", file=sys.stderr)
        return 2
    host = unit_registry.load(root).province.git_host
    text = configuration(sites(root, output, siteurl), args.deploy_path.rstrip("/"),
                         args.listen or ("80" if args.plain_http else "443"), not args.plain_http,
                         getattr(host, "kind", ""), getattr(host, "url", ""))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
