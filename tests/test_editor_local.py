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
import time
import unicodedata
import urllib.request
from urllib.parse import urlsplit
from pathlib import Path

import pytest
from lxml import html
from ruamel.yaml import YAML

from factory import CODE_ROOT, Province
from tooling import missing, require

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


def _current(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "symbolic-ref", "--short", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()


@contextlib.contextmanager
def running_editor(root: Path):
    """tools/editor.py on free ports; yields (site address, decap-server port); Ctrl+C at the end."""
    port, backend_port = free_port(), free_port()
    started_on = _current(root)
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
    assert _current(root) == started_on  # never left on a draft's branch
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


# -- an article written in the editor, in real Chromium ---------------------------------

# Titles a teacher types or pastes: marks, đ/Đ, NFD from a Mac, Word's quotes and dashes,
# full-width and superscript digits, emoji, the look-alike Ð, punctuation runs
TRICKY_TITLES = [
    "Đổi mới sáng tạo ở Trường THCS",
    "Hội khỏe Phù Đổng cấp tỉnh năm học 2026–2027",
    unicodedata.normalize("NFD", "Học sinh đạt giải Nhất Olympic Tiếng Anh"),
    "“Ngày hội đọc sách” — thư viện xanh!!!",
    "Tuyên dương 15 học sinh ĐẠT điểm 10 môn Toán",
    "Lớp 9A₁ và lớp 9A² tham quan bảo tàng",
    "Ｔｒường ｍầm ｎon Hoa Sen đón Tết 🎉🎊",
    "ÐÀO TẠO — bồi dưỡng (đợt 2/2026): kết quả & kế hoạch",
    "   Quỹ “Vì bạn nghèo”: ủng hộ 12.500.000đ   ",
    "Ǆ ǅ ǆ ﬁ ﬂ Ⅻ ½ № ™",
    "Thầy Nguyễn Văn Ước và cô Lưu Thị Yến được khen thưởng",
    "",
]


def test_the_editor_slug_is_the_build_slug_under_node():
    if not shutil.which("node"):
        missing("node", "apt-get install -y --no-install-recommends nodejs")
    from article_reader.source import slugify

    script = ("const {slugify} = require(process.argv[1]);"
              "process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8')).map(slugify)))")
    result = subprocess.run(["node", "-e", script, str(CODE_ROOT / "plugins" / "web_editor" / "static" / "slug.js")],
                            input=json.dumps(TRICKY_TITLES), capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [slugify(t) for t in TRICKY_TITLES]
    assert slugify(TRICKY_TITLES[0]) == "doi-moi-sang-tao-o-truong-thcs"  # the contract's own example


TITLE = "Đội tuyển đoạt giải Nhất Hội khỏe Phù Đổng"
CAPTION = "Đội tuyển nhận cúp tại sân vận động tỉnh"
PHOTO_NAME = "IMG_2041.JPG"  # as a phone names it


def _upload_photo(page, photo: Path) -> None:
    """The body's "+" > "Ảnh có chú thích" > "Chọn một hình" > upload > choose."""
    page.locator("[data-slate-editor]").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.get_by_title("Add Component").click()
    page.get_by_role("menuitem", name="Ảnh có chú thích").click()
    page.get_by_role("button", name="Chọn một hình").last.click()
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_text("img-2041.jpg").wait_for(timeout=20000)  # shrunk, renamed, shown in the library
    page.get_by_role("button", name="Lấy những cái đã chọn").click()


def test_an_article_with_a_photo_written_in_the_browser(province: Province, tmp_path):
    require("playwright")
    require("chromium")
    require_decap_server()
    import datetime as dt
    from zoneinfo import ZoneInfo

    from PIL import Image
    from playwright.sync_api import sync_playwright

    from article_reader.source import ARTICLE_KEYS, slugify
    from output.test_accessibility import CHROMIUM_ARGS
    from tooling import CHROMIUM
    from word_documents import gps_exif, photo

    original = tmp_path / PHOTO_NAME
    original.write_bytes(photo((4000, 3000), exif=gps_exif(6)))  # lying on its side, as phones store it
    assert Image.open(original).getexif().get_ifd(0x8825)  # GPS: where it was taken
    province.article("thcs-a", "2024/bai.md")
    repo = editor_repository(province)
    slug = slugify(TITLE)
    branch = f"cms/thcs-a/2026/{slug}"
    shots = CODE_ROOT / "tests" / "output" / "artefacts"
    shots.mkdir(parents=True, exist_ok=True)

    with running_editor(repo.root) as (site, backend_port), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Ho_Chi_Minh",
                                      locale="vi-VN")
        allowed = {f"127.0.0.1:{site.rsplit(':', 1)[1]}", f"127.0.0.1:{backend_port}"}
        foreign: list[str] = []
        context.route(lambda url: urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc not in allowed,
                      lambda route: (foreign.append(route.request.url), route.abort("blockedbyclient")))
        page = context.new_page()
        page.clock.set_fixed_time(dt.datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
        page.goto(f"{site}/thcs-a/admin/")
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(f"{site}/thcs-a/admin/#/collections/thcs-a/new")
        page.get_by_label("Tiêu đề").fill(TITLE)
        page.locator("[data-slate-editor]").click()
        page.keyboard.type("Chiều 18/11, đội tuyển của trường giành giải Nhất toàn đoàn.")
        _upload_photo(page, original)
        page.get_by_label("Người duyệt bài").click()
        page.get_by_text("Nguyễn Văn Hiệu", exact=True).click()
        page.get_by_label("Set approved_on to now").click()

        # no caption: refused with the build's own words, nothing written
        page.get_by_role("button", name="Lưu").click()
        notice = page.locator("#thong-bao-anh")
        notice.get_by_text("E201", exact=False).wait_for(timeout=10000)
        assert notice.inner_text().startswith('E201 ảnh "/images/2026/img-2041.jpg" thiếu chú thích — ')
        assert repo.git("branch", "--list", "cms/*") == ""
        # the same rules as the build's, in the page: two words, the file name
        assert [p.split(" ")[0] for p in page.evaluate(
            "() => [].concat(__editorCaptionProblems('![](/images/a.jpg \"Hai từ\")'),"
            " __editorCaptionProblems('![](/images/2026/img-2041.jpg \"IMG_2041.jpg\")'))")] == ["E202", "E203"]

        page.get_by_label("Chú thích ảnh", exact=True).fill(CAPTION)
        page.screenshot(path=str(shots / "trinh-soan-1280.png"))
        page.get_by_role("button", name="Lưu").click()
        deadline = time.monotonic() + 20
        while not repo.git("branch", "--list", branch) and time.monotonic() < deadline:
            time.sleep(0.2)
        page.get_by_role("button", name="Đang lưu...").wait_for(state="detached", timeout=20000)
        # sent for review: decap-server keeps the status as the branch's description
        page.get_by_text("Trạng: Bản nháp", exact=True).click()  # Decap's own Vietnamese
        page.get_by_role("menuitem", name="Đang xét duyệt").click()
        status = ["git", "-C", str(repo.root), "config", f"branch.{branch}.description"]
        deadline = time.monotonic() + 10
        while (not subprocess.run(status, capture_output=True, text=True).stdout.strip().endswith("pending_review")
               and time.monotonic() < deadline):
            time.sleep(0.2)
        preview = page.frame_locator("iframe").first
        caption_shown = preview.locator("figure figcaption").inner_text()
        # the photo itself, in the preview and as the thumbnail under "Ảnh" (not a broken link)
        loaded = "i => i.complete && i.naturalWidth"
        photo_widths = [preview.locator("figure img").evaluate(loaded),
                        page.locator("img[src^='blob:']").first.evaluate(loaded)]
        page.screenshot(path=str(shots / "trinh-soan-da-luu-1280.png"))
        browser.close()
    assert foreign == []  # nothing but this site and decap-server
    assert caption_shown == CAPTION and all(photo_widths), photo_widths

    assert subprocess.run(status, capture_output=True, text=True).stdout.strip() == "decap-cms/pending_review"
    # the draft: one branch from main with the article and its photo, nothing else
    assert repo.git("branch", "--list", "cms/*").strip() == branch
    year_path = f"content/thcs-a/2026/{slug}.md"
    photo_path = "content/thcs-a/images/2026/img-2041.jpg"
    assert repo.git("diff", "--name-only", f"main...{branch}").splitlines() == [year_path, photo_path]
    repo.git("checkout", "-q", branch)
    text = (repo.root / year_path).read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    meta = YAML(typ="safe").load(head.removeprefix("---\n"))
    assert set(meta) <= set(ARTICLE_KEYS)
    assert meta["title"] == TITLE and meta["slug"] == slug and meta["approved_by"] == "Nguyễn Văn Hiệu"
    assert str(meta["date"]).startswith("2026-11-20 09:00")
    assert f'![](/images/2026/img-2041.jpg "{CAPTION}")' in body.splitlines()
    # the photo: upright (the red corner top-right once turned), long side 2560, nothing of the phone's EXIF
    stored = Image.open(repo.root / photo_path)
    assert stored.format == "JPEG" and max(stored.size) <= 2560 and stored.size == (1920, 2560)
    assert not stored.getexif() and "exif" not in stored.info
    assert stored.getpixel((1900, 20))[0] > 200 and stored.getpixel((20, 20))[0] < 100

    check = repo.check()
    assert check.returncode == 0, check.stdout + check.stderr
    assert not [l for l in check.lines if " E" in l or " W" in l], check.lines
    article = html.parse(str(repo.build() / "thcs-a" / "bai-viet" / f"{slug}.html"))
    assert article.findtext(".//h1") == TITLE
    figure = article.find(".//div[@class='prose']//figure")
    assert figure.findtext("figcaption") == CAPTION and figure.find(".//img").get("alt") == CAPTION
