"""The TT 37/2020 sections on real builds of a fixture province: each kind of unit's menu
links its sections, each a paginated list at its folder; an announcement pinned to the
top of the home page until its day ends (in the province's zone), then back in the list;
a consultation's deadline in readers' words; how to write in by e-mail."""

from __future__ import annotations

from pathlib import Path

from lxml import html

from factory import UNITS

NOW = "2024-11-20T12:00:00+07:00"
MENU = "//nav[@class='topnav']//ul/li/a"


def _page(path: Path):
    return html.parse(str(path)).getroot()


def _menu(output: Path, page: str) -> dict[str, Path]:
    """Menu label -> the output file its link leads to (from ``page``)."""
    tree = _page(output / page)
    folder = (output / page).parent
    found = {}
    for link in tree.xpath(MENU):
        target = (folder / link.get("href")).resolve()
        found[link.text_content().strip()] = target / "index.html" if link.get("href").endswith("/") else target
    return found


def _build(province, monkeypatch, now: str = NOW) -> Path:
    monkeypatch.setenv("PUBLICATION_NOW", now)
    return province.build()


SCHOOL = ["Trang chủ", "Tin tức - Sự kiện", "Thông báo", "Tuyển sinh", "Công khai", "Hỏi đáp", "Văn bản", "Lưu trữ", "Tìm kiếm"]
DISTRICT = ["Trang chủ", "Tin tức - Sự kiện", "Thông báo", "Hỏi đáp", "Văn bản", "Lưu trữ", "Tìm kiếm"]
PORTAL = ["Trang chủ", "Tin tức - Sự kiện", "Thông báo", "Hỏi đáp", "Lấy ý kiến", "Thủ tục hành chính",
          "Tin từ các đơn vị", "Danh bạ đơn vị", "Định mức đăng bài", "Văn bản", "Lưu trữ", "Tìm kiếm"]


def test_each_kind_of_unit_has_its_sections_in_its_menu_each_a_page(province, monkeypatch):
    province.write("units/_province.yml", (province.root / "units/_province.yml").read_text()
                   + "procedures:\n  - title: Cấp bản sao văn bằng\n    url: https://dichvucong.gov.vn/p/1\n")
    province.write("content/thcs-a/pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\n\nTrường THCS A.\n")
    province.article("thcs-a", "2024/tin.md", title="Hội thi giáo viên dạy giỏi")
    province.article("thcs-a", "2024/tuyen-sinh.md", title="Kế hoạch tuyển sinh lớp 6", category="Tuyển sinh")
    out = _build(province, monkeypatch)
    for page, expected in (("thcs-a/index.html", ["Trang chủ", "Giới thiệu"] + SCHOOL[1:]),
                           ("th-b/index.html", SCHOOL), ("phong-gddt-a/index.html", DISTRICT),
                           ("index.html", PORTAL)):
        menu = _menu(out, page)
        assert list(menu) == expected, page
        for label, target in menu.items():
            assert target.is_file(), (page, label, target)  # an empty section too has its page
    school = _menu(out, "thcs-a/index.html")
    assert school["Tuyển sinh"] == (out / "thcs-a/chuyen-muc/tuyen-sinh/index.html").resolve()
    assert school["Tin tức - Sự kiện"] == (out / "thcs-a/tin-tuc-su-kien/index.html").resolve()
    titles = lambda path: [a.text_content() for a in _page(path).xpath("//main//article//h2/a")]
    assert titles(school["Tuyển sinh"]) == ["Kế hoạch tuyển sinh lớp 6"]
    assert titles(school["Tin tức - Sự kiện"]) == ["Hội thi giáo viên dạy giỏi"]  # not the section's article
    assert "Chưa có bài viết nào." in _page(school["Công khai"]).text_content()
    procedures = _page(out / "thu-tuc-hanh-chinh/index.html")
    assert [(a.text, a.get("href")) for a in procedures.xpath("//main//li/a")] == [
        ("Cấp bản sao văn bằng", "https://dichvucong.gov.vn/p/1")]


def test_a_section_is_paginated_at_its_folder(province, monkeypatch):
    for number in range(14):  # DEFAULT_PAGINATION is 12
        province.article("th-b", f"2024/thong-bao-{number}.md", title=f"Thông báo số {number}",
                         category="Thông báo", date=f"2024-10-{number + 1:02d}", image=False)
    out = _build(province, monkeypatch)
    first = _page(out / "th-b/chuyen-muc/thong-bao/index.html")
    assert len(first.xpath("//main//article[@class='card']")) == 12
    following = first.xpath("//nav[@class='pagination']/a[@rel='next']")[0].get("href")
    second = _page((out / "th-b/chuyen-muc/thong-bao" / following / "index.html").resolve())
    assert [a.text for a in second.xpath("//main//article//h2/a")] == ["Thông báo số 1", "Thông báo số 0"]


def _home_top(out: Path, site: str) -> list[str]:
    home = _page(out / site / "index.html")
    return [a.text for a in home.xpath("//section[@class='pinned']//a")]


def _home_list(out: Path, site: str) -> list[str]:
    home = _page(out / site / "index.html")
    return [a.text for a in home.xpath("//section[@aria-labelledby='tin-moi']//a")]


def test_a_pinned_announcement_stays_on_top_until_its_day_ends_in_the_provinces_zone(province, monkeypatch):
    province.article("thcs-a", "2024/tin.md", title="Hội thi giáo viên dạy giỏi", date="2024-11-18 08:00")
    province.article("thcs-a", "2024/nghi-le.md", title="Thông báo nghỉ lễ", category="Thông báo",
                     date="2024-11-10 08:00", pinned_until="2024-11-20")
    # the last minutes of the 20th in Asia/Ho_Chi_Minh (already the 20th's evening in UTC terms)
    out = _build(province, monkeypatch, "2024-11-20T16:50:00+00:00")
    assert _home_top(out, "thcs-a") == ["Thông báo nghỉ lễ"]
    assert "Thông báo nghỉ lễ" not in _home_list(out, "thcs-a")
    assert _home_top(out, "") == []  # the Sở's home pins its own announcements only
    # the nightly rebuild into the same output, ten minutes after midnight there
    out = _build(province, monkeypatch, "2024-11-20T17:10:00+00:00")
    assert _home_top(out, "thcs-a") == []
    assert _home_list(out, "thcs-a") == ["Hội thi giáo viên dạy giỏi", "Thông báo nghỉ lễ"]


def test_a_consultation_shows_its_deadline_and_how_to_send_an_opinion(province, monkeypatch):
    province.write("units/so.yml", UNITS["so"] + "email: vanthu@so.example.edu.vn\n")
    province.article("so", "2024/lay-y-kien.md", title="Lấy ý kiến dự thảo kế hoạch", category="Lấy ý kiến",
                     date="2024-11-10 08:00", deadline="2024-12-15")
    province.article("so", "2024/hoi-dap.md", title="Hỏi: giờ học mùa đông", category="Hỏi đáp",
                     date="2024-11-10 08:00")
    out = _build(province, monkeypatch, "2024-12-15T23:00:00+07:00")
    section = _page(out / "chuyen-muc/lay-y-kien/index.html")
    assert section.xpath("//article[@class='card']//p[@class='deadline']")[0].text == "Hạn góp ý: 15/12/2024"
    mail = section.xpath("//aside[@class='write-in']//a")[0].get("href")
    assert mail.startswith("mailto:vanthu@so.example.edu.vn?subject=")
    article = _page(out / "bai-viet/lay-y-kien-du-thao-ke-hoach.html")
    assert article.xpath("//article//p[@class='deadline']")[0].text == "Hạn góp ý: 15/12/2024"
    assert article.xpath("//aside[@class='write-in']//a/@href")[0].startswith("mailto:vanthu@so.example.edu.vn")
    questions = _page(out / "chuyen-muc/hoi-dap/index.html")
    assert "Gửi câu hỏi" in questions.xpath("//aside[@class='write-in']/h2")[0].text
    assert questions.xpath("//aside[@class='write-in']//a/@href")[0].startswith("mailto:vanthu@so.example.edu.vn")

    out = _build(province, monkeypatch, "2024-12-16T00:30:00+07:00")  # the next day there
    article = _page(out / "bai-viet/lay-y-kien-du-thao-ke-hoach.html")
    assert article.xpath("//article//p[contains(@class, 'deadline')]")[0].text.startswith("Đã hết hạn góp ý")
    assert not article.xpath("//aside[@class='write-in']")  # no opinion asked for any more
    card = _page(out / "chuyen-muc/lay-y-kien/index.html").xpath("//article[@class='card']//p[contains(@class, 'deadline')]")
    assert card[0].text.startswith("Đã hết hạn góp ý")


def test_a_unit_without_an_email_address_is_told_its_readers_cannot_write_in(province):
    from helpers_problems import parse_problems

    province.write("units/_province.yml", (province.root / "units/_province.yml").read_text() + "required_sections: true\n")
    province.write("units/th-b.yml", UNITS["th-b"] + "email: thb@example.edu.vn\n")
    w624 = {p.path: p.text for p in parse_problems(province.check().stdout) if p.code == "W624"}
    assert "units/th-b.yml" not in w624
    assert w624["units/thcs-a.yml"].startswith("units/thcs-a.yml:1: W624 đơn vị thcs-a chưa có địa chỉ thư điện tử "
                                                "(email): người đọc không gửi được câu hỏi, góp ý ở mục Hỏi đáp — "
                                                "thêm vào tệp này dòng 'email: ...'")
    assert "ở mục Hỏi đáp, Lấy ý kiến" in w624["units/so.yml"]  # the Sở asks for opinions too
