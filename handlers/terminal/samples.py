"""Sample photos for the demo: what an inspector photographs at a one-stop counter, drawn with Pillow."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = (1600, 1200)
INK = (40, 40, 40)
GREY = (150, 150, 150)
BLUE = (25, 80, 160)
RED = (180, 30, 30)
YELLOW = (250, 215, 60)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans comes with matplotlib (a dependency) and, unlike Pillow's own font, has every
    Vietnamese diacritic; imported here so the demo starts fast without --sample-photos."""
    from matplotlib import get_data_path

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(get_data_path()) / "fonts" / "ttf" / name), size)


def _text_lines(draw: ImageDraw.ImageDraw, left: int, top: int, width: int, count: int, gap: int = 34) -> None:
    """Grey bars standing for printed lines, of varying length like real text."""
    for line in range(count):
        length = width if line % 4 != 3 else width * 3 // 5
        draw.rectangle((left, top + line * gap, left + length - (line * 37) % 90, top + line * gap + 12), fill=GREY)


def _notice_board(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((0, 0, *SIZE), fill=(232, 224, 205))
    draw.rectangle((120, 100, 1480, 1020), fill=(250, 250, 245), outline=BLUE, width=18)
    draw.rectangle((138, 118, 1462, 230), fill=BLUE)
    draw.text((800, 174), "NIÊM YẾT THỦ TỤC HÀNH CHÍNH", font=_font(64, bold=True), fill="white", anchor="mm")
    for column, row in itertools.product(range(4), range(2)):
        left, top = 175 + column * 325, 265 + row * 375
        draw.rectangle((left, top, left + 280, top + 345), fill="white", outline=GREY, width=3)
        draw.rectangle((left + 25, top + 25, left + 255, top + 45), fill=INK)
        _text_lines(draw, left + 25, top + 75, 230, 8)
    draw.rectangle((0, 1100, SIZE[0], SIZE[1]), fill=(170, 150, 120))


def _counter(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((0, 0, *SIZE), fill=(222, 232, 240))
    draw.rectangle((0, 60, SIZE[0], 230), fill=RED)
    draw.text((800, 145), "BỘ PHẬN MỘT CỬA", font=_font(96, bold=True), fill=YELLOW, anchor="mm")
    draw.rectangle((80, 690, 1520, 760), fill=(200, 170, 120))
    draw.rectangle((100, 760, 1500, 1200), fill=(150, 105, 60))
    for desk in range(3):
        left = 170 + desk * 450
        draw.rectangle((left + 60, 420, left + 320, 600), fill=(35, 35, 40))
        draw.rectangle((left + 170, 600, left + 210, 690), fill=(80, 80, 80))
        draw.rectangle((left, 830, left + 380, 910), fill="white", outline=BLUE, width=5)
        draw.text((left + 190, 870), f"Quầy số {desk + 1}", font=_font(44, bold=True), fill=BLUE, anchor="mm")


def _name_badge(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((0, 0, *SIZE), fill=(120, 85, 55))
    draw.line((640, 0, 760, 200), fill=BLUE, width=40)
    draw.line((960, 0, 840, 200), fill=BLUE, width=40)
    draw.rounded_rectangle((520, 190, 1080, 1110), radius=40, fill="white", outline=GREY, width=4)
    draw.rounded_rectangle((520, 190, 1080, 330), radius=40, fill=RED)
    draw.rectangle((520, 290, 1080, 330), fill=RED)
    draw.text((800, 262), "UBND XÃ CỔ LŨNG", font=_font(48, bold=True), fill="white", anchor="mm")
    draw.rectangle((660, 380, 940, 720), fill=(205, 215, 230))
    draw.ellipse((740, 430, 860, 560), fill=(110, 120, 140))
    draw.pieslice((680, 580, 920, 820), 180, 360, fill=(110, 120, 140))
    draw.text((800, 800), "NGUYỄN THỊ HOA", font=_font(50, bold=True), fill=INK, anchor="mm")
    draw.text((800, 880), "Công chức Bộ phận Một cửa", font=_font(38), fill=INK, anchor="mm")
    draw.text((800, 1000), "Số thẻ: 0127", font=_font(34), fill=GREY, anchor="mm")


def _mailbox(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((0, 0, *SIZE), fill=(236, 236, 228))
    draw.rectangle((1130, 160, 1500, 600), fill="white", outline=GREY, width=3)
    draw.text((1315, 215), "Đường dây nóng", font=_font(34, bold=True), fill=INK, anchor="mm")
    _text_lines(draw, 1170, 280, 290, 8)
    draw.rectangle((340, 330, 1060, 960), fill=BLUE, outline=(15, 50, 110), width=10)
    draw.rectangle((520, 400, 880, 430), fill=(10, 20, 40))
    draw.text((700, 560), "HỘP THƯ GÓP Ý", font=_font(64, bold=True), fill="white", anchor="mm")
    draw.text((700, 660), "Tiếp nhận phản ánh, kiến nghị", font=_font(38), fill="white", anchor="mm")
    draw.text((700, 710), "về thủ tục hành chính", font=_font(38), fill="white", anchor="mm")
    draw.rectangle((660, 960, 740, 1200), fill=(90, 90, 90))


SAMPLES: dict[str, Callable[[ImageDraw.ImageDraw], None]] = {
    "1-bang-niem-yet.jpg": _notice_board,
    "2-quay-mot-cua.jpg": _counter,
    "3-the-ten.jpg": _name_badge,
    "4-hop-thu-gop-y.jpg": _mailbox,
}


def draw_samples(folder: Path) -> list[Path]:
    """Phone-sized JPEGs of what an inspector photographs, each marked as a sample so that nobody
    takes it for evidence."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, scene in SAMPLES.items():
        image = Image.new("RGB", SIZE)
        draw = ImageDraw.Draw(image)
        scene(draw)
        draw.rectangle((1120, 1130, 1590, 1190), fill=(255, 255, 255))
        draw.text((1355, 1160), "ẢNH MẪU · CHẠY THỬ", font=_font(34, bold=True), fill=RED, anchor="mm")
        path = folder / name
        image.save(path, "JPEG", quality=85)
        paths.append(path)
    return paths
