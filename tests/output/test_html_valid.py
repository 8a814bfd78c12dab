"""Every HTML page of the demo build is valid HTML, per the Nu HTML Checker (vnu)."""

from __future__ import annotations

import re
import subprocess

import pytest

from tooling import VNU_JAR, require


@pytest.mark.tools
def test_every_page_of_the_demo_build_is_valid_html(demo_output):
    require("java")
    require("vnu")
    pages = list(demo_output.rglob("*.html"))
    assert len(pages) > 100, f"the demo build has only {len(pages)} pages"
    # One JVM over the whole folder.  A short run gains nothing from the optimising JIT:
    # C1 only halves the CPU time (~2.6 s instead of ~6.4 s for the demo's ~270 pages);
    # vnu needs a thread stack of at least 512 KiB.
    proc = subprocess.run(
        ["java", "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "gnu", str(demo_output)],
        capture_output=True, text=True, timeout=300)
    # vnu names a file "file:/abs/path/page.html":line.col-line.col: error: ...
    where = re.compile(r'^"file:/*' + re.escape(str(demo_output.resolve()).lstrip("/")) + r'/([^"]*)"')
    messages = [where.sub(r"\1", line) for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    if proc.returncode != 0 or messages:
        pytest.fail(f"vnu found {len(messages)} error(s) (exit {proc.returncode}):\n" + "\n".join(messages),
                    pytrace=False)


# Text that teachers type (titles, names, captions, tags...) reaches the page as text,
# never as markup: quotes inside attributes were the first thing vnu caught here.
TRICKY = {
    "unit": 'Trường "THCS" <A> & B',
    "title": 'Tin "nóng" <em>nhất</em> & <script>alert(1)</script>',
    "author": 'Lê "Hoa" <b>',
    "category": 'Học & "chơi"',
    "tags": ['"trích dẫn"', "<b>đậm</b>"],
    "summary": 'Tóm tắt "có" <i>thẻ</i> & ký tự',
    "caption": 'Ảnh "đẹp" <b>nhất</b> của trường',
}


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_text_with_markup_characters_stays_text(province, tmp_path):
    """lxml reads the page as a browser would: an unescaped quote or tag would change what it finds."""
    from lxml import html

    from factory import APPROVER, UNITS, front_matter

    province.write("units/thcs-a.yml", UNITS["thcs-a"].replace("name: Trường THCS A", f"name: {_yaml(TRICKY['unit'])}")
                   + "email: 'a&b@example.edu.vn'\n")
    province.image("content/thcs-a/images/2024/dai-dien.jpg")
    province.write("content/thcs-a/2024/bai.md", front_matter(
        title=_yaml(TRICKY["title"]), date="2024-11-07 08:30", author=_yaml(TRICKY["author"]),
        category=_yaml(TRICKY["category"]), tags=[_yaml(t) for t in TRICKY["tags"]],
        summary=_yaml(TRICKY["summary"]), image="/images/2024/dai-dien.jpg", image_caption=_yaml(TRICKY["caption"]),
        approved_by=APPROVER["thcs-a"], approved_on="2024-11-07") + "\nSáng ngày 07/11/2024, nhà trường tổ chức hội thi.\n")
    out = province.build(tmp_path / "out")
    pages = list((out / "thcs-a" / "bai-viet").glob("*.html"))
    assert len(pages) == 1, "the article was not published"

    page = html.parse(str(pages[0])).getroot()
    assert page.findtext(".//h1") == TRICKY["title"]
    assert page.findtext("head/title") == f"{TRICKY['title']} — {TRICKY['unit']}"
    assert page.find("head/meta[@name='description']").get("content") == TRICKY["summary"]
    assert page.find(".//p[@class='masthead__unit']/a").text == TRICKY["unit"]
    assert TRICKY["author"] in page.find(".//article/p[@class='meta']").text_content()
    assert page.find(".//figure[@class='article__featured']/figcaption").text == TRICKY["caption"]
    assert sorted(a.text for a in page.findall(".//ul[@class='tags']/li/a")) == sorted(TRICKY["tags"])
    assert TRICKY["category"] in [a.text for a in page.iterfind(".//a")]
    # the only script is the JSON-LD data, in which the title stays text too
    scripts = page.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"] and page.find(".//main//em") is None
    import json
    assert json.loads(scripts[0].text)["headline"] == TRICKY["title"]
