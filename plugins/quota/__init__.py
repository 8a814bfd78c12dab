"""Quota of published articles per unit, from the git history (contract sections 6, 7, 9).

* ``python -m quota`` (``make quota``): the terminal table and output/quota/quota.{json,csv,xlsx}
  (with quota-<YYYY>-<YYYY>.xlsx for each earlier school year);
* as a Pelican plugin: the same files, ``output/quota/index.html`` (the whole
  province), ``output/quota/quy-<YYYY>-Q<n>/`` (each quarter's report, to print),
  ``<parent-id>/dinh-muc/index.html`` for every Phòng GD&ĐT and commune, and
  ``QUOTA`` in the context for ``_quota_status.html`` on each unit's home page
  (when ``quota_on_home: true`` in units/_province.yml).  Without git history
  the build still succeeds and the page says why it is empty.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

logger = logging.getLogger(__name__)

def requested_as_of(value: str | None = None):
    """The as-of day asked for (``--as-of``, else the AS_OF environment variable), or None: today.

    Raises ValueError for a value that is not YYYY-MM-DD.
    """
    value = value or os.environ.get("AS_OF")
    return dt.date.fromisoformat(value) if value else None


def _generator_class():
    from pelican.generators import Generator

    import output_sync
    from publication import build_now
    from unit_sites.pages import render_page, theme_fingerprint

    from .history import GitError, load_history
    from .outputs import csv_bytes, json_bytes
    from .pages import PARENT_KINDS, box_state, filter_css, quarter_pages, view
    from .report import ReportCache, build_report
    from .workbook import book_bytes, book_key, book_name, book_years

    class QuotaGenerator(Generator):
        def generate_context(self):
            settings = self.settings
            registry = settings["UNIT_REGISTRY"]
            try:
                as_of = requested_as_of() or build_now(settings).date()
            except ValueError:
                logger.error("AS_OF=%s không phải ngày dạng năm-tháng-ngày (ví dụ 2025-01-20); "
                             "định mức được tính đến hôm nay.", os.environ.get("AS_OF"))
                as_of = build_now(settings).date()
            self.report = None
            head = ""
            try:
                history = load_history(settings["REPO_ROOT"])
            except GitError as exc:
                logger.warning("Định mức: %s", exc)
                self.quota = {"error": str(exc), "as_of": as_of, "units": {}, "groups": [], "quarters": []}
            else:
                head = history.head
                self.report = build_report(history, as_of, registry, ReportCache(settings["REPO_ROOT"]))
                self.quota = view(self.report, self.context.get("SITES"))
                if not history.shas:
                    self.quota["error"] = "kho chưa có commit nào: chưa có bài nào được tính."
            self.context["QUOTA"] = self.quota
            # The report follows from the history, the day and the code: while they
            # stay the same, its files and pages are neither made nor written again.
            self.fingerprint = "|".join((head, as_of.isoformat(), theme_fingerprint(self),
                                         self.quota.get("error") or ""))
            state = self.context.setdefault("SITE_STATE", {})
            for unit_id in self.quota["units"]:  # a home page is made again when its box changes
                if self.quota.get("on_home"):
                    state[unit_id] = ("quota", box_state(self.quota, unit_id))

        def _pages(self):
            """(output path, template, local values) of every quota page."""
            sites = self.context.get("SITES", {})
            portal = sites["so"]
            yield "quota/index.html", "quota", {"site": portal}
            if self.report is None:
                return
            for path, quarter in quarter_pages(self.report):
                yield path, "quota_quarter", {"site": portal, "report": quarter}
            for group in self.quota.get("groups", []):
                parent = self.quota["units"].get(group["id"])
                if parent is None or parent.kind not in PARENT_KINDS:
                    continue
                yield (f"{parent.id}/dinh-muc/index.html", "quota_parent",
                       {"site": sites.get(parent.id, portal), "group": group, "parent": parent})

        def generate_output(self, writer):
            if "so" not in self.context.get("SITES", {}):
                return
            files = ["quota/quota.json", "quota/quota.csv", "quota/quota.css"] if self.report else []
            pages = list(self._pages())
            sink = output_sync.sink()
            if self.report is not None:  # each school year's xlsx by its own key: an ended year's rarely changes
                for year in book_years(self.report):
                    path, key = f"quota/{book_name(self.report, year)}", book_key(self.report, year)
                    if not sink.unchanged(path, key):
                        sink.put(path, book_bytes(self.report, year, key), key)
            if sink.unchanged_all(files + [path for path, _, _ in pages], self.fingerprint):
                return
            if self.report is not None:
                sink.put("quota/quota.css", filter_css(self.quota).encode("utf-8"), self.fingerprint)
                sink.put("quota/quota.json", json_bytes(self.report), self.fingerprint)
                sink.put("quota/quota.csv", csv_bytes(self.report), self.fingerprint)
            for path, template, local in pages:
                sink.put(path, render_page(self, self.context, path, template, quota=self.quota, **local),
                         self.fingerprint)

    return QuotaGenerator


def _generators(pelican):
    return _generator_class()


def register():
    from pelican import signals

    signals.get_generators.connect(_generators)
