"""Search with Pagefind: one index per unit site (``<unit>/tim-kiem/pagefind/``) and one for
the portal across every unit (``tim-kiem/pagefind/``); contract section 9.

Pagefind folds tone marks ("moi" finds "mới") but not đ ("doi" never finds "Đổi"), so it
does not read the published pages: each article and static page is handed to it as a small
HTML file (in the cache, ``search/<tree>/<its output path>``) with its words as written
and, once each, its words with a đ folded (article_reader.fold: "Đổi" -> "doi").  The
published pages carry no hidden copy of their text.  A unit's index holds its pages whole;
the portal's holds the titles and summaries of every unit's pages (and its own pages
whole).  The search page (theme ``search.html``, ``js/tim-kiem.js``) folds the query the
same way and keeps only results that hold every word typed.

Incremental: an index is made again only when what it holds changed (its fingerprint: the
articles' and pages' fingerprints, which unit_sites already computes); otherwise its bundle
is taken from the cache as it was.  All indexes of a build are made by one Pagefind process
(its Python API).  Without Pagefind (package ``pagefind[bin]``) the build says so and goes
on; the search pages then say that search is not available yet.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import os
import re
import shutil
import time
from pathlib import Path

from article_reader import fold
from article_reader.bodies import stored_html

FOLDER = "tim-kiem/"
BUNDLE = f"{FOLDER}pagefind/"
STATE_VERSION = 2

LAST_INDEX: dict = {}  # what the last build did, for its closing lines (tools/build.py)

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def text_of(markup: str) -> str:
    """The words of an HTML fragment (a body as the reader made it: sanitised, no scripts)."""
    return _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", markup))).strip()


def source_html(content, unit_name: str, full: bool) -> bytes:
    """What Pagefind reads of one article or page: its title, summary and, when ``full``,
    its body with the captions of its pictures; then, folded, each word that has a đ (the
    only mark Pagefind does not fold itself: its "moi" finds "mới", its "doi" never finds
    "Đổi"), once; the unit and date as metadata."""
    title = content.title
    summary = text_of(getattr(content, "summary", "") or "") if hasattr(content, "date") else ""
    parts = [summary]
    if full:
        parts += [text_of(stored_html(content)), " ".join(ref.caption for ref in content.source.images if ref.caption)]
    words = " ".join(part for part in parts if part)
    folded = " ".join(sorted({fold(word) for word in _WORD.findall(f"{title} {words}") if _D.search(word)}))
    date = content.date.strftime("%d/%m/%Y") if hasattr(content, "date") else ""
    escape = html.escape
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body data-pagefind-body>"
        f'<h1 data-pagefind-meta="title">{escape(title)}</h1>'
        f'<span data-pagefind-ignore data-pagefind-meta="unit[data-value]" data-value="{escape(unit_name)}"></span>'
        f'<span data-pagefind-ignore data-pagefind-meta="date[data-value]" data-value="{date}"></span>'
        f'<span data-pagefind-ignore data-pagefind-meta="summary[data-value]" data-value="{escape(summary)}"></span>'
        f"<p>{escape(words)}</p><p>{escape(folded)}</p>"
        "</body></html>"
    ).encode("utf-8")


_WORD = re.compile(r"\w+")
_D = re.compile("[đĐðÐ]")


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


# The two kinds of source files, each a tree of output paths: a unit's index reads its
# pages whole; the portal's, across every unit, reads titles and summaries (Pagefind on
# the whole text of a 35,000-article province took 37 s and 4 GB at each change, and
# each unit's own index has it whole), the portal's own pages whole.
FULL, SHORT = "src", "portal-src"


class Indexes:
    """The cache of one build's search: source files, bundles, and what each was made from."""

    def __init__(self, cache_path: str):
        self.root = Path(cache_path, "search")
        self.bundles = self.root / "bundles"
        self.state_path = self.root / "state.json"
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            if state.get("version") != STATE_VERSION:
                state = {}
        except (OSError, ValueError):
            state = {}
        # tree -> {output path: fingerprint}
        self.sources: dict[str, dict[str, str]] = state.get("sources", {})
        self.indexes: dict[str, dict] = state.get("indexes", {})  # key -> {fp, files: {rel: digest}}

    def update_sources(self, tree: str, items: list[tuple[str, str, object, str, bool]]) -> int:
        """Write into ``tree`` the source file of each (path, fingerprint, content, unit name,
        whole) whose fingerprint changed; remove the others'.  Returns how many were written."""
        written = 0
        known = self.sources.get(tree, {})
        wanted = {}
        for path, fingerprint, content, unit_name, whole in items:
            wanted[path] = fingerprint = f"{fingerprint}:{int(whole)}"
            target = self.root / tree / path
            if known.get(path) == fingerprint and target.is_file():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source_html(content, unit_name, whole))
            written += 1
        for path in set(known) - set(wanted):
            try:
                (self.root / tree / path).unlink()
            except FileNotFoundError:
                pass
        self.sources[tree] = wanted
        return written

    def save(self) -> None:
        import output_sync

        output_sync.replace_file(str(self.state_path), json.dumps(
            {"version": STATE_VERSION, "sources": self.sources, "indexes": self.indexes}).encode())


def index_sites(sites, items_of, sink, settings) -> None:
    """Make (or take from the cache) each site's search bundle and hand its files to ``sink``.

    ``sites``: the unit_sites Sites; ``items_of(site)``: the (output path, fingerprint,
    content, unit name) of the site's own articles and pages."""
    started = time.monotonic()
    indexes = Indexes(settings["CACHE_PATH"])
    plan = []  # (key, output folder of the bundle, its source folder, items)
    full, short = [], []
    for site in sites.values():
        items = items_of(site)
        short += [(*item, site.is_portal) for item in items]
        if not site.is_portal:
            full += [(*item, True) for item in items]
            plan.append((site.id, f"{site.prefix}{BUNDLE}", f"{FULL}/{site.prefix}", items))
    portal = next((site for site in sites.values() if site.is_portal), None)
    if portal is not None:
        plan.append((portal.id, BUNDLE, SHORT, short))
    written = indexes.update_sources(FULL, full) + indexes.update_sources(SHORT, short)
    todo, kept = [], 0
    for key, bundle, folder, items in plan:
        fingerprint = _digest(*(f"{item[0]}:{item[1]}" for item in sorted(items, key=lambda i: i[0])))
        known = indexes.indexes.get(key)
        if not items:
            indexes.indexes.pop(key, None)
            continue
        if known and known["fp"] == fingerprint and (indexes.bundles / key).is_dir():
            kept += 1
        else:
            todo.append((key, folder, fingerprint))
    problem = _make(indexes, todo) if todo else None
    for key, bundle, folder, items in plan:
        known = indexes.indexes.get(key)
        if known is None:
            continue
        for relative, digest in known["files"].items():
            sink.link(f"{bundle}{relative}", str(indexes.bundles / key / relative), digest)
    indexes.save()
    LAST_INDEX.clear()
    LAST_INDEX.update(made=0 if problem else len(todo), kept=kept, sources=written, problem=problem,
                      pages=len(short), seconds=time.monotonic() - started)


def _make(indexes: Indexes, todo: list[tuple[str, str, str]]) -> str | None:
    """Run Pagefind on each (key, source folder, fingerprint); None, or why it could not."""
    for key, _, _ in todo:  # no index at all rather than one that leads to pages gone
        shutil.rmtree(indexes.bundles / key, ignore_errors=True)
        indexes.indexes.pop(key, None)
    try:
        from pagefind.service import get_executable
    except ImportError:
        return "chưa cài gói pagefind"
    binary = get_executable()
    if binary is None or not Path(binary).is_file():
        return f"không thấy chương trình pagefind ({binary or 'gói pagefind-bin'})"
    try:
        asyncio.run(_index_all(indexes, todo))
    except Exception as error:  # Pagefind's own failure: the build goes on without these indexes
        return f"pagefind dừng với lỗi: {error}"
    for key, _, fingerprint in todo:
        folder = indexes.bundles / key
        files = {path.relative_to(folder).as_posix(): _file_digest(path)
                 for path in sorted(folder.rglob("*")) if path.is_file()}
        indexes.indexes[key] = {"fp": fingerprint, "files": files}
    return None


def _file_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


async def _index_all(indexes: Indexes, todo) -> None:
    """Every index of this build through one Pagefind process, one after the other."""
    service = await _service().launch()
    try:
        for key, folder, _ in todo:
            index = await service.create_index({"force_language": "vi"})
            await index.add_directory(str(indexes.root / folder))
            await index.write_files(output_path=str(indexes.bundles / key))
            await index.delete_index()
    finally:
        await service.close()


def _service():
    """Pagefind's service (its Python API), reading each answer as soon as it comes:
    pagefind 1.5.2's reader sleeps 0.1 s before each one, 0.4 s an index, which for a
    province's hundreds of sites was most of the time spent."""
    import base64

    from pagefind.service import PagefindService

    class Service(PagefindService):
        async def _wait_for_responses(self) -> None:
            try:
                await self._answer_all()
            except Exception as error:  # the process died: no request may wait for ever
                for future in self._responses.values():
                    if not future.done():
                        future.set_exception(RuntimeError(f"pagefind: {error!r}"))

        async def _answer_all(self) -> None:
            while True:
                output = await self._backend.stdout.readuntil(b",")
                answer = json.loads(base64.b64decode(output[:-1]))
                if answer is None:
                    continue
                number = answer.get("message_id")
                if number is None and answer["payload"].get("original_message"):
                    # a request the service could not read comes back without its id
                    number = json.loads(answer["payload"]["original_message"]).get("message_id")
                future = self._responses.pop(number, None)
                if future is None:
                    continue
                payload = answer["payload"]
                if payload["type"] == "Error":
                    future.set_exception(RuntimeError(payload["message"]))
                else:
                    future.set_result(payload)

    return Service()
