"""Every Atom feed of the demo build is valid Atom (RFC 4287), and keeps the contract's promises.

The RELAX NG schema of RFC 4287 (tests/schemas/atom.rnc, checked with Debian's
jing) covers the structure; lxml checks what the schema cannot say: the
author rule (Schematron in the RFC), absolute ids, RFC 3339 time zones, order,
and CONTENT-MODEL.md section 9 (each entry of feeds/all.atom.xml names its unit;
the aggregated feed holds every published article; a unit's feed all of its own).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree
from ruamel.yaml import YAML

from tooling import ATOM_RNC, CODE_ROOT, require


# The category scheme that names an entry's unit in feeds/all.atom.xml: written here, not read
# from the code under test, because readers of the aggregated feed rely on this exact value.
UNIT_SCHEME = "urn:x-edu-portal:unit"

A = "{http://www.w3.org/2005/Atom}"
NS = {"a": "http://www.w3.org/2005/Atom"}
# RFC 3339 date-time: the offset (Z or ±hh:mm) is required.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)\Z")
# An absolute IRI (RFC 3987): a scheme, then no white space.
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+\Z")


def _feed_paths(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.xml") if p.parent.name == "feeds")


@pytest.fixture(scope="module")
def feeds(demo_output) -> dict[str, etree._ElementTree]:
    paths = _feed_paths(demo_output)
    assert demo_output / "feeds" / "all.atom.xml" in paths and demo_output / "feeds" / "atom.xml" in paths
    return {p.relative_to(demo_output).as_posix(): etree.parse(str(p)) for p in paths}


@pytest.fixture(scope="module")
def unit_names() -> dict[str, str]:
    yaml = YAML(typ="safe")
    return {p.stem: yaml.load(p.read_text(encoding="utf-8"))["name"]
            for p in (CODE_ROOT / "units").glob("*.yml") if not p.name.startswith("_")}


def _article_pages(output: Path, under: str = "") -> set[str]:
    """Article pages, as paths relative to the output folder: bai-viet/ (the Sở) and <unit>/bai-viet/."""
    base = output / under if under else output
    pattern = "bai-viet/*.html" if under else "**/bai-viet/*.html"
    return {p.relative_to(output).as_posix() for p in base.glob(pattern)}


def _entry_pages(tree) -> list[str]:
    """The alternate link of every entry, as a path relative to the output folder."""
    pages = []
    for entry in tree.getroot().iterfind("a:entry", NS):
        hrefs = [link.get("href") for link in entry.iterfind("a:link", NS) if link.get("rel", "alternate") == "alternate"]
        assert len(hrefs) == 1, f"entry {entry.findtext('a:id', namespaces=NS)} has {len(hrefs)} alternate links"
        pages.append(unquote(urlsplit(hrefs[0]).path).lstrip("/"))
    return pages


def _unit_terms(entry) -> list[etree._Element]:
    return [c for c in entry.iterfind("a:category", NS) if c.get("scheme") == UNIT_SCHEME]


def test_every_feed_is_valid_per_the_rfc_4287_schema(demo_output, feeds):
    require("jing")
    require("java")
    paths = [str(demo_output / name) for name in feeds]
    env = dict(os.environ, JAVA_TOOL_OPTIONS="-XX:TieredStopAtLevel=1")  # a short run: C1 JIT is enough
    proc = subprocess.run(["jing", "-c", str(ATOM_RNC), *paths], capture_output=True, text=True, timeout=120, env=env)
    prefix = str(demo_output.resolve()) + "/"
    # jing also prints "[warning] /usr/bin/jing: Unable to locate ..." about optional jars on stderr.
    errors = [line.replace(prefix, "") for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or errors:
        pytest.fail(f"jing (exit {proc.returncode}):\n" + "\n".join(errors or proc.stderr.splitlines()), pytrace=False)


def test_every_entry_names_the_author_its_page_shows(demo_output, feeds):
    """An entry's <author> is its own article's author (the feed's author, the unit, would satisfy
    RFC 4287 for every entry, so it proves nothing); the page shows the same name."""
    checked = 0
    for name, tree in feeds.items():
        for entry, page in zip(tree.getroot().iterfind("a:entry", NS), _entry_pages(tree)):
            byline = re.search(r"Tác giả: ([^<·]+?)\s*(?:<|·|$)", (demo_output / page).read_text(encoding="utf-8"), re.M)
            own = entry.findtext("a:author/a:name", namespaces=NS)
            if byline is None:
                assert own is None or own == tree.getroot().findtext("a:author/a:name", namespaces=NS), (
                    f"{name}: {page} shows no author but its entry names {own!r}")
                continue
            assert own == html.unescape(byline.group(1)).strip(), f"{name}: {page}: entry author {own!r}"
            checked += 1
    assert checked > 20, "the demo's articles have authors: their entries must name them"


def test_every_author_has_a_non_empty_name(feeds):
    for name, tree in feeds.items():
        for author in tree.getroot().iter(f"{A}author"):
            assert (author.findtext("a:name", namespaces=NS) or "").strip(), f"{name}: an author without a name"


def test_every_id_is_an_absolute_iri(feeds):
    for name, tree in feeds.items():
        ids = [element.text or "" for element in tree.getroot().iter(f"{A}id")]
        bad = [i for i in ids if not ABSOLUTE_IRI.match(i)]
        assert not bad, f"{name}: ids that are not absolute IRIs: {bad}"
        entry_ids = [e.findtext("a:id", namespaces=NS) for e in tree.getroot().iterfind("a:entry", NS)]
        assert len(entry_ids) == len(set(entry_ids)), f"{name}: two entries share an id"


def test_every_timestamp_carries_a_time_zone(feeds):
    for name, tree in feeds.items():
        for element in tree.getroot().iter(f"{A}updated", f"{A}published"):
            assert RFC3339.match(element.text or ""), (
                f"{name}:{element.sourceline}: <{etree.QName(element).localname}>{element.text}<…> "
                "is not an RFC 3339 date-time with its zone")


def _stamp(entry) -> dt.datetime:
    text = entry.findtext("a:published", namespaces=NS) or entry.findtext("a:updated", namespaces=NS)
    moment = dt.datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"{entry.findtext('a:id', namespaces=NS)}: {text} has no time zone"
    return moment


def test_entries_are_newest_first(feeds):
    for name, tree in feeds.items():
        entries = tree.getroot().findall("a:entry", NS)
        assert entries, f"{name} has no entries"
        stamps = [_stamp(e) for e in entries]
        for (earlier, a), (later, b) in zip(enumerate(stamps), list(enumerate(stamps))[1:]):
            assert a >= b, f"{name}: entry {earlier + 1} ({a}) is older than entry {later + 1} ({b})"
        updated = dt.datetime.fromisoformat(tree.getroot().findtext("a:updated", namespaces=NS))
        assert updated >= stamps[0], f"{name}: feed <updated> {updated} is older than its newest entry {stamps[0]}"


def test_every_entry_of_the_aggregated_feed_names_its_unit(feeds, unit_names):
    for entry in feeds["feeds/all.atom.xml"].getroot().iterfind("a:entry", NS):
        entry_id = entry.findtext("a:id", namespaces=NS)
        units = _unit_terms(entry)
        assert len(units) == 1, f"{entry_id}: {len(units)} categories in the scheme {UNIT_SCHEME}, expected 1"
        term, label = units[0].get("term"), units[0].get("label")
        assert term in unit_names, f"{entry_id}: unit {term!r} is not in units/"
        assert label == unit_names[term], f"{entry_id}: unit label {label!r}, units/{term}.yml says {unit_names[term]!r}"


def test_the_aggregated_feed_holds_every_published_article(demo_output, feeds):
    pages = _entry_pages(feeds["feeds/all.atom.xml"])
    assert len(pages) == len(set(pages)), "an article appears twice in feeds/all.atom.xml"
    published = _article_pages(demo_output)
    assert published, "the demo build has no article pages"
    assert set(pages) == published, (
        f"article pages without an entry: {sorted(published - set(pages))}; "
        f"entries without an article page: {sorted(set(pages) - published)}")


def test_every_unit_feed_holds_all_of_its_articles_and_only_them(demo_output, feeds):
    for name, tree in feeds.items():
        if not re.fullmatch(r"[a-z0-9-]+/feeds/atom\.xml", name):
            continue
        unit = name.split("/")[0]
        pages = _entry_pages(tree)
        # the Sở's own articles live at the portal's root: bai-viet/
        expected = ({p for p in _article_pages(demo_output) if p.startswith("bai-viet/")} if unit == "so"
                    else _article_pages(demo_output, unit))
        assert sorted(pages) == sorted(expected), f"{name}: entries differ from the unit's article pages"
        for entry in tree.getroot().iterfind("a:entry", NS):
            assert [c.get("term") for c in _unit_terms(entry)] == [unit], (
                f"{name}: entry {entry.findtext('a:id', namespaces=NS)} is not credited to {unit}")


def test_every_entry_links_to_a_page_of_the_build(demo_output, feeds):
    for name, tree in feeds.items():
        missing = [p for p in _entry_pages(tree) if not (demo_output / p).is_file()]
        assert not missing, f"{name}: entries link to pages the build did not write: {missing}"
