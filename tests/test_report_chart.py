"""The charts, opened with Pillow: valid PNGs, phone-sized, and the bars drawn in the verdict colours."""

from __future__ import annotations

import io
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from bot.reports.chart import pass_rate_chart, round_chart
from bot.reports.data import InspectionReport, RoundReport
from tests import report_samples as samples

GREEN, AMBER, RED, GREY = (0x2E, 0x7D, 0x32), (0xF2, 0xA9, 0x00), (0xC6, 0x28, 0x28), (0x9E, 0x9E, 0x9E)
BLUE = (0x15, 0x65, 0xC0)


def pixels(png: bytes) -> Counter[tuple[int, ...]]:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    colours = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return Counter({tuple(colour): count for count, colour in colours if isinstance(colour, tuple)})


def size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def all_passed(unit: InspectionReport) -> InspectionReport:
    answers = {
        item_id: answer.model_copy(update={"value": "pass"}) if answer.value in ("fail", "partial", "na") else answer
        for item_id, answer in unit.snapshot.answers.items()
    }
    return unit.model_copy(update={"snapshot": unit.snapshot.model_copy(update={"answers": answers})})


def test_round_chart_is_a_portrait_png_with_every_verdict_colour(tmp_path: Path) -> None:
    report = samples.round_report(tmp_path, units=3, photos_per_item=0)

    png = round_chart(report)
    colours = pixels(png)
    width, height = size(png)

    assert 700 <= width <= 1300 and height >= width
    assert colours[GREEN] > 1000 and colours[AMBER] > 1000 and colours[RED] > 1000
    assert colours[GREY] > 50  # at least the legend's patch
    assert len(colours) > 50  # text is anti-aliased: many shades, not a blank image


def test_round_chart_draws_no_red_when_every_unit_passed(tmp_path: Path) -> None:
    report = samples.round_report(tmp_path, units=3, photos_per_item=0)
    passed = report.model_copy(update={"inspections": [all_passed(unit) for unit in report.inspections]})

    mixed, clean = pixels(round_chart(report)), pixels(round_chart(passed))

    assert clean[GREEN] > mixed[GREEN]
    assert clean[AMBER] < 1000 and clean[RED] < 1000  # only the legend's patches remain


def test_empty_round_still_gives_a_png(tmp_path: Path) -> None:
    empty = RoundReport(team=samples.TEAM, round=samples.ROUND, inspections=[])

    colours = pixels(round_chart(empty))

    assert colours[GREEN] == 0 and colours[RED] == 0
    assert len(colours) > 10  # the title and "Chưa có dữ liệu" are drawn


def test_dollar_signs_are_text_not_formulas(tmp_path: Path) -> None:
    report = samples.round_report(tmp_path, units=1, photos_per_item=0)
    named = report.model_copy(update={"round": samples.ROUND.model_copy(update={"name": r"Đợt $\x$ và $5"})})

    assert pixels(round_chart(named))[GREEN] > 0
    assert pixels(pass_rate_chart(r"Tỷ lệ $\x$", [r"xã $\y$"], [0.5]))[BLUE] > 0


def test_charts_drawn_in_threads_match_one_drawn_alone(tmp_path: Path) -> None:
    report = samples.round_report(tmp_path, units=3, photos_per_item=0)
    alone = round_chart(report)

    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(lambda _: round_chart(report), range(8)))

    assert all(png == alone for png in drawn)


def test_pass_rate_bars_grow_with_the_rate() -> None:
    low = pixels(pass_rate_chart("Tỷ lệ đạt", ["UBND xã Cổ Lũng <b>&</b>"], [0.2]))
    high = pixels(pass_rate_chart("Tỷ lệ đạt", ["UBND xã Cổ Lũng <b>&</b>"], [1.0]))

    assert high[BLUE] > 4 * low[BLUE] > 0


def test_pass_rate_chart_with_missing_rates_and_many_units() -> None:
    labels = [f"UBND xã số {n} có tên khá dài để phải xuống dòng" for n in range(12)]
    rates: list[float | None] = [None if n % 4 == 0 else n / 12 for n in range(12)]

    png = pass_rate_chart("Tỷ lệ tiêu chí đạt theo đơn vị", labels, rates)
    width, height = size(png)

    assert pixels(png)[BLUE] > 1000
    assert height > width  # grows with the number of bars instead of squeezing them


def test_pass_rate_chart_without_data() -> None:
    colours = pixels(pass_rate_chart("Tỷ lệ đạt", [], []))

    assert colours[BLUE] == 0 and len(colours) > 10
