"""W620-W623: a unit told, by `make check`, which TT 37/2020 section it lacks and how to add
it, when units/_province.yml asks for them; never an error, and nothing when it does not."""

from __future__ import annotations

from factory import UNITS
from helpers_problems import parse_problems

PORTAL_CODES = ("W620", "W621", "W622", "W623")


def _lines(result, code):
    return [p.text for p in parse_problems(result.stdout) if p.code == code]


def test_sections_a_unit_lacks_are_warnings_naming_what_to_add(province):
    province.article("thcs-a", "2024/bai.md")
    province.article("thcs-a", "2024/thong-bao.md", title="Thông báo tuyển sinh lớp 6", category="Thông báo")
    before = province.check()
    assert not [p for p in parse_problems(before.stdout) if p.code in PORTAL_CODES]  # off by default
    province.write("units/_province.yml", (province.root / "units/_province.yml").read_text() + "required_sections: true\n")
    result = province.check()
    assert result.returncode == 0  # warnings only
    w620 = _lines(result, "W620")
    assert "units/thcs-a.yml:1: W620 đơn vị thcs-a chưa có trang Giới thiệu" in " ".join(w620)
    assert any("tạo tệp content/thcs-a/pages/gioi-thieu.md" in line for line in w620)
    assert any(line.startswith("units/thcs-a.yml:1: W621 đơn vị thcs-a chưa khai lãnh đạo (leaders)")
               for line in _lines(result, "W621"))
    w622 = [line for line in _lines(result, "W622") if line.startswith("units/thcs-a.yml:1:")]
    assert w622 == [next(l for l in w622)]
    assert "chuyên mục bắt buộc: Tuyển sinh, Công khai, Hỏi đáp" in w622[0]  # Thông báo has an article
    assert "ghi 'category: Tuyển sinh'" in w622[0]
    assert any(line.startswith("units/_province.yml:1: W623 cổng Sở chưa có liên kết thủ tục hành chính")
               for line in _lines(result, "W623"))


def test_a_unit_with_every_section_gets_no_warning(province):
    province.write("units/_province.yml", (province.root / "units/_province.yml").read_text() + "required_sections: true\n"
                   # block style: in a flow mapping the ':' of https:// is a YAML error (E400), and a
                   # province file that cannot be read asks for no section at all
                   "procedures:\n  - title: Cấp bản sao văn bằng\n    url: https://dichvucong.gov.vn/p/1\n")
    province.write("units/thcs-a.yml", UNITS["thcs-a"] + "email: thcsa@example.edu.vn\n"
                   "leaders:\n  - {name: Nguyễn Văn Hiệu, title: Hiệu trưởng}\n")
    province.write("content/thcs-a/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\n\nTrường THCS A.\n")
    for category in ("Thông báo", "Tuyển sinh", "Công khai", "Hỏi đáp"):
        province.article("thcs-a", f"2024/{category.lower().replace(' ', '-')}.md", title=f"Bài {category}",
                         category=category)
    result = province.check()
    assert not [p for p in parse_problems(result.stdout) if p.code.startswith("E")]
    assert not [p for p in parse_problems(result.stdout) if p.path == "units/thcs-a.yml"]
    assert _lines(result, "W622")  # the province asks (th-b still lacks its sections)
    assert not _lines(result, "W623")
