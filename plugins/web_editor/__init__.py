"""The web editor (Decap CMS) for teachers: ``output/admin/`` and ``output/<unit-id>/admin/``.

Everything an admin page needs is generated from ``units/`` at each build (contract
sections 2, 4, 5, 11): one collection per unit, its categories and approvers, the
backend from ``units/_province.yml``'s ``git_host``.  Decap's prebuilt bundle and its
chunk files come from ``node_modules/`` (package.json pins them; ``make html`` runs
``npm ci``); they are served by the portal itself, never from a CDN.

- ``output/admin/``: every unit's articles and pages (the Văn phòng, the Sở).
- ``output/<unit-id>/admin/``: that unit's articles and pages only; the bundle is
  the portal's copy (``../../admin/``, or the portal's address for a unit published
  at its own address).

Decap's ``gitea`` backend refuses the editorial workflow (decap-cms #7115): a
Forgejo or Gitea host is configured with Decap's ``forgejo`` backend, which has it.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from image_assets.render import ORIGINAL_MAX_SIDE  # the photo the editor stores: what W615 allows

logger = logging.getLogger(__name__)

CODE_ROOT = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = CODE_ROOT / "node_modules"  # the setting WEB_EDITOR_NODE_MODULES may name another
STATIC = Path(__file__).resolve().parent / "static"
ADMIN = "admin"

# Categories every unit is offered, besides the ones its articles already use: the
# default one and the sections a portal must have (contract section 12, TT 37/2020)
BASE_CATEGORIES = ("Tin tức", "Thông báo", "Tuyển sinh", "Công khai", "Hỏi đáp", "Lấy ý kiến")

# decap-server's port in local mode (`make editor`): its default, or the setting
# WEB_EDITOR_LOCAL_PORT (a test runs its own on a free port)
LOCAL_BACKEND_PORT = 8081

# The API each host kind answers on, for `connect-src`; a self-hosted GitLab or Forgejo
# answers at its own `url:`
_HOST_API = {"github": "https://api.github.com", "gitlab": "https://gitlab.com"}


def content_security_policy(git_host=None, *, local_backend: bool = False, portal_url: str = "",
                            local_port: int = LOCAL_BACKEND_PORT) -> str:
    """The Content-Security-Policy of an admin page: scripts and styles from the site
    (and from the portal, for a unit published at its own address), requests only to the
    site and the git host's API.  Also written into each admin page as a <meta>, so
    the browser refuses any other host even where the web server sends no header.

    Decap needs ``'unsafe-eval'`` (its bundle compiles code at run time) and inline
    styles (its components style themselves); ``blob:`` and ``data:`` serve
    previews of photos not yet uploaded, and the photo-shrinking worker; Decap reads a
    photo chosen but not yet saved back from its ``blob:`` address (connect-src) to keep
    the draft and to commit it.
    """
    own = ["'self'"] + ([portal_url.rstrip("/")] if portal_url else [])
    api = []
    if git_host is not None:
        api.append(git_host.url or _HOST_API.get(git_host.kind, ""))
    if local_backend:
        api += [f"http://localhost:{local_port}", f"http://127.0.0.1:{local_port}"]
    api = [a for a in api if a]
    scripts = " ".join(own + ["'unsafe-eval'", "blob:"])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        f"worker-src 'self' blob:",
        f"style-src {' '.join(own)} 'unsafe-inline'",
        f"img-src 'self' data: blob: {' '.join(api)}".rstrip(),
        f"connect-src {' '.join(own + ['blob:'] + api)}",
        "font-src 'self' data:",
        "frame-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


# For a web server configuration: the policy of the admin pages of a province on GitHub
# (the publishing helper takes `content_security_policy(province.git_host)` for others).
CONTENT_SECURITY_POLICY = content_security_policy(None)


def bundle_files(node_modules: Path = NODE_MODULES) -> list[Path]:
    """Decap's prebuilt bundle, every chunk it loads beside it and its licence, then
    browser-image-compression; [] when node_modules lacks either.  The other build in
    decap-cms/dist/ (cms.js) is the same code twice."""
    dist = Path(node_modules) / "decap-cms" / "dist"
    compression = Path(node_modules) / "browser-image-compression" / "dist" / "browser-image-compression.js"
    if not (dist / "decap-cms.js").is_file() or not compression.is_file():
        return []
    files = [p for p in dist.iterdir()
             if p.is_file() and (p.name.endswith("decap-cms.js") or p.name == "decap-cms.js.LICENSE.txt"
                                 or p.suffix == ".wasm")]
    return sorted(files) + [compression]


# -- configuration ---------------------------------------------------------------------

def _backend(province, *, auth: dict, local_port: int) -> dict:
    host = province.git_host
    if host is None:  # no host yet: only decap-server on this machine (`make editor`) can save
        return {"name": "proxy", "proxy_url": f"http://127.0.0.1:{local_port}/api/v1", "branch": "main"}
    backend = {"branch": host.branch, "repo": host.repo,
               "squash_merges": True, "cms_label_prefix": "cms/"}
    if host.kind == "github":
        backend["name"] = "github"
        if auth.get("base_url"):  # the OAuth proxy that holds the OAuth app's secret
            backend["base_url"] = auth["base_url"]
    elif host.kind == "gitlab":
        backend["name"] = "gitlab"
        backend["auth_type"] = "pkce"
        if host.url:
            backend["api_root"] = f"{host.url}/api/v4"
            backend["base_url"] = host.url
        if auth.get("app_id"):
            backend["app_id"] = auth["app_id"]
    else:  # forgejo (and Gitea): Decap's forgejo backend, with the editorial workflow
        backend["name"] = "forgejo"
        backend["api_root"] = f"{host.url or 'https://codeberg.org'}/api/v1"
        backend["base_url"] = host.url or "https://codeberg.org"
        if auth.get("app_id"):
            backend["app_id"] = auth["app_id"]
    return backend


def article_fields(unit, categories) -> list[dict]:
    """Every front-matter key of contract section 5, in its order, with Vietnamese labels."""
    approvers = list(unit.approver_names())
    return [
        {"name": "title", "label": "Tiêu đề", "widget": "string",
         "hint": "Một câu nói rõ việc gì, ở đâu; địa chỉ của bài lấy từ tiêu đề."},
        # filled in when the article is opened: the photos' folder (media_folder's {{year}}) is
        # taken from it the moment a photo is chosen; empty, they went to images/ itself
        {"name": "date", "label": "Ngày giờ đăng", "widget": "datetime", "format": "YYYY-MM-DD HH:mm",
         "date_format": "DD/MM/YYYY", "time_format": "HH:mm", "default": "{{now}}",
         "hint": "Giờ địa phương. Ngày trong tương lai: bài tự đăng khi đến ngày."},
        {"name": "author", "label": "Người viết", "widget": "string", "required": False},
        {"name": "category", "label": "Chuyên mục", "widget": "chuyen_muc", "required": False,
         "options": list(categories), "default": "Tin tức",
         "hint": "Chọn một chuyên mục có sẵn hoặc gõ tên chuyên mục mới. Để trống: \"Tin tức\"."},
        {"name": "tags", "label": "Từ khóa", "widget": "list", "required": False,
         "hint": "Các từ khóa, cách nhau bằng dấu phẩy, ví dụ: giáo viên dạy giỏi, đổi mới sáng tạo"},
        {"name": "summary", "label": "Tóm tắt", "widget": "text", "required": False,
         "hint": "Một hai câu hiện ở danh sách bài. Để trống: lấy đầu bài viết."},
        {"name": "image", "label": "Ảnh đại diện", "widget": "image", "required": False,
         "choose_url": False, "hint": "Không bắt buộc. Có ảnh thì phải có chú thích bên dưới."},
        {"name": "image_caption", "label": "Chú thích ảnh đại diện", "widget": "string", "required": False,
         "hint": "Ít nhất 3 từ, nói rõ ai, làm gì, ở đâu (không dùng tên tệp)."},
        {"name": "approved_by", "label": "Người duyệt bài", "widget": "select", "options": approvers,
         "hint": "Lãnh đạo đơn vị chịu trách nhiệm về bài viết."},
        {"name": "approved_on", "label": "Ngày duyệt", "widget": "datetime", "format": "YYYY-MM-DD",
         "date_format": "DD/MM/YYYY", "time_format": False},
        {"name": "send_to_so", "label": "Gửi đăng lên Cổng thông tin của Sở", "widget": "boolean",
         "default": False, "required": False},
        {"name": "status", "label": "Trạng thái", "widget": "select", "default": "published",
         "options": [{"label": "Đăng khi được duyệt", "value": "published"},
                     {"label": "Bản nháp (chưa đăng)", "value": "draft"}]},
        {"name": "slug", "label": "Đường dẫn của bài", "widget": "string", "required": False,
         "hint": "Để trống: tự lấy từ tiêu đề khi lưu (chữ thường không dấu, gạch ngang)."},
        {"name": "pinned_until", "label": "Ghim ở đầu trang chủ đến ngày", "widget": "datetime",
         "format": "YYYY-MM-DD", "date_format": "DD/MM/YYYY", "time_format": False, "required": False},
        {"name": "deadline", "label": "Hạn góp ý (bài Lấy ý kiến)", "widget": "datetime",
         "format": "YYYY-MM-DD", "date_format": "DD/MM/YYYY", "time_format": False, "required": False},
        {"name": "body", "label": "Nội dung", "widget": "markdown",
         "buttons": ["bold", "italic", "link", "heading-three", "bulleted-list", "numbered-list", "quote"],
         "editor_components": ["image"],
         "hint": "Chèn ảnh bằng nút \"+\" > \"Ảnh có chú thích\": mỗi ảnh cần chú thích ít nhất 3 từ."},
    ]


def unit_collections(unit, categories) -> list[dict]:
    """The unit's articles (content/<unit-id>/<year>/<slug>.md), its static pages and its Word uploads."""
    folder = f"content/{unit.id}"
    # public_folder is relative to the unit's images/ inside the editor (its thumbnails and
    # preview find the photo); editor.js writes it in the contract's form, /images/<year>/...
    media = {"media_folder": f"/{folder}/images/{{{{year}}}}", "public_folder": "{{year}}"}
    articles = {
        "name": unit.id, "label": f"Bài viết — {unit.name}", "label_singular": "bài viết",
        "description": f"Bài của {unit.name}. Lưu rồi bấm \"Gửi duyệt\": Văn phòng Sở rà soát trước khi đăng.",
        "folder": folder, "path": "{{year}}/{{slug}}", "slug": "{{fields.slug}}", "create": True,
        "extension": "md", "format": "frontmatter", "identifier_field": "title",
        # articles only: pages/, images/, van-ban/ and word/ are not this collection's
        "filter": {"field": "approved_by", "pattern": "."},
        "summary": "{{title}} ({{day}}/{{month}}/{{year}})", "sortable_fields": ["date", "title"],
        "fields": article_fields(unit, categories), **media}
    pages = {
        "name": f"{unit.id}--trang", "label": f"Trang tĩnh — {unit.name}", "label_singular": "trang",
        "folder": f"{folder}/pages", "path": "{{slug}}", "slug": "{{fields.slug}}", "create": True,
        "extension": "md", "format": "frontmatter", "identifier_field": "title",
        "media_folder": f"/{folder}/images/trang", "public_folder": "trang",
        "fields": [
            {"name": "title", "label": "Tiêu đề", "widget": "string"},
            {"name": "slug", "label": "Đường dẫn", "widget": "string", "required": False,
             "hint": "Để trống: tự lấy từ tiêu đề."},
            {"name": "order", "label": "Thứ tự trong trình đơn", "widget": "number", "value_type": "int",
             "required": False},
            {"name": "body", "label": "Nội dung", "widget": "markdown", "editor_components": ["image"]},
        ]}
    return [articles, pages, word_collection(unit)]


def word_collection(unit) -> dict:
    """"Gửi tệp Word": a teacher who only has a .docx uploads it into content/<unit-id>/word/
    with a small entry file beside it; `make import-pending` (plugins/word_import/pending.py)
    reads the entry's ``file`` (``/word/<name>``, from ``public_folder``), ``title`` and
    ``author``, turns the document into an article and removes both files."""
    folder = f"content/{unit.id}/word"
    return {
        "name": f"{unit.id}--word", "label": f"Gửi tệp Word — {unit.name}", "label_singular": "tệp Word",
        "description": ("Chỉ có bài soạn trên Word? Tải tệp .docx lên đây rồi bấm \"Gửi duyệt\": tệp được "
                        "chuyển thành bài viết (ảnh, chú thích) trong yêu cầu duyệt; đọc lại bài, bổ sung "
                        "những việc còn phải làm, rồi lãnh đạo đơn vị ghi người duyệt."),
        "folder": folder, "create": True, "extension": "yml", "format": "yml",
        # the title may be left empty (the import takes it from the document): the entry's
        # file name comes from the moment it is made, not from a field
        "identifier_field": "file", "slug": "{{year}}{{month}}{{day}}-{{hour}}{{minute}}{{second}}",
        "summary": "{{title}} ({{file}})",
        "media_folder": f"/{folder}", "public_folder": "/word",
        "fields": [
            {"name": "file", "label": "Tệp Word", "widget": "file", "choose_url": False,
             "hint": "Tệp .docx (Word). Tệp .doc, .odt: mở bằng Word, chọn Tệp > Lưu thành > "
                     "Word Document (.docx) rồi tải tệp mới lên."},
            {"name": "title", "label": "Tiêu đề", "widget": "string", "required": False,
             "hint": "Để trống: lấy đề mục đầu tiên (hoặc dòng in đậm đầu bài) của tệp Word."},
            {"name": "author", "label": "Người viết", "widget": "string", "required": False,
             "hint": "Để trống: lấy từ dòng ký tên cuối bài (\"Tin, ảnh: ...\") hoặc thuộc tính tác giả của tệp."},
        ]}


def editor_config(registry, categories: dict[str, list[str]], unit_ids, *, local_backend: bool,
                  auth: dict | None = None, local_port: int = LOCAL_BACKEND_PORT, local_branch: str = "") -> dict:
    """Decap's config.yml (as a dict) for the units ``unit_ids``, from the registry alone;
    ``local_backend``: also saving through decap-server (`make editor`) into ``local_branch``."""
    units = [registry.units[u] for u in unit_ids if u in registry.units]
    first = units[0].id if units else "so"
    config = {
        "locale": "vi",
        "backend": _backend(registry.province, auth=auth or {}, local_port=local_port),
        "publish_mode": "editorial_workflow",
        # the global folder is only where Decap lists media; each collection saves into its unit's
        "media_folder": f"content/{first}/images",
        "public_folder": "/images",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "show_preview_links": False,
        "collections": [c for unit in units for c in unit_collections(unit, categories.get(unit.id, ()))],
    }
    if local_backend:
        # on a page served from this machine Decap saves through decap-server, not the host
        config["local_backend"] = {"url": f"http://127.0.0.1:{local_port}/api/v1",
                                   "allowed_hosts": ["localhost", "127.0.0.1"]}
        if local_branch:  # decap-server refuses a branch this clone lacks; drafts start from this one
            config["backend"]["branch"] = local_branch
    return config


def unit_categories(articles, registry) -> dict[str, list[str]]:
    """Each unit's categories: the base ones, then every one its articles use, by name."""
    found: dict[str, set[str]] = {unit_id: set() for unit_id in registry.units}
    for article in articles:
        unit = getattr(article, "unit", None) or article.metadata.get("unit")
        category = getattr(article, "category", None)
        if unit in found and category is not None:
            found[unit].add(str(category))
    return {unit_id: list(BASE_CATEGORIES) + sorted(names - set(BASE_CATEGORIES))
            for unit_id, names in found.items()}


def editor_messages() -> dict:
    """The caption rules' wording (E201–E203), from the one catalogue, for the editor's guard."""
    from problems import CATALOGUE

    return {code: list(CATALOGUE[code]) for code in ("E201", "E202", "E203")}


# -- pages ----------------------------------------------------------------------------

def admin_page(title: str, bundle: str, theme: str, policy: str, settings: dict) -> str:
    """The admin page: Decap reads config.yml beside it; our scripts follow its bundle."""
    from html import escape

    data = json.dumps(settings, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta http-equiv="Content-Security-Policy" content="{escape(policy, quote=False).replace(chr(34), '&quot;')}">
<title>{escape(title)}</title>
<link rel="cms-config-url" type="text/yaml" href="config.yml">
</head>
<body>
<noscript>Trang viết bài cần bật JavaScript trong trình duyệt.</noscript>
<script type="application/json" id="editor-settings">{data}</script>
<script src="{escape(bundle)}decap-cms.js"></script>
<script src="{escape(bundle)}browser-image-compression.js"></script>
<script src="{escape(bundle)}slug.js"></script>
<script src="{escape(bundle)}editor.js"></script>
</body>
</html>
"""


def _generator_class():
    from pelican.generators import Generator

    import output_sync

    class WebEditorGenerator(Generator):
        def generate_output(self, writer):
            registry = self.settings.get("UNIT_REGISTRY")
            if registry is None:
                return
            files = bundle_files(Path(self.settings.get("WEB_EDITOR_NODE_MODULES") or NODE_MODULES))
            if not files:
                logger.warning(
                    "Chưa có trình soạn bài trên web (output/admin/): thiếu các gói npm trong node_modules/. "
                    "Cài Node.js và npm (sudo apt-get install -y npm) rồi chạy lại make html; "
                    "các trang web vẫn được dựng đầy đủ.")
                return
            sink = output_sync.sink()
            def put(path: str, data: bytes) -> None:
                # a no-op rebuild renders and writes nothing (output_sync's fingerprints)
                key = output_sync.digest(data)
                if not sink.unchanged(path, key):
                    sink.put(path, data, key)

            for path in files + sorted(STATIC.iterdir()):
                put(f"{ADMIN}/{path.name}", path.read_bytes())
            local = bool(self.settings.get("WEB_EDITOR_LOCAL_BACKEND"))
            local_branch = str(self.settings.get("WEB_EDITOR_LOCAL_BRANCH") or "")
            port = int(self.settings.get("WEB_EDITOR_LOCAL_PORT") or LOCAL_BACKEND_PORT)
            auth = dict(self.settings.get("WEB_EDITOR_AUTH") or {})
            categories = unit_categories(self.context.get("articles", []), registry)
            province = registry.province
            portal = self.settings.get("PUBLIC_URL", "")
            own_addresses = bool(self.settings.get("UNIT_ADDRESSES"))
            every = sorted(registry.units, key=lambda u: (u != "so", u))
            pages = [(f"{ADMIN}/", every, f"Viết bài — {province.name}", "", "../")]
            for unit_id in every:
                if unit_id == "so":
                    continue
                unit = registry.units[unit_id]
                away = own_addresses and bool(unit.url)  # published at its own address
                base = f"{portal}/" if away else "../../"
                pages.append((f"{unit_id}/{ADMIN}/", [unit_id], f"Viết bài — {unit.name}",
                              portal if away else "", base))
            messages = editor_messages()
            for folder, unit_ids, title, other_origin, root in pages:
                config = editor_config(registry, categories, unit_ids, local_backend=local, auth=auth,
                                       local_port=port, local_branch=local_branch)
                policy = content_security_policy(province.git_host, local_backend=local, portal_url=other_origin,
                                                 local_port=port)
                settings = {"messages": messages, "theme_css": f"{root}theme/css/site.css",
                            "compression_js": f"{root}{ADMIN}/browser-image-compression.js",
                            "max_side": ORIGINAL_MAX_SIDE, "article_collections": list(unit_ids)}
                bundle = f"{root}{ADMIN}/" if folder != f"{ADMIN}/" else ""
                page = admin_page(title, bundle, root, policy, settings)
                put(f"{folder}index.html", page.encode("utf-8"))
                # JSON is YAML: the file Decap reads, written without a YAML writer
                put(f"{folder}config.yml",
                    json.dumps(config, ensure_ascii=False, indent=1).encode("utf-8"))

    return WebEditorGenerator


def _generators(pelican):
    return _generator_class()


def register():
    from pelican import signals

    signals.get_generators.connect(_generators)
