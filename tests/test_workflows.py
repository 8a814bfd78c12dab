"""The province's CI files (issue #12): every workflow passes actionlint and zizmor (offline),
.gitlab-ci.yml GitLab's JSON schema (check-jsonschema's copy), all three from requirements.txt."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from factory import CODE_ROOT, make_docx
from tooling import missing

WORKFLOWS = sorted([*CODE_ROOT.glob(".github/workflows/*.yml"), *CODE_ROOT.glob(".forgejo/workflows/*.yml")])
BIN = Path(sys.executable).parent  # the virtual environment's scripts (make setup)


def _tool(name: str) -> str:
    path = BIN / name
    if not path.is_file():
        missing(name, ".venv/bin/pip install -r requirements.txt (or: make setup)")
    return str(path)


def test_there_are_workflows_for_github_and_forgejo():
    names = {(path.parent.parent.name, path.name) for path in WORKFLOWS}
    assert names == {(host, name) for host in (".github", ".forgejo") for name in ("kiem-tra.yml", "xuat-ban.yml")}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_actionlint(workflow):
    # the config (.github/actionlint.yaml) names forgejo-runner's `docker` label
    proc = subprocess.run([_tool("actionlint"), "-config-file", str(CODE_ROOT / ".github" / "actionlint.yaml"),
                           "-no-color", str(workflow)], capture_output=True, text=True, cwd=CODE_ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_zizmor(workflow):
    # offline: no audit that asks GitHub; the config requires every action pinned by hash
    proc = subprocess.run([_tool("zizmor"), "--offline", "--persona", "auditor", "--no-progress",
                           "--config", str(CODE_ROOT / ".github" / "zizmor.yml"), str(workflow)],
                          capture_output=True, text=True, cwd=CODE_ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gitlab_ci_matches_gitlabs_schema():
    proc = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci",
                           str(CODE_ROOT / ".gitlab-ci.yml")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the pull-request workflow's own steps, run -----------------------------------------------

GIT_DATE = "2024-11-01T09:00:00+07:00"
GOOD_ARTICLE = """\
---
title: Học sinh Trường THCS Nguyễn Du tham gia ngày hội đọc sách
date: 2024-10-30 08:00
author: Đoàn Thị Tâm
category: Hoạt động giáo dục
approved_by: Nguyễn Văn Đồng Tiến
approved_on: 2024-10-31
---

Sáng 30/10/2024, học sinh toàn trường tham gia ngày hội đọc sách do thư viện nhà trường tổ chức.

![Học sinh đọc sách](/images/2024/ngay-hoi-cds.jpg "Học sinh lớp 7A đọc sách tại thư viện trường")
"""
# the same article with its picture's caption taken out: E201
BAD_ARTICLE = GOOD_ARTICLE.replace(' "Học sinh lớp 7A đọc sách tại thư viện trường"', "")
ARTICLE = "content/thcs-nguyen-du/2024/ngay-hoi-doc-sach.md"


def _git(folder: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=GIT_DATE, GIT_COMMITTER_DATE=GIT_DATE, GIT_AUTHOR_NAME="Đoàn Thị Tâm",
               GIT_AUTHOR_EMAIL="tam@example.edu.vn", GIT_COMMITTER_NAME="Đoàn Thị Tâm",
               GIT_COMMITTER_EMAIL="tam@example.edu.vn")
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def _province(folder: Path) -> Path:
    """This repository's files (code, units/, content/) as the one commit of a province's repository."""
    files = subprocess.run(["git", "-C", str(CODE_ROOT), "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], check=True, capture_output=True, text=True).stdout
    for name in filter(None, files.split("\0")):
        source = CODE_ROOT / name
        if source.is_file() and not source.is_symlink():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    _git(folder, "init", "-q", "-b", "main")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "Kho của tỉnh")
    return folder


def _run_steps(steps: list[dict], folder: Path, expressions: dict[str, str], conditions: dict,
               env: dict[str, str]) -> list[tuple[str, int, str]]:
    """Every `run:` step, in order, as the runner runs it (bash -eo pipefail), with the step's
    env (``${{ … }}`` from ``expressions``): (name, exit status, output) of each."""
    base_env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "GITLAB", "CI_"))}
    results = []
    for step in steps:
        if "run" not in step:
            continue
        assert conditions[step.get("if")]
        step_env = dict(base_env, CI="true", GITHUB_ACTIONS="true", **env,
                        **{key: _substitute(str(value), expressions) for key, value in (step.get("env") or {}).items()})
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=folder,
                              env=step_env, capture_output=True, text=True)
        results.append((step["name"], proc.returncode, proc.stdout + proc.stderr))
    return results


def _pull_request(tmp_path: Path, article: str, word_file: str = "") -> tuple[Path, str]:
    """A province repository (this one's files, one commit on main) on a 'server', a teacher's
    branch adding ``article`` pushed to it, and the runner's checkout of that branch's commit
    with full history (what actions/checkout does with fetch-depth: 0).  (checkout, head sha)"""
    author = _province(tmp_path / "giao-vien")
    server = tmp_path / "may-chu.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(author), str(server)], check=True)
    _git(author, "remote", "add", "origin", str(server))
    _git(author, "switch", "-q", "-c", "bai-moi")
    (author / ARTICLE).write_text(article, encoding="utf-8")
    _git(author, "add", ARTICLE)
    if word_file:  # uploaded on the git host's page, waiting for make import-pending
        make_docx(author / word_file, ["Hội thi kể chuyện theo sách", "Chiều 31/10/2024, thư viện trường tổ "
                                       "chức hội thi kể chuyện theo sách cho học sinh khối 6."])
        _git(author, "add", word_file)
    _git(author, "commit", "-q", "-m", "Bài mới: ngày hội đọc sách")
    _git(author, "push", "-q", "origin", "bai-moi")
    head = _git(author, "rev-parse", "HEAD")
    runner = tmp_path / "runner"
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(server), str(runner)], check=True)
    _git(runner, "checkout", "-q", "--detach", head)
    (runner / ".venv").symlink_to(Path(sys.executable).parent.parent)  # the restored cache of .venv
    return runner, head


def _workflow_steps(path: Path, job: str = "kiem-tra") -> list[dict]:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))["jobs"][job]["steps"]


def _substitute(text: str, expressions: dict[str, str]) -> str:
    """``${{ … }}`` of the step's env: only the expressions this test knows (a new one fails here)."""
    return re.sub(r"\$\{\{\s*(.+?)\s*\}\}", lambda m: expressions[m.group(1)], text)


def _run_pull_request_steps(runner: Path, head: str, summary: Path) -> list[tuple[str, int, str]]:
    """Every `run:` step of .github/workflows/kiem-tra.yml, in order, as the runner would for a
    pull request from a branch of the repository: (name, exit status, output) of each."""
    expressions = {"github.head_ref": "bai-moi", "github.base_ref": "main",
                   "github.event.pull_request.head.sha": head,
                   "github.token": ""}  # no token: make review writes the job summary, posts nothing
    conditions = {None: True, "github.event.pull_request.head.repo.full_name == github.repository": True,
                  "${{ !cancelled() }}": True}
    steps = _workflow_steps(CODE_ROOT / ".github" / "workflows" / "kiem-tra.yml")
    # what the `uses:` steps do is done by _pull_request: checkout, Python, the restored .venv
    assert [s["uses"].split("@")[0] for s in steps if "uses" in s] == [
        "actions/checkout", "actions/setup-python", "actions/cache"]
    return _run_steps(steps, runner, expressions, conditions, {"GITHUB_STEP_SUMMARY": str(summary)})


def test_pull_request_steps_pass_a_good_article(tmp_path):
    runner, head = _pull_request(tmp_path, GOOD_ARTICLE)
    summary = tmp_path / "summary.md"
    results = _run_pull_request_steps(runner, head, summary)
    assert [name for name, _, _ in results] == [
        "Nhập tệp Word đang chờ (make import-pending)", "Kiểm tra phần thay đổi (make check)",
        "Báo cáo rà soát (make review)"]
    assert [(name, code) for name, code, _ in results] == [(name, 0) for name, _, _ in results], results
    assert "::error" not in results[1][2]
    text = summary.read_text(encoding="utf-8")
    assert "Không có tệp Word nào đang chờ" in text
    assert "Học sinh Trường THCS Nguyễn Du tham gia ngày hội đọc sách" in text  # the review report
    assert _git(runner, "rev-parse", "HEAD") == head  # nothing imported, nothing committed


def test_pull_request_steps_fail_a_bad_article_with_annotations_in_vietnamese(tmp_path):
    runner, head = _pull_request(tmp_path, BAD_ARTICLE)
    results = dict((name, (code, out)) for name, code, out in
                   _run_pull_request_steps(runner, head, tmp_path / "summary.md"))
    code, out = results["Kiểm tra phần thay đổi (make check)"]
    assert code != 0, out  # make's own status for a failed recipe
    line = BAD_ARTICLE.splitlines().index("![Học sinh đọc sách](/images/2024/ngay-hoi-cds.jpg)") + 1
    assert [row for row in out.splitlines() if row.startswith("::")] == [
        f"::error file={ARTICLE},line={line},title=E201::ảnh \"/images/2024/ngay-hoi-cds.jpg\" thiếu chú thích — "
        "thêm chú thích trong ngoặc kép sau đường dẫn: ![mô tả](/images/2024/ngay-hoi-cds.jpg \"Chú thích ảnh\")"]
    assert results["Báo cáo rà soát (make review)"][0] == 0  # a report was made; blocking is make check's
    assert "E201" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_pull_request_steps_import_a_waiting_word_file_onto_the_branch(tmp_path):
    word_file = "content/thcs-nguyen-du/word/hoi-thi-ke-chuyen.docx"
    runner, head = _pull_request(tmp_path, GOOD_ARTICLE, word_file)
    results = _run_pull_request_steps(runner, head, tmp_path / "summary.md")
    assert results[0][:2] == ("Nhập tệp Word đang chờ (make import-pending)", 0), results[0]
    server = tmp_path / "may-chu.git"
    pushed = _git(server, "rev-parse", "refs/heads/bai-moi")
    assert pushed != head and _git(server, "rev-parse", f"{pushed}^") == head  # one commit, on the branch
    changed = _git(server, "diff", "--name-status", head, pushed).splitlines()
    assert f"D\t{word_file}" in changed
    assert any(re.match(r"A\tcontent/thcs-nguyen-du/\d{4}/", row) and row.endswith(".md") for row in changed), changed
    # the checks ran on the imported article: its approver is still to be written (E3xx)
    assert re.search(r"^content/thcs-nguyen-du/\d{4}/\S+\.md:\d+: E3\d\d ", results[1][2], re.M), results[1][2]


def test_publish_workflow_steps_put_every_site_on_the_server(tmp_path):
    """xuat-ban.yml's run: steps (make publish) with its secrets, to a real sshd on 127.0.0.1."""
    from test_deploy import Server

    server = Server(tmp_path / "sshd")
    try:
        checkout = _province(tmp_path / "runner")
        (checkout / ".venv").symlink_to(Path(sys.executable).parent.parent)
        if (CODE_ROOT / "node_modules").is_dir():  # the web editor's packages, as npm ci left them
            (checkout / "node_modules").symlink_to(CODE_ROOT / "node_modules")
        steps = _workflow_steps(CODE_ROOT / ".github" / "workflows" / "xuat-ban.yml", "xuat-ban")
        assert [s["uses"].split("@")[0] for s in steps if "uses" in s] == [
            "actions/checkout", "actions/setup-python", "actions/cache"]
        expressions = {f"secrets.{name}": value for name, value in server.environment.items()}
        expressions["vars.SITEURL"] = "https://sogddt.thanhvan.example.edu.vn"
        results = _run_steps(steps, checkout, expressions, {None: True}, {})
    finally:
        server.stop()
    assert [(name, code) for name, code, _ in results] == [("Dựng và xuất bản (make publish)", 0)], results
    assert "Đã xuất bản" in results[0][2]
    srv = Path(server.environment["DEPLOY_PATH"])
    for unit in ("so", "thcs-nguyen-du", "xa-tan-hong"):
        assert (srv / unit / "current" / "index.html").is_file(), unit
    home = (srv / "thcs-nguyen-du" / "current" / "index.html").read_text(encoding="utf-8")
    assert "https://thcsnguyendu.example.edu.vn/" in home and "localhost" not in home


def test_gitlab_merge_request_jobs_report_a_bad_article_in_code_quality(tmp_path):
    """.gitlab-ci.yml's kiem-tra and bao-cao-ra-soat scripts, as a GitLab runner runs them for a
    merge request (GITLAB_CI, the diff's base commit), on the bad article."""
    runner, head = _pull_request(tmp_path, BAD_ARTICLE)
    jobs = YAML(typ="safe").load((CODE_ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    base_env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "GITLAB", "CI_"))}
    env = dict(base_env, CI="true", GITLAB_CI="true",
               CI_MERGE_REQUEST_DIFF_BASE_SHA=_git(runner, "merge-base", "origin/main", head))
    statuses = {}
    for job in ("kiem-tra", "bao-cao-ra-soat"):
        assert jobs[job]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "\n".join(jobs[job]["script"])],
                              cwd=runner, env=env, capture_output=True, text=True)
        statuses[job] = proc.returncode
    assert statuses["kiem-tra"] != 0 and statuses["bao-cao-ra-soat"] == 0, statuses
    report = jobs["kiem-tra"]["artifacts"]["reports"]["codequality"]
    issues = json.loads((runner / report).read_text(encoding="utf-8"))
    line = BAD_ARTICLE.splitlines().index("![Học sinh đọc sách](/images/2024/ngay-hoi-cds.jpg)") + 1
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("E201", ARTICLE, line)]
    assert "thiếu chú thích" in issues[0]["description"]
    assert "E201" in (runner / jobs["bao-cao-ra-soat"]["artifacts"]["paths"][0]).read_text(encoding="utf-8")


def test_forgejo_runs_the_same_commands_as_github():
    """Forgejo's pull-request job differs by its first step (python3-venv on the runner's Debian) only."""
    github = _workflow_steps(CODE_ROOT / ".github" / "workflows" / "kiem-tra.yml")
    forgejo = _workflow_steps(CODE_ROOT / ".forgejo" / "workflows" / "kiem-tra.yml")
    assert forgejo[0]["name"] == "Cài python3-venv"
    assert [(s["run"], s.get("if")) for s in forgejo[1:] if "run" in s] == [
        (s["run"], s.get("if")) for s in github if "run" in s]
