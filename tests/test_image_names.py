"""Image file names with a space, a comma, "#", "?", "%" or marks (issue 10, item 7): written as
a web address (percent-encoded) in the body, or as a plain path in front matter, each is found by
`make check` and the build, and every address of its srcset leads to a file the build wrote."""

from __future__ import annotations

import os
from urllib.parse import quote, unquote

import lxml.html

from factory import Province, front_matter, make_image

NAMES = ["anh lop 9a.jpg", "anh,phay.jpg", "anh#so.jpg", "anh%25.jpg", "ảnh-có-dấu.jpg", "anh?x.jpg"]


def test_odd_image_names_are_found_and_every_srcset_address_leads_to_its_file(tmp_path):
    repo = Province(tmp_path / "repo")
    for name in NAMES:
        make_image(repo.root / f"content/thcs-a/images/2024/{name}", size=(1200, 800))
    body = "Buổi học diễn ra sôi nổi với sự tham gia của toàn thể học sinh.\n"
    for i, name in enumerate(NAMES):
        body += f'\n![Ảnh lớp học](/images/2024/{quote(name)} "Học sinh lớp 9A trong giờ học số {i}")\n'
    repo.write("content/thcs-a/2024/ten-anh.md", front_matter(
        title="Tên ảnh lạ", date="2024-11-07 08:30", author="Đoàn Thị Tâm", approved_by="Nguyễn Văn Hiệu",
        approved_on="2024-11-07", image='"/images/2024/anh,phay.jpg"',
        image_caption="Ảnh đại diện của bài viết") + "\n" + body)
    check = repo.check()
    assert check.returncode == 0, check.stdout + check.stderr
    assert "E204" not in check.stdout + check.stderr
    out = repo.build()
    (page,) = (out / "thcs-a" / "bai-viet").glob("ten-anh*.html")
    tree = lxml.html.parse(str(page))
    figures = tree.xpath("//figure//img")[-len(NAMES):]  # the featured image's figure first
    assert len(tree.xpath("//figure//img")) == len(NAMES) + 1
    for node in tree.xpath("//figure//img | //figure//source"):
        candidates = [c.strip() for c in node.get("srcset").split(",")]
        for candidate in candidates:
            address, width = candidate.split(" ")  # one address and one width: nothing split the name
            assert width.endswith("w")
            assert os.path.isfile(os.path.normpath(page.parent / unquote(address))), address
    sources = [unquote(img.get("src")) for img in figures]
    for name, src in zip(NAMES, sources):
        assert os.path.basename(src).startswith(os.path.splitext(name)[0] + "."), (name, src)
    og = tree.xpath("//meta[@property='og:image']/@content")[0]
    assert "anh%2Cphay." in og and " " not in og
