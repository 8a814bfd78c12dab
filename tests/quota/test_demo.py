"""`make demo`: the demo province with a scripted history shows what a province's quota looks like."""

from __future__ import annotations

import subprocess
from collections import Counter

import lxml.html


def test_make_demo_shows_met_open_and_missed_over_two_school_years(quota_demo):
    tree = lxml.html.fromstring((quota_demo / "quota" / "index.html").read_bytes())
    states = Counter(li.get("class").split("--")[-1] for li in tree.xpath('//li[contains(@class, "quota-cell ")]'))
    assert states["met"] > 40 and states["missed"] >= 5 and states["open"] >= 3, states
    semesters = {" ".join(li.text_content().split()) for li in tree.xpath('//li[contains(@class, "quota-cell ")]')
                 if "HK " in li.text_content()}
    assert any("2024-2025" in s for s in semesters) and any("2025-2026" in s for s in semesters)
    text = " ".join(tree.body.text_content().split())
    assert "cập nhật lúc 07:30, 02/12/2026" in text
    assert "ngừng hoạt động từ 30/06/2025" in text  # the district Phòng, retired in the 2025 reform
    quarters = [a.text_content() for a in tree.xpath('//ul[@class="quota-quarters"]/li/a')]
    assert quarters[0] == "Quý IV/2026" and "Quý III/2024" in quarters  # two school years and the third's start


def test_the_demo_history_has_merges_a_late_approval_a_backdated_article_and_units_that_come_and_go(quota_demo):
    repo = quota_demo.parent / "repo"

    def git(*args):
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout

    merges = git("rev-list", "--first-parent", "--merges", "main").split()
    assert len(merges) > 500  # articles reach main through the Văn phòng's merges
    assert git("log", "-1", "--format=%an %cI", merges[0]).strip() == "Văn phòng Sở 2026-12-02T07:30:00+07:00"
    first = git("log", "--diff-filter=A", "--format=%cs", "--first-parent", "--", "units/xa-tan-hong.yml").split()
    assert first == ["2025-06-25"]  # the commune arrives before the reform of 01/07/2025
    assert "Lương Văn Sơn" in git("log", "-p", "--first-parent", "--format=%cs", "--", "units/th-kim-dong.yml")
    backdated = git("log", "--first-parent", "--format=%cs", "--", "content/thpt-le-quy-don/2025/"
                    "hoi-nghi-cha-me-hoc-sinh-dau-nam-hoc-22-09-2025.md").split()
    assert backdated == ["2025-10-08"]  # dated 22/09, merged 08/10: it counts in October


def test_the_demo_checks_clean_its_codeowners_made_from_its_units(quota_demo):
    """A Sở that gave accounts commits the CODEOWNERS `make codeowners` writes: no E418 in the demo."""
    import os
    import sys

    from factory import CODE_ROOT

    repo = quota_demo.parent / "repo"
    env = dict(os.environ, PYTHONPATH=str(CODE_ROOT / "plugins"))
    check = subprocess.run([sys.executable, "-m", "publication.check", "--root", str(repo)],
                           capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stdout[-2000:]
    assert "E418" not in check.stdout + check.stderr
    assert (repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8").count("@") > 5
