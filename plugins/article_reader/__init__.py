"""The contract's Markdown articles and static pages.

``source.read_source`` reads one file (front matter, body, images, problems)
and needs nothing of Pelican; ``pelican_reader`` puts the files into a build.
It is loaded only when Pelican registers this plugin, so that what only reads
files (``python -m quota``, ``make check``) does not import Pelican.
"""

from __future__ import annotations

from .source import ImageRef, Source, content_kind, file_kind, fold, nfc, read_source, slugify, stray_problem

__all__ = ["ImageRef", "Source", "content_kind", "file_kind", "fold", "nfc", "read_source", "slugify", "stray_problem",
           "slim", "register"]


# front-matter fields that pages show (the approval line, the order of a site's pages);
# the others are already attributes of the article, or were only checked
SHOWN_FIELDS = ("approved_by", "approved_on", "order", "pinned_until", "deadline", "document")


def slim(content) -> None:
    """Let go of what only the checks needed, once they have run (and the content cache
    is saved): a render process copies the memory of every object it touches, so each
    byte an article keeps counts twice at the build's peak.  Pelican still reads the
    summary from the metadata; the key lines were for the checks' messages."""
    summary = content.metadata.get("summary")
    content.metadata = {} if summary is None else {"summary": summary}
    source = content.source
    source.lines = {}
    source.fields = {key: source.fields[key] for key in SHOWN_FIELDS if key in source.fields}


def register():
    from . import pelican_reader

    pelican_reader.register()
