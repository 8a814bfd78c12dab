"""The images articles show: checked on disk each build, turned into figures, written out.

Only images referenced by published content reach ``output/``, at
``<unit-id>/images/...`` (the Sở's at ``so/images/...``).
"""

from __future__ import annotations

import html
import os
import posixpath
import shutil
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pelican import signals
from pelican.generators import Generator

from problems import Problem

FIGURE_MARKER = "<!--figure:{}-->"


@dataclass(frozen=True)
class Picture:
    """A checked image file: where it goes in ``output/`` and its size."""

    output_path: str   # relative to output/, e.g. "thcs-x/images/2022/a.jpg"
    width: int
    height: int


_inspected: dict[tuple[str, int, int], tuple[int, int] | str] = {}


def inspect(repo_root: str, article: str, ref) -> Picture | Problem:
    """Check the file behind an ImageRef of ``article`` (a local path of its unit)."""
    unit = ref.path.split("/")[1]
    absolute = os.path.join(repo_root, ref.path)
    unit_root = os.path.realpath(os.path.join(repo_root, "content", unit))
    if not os.path.realpath(absolute).startswith(unit_root + os.sep):
        return Problem(article, ref.line, "E501", {"src": ref.src, "unit": unit})
    try:
        stat = os.stat(absolute)
    except OSError:
        return Problem(article, ref.line, "E204", {"src": ref.src, "unit": unit})
    if not os.path.isfile(absolute):
        return Problem(article, ref.line, "E204", {"src": ref.src, "unit": unit})
    key = (absolute, stat.st_mtime_ns, stat.st_size)
    if key not in _inspected:
        _inspected[key] = _read_size(absolute)
    found = _inspected[key]
    if isinstance(found, str):
        return Problem(article, ref.line, "E205", {"src": ref.src, "detail": found})
    return Picture(ref.path[len("content/"):], *found)


def _read_size(absolute: str) -> tuple[int, int] | str:
    try:
        with Image.open(absolute) as image:
            image.verify()
        with Image.open(absolute) as image:
            width, height = image.size
            if image.getexif().get(0x0112) in (5, 6, 7, 8):
                width, height = height, width
            return width, height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        return exc.__class__.__name__


def figure_html(ref, picture: Picture, page_dir: str, lazy: bool = True) -> str:
    src = posixpath.relpath(picture.output_path, page_dir or ".")
    caption = html.escape(ref.caption)
    alt = html.escape(ref.alt or ref.caption, quote=True)
    loading = ' loading="lazy"' if lazy else ""
    return (f'<figure><img src="{html.escape(src, quote=True)}" alt="{alt}" width="{picture.width}"'
            f' height="{picture.height}"{loading} decoding="async"><figcaption>{caption}</figcaption></figure>')


def attach(content, pictures: dict[int, Picture]) -> None:
    """Replace the reader's figure markers by figures; galleries for grouped images.

    ``pictures`` maps an index of ``content.source.images`` to its checked file.
    """
    images = content.source.images
    body = [index for index, ref in enumerate(images) if not ref.featured]
    page_dir = posixpath.dirname(content.save_as)
    text = content.source.html  # the reader's HTML, never the result of an earlier build
    groups: dict[int, list[int]] = {}
    for marker, index in enumerate(body):
        groups.setdefault(images[index].group, []).append(marker)
    first = True
    for members in groups.values():
        figures = []
        for marker in members:
            ref, picture = images[body[marker]], pictures.get(body[marker])
            figures.append(figure_html(ref, picture, page_dir, lazy=not first) if picture else "")
            first = False
        markers = [FIGURE_MARKER.format(i) for i in members]
        if len(members) > 1:
            gallery = '<div class="gallery">' + "".join(figures) + "</div>"
            text = text.replace(markers[0], gallery, 1)
            for marker in markers[1:]:
                text = text.replace(marker + "\n", "", 1).replace(marker, "", 1)
        else:
            text = text.replace(markers[0], figures[0], 1)
    content._content = text
    content.featured = None
    for index, ref in enumerate(images):
        if ref.featured and index in pictures:
            picture = pictures[index]
            content.featured = {"url": picture.output_path, "width": picture.width, "height": picture.height,
                                "caption": ref.caption, "alt": ref.alt or ref.caption}
    content.pictures = [pictures[index] for index in sorted(pictures)]


class ImagesGenerator(Generator):
    """Copies the images of published content into output/."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        root = self.settings["REPO_ROOT"]
        done = set()
        for content in self.context.get("articles", []) + self.context.get("pages", []):
            for picture in getattr(content, "pictures", []):
                if picture.output_path in done:
                    continue
                done.add(picture.output_path)
                target = os.path.join(self.output_path, picture.output_path)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(os.path.join(root, "content", picture.output_path), target)


def _generators(pelican):
    return ImagesGenerator


def register():
    signals.get_generators.connect(_generators)
