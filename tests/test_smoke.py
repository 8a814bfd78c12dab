from lxml import html


def test_valid_article_is_published_on_its_unit_site(province):
    province.article("thcs-a", "2024/hoi-thi.md")
    out = province.build()
    page = html.parse(str(out / "thcs-a/bai-viet/hoi-thi-giao-vien-day-gioi-cap-truong.html"))
    assert page.findtext(".//h1") == "Hội thi giáo viên dạy giỏi cấp trường"
    figure = page.find(".//div[@class='prose']//figure")
    assert figure.findtext("figcaption") == "Cô giáo Lê Thị Hoa giảng bài môn Ngữ văn"
