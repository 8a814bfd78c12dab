"""The Pillow part of the image pipeline: no Pelican here, so worker processes start fast.

One source photo becomes a few widths (``plan``), each as WebP and JPEG, in a
cache folder named after the content hash of the source and the settings
(``render_one``).  Decoding does only what the largest width needs
(``Image.draft`` for JPEG, then ``resize`` with a reducing gap), the EXIF
orientation is applied after shrinking (``ImageOps.exif_transpose``: the tag
survives ``draft``), and every file is saved from an image whose ``info`` is
emptied, so no EXIF, GPS, XMP, IPTC or comment reaches a file; only the ICC
colour profile is passed on, explicitly.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageOps

try:  # HEIC/HEIF from iPhones (pinned in requirements.txt); without it HEIC is E209
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - depends on the environment
    HEIF = False

PIPELINE_VERSION = 2

DEFAULTS = {
    "IMAGE_WIDTHS": (480, 960, 1600),   # written widths, never wider than the original
    "IMAGE_JPEG_QUALITY": 80,
    "IMAGE_WEBP_QUALITY": 78,
    "IMAGE_WEBP_METHOD": 2,             # 0 fastest .. 6 smallest (4: ~1.5× slower, ~5 % smaller)
    "IMAGE_MAX_PIXELS": 80_000_000,     # more pixels than this: E208 (decompression bomb)
    "IMAGE_MIN_WIDTH": 400,             # narrower originals: W604
    "IMAGE_WORKERS": 0,                 # 0: one process per core
}

# What the repository should keep of an original photo (contract section 8, W615): the
# Word import never writes a larger one.
ORIGINAL_MAX_SIDE = 2560
ORIGINAL_MAX_BYTES = 2_000_000

_TRANSPOSED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


def fingerprint(config: dict) -> str:
    """What, besides the source bytes, decides the files written."""
    keys = ("IMAGE_WIDTHS", "IMAGE_JPEG_QUALITY", "IMAGE_WEBP_QUALITY", "IMAGE_WEBP_METHOD")
    text = json.dumps([PIPELINE_VERSION, Image.__version__] + [list(config[k]) if k == "IMAGE_WIDTHS"
                                                              else config[k] for k in keys])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_key(source_sha256: str, config: dict) -> str:
    return hashlib.sha256(f"{source_sha256}:{fingerprint(config)}".encode()).hexdigest()[:24]


def plan(width: int, height: int, widths) -> tuple[tuple[int, int], ...]:
    """The (width, height) written for an upright original of width×height, smallest first.

    Every configured width well below the largest, then the largest: the
    original's width capped so that neither side exceeds the largest configured
    width.  Never an upscaled file.
    """
    # the largest is at most max(widths) on its long side too: a portrait photo is not 1600×2133
    largest = max(1, min(width, max(widths), max(widths) * width // height))
    sizes = [w for w in sorted(set(widths)) if w < largest * 0.9]
    sizes.append(largest)
    return tuple((w, max(1, round(w * height / width))) for w in sizes)


def file_names(size: tuple[int, int]) -> tuple[str, str]:
    return f"{size[0]}.webp", f"{size[0]}.jpg"


@dataclass(frozen=True)
class Job:
    source: str                      # absolute path of the original
    target: str                      # cache folder to create: <cache>/images/<key>
    sizes: tuple[tuple[int, int], ...]
    config: dict


def render_one(job: Job) -> tuple[str, float, int]:
    """Write every size of one photo into ``job.target``; (target, seconds, bytes written)."""
    started = time.perf_counter()
    config = job.config
    os.makedirs(os.path.dirname(job.target), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".tmp-", dir=os.path.dirname(job.target))
    written = 0
    Image.MAX_IMAGE_PIXELS = max(config["IMAGE_MAX_PIXELS"], Image.MAX_IMAGE_PIXELS or 0)  # checked before
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(job.source) as original:
                frames = _renditions(original, job.sizes)
                for size, image in frames:
                    written += _save(image, original_icc(original), work, size, config)
        try:
            os.rename(work, job.target)
        except OSError:  # another build wrote it first: theirs is the same
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return job.target, time.perf_counter() - started, written


def original_icc(image: Image.Image) -> bytes | None:
    return image.info.get("icc_profile") or None


def _renditions(original: Image.Image, sizes, resample=Image.Resampling.LANCZOS):
    """Yield (size, upright image with empty info), largest first."""
    exif = original.getexif()
    orientation = exif.get(0x0112, 1)
    width, height = sizes[-1]
    stored = (height, width) if orientation in _TRANSPOSED else (width, height)
    if original.format == "JPEG" and original.mode in ("RGB", "L", "YCbCr"):
        original.draft(original.mode if original.mode == "L" else "RGB", stored)  # DCT scaling: decode less
    original.load()
    image = original
    if image.mode not in ("RGB", "RGBA", "L"):
        has_alpha = image.mode in ("LA", "PA", "La") or (image.mode == "P" and "transparency" in image.info)
        image = image.convert("RGBA" if has_alpha else "RGB")
    if image.size != stored:
        # reducing_gap: a cheap box reduce to ~3× the target first, then Lanczos
        image = image.resize(stored, resample, reducing_gap=3.0)
    elif image is original:
        image = image.copy()
    # Rotate after shrinking; exif_transpose reads the orientation from the copied info.
    image.info = {"exif": original.info.get("exif", b"")} if orientation != 1 else {}
    if orientation != 1:
        upright = ImageOps.exif_transpose(image)
        image = upright if upright is not None else image
    image.info = {}  # nothing of the original's metadata goes on
    current = image
    for size in reversed(sizes):
        if current.size != size:
            current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            current.info = {}
        yield size, current


def upright(original: Image.Image, max_side: int, resample=Image.Resampling.BICUBIC) -> Image.Image:
    """The photo as the renditions see it: upright, its long side at most ``max_side``, no
    metadata kept.  What the Word import keeps of a document's photos in the repository
    (bicubic: a phone photo shrinks from 4000 to 2560 px in half Lanczos's time, and the
    renditions are made from this copy with Lanczos again)."""
    width, height = original.size
    if original.getexif().get(0x0112, 1) in _TRANSPOSED:
        width, height = height, width
    scale = min(1.0, max_side / max(width, height))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return next(_renditions(original, (size,), resample))[1]


def flatten(image: Image.Image) -> Image.Image:
    """An image JPEG can hold: transparency laid on white."""
    if image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def _save(image: Image.Image, icc: bytes | None, folder: str, size, config) -> int:
    webp_name, jpeg_name = file_names(size)
    extra = {"icc_profile": icc} if icc else {}
    webp = os.path.join(folder, webp_name)
    image.save(webp, "WEBP", quality=config["IMAGE_WEBP_QUALITY"], method=config["IMAGE_WEBP_METHOD"],
               exif=b"", xmp=b"", **extra)
    jpeg = os.path.join(folder, jpeg_name)
    flatten(image).save(jpeg, "JPEG", quality=config["IMAGE_JPEG_QUALITY"], optimize=True,
                        progressive=size[0] > 600, **extra)
    return os.path.getsize(webp) + os.path.getsize(jpeg)


def run_jobs(jobs: list[Job], workers: int = 0) -> list[tuple[str, float, int]]:
    """Render the jobs, in parallel across cores when there is more than one."""
    if not jobs:
        return []
    workers = min(len(jobs), workers or os.cpu_count() or 1)
    if workers <= 1:
        return [render_one(job) for job in jobs]
    # biggest originals first, so no core waits for a late large one
    jobs = sorted(jobs, key=lambda j: -os.path.getsize(j.source))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(render_one, jobs, chunksize=1))
