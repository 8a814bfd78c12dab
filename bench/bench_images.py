"""Image part of `make bench`: the image_assets pipeline against a naive baseline, same run.

    python bench/bench_images.py --size default|small

Generates 4000×3000 phone-like JPEG photos (40; small: 10) carrying EXIF
orientation 6 and GPS, then times

* the naive baseline: one process; per photo open, ``ImageOps.exif_transpose``
  on the full image, for each written width ``resize(LANCZOS)`` from the full
  image, save JPEG and WebP (same widths and qualities as the pipeline);
* the pipeline as a build runs it: ``image_assets.inspect`` on every photo
  (hash, header, small decode), then ``image_assets.publish`` (draft/reduce,
  rotate after shrinking, parallel across cores, content-hash cache, hard
  links into output/);
* a second, cached build in a fresh state (as a new process would be).

Prints a table and writes bench/results/images.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from PIL import Image, ImageChops, ImageOps  # noqa: E402

import image_assets  # noqa: E402
import output_sync  # noqa: E402
from image_assets import render  # noqa: E402

SIZES = {"default": 40, "small": 10}


def make_photo(path: Path, seed: int) -> None:
    """A 4000×3000 JPEG that compresses like a photo (smooth shapes plus sensor noise), 3–5 MB."""
    rng = random.Random(seed)
    channels = []
    for c in range(3):
        blobs = Image.effect_noise((400, 300), 50 + 15 * c).resize((4000, 3000), Image.Resampling.BICUBIC)
        grad = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize((4000, 3000))
        channels.append(ImageChops.blend(blobs, grad, 0.35 + 0.1 * c))
    image = Image.merge("RGB", channels)
    noise = Image.effect_noise((4000, 3000), 6).convert("RGB")
    image = ImageChops.add(image, noise, scale=1.0, offset=-3)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Phone 12"
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 30.5), 3: "E", 4: (105.0, 50.0, 28.3)}
    image.save(path, "JPEG", quality=92, exif=exif.tobytes())


def baseline(photos: list[Path], out: Path, config: dict) -> tuple[float, int]:
    started = time.perf_counter()
    written = 0
    out.mkdir(parents=True, exist_ok=True)
    for photo in photos:
        with Image.open(photo) as image:
            image = ImageOps.exif_transpose(image)
            for width, height in render.plan(image.width, image.height, config["IMAGE_WIDTHS"]):
                small = image.resize((width, height), Image.Resampling.LANCZOS)
                jpeg, webp = out / f"{photo.stem}.{width}.jpg", out / f"{photo.stem}.{width}.webp"
                small.save(jpeg, "JPEG", quality=config["IMAGE_JPEG_QUALITY"])
                small.save(webp, "WEBP", quality=config["IMAGE_WEBP_QUALITY"])
                written += jpeg.stat().st_size + webp.stat().st_size
    return time.perf_counter() - started, written


def build(repo: Path, photos: list[Path], out: Path) -> tuple[float, dict]:
    """What a build does with images: inspect every reference, then publish."""
    started = time.perf_counter()
    pictures = []
    for photo in photos:
        rel = photo.relative_to(repo).as_posix()
        ref = SimpleNamespace(path=rel, src="/" + rel.split("/", 2)[2], line=1)
        found = image_assets.inspect(str(repo), "content/bench/bai.md", ref)
        assert isinstance(found, image_assets.Picture), found
        pictures.append(found)
    output_sync.start(str(out), str(out), str(out) + ".manifest.json")  # as a build starts it
    stats = image_assets.publish(pictures, str(repo))
    output_sync.commit()
    image_assets.save_index(str(repo))
    return time.perf_counter() - started, stats


def fresh_process_state() -> None:
    """Forget what this process knows, as a new build process would."""
    image_assets._inspected.clear()
    image_assets._index = None
    image_assets._index_root = None
    image_assets._stats.clear()
    image_assets._inside_unit.clear()
    image_assets._pictures.clear()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="default")
    args = parser.parse_args(argv)
    count = SIZES[args.size]
    config = dict(render.DEFAULTS)
    image_assets.configure(config)

    work = Path(tempfile.mkdtemp(prefix="bench-images-"))
    try:
        repo = work / "repo"
        folder = repo / "content/bench/images"
        folder.mkdir(parents=True)
        t = time.perf_counter()
        photos = [folder / f"anh-{i:02d}.jpg" for i in range(count)]
        for i, photo in enumerate(photos):
            make_photo(photo, i)
        generated = time.perf_counter() - t
        source_bytes = sum(p.stat().st_size for p in photos)

        base_seconds, base_bytes = baseline(photos, work / "baseline", config)
        fresh_process_state()
        cold_seconds, cold = build(repo, photos, work / "output1")
        fresh_process_state()
        warm_seconds, warm = build(repo, photos, work / "output2")
        assert cold["processed"] == count and warm["processed"] == 0, (cold, warm)
        pipeline_bytes = sum(p.stat().st_size for p in (work / "output2").rglob("*") if p.is_file())
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = {
        "photos": count,
        "source": "4000x3000 JPEG q92, EXIF orientation 6 + GPS",
        "source_mb_per_photo": round(source_bytes / count / 1e6, 2),
        "widths": list(config["IMAGE_WIDTHS"]),
        "jpeg_quality": config["IMAGE_JPEG_QUALITY"], "webp_quality": config["IMAGE_WEBP_QUALITY"],
        "webp_method": config["IMAGE_WEBP_METHOD"],
        "cores": os.cpu_count(),
        "python": platform.python_version(), "pillow": Image.__version__,
        "generate_seconds": round(generated, 2),
        "baseline_seconds": round(base_seconds, 2),
        "baseline_images_per_s": round(count / base_seconds, 2),
        "baseline_bytes_per_photo": base_bytes // count,
        "pipeline_seconds": round(cold_seconds, 2),
        "pipeline_images_per_s": round(count / cold_seconds, 2),
        "pipeline_bytes_per_photo": pipeline_bytes // count,
        "ratio": round(base_seconds / cold_seconds, 2),
        "cached_build_seconds": round(warm_seconds, 3),
        "cached_build_processed": warm["processed"],
        "cached_build_linked": warm["linked"], "cached_build_copied": warm["copied"],
    }
    rows = [
        ("", "images/s", "s", "bytes/photo"),
        ("naive baseline (1 process)", result["baseline_images_per_s"], result["baseline_seconds"],
         result["baseline_bytes_per_photo"]),
        (f"pipeline ({os.cpu_count()} cores)", result["pipeline_images_per_s"], result["pipeline_seconds"],
         result["pipeline_bytes_per_photo"]),
        ("cached rebuild", f"{warm['processed']} processed", result["cached_build_seconds"], "-"),
    ]
    print(f"{count} photos 4000×3000, widths {result['widths']}, WebP q{result['webp_quality']} "
          f"m{result['webp_method']} + JPEG q{result['jpeg_quality']}")
    for row in rows:
        print(f"  {row[0]:<28}{row[1]!s:>14}{row[2]!s:>10}{row[3]!s:>14}")
    print(f"  ratio pipeline/baseline: {result['ratio']}×  (goal ≥ 5×)")
    out = ROOT / "bench/results/images.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
