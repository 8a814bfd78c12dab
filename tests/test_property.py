"""Generated articles and unit files: the checks never crash and always point at a real line.

Front matter (keys and values of every kind, YAML syntax junk, unicode),
Markdown bodies (images with odd paths and captions, raw HTML, links) and unit
files are written to a temporary repository and given to the functions the
build and `make check` call: article_reader.read_source,
publication.check_source / duplicate_slug_problems and unit_registry.load.
For every input: nothing raises, every problem has a code of the catalogue,
the file's path and a line of the file (1 <= line <= lines + 1), and its
message can be printed.  An article with no error has the required keys.

Deterministic (derandomize=True) and kept to a few seconds; raise
PROPERTY_EXAMPLES to search longer.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

import unit_registry
from article_reader import read_source
from article_reader.source import ARTICLE_KEYS
from factory import PROVINCE_YML, UNITS, Province, make_image
from problems import CATALOGUE, has_errors
from publication import check_source, duplicate_slug_problems

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=ZONE)

# -- pieces of text ----------------------------------------------------------

YAML_JUNK = ["[", "]", "{", "}", "'", '"', "&a", "*a", "&a [*a]", "!!binary", "!!python/object:os.system",
             "!tag", "- x", ": ", "? ", "#", "|", ">", "%YAML 1.2", "---", "...", "\t", "@x", "`x`", "<<: *a",
             "\u2028", "\u0085", "\r", "\x00", "\ufeff", "a: b: c", "[" * 60 + "]" * 60, "x" * 300]
VALUES = ["2024-11-07", "2024-11-07 08:30", "2024-02-30", "2024-11-07T08:30:00+07:00", "07/11/2024",
          "2027-01-05", "yes", "no", "true", "false", "null", "~", "0", "-1", "1e3", ".inf", "0x1F",
          "Nguyễn Văn Hiệu", "Đỗ Thị Hoa", "draft", "published", "/images/2024/anh.jpg",
          "images/2024/anh.jpg", "../../th-b/images/a.jpg", "http://[x", "https://example.com/a.jpg",
          "Hội thi giáo viên dạy giỏi", "hoi-thi", "../../x", "[a, b]", "{a: b}", "[[a]]", "{a: [b, {c: d}]}",
          "Khai giảng năm học mới", "a.jpg", "Anh chung", "", " ", "&a x", "*a"]
KEYS = list(ARTICLE_KEYS) + ["save_as", "url", "template", "unit", "order", "lang", "Title", "tiêu đề",
                             "title ", "1", "null", "true", "<<", "~"]
SRCS = ["/images/2024/anh.jpg", "images/2024/anh.jpg", "../images/2024/anh.jpg", "/images/khong-co.jpg",
        "/images/van-ban.jpg", "../../th-b/images/a.jpg", "/../x.jpg", "%2e%2e/%2e%2e/x.jpg",
        "https://example.com/a.jpg", "//cdn.example.com/a.jpg", "http://[x", "javascript:alert(1)",
        "data:image/png;base64,AAAA", "anh chung.jpg", "", "/images/2024/anh.jpg?x=1#y", "C:\\anh.jpg",
        "/images/", "/", ".", "~/a.jpg", "/images/2024/ảnh đẹp.jpg", "/images/2024/%E1%BA%A3nh.jpg"]
CAPTIONS = ["", "Cô giáo", "anh.jpg", "Anh", "Cô giáo Lê Thị Hoa giảng bài", "a b c", "— — —", "1 2 3",
            'Có "ngoặc kép" bên trong', "\u2028", "<b>đậm</b> chữ đây"]
HTML = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>đậm</b>", "<!-- chú thích -->",
        '<a href="javascript:alert(1)">x</a>', '<a href="https://a.vn">ok</a>', "<div>\n\n</div>", "<iframe>",
        "<style>p{}</style>", "<table><tr><td>1</td></tr></table>", "</p>", "<p", "<", "&amp;", "&#0;",
        '<span title="a\nb">x</span>', "<svg><script>x</script></svg>", "<math>", "<details open>"]
HREFS = ["https://a.vn", "javascript:alert(1)", "JAVASCRIPT:x", " javascript:x", "data:text/html,x", "vbscript:x",
         "mailto:a@b.vn", "#muc", "/x", "file:///etc/passwd", "java\tscript:x", "http://[x", "", "<>"]


@st.composite
def front_matter(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 9))):
        choice = draw(st.integers(0, 9))
        if choice == 0:
            lines.append(draw(st.sampled_from(YAML_JUNK) | st.text(max_size=20)))
            continue
        key = draw(st.sampled_from(KEYS) | st.text(min_size=1, max_size=8))
        value = draw(st.sampled_from(VALUES) | st.text(max_size=25) | st.integers().map(str))
        if choice == 1:
            value = json.dumps(value, ensure_ascii=draw(st.booleans()))
        elif choice == 2:
            value = "\n" + "\n".join(f"  - {v}" for v in draw(st.lists(st.sampled_from(VALUES), max_size=3)))
        elif choice == 3:
            value = "|\n  " + value.replace("\n", "\n  ")
        lines.append(f"{key}: {value}")
    if draw(st.booleans()):  # usually a valid article underneath the noise
        required = ["title: Hội thi giáo viên dạy giỏi", "date: 2024-11-07 08:30", "approved_by: Nguyễn Văn Hiệu"]
        for line in required:
            lines.insert(draw(st.integers(0, len(lines))), line)
    opening = draw(st.sampled_from(["---\n", "---\n", "---\n", "--- \n", "\ufeff---\n", ""]))
    closing = draw(st.sampled_from(["---\n", "---\n", "...\n", "", "----\n"]))
    return opening + "".join(line + "\n" for line in lines) + closing


@st.composite
def body(draw) -> str:
    blocks = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 7))
        if kind == 0:
            blocks.append(draw(st.text(max_size=60)))
        elif kind in (1, 2):
            src, caption = draw(st.sampled_from(SRCS)), draw(st.sampled_from(CAPTIONS))
            alt = draw(st.sampled_from(["", "Ảnh", "a]b", "x\ny"]))
            title = "" if draw(st.booleans()) and kind == 1 else f' "{caption}"'
            lead = draw(st.sampled_from(["", "Đoạn mở đầu.\n", "Chữ ", "| a |\n|---|\n| "]))
            blocks.append(f"{lead}![{alt}]({src}{title})")
        elif kind == 3:
            blocks.append(draw(st.sampled_from(HTML)))
        elif kind == 4:
            href = draw(st.sampled_from(HREFS))
            blocks.append(draw(st.sampled_from([f"[liên kết]({href})", f"Dòng một\n[x]({href})", f"<{href}>",
                                                f"[x][r]\n\n[r]: {href}"])))
        elif kind == 5:
            blocks.append(draw(st.sampled_from(["# Tiêu đề", "> trích\n> dẫn", "- a\n- b", "```\n![a](b \"c d e\")\n```",
                                                "    mã", "---", "***", "1. một\n2. hai", "| a | b |\n|---|---|\n| 1 | 2 |"])))
        elif kind == 6:
            blocks.append(draw(st.sampled_from(YAML_JUNK)))
        else:
            blocks.append("")
    separator = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n"]))
    return separator.join(blocks)


ARTICLE_PATHS = ["content/thcs-a/2024/bai.md", "content/thcs-a/bai.md", "content/th-b/a/b/bai.md",
                 "content/so/bai.md", "content/van-phong/2024/bai.md", "content/thcs-a/pages/gioi-thieu.md",
                 "content/khong-co/bai.md", "content/bai.md", "content/thcs-a/pages/a/b.md"]


def _lines(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def _assert_well_formed(problems, files: dict[str, str]) -> None:
    for problem in problems:
        assert problem.code in CATALOGUE, problem
        assert problem.path in files, problem
        assert 1 <= problem.line <= _lines(files[problem.path]) + 1, (problem, _lines(files[problem.path]))
        printed = str(problem)
        assert printed.startswith(f"{problem.path}:{problem.line}: {problem.code} ") and " — " in printed
        what, fix = CATALOGUE[problem.code]
        missing = set(re.findall(r"\{(\w+)\}", what + fix)) - set(problem.args)
        assert not missing, (printed, missing)


def _filled_keys(text: str) -> set:
    """Top-level keys with a non-empty value, read independently (composed, not constructed)."""
    node = YAML(typ="safe").compose(text)   # the parser lined_yaml uses (libyaml when installed)
    if not isinstance(node, MappingNode):
        return set()
    return {key.value for key, value in node.value
            if (value.value.strip() if isinstance(value, ScalarNode) and not value.tag.endswith(":null")
                else isinstance(value, (MappingNode, SequenceNode)) and value.value)}


def _front_block(text: str) -> str | None:
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index])
    return None


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    province = Province(tmp_path_factory.mktemp("property") / "repo")
    for unit in ("thcs-a", "th-b", "so", "van-phong"):
        make_image(province.root / f"content/{unit}/images/2024/anh.jpg", size=(64, 48))
    province.write("content/thcs-a/images/van-ban.jpg", "không phải ảnh")
    province.write("content/thcs-a/2024/khac.md",
                   "---\ntitle: Hội thi giáo viên dạy giỏi\ndate: 2024-11-07\napproved_by: Nguyễn Văn Hiệu\n---\n\nBài khác.\n")
    return province, unit_registry.load(province.root)


@SETTINGS
@given(path=st.sampled_from(ARTICLE_PATHS), head=front_matter(), text_body=body())
def test_any_article_is_checked_without_crashing(repo, path, head, text_body):
    province, registry = repo
    target = province.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((head + text_body).encode("utf-8", "surrogatepass"))
    try:
        text = target.read_text(encoding="utf-8", errors="replace")   # as the build and make check read it
        source = read_source(path, text, registry.province.zone)
        problems, _ = check_source(source, registry, str(province.root), NOW)
        other = province.root / "content/thcs-a/2024/khac.md"
        others = [read_source("content/thcs-a/2024/khac.md", other.read_text(encoding="utf-8"), ZONE)]
        problems += [p for p in duplicate_slug_problems([source] + others) if p.path == path]
    finally:
        target.unlink()
    _assert_well_formed(problems, {path: text})
    assert isinstance(source.html, str) and "<script" not in source.html.lower()
    event("no error" if not has_errors(problems) else "error")
    if not has_errors(problems):
        front = _front_block(text)
        assert front is not None, text
        required = {"title"} if source.is_page else {"title", "date", "approved_by"}
        assert required <= _filled_keys(front), text


# -- unit files ----------------------------------------------------------------

UNIT_VALUES = ["so", "phong-gddt-a", "truong", "so", "phong-thuoc-so", "xa", "khong-co", "2025-07-01",
               "2025-13-01", "week", "month", "fortnight", "own", "zalo", "0", "1", "-3", "hai", "true", "null",
               "[]", "{}", "[a, b]", "{a: b}", "Asia/Ho_Chi_Minh", "Mars/Olympus", '"09-05"', '"13-01"',
               "2022-W45", "2022-W54", "2022-11", "2022-13", "2022-Q4", "[van-phong, khong-co]", "[[x]]"]
UNIT_KEYS = list(unit_registry.UNIT_KEYS) + ["save_as", "from", "every", "count", "channel", "start", "order"]


@st.composite
def yaml_value(draw, depth=0):
    choice = draw(st.integers(0, 6 if depth < 2 else 2))
    if choice == 0:
        return draw(st.sampled_from(UNIT_VALUES))
    if choice == 1:
        return json.dumps(draw(st.text(max_size=12)), ensure_ascii=False)
    if choice == 2:
        return draw(st.sampled_from(YAML_JUNK))
    if choice in (3, 4):
        items = draw(st.lists(yaml_value(depth + 1), max_size=3))
        return "[" + ", ".join(items) + "]"
    pairs = draw(st.lists(st.tuples(st.sampled_from(UNIT_KEYS + ["name", "title", "parent"]),
                                    yaml_value(depth + 1)), max_size=3))
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


@st.composite
def unit_file(draw, unit_id: str) -> str:
    lines = [f"id: {unit_id}", "name: Trường Thử", "kind: truong", "parent: phong-gddt-a",
             "approvers:", "  - name: Nguyễn Văn Hiệu", "    title: Hiệu trưởng"]
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.integers(0, 4))
        if action == 0 and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
        elif action == 1:
            lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(YAML_JUNK)))
        else:
            key = draw(st.sampled_from(UNIT_KEYS))
            if key in ("quota", "parents", "approvers") and draw(st.booleans()):
                item = draw(yaml_value(1))
                lines.append(f"{key}:\n  - {item}\n  - {draw(yaml_value(1))}")
            else:
                lines.append(f"{key}: {draw(yaml_value())}")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@st.composite
def province_file(draw) -> str:
    text = PROVINCE_YML
    if draw(st.booleans()):
        rota = {"id": draw(st.sampled_from(["r", "[r]", "", "phong-thuoc-so"])),
                "every": draw(st.sampled_from(["week", "month", "quarter", "semester", "[month]", "{a: b}", ""])),
                "count": draw(st.sampled_from(["1", "0", "hai", "[1]", ""])),
                "start": draw(st.sampled_from(["2022-11", "2022-W45", "2022-Q4", "2022-13", "[x]", ""])),
                "order": draw(st.sampled_from(["[van-phong]", "[khong-co]", "[{a: b}]", "[]", "van-phong", "[[x]]"]))}
        keys = draw(st.permutations(list(rota)))
        text += "rotas:\n  - " + "\n    ".join(f"{k}: {rota[k]}" for k in keys[:draw(st.integers(0, 5))]) + "\n"
    if draw(st.booleans()):
        text += f"{draw(st.sampled_from(['timezone', 'school_year', 'quota_start', 'rotas', 'x']))}: {draw(yaml_value())}\n"
    return text


@SETTINGS
@given(files=st.dictionaries(st.sampled_from(["thcs-x", "th-y", "so", "feeds", "Sai_Ten", "phong-gddt-a"]),
                             st.none(), min_size=1, max_size=3).flatmap(
                                 lambda d: st.fixed_dictionaries({k: unit_file(k) for k in d})),
       province=province_file())
def test_any_unit_file_is_loaded_without_crashing(tmp_path_factory, files, province):
    root = tmp_path_factory.mktemp("units", numbered=True)
    try:
        texts = {}
        for unit_id, text in {**UNITS, **files}.items():
            texts[f"units/{unit_id}.yml"] = text
        texts["units/_province.yml"] = province
        for rel, text in texts.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
            texts[rel] = (root / rel).read_text(encoding="utf-8")   # as the registry reads it ("\r" is a line break)
        registry = unit_registry.load(root)
    finally:
        shutil.rmtree(root)
    _assert_well_formed(registry.problems, texts)
    event(f"{len(registry.units)} valid units")
    for unit_id, unit in registry.units.items():
        rel = f"units/{unit_id}.yml"
        kept = set(registry.kept_problems)  # a bad address, account or phone leaves the unit in
        assert not any(p.is_error for p in registry.problems if p.path == rel and p not in kept), unit_id
        required = {"id", "name", "kind", "approvers"} | (set() if unit.kind == "so" else {"parent"})
        assert required <= _filled_keys(texts[rel]), unit_id
        assert unit.approvers and unit.kind in unit_registry.KINDS


# -- inputs that once crashed the checks or put a problem past the end of the file --

REGRESSIONS = {
    "recursive alias": "---\ntitle: &a [*a]\ndate: 2024-11-07\n---\n\nBài.\n",
    "deep nesting": "---\ntitle: " + "[" * 3000 + "]" * 3000 + "\n---\n\nBài.\n",
    "bad IPv6 host": '---\ntitle: a\ndate: 2024-11-07\nimage: "http://[x"\nimage_caption: Ba từ chú thích\n---\n\n'
                     '![a](http://[x "Ba từ chú thích")\n',
    "U+2028 in a value": '---\ntitle: "a\u2028b\u2028c\u2028d"\nfoo: 1\n---\n\nBài.\n',
    "not closed": "---\ntitle: a\n",
    "reference after a long file": "---\ntitle: a\ndate: 2024-11-07\n---\n\n[x]: javascript:alert(1)\n",
}


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_known_crashers(repo, name):
    province, registry = repo
    path = "content/thcs-a/2024/bai.md"
    # a long file first, so that a stale line number would point past the end of this one
    read_source(path, "---\ntitle: a\n---\n\n" + "Đoạn.\n\n" * 200, ZONE)
    text = REGRESSIONS[name]
    source = read_source(path, text, ZONE)
    problems, _ = check_source(source, registry, str(province.root), NOW)
    _assert_well_formed(problems, {path: text})
    assert has_errors(problems)


def test_rota_with_a_list_or_mapping_is_reported(tmp_path):
    province = Province(tmp_path / "repo")
    province.write("units/_province.yml", PROVINCE_YML + "rotas:\n  - id: r\n    every: [month]\n    count: 1\n"
                   "    start: 2022-11\n    order: [{a: b}, van-phong]\n")
    registry = unit_registry.load(province.root)
    assert [(p.line, p.code) for p in registry.problems] == [(10, "E413"), (13, "E415")]
    province.write("units/_province.yml", PROVINCE_YML + "rotas:\n  - id: r\n    every: month\n    count: 1\n"
                   "    start: 2022-11\n    order: [{a: b}, van-phong]\n")
    registry = unit_registry.load(province.root)
    assert [(p.line, p.code) for p in registry.problems] == [(13, "E415")]
