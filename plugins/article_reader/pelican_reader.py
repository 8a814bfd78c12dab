"""Pelican reader for the contract's Markdown articles and pages (YAML front matter).

Registered for ``.md`` in place of Pelican's own Markdown reader.  It never
raises for bad content: the problems travel with the article in its metadata
(and so in Pelican's content cache), and the publication plugin decides.
"""

from __future__ import annotations

import html
import logging
import os

from pelican import signals
from pelican.readers import BaseReader

from . import bodies, cache_delta, prefetch, stamps
from .source import failure, slugify, unreadable

logger = logging.getLogger(__name__)
_EPOCH = "1970-01-01"
_NO_CONTEXT: dict = {}
# Files actually read in this process: the rest came from Pelican's content cache.
READ_COUNT = 0
_wrappers: list = [None, {}]  # [the build's settings, {(kind, name): Category / [Tag] / Author}]


class ContractReader(BaseReader):
    enabled = True
    file_extensions = ["md"]

    def read(self, source_path):
        global READ_COUNT
        READ_COUNT += 1
        settings = self.settings
        source = prefetch.take(source_path) or prefetch.read_file(
            settings["PATH"], source_path, settings["UNIT_REGISTRY"].province.zone)
        try:
            return self._metadata(source)
        except Exception as exc:  # noqa: BLE001 - Pelican would drop the file with "Could not process"
            failed = unreadable(source.path, "E505", 1, {"detail": failure(exc)})
            return self._metadata(failed)

    def _metadata(self, source):
        settings = self.settings
        # the body waits in the store (bodies.stored_html); Pelican's cache keeps the rest
        bodies.keep(bodies.store(settings), source)
        fields = source.fields
        metadata = {
            "title": source.title,
            "slug": source.slug,
            "unit": source.unit or "",
            "site": "" if source.unit in (None, "so") else f"{source.unit}/",
            "source": source,
            "summary": html.escape(source.summary),
        }
        # Pelican would format .url and .save_as from the settings, copying the metadata, at
        # every access (~10 % of a build); the patterns name only these two fields
        kind = "PAGE" if source.is_page else "DOCUMENT" if source.is_document else "ARTICLE"
        for key in ("url", "save_as"):
            metadata[f"override_{key}"] = settings[f"{kind}_{key.upper()}"].format(site=metadata["site"],
                                                                                   slug=source.slug)
        if source.is_page:
            metadata["order"] = fields.get("order", 0)
            return "", metadata
        date = source.date or self.process_metadata("date", _EPOCH)
        metadata.update({
            "date": date,
            "status": fields.get("status", "published"),
            "category": self._named("category", fields.get("category") or "Tin tức"),
            "tags": [self._named("tags", t)[0] for t in fields.get("tags", [])],
            "send_to_so": fields.get("send_to_so", False),
            "featured_image": next((i for i in source.images if i.featured), None),
        })
        if fields.get("author"):
            metadata["author"] = self._named("author", fields["author"])
        return "", metadata


    def _named(self, kind: str, name: str):
        """Pelican's Category, Tag or Author with its slug made by the contract's cached slugify
        (the one the sites' URLs use), where Pelican would run Unidecode for each article,
        in every build: the cache is saved before Pelican first asks for these slugs.
        One object for each name, shared by the articles that name it (Pelican makes one
        per article: ~0.7 KB an article, kept in memory and copied by the render process)."""
        if _wrappers[0] is not self.settings:  # another build in this process
            _wrappers[:] = [self.settings, {}]
        made = _wrappers[1]
        value = made.get((kind, name))
        if value is None:
            value = made[(kind, name)] = self.process_metadata(kind, name)
            for wrapper in value if isinstance(value, list) else [value]:
                slug = slugify(wrapper.name)
                if slug:
                    wrapper.slug = slug
        return value


def _add_reader(readers):
    readers.reader_classes["md"] = ContractReader


def _forget_markdown_package(generator):
    # Pelican lists its own Markdown reader as "disabled" (python-markdown is
    # not installed) and would warn for every .md file that this reader reads.
    generator.readers.disabled_readers.pop("md", None)


def _regular_files_only(generator) -> None:
    """Pelican lists every name its walk finds and then opens it, to hash it: a named pipe
    called x.md would hold the build for ever, a broken link would be "Could not process".
    Only regular files (links followed) reach it; the others are reported by the publication
    plugin's walk of content/ (E117), in the build and in `make check`."""
    files_of = generator.get_files
    generator.get_files = lambda *args, **kwargs: {path for path in files_of(*args, **kwargs)
                                                   if os.path.isfile(os.path.join(generator.path, path))}


def _prepare(generator, paths_setting: str, excludes_setting: str) -> None:
    """A caching generator (articles or pages) as it starts: its stamps, its cache, its files read ahead."""
    _regular_files_only(generator)
    stamps.install(generator)
    # Pelican's reader-level cache is off, yet it hashes each file it reads, twice
    stamps.install(generator.readers)
    cache_delta.install(generator)
    prefetch.prefetch(generator, paths_setting, excludes_setting)


def _on_article_generator_init(generator):
    _prepare(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def _detach_context(instance):
    """Pelican gives each article the build's whole context (every article, every
    setting) for its own link syntax, which this project does not use; pickled with
    the article, it would put the whole province into every cache entry."""
    instance._context = _NO_CONTEXT


def _articles_read(generator):
    prefetch.finish()  # every article was asked for: its readers stop, the pages' (if many) start


def _on_page_generator_init(generator):
    _prepare(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


def _generator_done(generator):
    prefetch.stop()
    logger.info("Đã đọc trước %d tệp Markdown bằng các tiến trình song song.", prefetch.TAKEN)
    stamps.save(generator)
    bodies.store(generator.settings).flush()  # before render workers are forked


def register():
    signals.readers_init.connect(_add_reader)
    signals.generator_init.connect(_forget_markdown_package)
    signals.article_generator_init.connect(_on_article_generator_init)
    signals.article_generator_pretaxonomy.connect(_articles_read)
    signals.content_object_init.connect(_detach_context)
    signals.page_generator_init.connect(_on_page_generator_init)
    signals.page_generator_finalized.connect(_generator_done)  # the last of the two readers
