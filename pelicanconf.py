"""Pelican settings for the province's sites (development build: `make html`)."""

import hashlib
import os
import sys
from pathlib import Path

CODE_ROOT = str(Path(__file__).resolve().parent)
# The province repository to build: this one, or another (tests, benchmarks).
REPO_ROOT = os.environ.get("PROVINCE_ROOT", CODE_ROOT)
sys.path.insert(0, os.path.join(CODE_ROOT, "plugins"))

SITENAME = "Cổng thông tin ngành Giáo dục"  # replaced by the province's name
SITEURL = ""  # links between pages are relative (unit_sites.links); absolute ones start at PUBLIC_URL
# The portal's public address: feeds, share links.  Units' own `url:` are used only when
# publishing (publishconf.py): this build is served whole from one address (`make serve`).
PUBLIC_URL = os.environ.get("SITEURL", "http://localhost:8000").rstrip("/")
UNIT_ADDRESSES = False
RELATIVE_URLS = True
PATH = os.path.join(REPO_ROOT, "content")
THEME = os.path.join(CODE_ROOT, "theme")
DEFAULT_LANG = "vi"
TIMEZONE = "Asia/Ho_Chi_Minh"

PLUGIN_PATHS = [os.path.join(CODE_ROOT, "plugins")]
PLUGINS = ["output_sync", "unit_registry", "article_reader", "publication", "image_assets", "unit_sites", "quota", "web_editor"]

# Which unit a file belongs to comes from its folder, never from its front matter.
PATH_METADATA = r"(?P<unit>[^/]+)/.*"
# Pelican's own readings of content are off: everything an article is comes from
# article_reader, which reports what it cannot read (issue #10).  Pelican would take a date
# from a name like "2024-09-31-khai-giang.md" and drop the file ("Could not process") when
# that day does not exist; a category from the folder; defaults from settings; the file's
# time as its date.  ("" and not None: Pelican puts its default back for a None.)
FILENAME_METADATA = ""
USE_FOLDER_AS_CATEGORY = False
DEFAULT_METADATA = {}
DEFAULT_DATE = None
EXTRA_PATH_METADATA = {}
TYPOGRIFY = False
_CONTENT = Path(PATH)
PAGE_PATHS = sorted(f"{p.parent.name}/pages" for p in _CONTENT.glob("*/pages") if p.is_dir())
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = PAGE_PATHS
STATIC_PATHS = []
IGNORE_FILES = [".*"]  # hidden files and folders only: see article_reader.content_kind
READERS = {"html": None, "htm": None, "rst": None}
# Every value is escaped unless it is markup already (article bodies, figures, cards).
# auto_reload off: a build's templates do not change while it runs, and Jinja otherwise
# checks base.html's modification time again for every one of a province's 50,000 pages
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True,
                     "auto_reload": False}

# {site} and {slug} are the only fields: article_reader formats these once per file
ARTICLE_URL = "{site}bai-viet/{slug}.html"
PAGE_URL = "{site}trang/{slug}.html"
DOCUMENT_URL = "{site}van-ban/{slug}.html"  # contract section 12; its attached file beside it (unit_sites.library)
# Pelican's generators only read: the unit_sites plugin writes every page
# (articles included, at their URL) through output_sync, per unit.
ARTICLE_SAVE_AS = PAGE_SAVE_AS = DOCUMENT_SAVE_AS = ""
DIRECT_TEMPLATES = []
for _kind in ("CATEGORY", "CATEGORIES", "TAG", "TAGS", "AUTHOR", "AUTHORS", "ARCHIVES",
              "YEAR_ARCHIVE", "MONTH_ARCHIVE", "DAY_ARCHIVE", "DRAFT", "DRAFT_PAGE", "INDEX"):
    globals()[f"{_kind}_SAVE_AS"] = ""
FEED_ATOM = FEED_RSS = FEED_ALL_ATOM = FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = TAG_FEED_ATOM = TAG_FEED_RSS = None
ARTICLE_TRANSLATION_ID = None  # same titles in two units are not translations (O(n²) otherwise)
PAGE_TRANSLATION_ID = None

DEFAULT_PAGINATION = 12
PAGINATED_TEMPLATES = {"index": None, "list": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang-{number}/", "{base_name}/trang-{number}/index.html"),
)

# Content cache: keyed by content hash (survives a fresh clone), in a folder
# named after the code and settings, which Pelican does not watch (#1416).
def _code_hash():
    digest = hashlib.sha256()
    for path in sorted(Path(CODE_ROOT, "plugins").rglob("*.py")) + [Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "generator"
CHECK_MODIFIED_METHOD = "sha256"
GZIP_CACHE = False  # compressing the cache cost ~5 s of a 20 s no-op rebuild (2,000 articles)
CACHE_PATH = os.path.join(REPO_ROOT, "cache", _code_hash())
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_PATH = os.path.join(REPO_ROOT, "output")

# Worker processes for reading and rendering (default: one per core).
READ_PROCESSES = int(os.environ.get("READ_PROCESSES", "0")) or None
RENDER_PROCESSES = int(os.environ.get("RENDER_PROCESSES", "0")) or None

# The web editor (plugins/web_editor): only `make editor` (tools/editor.py, EDITOR_LOCAL=1)
# builds admin pages that save through decap-server on this machine, into the branch
# checked out there; every other build's save only through the git host.
WEB_EDITOR_LOCAL_BACKEND = os.environ.get("EDITOR_LOCAL") == "1"
WEB_EDITOR_LOCAL_BRANCH = os.environ.get("EDITOR_BRANCH", "")
# Logging in on the git host (docs/trinh-soan-bai.md): GitHub needs an OAuth proxy that
# holds the OAuth app's secret (base_url); GitLab and Forgejo take the app's id (PKCE).
WEB_EDITOR_AUTH = {"base_url": os.environ.get("EDITOR_OAUTH_URL", ""), "app_id": os.environ.get("EDITOR_APP_ID", "")}
WEB_EDITOR_LOCAL_PORT = int(os.environ.get("EDITOR_PORT", "8081"))  # decap-server's port
WEB_EDITOR_NODE_MODULES = os.environ.get("EDITOR_NODE_MODULES", os.path.join(CODE_ROOT, "node_modules"))
