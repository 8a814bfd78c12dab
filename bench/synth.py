"""A synthetic province, deterministic, for the benchmarks (never committed).

    python bench/synth.py DIR --units 700 --articles 35000

Writes DIR/province (the contract's layout: units/, content/ with articles of
300-800 words in Vietnamese, two tags each, 2 images each from a small pool per
unit, or none with ``images=False``), DIR/baseline (the same articles in plain
Pelican's Markdown format, one site) and DIR/hugo (the same articles with YAML
front matter, a minimal Hugo site: lists, categories, tags, authors, feeds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
from pathlib import Path

from PIL import Image

WORDS = ("học sinh giáo viên nhà trường hội thi năm học chuyển đổi số hoạt động ngoại khóa "
         "phụ huynh tuyên truyền an toàn giao thông thư viện đọc sách thể dục thể thao khai giảng "
         "tổng kết thi đua khen thưởng bồi dưỡng chuyên môn đổi mới phương pháp dạy học tích cực "
         "sáng tạo kỹ năng sống trải nghiệm hướng nghiệp văn nghệ chào mừng ngày nhà giáo Việt Nam "
         "tổ chức thành công tập thể cán bộ công nhân viên lớp khối tiết dạy dự giờ đánh giá").split()
POOL = 3  # images per unit, shared by its articles


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, words: int, images: list[tuple[str, str]]) -> str:
    paragraphs, count = [], 0
    while count < words:
        paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
        count += len(paragraph.split())
        paragraphs.append(paragraph)
    for index, (src, caption) in enumerate(images):
        paragraphs.insert(min(len(paragraphs), 1 + index * 2), f'![{caption}]({src} "{caption}")')
    return "\n\n".join(paragraphs) + "\n"


def unit_yaml(unit_id: str, name: str, kind: str, parent: str | None) -> str:
    lines = [f"id: {unit_id}", f"name: {name}", f"kind: {kind}"]
    if parent:
        lines.append(f"parent: {parent}")
    lines += ["approvers:", "  - name: Nguyễn Văn An", "    title: Hiệu trưởng",
              "quota:", "  - {every: week, count: 1}"]
    return "\n".join(lines) + "\n"


HUGO_CONFIG = """\
baseURL = "http://localhost:1313/"
languageCode = "vi"
title = "Baseline"
timeZone = "Asia/Ho_Chi_Minh"
paginate = 10
disableKinds = ["sitemap", "robotsTXT"]
[taxonomies]
  category = "categories"
  tag = "tags"
  author = "authors"
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]
"""
# Pelican's default theme does as much: a base with the menu, an article page, lists
# with pagination (10 a page here), category/tag/author pages, feeds.
HUGO_LAYOUTS = {
    "_default/baseof.html": (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>'
        '<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}"></head><body>'
        '<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a><nav>{{ range site.Taxonomies.categories }}'
        '<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</nav></header>'
        '<main>{{ block "main" . }}{{ end }}</main></body></html>'),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "02/01/2006 15:04" }}'
        ' {{ range .Params.authors }}{{ . }}{{ end }}</p>{{ .Content }}'
        '<p>{{ range .Params.tags }}<a href="{{ (printf "/tags/%s/" (. | urlize)) | relURL }}">{{ . }}</a> {{ end }}</p>'
        '</article>{{ end }}'),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ $paginator := .Paginate .Pages }}'
        '{{ range $paginator.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>'
        '<p>{{ .Date.Format "02/01/2006" }}</p><p>{{ .Summary }}</p></article>{{ end }}'
        '{{ template "_internal/pagination.html" . }}{{ end }}'),
    "_default/terms.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}'
        '<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}'),
}


def generate(target: Path, units: int, articles: int, seed: int = 42, images: bool = True) -> None:
    rng = random.Random(seed)
    province, baseline, hugo = target / "province", target / "baseline", target / "hugo"
    shutil.rmtree(target, ignore_errors=True)
    (province / "units").mkdir(parents=True)
    (baseline / "content" / "images").mkdir(parents=True)
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (hugo / "layouts" / name).write_text(text, encoding="utf-8")
    (province / "units" / "_province.yml").write_text(
        "name: Sở Giáo dục và Đào tạo tỉnh Đo Đạc\ntimezone: Asia/Ho_Chi_Minh\nquota_start: 2021-09-05\n"
        "school_year:\n  semester1_start: \"09-05\"\n  semester2_start: \"01-15\"\n  end: \"05-31\"\n",
        encoding="utf-8")
    ids = ["so"]
    (province / "units" / "so.yml").write_text(unit_yaml("so", "Sở Giáo dục và Đào tạo tỉnh Đo Đạc", "so", None), encoding="utf-8")
    phongs = max(1, units // 40)
    for index in range(1, units):
        if index <= phongs:
            unit_id, kind, parent, name = f"phong-gddt-{index}", "phong-gddt", "so", f"Phòng GD&ĐT huyện {index}"
        else:
            unit_id, kind = f"truong-{index}", "truong"
            parent, name = f"phong-gddt-{1 + index % phongs}", f"Trường Tiểu học số {index}"
        ids.append(unit_id)
        (province / "units" / f"{unit_id}.yml").write_text(unit_yaml(unit_id, name, kind, parent), encoding="utf-8")
    pool_image = Image.new("RGB", (640, 427), (40, 110, 180))
    sample = target / "pool.jpg"
    pool_image.save(sample, "JPEG", quality=60)
    for unit_id in ids:
        folder = province / "content" / unit_id / "images"
        folder.mkdir(parents=True)
        for n in range(POOL if images else 0):
            os.link(sample, folder / f"anh-{n}.jpg")
    start = dt.datetime(2021, 9, 6, 7, 0)
    span = 5 * 365 * 24 * 60
    for number in range(articles):
        unit_id = ids[number % len(ids)]
        when = start + dt.timedelta(minutes=rng.randrange(span))
        title = f"{_sentence(rng)[:-1]} {number}"
        caption = "Học sinh tham gia hoạt động tại trường"
        pictures = [(f"/images/anh-{rng.randrange(POOL)}.jpg", caption) for _ in range(2)]
        body = _body(rng, rng.randint(300, 800), pictures if images else [])
        stamp = when.strftime("%Y-%m-%d %H:%M")
        pair = rng.sample(WORDS, 2)
        tags = ", ".join(pair)
        author = f"Giáo viên {number % 97}"
        featured = f"image: /images/anh-0.jpg\nimage_caption: {caption}\n" if images else ""
        path = province / "content" / unit_id / str(when.year) / f"bai-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: {title}\ndate: {stamp}\nauthor: {author}\ncategory: Tin tức\n"
            f"tags: [{tags}]\n{featured}"
            f"approved_by: Nguyễn Văn An\napproved_on: {when:%Y-%m-%d}\n---\n\n{body}", encoding="utf-8")
        (hugo / "content" / "posts" / f"{unit_id}-bai-{number}.md").write_text(
            f"---\ntitle: \"{title}\"\ndate: {when:%Y-%m-%dT%H:%M:00+07:00}\nauthors: [\"{author}\"]\n"
            f"categories: [\"Tin tức\"]\ntags: [\"{pair[0]}\", \"{pair[1]}\"]\n---\n\n"
            f"{body}", encoding="utf-8")
        plain_body = body.replace("(/images/", "({static}/images/")
        (baseline / "content" / f"{unit_id}-bai-{number}.md").write_text(
            f"Title: {title}\nDate: {stamp}\nAuthor: Giáo viên {number % 97}\nCategory: Tin tức\n"
            f"Tags: {tags}\nSlug: {unit_id}-bai-{number}\n\n{plain_body}", encoding="utf-8")
    for n in range(POOL if images else 0):
        os.link(sample, baseline / "content" / "images" / f"anh-{n}.jpg")
        (hugo / "static" / "images").mkdir(parents=True, exist_ok=True)
        os.link(sample, hugo / "static" / "images" / f"anh-{n}.jpg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--units", type=int, default=700)
    parser.add_argument("--articles", type=int, default=35000)
    parser.add_argument("--no-images", action="store_true")
    args = parser.parse_args()
    generate(args.target, args.units, args.articles, images=not args.no_images)


if __name__ == "__main__":
    main()
