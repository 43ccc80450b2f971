"""Photo checks on real bytes, and the copies made for channels with upload limits."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bot.photos.images import PhotoRejected, downscaled_jpeg, examine, keep
from tests.images import PDF, bomb_png, jpeg, png, truncated_jpeg


def test_real_images_are_measured_and_hashed() -> None:
    info = examine(jpeg(640, 480))
    assert (info.width, info.height, info.mime, info.extension) == (640, 480, "image/jpeg", "jpg")
    assert examine(png()).mime == "image/png"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(PDF, "không phải là ảnh"), (truncated_jpeg(), "bị hỏng"), (b"", "rỗng"), (bomb_png(), "quá lớn")],
)
def test_what_is_not_a_usable_photo_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(PhotoRejected, match=reason):
        examine(data)


def test_kept_bytes_are_the_received_bytes(tmp_path: Path) -> None:
    data = jpeg(label="giữ nguyên")
    info = examine(data)
    relative = keep(tmp_path, "7", info, data)
    assert relative == f"7/{info.sha256}.jpg"
    assert (tmp_path / relative).read_bytes() == data
    assert keep(tmp_path, "7", info, data) == relative  # the same photo twice is one file


def test_downscaled_copy_is_upright_by_exif(tmp_path: Path) -> None:
    image = Image.new("RGB", (400, 200), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: "rotate 90° clockwise to view"
    path = tmp_path / "sideways.jpg"
    image.save(path, "JPEG", exif=exif)
    with Image.open(io.BytesIO(downscaled_jpeg(path, max_side=100))) as copy:
        assert copy.size == (50, 100)
