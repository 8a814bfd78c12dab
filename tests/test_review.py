"""`make review BASE=<rev>` on real repositories: the report a reviewer reads first.

A branch with one good and one broken article gives a report naming exactly the
broken one's problem (and its line), each article's unit, approver, photos and page;
unit-file changes in words; the quota's current periods before and after; deletions,
renames, a large change's summary table; a bad BASE and a shallow clone a clear
message, never a traceback.
"""

from __future__ import annotations

import subprocess

from factory import CODE_ROOT, PYTHON, Province

BASE_DATE = "2026-11-16T09:00:00+07:00"   # the Monday of the fixed "now" (2026-11-20)'s week


def ci_free(environment: dict) -> dict:
    """The test's own CI variables (a token, an event) must not reach the province's commands."""
    return {key: value for key, value in environment.items()
            if not key.startswith(("GITHUB_", "GITLAB", "CI_")) and key not in ("CODE_QUALITY_REPORT",)}


def run_review(province: Province, base: str, *extra, env=None):
    environment = ci_free(province._env())
    environment.update(env or {})
    return subprocess.run([PYTHON, "-m", "review", "--root", str(province.root), "--base", base, *extra],
                          capture_output=True, text=True, env=environment, cwd=province.root)


def committed(province: Province) -> Province:
    province.write("units/thcs-a.yml", province.root.joinpath("units/thcs-a.yml").read_text(encoding="utf-8")
                   + "quota:\n  - every: week\n    count: 1\n")
    province.article("thcs-a", "2026/cu.md", title="Bài cũ đã đăng trước đó", date="2026-10-01")
    province.git("init", "-q", "-b", "main")
    province.git("add", "-A")
    province.git("commit", "-q", "-m", "gốc", date=BASE_DATE)
    province.git("checkout", "-q", "-b", "bai-moi")
    return province


def test_one_good_one_broken_article(province):
    committed(province)
    good = province.article("thcs-a", "2026/tot.md", title="Hội thi giáo viên dạy giỏi cấp trường 2026",
                            date="2026-11-18 08:00", approved_on="2026-11-18", send_to_so=True)
    bad = province.article("thcs-a", "2026/loi.md", title="Bài thiếu người duyệt", date="2026-11-18",
                           approved_by=None)
    province.git("add", "-A")
    province.git("commit", "-q", "-m", "hai bài", date="2026-11-18T10:00:00+07:00")
    result = run_review(province, "main")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert report == (province.root / "output" / "review.md").read_text(encoding="utf-8")
    assert report.startswith("<!-- bao-cao-ra-soat -->\n## Báo cáo rà soát thay đổi")
    assert "**❌ 1 lỗi phải sửa trước khi hợp nhất**" in report
    good_part, bad_part = _section(report, "Hội thi giáo viên"), _section(report, "Bài thiếu người duyệt")
    assert good_part.startswith("#### ✅") and bad_part.startswith("#### ❌")
    assert "- Đơn vị: Trường THCS A" in good_part
    assert f"- Tệp: `{good}` (bài mới)" in good_part
    assert "- Tác giả: Đoàn Thị Tâm" in good_part
    assert "- Người duyệt: Nguyễn Văn Hiệu (Hiệu trưởng), ngày duyệt: 18/11/2026" in good_part
    assert "- Gửi về Cổng thông tin của Sở: có" in good_part
    assert "  - `/images/2024/anh-tot.jpg` (" in good_part and "KB): “Cô giáo Lê Thị Hoa giảng bài môn Ngữ văn”" in good_part
    assert "- Trang: `output/thcs-a/bai-viet/hoi-thi-giao-vien-day-gioi-cap-truong-2026.html`" in good_part
    assert "Cần xem" not in good_part
    assert "dòng 1: **E301** (lỗi) bài chưa có người duyệt (approved\\_by)" in bad_part
    assert "(chưa được đăng khi còn lỗi)" in bad_part
    assert f"`{bad}`" in bad_part
    # the quota: the good article counts in this week (the broken one does not)
    assert "Tuần 47 (16/11–22/11/2026), 1 bài mỗi tuần: 0/1 → 1/1" in report
    # exactly the problems of `make check BASE=main`
    check = province.check("main")
    assert [line.split(" ", 2)[:2] for line in check.stdout.splitlines()] == [[f"{bad}:1:", "E301"]]


def _section(report: str, title: str) -> str:
    start = next(i for i, line in enumerate(report.splitlines()) if line.startswith("#### ") and title in line)
    lines = report.splitlines()[start:]
    end = next((i for i, line in enumerate(lines[1:], 1) if line.startswith("#")), len(lines))
    return "\n".join(lines[:end])


def test_unit_file_changes_in_words_deletion_and_rename(province):
    committed(province)
    province.write("units/thcs-a.yml", "id: thcs-a\nname: Trường THCS A\nkind: truong\nparent: phong-gddt-a\n"
                   "approvers:\n  - name: Trần Thị Phó\n    title: Phó Hiệu trưởng\n    account: \"@ttpho\"\n"
                   "parents:\n  - from: 2025-07-01\n    parent: van-phong\nretired_on: 2026-12-31\n"
                   "quota:\n  - every: month\n    count: 2\n")
    province.git("rm", "-q", "content/thcs-a/2026/cu.md")
    province.git("mv", "units/th-b.yml", "units/th-b-moi.yml")
    result = run_review(province, "main")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "- 📝 Trường THCS A (`units/thcs-a.yml`):" in report
    assert "  - thêm người duyệt: Trần Thị Phó (Phó Hiệu trưởng), tài khoản `@ttpho`" in report
    assert "  - bỏ người duyệt: Nguyễn Văn Hiệu (Hiệu trưởng)" in report
    assert "  - từ ngày 01/07/2025 thuộc Văn phòng Sở" in report
    assert "  - đổi định mức: 1 bài mỗi tuần → 2 bài mỗi tháng" in report
    assert "  - ngừng hoạt động từ sau ngày 31/12/2026" in report
    assert "#### 🗑️ Bài bị xóa: Bài cũ đã đăng trước đó" in report
    assert "xóa tệp đơn vị" in report and "`units/th-b.yml`" in report
    assert "`units/th-b-moi.yml`" in report  # the renamed file: its id no longer matches (E405)
    assert "E405" in report


def test_large_change_gets_a_summary_table(province):
    committed(province)
    for number in range(35):
        province.article("th-b", f"2026/bai-{number}.md", title=f"Tin hoạt động số {number} của nhà trường",
                         date="2026-11-17", image=False)
    result = run_review(province, "main")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "| Đơn vị | Mới | Sửa | Đổi tên | Xóa | Lỗi | Cảnh báo |" in report
    assert "| Trường Tiểu học B | 35 | 0 | 0 | 0 | 0 | 35 |" in report
    assert "####" not in report
    assert report.count("**W601**") == 35


def test_bad_base_and_shallow_clone_say_what_to_do(province, tmp_path):
    committed(province)
    result = run_review(province, "khong-co-nhanh-nay")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert 'không có nhánh hay commit nào tên "khong-co-nhanh-nay"' in result.stderr
    assert not (province.root / "output" / "review.md").exists()
    province.git("checkout", "-q", "main")
    province.article("thcs-a", "2026/hai.md", title="Bài thứ hai của trường", date="2026-11-17")
    province.git("add", "-A")
    province.git("commit", "-q", "-m", "hai", date="2026-11-17T09:00:00+07:00")
    shallow = tmp_path / "nong"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{province.root}", str(shallow)], check=True)
    clone = Province.__new__(Province)
    clone.root = shallow
    result = run_review(clone, "HEAD~1")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "bản sao nông (shallow clone)" in result.stderr and "git fetch --unshallow" in result.stderr
    no_base = subprocess.run([PYTHON, "-m", "review", "--root", str(province.root)], capture_output=True, text=True,
                             env=province._env())
    assert no_base.returncode == 2 and "make review BASE=" in no_base.stderr


def test_make_review_target(province):
    committed(province)
    province.article("thcs-a", "2026/tot.md", title="Tin qua lệnh make", date="2026-11-18")
    proc = subprocess.run(["make", "-s", "-C", str(CODE_ROOT), "review", "BASE=main"], capture_output=True, text=True,
                          env=dict(province._env(), MAKEFLAGS=""), cwd=CODE_ROOT)
    # the Makefile reviews the repository it lives in; here only that the target exists and runs
    assert "Báo cáo rà soát thay đổi" in proc.stdout, proc.stderr
