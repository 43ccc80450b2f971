"""Real image bytes for tests, drawn with Pillow (no fixtures on disk)."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw


def jpeg(width: int = 640, height: int = 480, colour: tuple[int, int, int] = (30, 120, 200), label: str = "") -> bytes:
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, width // 2, height // 3), fill=(240, 240, 240))
    draw.text((20, 20), label or f"{width}x{height}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png(width: int = 320, height: int = 240) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 60)).save(buffer, "PNG")
    return buffer.getvalue()


@cache
def bomb_png(side: int = 20_000) -> bytes:
    """A tiny file that claims a huge canvas: 400 megapixels of a single colour, a few hundred KB."""
    buffer = io.BytesIO()
    Image.new("1", (side, side), 0).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg(800, 600)
    return data[: len(data) // 2]


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@cache
def worst_png(width: int = 5000, height: int = 5000) -> bytes:
    """The largest PNG the bot still accepts: a nearly empty RGBA canvas, a few hundred KB that decode
    into about a hundred megabytes."""
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


@cache
def worst_jpeg(width: int = 6000, height: int = 5500) -> bytes:
    """The largest progressive JPEG the bot still accepts: decoding one keeps all its coefficients in
    memory (about 3 bytes a pixel), whatever scale it is decoded at."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 190, 200)).save(buffer, "JPEG", quality=70, progressive=True)
    return buffer.getvalue()


@cache
def phone_hires_jpeg(width: int = 8160, height: int = 6120) -> bytes:
    """A 50-megapixel photo, as a phone's high-resolution mode takes it (baseline JPEG)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 90)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
