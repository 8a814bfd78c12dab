"""Word documents to checked articles (contract section 10: ``make import``).

    python -m word_import DOCX --unit UNIT [--root DIR]     # a file, or every Word file of a folder
    python -m word_import --pending [--root DIR]            # what waits in content/*/word/ (pull requests)

``opening`` tells a .docx from a password-protected, broken or old file (and has
LibreOffice convert .odt and .doc); ``document`` reads it with mammoth; ``shaping`` finds
the title, the captions and the byline; ``photos`` keeps the photos through the image
pipeline; ``writer`` writes the Markdown; ``article`` writes and checks the files;
``pending`` is the pull-request path.  Not a Pelican plugin: nothing here runs in a build.
"""

from __future__ import annotations

from .article import Hint, Importer, UnitError, Written
from .opening import Refused, find_soffice, is_word_file

__all__ = ["Hint", "Importer", "Refused", "UnitError", "Written", "find_soffice", "is_word_file"]
