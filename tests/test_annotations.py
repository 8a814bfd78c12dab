"""Annotations where the reviewer looks: GitHub workflow commands, GitLab Code Quality, the job
summary, and one pull-request comment kept up to date (through a real HTTP server on 127.0.0.1
that answers as the host's API does)."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from factory import PYTHON
from helpers_problems import line_of
from problems import Problem
from review.annotations import code_quality, github_command, plan_comment, upsert_comment
from review.report import MARKER
from test_review import ci_free, committed, run_review


def _branch(province):
    committed(province)
    good = province.article("thcs-a", "2026/tot.md", title="Hội thi giáo viên dạy giỏi", date="2026-11-18")
    bad = province.article("thcs-a", "2026/loi.md", title="Bài có ảnh thiếu chú thích", date="2026-11-18",
                           body="Nội dung.\n\n![](/images/2024/anh-tot.jpg)\n")
    return good, bad


def _line(province, rel, needle="![]("):
    return line_of(province.root.joinpath(rel).read_text(encoding="utf-8"), needle)


def _check(province, **env):
    environment = ci_free(province._env())
    environment.update(env)
    return subprocess.run([PYTHON, "-m", "publication.check", "--root", str(province.root), "--base", "main"],
                          capture_output=True, text=True, env=environment, cwd=province.root)


def test_github_commands_name_exactly_the_broken_article(province):
    good, bad = _branch(province)
    result = _check(province, GITHUB_ACTIONS="true")
    assert result.returncode == 1
    commands = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert commands == [f"::error file={bad},line={_line(province, bad)},title=E201::ảnh \"/images/2024/anh-tot.jpg\" thiếu chú thích — "
                        + commands[0].split(" — ", 1)[1]]
    assert good not in result.stdout
    plain = _check(province)
    assert not [line for line in plain.stdout.splitlines() if line.startswith("::")]


def test_gitlab_code_quality_report(province):
    good, bad = _branch(province)
    result = _check(province, GITLAB_CI="true")
    assert result.returncode == 1
    issues = json.loads((province.root / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in issues] \
        == [("E201", bad, _line(province, bad), "major")]
    assert issues[0]["description"].startswith('E201 ảnh "/images/2024/anh-tot.jpg" thiếu chú thích')
    assert len(issues[0]["fingerprint"]) == 64


def test_escaping_follows_the_workflow_command_rules():
    problem = Problem("content/a,b/x:y.md", 3, "W601", {})
    line = github_command(problem)
    assert line.startswith("::warning file=content/a%2Cb/x%3Ay.md,line=3,title=W601::")
    odd = Problem("content/a/b.md", 1, "E100", {"detail": "100% sai\r\ndòng hai"})
    assert "100%25 sai%0D%0Adòng hai" in github_command(odd)
    assert "\n" not in github_command(odd)


def test_fingerprints_survive_a_line_moving():
    one = code_quality([Problem("content/a/b.md", 3, "E301")])[0]["fingerprint"]
    moved = code_quality([Problem("content/a/b.md", 9, "E301")])[0]["fingerprint"]
    twice = code_quality([Problem("content/a/b.md", 3, "W601"), Problem("content/a/b.md", 9, "W601")])
    assert one == moved and twice[0]["fingerprint"] != twice[1]["fingerprint"]


def test_plan_comment_on_recorded_comments():
    report = MARKER + "\n## Báo cáo\n"
    assert plan_comment([], report) == ("create", None)
    others = [{"id": 5, "body": "Đã xem, cảm ơn"}]
    assert plan_comment(others, report) == ("create", None)
    ours = others + [{"id": 9, "body": MARKER + "\ncũ"}, {"id": 7, "body": MARKER + "\ncũ hơn"}]
    assert plan_comment(ours, report) == ("update", 7)
    assert plan_comment([{"id": 7, "body": report}], report) == ("keep", 7)


class FakeHost(BaseHTTPRequestHandler):
    """Answers as GitHub's issue-comments API does, from the comments it holds."""

    comments: list = []
    calls: list = []

    def _send(self, value, status=200):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.calls.append(("GET", self.path, None, self.headers.get("Authorization")))
        self._send(self.comments if "page=1" in self.path else [])

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_POST(self):
        body = self._body()
        self.calls.append(("POST", self.path, body, self.headers.get("Authorization")))
        self.comments.append({"id": 100 + len(self.comments), "body": body["body"]})
        self._send(self.comments[-1], 201)

    def do_PATCH(self):
        body = self._body()
        self.calls.append(("PATCH", self.path, body, self.headers.get("Authorization")))
        comment_id = int(self.path.rsplit("/", 1)[1])
        for comment in self.comments:
            if comment["id"] == comment_id:
                comment["body"] = body["body"]
        self._send({"id": comment_id})

    def log_message(self, *args):
        pass


def test_one_comment_created_then_updated_never_duplicated(province, tmp_path):
    _branch(province)
    FakeHost.comments = [{"id": 1, "body": "Nhờ Văn phòng xem giúp."}]
    FakeHost.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHost)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"pull_request": {"number": 12, "head": {"sha": "abc"}}}), encoding="utf-8")
        summary = tmp_path / "summary.md"
        env = {"GITHUB_TOKEN": "ma-thu-123", "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "so/cong",
               "GITHUB_API_URL": f"http://127.0.0.1:{server.server_port}", "GITHUB_STEP_SUMMARY": str(summary)}
        first = run_review(province, "main", env=env)
        assert first.returncode == 0, first.stderr
        assert "Đã đăng bình luận" in first.stderr
        province.article("thcs-a", "2026/ba.md", title="Bài thứ ba", date="2026-11-18")
        second = run_review(province, "main", env=env)
        assert "Đã cập nhật bình luận" in second.stderr
        third = run_review(province, "main", env=env)
        assert "không đổi" in third.stderr
    finally:
        server.shutdown()
    writes = [(method, path) for method, path, _, _ in FakeHost.calls if method != "GET"]
    assert writes == [("POST", "/repos/so/cong/issues/12/comments"), ("PATCH", "/repos/so/cong/issues/comments/101")]
    assert {auth for *_, auth in FakeHost.calls} == {"Bearer ma-thu-123"}
    ours = [c for c in FakeHost.comments if MARKER in c["body"]]
    assert len(ours) == 1 and "Bài thứ ba" in ours[0]["body"]
    assert summary.read_text(encoding="utf-8").count(MARKER) == 3


def test_gitlab_notes_are_updated_in_place():
    notes = [{"id": 3, "body": MARKER + "\ncũ"}]
    calls = []

    def fetch(method, url, data=None):
        calls.append((method, url, data))
        return notes if method == "GET" else {}

    context = {"kind": "gitlab", "api": "https://gitlab.example/api/v4", "project": "so/cong", "number": 4, "headers": {}}
    assert upsert_comment(context, MARKER + "\nmới", fetch) == "update"
    assert calls[-1] == ("PUT", "https://gitlab.example/api/v4/projects/so%2Fcong/merge_requests/4/notes/3",
                         {"body": MARKER + "\nmới"})
