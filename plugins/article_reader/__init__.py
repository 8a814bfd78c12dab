"""The contract's Markdown articles and static pages.

``source.read_source`` reads one file (front matter, body, images, problems)
and needs nothing of Pelican; ``pelican_reader`` puts the files into a build.
It is loaded only when Pelican registers this plugin, so that what only reads
files (``python -m quota``, ``make check``) does not import Pelican.
"""

from __future__ import annotations

from .source import ImageRef, Source, content_kind, read_source, slugify

__all__ = ["ImageRef", "Source", "content_kind", "read_source", "slugify", "register"]


def register():
    from . import pelican_reader

    pelican_reader.register()
