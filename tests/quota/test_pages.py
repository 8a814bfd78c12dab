"""The quota pages built with the sites (output/quota/, parent pages, home-page status)."""

from __future__ import annotations

import json

from factory import Province
from helpers import commit, make_province


def test_build_writes_quota_pages_and_files(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2024/a.md", date="2024-11-04 08:00")
    commit(p, "bài", "2024-11-05T09:00:00+07:00")
    out = p.build()
    page = (out / "quota" / "index.html").read_text(encoding="utf-8")
    assert "Trường THCS A" in page and "quota-cell--met" in page and "<svg" in page
    assert "<script" not in page
    data = json.loads((out / "quota" / "quota.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2026-11-20"
    assert (out / "quota" / "quota.xlsx").exists() and (out / "quota" / "quota.csv").exists()
    parent = (out / "phong-gddt-a" / "dinh-muc" / "index.html").read_text(encoding="utf-8")
    assert "Trường THCS A" in parent
    home = (out / "thcs-a" / "index.html").read_text(encoding="utf-8")
    assert "Định mức đăng bài kỳ này" in home


def test_build_without_git_history_succeeds_and_says_why(tmp_path):
    p = Province(tmp_path / "plain")
    p.article("thcs-a", "2024/a.md", date="2024-11-04 08:00")
    out = p.build()
    page = (out / "quota" / "index.html").read_text(encoding="utf-8")
    assert "Chưa có số liệu định mức" in page and "không phải" in page
    assert not (out / "quota" / "quota.json").exists()
