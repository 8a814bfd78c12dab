"""Approval by the approver's own account (contract section 11): CODEOWNERS from units/ (E418).

Each test is a real province repository in a temporary folder, checked by the real
`python -m publication.check` and written by the real `python -m review.codeowners`.
"""

from __future__ import annotations

import subprocess

from factory import CODE_ROOT, PYTHON, UNITS, Province
from unit_registry import load

APPROVAL_CODES = {"E418"}  # test_codes: these are triggered here

ACCOUNTS_UNIT = ("id: thcs-a\nname: Trường THCS A\nkind: truong\nparent: phong-gddt-a\n"
                 "approvers:\n  - name: Nguyễn Văn Hiệu\n    title: Hiệu trưởng\n    account: \"@nvhieu\"\n"
                 "  - name: Trịnh Thị Lan\n    title: Phó Hiệu trưởng\n"
                 "editors: [\"@doanthitam\"]\n")
REVIEWERS = 'reviewers: ["@vanphong-so"]\n'


def province(tmp_path, host: str = "") -> Province:
    repo = Province(tmp_path, {**UNITS, "thcs-a": ACCOUNTS_UNIT})
    repo.write("units/_province.yml", (repo.root / "units/_province.yml").read_text(encoding="utf-8")
               + REVIEWERS + host)
    return repo


def codeowners(repo: Province) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "review.codeowners", "--root", str(repo.root)], capture_output=True,
                          text=True, env=repo._env())


def test_the_committed_codeowners_is_the_one_units_give():
    """This repository's own file: a unit file changed without `make codeowners` fails here (and E418)."""
    from review.codeowners import codeowners_path, codeowners_text

    registry = load(CODE_ROOT)
    committed = (CODE_ROOT / codeowners_path(registry)).read_text(encoding="utf-8")
    assert committed == codeowners_text(registry), "chạy make codeowners rồi commit .github/CODEOWNERS"


def test_make_codeowners_owns_each_unit_folder_by_its_accounts_and_the_rest_by_the_van_phong(tmp_path):
    repo = province(tmp_path)
    proc = codeowners(repo)
    assert proc.returncode == 0, proc.stderr
    assert "Đã ghi .github/CODEOWNERS" in proc.stdout
    lines = [l for l in (repo.root / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines()
             if l and not l.startswith("#")]
    # GitHub: the last matching line wins, so "*" (code, units/, CI) comes first
    assert lines == ["* @vanphong-so", "/content/thcs-a/ @nvhieu @doanthitam @vanphong-so"]
    assert repo.check().returncode == 0


def test_e418_when_units_change_and_the_file_is_not_regenerated(tmp_path):
    repo = province(tmp_path)
    codeowners(repo)
    repo.git("init", "-q", "-b", "main")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "khởi tạo")
    repo.git("checkout", "-q", "-b", "them-nguoi-soan")
    repo.write("units/thcs-a.yml", ACCOUNTS_UNIT.replace('["@doanthitam"]', '["@doanthitam", "@lethihoa"]'))
    result = repo.check(base="main")
    assert result.returncode == 1
    errors = [l for l in result.lines if " E" in l and ": E" in l]
    want = (".github/CODEOWNERS:8: E418 tệp .github/CODEOWNERS không khớp với units/ (dòng 8 cần là "
            "\"/content/thcs-a/ @nvhieu @doanthitam @lethihoa @vanphong-so\") — chạy make codeowners rồi commit "
            "tệp .github/CODEOWNERS cùng thay đổi của units/ (đừng sửa tay tệp này)")
    assert errors == [want]
    assert repo.check().lines.count(want) == 1  # the full check says the same
    codeowners(repo)
    assert repo.check(base="main").returncode == 0


def test_e418_when_the_file_is_missing_and_not_when_no_unit_has_an_account(tmp_path):
    repo = province(tmp_path)
    result = repo.check()
    assert ".github/CODEOWNERS:1: E418 tệp .github/CODEOWNERS không khớp với units/ (chưa có tệp này)" \
        in result.stdout
    bare = Province(tmp_path / "bare")
    assert "E418" not in bare.check().stdout


def test_a_change_that_leaves_units_alone_is_not_told_about_codeowners(tmp_path):
    repo = province(tmp_path)
    repo.git("init", "-q", "-b", "main")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "khởi tạo (chưa có CODEOWNERS)")
    repo.git("checkout", "-q", "-b", "bai-moi")
    repo.article("th-b", "2024/bai-moi.md")
    assert "E418" not in repo.check(base="main").stdout


def test_gitlab_and_forgejo_get_their_own_file_and_form(tmp_path):
    gitlab = province(tmp_path / "gl", "git_host: {kind: gitlab, repo: so/cong, branch: main}\n")
    codeowners(gitlab)
    text = (gitlab.root / ".gitlab/CODEOWNERS").read_text(encoding="utf-8")
    assert "/content/thcs-a/ @nvhieu @doanthitam @vanphong-so" in text.splitlines()
    assert not (gitlab.root / ".github").exists()
    forgejo = province(tmp_path / "fj", 'git_host: {kind: forgejo, repo: so/cong, url: "https://git.example.vn"}\n')
    codeowners(forgejo)
    lines = (forgejo.root / ".gitea/CODEOWNERS").read_text(encoding="utf-8").splitlines()
    # Gitea/Forgejo read each rule as a Go regular expression
    assert ".* @vanphong-so" in lines and r"content/thcs\-a/.* @nvhieu @doanthitam @vanphong-so" in lines
    assert forgejo.check().returncode == 0
