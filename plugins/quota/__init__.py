"""Quota of published articles per unit, from the git history (contract sections 6, 7, 9).

* ``python -m quota`` (``make quota``): the terminal table and output/quota/quota.{json,csv,xlsx};
* as a Pelican plugin: the same files, ``output/quota/index.html`` (the whole
  province), ``<parent-id>/dinh-muc/index.html`` for every Phòng GD&ĐT and
  commune, and ``QUOTA`` in the context for ``_quota_status.html`` on each
  unit's home page.  Without git history the build still succeeds and the
  page says why it is empty.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)

PARENT_KINDS = ("phong-gddt", "xa")


def _generator_class():
    from pelican.generators import Generator

    from publication import build_now

    from .history import GitError, History, load_history
    from .outputs import write_files
    from .pages import QUOTA_CSS, filter_css, view
    from .report import build_report

    class QuotaGenerator(Generator):
        def generate_context(self):
            settings = self.settings
            registry = settings["UNIT_REGISTRY"]
            as_of = build_now(settings).date()
            self.report = None
            try:
                history = load_history(settings["REPO_ROOT"])
            except GitError as exc:
                logger.warning("Định mức: %s", exc)
                self.quota = {"error": str(exc), "as_of": as_of, "units": {}, "groups": []}
            else:
                self.report = build_report(history, as_of, registry)
                self.quota = view(self.report, self.context.get("SITES"))
                if not history.shas:
                    self.quota["error"] = "kho chưa có commit nào: chưa có bài nào được tính."
            self.context["QUOTA"] = self.quota

        def _write(self, writer, name, template, url, site, **kwargs):
            writer.write_file(name, self.get_template(template), self.context, relative_urls=True,
                              template_name=template, url=url, site=site, quota=self.quota, **kwargs)

        def generate_output(self, writer):
            sites = self.context.get("SITES", {})
            portal = sites.get("so")
            if portal is None:
                return
            folder = os.path.join(self.output_path, "quota")
            os.makedirs(folder, exist_ok=True)
            css = filter_css(self.quota) if self.report else QUOTA_CSS
            with open(os.path.join(folder, "quota.css"), "w", encoding="utf-8") as handle:
                handle.write(css)
            if self.report is not None:
                write_files(self.report, folder)
            self._write(writer, "quota/index.html", "quota", "quota/", portal)
            for group in self.quota.get("groups", []):
                parent = self.quota["units"].get(group["id"])
                if parent is None or parent.kind not in PARENT_KINDS:
                    continue
                site = sites.get(parent.id, portal)
                self._write(writer, f"{parent.id}/dinh-muc/index.html", "quota_parent", f"{parent.id}/dinh-muc/",
                            site, group=group, parent=parent)

    return QuotaGenerator


def _generators(pelican):
    return _generator_class()


def register():
    from pelican import signals

    signals.get_generators.connect(_generators)
