#!/usr/bin/env python3
"""Tạo ảnh minh họa cho nội dung mẫu (tỉnh hư cấu Thanh Vân).

Quét mọi tệp Markdown trong content/, lấy các ảnh được tham chiếu (ảnh đại diện
`image:` trong phần đầu và ảnh `![..](..)` trong thân bài), rồi vẽ mỗi ảnh còn
thiếu thành một tệp JPEG nhỏ: bầu trời chuyển màu, đồi, sân trường, lớp học
hoặc sân khấu, kèm một dòng nhãn.

Hai dạng đường dẫn (theo CONTENT-MODEL.md, mục 5):
  /images/2024/a.jpg   -> content/<đơn-vị>/images/2024/a.jpg
  ../images/2024/a.jpg -> tính từ thư mục của tệp bài viết

Kết quả hoàn toàn xác định (hạt giống ngẫu nhiên lấy từ đường dẫn ảnh), nên
có thể chạy lại bao nhiêu lần cũng được:

    .venv/bin/python tools/make_demo_images.py          # chỉ tạo ảnh còn thiếu
    .venv/bin/python tools/make_demo_images.py --force  # vẽ lại tất cả

Hai ảnh trong ROTATED được lưu xoay (EXIF Orientation = 6) như máy ảnh điện thoại,
để kiểm thử khâu xoay ảnh về đúng chiều.  Ảnh mẫu không có tọa độ GPS: kho chỉ giữ ảnh đã
xóa vị trí (W614, docs/duyet-bai.md); khâu xóa siêu dữ liệu được kiểm thử bằng ảnh riêng
trong tests/images/.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

LANDSCAPE = (640, 427)
PORTRAIT = (480, 640)
QUALITY = 60

# Ảnh được lưu "như máy ảnh điện thoại": điểm ảnh xoay 90°, EXIF Orientation 6 (vị trí đã xóa).
ROTATED = {
    "content/thcs-nguyen-du/images/2024/hoc-sinh-lap-trinh.jpg",
    "content/mn-hoa-sen/images/2025/be-lam-thi-nghiem.jpg",
}
# Ảnh dọc (480x640); các ảnh khác là ảnh ngang 640x427.
PORTRAIT_IMAGES = {
    "content/thcs-nguyen-du/images/2023/hkpd-da-cau.jpg",
    "content/mn-hoa-sen/images/2022/mam-co-trung-thu.jpg",
    "content/th-kim-dong/images/2023/viet-chu-dep.jpg",
    "content/thpt-le-quy-don/images/2026/tro-choi-lon.jpg",
}

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
FEATURED = re.compile(r"^image:\s*(?P<q>['\"]?)(?P<path>[^'\"#\s]+)(?P=q)\s*(?:#.*)?$", re.M)
BODY_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<path>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def resolve(md: Path, ref: str) -> Path | None:
    """Đường dẫn tệp ảnh mà `ref` trong bài `md` trỏ tới, hoặc None nếu không hợp lệ."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) or ref.startswith("//"):
        return None  # ảnh từ xa: không tạo
    rel = md.relative_to(CONTENT)
    unit_dir = CONTENT / rel.parts[0]
    if ref.startswith("/"):
        target = unit_dir / ref.lstrip("/")
    else:
        target = md.parent / ref
    target = target.resolve()
    try:
        target.relative_to(unit_dir.resolve())
    except ValueError:
        return None  # ra ngoài thư mục của đơn vị
    return target


def referenced_images() -> list[Path]:
    found: set[Path] = set()
    for md in sorted(CONTENT.rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        refs = []
        m = FRONT_MATTER.match(text)
        body = text
        if m:
            refs += [x.group("path") for x in FEATURED.finditer(m.group(1))]
            body = text[m.end():]
        refs += [x.group("path") for x in BODY_IMAGE.finditer(body)]
        for ref in refs:
            target = resolve(md, ref)
            if target is None:
                print(f"{md.relative_to(ROOT)}: bỏ qua ảnh {ref!r}", file=sys.stderr)
            else:
                found.add(target)
    return sorted(found)


# --- vẽ -------------------------------------------------------------------

def lerp(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def jitter(rng, c, d=18):
    return tuple(max(0, min(255, v + rng.randint(-d, d))) for v in c)


SKIES = [
    ((92, 152, 222), (206, 230, 248)),   # trời xanh
    ((250, 170, 110), (255, 226, 170)),  # bình minh
    ((120, 170, 210), (235, 240, 225)),  # sáng nhẹ
    ((70, 110, 180), (170, 205, 240)),   # trời trong
]


def vertical_gradient(draw, box, top, bottom):
    x0, y0, x1, y1 = box
    h = max(1, y1 - y0)
    for y in range(y0, y1):
        draw.line([(x0, y), (x1, y)], fill=lerp(top, bottom, (y - y0) / h))


def person(draw, x, y, s, rng):
    """Một hình người đơn giản, chân tại (x, y), cao khoảng 4*s."""
    shirt = rng.choice([(255, 255, 255), (230, 60, 60), (40, 90, 170), (250, 200, 40)])
    trousers = rng.choice([(30, 50, 110), (40, 40, 40), (120, 80, 50)])
    draw.rectangle([x - s * 0.45, y - s * 1.6, x + s * 0.45, y], fill=trousers)
    draw.rounded_rectangle([x - s * 0.6, y - s * 3.0, x + s * 0.6, y - s * 1.5], radius=s * 0.3, fill=shirt)
    draw.ellipse([x - s * 0.5, y - s * 4.0, x + s * 0.5, y - s * 3.0], fill=(235, 195, 160))
    draw.chord([x - s * 0.52, y - s * 4.05, x + s * 0.52, y - s * 3.3], 180, 360, fill=(30, 25, 20))


def tree(draw, x, y, s, rng):
    draw.rectangle([x - s * 0.15, y - s * 1.2, x + s * 0.15, y], fill=(110, 75, 45))
    g = jitter(rng, (60, 140, 70), 20)
    for dx, dy, r in ((0, -1.9, 0.9), (-0.55, -1.45, 0.65), (0.55, -1.45, 0.65)):
        draw.ellipse([x + (dx - r) * s, y + (dy - r) * s, x + (dx + r) * s, y + (dy + r) * s], fill=g)


def scene_outdoor(img, rng):
    w, h = img.size
    d = ImageDraw.Draw(img)
    horizon = int(h * rng.uniform(0.52, 0.62))
    top, bottom = rng.choice(SKIES)
    vertical_gradient(d, (0, 0, w, horizon), top, bottom)
    # mặt trời và mây
    sx, sy, sr = rng.randint(w // 8, w - w // 8), rng.randint(h // 12, h // 4), rng.randint(18, 32)
    d.ellipse([sx - sr, sy - sr, sx + sr, sy + sr], fill=(255, 236, 150))
    for _ in range(rng.randint(2, 4)):
        cx, cy = rng.randint(0, w), rng.randint(10, horizon // 2)
        for k in range(3):
            r = rng.randint(14, 24)
            d.ellipse([cx + k * 18 - r, cy - r // 2 - r // 3, cx + k * 18 + r, cy + r // 2], fill=(250, 250, 252))
    # đồi xa
    for layer, col in enumerate([(120, 165, 120), (90, 145, 95)]):
        pts = [(0, horizon)]
        for x in range(0, w + 40, 40):
            pts.append((x, horizon - rng.randint(10, 45) + layer * 12))
        pts.append((w, horizon))
        d.polygon(pts, fill=col)
    # sân trường
    vertical_gradient(d, (0, horizon, w, h), (200, 190, 160), (170, 160, 130))
    # dãy nhà (trường học)
    bw = int(w * rng.uniform(0.45, 0.7))
    bx = rng.randint(10, max(11, w - bw - 10))
    bh = int(h * rng.uniform(0.18, 0.26))
    by = horizon - bh
    wall = jitter(rng, (245, 215, 120), 15)
    d.rectangle([bx, by, bx + bw, horizon], fill=wall)
    d.polygon([(bx - 8, by), (bx + bw + 8, by), (bx + bw - 10, by - bh // 3), (bx + 10, by - bh // 3)],
              fill=(180, 70, 55))
    cols = max(3, bw // 42)
    for i in range(cols):
        x0 = bx + 12 + i * (bw - 24) // cols
        for row in range(2):
            y0 = by + 10 + row * (bh // 2)
            d.rectangle([x0, y0, x0 + 20, y0 + bh // 2 - 20], fill=(110, 150, 190))
    # cột cờ
    fx = bx + bw + rng.randint(20, 60)
    if fx < w - 20:
        d.line([(fx, horizon + 10), (fx, by - bh // 2)], fill=(200, 200, 205), width=3)
        d.rectangle([fx + 2, by - bh // 2, fx + 34, by - bh // 2 + 20], fill=(218, 37, 29))
        d.regular_polygon((fx + 18, by - bh // 2 + 10, 6), 5, rotation=rng.choice([0, 36]), fill=(255, 222, 0))
    # cây
    for _ in range(rng.randint(2, 4)):
        tree(d, rng.randint(0, w), horizon + rng.randint(0, 15), rng.randint(26, 40), rng)
    # người
    for _ in range(rng.randint(5, 11)):
        y = rng.randint(horizon + 30, h - 10)
        person(d, rng.randint(15, w - 15), y, 6 + (y - horizon) * 0.09, rng)


def scene_classroom(img, rng):
    w, h = img.size
    d = ImageDraw.Draw(img)
    floor = int(h * 0.68)
    vertical_gradient(d, (0, 0, w, floor), jitter(rng, (245, 238, 215), 8), jitter(rng, (225, 215, 185), 8))
    vertical_gradient(d, (0, floor, w, h), (175, 130, 90), (140, 100, 65))
    # bảng
    bx0, bx1 = int(w * 0.2), int(w * 0.8)
    d.rectangle([bx0 - 6, int(h * 0.12) - 6, bx1 + 6, int(h * 0.45) + 6], fill=(120, 85, 50))
    d.rectangle([bx0, int(h * 0.12), bx1, int(h * 0.45)], fill=(35, 85, 60))
    for i in range(rng.randint(2, 4)):
        y = int(h * 0.17) + i * 18
        d.line([(bx0 + 20, y), (bx0 + 20 + rng.randint(80, bx1 - bx0 - 60), y)], fill=(225, 235, 225), width=2)
    # cửa sổ
    for x in (int(w * 0.04), int(w * 0.86)):
        d.rectangle([x, int(h * 0.15), x + int(w * 0.1), int(h * 0.45)], fill=(170, 210, 240), outline=(255, 255, 255), width=3)
    # bàn ghế và học sinh
    rows = 3
    for r in range(rows):
        y = floor + 15 + r * (h - floor) // rows
        s = 7 + r * 3
        n = 4 + r
        for i in range(n):
            x = int((i + 0.5) * w / n)
            person(d, x, y - 2, s, rng)
            d.rectangle([x - s * 2, y - s * 1.6, x + s * 2, y - s * 1.2], fill=(205, 160, 105))
    # cô giáo
    person(d, int(w * rng.uniform(0.25, 0.75)), floor + 5, 16, rng)


def scene_stage(img, rng):
    w, h = img.size
    d = ImageDraw.Draw(img)
    vertical_gradient(d, (0, 0, w, h), (60, 20, 40), (150, 40, 60))
    stage_y = int(h * 0.62)
    # phông sân khấu
    d.rectangle([int(w * 0.1), int(h * 0.08), int(w * 0.9), stage_y], fill=jitter(rng, (30, 80, 160), 20))
    d.rectangle([int(w * 0.15), int(h * 0.14), int(w * 0.85), int(h * 0.26)], fill=(250, 245, 235))
    # rèm
    for x0, x1 in ((0, int(w * 0.12)), (int(w * 0.88), w)):
        d.rectangle([x0, 0, x1, stage_y], fill=(170, 20, 35))
    # hoa trang trí
    for i in range(9):
        x = int(w * 0.12 + i * w * 0.76 / 8)
        d.ellipse([x - 10, stage_y - 14, x + 10, stage_y + 6], fill=rng.choice([(250, 200, 40), (240, 120, 150), (255, 255, 255)]))
    d.rectangle([0, stage_y, w, stage_y + 18], fill=(120, 70, 40))
    for _ in range(rng.randint(3, 6)):
        person(d, rng.randint(int(w * 0.18), int(w * 0.82)), stage_y, 14, rng)
    # khán giả
    for r in range(2):
        for i in range(12):
            x = int((i + 0.5) * w / 12) + rng.randint(-6, 6)
            y = h - 4 - r * 28
            d.ellipse([x - 14, y - 30, x + 14, y - 2], fill=(25 + r * 15, 20, 25))


SCENES = [scene_outdoor, scene_outdoor, scene_classroom, scene_stage]


def draw_image(rel: str, size: tuple[int, int]) -> Image.Image:
    seed = int.from_bytes(hashlib.sha256(rel.encode("utf-8")).digest()[:8], "big")
    rng = random.Random(seed)
    img = Image.new("RGB", size, (255, 255, 255))
    rng.choice(SCENES)(img, rng)
    # nhãn: đơn vị / năm / tên ảnh (chỉ ký tự ASCII, phông mặc định)
    parts = Path(rel).parts  # content, unit, images, year, name
    label = f"{parts[1]} | {parts[-2]} | {Path(rel).stem}"
    d = ImageDraw.Draw(img, "RGBA")
    try:
        font = ImageFont.load_default(size=14)
    except TypeError:  # Pillow cũ
        font = ImageFont.load_default()
    x0, y0, x1, y1 = d.textbbox((0, 0), label, font=font)
    pad = 6
    w, h = size
    d.rectangle([0, h - (y1 - y0) - 2 * pad - 2, min(w, x1 - x0 + 2 * pad), h], fill=(0, 0, 0, 140))
    d.text((pad, h - (y1 - y0) - pad - 2 - y0), label, font=font, fill=(255, 255, 255, 235))
    return img


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"            # Make
    exif[0x0110] = "DP-2024"              # Model
    exif[0x0112] = 6                      # Orientation: xoay 90° theo chiều kim đồng hồ khi hiển thị
    exif[0x0132] = "2024:04:18 09:12:33"  # DateTime
    return exif


def make(target: Path) -> None:
    rel = target.relative_to(ROOT).as_posix()
    size = PORTRAIT if rel in PORTRAIT_IMAGES else LANDSCAPE
    img = draw_image(rel, size)
    target.parent.mkdir(parents=True, exist_ok=True)
    if rel in ROTATED:
        # Lưu điểm ảnh xoay 90° ngược chiều kim đồng hồ; Orientation 6 bảo trình xem xoay lại.
        stored = img.transpose(Image.Transpose.ROTATE_90)
        stored.save(target, "JPEG", quality=QUALITY, optimize=True, exif=phone_exif())
    else:
        img.save(target, "JPEG", quality=QUALITY, optimize=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="vẽ lại cả những ảnh đã có")
    args = ap.parse_args()
    images = referenced_images()
    made = 0
    for target in images:
        if target.exists() and not args.force:
            continue
        make(target)
        made += 1
    total = sum(p.stat().st_size for p in images if p.exists())
    print(f"{len(images)} ảnh được tham chiếu, đã tạo {made}, tổng {total / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
