"""The build as a whole: content cache, atomic output, per-site structure."""

from __future__ import annotations

import shutil
import subprocess

from lxml import etree, html

from factory import CODE_ROOT, PYTHON, Province

ATOM = "{http://www.w3.org/2005/Atom}"


def _read_count(result) -> int:
    line = next(l for l in result.lines if l.startswith("Đã đọc"))
    return int(line.split()[2])


def test_second_build_reads_nothing_and_a_change_reads_one_file(province):
    province.article("thcs-a", "2024/a.md", title="Bài thứ nhất của trường")
    province.article("thcs-a", "2024/b.md", title="Bài thứ hai của trường")
    first = province.run_build()
    assert first.returncode == 0 and _read_count(first) == 2
    second = province.run_build()
    assert _read_count(second) == 0
    province.article("thcs-a", "2024/b.md", title="Bài thứ hai, đã sửa tiêu đề")
    third = province.run_build()
    assert _read_count(third) == 1
    assert (province.root / "output/thcs-a/bai-viet/bai-thu-hai-da-sua-tieu-de.html").exists()
    assert not (province.root / "output/thcs-a/bai-viet/bai-thu-hai-cua-truong.html").exists()


def test_failed_build_leaves_previous_output_untouched(province, tmp_path):
    province.article("thcs-a", "2024/a.md")
    out = province.build()
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    theme = tmp_path / "theme"
    shutil.copytree(CODE_ROOT / "theme", theme)
    (theme / "templates" / "list.html").write_text("{{ this_is_not_a_function() }}", encoding="utf-8")
    settings = tmp_path / "broken_settings.py"
    settings.write_text(f"import sys\nsys.path.insert(0, {str(CODE_ROOT)!r})\n"
                        f"from pelicanconf import *\nTHEME = {str(theme)!r}\n", encoding="utf-8")
    proc = subprocess.run([PYTHON, str(CODE_ROOT / "tools/build.py"), "--settings", str(settings),
                           "--root", str(province.root), "--output", str(out)],
                          capture_output=True, text=True, env=province._env())
    assert proc.returncode == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not out.with_name("output.new").exists()


def test_sites_portal_and_directory(province):
    province.article("thcs-a", "2024/a.md", title="Tin của trường A gửi Sở", send_to_so=True)
    province.article("th-b", "2024/b.md", title="Tin riêng của trường B")
    province.article("van-phong", "2024/c.md", title="Thông báo của Văn phòng Sở")
    province.article("so", "2024/d.md", title="Tin của Sở")
    out = province.build()
    portal = html.parse(str(out / "index.html"))
    titles = {a.text for a in portal.iterfind(".//main//a")}
    assert {"Tin của trường A gửi Sở", "Thông báo của Văn phòng Sở", "Tin của Sở"} <= titles
    own_stream = [e.findtext(f"{ATOM}title") for e in etree.parse(str(out / "feeds/atom.xml")).iter(f"{ATOM}entry")]
    assert sorted(own_stream) == sorted(["Tin của trường A gửi Sở", "Thông báo của Văn phòng Sở", "Tin của Sở"])
    everything = etree.parse(str(out / "feeds/all.atom.xml"))
    assert len(list(everything.iter(f"{ATOM}entry"))) == 4
    unit_home = html.parse(str(out / "th-b/index.html"))
    assert "Tin riêng của trường B" in {a.text for a in unit_home.iterfind(".//main//a")}
    assert unit_home.findtext(".//p[@class='masthead__parent']").endswith("Phòng GD&ĐT huyện A")
    article = html.parse(str(out / "th-b/bai-viet/tin-rieng-cua-truong-b.html"))
    assert article.xpath("string(.//p[@class='meta']/time)").startswith("Thứ Năm, 07/11/2024")
    directory = html.parse(str(out / "don-vi/index.html"))
    groups = {h.text: [td.text.strip() for td in h.getparent().iterfind(".//tbody/tr/td[1]")]
              for h in directory.iterfind(".//main//h2")}
    assert groups["Phòng GD&ĐT huyện A"] == ["Trường THCS A", "Trường Tiểu học B"]
    assert "Phòng GD&ĐT huyện A" in groups["Trực thuộc Sở"]
