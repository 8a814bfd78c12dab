"""The Văn phòng's review of a change (contract sections 8 and 11).

* ``report``: `make review BASE=<rev>`, the review report in Vietnamese Markdown
  (stdout, ``output/review.md``), made from the same checks as `make check`;
* ``annotations``: the problems where the reviewer looks (GitHub workflow
  commands, GitLab's Code Quality report, the job summary, one pull-request comment);
* ``sensitive``: the reviewer's warnings about personal data and state-secret
  markings in an article's text (W610-W613);
* ``codeowners``: `make codeowners` and E418;
* ``approvals``: E304 (not built yet), an approver with an ``account`` approves on the git host.
"""
