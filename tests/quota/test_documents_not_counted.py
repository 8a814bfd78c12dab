"""Documents (contract section 12) are published by the articles' rules and never counted."""

from __future__ import annotations

import json

from helpers import commit, counted, make_province, periods, run_quota
from helpers_problems import document


def test_a_document_counts_in_no_period_of_its_unit(tmp_path):
    p = make_province(tmp_path / "repo")
    p.article("thcs-a", "2022/bai.md", date="2022-10-03 08:00", title="Hội thi giáo viên giỏi", send_to_so=True)
    p.pdf("content/thcs-a/van-ban/2022/ke-hoach.pdf")
    # a valid document, forwarded and dated in the same month: an article's keys, its own rules
    p.write("content/thcs-a/van-ban/2022/ke-hoach.md", document(
        "thcs-a", title="Kế hoạch tổ chức hội thi giáo viên giỏi", issued_on="2022-10-04", send_to_so="true",
        date="2022-10-04 08:00", file="/van-ban/2022/ke-hoach.pdf"))
    commit(p, "một bài, một văn bản", "2022-10-05T09:00:00+07:00")
    check = p.check()
    assert check.returncode == 0 and "E1" not in check.stdout, check.stdout
    result = run_quota(p.root, "--as-of", "2022-10-31")
    assert result.returncode == 0, result.stderr
    data = json.loads((p.root / "output" / "quota" / "quota.json").read_text(encoding="utf-8"))
    assert counted(data, "thcs-a", "month:1:own") == {"2022-10": 1}
    assert periods(data, "thcs-a", "month:1:so")["2022-10"] == (1, "met", ["content/thcs-a/2022/bai.md"])
    listed = {path for unit in data["units"] for period in unit["periods"] for path in period["articles"]}
    assert listed == {"content/thcs-a/2022/bai.md"}
