"""Publication times from real histories (contract section 6)."""

from __future__ import annotations

from factory import front_matter
from helpers import commit, counted, make_province, merge, periods, report


def test_merge_time_decides_not_branch_commit_time(tmp_path):
    p = make_province(tmp_path / "repo")
    p.git("checkout", "-q", "-b", "bai-moi")
    p.article("thcs-a", "2022/hoi-thi.md", date="2022-10-20 08:00")
    commit(p, "bài mới", "2022-10-25T09:00:00+07:00")
    p.git("checkout", "-q", "main")
    commit(p, "việc khác", "2022-10-26T09:00:00+07:00")
    merge(p, "bai-moi", "2022-11-02T10:00:00+07:00")
    data = report(p, "2022-11-30")
    assert counted(data, "thcs-a") == {"2022-11": 1}
    assert counted(data, "thcs-a", "week:1:own") == {"2022-W44": 1}
    # before the merge, the article is in no state of main
    assert counted(report(p, "2022-11-01"), "thcs-a") == {}


def test_backdated_article_counts_when_merged(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/cu.md", date="2022-09-10 08:00")
    commit(p, "bài ngày cũ", "2022-11-05T09:00:00+07:00")
    assert counted(report(p, "2022-12-31"), "thcs-a") == {"2022-11": 1}


def test_future_dated_article_counts_from_its_date(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/sap-toi.md", date="2022-12-10 08:00")
    commit(p, "bài hẹn giờ", "2022-11-05T09:00:00+07:00")
    assert counted(report(p, "2022-12-31"), "thcs-a") == {"2022-12": 1}
    assert counted(report(p, "2022-11-30"), "thcs-a") == {}
    # within the as-of period but after the as-of day: not yet
    assert counted(report(p, "2022-12-09"), "thcs-a") == {}


def test_rename_does_not_count_twice(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "hoi-thi.md", date="2022-10-03 08:00")
    commit(p, "bài", "2022-10-05T09:00:00+07:00")
    (p.root / "content/thcs-a/2022").mkdir()
    p.git("mv", "content/thcs-a/hoi-thi.md", "content/thcs-a/2022/hoi-thi-gvdg.md")
    commit(p, "đổi tên", "2022-11-05T09:00:00+07:00")
    data = report(p, "2022-11-30")
    assert counted(data, "thcs-a") == {"2022-10": 1}
    assert periods(data, "thcs-a", "month:1:own")["2022-10"][2] == ["content/thcs-a/2022/hoi-thi-gvdg.md"]


def test_rename_with_edit_keeps_first_publication(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "hoi-thi.md", date="2022-10-03 08:00")
    commit(p, "bài", "2022-10-05T09:00:00+07:00")
    p.git("mv", "content/thcs-a/hoi-thi.md", "content/thcs-a/hoi-thi-2.md")
    text = (p.root / "content/thcs-a/hoi-thi-2.md").read_text(encoding="utf-8")
    p.write("content/thcs-a/hoi-thi-2.md", text + "\nThêm một câu.\n")
    commit(p, "đổi tên và sửa", "2022-11-05T09:00:00+07:00")
    assert counted(report(p, "2022-11-30"), "thcs-a") == {"2022-10": 1}


def test_late_approval_counts_from_the_approving_commit(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/cho-duyet.md", date="2022-10-03 08:00", approved_by="Người Lạ")
    commit(p, "chưa đúng người duyệt", "2022-10-05T09:00:00+07:00")
    assert counted(report(p, "2022-10-31"), "thcs-a") == {}
    p.article("thcs-a", "2022/cho-duyet.md", date="2022-10-03 08:00")
    commit(p, "hiệu trưởng duyệt", "2022-11-03T09:00:00+07:00")
    assert counted(report(p, "2022-11-30"), "thcs-a") == {"2022-11": 1}


def test_approver_added_to_the_unit_counts_from_that_commit(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/pho.md", date="2022-10-03 08:00", approved_by="Lê Văn Phó")
    commit(p, "phó hiệu trưởng duyệt", "2022-10-05T09:00:00+07:00")
    unit = (p.root / "units/thcs-a.yml").read_text(encoding="utf-8")
    p.write("units/thcs-a.yml", unit.replace("approvers:\n", "approvers:\n  - name: Lê Văn Phó\n    title: Phó Hiệu trưởng\n"))
    commit(p, "thêm người duyệt", "2022-11-03T09:00:00+07:00")
    assert counted(report(p, "2022-11-30"), "thcs-a") == {"2022-11": 1}


def test_draft_then_published_again_counts_from_the_second_time(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/bai.md", date="2022-10-03 08:00")
    commit(p, "đăng", "2022-10-05T09:00:00+07:00")
    p.article("thcs-a", "2022/bai.md", date="2022-10-03 08:00", status="draft")
    commit(p, "rút về nháp", "2022-11-01T09:00:00+07:00")
    assert counted(report(p, "2022-11-05"), "thcs-a") == {}
    p.article("thcs-a", "2022/bai.md", date="2022-10-03 08:00")
    commit(p, "đăng lại", "2022-12-02T09:00:00+07:00")
    assert counted(report(p, "2022-12-31"), "thcs-a") == {"2022-12": 1}
    # as of a day in the first run, it counted in October
    assert counted(report(p, "2022-10-31"), "thcs-a") == {"2022-10": 1}


def test_deleted_article_counts_nowhere(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/bai.md", date="2022-10-03 08:00")
    commit(p, "đăng", "2022-10-05T09:00:00+07:00")
    p.git("rm", "-q", "content/thcs-a/2022/bai.md")
    commit(p, "xóa", "2022-11-05T09:00:00+07:00")
    assert counted(report(p, "2022-12-31"), "thcs-a") == {}
    assert counted(report(p, "2022-10-31"), "thcs-a") == {"2022-10": 1}


def test_missing_image_is_not_published_until_the_file_comes(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/anh.md", date="2022-10-03 08:00")
    p.git("add", "content/thcs-a/2022/anh.md")
    p.git("commit", "-q", "-m", "bài, quên ảnh", date="2022-10-05T09:00:00+07:00")
    assert counted(report(p, "2022-10-31"), "thcs-a") == {}
    commit(p, "thêm ảnh", "2022-11-02T09:00:00+07:00")
    data = report(p, "2022-11-30")
    assert counted(data, "thcs-a") == {"2022-11": 1}


def test_duplicate_slug_publishes_neither(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00", slug="trung")
    p.article("thcs-a", "2022/b.md", date="2022-10-03 08:00", slug="trung")
    commit(p, "hai bài cùng slug", "2022-10-05T09:00:00+07:00")
    assert counted(report(p, "2022-10-31"), "thcs-a") == {}
    p.article("thcs-a", "2022/b.md", date="2022-10-03 08:00", slug="khac")
    commit(p, "sửa slug", "2022-11-05T09:00:00+07:00")
    assert counted(report(p, "2022-11-30"), "thcs-a") == {"2022-11": 2}


def test_commit_offsets_decide_the_month_in_the_province_zone(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-01 08:00")
    commit(p, "23:30 giờ Việt Nam ngày cuối tháng", "2022-10-31T23:30:00+07:00")
    p.article("thcs-a", "2022/b.md", date="2022-10-01 08:00", title="Bài thứ hai của tháng")
    commit(p, "20:00 UTC cùng ngày = 03:00 ngày 1/11 giờ Việt Nam", "2022-10-31T20:00:00+00:00")
    data = report(p, "2022-11-30")
    assert counted(data, "thcs-a") == {"2022-10": 1, "2022-11": 1}
    assert periods(data, "thcs-a", "month:1:own")["2022-10"][2] == ["content/thcs-a/2022/a.md"]
    # as of 31/10 the 20:00 UTC commit is not in the repository yet
    assert counted(report(p, "2022-10-31"), "thcs-a") == {"2022-10": 1}


def test_images_are_body_plus_featured(tmp_path):
    p = make_province(tmp_path / "repo")
    p.image("content/thcs-a/images/2022/dai-dien.jpg")
    p.image("content/thcs-a/images/2022/than-bai.jpg")
    p.write("content/thcs-a/2022/a.md", front_matter(
        title="Hội thi giáo viên giỏi", date="2022-10-03 08:00", approved_by="Nguyễn Văn Hiệu",
        approved_on="2022-10-03", image="/images/2022/dai-dien.jpg",
        image_caption="Toàn cảnh hội thi giáo viên giỏi")
        + '\nNội dung bài viết.\n\n![Lớp học](../images/2022/than-bai.jpg "Cô giáo giảng bài môn Toán")\n')
    commit(p, "bài có ảnh đại diện", "2022-10-05T09:00:00+07:00")
    month = [pp for u in report(p, "2022-10-31")["units"] if u["id"] == "thcs-a"
             for pp in u["periods"] if pp["rule"] == "month:1:own" and pp["period"] == "2022-10"][0]
    assert (month["published"], month["images"]) == (1, 2)


def test_walks_resumed_part_by_part_agree_with_a_fresh_walk(tmp_path, monkeypatch):
    """Each resumed walk reads only the parts of the state its commits touch, writes them to a new
    segment, and the state is written whole again once spread over MAX_SEGMENTS segments."""
    import datetime as dt

    from quota import history
    from quota.history import cache_dir, load_history
    from quota.report import build_report

    monkeypatch.setattr(history, "MAX_SEGMENTS", 3)
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00", title="Bài A")
    p.article("th-b", "2022/b.md", date="2022-10-03 08:00", title="Bài B")
    commit(p, "hai bài", "2022-10-05T09:00:00+07:00")
    load_history(p.root)
    steps = [
        lambda: p.git("mv", "content/thcs-a/2022/a.md", "content/th-b/2022/a.md"),  # into another unit
        lambda: p.article("thcs-a", "2022/c.md", date="2022-10-20 08:00", title="Bài A"),  # a.md's slug, freed
        lambda: (p.root / "content/th-b/images/2024/anh-b.jpg").unlink(),  # b.md loses its image
        lambda: p.write("units/_province.yml",  # another time zone: every part is read
                        (p.root / "units/_province.yml").read_text(encoding="utf-8").replace(
                            "Asia/Ho_Chi_Minh", "Asia/Bangkok")),
        lambda: p.article("th-b", "2022/d.md", date="2022-11-20 08:00", title="Bài D"),
    ]
    day = dt.date(2022, 12, 31)
    for number, step in enumerate(steps):
        step()
        commit(p, f"bước {number}", f"2022-11-{10 + number}T09:00:00+07:00")
        resumed = build_report(load_history(p.root), day).data
        assert resumed == build_report(load_history(p.root, use_cache=False), day).data
        assert len(list(cache_dir(p.root).glob("*.state"))) <= 3
    assert counted(resumed, "thcs-a") == {"2022-11": 1}  # a.md left for th-b (not approved there), c.md came


def test_a_resumed_walk_reads_segments_another_run_removes_meanwhile(tmp_path, monkeypatch):
    import datetime as dt

    from quota import history
    from quota.history import load_history
    from quota.report import build_report

    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/a.md", date="2022-10-03 08:00", title="Bài A")
    commit(p, "bài", "2022-10-05T09:00:00+07:00")
    load_history(p.root)
    p.article("thcs-a", "2022/b.md", date="2022-11-03 08:00", title="Bài B")
    commit(p, "bài 2", "2022-11-05T09:00:00+07:00")
    opened = history.PartReader.__init__

    def removed_once_opened(self, folder, index):
        opened(self, folder, index)
        for segment in folder.glob("*.state"):  # what another run's clean-up may do
            segment.unlink()

    monkeypatch.setattr(history.PartReader, "__init__", removed_once_opened)
    day = dt.date(2022, 11, 30)
    resumed = build_report(load_history(p.root), day).data
    assert resumed == build_report(load_history(p.root, use_cache=False), day).data
    assert counted(resumed, "thcs-a") == {"2022-10": 1, "2022-11": 1}
