"""The province's CI files (issue #12): every workflow passes actionlint and zizmor (offline),
.gitlab-ci.yml GitLab's JSON schema (check-jsonschema's copy), all three from requirements.txt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from factory import CODE_ROOT
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
