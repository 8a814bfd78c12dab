"""Issue 4: responsive, private, cached images; bad image files reported while the rest builds.

Real Pillow files, real builds (tools/build.py in a subprocess), HTML parsed with lxml.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pillow_heif  # pinned in requirements.txt: a missing one is an error, never a skip
import pytest
from lxml import html
from PIL import Image, ImageDraw

from factory import APPROVER, CODE_ROOT, front_matter

def _exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation                     # Orientation: rotate 90° CW to view
    exif[0x010F] = "PhoneMaker"                    # Make
    exif[0x0110] = "Phone 12"                      # Model
    gps = {1: "N", 2: (21.0, 1.0, 30.5), 3: "E", 4: (105.0, 50.0, 28.3)}
    exif[0x8825] = gps                             # GPSInfo
    return exif


def _photo(path: Path, size=(1200, 900), exif=None, fmt="JPEG", **extra) -> Path:
    """A photo with a red block at its stored top-left corner (to check the rotation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, (40, 110, 190))
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 4, size[1] // 4), fill=(230, 20, 20))
    kwargs = dict(extra)
    if exif is not None:
        kwargs["exif"] = exif
    image.save(path, fmt, **kwargs)
    return path


def _figure_body(*images: tuple[str, str]) -> str:
    lines = ["Sáng nay nhà trường tổ chức hoạt động ngoại khóa cho học sinh.", ""]
    lines += [f'![Ảnh hoạt động]({src} "{caption}")' for src, caption in images]
    return "\n".join(lines) + "\n"


def _featured_article(repo, unit: str, name: str, title: str, image: str, caption: str, body: str) -> str:
    """The factory's ``image`` argument is taken, so a featured image is written here."""
    rel = f"content/{unit}/{name}"
    fields = dict(title=title, date="2024-11-07 08:30", author="Đoàn Thị Tâm", image=image,
                  image_caption=caption, approved_by=APPROVER[unit], approved_on="2024-11-07")
    repo.write(rel, front_matter(**fields) + "\n" + body)
    return rel


def _line_of(repo, rel: str, needle: str) -> int:
    text = (repo.root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(text, 1) if needle in line)


def _stats(repo) -> dict:
    return json.loads((repo.root / "cache/images/last-build.json").read_text())


def _article_pages(out: Path):
    return sorted(out.glob("*/bai-viet/*.html"))


def _images_in(out: Path):
    """The articles' pictures written to ``out`` (a unit's logo, bieu-trung.*, is its file as given)."""
    return sorted(p for p in out.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".webp", ".png", ".heic")
                  and not p.name.startswith("bieu-trung."))


# ---------------------------------------------------------------------------
# Bad input


def test_each_bad_image_is_an_error_naming_line_and_file_and_the_rest_builds(province):
    repo = province
    d = repo.root / "content/thcs-a/images/2024"
    _photo(d / "tot.jpg")
    (d / "khong-phai-anh.jpg").write_text("đây là văn bản, không phải ảnh", encoding="utf-8")
    whole = _photo(d / "nguyen-ven.jpg", size=(1600, 1200), quality=95)
    data = whole.read_bytes()
    (d / "cat-cut.jpg").write_bytes(data[: len(data) // 2])
    whole.unlink()
    Image.new("1", (12000, 9000)).save(d / "qua-lon.png")           # 108 megapixels, a small file
    _photo(d / "nho.jpg", size=(300, 200))
    cases = {
        "thieu": ("/images/2024/khong-co.jpg", "E204"),
        "van-ban": ("/images/2024/khong-phai-anh.jpg", "E205"),
        "cat-cut": ("/images/2024/cat-cut.jpg", "E207"),
        "qua-lon": ("/images/2024/qua-lon.png", "E208"),
    }
    for name, (src, _) in cases.items():
        repo.article("thcs-a", f"2024/{name}.md", title=f"Bài có ảnh lỗi {name}",
                     body=_figure_body((src, "Học sinh lớp 8A trong giờ ngoại khóa")))
    repo.article("thcs-a", "2024/nho.md", title="Bài có ảnh nhỏ",
                 body=_figure_body(("/images/2024/nho.jpg", "Học sinh lớp 8A trong giờ ngoại khóa")))
    repo.article("thcs-a", "2024/tot.md", title="Bài có ảnh tốt",
                 body=_figure_body(("/images/2024/tot.jpg", "Học sinh lớp 8A trong giờ ngoại khóa")))

    result = repo.run_build()
    assert result.returncode == 0, result.stderr
    text = result.stdout + result.stderr
    for name, (src, code) in cases.items():
        rel = f"content/thcs-a/2024/{name}.md"
        line = _line_of(repo, rel, src)
        expected = f"{rel}:{line}: {code} "
        found = [l for l in text.splitlines() if l.startswith(expected)]
        assert found, f"no {expected!r} in:\n{text}"
        assert src in found[0]
    out = repo.root / "output/thcs-a/bai-viet"
    assert (out / "bai-co-anh-tot.html").exists()
    for name in cases:
        assert not (out / f"bai-co-anh-loi-{name}.html").exists()
    # too small: a warning, the article is published with its figure
    rel = "content/thcs-a/2024/nho.md"
    assert f"{rel}:{_line_of(repo, rel, 'nho.jpg')}: W604 " in text
    page = html.parse(str(out / "bai-co-anh-nho.html"))
    img = page.find(".//div[@class='prose']//figure//img")
    assert img is not None and img.get("width") == "300"
    # make check reports the same problems
    check = repo.check()
    assert check.returncode == 1
    for name, (src, code) in cases.items():
        assert any(f"{name}.md:" in l and code in l for l in check.lines), check.lines


def test_heic_from_an_iphone_is_converted(province):
    pillow_heif.register_heif_opener()
    repo = province
    _photo(repo.root / "content/thcs-a/images/2024/iphone.heic", size=(1000, 750), fmt="HEIF")
    repo.article("thcs-a", "2024/iphone.md", title="Ảnh chụp bằng iPhone",
                 body=_figure_body(("/images/2024/iphone.heic", "Học sinh lớp 6B tham quan bảo tàng tỉnh")))
    out = repo.build()
    page = html.parse(str(out / "thcs-a/bai-viet/anh-chup-bang-iphone.html"))
    img = page.find(".//figure//img")
    assert img.get("src").endswith(".jpg")
    assert Image.open(out / "thcs-a" / "bai-viet" / img.get("src")).size == (1000, 750)
    assert not list(out.rglob("*.heic"))


def test_heic_without_the_plugin_says_how_to_export_jpeg(tmp_path):
    """Where pillow-heif is not installed, HEIC is E209 with the way to get a JPEG."""
    pillow_heif.register_heif_opener()
    source = _photo(tmp_path / "a.heic", size=(200, 150), fmt="HEIF")
    code = ("import sys, json; sys.modules['pillow_heif'] = None\n"
            "import image_assets\n"
            f"print(json.dumps(image_assets.examine(open({str(source)!r}, 'rb'))))")
    env = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    facts = json.loads(proc.stdout)
    assert facts["code"] == "E209" and facts["args"]["format"] == "HEIC"
    from problems import CATALOGUE
    assert "JPEG" in CATALOGUE["E209"][1]


# ---------------------------------------------------------------------------
# Privacy and orientation


def test_no_output_image_carries_exif_gps_xmp_or_comments_and_all_are_upright(province):
    repo = province
    d = repo.root / "content/thcs-a/images/2024"
    _photo(d / "gps.jpg", size=(2000, 1500), exif=_exif(6).tobytes(), comment=b"Truong THCS A, GPS",
           xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>')
    _photo(d / "dai-dien.png", size=(900, 600), fmt="PNG", exif=_exif(8).tobytes())
    _featured_article(repo, "thcs-a", "2024/gps.md", "Ảnh có vị trí", "/images/2024/dai-dien.png",
                      "Cổng trường THCS A sáng thứ hai", _figure_body(("/images/2024/gps.jpg", "Học sinh chào cờ đầu tuần ở sân trường")))
    out = repo.build()
    images = _images_in(out)
    assert len(images) == 2 * 3 + 2 * 2  # gps.jpg (1500 wide upright): 480/960/1500; dai-dien.png (600 wide upright): 480/600
    for path in images:
        assert path.suffix in (".jpg", ".webp"), path  # never the original (PNG here)
        with Image.open(path) as image:
            assert not image.getexif(), path
            for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"):
                assert key not in image.info, (path, key)
            raw = path.read_bytes()
            assert b"Exif\x00\x00" not in raw and b"PhoneMaker" not in raw and b"xmpmeta" not in raw, path
            # orientations 6 and 8 both swap the axes: every file is portrait
            assert image.height > image.width, (path, image.size)
            # the red block, stored top-left: 6 (90° CW) puts it top-right, 8 (90° CCW) bottom-left
            rgb = image.convert("RGB")
            w, h = rgb.size
            x, y = (w - 3, 3) if path.name.startswith("gps.") else (3, h - 3)
            r, g, b = rgb.getpixel((x, y))
            assert r > 150 and b < 100, (path, (r, g, b))


def test_demo_photos_with_gps_lose_it(demo_output):
    found = 0
    for path in _images_in(demo_output):
        assert path.suffix in (".jpg", ".webp")
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert "exif" not in image.info and "comment" not in image.info and "xmp" not in image.info
        if path.name.startswith(("hoc-sinh-lap-trinh.", "be-lam-thi-nghiem.")):
            found += 1
            assert Image.open(path).width > Image.open(path).height  # stored portrait, orientation 6
    assert found >= 4


# ---------------------------------------------------------------------------
# HTML


def test_pages_use_pictures_in_figures_with_captions_sizes_and_lazy_loading(province):
    repo = province
    d = repo.root / "content/thcs-a/images/2024"
    for name in ("a", "b", "c"):
        _photo(d / f"{name}.jpg", size=(4000, 3000), quality=80)
    _photo(d / "rong-vua.jpg", size=(1000, 700))
    body = ("Sáng nay nhà trường tổ chức hoạt động ngoại khóa cho học sinh.\n\n"
            '![Mở đầu](/images/2024/rong-vua.jpg "Thầy hiệu trưởng phát biểu khai mạc")\n\n'
            "Sau đó các lớp thi đấu.\n\n"
            '![Một](/images/2024/a.jpg "Lớp 6A thi kéo co")\n'
            '![Hai](/images/2024/b.jpg "Lớp 7B thi nhảy bao bố")\n'
            '![](/images/2024/c.jpg "Lớp 8C thi ném còn")\n')
    repo.article("thcs-a", "2024/ngoai-khoa.md", title="Ngày hội ngoại khóa", body=body)
    _featured_article(repo, "thcs-a", "2024/dai-dien.md", "Bài có ảnh đại diện", "/images/2024/a.jpg",
                      "Lớp 6A thi kéo co ở sân trường", _figure_body(("/images/2024/b.jpg", "Lớp 7B thi nhảy bao bố")))
    out = repo.build()

    pages = sorted(out.rglob("*.html"))
    checked = 0
    for path in pages:
        tree = html.parse(str(path))
        # every picture of an article (the masthead's logo is the unit's file or the theme's SVG)
        imgs = [img for img in tree.findall(".//img") if img.get("class") != "masthead__logo"]
        for position, img in enumerate(imgs):
            checked += 1
            assert img.get("alt") is not None and img.get("width") and img.get("height"), (path, img.attrib)
            # (libxml2's HTML parser does not know <source> is void: it nests the <img> in it)
            picture = next((a for a in img.iterancestors() if a.tag == "picture"), None)
            assert picture is not None, (path, img.attrib)
            source = picture.find(".//source")
            assert source.get("type") == "image/webp"
            for attribute in ("srcset", "sizes"):
                assert img.get(attribute) and source.get(attribute)
            for candidate in img.get("srcset").split(", ") + source.get("srcset").split(", "):
                url, width = candidate.split()
                file = (path.parent / url).resolve()
                assert file.exists(), (path, url)
                assert Image.open(file).width == int(width[:-1])
            if "card__image" in (img.get("class") or ""):
                assert img.get("alt") == "" and img.get("loading") == "lazy"
                assert int(img.get("width")) <= 960  # list pages: a small file
                continue
            figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
            assert figure is not None, (path, img.attrib)
            assert (figure.findtext("figcaption") or "").strip(), path
            assert img.get("alt").strip()
            # the first image of a page is loaded at once, the others lazily
            assert (img.get("loading") == "lazy") == (position > 0), (path, position, img.attrib)
    assert checked >= 8

    page = html.parse(str(out / "thcs-a/bai-viet/ngay-hoi-ngoai-khoa.html"))
    gallery = page.find(".//div[@class='gallery']")
    assert gallery is not None
    figures = gallery.findall("figure")
    assert [f.findtext("figcaption") for f in figures] == ["Lớp 6A thi kéo co", "Lớp 7B thi nhảy bao bố",
                                                           "Lớp 8C thi ném còn"]
    assert figures[2].find(".//img").get("alt") == "Lớp 8C thi ném còn"  # empty alt: the caption
    for figure in figures:
        link = figure.find(".//a")
        large = (out / "thcs-a/bai-viet" / link.get("href")).resolve()
        assert Image.open(large).size == (1600, 1200)  # the largest written, never the original
        widths = sorted(int(c.split()[1][:-1]) for c in figure.find(".//img").get("srcset").split(", "))
        assert widths == [480, 960, 1600]
    assert not page.xpath("//script[@src]")
    # never wider than the original: 1000 px wide gives 480 and 1000
    first = page.find(".//div[@class='prose']/figure//img")
    assert sorted(int(c.split()[1][:-1]) for c in first.get("srcset").split(", ")) == [480, 1000]
    assert first.get("loading") is None
    # no original file in output/
    assert not any(p.name in ("a.jpg", "b.jpg", "c.jpg", "rong-vua.jpg") for p in out.rglob("*"))


# ---------------------------------------------------------------------------
# Cache


def test_unchanged_rebuild_processes_no_image_and_writes_none(province):
    repo = province
    d = repo.root / "content/thcs-a/images/2024"
    _photo(d / "mot.jpg", size=(2400, 1800))
    _photo(d / "hai.jpg", size=(1800, 1200))
    repo.article("thcs-a", "2024/mot.md", title="Bài một",
                 body=_figure_body(("/images/2024/mot.jpg", "Học sinh lớp 9A trồng cây xanh"),
                                   ("/images/2024/hai.jpg", "Học sinh lớp 9B tưới cây xanh")))
    out = repo.build()
    first = _stats(repo)
    assert first["processed"] == 2 and first["cached"] == 0
    files = {p.relative_to(out): p.stat().st_ino for p in _images_in(out)}
    assert len(files) == first["linked"] + first["copied"] == 2 * 2 * 3  # 2 photos, 3 widths, 2 formats

    out = repo.build()
    second = _stats(repo)
    assert second["processed"] == 0 and second["cached"] == 2 and second["bytes_written"] == 0
    cache = repo.root / "cache/images"
    for rel, _ in files.items():
        path = out / rel
        assert path.exists()
        if second["copied"] == 0:  # hard links to the cache: no image bytes written again
            assert path.stat().st_nlink >= 2
            key_prefix, width = rel.name.split(".")[1:3]
            cached = [c for c in cache.glob(f"{key_prefix}*/{width}{rel.suffix}")]
            assert cached and cached[0].stat().st_ino == path.stat().st_ino

    # a changed photo is processed again, alone
    _photo(d / "hai.jpg", size=(1800, 1300))
    repo.build()
    third = _stats(repo)
    assert third["processed"] == 1 and third["cached"] == 1
