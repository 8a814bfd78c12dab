"""A document's photo as the repository keeps it: the image pipeline's decoding (upright,
long side at most render.ORIGINAL_MAX_SIDE, no EXIF, GPS or other metadata), as JPEG under
render.ORIGINAL_MAX_BYTES.  Word copies a phone's photo into the .docx byte for byte,
place and all; none of that reaches the repository."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from image_assets import render

JPEG_QUALITIES = (88, 82, 75, 65)  # the first whose file is small enough


class PhotoError(Exception):
    pass


def _kind(content_type: str) -> str:
    kind = content_type.rsplit("/", 1)[-1].lower().removeprefix("x-")
    return f"định dạng {kind.upper()}" if kind else "định dạng lạ"


def to_jpeg(data: bytes, content_type: str = "") -> bytes:
    limit = render.DEFAULTS["IMAGE_MAX_PIXELS"]
    pillow_limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = None  # the size is checked below, before decoding
            with Image.open(io.BytesIO(data)) as original:
                if original.width * original.height > limit:
                    raise PhotoError(f"quá nhiều điểm ảnh: {original.width}×{original.height}")
                Image.MAX_IMAGE_PIXELS = pillow_limit
                image = render.upright(original, render.ORIGINAL_MAX_SIDE)
                icc = render.original_icc(original)
    except UnidentifiedImageError:
        raise PhotoError(_kind(content_type)) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # WMF/EMF, damaged or cut images
        raise PhotoError(f"{_kind(content_type)}: {exc}"[:120]) from None
    finally:
        Image.MAX_IMAGE_PIXELS = pillow_limit
    image = render.flatten(image)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    extra = {"icc_profile": icc} if icc else {}
    for quality in JPEG_QUALITIES:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, **extra)  # baseline: progressive costs 3×
        if buffer.tell() <= render.ORIGINAL_MAX_BYTES:
            break
    return buffer.getvalue()
