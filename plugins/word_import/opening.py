"""What a file is, told by its bytes, and the .docx to convert.

A .docx is a zip holding ``word/document.xml``.  A password-protected .docx is not a zip:
Word writes an OLE compound file (like an old .doc) with ``EncryptionInfo`` and
``EncryptedPackage`` streams.  An old .doc is an OLE file with a ``WordDocument`` stream;
it and an .odt are converted by LibreOffice (``soffice --headless --convert-to docx``)
when it is installed.  The name's extension is only a hint: a .doc that is really a .docx
(renamed) is read as a .docx.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

import olefile
from article_reader.source import WORD_EXTENSIONS
from lxml import etree

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
LIBREOFFICE_SECONDS = 180
_FIB_ENCRYPTED = 0x0100  # FibBase.fEncrypted, in the 16-bit flags at offset 10 of WordDocument


class Refused(Exception):
    """A file the import will not convert; ``key`` names its message (messages.REFUSALS)."""

    def __init__(self, key: str, **args):
        super().__init__(key)
        self.key = key
        self.args_ = args

    def __reduce__(self):  # from a worker process, with its details
        return (self.__class__, (self.key,), {"args_": self.args_})


def is_word_file(path: Path) -> bool:
    """A file the import takes (by its name, as the checks tell a Word file waiting in
    word/): Word's, LibreOffice's; not Word's lock files ("~$x.docx")."""
    return path.suffix.lower()[1:] in WORD_EXTENSIONS and not path.name.startswith(("~$", "."))


def docx_bytes(path: Path, soffice: str | None) -> bytes:
    """The .docx to give mammoth, or Refused."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Refused("missing") from None
    except OSError as exc:
        raise Refused("broken", detail=exc.strerror or str(exc)) from None
    if not data:
        raise Refused("broken", detail="tệp rỗng")
    if data.startswith(OLE_MAGIC):
        _check_ole(data)
        return _converted(path, data, soffice, "Word 97-2003 (.doc)")
    if data.startswith(b"PK"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, EOFError):
            raise Refused("broken", detail="phần cuối của tệp bị thiếu") from None
        if "word/document.xml" in names:
            _check_members(archive)
            return data
        if "mimetype" in names and _read(archive, "mimetype").strip() == ODT_MIMETYPE:
            _check_members(archive)
            if b"encryption-data" in _read(archive, "META-INF/manifest.xml"):
                raise Refused("password")
            return _converted(path, data, soffice, "OpenDocument (.odt)")
        raise Refused("not_word", detail="tệp nén không chứa văn bản Word")
    if data.lstrip()[:5].lower() in (b"<html", b"<!doc", b"mime-") or data.startswith(b"{\\rtf"):
        # Word's "Save as Web page" and RTF, often named .doc: LibreOffice reads them too
        return _converted(path, data, soffice, "Word dạng trang web hoặc RTF")
    raise Refused("not_word", detail="nội dung tệp không phải văn bản")


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise Refused("broken", detail=f"phần {name} bị hỏng") from None


def _check_members(archive: zipfile.ZipFile) -> None:
    """Every member decompresses with its checksum (a cut or damaged upload fails here)."""
    try:
        bad = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        bad = "?"
    if bad is not None:
        raise Refused("broken", detail=f"phần {bad} bị hỏng")


def _check_ole(data: bytes) -> None:
    """Refuse an encrypted or unreadable OLE file; return for an old .doc."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise Refused("password")
            if not ole.exists("WordDocument"):
                raise Refused("not_word", detail="tệp Office nhưng không phải văn bản Word")
            fib = ole.openstream("WordDocument").read(12)
    except Refused:
        raise
    except Exception as exc:  # olefile raises many kinds on a damaged file
        raise Refused("broken", detail=f"tệp Word cũ không đọc được: {exc.__class__.__name__}") from None
    if len(fib) >= 12 and int.from_bytes(fib[10:12], "little") & _FIB_ENCRYPTED:
        raise Refused("password")


def _converted(path: Path, data: bytes, soffice: str | None, kind: str) -> bytes:
    """The .docx LibreOffice writes from this file, in a folder and profile of its own
    (a LibreOffice already running with the default profile would take the job and return
    at once, converting nothing)."""
    if not soffice:
        raise Refused("needs_libreoffice", kind=kind)
    with tempfile.TemporaryDirectory(prefix="word-import-") as work:
        work_path = Path(work)
        source = work_path / ("tai-lieu" + (path.suffix.lower() or ".doc"))
        source.write_bytes(data)
        out = work_path / "out"
        command = [soffice, f"-env:UserInstallation={(work_path / 'profile').as_uri()}", "--headless",
                   "--norestore", "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML",
                   "--outdir", str(out), str(source)]
        try:
            proc = subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL,
                                  timeout=LIBREOFFICE_SECONDS)
        except subprocess.TimeoutExpired:
            raise Refused("conversion_failed", kind=kind,
                          detail=f"quá {LIBREOFFICE_SECONDS} giây") from None
        except OSError as exc:
            raise Refused("conversion_failed", kind=kind, detail=exc.strerror or str(exc)) from None
        result = out / (source.stem + ".docx")
        if not result.is_file() or result.stat().st_size == 0:
            detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise Refused("conversion_failed", kind=kind, detail=(detail[-1] if detail else "không có tệp kết quả")[:160])
        return result.read_bytes()


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


_CORE_NS = {"dc": "http://purl.org/dc/elements/1.1/",
            "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}


def core_properties(docx: bytes) -> dict[str, str]:
    """The document's title, creator and last editor (docProps/core.xml), "" when absent."""
    found = {"title": "", "creator": "", "last_modified_by": ""}
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            root = etree.fromstring(archive.read("docProps/core.xml"))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return found
    for key, xpath in (("title", "dc:title"), ("creator", "dc:creator"), ("last_modified_by", "cp:lastModifiedBy")):
        value = root.findtext(xpath, default="", namespaces=_CORE_NS)
        found[key] = " ".join(value.split())
    return found
