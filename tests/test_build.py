"""The build as a whole: content cache, atomic output, per-site structure."""

from __future__ import annotations

import json
import os
import pickle
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


def test_files_read_by_the_parallel_readers_are_stamped_as_pelican_stamps_them(province, monkeypatch):
    from article_reader.prefetch import MIN_FILES

    monkeypatch.setenv("READ_PROCESSES", "2")  # the readers run even on one core

    for n in range(MIN_FILES + 1):  # enough for the worker processes to read them
        province.article("thcs-a", f"2024/{n}.md", title=f"Tin ngắn số {n}", image=False,
                         body=f"Nội dung của tin số {n}.\r\nDòng thứ hai.\n")
    first = province.run_build()
    assert first.returncode == 0 and _read_count(first) == MIN_FILES + 1
    assert _read_count(province.run_build()) == 0
    for path in (province.root / "content/thcs-a/2024").iterdir():  # as a fresh clone leaves them
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert _read_count(province.run_build()) == 0  # stamped again from the files: same digests
    (stamps,) = province.root.glob("cache/*/file-stamps.json")
    assert len(json.loads(stamps.read_text(encoding="utf-8"))) == MIN_FILES + 1
    page = html.parse(str(province.root / "output/thcs-a/bai-viet/tin-ngan-so-7.html"))
    assert "Nội dung của tin số 7." in page.xpath("string(.//main)")


def test_a_small_change_writes_a_cache_delta_not_the_whole_cache(province):
    for n in range(3):
        province.article("thcs-a", f"2024/{n}.md", title=f"Bài số {n} của trường")
    province.build()
    base = next(province.root.glob("cache/*/ArticlesGenerator"))
    before = base.stat().st_mtime_ns
    province.article("thcs-a", "2024/1.md", title="Bài số 1, đã sửa")
    assert _read_count(province.run_build()) == 1
    assert base.stat().st_mtime_ns == before and base.with_name("ArticlesGenerator.delta").exists()
    assert _read_count(province.run_build()) == 0  # the delta is loaded on top of the base
    cached = pickle.loads(base.read_bytes())
    article = next(data for _, data in cached.values())
    assert article._context == {} and not hasattr(article, "figures")  # no build context, no pictures
    base.with_name("ArticlesGenerator.delta").write_bytes(b"not a pickle")
    assert _read_count(province.run_build()) == 1  # a broken delta costs a re-read, nothing else


def test_caches_of_other_code_versions_are_removed_after_a_build(province):
    province.article("thcs-a", "2024/a.md")
    province.build()
    (current,) = [p for p in (province.root / "cache").iterdir() if len(p.name) == 16]
    old = province.root / "cache" / "0123456789abcdef"
    (old / "sub").mkdir(parents=True)
    (old / "ArticlesGenerator").write_bytes(b"old")
    province.build()
    assert not old.exists() and current.is_dir()
    assert (province.root / "cache" / "images").is_dir()


def test_a_new_province_time_zone_reaches_every_page_and_feed(province, tmp_path):
    province.article("thcs-a", "2024/a.md", title="Bài có giờ đăng", date="2024-11-07 08:30")
    out = province.build()
    settings = province.root / "units/_province.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Asia/Ho_Chi_Minh", "Asia/Tokyo"),
                        encoding="utf-8")
    province.build()
    clean = province.build(output=tmp_path / "clean")
    for page in ("thcs-a/bai-viet/bai-co-gio-dang.html", "thcs-a/feeds/atom.xml", "feeds/all.atom.xml"):
        assert (out / page).read_bytes() == (clean / page).read_bytes(), page
    assert "2024-11-07T08:30:00+09:00" in (out / "thcs-a/feeds/atom.xml").read_text(encoding="utf-8")


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


def test_a_year_archive_lists_the_year_by_month_newest_first(province):
    province.article("thcs-a", "2024/a.md", title="Khai giảng năm học mới", date="2024-09-05 07:30")
    province.article("thcs-a", "2024/b.md", title="Hội thi giáo viên giỏi", date="2024-11-07 08:30")
    province.article("thcs-a", "2024/c.md", title="Ngày Nhà giáo Việt Nam", date="2024-11-20 08:00")
    province.article("thcs-a", "2023/d.md", title="Tổng kết năm học", date="2023-05-30 15:00")
    out = province.build()
    year = html.parse(str(out / "thcs-a/luu-tru/2024/index.html"))
    months = {section.findtext("h2").split(" (")[0].strip(): [a.text for a in section.iterfind(".//li/a")]
              for section in year.iterfind(".//main//section")}
    assert months == {"Tháng 11/2024": ["Ngày Nhà giáo Việt Nam", "Hội thi giáo viên giỏi"],
                      "Tháng 09/2024": ["Khai giảng năm học mới"]}
    assert list(months) == ["Tháng 11/2024", "Tháng 09/2024"]
    archives = html.parse(str(out / "thcs-a/luu-tru/index.html"))
    links = [a.get("href") for a in archives.iterfind(".//main//li/a")]
    assert links[0].endswith("luu-tru/2024/") and "luu-tru/2024/#thang-11" in links[1]
    assert any(link.endswith("luu-tru/2023/") for link in links)


def test_a_sites_tags_share_one_page_with_a_section_each(province):
    province.article("thcs-a", "2024/a.md", title="Hội khỏe Phù Đổng", date="2024-11-02", tags=["thể thao"])
    province.article("thcs-a", "2024/b.md", title="Giải bóng đá", date="2024-11-09", tags=["Thể thao", "bóng đá"])
    province.article("th-b", "2024/c.md", title="Bài của trường khác", tags=["thể thao"])
    out = province.build()
    tags = html.parse(str(out / "thcs-a/the/index.html")).getroot()
    sections = {section.get("aria-labelledby"): [a.text for a in section.iterfind(".//li/a")]
                for section in tags.iterfind(".//main//section")}
    # names differing only in case are one tag; newest first; the other school's article is not here
    assert sections == {"tu-khoa-bong-da": ["Giải bóng đá"], "tu-khoa-the-thao": ["Giải bóng đá", "Hội khỏe Phù Đổng"]}
    assert tags.get_element_by_id("tu-khoa-the-thao").tag == "h2"
    article = html.parse(str(out / "thcs-a/bai-viet/giai-bong-da.html")).getroot()
    hrefs = [a.get("href") for a in article.iterfind(".//ul[@class='tags']/li/a")]
    assert [os.path.normpath(os.path.join(out / "thcs-a/bai-viet", h.split("#")[0])) + "#" + h.split("#")[1]
            for h in hrefs] == [f"{out}/thcs-a/the#tu-khoa-the-thao", f"{out}/thcs-a/the#tu-khoa-bong-da"]
    assert not list(out.glob("thcs-a/the/*/index.html"))  # no page per tag


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_one_article_change_rewrites_only_what_shows_it_and_matches_a_clean_build(province, tmp_path):
    province.article("thcs-a", "2024/a.md", title="Bài A của trường", tags=["thể thao"])
    province.article("thcs-a", "2024/b.md", title="Bài B của trường", date="2024-10-01", tags=["văn nghệ"])
    province.article("th-b", "2024/c.md", title="Bài C của trường khác")
    out = province.build()
    before = _snapshot(out)
    province.article("thcs-a", "2024/b.md", title="Bài B của trường", date="2024-10-01", tags=["văn nghệ"],
                     body="Nội dung đã sửa lại cho đúng.\n", image=False)
    province.build()
    after = _snapshot(out)
    changed = {path for path in after if path not in before or after[path] != before[path]}
    assert "thcs-a/bai-viet/bai-b-cua-truong.html" in changed
    assert "thcs-a/feeds/atom.xml" in changed
    assert not any(path.startswith("th-b/") for path in changed)  # another unit: untouched
    assert "thcs-a/bai-viet/bai-a-cua-truong.html" not in changed
    assert "thcs-a/the/index.html" not in changed  # shows B by its title and date, unchanged
    clean = province.build(output=tmp_path / "clean")
    assert {p: data for p, (data, _) in after.items()} == {p: data for p, (data, _) in _snapshot(clean).items()}


def test_a_caption_only_edit_reaches_the_article_page(province, tmp_path):
    path = province.article("thcs-a", "2024/a.md", title="Bài có ảnh")
    out = province.build()
    text = (province.root / path).read_text(encoding="utf-8")
    province.write(path, text.replace("Cô giáo Lê Thị Hoa giảng bài", "Cô giáo Lê Thị Hoa dạy bài"))
    province.build()
    page = html.parse(str(out / "thcs-a/bai-viet/bai-co-anh.html"))
    assert page.findtext(".//figure/figcaption").startswith("Cô giáo Lê Thị Hoa dạy bài")
    clean = province.build(output=tmp_path / "clean")
    assert (out / "thcs-a/bai-viet/bai-co-anh.html").read_bytes() == \
        (clean / "thcs-a/bai-viet/bai-co-anh.html").read_bytes()


def test_a_body_missing_from_the_store_is_read_again_from_its_file(province):
    province.article("thcs-a", "2024/a.md", title="Bài còn nguyên nội dung", image=False,
                     body="Đoạn văn cần có trên trang sau khi bộ nhớ đệm mất.\n")
    out = province.build()
    for store in province.root.glob("cache/*/bodies.sqlite*"):
        store.unlink()
    unit_file = province.root / "units/thcs-a.yml"
    unit_file.write_text(unit_file.read_text(encoding="utf-8").replace("Trường THCS A", "Trường THCS A mới"),
                         encoding="utf-8")  # every page of the site is rendered again
    province.build()
    page = html.parse(str(out / "thcs-a/bai-viet/bai-con-nguyen-noi-dung.html"))
    assert page.findtext(".//p[@class='masthead__unit']/a") == "Trường THCS A mới"
    assert "Đoạn văn cần có trên trang sau khi bộ nhớ đệm mất." in page.xpath("string(.//main)")


def test_a_cache_restored_into_another_folder_serves_that_folder(province, tmp_path):
    """As a CI runner restores cache/ into a new checkout: the cached articles belong to
    the new folder (its body store, its files), not to the one that made the cache."""
    province.article("thcs-a", "2024/a.md", title="Bài trong bộ nhớ đệm", image=False,
                     body="Nội dung đọc từ bộ nhớ đệm đã khôi phục.\n")
    province.build()
    moved = tmp_path / "runner" / "repo"
    moved.parent.mkdir()
    shutil.copytree(province.root, moved, symlinks=True)
    (province.root / "output").unlink()  # the link to the live tree (output_sync)
    shutil.rmtree(province.root / "output.trees")
    shutil.rmtree(province.root / "cache")
    repo = Province.__new__(Province)
    repo.root = moved
    for store in moved.glob("cache/*/bodies.sqlite*"):
        store.unlink()  # a body is then read again from its file: the new folder's
    unit_file = moved / "units/thcs-a.yml"
    unit_file.write_text(unit_file.read_text(encoding="utf-8").replace("Trường THCS A", "Trường THCS A mới"),
                         encoding="utf-8")
    out = repo.build(output=moved / "output")
    page = html.parse(str(out / "thcs-a/bai-viet/bai-trong-bo-nho-dem.html"))
    assert "Nội dung đọc từ bộ nhớ đệm đã khôi phục." in page.xpath("string(.//main)")
    assert not (province.root / "cache").exists()  # nothing was written into the old folder


def test_a_removed_article_disappears_from_output(province):
    province.article("thcs-a", "2024/a.md", title="Bài sẽ bị xóa")
    out = province.build()
    assert (out / "thcs-a/bai-viet/bai-se-bi-xoa.html").exists()
    (province.root / "content/thcs-a/2024/a.md").unlink()
    province.build()
    assert not (out / "thcs-a/bai-viet/bai-se-bi-xoa.html").exists()
    assert not (out / "thcs-a/bai-viet").exists()


def test_noop_rebuild_of_a_git_province_renders_nothing_not_even_the_quota(province):
    province.article("thcs-a", "2024/a.md", title="Bài có trong lịch sử git")
    province.git("init", "-q", "-b", "main")
    province.git("add", "-A")
    province.git("commit", "-q", "-m", "Bài đầu tiên")
    out = province.build()
    xlsx = out / "quota/quota.xlsx"
    stamp = xlsx.stat().st_mtime_ns
    second = province.run_build()
    assert "dựng lại 0 trang, ghi 0 tệp" in second.stdout
    assert xlsx.stat().st_mtime_ns == stamp


def test_a_category_without_letters_falls_back_to_the_default(province):
    province.article("thcs-a", "2024/a.md", title="Bài có chuyên mục lạ", category='"!!!"')
    out = province.build()
    assert not (out / "thcs-a/chuyen-muc/index.html").exists()
    listing = html.parse(str(out / "thcs-a/chuyen-muc/tin-tuc/index.html"))
    assert "Bài có chuyên mục lạ" in {a.text for a in listing.iterfind(".//main//a")}


def test_hidden_files_are_skipped_and_nested_pages_are_pages_for_build_and_check(province):
    province.article("thcs-a", "2024/a.md", title="Bài bình thường của trường")
    province.article("thcs-a", "2024/_nhap.md", title="Bài có tên bắt đầu bằng gạch dưới")
    province.write("content/thcs-a/.cu/b.md", "---\nsave_as: ../x.html\n---\n")  # an editor's leftover
    province.write("content/thcs-a/pages/gioi-thieu/lich-su.md",
                   "---\ntitle: Lịch sử nhà trường\ndate: 2020-01-01\norder: 2\n---\n\nNội dung.\n")
    check = province.check()
    assert not any(".cu/b.md" in line for line in check.lines)
    # read as a page: an article could not have `order`, and would need an approver
    assert not any("pages/gioi-thieu/lich-su.md" in line for line in check.lines)
    assert not any("_nhap.md" in line for line in check.lines)  # an article like any other, and valid
    out = province.build()
    assert (out / "thcs-a/bai-viet/bai-co-ten-bat-dau-bang-gach-duoi.html").exists()
    assert (out / "thcs-a/trang/lich-su-nha-truong.html").exists()


def test_the_so_has_a_feed_of_its_own_articles(province):
    province.article("so", "2024/a.md", title="Tin riêng của Sở")
    province.article("van-phong", "2024/b.md", title="Tin của Văn phòng")
    out = province.build()
    own = [e.findtext(f"{ATOM}title") for e in etree.parse(str(out / "so/feeds/atom.xml")).iter(f"{ATOM}entry")]
    assert own == ["Tin riêng của Sở"]


def test_feed_entries_escape_what_they_show_and_drop_characters_xml_refuses(province):
    province.article("thcs-a", "2024/a.md", title='Thi "Rung chuông vàng" <lớp 5> & 6',
                     author="Tổ Toán & Tin", tags=['a"b <c>'], image=False,
                     body="Sáng ngày 07/11/2024,\x07 trường tổ chức thi.\n")  # a control character pasted from Word
    out = province.build()
    for feed in ("thcs-a/feeds/atom.xml", "feeds/all.atom.xml"):
        (entry,) = etree.parse(str(out / feed)).iter(f"{ATOM}entry")  # parses: well-formed
        assert entry.findtext(f"{ATOM}title") == 'Thi "Rung chuông vàng" <lớp 5> & 6'
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Tổ Toán & Tin"
        assert 'a"b <c>' in [c.get("term") for c in entry.iter(f"{ATOM}category")]
        assert entry.findtext(f"{ATOM}summary") == "Sáng ngày 07/11/2024, trường tổ chức thi."
        assert entry.find(f"{ATOM}link").get("href").endswith("/thcs-a/bai-viet/thi-rung-chuong-vang-lop-5-6.html")
    content = next(etree.parse(str(out / "thcs-a/feeds/atom.xml")).iter(f"{ATOM}content"))
    assert "Sáng ngày 07/11/2024" in html.fromstring(content.text).text_content()


def test_pages_rendered_by_two_processes_are_those_of_one(province, monkeypatch):
    from unit_sites.pages import PARALLEL_MIN_JOBS

    for n in range(PARALLEL_MIN_JOBS):  # each article: its page; and the lists, archives and feeds
        province.article("thcs-a" if n % 2 else "th-b", f"2024/{n}.md", title=f"Tin số {n}", image=False,
                         date=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d} 08:00", tags=[f"chủ đề {n % 7}"])
    monkeypatch.setenv("RENDER_PROCESSES", "2")
    shared = province.run_build()
    assert shared.returncode == 0, shared.stderr
    summary = next(line for line in shared.lines if line.startswith("Đã đọc"))
    assert int(summary.split("dựng lại ")[1].split()[0]) >= PARALLEL_MIN_JOBS  # so it ran in two
    for kept in (province.root / "cache").iterdir():  # nothing of the first build is reused
        if kept.name != "images":
            shutil.rmtree(kept) if kept.is_dir() else kept.unlink()
    monkeypatch.setenv("RENDER_PROCESSES", "1")
    alone = province.build(output=province.root / "alone")
    assert {p: data for p, (data, _) in _snapshot(province.root / "output").items()} == \
           {p: data for p, (data, _) in _snapshot(alone).items()}


def test_a_sites_masthead_menu_and_footer_are_its_own_and_link_from_every_depth(province):
    province.article("thcs-a", "2024/a.md", title="Tin của trường A")
    province.article("th-b", "2024/b.md", title="Tin của trường B")
    province.write("content/thcs-a/pages/lien-he.md", "---\ntitle: Liên hệ\n---\n\nSố điện thoại của trường.\n")
    out = province.build()
    for page, unit_name in (("thcs-a/index.html", "Trường THCS A"), ("thcs-a/bai-viet/tin-cua-truong-a.html", "Trường THCS A"),
                            ("thcs-a/luu-tru/2024/index.html", "Trường THCS A"), ("th-b/index.html", "Trường Tiểu học B")):
        document = html.parse(str(out / page)).getroot()
        assert document.findtext(".//p[@class='masthead__unit']/a") == unit_name
        folder = (out / page).parent
        targets = {a.text: os.path.normpath(folder / a.get("href")) for a in document.iterfind(".//nav[@class='topnav']//a")}
        assert targets["Trang chủ"] == str(out / page.split("/")[0])
        assert (targets.get("Liên hệ") == str(out / "thcs-a/trang/lien-he.html")) == page.startswith("thcs-a/")
        footer_home = document.find(".//footer//a[last()]").get("href")
        assert os.path.normpath(folder / footer_home) == str(out)  # the portal's home, from any depth


def test_articles_and_pages_are_both_read_ahead_one_after_the_other(province, monkeypatch):
    from article_reader.prefetch import MIN_FILES

    monkeypatch.setenv("READ_PROCESSES", "2")  # the readers run even on one core
    for n in range(MIN_FILES + 1):  # enough of each for the workers to read them
        province.article("thcs-a", f"2024/{n}.md", title=f"Tin ngắn số {n}", image=False)
        province.write(f"content/th-b/pages/trang-{n}.md", f"---\ntitle: Trang số {n}\n---\n\nNội dung trang {n}.\n")
    proc = subprocess.run([PYTHON, str(CODE_ROOT / "tools" / "build.py"), "--root", str(province.root), "-v"],
                          capture_output=True, text=True, env=province._env())
    assert proc.returncode == 0, proc.stderr
    # every file came from the workers: none was read again here
    assert f"Đã đọc trước {2 * (MIN_FILES + 1)} tệp Markdown" in proc.stderr
    page = html.parse(str(province.root / "output/th-b/trang/trang-so-7.html"))
    assert "Nội dung trang 7." in page.xpath("string(.//main)")
