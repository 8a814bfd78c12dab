"""One Word document to one article of a unit: its files written, then checked.

Everything is made in memory first; files are then created with O_EXCL (an existing
file is never replaced: a slug already taken gets "-2", "-3", ...), only under
``content/<unit-id>/``, and removed again if writing fails half-way.  The new article is
then read and checked by the same functions as the build and `make check`
(``article_reader.read_source``, ``publication.check_source``).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from article_reader import content_kind, read_source, slugify
from lined_yaml import YamlError, parse
from problems import Problem
from publication import build_now, check_source
from unit_registry import Registry

from . import document, opening, photos, shaping, writer
from .messages import note

SLUG_MAX = 70  # letters of a slug made from a long title, cut at a "-"


class UnitError(Exception):
    """The unit asked for cannot take articles; the message says why, in Vietnamese."""


@dataclass
class Hint:
    """What the web editor's entry file says about an uploaded document."""

    title: str = ""
    author: str = ""


@dataclass
class Written:
    source: str                  # the Word file, as named by the caller
    article: str                 # repository path of the article
    photos: list[str]            # repository paths of its photos
    problems: list[Problem]      # the checks' findings on the new article
    notes: list[str] = field(default_factory=list)


def yaml_scalar(value: str) -> str:
    """The value as YAML: plain when it reads back as the same text, else double-quoted."""
    try:
        data = parse(f"k: {value}")
        if isinstance(data, dict) and data.get("k") == value and "#" not in value:
            return value
    except YamlError:
        pass
    return json.dumps(value, ensure_ascii=False)


class Importer:
    """Imports documents into one unit of the repository at ``root``."""

    def __init__(self, root: Path, registry: Registry, unit_id: str, soffice: str | None):
        self.root = Path(root).resolve()
        self.registry = registry
        self.soffice = soffice
        unit = registry.units.get(unit_id)
        if unit is None:
            raise UnitError(_unknown_unit(registry, unit_id))
        self.unit = unit
        self.zone = registry.province.zone
        self.unit_root = self.root / "content" / unit.id
        self._slugs: set[str] | None = None

    # -- which slug ------------------------------------------------------
    def taken_slugs(self) -> set[str]:
        """Slugs of the unit's articles (as the build reads them), and of those written now."""
        if self._slugs is None:
            self._slugs = set()
            if self.unit_root.is_dir():
                for path in self.unit_root.rglob("*.md"):
                    rel = path.relative_to(self.root).as_posix()
                    if content_kind(rel) == "article":
                        text = path.read_text(encoding="utf-8", errors="replace")
                        self._slugs.add(read_source(rel, text, self.zone).slug)
        return self._slugs

    def _slug(self, title: str, year: str, count: int) -> str:
        base = slugify(title) or "bai-viet"
        if len(base) > SLUG_MAX:
            base = base[:SLUG_MAX].rsplit("-", 1)[0] or base[:SLUG_MAX]
        taken = self.taken_slugs()
        number = 1
        while True:
            slug = base if number == 1 else f"{base}-{number}"
            article = self.unit_root / year / f"{slug}.md"
            images = [self.unit_root / "images" / year / f"{slug}-{n}.jpg" for n in range(1, count + 1)]
            if slug not in taken and not article.exists() and not any(p.exists() for p in images):
                return slug
            number += 1

    # -- documents -------------------------------------------------------
    def import_file(self, path: Path, hint: Hint | None = None, shown_as: str | None = None) -> Written:
        """Raises opening.Refused for a file it will not convert (nothing is written then)."""
        return self.place(prepare(Path(path), hint, self.soffice), shown_as or str(path))

    def import_files(self, jobs: list[tuple[Path, Hint | None, str]]):
        """(shown name, Written or Refused) for each (path, hint, shown name), in order.

        Documents are converted in a pool of processes, one per core (the photos are most
        of the work); each is then placed in the repository here, one after another, so
        that two of them never pick the same slug."""
        workers = min(len(jobs), os.cpu_count() or 1)
        arguments = [(path, hint, self.soffice) for path, hint, _ in jobs]
        if workers <= 1:
            yield from self._placed(jobs, map(_prepare_job, arguments))
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from self._placed(jobs, pool.map(_prepare_job, arguments))

    def _placed(self, jobs, results):
        for (_, _, shown), result in zip(jobs, results):
            if isinstance(result, opening.Refused):
                yield shown, result
                continue
            try:
                yield shown, self.place(result, shown)
            except opening.Refused as exc:
                yield shown, exc

    def place(self, prepared: "Prepared", shown_as: str) -> Written:
        """Write a converted document as a new article of the unit, then check it."""
        now = build_now({"UNIT_REGISTRY": self.registry})
        year = f"{now:%Y}"
        slug = self._slug(prepared.title, year, len(prepared.jpegs))
        names = {number: f"{slug}-{index}.jpg" for index, number in enumerate(sorted(prepared.jpegs), 1)}

        def source_of(photo):
            name = names.get(photo.number)
            return None if name is None else f"../images/{year}/{name}"

        body = writer.markdown(prepared.blocks, source_of)
        text = self._front_matter(prepared.title, prepared.author, slug, now, prepared.name) + "\n" + body
        article = self.unit_root / year / f"{slug}.md"
        files = {article: text.encode("utf-8")}
        files.update({self.unit_root / "images" / year / name: prepared.jpegs[number]
                      for number, name in names.items()})
        self._write(files)
        self.taken_slugs().add(slug)
        rel = article.relative_to(self.root).as_posix()
        source = read_source(rel, text, self.zone)
        problems, _ = check_source(source, self.registry, str(self.root), now)
        return Written(source=shown_as, article=rel,
                       photos=[(self.unit_root / "images" / year / n).relative_to(self.root).as_posix()
                               for n in names.values()],
                       problems=sorted(problems), notes=prepared.notes)

    def _front_matter(self, title: str, author: str, slug: str, now, source_name: str) -> str:
        approvers = "; ".join(f"{a.name} ({a.title})" if a.title else a.name for a in self.unit.approvers)
        lines = [
            "---",
            f"# Chuyển từ tệp Word {json.dumps(source_name, ensure_ascii=False)} ngày {now:%d/%m/%Y}: "
            "đọc lại bài, chú thích ảnh rồi gửi lãnh đạo duyệt",
            f"title: {yaml_scalar(title)}",
            f"date: {now:%Y-%m-%d %H:%M}",
            f"author: {yaml_scalar(author)}" if author else
            "author:          # chưa rõ tác giả: ghi họ tên người viết bài",
        ]
        if slug != slugify(title):
            lines.append(f"slug: {slug}")
        lines += [
            f"approved_by:     # người duyệt của đơn vị: {approvers} — lãnh đạo đọc bài rồi ghi đúng họ tên một người",
            f"approved_on:     # ngày duyệt, ví dụ {now:%Y-%m-%d}",
            "---",
        ]
        return "\n".join(lines) + "\n"

    def _write(self, files: dict[Path, bytes]) -> None:
        """Create every file or none; never replace one, never write outside the unit's folder."""
        written = []
        try:
            unit_real = os.path.realpath(self.unit_root)
            for path, data in files.items():
                # where the folder is, or would be made (realpath follows the links that exist)
                if not os.path.realpath(path.parent).startswith(unit_real + os.sep) \
                        or not unit_real.startswith(os.path.realpath(self.root / "content") + os.sep):
                    raise opening.Refused("write_failed", detail="đường dẫn ra ngoài thư mục của đơn vị")
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                written.append(path)
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
        except BaseException as exc:
            for path in written:
                path.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise opening.Refused("write_failed", detail=exc.strerror or str(exc)) from None
            raise


@dataclass
class Prepared:
    """A document converted in memory, before it has a place in the repository."""

    name: str                   # the file's name, for the article's first comment
    title: str
    author: str                 # "" when no name was found
    blocks: list                # the body (document.Paragraph, Photos, ...)
    jpegs: dict[int, bytes]     # photo number -> the JPEG the repository keeps
    notes: list[str]


def prepare(path: Path, hint: Hint | None, soffice: str | None) -> Prepared:
    """Convert one document (raises opening.Refused); needs nothing of the repository."""
    hint = hint or Hint()
    docx = opening.docx_bytes(path, soffice)
    try:
        doc = document.read(docx)
    except Exception as exc:  # mammoth on a damaged part: KeyError, XML and zip errors
        raise opening.Refused("broken", detail=f"{exc.__class__.__name__}: {exc}"[:120]) from None
    if shaping.body_is_empty(doc):
        raise opening.Refused("empty")
    properties = opening.core_properties(docx)
    shaping.take_title(doc, properties, _nfc(path.stem), hint.title)
    shaping.find_byline_author(doc)
    shaping.attach_captions(doc)
    jpegs: dict[int, bytes] = {}
    notes = list(doc.notes)
    for photo in _photos_in_order(doc.blocks):
        try:
            jpegs[photo.number] = photos.to_jpeg(photo.data, photo.content_type)
        except photos.PhotoError as exc:
            notes.append(note("photo_unreadable", number=photo.number, detail=exc))
        photo.data = b""  # what goes back from a worker process: the JPEG only
    # the name the teacher gave with the upload as it is; the others only when they look like one
    author = " ".join(_nfc(hint.author).split()) or next(
        (_nfc(a) for a in (doc.byline_author, properties["creator"], properties["last_modified_by"])
         if shaping.looks_like_name(_nfc(a))), "")
    if not author:
        notes.append(note("no_author"))
    return Prepared(name=_nfc(path.name), title=_nfc(doc.title), author=author, blocks=doc.blocks,
                    jpegs=jpegs, notes=notes)


def _prepare_job(arguments) -> "Prepared | opening.Refused":
    try:
        return prepare(*arguments)
    except opening.Refused as exc:
        return exc


def _photos_in_order(blocks: list):
    for block in blocks:
        if isinstance(block, document.Photos):
            yield from block.photos


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _unknown_unit(registry: Registry, unit_id: str) -> str:
    if unit_id in registry.invalid:
        return (f"đơn vị \"{unit_id}\" đang có lỗi trong units/{unit_id}.yml (xem make check): "
                "sửa tệp đơn vị trước rồi nhập lại")
    close = difflib.get_close_matches(unit_id, sorted(registry.units), n=3)
    hint = f"; có phải: {', '.join(close)}?" if close else "; xem danh sách mã trong thư mục units/"
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", unit_id or ""):
        return f"mã đơn vị \"{unit_id}\" không đúng dạng (chữ thường không dấu, số, dấu gạch ngang){hint}"
    return f"không có đơn vị \"{unit_id}\" trong units/{hint}"
