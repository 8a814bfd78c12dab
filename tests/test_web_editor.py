"""The web editor's configuration (plugins/web_editor), generated from units/ by a real build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from factory import CODE_ROOT, Province
from tooling import missing

import unit_registry


def _parse(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _require_editor_packages():
    if not (CODE_ROOT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").is_file():
        missing("decap-cms", "bash tools/npm-packages.sh (or: make html)")


def _articles(config: dict) -> dict[str, dict]:
    return {c["name"]: c for c in config["collections"] if not c["name"].endswith(("--trang", "--word"))}


def _field(collection: dict, name: str) -> dict:
    return next(f for f in collection["fields"] if f["name"] == name)


def _assert_covers(root: Path, output: Path) -> None:
    """Every unit has its collection (folder, paths, approvers) in output/admin/, and its own
    admin page with its collection only."""
    registry = unit_registry.load(root)
    everything = _parse(output / "admin" / "config.yml")
    assert everything["locale"] == "vi" and everything["publish_mode"] == "editorial_workflow"
    collections = _articles(everything)
    assert set(collections) == set(registry.units)
    for unit in registry.units.values():
        collection = collections[unit.id]
        assert collection["folder"] == f"content/{unit.id}"
        assert collection["path"] == "{{year}}/{{slug}}"
        assert collection["media_folder"] == f"/content/{unit.id}/images/{{{{year}}}}"
        assert collection["public_folder"] == "{{year}}"  # editor.js writes /images/{{year}}/...
        assert _field(collection, "approved_by")["options"] == [a.name for a in unit.approvers]
        if unit.id == "so":
            continue
        own = _parse(output / unit.id / "admin" / "config.yml")
        assert [c["name"] for c in own["collections"]] == [unit.id, f"{unit.id}--trang", f"{unit.id}--word"]
        assert own["collections"][1]["folder"] == f"content/{unit.id}/pages"
        assert own["collections"][2]["folder"] == f"content/{unit.id}/word"
        page = (output / unit.id / "admin" / "index.html").read_text(encoding="utf-8")
        assert 'src="../../admin/decap-cms.js"' in page


def test_demo_province_every_unit_and_approver(demo_output):
    _require_editor_packages()
    _assert_covers(CODE_ROOT, demo_output)
    admin = demo_output / "admin"
    # the bundle and every chunk it loads sit beside the page (no CDN)
    dist = CODE_ROOT / "node_modules" / "decap-cms" / "dist"
    chunks = sorted(p.name for p in dist.glob("*.decap-cms.js"))
    assert len(chunks) > 50 and all((admin / name).is_file() for name in chunks)
    assert (admin / "browser-image-compression.js").is_file() and (admin / "editor.js").is_file()
    # the categories the unit's articles use are offered, besides the base ones
    config = _parse(demo_output / "thcs-nguyen-du" / "admin" / "config.yml")
    offered = _field(config["collections"][0], "category")["options"]
    assert offered[:2] == ["Tin tức", "Thông báo"]
    used = set()
    for md in (CODE_ROOT / "content" / "thcs-nguyen-du").rglob("*.md"):
        for line in md.read_text(encoding="utf-8").splitlines():
            if line.startswith("category:"):
                used.add(line.split(":", 1)[1].split("#")[0].strip())
    assert used and used <= set(offered)


def test_backend_from_git_host(demo_output):
    _require_editor_packages()
    config = _parse(demo_output / "admin" / "config.yml")
    assert config["backend"]["name"] == "github"
    assert config["backend"]["repo"] == "so-gddt-thanh-van/cong-thong-tin"
    assert config["backend"]["branch"] == "main"
    page = (demo_output / "admin" / "index.html").read_text(encoding="utf-8")
    assert "connect-src 'self' blob: https://api.github.com;" in page  # blob: Decap reads chosen photos back


def test_config_follows_units(province: Province):
    """A province made here: its units and approvers; a unit added, an approver renamed and
    a git host changed show at the next build, with no other change."""
    _require_editor_packages()
    province.write("units/_province.yml", (province.root / "units/_province.yml").read_text(encoding="utf-8")
                   + "git_host: {kind: forgejo, repo: so/cong, branch: chinh, url: 'https://git.so.example.vn'}\n")
    province.article("thcs-a", "2024/bai.md", category="Phong trào thi đua")
    output = province.build()
    _assert_covers(province.root, output)
    config = _parse(output / "thcs-a" / "admin" / "config.yml")
    assert "Phong trào thi đua" in _field(config["collections"][0], "category")["options"]
    assert config["backend"] == {"branch": "chinh", "repo": "so/cong", "squash_merges": True,
                                 "cms_label_prefix": "cms/", "name": "forgejo",
                                 "api_root": "https://git.so.example.vn/api/v1",
                                 "base_url": "https://git.so.example.vn"}
    assert not (output / "mn-c").exists()

    province.write("units/mn-c.yml", "id: mn-c\nname: Trường Mầm non C\nkind: truong\nparent: phong-gddt-a\n"
                   "approvers:\n  - name: Vũ Thị Lan\n    title: Hiệu trưởng\n  - name: Hà Văn Phó\n    title: Phó Hiệu trưởng\n")
    province.write("units/th-b.yml", "id: th-b\nname: Trường Tiểu học B\nkind: truong\nparent: phong-gddt-a\n"
                   "approvers:\n  - name: Đỗ Thị Hồng\n    title: Hiệu trưởng\n")
    output = province.build()
    _assert_covers(province.root, output)
    new = _parse(output / "mn-c" / "admin" / "config.yml")
    assert _field(new["collections"][0], "approved_by")["options"] == ["Vũ Thị Lan", "Hà Văn Phó"]
    renamed = _parse(output / "th-b" / "admin" / "config.yml")
    assert _field(renamed["collections"][0], "approved_by")["options"] == ["Đỗ Thị Hồng"]


def test_a_word_file_sent_through_the_editor_is_what_make_import_pending_imports(province: Province):
    """The "Gửi tệp Word" collection: the entry file and the .docx, written where and as
    Decap writes them from this config, are what `make import-pending` reads (issue 14)."""
    _require_editor_packages()
    import docx
    from word_import.pending import import_waiting

    province.article("thcs-a", "2024/bai.md")
    config = _parse(province.build() / "thcs-a" / "admin" / "config.yml")
    word = next(c for c in config["collections"] if c["name"] == "thcs-a--word")
    assert word["label"] == "Gửi tệp Word — Trường THCS A" and word["create"] is True
    assert (word["folder"], word["extension"], word["format"]) == ("content/thcs-a/word", "yml", "yml")
    assert [f["name"] for f in word["fields"]] == ["file", "title", "author"]
    assert _field(word, "file")["widget"] == "file" and not _field(word, "title").get("required", True)
    assert all(not f["label"].isascii() or f["label"] == "Tệp Word" for f in word["fields"])
    # Decap: the upload into media_folder, the field's value public_folder + "/" + name,
    # the entry file <slug>.<extension> in the folder with the fields as YAML keys
    document = docx.Document()
    document.add_heading("Hội thi văn nghệ chào mừng ngày 20/11", level=1)
    document.add_paragraph("Chiều 18/11, nhà trường tổ chức hội thi văn nghệ.")
    uploads = province.root / word["media_folder"].lstrip("/")
    uploads.mkdir(parents=True)
    document.save(uploads / "hoi-thi-van-nghe.docx")
    (province.root / word["folder"] / f"20261120-093000.{word['extension']}").write_text(
        f"file: {word['public_folder']}/hoi-thi-van-nghe.docx\ntitle: Văn nghệ chào mừng 20/11\n"
        "author: Lê Thị Hoa\n", encoding="utf-8")
    outcome = import_waiting(province.root, soffice=None)
    assert outcome.refused == []
    assert [w.article.split("/")[-1] for w in outcome.written] == ["van-nghe-chao-mung-20-11.md"]
    article = (province.root / outcome.written[0].article).read_text(encoding="utf-8")
    assert "title: Văn nghệ chào mừng 20/11" in article and "author: Lê Thị Hoa" in article
    assert sorted(outcome.removed) == ["content/thcs-a/word/20261120-093000.yml",
                                       "content/thcs-a/word/hoi-thi-van-nghe.docx"]


def test_every_front_matter_key_has_a_field(demo_output):
    _require_editor_packages()
    from article_reader.source import ARTICLE_KEYS

    config = _parse(demo_output / "thcs-nguyen-du" / "admin" / "config.yml")
    names = [f["name"] for f in config["collections"][0]["fields"]]
    assert set(ARTICLE_KEYS) <= set(names)
    assert {"pinned_until", "deadline"} <= set(names)  # contract section 5, read by the portal's sections
    assert all(f["label"] and not f["label"].isascii() for f in config["collections"][0]["fields"])


def test_caption_wording_comes_from_the_catalogue(demo_output):
    _require_editor_packages()
    from problems import CATALOGUE

    page = (demo_output / "admin" / "index.html").read_text(encoding="utf-8")
    start = page.index('id="editor-settings">') + len('id="editor-settings">')
    settings = json.loads(page[start:page.index("</script>", start)])
    assert settings["messages"] == {code: list(CATALOGUE[code]) for code in ("E201", "E202", "E203")}


def test_without_npm_packages_the_build_goes_on(province: Province, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR_NODE_MODULES", str(tmp_path / "khong-co"))
    province.article("thcs-a", "2024/bai.md")
    result = province.run_build()
    assert result.returncode == 0, result.stderr
    assert "Chưa có trình soạn bài trên web" in result.stderr and "npm" in result.stderr
    output = province.root / "output"
    assert (output / "thcs-a" / "index.html").is_file()
    assert not (output / "admin").exists()
