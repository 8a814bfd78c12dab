"""The problems where the reviewer looks: on the lines of the diff, in the job summary, in one comment.

* GitHub Actions (``GITHUB_ACTIONS=true``; Forgejo Actions sets the same variables):
  `make check` prints a workflow command per problem (``::error file=…,line=…,title=E201::…``);
  `make review` appends its report to ``$GITHUB_STEP_SUMMARY``;
* GitLab CI (``GITLAB_CI``): `make check` writes ``gl-code-quality-report.json`` (the Code
  Quality report of the merge-request widget);
* with a token, `make review` keeps one comment on the pull request: found again by
  ``report.MARKER``, updated on each push, never posted twice.

What to say is decided by pure functions of data (tested on data); the HTTP calls are
``http_json`` alone, a thin urllib function.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .report import MARKER

CODE_QUALITY_FILE = "gl-code-quality-report.json"
COMMENT_LIMIT = 60_000  # GitHub refuses a comment over 65,536 characters; GitLab's notes allow 1,000,000
_SAFETY = ("E5",)      # unsafe HTML, links, paths: what a reviewer must never let through


# -- GitHub workflow commands ------------------------------------------------------------

def _escape_data(text: str) -> str:
    """GitHub's rule for a command's message: %, CR and LF written as %25, %0D, %0A."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A property value (file=, title=) also escapes ':' and ','."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(problem) -> str:
    """``::error file=…,line=…,title=E201::message`` (``::warning`` for W6xx)."""
    level = "error" if problem.is_error else "warning"
    return (f"::{level} file={_escape_property(problem.path)},line={problem.line},"
            f"title={_escape_property(problem.code)}::{_escape_data(problem.message)}")


# -- GitLab Code Quality ------------------------------------------------------------------

def code_quality(problems) -> list[dict]:
    """GitLab's Code Quality report: one issue per problem.  The fingerprint is made of the
    file, the code and the message (not the line), and of how many such came before, so that
    a line added above a problem does not make GitLab call it new."""
    seen: dict[tuple, int] = {}
    issues = []
    for problem in problems:
        key = (problem.path, problem.code, problem.message)
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8")).hexdigest()
        if problem.is_error:
            severity = "critical" if problem.code.startswith(_SAFETY) else "major"
        else:
            severity = "minor"
        issues.append({"description": f"{problem.code} {problem.message}", "check_name": problem.code,
                       "fingerprint": fingerprint, "severity": severity,
                       "location": {"path": problem.path, "lines": {"begin": problem.line}}})
    return issues


def annotate_check(problems, root: Path, env=os.environ, out=sys.stdout) -> None:
    """What `make check` adds under a CI: workflow commands (GitHub, Forgejo), the Code Quality file (GitLab)."""
    if env.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(github_command(problem), file=out)
    if env.get("GITLAB_CI"):
        target = Path(root) / env.get("CODE_QUALITY_REPORT", CODE_QUALITY_FILE)
        target.write_text(json.dumps(code_quality(problems), ensure_ascii=False, indent=1), encoding="utf-8")


# -- the pull-request comment ---------------------------------------------------------------

def comment_body(report: str) -> str:
    """The report as one comment: cut at a line, with a note, when it is too long for the host."""
    if len(report) <= COMMENT_LIMIT:
        return report
    cut = report.rfind("\n", 0, COMMENT_LIMIT - 300)
    return (report[:cut] + "\n\n… Báo cáo quá dài cho một bình luận: xem bản đầy đủ trong phần tóm tắt của "
            "lượt chạy CI (job summary) hoặc chạy `make review` trên máy.\n")


def plan_comment(comments: list[dict], body: str, text_key: str = "body"):
    """("create", None), ("update", id) or ("keep", id): from the host's list of the pull
    request's comments (GitHub/Forgejo issue comments, GitLab notes: each a dict with ``id``
    and ``body``), the one that carries MARKER is updated; the oldest if there are several."""
    ours = [c for c in comments if MARKER in (c.get(text_key) or "")]
    if not ours:
        return "create", None
    first = min(ours, key=lambda c: c["id"])
    return ("keep" if first.get(text_key) == body else "update"), first["id"]


def http_json(method: str, url: str, headers: dict, data=None, opener=urllib.request.urlopen):
    """One call to the host's API: JSON in, JSON out (the only function here that talks to the network)."""
    body = None if data is None else json.dumps(data).encode("utf-8")
    request = urllib.request.Request(url, data=body, method=method, headers={
        "Accept": "application/json", "Content-Type": "application/json", "User-Agent": "cong-thong-tin-review",
        **headers})
    with opener(request, timeout=30) as response:
        text = response.read().decode("utf-8")
    return json.loads(text) if text else None


def host_context(env=os.environ) -> dict | None:
    """Where the pull request's comments live and how to authenticate, from the CI's variables;
    None when there is no pull request or no token."""
    if env.get("GITHUB_TOKEN") and env.get("GITHUB_EVENT_PATH") and env.get("GITHUB_REPOSITORY"):
        try:
            event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        number = (event.get("pull_request") or {}).get("number") or (
            (event.get("issue") or {}).get("pull_request") and event["issue"].get("number"))
        if not number:
            return None
        api = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
        return {"kind": "github", "api": api, "repo": env["GITHUB_REPOSITORY"], "number": int(number),
                "event": event, "headers": {"Authorization": f"Bearer {env['GITHUB_TOKEN']}"}}
    if env.get("CI_MERGE_REQUEST_IID") and env.get("CI_PROJECT_ID") and (env.get("GITLAB_TOKEN") or env.get("CI_JOB_TOKEN")):
        api = env.get("CI_API_V4_URL", "https://gitlab.com/api/v4").rstrip("/")
        headers = ({"PRIVATE-TOKEN": env["GITLAB_TOKEN"]} if env.get("GITLAB_TOKEN")
                   else {"JOB-TOKEN": env["CI_JOB_TOKEN"]})
        return {"kind": "gitlab", "api": api, "project": env["CI_PROJECT_ID"], "number": int(env["CI_MERGE_REQUEST_IID"]),
                "headers": headers, "head": env.get("CI_COMMIT_SHA", "")}
    return None


def _all_pages(fetch, url: str) -> list:
    found, page = [], 1
    while True:
        sep = "&" if "?" in url else "?"
        batch = fetch("GET", f"{url}{sep}per_page=100&page={page}") or []
        found.extend(batch)
        if len(batch) < 100:
            return found
        page += 1


def upsert_comment(context: dict, report: str, fetch=None) -> str:
    """Create or update the one comment; returns what was done ("create", "update", "keep")."""
    call = fetch or (lambda method, url, data=None: http_json(method, url, context["headers"], data))
    body = comment_body(report)
    if context["kind"] == "github":
        base = f"{context['api']}/repos/{context['repo']}/issues"
        action, comment_id = plan_comment(_all_pages(call, f"{base}/{context['number']}/comments"), body)
        if action == "create":
            call("POST", f"{base}/{context['number']}/comments", {"body": body})
        elif action == "update":
            call("PATCH", f"{base}/comments/{comment_id}", {"body": body})
        return action
    project = urllib.parse.quote(str(context["project"]), safe="")
    base = f"{context['api']}/projects/{project}/merge_requests/{context['number']}/notes"
    action, note_id = plan_comment(_all_pages(call, base), body)
    if action == "create":
        call("POST", base, {"body": body})
    elif action == "update":
        call("PUT", f"{base}/{note_id}", {"body": body})
    return action


def publish_review(report: str, env=os.environ) -> list[str]:
    """The report to the job summary and the pull-request comment; the notes to print (stderr)."""
    notes = []
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(report + "\n")
    context = host_context(env)
    if context is not None:
        try:
            action = upsert_comment(context, report)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            notes.append(f"Không ghi được bình luận báo cáo vào yêu cầu hợp nhất: {exc}. "
                         "Kiểm tra quyền của mã truy cập (GitHub: permissions: pull-requests: write; "
                         "GitLab: GITLAB_TOKEN có quyền api).")
        else:
            notes.append({"create": "Đã đăng bình luận báo cáo rà soát vào yêu cầu hợp nhất.",
                          "update": "Đã cập nhật bình luận báo cáo rà soát trong yêu cầu hợp nhất.",
                          "keep": "Bình luận báo cáo rà soát không đổi."}[action])
    return notes
