"""Photo checks on real bytes, and the copies made for channels with upload limits."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from bot.images import DecodeBudget, PhotoRejected, downscaled, examine, keep
from tests.images import PDF, bomb_png, jpeg, phone_hires_jpeg, png, truncated_jpeg, worst_jpeg, worst_png


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
    with Image.open(io.BytesIO(downscaled(path, 100).data)) as copy:
        assert copy.size == (50, 100)


def test_a_phone_s_high_resolution_photo_is_taken_and_larger_ones_are_refused() -> None:
    assert examine(phone_hires_jpeg()).width == 8160  # 50 MP, a phone's high-resolution mode
    with pytest.raises(PhotoRejected, match="quá lớn"):
        examine(phone_hires_jpeg(9000, 6000))  # 54 MP


def test_what_decodes_past_the_budget_is_refused_before_it_is_decoded() -> None:
    examine(worst_png())  # 25 MP of RGBA: about 100 MB decoded, the most accepted
    examine(worst_jpeg())  # 33 MP progressive: its coefficients take as much
    with pytest.raises(PhotoRejected, match="quá lớn"):
        examine(worst_png(6000, 6000))
    with pytest.raises(PhotoRejected, match="quá lớn"):
        examine(worst_jpeg(7000, 6000))


def test_decodes_wait_for_their_share_of_the_budget() -> None:
    budget = DecodeBudget(100)
    order: list[str] = []

    def decode(name: str, cost: int, hold: float) -> None:
        with budget.reserve(cost):
            order.append(f"{name}+")
            time.sleep(hold)
            order.append(f"{name}-")

    first = threading.Thread(target=decode, args=("a", 70, 0.2))
    first.start()
    time.sleep(0.05)
    second = threading.Thread(target=decode, args=("b", 70, 0))  # does not fit beside a
    third = threading.Thread(target=decode, args=("c", 500, 0))  # dearer than the budget: alone
    second.start()
    second.join()
    third.start()
    first.join()
    third.join()
    assert order[:2] == ["a+", "a-"] and budget.in_use == 0
    assert order.index("c+") + 1 == order.index("c-")  # nothing else ran while c did
