"""Checking and keeping photo evidence.

The received bytes are kept unchanged, named by their SHA-256, so the evidence can be re-checked by
anyone later. Pillow decodes every image fully before it is accepted; this is CPU work and runs in a
worker thread, never on the event loop.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from pydantic import BaseModel

from bot.texts.catalogue import VI, Messages

# 12-megapixel phone photos are the norm and 108 MP sensors exist; beyond this it is a bomb, not a photo
# (decoding 120 MP already takes about 360 MB).
MAX_PIXELS = 120_000_000
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


class PhotoRejected(Exception):
    """Why a photo was refused. The reason is worded when it is shown, from the catalogue of whoever sent
    the photo (`wording`); the exception's own text is the Vietnamese wording, for logs."""

    def __init__(self, wording: Callable[[Messages], str]) -> None:
        super().__init__(wording(VI))
        self.wording = wording


class PhotoInfo(BaseModel):
    sha256: str
    size: int
    width: int
    height: int
    mime: str
    extension: str


def examine(data: bytes) -> PhotoInfo:
    if not data:
        raise PhotoRejected(lambda t: t.PHOTO_EMPTY)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; our own pixel limit decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise PhotoRejected(lambda t: t.PHOTO_HUGE)
                if kind not in FORMATS:
                    raise PhotoRejected(lambda t: t.PHOTO_FORMAT)
                image.load()
    except Image.DecompressionBombError:
        raise PhotoRejected(lambda t: t.PHOTO_HUGE) from None
    except UnidentifiedImageError:
        raise PhotoRejected(lambda t: t.PHOTO_NOT_IMAGE) from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoRejected(lambda t: t.PHOTO_BROKEN) from None
    mime, extension = FORMATS[kind]
    return PhotoInfo(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        width=width,
        height=height,
        mime=mime,
        extension=extension,
    )


def keep(photo_dir: Path, folder: str, info: PhotoInfo, data: bytes) -> str:
    """Writes atomically (temp file, fsync, rename) and returns the path relative to `photo_dir`.

    A crash before the database commit leaves at most an orphan file named by its hash, which the
    next attempt simply overwrites with the same bytes.
    """
    relative = Path(folder) / f"{info.sha256}.{info.extension}"
    target = photo_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.stat().st_size == info.size:
        return relative.as_posix()
    temporary = target.with_suffix(target.suffix + ".part")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return relative.as_posix()


def downscaled_jpeg(path: Path, max_side: int = 2560, quality: int = 85) -> bytes:
    """For channels with upload limits; the stored original is never touched. Phones record rotation
    in EXIF instead of turning the pixels, so the copy is turned upright before the tag is lost."""
    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((max_side, max_side))
        buffer = io.BytesIO()
        upright.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
