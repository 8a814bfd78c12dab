"""The quota pages built with the sites (parsed HTML): output/quota/, a quarter's printable report, a
commune's page of its schools, the box on a unit's home page; from the history of helpers.make_rich_province."""

from __future__ import annotations

import json
import re

import lxml.html

from factory import Province

PROVINCE = "Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm"
# what a reader must never see: contract labels, rule codes, zone names, ids
INTERNAL = re.compile(r"\d{4}-W\d{2}|\d{4}-Q\d|HK[12]\b|\b(week|month|quarter|semester|year):\d+:(own|so)\b|rota:|"
                      r"Asia/|\b(thcs-a|th-b|xa-b|phong-gddt-a|van-phong)\b")


def _page(output, path):
    return lxml.html.fromstring((output / path).read_bytes())


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _visible_text(tree) -> str:
    """The page's text without the screen-reader-only parts."""
    for hidden in tree.xpath('//*[contains(concat(" ", @class, " "), " visually-hidden ")]'):
        hidden.drop_tree()
    return _text(tree.body)


def _unit_row(tree, unit_id):
    return tree.get_element_by_id(f"dv-{unit_id}")


def _cells(row) -> list[tuple[str, str, str]]:
    """(status, what a reader sees, what a screen reader says) of each period cell of a unit's row."""
    return [(li.get("class").split("--")[-1], _text(li.xpath('./span[@aria-hidden="true"]')[0]),
             _text(li.xpath('./span[@class="visually-hidden"]')[0])) for li in row.xpath('.//li[contains(@class, "quota-cell")]')]


def test_each_period_says_its_state_in_words_and_symbols_not_only_colour(rich_build):
    _, output = rich_build
    tree = _page(output, "quota/index.html")
    weeks = _cells(_unit_row(tree, "thcs-a"))
    # the last six weeks of thcs-a: 2, 3 met, 4 missed, 5, 6 met, 7 (open, the as-of week) met already
    assert [(status, seen) for status, seen, _ in weeks[:6]] == [
        ("met", "Tuần 2 ✓ 1/1"), ("met", "Tuần 3 ✓ 1/1"), ("missed", "Tuần 4 ✗ 0/1"),
        ("met", "Tuần 5 ✓ 1/1"), ("met", "Tuần 6 ✓ 1/1"), ("met", "Tuần 7 ✓ 1/1")]
    assert weeks[2][2] == "Tuần 4 (23/01–29/01/2023): không đạt, đã đăng 0/1 bài"
    assert weeks[6:] == [("met", "HK I 2022-2023 ✓ 1/1", "Học kỳ I, năm học 2022-2023: đạt, đã đăng 1/1 bài"),
                         ("open", "HK II 2022-2023 … 0/1", "Học kỳ II, năm học 2022-2023: đang mở, đã đăng 0/1 bài")]
    months = _cells(_unit_row(tree, "th-b"))
    assert [seen for _, seen, _ in months] == ["09/2022 ✗ 0/1", "10/2022 ✓ 1/1", "11/2022 ✗ 0/1", "12/2022 ✓ 1/1",
                                               "01/2023 ✓ 1/1", "02/2023 … 0/1"]
    assert months[5][2] == "Tháng 02/2023: đang mở, đã đăng 0/1 bài"
    rules = [_text(p) for p in _unit_row(tree, "thcs-a").xpath('.//p[@class="quota-rule__name"]')]
    assert rules == ["1 bài mỗi tuần", "1 bài gửi Sở mỗi học kỳ"]
    legend = [_text(li) for li in tree.xpath('//ul[@class="quota-legend"]/li')]
    assert legend == ["✓ đạt", "… đang mở", "✗ không đạt", "– không yêu cầu"]


def test_no_id_label_commit_or_zone_is_shown_and_the_update_is_a_moment(rich_build):
    province, output = rich_build
    head = province.git("rev-parse", "HEAD")
    for path in ("quota/index.html", "quota/quy-2023-Q1/index.html", "quota/quy-2022-Q4/index.html",
                 "xa-b/dinh-muc/index.html", "thcs-a/index.html"):
        text = _visible_text(_page(output, path))
        assert not INTERNAL.search(text), (path, INTERNAL.search(text).group(0))
        assert head[:7] not in text
    page = _page(output, "quota/index.html")
    assert "Số liệu tính đến hết ngày Thứ Tư, 15/02/2023 · cập nhật lúc 10:00, 14/02/2023." in _visible_text(page)
    assert not page.xpath("//script") and not page.xpath("//*[@style]")


def test_the_current_quarter_at_the_top_behind_first_with_totals_per_managing_unit(rich_build):
    _, output = rich_build
    tree = _page(output, "quota/index.html")
    glance = tree.xpath('//section[@class="quota-glance"]')[0]
    assert _text(glance.xpath(".//h2")[0]) == "Quý I/2023 — đang diễn ra"
    assert "Số liệu tạm tính từ ngày 01/01/2023 đến hết ngày 15/02/2023" in _text(glance)
    units = [[_text(cell) for cell in row.xpath("./th|./td")] for row in glance.xpath('.//table[contains(@class, "quota-glance__units")]/tbody/tr')]
    assert units[0] == ["Trường THCS A", "77%", "7/9 bài", "✗ chưa đạt"]  # weeks 52 and 4 missed
    assert [row[1] for row in units] == sorted((row[1] for row in units), key=lambda p: int(p.rstrip("%")))
    assert {row[0] for row in units} == {"Trường THCS A", "Trường Tiểu học B", "Ủy ban nhân dân xã B", "Văn phòng Sở"}
    groups = [[_text(cell) for cell in row.xpath("./th|./td")] for row in glance.xpath('.//table[contains(@class, "quota-glance__groups")]/tbody/tr')]
    assert groups == [[PROVINCE, "2/2", "100%", "2/2 bài"], ["Ủy ban nhân dân xã B", "1/2", "80%", "8/10 bài"]]
    assert glance.xpath('.//a[text()="Báo cáo quý I/2023 để in"]/@href') == ["../quota/quy-2023-Q1/"]


def test_the_chart_counts_each_month_in_text_and_says_what_it_counts(rich_build):
    _, output = rich_build
    tree = _page(output, "quota/index.html")
    bars = [_text(li.xpath('./span[@class="visually-hidden"]')[0]) for li in tree.xpath('//ol[@class="quota-chart"]/li')]
    assert bars[0] == "Tháng 09/2022: 4 bài, trong đó 0 bài gửi Sở"  # thcs-a weeks 36, 37, 39; the Văn phòng
    assert bars[1] == "Tháng 10/2022: 7 bài, trong đó 1 bài gửi Sở"
    assert len(bars) == 6 and bars[-1] == "Tháng 02/2023: 2 bài, trong đó 0 bài gửi Sở"
    data = json.loads((output / "quota/quota.json").read_text(encoding="utf-8"))
    counted = {path for unit in data["units"] for p in unit["periods"] for path in p["articles"]}
    assert sum(int(re.search(r": (\d+) bài", bar).group(1)) for bar in bars) == len(counted) + 1  # + the Sở's
    section = tree.get_element_by_id("lich-su").getparent()
    assert "theo lúc bài được duyệt đăng lên trang" in _text(section)


def test_filters_know_each_groups_kinds_and_have_a_message_for_nothing_left(rich_build):
    _, output = rich_build
    tree = _page(output, "quota/index.html")
    groups = {g.get("class") for g in tree.xpath('//section[contains(@class, "quota-group ")]')}
    assert groups == {"quota-group g-so has-phong-gddt has-phong-thuoc-so has-so has-xa", "quota-group g-xa-b has-truong"}
    kinds = tree.xpath('//input[@name="loc-loai"]/@id')
    assert kinds == ["loc-loai-tat-ca", "loc-loai-so", "loc-loai-phong-thuoc-so", "loc-loai-phong-gddt", "loc-loai-xa",
                     "loc-loai-truong"]
    assert tree.xpath('//p[@class="quota-empty"]')
    css = (output / "quota/quota.css").read_text(encoding="utf-8")
    assert (".quota-filterable:has(#loc-loai-truong:checked):has(#loc-cap-tren-so:checked) .quota-empty{display:block}"
            in css)
    assert ".quota-filterable:has(#loc-cap-tren-xa-b:checked) .quota-group:not(.g-xa-b){display:none}" in css
    totals = [_text(p) for p in tree.xpath('//section[contains(@class, "g-xa-b")]/p[contains(@class, "quota-totals")]')]
    assert totals == ["Quý I/2023 (tạm tính): 1/2 đơn vị đạt, 8/10 bài tính vào định mức (80%).",
                      "Quý I/2023 (tạm tính), trường: 1/2 đơn vị đạt, 8/10 bài tính vào định mức (80%)."]


def test_a_retired_unit_is_marked_and_not_failing_after_it_stopped(rich_build):
    _, output = rich_build
    tree = _page(output, "quota/index.html")
    row = _unit_row(tree, "phong-gddt-a")
    assert "ngừng hoạt động từ 31/12/2022" in _text(row)
    assert [status for status, _, _ in _cells(row)][-1] != "open" and len(_cells(row)) == 4  # 09–12/2022 only
    glance = _text(tree.xpath('//section[@class="quota-glance"]')[0])
    assert "Phòng GD&ĐT huyện A" not in glance


def test_the_so_menu_links_to_the_quota_page(rich_build):
    _, output = rich_build
    home = _page(output, "index.html")
    assert home.xpath('//nav[@class="topnav"]//a[text()="Định mức đăng bài"]/@href') == ["./quota/"]


def test_each_quarter_has_a_printable_report(rich_build):
    _, output = rich_build
    tree = _page(output, "quota/quy-2022-Q4/index.html")
    assert _text(tree.xpath("//h1")[0]) == "BÁO CÁO SỐ LƯỢNG TIN, BÀI, ẢNH QUÝ IV/2022"
    assert _text(tree.xpath('//p[@class="quota-report__span"]')[0]) == "(Từ ngày 01/10/2022 đến ngày 31/12/2022)"
    assert tree.xpath('//link[@media="print"]/@href') == ["../../theme/css/quota-print.css"]
    table = tree.xpath('//table[@class="quota-report__table"]')[0]
    heads = [_text(th) for th in table.xpath("./thead/tr/th")]
    assert heads[:3] == ["STT", "Đơn vị", "Số bài phải đăng"] and heads[-3:] == ["Tỉ lệ đạt", "Kết quả", "Ghi chú"]
    rows = [[_text(cell) for cell in tr.xpath("./th|./td")] for tr in table.xpath("./tbody/tr")]
    assert rows[0] == ["I", PROVINCE]
    assert ["II", "Phòng GD&ĐT huyện A"] in rows
    school = next(row for row in rows if row[1] == "Trường THCS A")
    assert school[0] == "1" and school[8] == "✗ chưa đạt"
    assert rows[-1][1] == "TỔNG CỘNG TOÀN TỈNH"
    text = _text(tree.body)
    assert "NGƯỜI LẬP BIỂU" in text and "CHÁNH VĂN PHÒNG" in text and "Lê Thị Chánh" in text
    assert "số liệu tạm tính" not in text
    current = _text(_page(output, "quota/quy-2023-Q1/index.html").body)
    assert "(Từ ngày 01/01/2023 đến hết ngày 15/02/2023 — số liệu tạm tính, quý chưa kết thúc)" in current


def test_a_commune_has_a_page_of_its_schools(rich_build):
    _, output = rich_build
    tree = _page(output, "xa-b/dinh-muc/index.html")
    assert _text(tree.xpath("//h1")[0]) == "Định mức đăng bài của các đơn vị do Ủy ban nhân dân xã B quản lý"
    assert [_text(a) for a in tree.xpath('//table[contains(@class, "quota-units")]//th[@scope="row"]/a')] == [
        "Trường THCS A", "Trường Tiểu học B"]
    assert tree.xpath('//link[@rel="stylesheet"]/@href')[-1] == "../../theme/css/quota.css"


def test_the_home_page_box_when_the_province_turns_it_on(rich_build):
    _, output = rich_build
    tree = _page(output, "thcs-a/index.html")
    box = tree.xpath('//section[@class="quota-box"]')[0]
    items = [_text(li) for li in box.xpath(".//li")]
    assert items == ["1 bài mỗi tuần: Tuần 7 (13/02–19/02/2023) — ✓ đạt, đã đăng 1/1 bài",
                     "1 bài gửi Sở mỗi học kỳ: Học kỳ II, năm học 2022-2023 — … đang mở, đã đăng 0/1 bài"]
    # its styles come from the theme (a unit site at its own address has its own copy), not from quota/
    assert "../theme/css/quota.css" in tree.xpath('//link[@rel="stylesheet"]/@href')
    assert box.xpath('.//a/@href') == ["../quota/#dv-thcs-a"]


def test_the_box_is_off_by_default(demo_output):
    home = lxml.html.fromstring((demo_output / "thcs-nguyen-du" / "index.html").read_bytes())
    assert not home.xpath('//section[@class="quota-box"]')


def test_a_young_repository_says_why_its_past_is_empty(rich_build):
    _, output = rich_build
    note = _page(output, "quota/index.html").xpath('//p[@class="quota-note"]')
    assert _text(note[0]).startswith("Kho nội dung bắt đầu ghi từ ngày 01/09/2022: trước ngày đó chưa có số liệu.")


def test_build_without_git_history_succeeds_and_says_why(tmp_path):
    p = Province(tmp_path / "plain")
    p.article("thcs-a", "2024/a.md", date="2024-11-04 08:00")
    out = p.build()
    page = _page(out, "quota/index.html")
    assert _text(page.xpath('//p[@class="quota-note"]')[0]).startswith("Chưa có số liệu định mức: ")
    assert not (out / "quota" / "quota.json").exists()
