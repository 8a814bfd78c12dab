"""The images articles show: checked on disk each build, turned into figures, written out.

Only images referenced by published content reach ``output/``, never as the
original file: each is written in a few widths as WebP and JPEG (see
``render.py``) at ``<unit-id>/images/<dir>/<name>.<key>.<width>.<webp|jpg>``,
where ``key`` is the content hash of the source and the image settings.  The
files are made once, in ``cache/images/<key>/``, and hard-linked (or copied)
into each build, so an unchanged rebuild processes no image.

Settings (Pelican settings, defaults in ``render.DEFAULTS``): ``IMAGE_WIDTHS``,
``IMAGE_JPEG_QUALITY``, ``IMAGE_WEBP_QUALITY``, ``IMAGE_WEBP_METHOD``,
``IMAGE_MAX_PIXELS`` (E208 above it), ``IMAGE_MIN_WIDTH`` (W604 below it),
``IMAGE_WORKERS``.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import os
import posixpath
import re
import stat as stat_module
import time
import warnings
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup
from PIL import Image, UnidentifiedImageError
from pelican import signals
from pelican.generators import Generator

import output_sync
from article_reader.files import inside_unit
from article_reader.bodies import stored_html
from article_reader.markdown import FIGURE_MARKER  # the reader leaves these where figures go
from article_reader.source import IMAGE_EXTENSIONS, nfc
from problems import Problem, did_you_mean

from . import render

logger = logging.getLogger(__name__)

SIZES_BODY = "(min-width: 46rem) 44rem, 100vw"
SIZES_GALLERY = "(min-width: 46rem) 22rem, 100vw"
SIZES_CARD = "(min-width: 60rem) 22rem, 100vw"
THUMB_MAX = 960   # list pages: no file wider than this
STATS_FILE = "last-build.json"

_config: dict = dict(render.DEFAULTS)
_fingerprint: list[str] = [render.fingerprint(_config)]
# realpath() costs an lstat per path component; an image is shown by many articles
_inside_unit: dict[tuple[str, str], bool] = {}


def configure(settings) -> None:
    """Take the IMAGE_* settings (Pelican's ``initialized`` signal)."""
    for key, value in render.DEFAULTS.items():
        _config[key] = settings.get(key, value)
    if isinstance(_config["IMAGE_WIDTHS"], list):
        _config["IMAGE_WIDTHS"] = tuple(_config["IMAGE_WIDTHS"])
    _fingerprint[0] = render.fingerprint(_config)
    _inside_unit.clear()
    _stats.clear()
    _pictures.clear()
    _unit_files.clear()


_stats: dict[str, os.stat_result | None] = {}
_pictures: dict[tuple, "Picture"] = {}


def _picture(source: str, file: str, sha256: str, width: int, height: int, fingerprint: str) -> "Picture":
    """One Picture per file and settings, however many articles show it."""
    key = (source, file, sha256, width, height, fingerprint)
    if key not in _pictures:
        _pictures[key] = Picture(source, render.cache_key(sha256, _config), width, height,
                                 render.plan(width, height, _config["IMAGE_WIDTHS"]), file)
    return _pictures[key]


def _file_stat(absolute: str) -> os.stat_result | None:
    """The stat of a regular file, None if there is none; once per path and process."""
    if absolute not in _stats:
        try:
            found = os.stat(absolute)
            _stats[absolute] = found if stat_module.S_ISREG(found.st_mode) else None
        except OSError:
            _stats[absolute] = None
    return _stats[absolute]


_unit_files: dict[tuple[str, str], dict[str, str]] = {}


def _files_of(repo_root: str, unit: str) -> dict[str, str]:
    """Every file of a unit's folder: its repository path in NFC -> its path as on disk.

    Read once per unit and build, only for an image not found under its own name: a Mac
    writes file names in NFD, which an article's NFC text does not name byte for byte."""
    key = (repo_root, unit)
    if key not in _unit_files:
        found = {}
        for folder, dirs, files in os.walk(os.path.join(repo_root, "content", unit)):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel = os.path.relpath(folder, repo_root).replace(os.sep, "/")
            for name in files:
                found.setdefault(nfc(f"{rel}/{name}"), f"{rel}/{name}")
        _unit_files[key] = found
    return _unit_files[key]


def _not_found(article: str, ref, unit: str, files: dict[str, str]) -> Problem:
    """E204, with the unit's image whose name is closest to the one written ("có phải … không?"):
    the same name in another case, or a letter off; one in the same folder first."""
    root = f"content/{unit}/"
    folder = posixpath.dirname(ref.path)
    images = sorted((path for path in files if path.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS),
                    key=lambda path: (posixpath.dirname(path) != folder, path))
    suggestion = did_you_mean(ref.path, images, key=lambda path: posixpath.basename(path).casefold(),
                              shown=lambda path: "/" + path[len(root):])
    return Problem(article, ref.line, "E204", {"src": ref.src, "unit": unit, "suggestion": suggestion})


def _is_inside(repo_root: str, file: str) -> bool:
    """``file`` (a repository path as on disk) is its unit's own: article_reader.files.inside_unit,
    the rule articles are read by too."""
    key = (repo_root, file)
    if key not in _inside_unit:
        _inside_unit[key] = inside_unit(os.path.join(repo_root, "content"), file[len("content/"):])
    return _inside_unit[key]


@dataclass(frozen=True)
class Picture:
    """A checked image file and the files it becomes in ``output/``."""

    source: str        # repository path in NFC, e.g. "content/thcs-x/images/2022/a.jpg" (output names)
    key: str           # content hash of the source and the settings
    width: int         # upright size of the original
    height: int
    sizes: tuple       # ((width, height), ...) written, smallest first
    file: str = ""     # the repository path as on disk (another Unicode form of ``source``), read

    @functools.cached_property  # every srcset asks for it, ~1.6 million times in a province build
    def base(self) -> str:
        stem, _ = posixpath.splitext(self.source[len("content/"):])
        return f"{stem}.{self.key[:10]}"

    def url(self, size, kind: str) -> str:
        """A file written, as a path relative to output/."""
        return f"{self.base}.{size[0]}.{kind}"

    @functools.cached_property
    def link_base(self) -> str:
        """``base`` percent-encoded (urllib.parse.quote): a file name with a space, a comma, "#",
        "?" or "%" is still one address in a srcset (issue 10, item 7)."""
        return quote(self.base)

    def link(self, size, kind: str) -> str:
        """The address of ``url(size, kind)``, relative to output/."""
        return f"{self.link_base}.{size[0]}.{kind}"

    @property
    def output_path(self) -> str:
        """The largest JPEG, relative to output/."""
        return self.url(self.sizes[-1], "jpg")

    @property
    def output_link(self) -> str:
        """The address of ``output_path`` (what a plain <img> or a link uses)."""
        return self.link(self.sizes[-1], "jpg")

    def files(self):
        """(name in the cache folder, path relative to output/) of every file written."""
        for size in self.sizes:
            for name, kind in zip(render.file_names(size), ("webp", "jpg")):
                yield name, self.url(size, kind)


def picture_html(picture: Picture, href, alt: str, sizes: str, lazy: bool,
                 css_class: str = "", max_width: int | None = None) -> str:
    """A <picture> with WebP and JPEG srcsets; ``href`` makes a link from the page to a path
    under output/ (unit_sites.links.Links, or a page's path inside its own site)."""
    chosen = [s for s in picture.sizes if max_width is None or s[0] <= max_width] or [picture.sizes[0]]
    esc = lambda text: html.escape(text, quote=True)  # noqa: E731
    webp = ", ".join(f"{esc(href(picture.link(s, 'webp')))} {s[0]}w" for s in chosen)
    jpeg = ", ".join(f"{esc(href(picture.link(s, 'jpg')))} {s[0]}w" for s in chosen)
    width, height = chosen[-1]
    attributes = f' class="{esc(css_class)}"' if css_class else ""
    loading = ' loading="lazy"' if lazy else ""
    return (f'<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
            f'<img{attributes} src="{esc(href(picture.link(chosen[-1], "jpg")))}" srcset="{jpeg}" sizes="{sizes}"'
            f' alt="{esc(alt)}" width="{width}" height="{height}"{loading} decoding="async"></picture>')


def figure_html(ref, picture: Picture, href, lazy: bool = True, sizes: str = SIZES_BODY) -> str:
    inner = picture_html(picture, href, ref.alt or ref.caption, sizes, lazy)
    large = html.escape(href(picture.output_link), quote=True)
    return (f'<figure><a class="figure__link" href="{large}">{inner}</a>'
            f'<figcaption>{html.escape(ref.caption)}</figcaption></figure>')


def _inside_site(content):
    """Links from a content's page to pictures of its own site, relative to that site's folder:
    the body is the same in the page and in the feed (xml:base), wherever the site is served."""
    site_prefix = content.site.prefix if getattr(content, "site", None) is not None else ""
    root = output_sync.root_from(posixpath.dirname(content.url)[len(site_prefix):])
    return lambda path: f"{root}/{path[len(site_prefix):]}"


class Featured(dict):
    """``content.featured``: url/width/height/caption/alt (the largest JPEG), and ready HTML.

    Templates: ``{{ article.featured.html(LINKS) }}`` (article page, lead story: not
    lazy) and ``{{ article.featured.thumb_html(LINKS) }}`` (cards: small, lazy, alt="");
    ``LINKS`` is the page's unit_sites.links.Links.
    """

    def html(self, href) -> Markup:
        return Markup(picture_html(self["picture"], href, self["alt"], SIZES_BODY, lazy=False))

    def thumb_html(self, href) -> Markup:
        return Markup(picture_html(self["picture"], href, "", SIZES_CARD, lazy=True,
                                   css_class="card__image", max_width=THUMB_MAX))


# ---------------------------------------------------------------------------
# Checking the files (each build, and `make check`)

_inspected: dict[tuple, dict] = {}     # (abs path, mtime, size, fingerprint) -> facts
_index: dict[str, dict] | None = None  # persistent: cache/images/index.json
_index_root: str | None = None
_warned: dict[tuple, Picture] = {}     # (article, line, src) -> picture that came with a warning
FACTS_VERSION = 2  # the facts an index entry holds (2: gps, bytes)


def _index_path(repo_root: str) -> str:
    return os.path.join(repo_root, "cache", "images", "index.json")


def _load_index(repo_root: str) -> dict:
    global _index, _index_root
    if _index is None or _index_root != repo_root:
        try:
            with open(_index_path(repo_root), encoding="utf-8") as f:
                _index = json.load(f)
        except (OSError, ValueError):
            _index = {}
        _index_root = repo_root
    return _index


def save_index(repo_root: str) -> None:
    if _index is None or _index_root != repo_root:
        return
    output_sync.replace_file(_index_path(repo_root), json.dumps(_index).encode("utf-8"))


def inspect(repo_root: str, article: str, ref) -> Picture | Problem:
    """Check the file behind an ImageRef of ``article`` (a local path of its unit).

    A usable but small image gives a W604 problem; its picture is still used
    (``attach`` finds it).
    """
    found = _facts(repo_root, article, ref)
    if isinstance(found, Problem):
        return found
    file, facts = found
    unit = ref.path.split("/")[1]
    if facts.get("code"):
        args = {"src": ref.src, "unit": unit, **facts.get("args", {})}
        return Problem(article, ref.line, facts["code"], args)
    width, height = facts["size"]
    picture = _picture(ref.path, file, facts["sha256"], width, height, _fingerprint[0])
    if width < _config["IMAGE_MIN_WIDTH"]:
        _warned[(article, ref.line, ref.src)] = picture
        return Problem(article, ref.line, "W604", {"src": ref.src, "width": width, "height": height,
                                                   "min_width": _config["IMAGE_MIN_WIDTH"]})
    return picture


def _facts(repo_root: str, article: str, ref) -> tuple[str, dict] | Problem:
    """The file behind ``ref`` (its name on disk, which may be another Unicode form of the
    reference) and its facts, read once per version of the file (``_inspected``, then the
    persistent index); a problem when there is no such file in the unit, or it is outside."""
    unit = ref.path.split("/")[1]
    file = ref.path
    if _file_stat(os.path.join(repo_root, file)) is None:
        files = _files_of(repo_root, unit)
        if ref.path not in files:
            return _not_found(article, ref, unit, files)
        file = files[ref.path]  # the same name, in another Unicode form
    absolute = os.path.join(repo_root, file)
    if not _is_inside(repo_root, file):
        return Problem(article, ref.line, "E501", {"src": ref.src, "unit": unit})
    stat = _file_stat(absolute)
    if stat is None:
        return _not_found(article, ref, unit, _files_of(repo_root, unit))
    fingerprint = _fingerprint[0]
    key = (absolute, stat.st_mtime_ns, stat.st_size, fingerprint, _config["IMAGE_MAX_PIXELS"])
    if key not in _inspected:
        index = _load_index(repo_root)
        stored = index.get(ref.path)
        stamp = [stat.st_mtime_ns, stat.st_size, fingerprint, _config["IMAGE_MAX_PIXELS"], FACTS_VERSION]
        if stored is None or stored.get("stamp") != stamp:
            with open(absolute, "rb") as handle:
                stored = examine(handle)
            stored["stamp"] = stamp
            index[ref.path] = stored
        _inspected[key] = stored
    return file, _inspected[key]


_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def examine(handle) -> dict:
    """Facts about one image file, read from ``handle`` (binary, seekable): its hash, size in
    bytes and upright size, or under "code" the error that keeps it off every page (E205-E209).

    The one rule for "is this file a usable image": the build reads it from disk
    (``inspect``), the quota's history walk from a git blob (quota.history)."""
    digest = hashlib.sha256()
    head = handle.read(64)
    digest.update(head)
    size = len(head)
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    handle.seek(0)
    facts: dict = {"sha256": digest.hexdigest(), "bytes": size}
    limit = _config["IMAGE_MAX_PIXELS"]
    pillow_limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = None  # the size is read, and checked below, before any decoding
            with Image.open(handle) as image:
                Image.MAX_IMAGE_PIXELS = pillow_limit
                width, height = image.size
                kind = image.format or "?"
                if width * height > limit:
                    return facts | _bomb(width, height, limit)
                exif = image.getexif()
                orientation = exif.get(0x0112, 1)
                # GPSLatitude (2) or GPSLongitude (4) in the GPS IFD: where the photo was taken (W614)
                gps = exif.get_ifd(0x8825)
                facts["gps"] = bool(gps.get(2) or gps.get(4))
                # Decode it all (small, for a JPEG: DCT scaling), so a truncated file is caught now.
                if image.format == "JPEG" and image.mode in ("RGB", "L", "YCbCr"):
                    image.draft(image.mode if image.mode == "L" else "RGB", (width // 8 or 1, height // 8 or 1))
                image.load()
    except Image.DecompressionBombError as exc:
        found = re.search(r"(\d+) pixels", str(exc))
        pixels = int(found.group(1)) if found else limit + 1
        return facts | {"code": "E208", "args": {"width": "?", "height": "?",
                                                 "megapixels": f"{pixels / 1e6:.0f}",
                                                 "max_megapixels": f"{limit / 1e6:.0f}"}}
    except UnidentifiedImageError:
        if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS and render.HEIF:
            return facts | {"code": "E207", "args": {"detail": "tệp HEIC/HEIF không giải mã được"}}
        if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
            kind = "AVIF" if head[8:12] == b"avif" else "HEIC"
            return facts | {"code": "E209", "args": {"format": kind}}
        return facts | {"code": "E205", "args": {"detail": "không nhận ra định dạng ảnh"}}
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return facts | {"code": "E207", "args": {"detail": f"{exc.__class__.__name__}: {exc}"[:120]}}
    finally:
        Image.MAX_IMAGE_PIXELS = pillow_limit
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    facts["size"] = [width, height]
    facts["format"] = kind
    return facts


def repository_warnings(repo_root: str, article: str, ref) -> list[Problem]:
    """W614 (GPS coordinates) and W615 (an original larger than the repository should keep,
    ``render.ORIGINAL_MAX_*``: what the Word import writes) of the file behind ``ref``; none
    for a file ``inspect`` refuses."""
    found = _facts(repo_root, article, ref) if ref.path else None
    if found is None or isinstance(found, Problem):
        return []
    facts = found[1]
    if facts.get("code") or "size" not in facts:
        return []
    found = []
    if facts.get("gps"):
        found.append(Problem(article, ref.line, "W614", {"src": ref.src}))
    width, height = facts["size"]
    too_big = []
    if max(width, height) > render.ORIGINAL_MAX_SIDE:
        too_big.append(f"{width}×{height} điểm ảnh, cạnh dài quá {render.ORIGINAL_MAX_SIDE}")
    if facts.get("bytes", 0) > render.ORIGINAL_MAX_BYTES:
        too_big.append(f"{facts['bytes'] / 1e6:.1f} MB, quá {render.ORIGINAL_MAX_BYTES // 1_000_000} MB"
                       .replace(".", ","))
    if too_big:
        found.append(Problem(article, ref.line, "W615", {"src": ref.src, "detail": "; ".join(too_big)}))
    return found


def _bomb(width: int, height: int, limit: int) -> dict:
    return {"code": "E208", "args": {"width": width, "height": height,
                                     "megapixels": f"{width * height / 1e6:.0f}",
                                     "max_megapixels": f"{limit / 1e6:.0f}"}}


# ---------------------------------------------------------------------------
# Figures in the pages


def attach(content, pictures: dict[int, Picture]) -> None:
    """Give a published content its checked pictures (``figures``, ``featured``, ``pictures``).

    ``pictures`` maps an index of ``content.source.images`` to its checked file.
    The HTML is made on demand by :func:`body_html`, so that no second copy of
    every article's text stays in memory (or in Pelican's cache).
    """
    images = content.source.images
    pictures = dict(pictures)
    for index, ref in enumerate(images):  # images that only brought a warning (W604)
        found = _warned.get((content.source.path, ref.line, ref.src))
        if index not in pictures and found is not None and ref.path == found.source:
            pictures[index] = found
    content.figures = pictures
    content.featured = None
    for index, ref in enumerate(images):
        if ref.featured and index in pictures:
            picture = pictures[index]
            width, height = picture.sizes[-1]
            content.featured = Featured(url=picture.output_link, width=width, height=height,
                                        caption=ref.caption, alt=ref.alt or ref.caption, picture=picture)
    content.pictures = [pictures[index] for index in sorted(pictures)]


_last_body: tuple = (None, None)  # (content, its body): a page and its feed entries ask in turn


def body_html(content) -> Markup:
    """The reader's HTML with its figure markers replaced; galleries for grouped images."""
    global _last_body
    if _last_body[0] is content:
        return _last_body[1]
    _last_body = (content, _body_html(content))
    return _last_body[1]


def _body_html(content) -> Markup:
    images, pictures = content.source.images, content.figures
    body = [index for index, ref in enumerate(images) if not ref.featured]
    href = _inside_site(content)  # pages are written at their URL (unit_sites)
    text = stored_html(content)
    groups: dict[int, list[int]] = {}
    for marker, index in enumerate(body):
        groups.setdefault(images[index].group, []).append(marker)
    # The first image of the page is not lazy: the featured one when there is one.
    first = not any(ref.featured and index in pictures for index, ref in enumerate(images))
    for members in groups.values():
        figures = []
        gallery = len(members) > 1
        for marker in members:
            ref, picture = images[body[marker]], pictures.get(body[marker])
            if picture:
                figures.append(figure_html(ref, picture, href, lazy=not first,
                                           sizes=SIZES_GALLERY if gallery else SIZES_BODY))
                first = False
            else:
                figures.append("")
        markers = [FIGURE_MARKER.format(i) for i in members]
        if gallery:
            block = '<div class="gallery">' + "".join(figures) + "</div>"
            text = text.replace(markers[0], block, 1)
            for marker in markers[1:]:
                text = text.replace(marker + "\n", "", 1).replace(marker, "", 1)
        else:
            text = text.replace(markers[0], figures[0], 1)
    return Markup(text)


# ---------------------------------------------------------------------------
# Writing the files


def publish(pictures, repo_root: str, workers: int = 0) -> dict:
    """Make the missing cache entries (in parallel), then link the new files into output/ (output_sync).

    Returns counts: ``processed`` (photos rendered now), ``cached`` (found in the
    cache), ``linked``/``copied`` (files put into output/), ``seconds``.
    """
    started = time.perf_counter()
    unique: dict[str, Picture] = {}
    for picture in pictures:
        unique.setdefault(picture.key, picture)
    jobs = []
    cache_root = os.path.join(repo_root, "cache", "images")
    for key, picture in unique.items():
        target = os.path.join(cache_root, key)
        if not os.path.isdir(target):
            jobs.append(render.Job(os.path.join(repo_root, picture.file or picture.source), target, picture.sizes,
                                   dict(_config)))
    results = render.run_jobs(jobs, workers or _config["IMAGE_WORKERS"])
    stats = {"photos": len(unique), "processed": len(results), "cached": len(unique) - len(results),
             "bytes_written": sum(r[2] for r in results), "linked": 0, "copied": 0}
    sink = output_sync.sink()
    # one source file, one set of output files (two identical photos share a cache entry only)
    for picture in {picture.source: picture for picture in pictures}.values():
        for name, rel in picture.files():
            before = sink.written
            # the file name carries the content hash: the key is a fingerprint of its bytes
            sink.link(rel, os.path.join(cache_root, picture.key, name), picture.key)
            stats["linked"] += sink.written - before
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return stats


class ImagesGenerator(Generator):
    """Writes the images of published content into output/ (never the originals)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        root = self.settings["REPO_ROOT"]
        pictures = []
        for content in self.context.get("articles", []) + self.context.get("pages", []) + self.context.get("documents", []):
            pictures.extend(getattr(content, "pictures", []))
        cache_root = os.path.join(root, "cache", "images")
        stats = publish(pictures, root)
        save_index(root)
        os.makedirs(cache_root, exist_ok=True)
        with open(os.path.join(cache_root, STATS_FILE), "w", encoding="utf-8") as f:
            json.dump(stats, f)
        logger.info("Ảnh: %(photos)d ảnh, %(processed)d xử lý mới, %(cached)d lấy từ bộ nhớ đệm, "
                    "%(linked)d tệp liên kết, %(copied)d tệp chép (%(seconds)s s)", stats)


def _generators(pelican):
    return ImagesGenerator


def _initialized(pelican):
    configure(pelican.settings)
    pelican.settings.setdefault("JINJA_GLOBALS", {})["body_html"] = body_html


def register():
    signals.initialized.connect(_initialized)
    signals.get_generators.connect(_generators)
