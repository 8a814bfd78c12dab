"""Real province repositories in a temporary folder, and real builds of them.

    repo = Province(tmp_path)            # a small valid province
    repo.article("thcs-a", "2024/bai.md", title="...", body="...")
    out = repo.build()                   # tools/build.py in a subprocess
    result = repo.check()                # `python -m publication.check`
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

CODE_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FIXED_NOW = "2026-11-20T12:00:00+07:00"

PROVINCE_YML = """\
name: Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm
timezone: Asia/Ho_Chi_Minh
quota_start: 2022-09-05
school_year:
  semester1_start: "09-05"
  semester2_start: "01-15"
  end: "05-31"
"""

UNITS = {
    "so": "id: so\nname: Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm\nkind: so\napprovers:\n  - name: Trần Văn Giám\n    title: Giám đốc\n",
    "van-phong": "id: van-phong\nname: Văn phòng Sở\nkind: phong-thuoc-so\nparent: so\napprovers:\n  - name: Lê Thị Chánh\n    title: Chánh Văn phòng\n",
    "phong-gddt-a": "id: phong-gddt-a\nname: Phòng GD&ĐT huyện A\nkind: phong-gddt\nparent: so\napprovers:\n  - name: Phạm Văn Trưởng\n    title: Trưởng phòng\n",
    "thcs-a": "id: thcs-a\nname: Trường THCS A\nkind: truong\nparent: phong-gddt-a\napprovers:\n  - name: Nguyễn Văn Hiệu\n    title: Hiệu trưởng\n",
    "th-b": "id: th-b\nname: Trường Tiểu học B\nkind: truong\nparent: phong-gddt-a\napprovers:\n  - name: Đỗ Thị Hoa\n    title: Hiệu trưởng\n",
}
APPROVER = {"so": "Trần Văn Giám", "van-phong": "Lê Thị Chánh", "phong-gddt-a": "Phạm Văn Trưởng",
            "thcs-a": "Nguyễn Văn Hiệu", "th-b": "Đỗ Thị Hoa"}


def front_matter(**fields) -> str:
    """YAML lines for the given fields, in the given order (None values are skipped)."""
    lines = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = "[" + ", ".join(value) + "]"
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def make_image(path: Path, size=(800, 600), color=(30, 120, 200), exif=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(path, "JPEG", quality=70, **kwargs)
    return path


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    """A Word document (.docx: the OOXML parts Word itself needs) holding ``paragraphs``."""
    import zipfile
    from xml.sax.saxutils import escape

    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    body = "".join(f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>" for text in paragraphs)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr("[Content_Types].xml",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                      '<Default Extension="xml" ContentType="application/xml"/>'
                      f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>')
        docx.writestr("_rels/.rels",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        docx.writestr("word/document.xml",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                      f"<w:body>{body}</w:body></w:document>")
    return path


def pdf_bytes(lines: list[str]) -> bytes:
    """A valid one-page PDF (cross-reference table with its real offsets) showing ``lines``
    in Helvetica; text outside Latin-1 loses its marks (the standard fonts have no Vietnamese)."""
    import unicodedata

    def plain(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join(f"({plain(line)}) '" for line in lines) + " ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
               "/Contents 5 0 R >>",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream"]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    start = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    data += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    data += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n".encode()
    return data


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return [l for l in (self.stdout + "\n" + self.stderr).splitlines() if l.strip()]


class Province:
    def __init__(self, root: Path, units: dict[str, str] | None = None):
        self.root = Path(root)
        (self.root / "units").mkdir(parents=True, exist_ok=True)
        (self.root / "content").mkdir(parents=True, exist_ok=True)
        self.write("units/_province.yml", PROVINCE_YML)
        for unit_id, text in (UNITS if units is None else units).items():
            self.write(f"units/{unit_id}.yml", text)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def image(self, rel: str, **kwargs) -> Path:
        return make_image(self.root / rel, **kwargs)

    def pdf(self, rel: str, lines: list[str] | None = None) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf_bytes(lines or ["Ke hoach to chuc hoi thi"]))
        return path

    def article(self, unit: str, name: str, *, body: str | None = None, image: bool = True,
                raw: str | None = None, **fields) -> str:
        """Write content/<unit>/<name>; a valid article unless fields say otherwise.

        Returns the repository path.  ``raw`` replaces the whole file text.
        """
        rel = f"content/{unit}/{name}"
        if raw is not None:
            self.write(rel, raw)
            return rel
        defaults = {
            "title": "Hội thi giáo viên dạy giỏi cấp trường",
            "date": "2024-11-07 08:30",
            "author": "Đoàn Thị Tâm",
            "approved_by": APPROVER.get(unit, "Nguyễn Văn Hiệu"),
            "approved_on": "2024-11-07",
        }
        defaults.update(fields)
        if body is None:
            body = "Sáng ngày 07/11/2024, nhà trường tổ chức hội thi giáo viên dạy giỏi.\n"
            if image:
                self.image(f"content/{unit}/images/2024/anh-{Path(name).stem}.jpg")
                body += f'\n![Giáo viên giảng bài](/images/2024/anh-{Path(name).stem}.jpg "Cô giáo Lê Thị Hoa giảng bài môn Ngữ văn")\n'
        self.write(rel, front_matter(**defaults) + "\n" + body)
        return rel

    def _env(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = str(CODE_ROOT / "plugins")
        env.setdefault("PUBLICATION_NOW", FIXED_NOW)
        return env

    def build(self, output: Path | None = None, check: bool = True) -> Path:
        output = Path(output or self.root / "output")
        result = self.run_build(output)
        if check and result.returncode != 0:
            raise AssertionError(f"build failed:\n{result.stdout}\n{result.stderr}")
        return output

    def run_build(self, output: Path | None = None) -> Result:
        output = Path(output or self.root / "output")
        proc = subprocess.run([PYTHON, str(CODE_ROOT / "tools" / "build.py"), "--root", str(self.root),
                               "--output", str(output)], capture_output=True, text=True, env=self._env())
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def check(self, base: str | None = None) -> Result:
        args = [PYTHON, "-m", "publication.check", "--root", str(self.root)]
        if base:
            args += ["--base", base]
        proc = subprocess.run(args, capture_output=True, text=True, env=self._env(), cwd=self.root)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def git(self, *args, date: str = "2024-11-07T09:00:00+07:00") -> str:
        env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date,
                   GIT_AUTHOR_NAME="Giáo viên", GIT_AUTHOR_EMAIL="gv@example.edu.vn",
                   GIT_COMMITTER_NAME="Giáo viên", GIT_COMMITTER_EMAIL="gv@example.edu.vn")
        proc = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise AssertionError(proc.stderr)
        return proc.stdout.strip()
