"""Checking and keeping photo evidence.

The received bytes are kept unchanged, named by their SHA-256, so the evidence can be re-checked by
anyone later. Pillow decodes every image's data fully before it is accepted; this is CPU work and runs
in a worker thread, never on the event loop.

Memory is what a hostile image attacks: a few hundred kilobytes can claim a canvas that decodes into
gigabytes. So the size an image claims is checked before anything is decoded, every decode is
reckoned in advance (`decode_cost`) and waits for its share of one budget for the whole process
(`DECODES`), and JPEGs, what phones take, are decoded at reduced scale wherever the full size is not
needed (JPEG's `draft`), which still reads every byte of the compressed data.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

from PIL import Image, ImageOps, UnidentifiedImageError
from pydantic import BaseModel

from bot.texts.catalogue import VI, Messages

# Phones take 12-megapixel photos by default and 48-50 MP in their high-resolution modes (8160 × 6120);
# the 108 and 200 MP modes of a few sensors make files of 20-60 MB, above what a bot may download from
# Telegram (20 MB) and far above what evidence of a notice board needs. Beyond 50 MP it is a bomb.
MAX_PIXELS = 50_000_000
# Decoding for real costs memory. One budget for every decode in the process, so an album of the largest
# images accepted is decoded one after another instead of all at once: a 50 MP baseline JPEG costs about
# 3 MB at the scale it is checked at; a progressive JPEG keeps all its coefficients (about 3 bytes a
# pixel, so 33 MP fits); a PNG or WEBP decodes whole (4 bytes a pixel for colour: 25 MP fits, and
# screenshots, what phones make as PNG, are 3-6 MP).
DECODE_BUDGET = 100 * 2**20
# Bytes a decoded pixel takes in Pillow: colour images are held as 32 bits whatever their bands.
PIXEL_BYTES = {"1": 1, "L": 1, "P": 1, "LA": 4, "PA": 4, "RGB": 4, "RGBA": 4, "RGBX": 4, "CMYK": 4, "YCbCr": 4}
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


class DecodeBudget:
    """Decoded bytes in flight, for the whole process: a decode waits until its cost fits beside the
    others. A decode dearer than the whole budget runs alone, so none waits forever."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, cost: int) -> Iterator[None]:
        """Blocks the calling (worker) thread until `cost` fits."""
        with self._changed:
            self._changed.wait_for(lambda: self.in_use == 0 or self.in_use + cost <= self.limit)
            self.in_use += cost
        try:
            yield
        finally:
            with self._changed:
                self.in_use -= cost
                self._changed.notify_all()


DECODES = DecodeBudget(DECODE_BUDGET)
# The C allocator keeps what a thread freed for that thread to use again, so decodes spread over many
# threads would each keep their own hundred megabytes; in one thread they reuse the same memory.
_DECODER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decode")
P = ParamSpec("P")
R = TypeVar("R")


async def in_decoder(work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Runs `work` (which decodes) in the decoding thread, off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_DECODER, lambda: work(*args, **kwargs))


def _reduce(image: Image.Image, size: tuple[int, int]) -> None:
    """Asks a JPEG to decode at the smallest scale still at least `size`; other formats decode whole.
    The box must have the image's own shape: draft only shrinks while both sides stay as big as asked."""
    if image.format in ("JPEG", "MPO"):
        image.draft(image.mode, size)


def decode_cost(image: Image.Image, full: tuple[int, int]) -> int:
    """The memory decoding `image` (after `_reduce`; `full` is its size before) takes, from what its
    header says, before anything is decoded."""
    cost = image.width * image.height * PIXEL_BYTES.get(image.mode, 4)
    if image.format in ("JPEG", "MPO") and image.info.get("progressive"):
        cost += full[0] * full[1] * 3  # libjpeg holds every coefficient of a progressive JPEG at any scale
    return cost


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
                _reduce(image, (max(1, width // 8), max(1, height // 8)))
                cost = decode_cost(image, (width, height))
                if cost > DECODE_BUDGET:
                    raise PhotoRejected(lambda t: t.PHOTO_HUGE)
                with DECODES.reserve(cost):
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


class Downscaled(BaseModel):
    """A JPEG copy of a stored photo, and its size in pixels."""

    data: bytes
    width: int
    height: int


def downscaled(path: Path, max_side: int, *, quality: int = 85, optimize: bool = False) -> Downscaled:
    """A copy at most `max_side` on its long side, for channels with upload limits and for documents; the
    stored original is never touched. Phones record rotation in EXIF instead of turning the pixels, so
    the copy is turned upright (after shrinking, so what that copies is the small image)."""
    with Image.open(path) as image:
        full = image.size
        scale = min(1.0, max_side / max(full))
        _reduce(image, (max(1, round(image.width * scale)), max(1, round(image.height * scale))))
        with DECODES.reserve(decode_cost(image, full)):
            image.thumbnail((max_side, max_side))
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            buffer = io.BytesIO()
            upright.save(buffer, "JPEG", quality=quality, optimize=optimize)
    return Downscaled(data=buffer.getvalue(), width=upright.width, height=upright.height)
