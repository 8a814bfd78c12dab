"""The sections a unit's portal must have (TT 37/2020/TT-BGDĐT art. 8 and 9; contract
section 12), and the warnings for a unit that lacks one (W620-W623) or has no e-mail address
for the questions and opinions its readers send (W624).

A section is filled by the articles' ``category`` (Thông báo, Tuyển sinh, Công khai, Hỏi
đáp, Lấy ý kiến); "Tin tức - Sự kiện" is every other article; "Giới thiệu" is the page
``content/<unit>/pages/gioi-thieu.md`` with the unit's leaders from its unit file; "Văn bản"
the documents library; "Thủ tục hành chính" (the Sở) the links of ``units/_province.yml``.

No Pelican here: the build (unit_sites) and `make check` (publication.check) call
:func:`section_problems` with what each has read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dates import short_date
from problems import Problem

NEWS = "Tin tức - Sự kiện"
NEWS_FOLDER = "tin-tuc-su-kien/"
INTRODUCTION_SLUG = "gioi-thieu"
PROCEDURES_FOLDER = "thu-tuc-hanh-chinh/"


@dataclass(frozen=True)
class Section:
    name: str       # the category that fills it, as written in front matter
    slug: str       # its folder: <site>chuyen-muc/<slug>/ (the category's own list)
    kinds: tuple    # the unit kinds that must have it (TT 37/2020)


OWN_SITE_KINDS = ("so", "phong-gddt", "xa", "don-vi-truc-thuoc", "trung-tam", "truong")
SECTIONS = (
    Section("Thông báo", "thong-bao", OWN_SITE_KINDS),
    Section("Tuyển sinh", "tuyen-sinh", ("truong",)),
    Section("Công khai", "cong-khai", ("truong",)),   # TT 09/2024/TT-BGDĐT
    Section("Hỏi đáp", "hoi-dap", OWN_SITE_KINDS),
    Section("Lấy ý kiến", "lay-y-kien", ("so",)),
)
ANNOUNCEMENTS = "thong-bao"
CONSULTATIONS = "lay-y-kien"
QUESTIONS = "hoi-dap"
BY_SLUG = {section.slug: section for section in SECTIONS}


@dataclass(frozen=True)
class Consultation:
    """A consultation's deadline as readers see it on the day of the build."""

    deadline: dt.date
    open: bool

    @property
    def text(self) -> str:
        if self.open:
            return f"Hạn góp ý: {short_date(self.deadline)}"
        return f"Đã hết hạn góp ý (hạn cuối: {short_date(self.deadline)})"


def consultation_state(deadline: str | None, today: dt.date) -> Consultation | None:
    """``deadline`` (ISO day, as the reader checked it) against the build's local day: open
    through the whole of that day, closed from the next (the nightly rebuild turns it)."""
    if not deadline:
        return None
    day = dt.date.fromisoformat(deadline)
    return Consultation(day, today <= day)


def sections_of(kind: str) -> list[Section]:
    """The category sections a unit of ``kind`` shows in its menu (in the order of TT 37)."""
    return [section for section in SECTIONS if kind in section.kinds]


def section_problems(registry, categories: dict[str, set[str]], pages: dict[str, set[str]],
                     units=None) -> list[Problem]:
    """W620-W624 for each unit with a site (``units``: those ids only), when the province
    asks for them (``required_sections: true``): what it lacks, and how to add it.

    ``categories``: unit id -> slugs of its published articles' categories; ``pages``:
    unit id -> slugs of its published pages."""
    province = registry.province
    if not province.required_sections:
        return []
    problems = []
    for unit in sorted(registry.units.values(), key=lambda u: u.id):
        if unit.kind not in OWN_SITE_KINDS or (units is not None and unit.id not in units):
            continue
        rel = f"units/{unit.id}.yml"
        if INTRODUCTION_SLUG not in pages.get(unit.id, set()):
            problems.append(Problem(rel, 1, "W620", {"unit": unit.id}))
        if not unit.leaders:
            problems.append(Problem(rel, 1, "W621", {"unit": unit.id}))
        missing = [s.name for s in sections_of(unit.kind) if s.slug not in categories.get(unit.id, set())]
        if missing:
            problems.append(Problem(rel, 1, "W622", {"unit": unit.id, "missing": ", ".join(missing),
                                                     "first": missing[0]}))
        # the sites have no server: questions and opinions are sent by e-mail (theme _write_in.html)
        writing_in = [s.name for s in sections_of(unit.kind) if s.slug in (QUESTIONS, CONSULTATIONS)]
        if writing_in and not unit.email:
            problems.append(Problem(rel, 1, "W624", {"unit": unit.id, "sections": ", ".join(writing_in)}))
        if unit.kind == "so" and not province.procedures:
            problems.append(Problem("units/_province.yml", 1, "W623"))
    return problems
