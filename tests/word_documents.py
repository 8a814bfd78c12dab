"""Real Word documents for the Word import's tests and benchmark: made with python-docx
the way Word users lay them out, and with LibreOffice (soffice) for .odt, .doc and
LibreOffice-written .docx.

    data = photo((1600, 1200), exif=gps_exif(6))
    doc = docx.Document(); add_photo(doc, data, alt="..."); path = save(doc, folder / "a.docx")
    odt = libreoffice(path, "odt", folder)
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw

CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


def gps_exif(orientation: int = 1) -> bytes:
    """EXIF as a phone writes it: orientation, camera, and where the photo was taken."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 12"
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 30.5), 3: "E", 4: (105.0, 50.0, 28.3)}
    return exif.tobytes()


def photo(size=(1600, 1200), color=(40, 110, 190), exif: bytes | None = None, fmt: str = "JPEG") -> bytes:
    """A photo with a red block at its stored top-left corner (to see which way is up)."""
    image = Image.new("RGB", size, color)
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 5, size[1] // 5), fill=(220, 20, 20))
    out = io.BytesIO()
    extra = {"exif": exif} if exif else {}
    image.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {}), **extra)
    return out.getvalue()


def add_photo(container, data: bytes, alt: str | None = None, width_cm: float = 12.0):
    """A paragraph holding one picture (in a document or a table cell); ``alt`` is its description."""
    paragraph = container.add_paragraph()
    shape = paragraph.add_run().add_picture(io.BytesIO(data), width=Cm(width_cm))
    if alt is not None:
        shape._inline.docPr.set("descr", alt)
    return paragraph


def add_text(doc, text: str, *, bold=False, italic=False, size: float | None = None, align=None, style=None):
    paragraph = doc.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def add_link(paragraph, text: str, url: str) -> None:
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    value = OxmlElement("w:t")
    value.text = text
    run.append(value)
    link.append(run)
    paragraph._p.append(link)


def _word_sized_styles(doc) -> None:
    """Keep only the styles the document uses (and the defaults), as Word saves a document:
    python-docx's template defines every built-in style (350 KB, 20 times a Word file's)."""
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.iterchildren(qn("w:style"))}
    parts = [doc.element]
    try:
        parts.append(doc.part.numbering_part.element)
    except NotImplementedError:
        pass
    wanted = {s for s, style in by_id.items() if style.get(qn("w:default")) == "1"}
    for part in parts:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle", "w:styleLink", "w:numStyleLink"):
            wanted.update(e.get(qn("w:val")) for e in part.iter(qn(tag)))
    queue = list(wanted)
    while queue:
        style = by_id.get(queue.pop())
        for tag in ("w:basedOn", "w:next", "w:link"):
            found = style.find(qn(tag)) if style is not None else None
            if found is not None and found.get(qn("w:val")) not in wanted:
                wanted.add(found.get(qn("w:val")))
                queue.append(found.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in wanted:
            styles.remove(style)


def save(doc, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _word_sized_styles(doc)
    doc.save(str(path))
    return path


def libreoffice(source: Path, fmt: str, outdir: Path, soffice: str = "soffice") -> Path:
    """``source`` converted by LibreOffice to ``fmt`` ("odt", "doc", "docx"), in a profile of its own."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        target = "docx:MS Word 2007 XML" if fmt == "docx" else fmt
        subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                        "--convert-to", target, "--outdir", str(outdir), str(source)],
                       check=True, capture_output=True, timeout=180, stdin=subprocess.DEVNULL)
    result = outdir / f"{source.stem}.{fmt}"
    assert result.is_file(), f"LibreOffice wrote no {result}"
    return result


def with_libreoffice_captions(odt: Path, target: Path, frame_caption: str) -> Path:
    """The .odt as a LibreOffice user leaves it after Insert > Caption: its first picture in a
    frame whose "Figure" paragraph holds the picture and "Figure 1: <caption>", and its
    Word-named "caption" paragraphs in LibreOffice's own "Caption" style."""
    with zipfile.ZipFile(odt) as source:
        content = source.read("content.xml").decode("utf-8")
        picture = re.search(r'<draw:frame [^>]*draw:name="[^"]*"[^>]*>\s*<draw:image .*?</draw:frame>', content, re.S)
        assert picture, "no picture in the .odt"
        frame = ('<draw:frame draw:style-name="fr1" draw:name="Frame1" text:anchor-type="char" svg:width="12cm" '
                 'draw:z-index="5"><draw:text-box fo:min-height="9cm"><text:p text:style-name="Figure">'
                 + picture.group(0) + '<text:line-break/>Figure <text:sequence text:ref-name="refFigure0" '
                 'text:name="Figure" text:formula="ooow:Figure+1" style:num-format="1">1</text:sequence>: '
                 + frame_caption + '</text:p></draw:text-box></draw:frame>')
        content = content.replace(picture.group(0), frame, 1)
        content = content.replace('text:style-name="caption"', 'text:style-name="Caption"')
        with zipfile.ZipFile(target, "w") as out:
            for info in source.infolist():
                out.writestr(info, content.encode("utf-8") if info.filename == "content.xml" else source.read(info))
    return target


_SENTENCES = ("Sáng ngày 07/11/2024, nhà trường tổ chức hội thi giáo viên dạy giỏi cấp trường năm học 2024-2025.",
              "Hội thi thu hút 24 giáo viên tham gia với nhiều tiết dạy ứng dụng công nghệ thông tin.",
              "Ban giám khảo đánh giá cao sự chuẩn bị công phu và tinh thần đổi mới phương pháp dạy học.",
              "Học sinh hào hứng tham gia các hoạt động, mạnh dạn phát biểu xây dựng bài.")


def news_article(number: int, photos: list[bytes]) -> "docx.Document":
    """A school's news article as Word users write it: a bold centred title, paragraphs, photos
    each followed by an italic "Ảnh: ..." caption, and a closing byline."""
    doc = docx.Document()
    doc.core_properties.author = "Đoàn Thị Tâm"
    add_text(doc, f"Hội thi giáo viên dạy giỏi cấp trường lần thứ {number}", bold=True, size=16, align=CENTER)
    for index, data in enumerate(photos, 1):
        add_text(doc, " ".join(_SENTENCES[(number + index + k) % len(_SENTENCES)] for k in range(3)))
        add_photo(doc, data)
        add_text(doc, f"Ảnh: Giáo viên số {index} trình bày tiết dạy trong hội thi lần {number}", italic=True, align=CENTER)
    add_text(doc, "Tin, ảnh: Đoàn Thị Tâm", italic=True, align=RIGHT)
    return doc
