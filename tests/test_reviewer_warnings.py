"""W610-W615, the reviewer's warnings (contract section 8), on real Vietnamese text and real photos.

Each fires on a real example, at its line, through `make check` (and the build prints the
same line); each stays silent on ordinary news (dates, years, scores, amounts, document
numbers, the unit's own phones) and on the demo province.  None blocks: the article is
still published.
"""

from __future__ import annotations

import subprocess

import pytest
from PIL import Image

from factory import CODE_ROOT, PYTHON, UNITS, Province
from helpers_problems import line_of, parse_problems

CAPTION = "Học sinh lớp 8A trong giờ thực hành"
# code -> (file name, body, the text of the line it is on, the start of the message)
TEXT_CASES = {
    "W610": ("cccd.md", "Hồ sơ gồm bản sao căn cước của phụ huynh.\n\nSố CCCD: 034 095 001 234, cấp ngày 12/5/2021.\n",
             "034 095 001 234", 'số "034 095 001 234" giống số CCCD (giấy tờ tùy thân) của một người — '
             "không đăng số định danh cá nhân (NĐ 13/2023/NĐ-CP)"),
    "W611": ("di-dong.md", "Mọi thắc mắc xin liên hệ cô Lê Thị Hoa, giáo viên chủ nhiệm lớp 5A, "
             "số điện thoại 0912.345.678.\n", "0912.345.678",
             'số "0912.345.678" giống số điện thoại di động của một người — không đăng số riêng'),
    "W612": ("ngay-sinh.md", "Em Nguyễn Minh Khôi, sinh ngày 14/02/2012, đạt giải Nhất môn Toán.\n",
             "sinh ngày 14/02/2012", 'có ngày sinh của một người ("sinh ngày 14/02/2012") — không đăng ngày sinh'),
    "W613": ("mat.md", "**TỐI MẬT**\n\nKế hoạch tổ chức kỳ thi chọn học sinh giỏi cấp tỉnh.\n", "**TỐI MẬT**",
             'có dấu chỉ độ mật "TỐI MẬT" — tài liệu mật không được đăng lên cổng thông tin'),
}
# code -> (photo maker, the start of the message)
PHOTO_CASES = {
    "W614": ("gps", 'tệp ảnh "/images/2026/anh-w614.jpg" còn tọa độ GPS (nơi chụp) — trang web không đăng tọa độ'),
    "W615": ("big", 'ảnh gốc "/images/2026/anh-w615.jpg" lớn hơn mức kho nên giữ (3200×1800 điểm ảnh, cạnh dài quá 2560) — '
                    "thu nhỏ ảnh còn cạnh dài tối đa 2560"),
}
REVIEW_CODES = set(TEXT_CASES) | set(PHOTO_CASES) | {"W615"}

# Ordinary news, as schools write it: none of these lines may warn
ORDINARY = [
    "Thực hiện Công văn số 1652/SGDĐT-VP ngày 19/10/2022 của Sở Giáo dục và Đào tạo về công tác truyền thông.",
    "Sáng ngày 07/11/2022, Trường THCS Nguyễn Du tổ chức hội thi giáo viên dạy giỏi cấp trường năm học 2022-2023.",
    "Kết quả: 45/48 học sinh đạt điểm 8,5 trở lên; em đạt điểm cao nhất được 9.75 điểm.",
    "Tổng kinh phí 150.000.000 đồng (một trăm năm mươi triệu đồng); năm 2024 là 1.250.000.000 đồng.",
    "Điện thoại liên hệ: 0277 3 812 345 (văn phòng nhà trường), hoặc thầy Hiệu trưởng: 0913 222 333.",
    "Tuyển sinh lớp 1 năm học 2025-2026: trẻ sinh năm 2019, cư trú trên địa bàn xã Tân Hồng.",
    "Các em học sinh năm 2025 đều hoàn thành chương trình; 100% học sinh lên lớp.",
    "Kỷ niệm 135 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 – 19/5/2025).",
    "Chủ tịch Hồ Chí Minh sinh ngày 19/5/1890 tại làng Kim Liên, Nam Đàn, Nghệ An.",
    "Hội nghị quán triệt công tác bảo vệ bí mật nhà nước năm 2025 được tổ chức tại hội trường.",
    "## HỘI NGHỊ TRIỂN KHAI CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC",
    "Các em được hướng dẫn đặt mật khẩu an toàn và giữ bí mật thông tin cá nhân khi lên mạng.",
    "Quyết định số 2025/QĐ-UBND ngày 15/8/2025; Kế hoạch 112/KH-PGDĐT; Mã số thuế 0101234567.",
    "Thời gian: từ 7 giờ 30 ngày 20/11/2025 đến 11 giờ 00 cùng ngày; phòng 201, 202, 203.",
    "Đường dây nóng của ngành: 1900 1234; tổng đài 1022.",
]


def _photo(path, kind):
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "gps":
        exif = Image.Exif()
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", (21.0, 35.0, 12.8), "E", (105.0, 50.0, 28.3)
        Image.new("RGB", (1600, 1200), (90, 140, 60)).save(path, "JPEG", quality=80, exif=exif)
    else:
        Image.new("RGB", (3200, 1800), (200, 120, 60)).save(path, "JPEG", quality=70)


@pytest.fixture(scope="module")
def warned(tmp_path_factory):
    units = dict(UNITS)
    units["thcs-a"] = UNITS["thcs-a"] + 'phone: "0277 3 812 345"\nleaders:\n  - {name: Nguyễn Văn Hiệu, title: Hiệu trưởng, phone: "0913 222 333"}\n'
    province = Province(tmp_path_factory.mktemp("warned") / "repo", units=units)
    paths = {}
    province.image("content/thcs-a/images/2026/chung.jpg")
    picture = f'\n![Ảnh](/images/2026/chung.jpg "{CAPTION}")\n'
    for code, (name, body, _, _) in TEXT_CASES.items():
        paths[code] = province.article("thcs-a", f"2026/{name}", title=f"Bài thử {code}", date="2026-11-10",
                                       body=body + picture)
    for code, (kind, _) in PHOTO_CASES.items():
        _photo(province.root / f"content/thcs-a/images/2026/anh-{code.lower()}.jpg", kind)
        paths[code] = province.article("thcs-a", f"2026/{code.lower()}.md", title=f"Bài thử {code}", date="2026-11-10",
                                       body=f'Nội dung.\n\n![Ảnh](/images/2026/anh-{code.lower()}.jpg "{CAPTION}")\n')
    paths["ordinary"] = province.article("thcs-a", "2026/tin-thuong.md", title="Tin hoạt động thường ngày",
                                         date="2026-11-10", body="\n\n".join(ORDINARY) + "\n" + picture)
    result = province.check()
    build = province.run_build()
    return province, paths, result, build


@pytest.mark.parametrize("code", sorted(TEXT_CASES))
def test_text_warning_fires_at_its_line(warned, code):
    province, paths, result, build = warned
    name, body, needle, message = TEXT_CASES[code]
    text = (province.root / paths[code]).read_text(encoding="utf-8")
    prefix = f"{paths[code]}:{line_of(text, needle)}: {code} {message}"
    found = [p for p in parse_problems(result.stdout) if p.path == paths[code]]
    assert [p.code for p in found] == [code], result.stdout
    assert found[0].text.startswith(prefix), found[0].text
    assert found[0].text in build.stdout + build.stderr
    assert (build.returncode == 0) and result.returncode == 0  # never blocking


@pytest.mark.parametrize("code", sorted(PHOTO_CASES))
def test_photo_warning_fires_at_the_image_line(warned, code):
    province, paths, result, _ = warned
    text = (province.root / paths[code]).read_text(encoding="utf-8")
    found = [p for p in parse_problems(result.stdout) if p.path == paths[code]]
    assert [p.code for p in found] == [code], result.stdout
    assert found[0].text.startswith(f"{paths[code]}:{line_of(text, '![Ảnh]')}: {code} {PHOTO_CASES[code][1]}"), found[0].text


def test_w615_for_a_file_over_2_mb(province):
    import os

    path = province.root / "content/thcs-a/images/2026/nhieu.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(path, "PNG")
    rel = province.article("thcs-a", "2026/nang.md", title="Ảnh nặng", body=f'Nội dung.\n\n![Ảnh](/images/2026/nhieu.png "{CAPTION}")\n')
    found = [p for p in parse_problems(province.check().stdout) if p.path == rel]
    assert [p.code for p in found] == ["W615"]
    assert 'ảnh gốc "/images/2026/nhieu.png" lớn hơn mức kho nên giữ (3,0 MB, quá 2 MB)' in found[0].text


def test_ordinary_news_and_the_units_own_phones_stay_silent(warned):
    _, paths, result, _ = warned
    assert [p.text for p in parse_problems(result.stdout) if p.path == paths["ordinary"]] == []


def test_an_unlisted_phone_of_the_same_number_style_still_warns(province):
    province.image("content/thcs-a/images/2026/chung.jpg")
    rel = province.article("thcs-a", "2026/so-la.md", title="Số lạ",
                           body="Phụ huynh liên hệ anh Trần Văn Nam qua số 0913 222 444.\n\nHoặc +84 98 765 4321.\n"
                                f'\n![Ảnh](/images/2026/chung.jpg "{CAPTION}")\n')
    found = [(p.line, p.code) for p in parse_problems(province.check().stdout) if p.path == rel]
    text = (province.root / rel).read_text(encoding="utf-8")
    assert found == [(line_of(text, "0913 222 444"), "W611"), (line_of(text, "+84 98"), "W611")]


def test_the_demo_province_gives_no_reviewer_warning():
    proc = subprocess.run([PYTHON, "-m", "publication.check", "--root", str(CODE_ROOT)], capture_output=True, text=True,
                          env={"PYTHONPATH": str(CODE_ROOT / "plugins"), "PATH": "/usr/bin:/bin",
                               "PUBLICATION_NOW": "2026-11-20T12:00:00+07:00"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [p.text for p in parse_problems(proc.stdout) if p.code.startswith("W61")] == []
