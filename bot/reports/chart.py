"""Charts the team lead reads in the group chat, on a phone: PNG images built with matplotlib.

Telegram shows a photo about as wide as the phone, so the figures are portrait, the fonts large and
the long area titles wrapped instead of shrunk. Each figure is a `Figure` drawn by its own Agg canvas:
pyplot keeps global state that is not safe in the worker threads these builders run in, and no
rcParams are changed for the same reason (every size is passed explicitly).
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from bot.answers import VERDICTS, Value
from bot.reports.data import RoundReport
from bot.reports.round_results import round_verdict_counts
from bot.texts.catalogue import VI

WIDTH_IN = 8.0
DPI = 110
FONT = "DejaVu Sans"  # bundled with matplotlib, and it has every Vietnamese diacritic
TEXT_PT = 13
TITLE_PT = 17
VERDICT_COLOURS = {Value.PASS: "#2e7d32", Value.PARTIAL: "#f2a900", Value.FAIL: "#c62828", Value.NA: "#9e9e9e"}
VERDICT_INK = {Value.PASS: "white", Value.PARTIAL: "black", Value.FAIL: "white", Value.NA: "black"}
RATE_COLOUR = "#1565c0"
NO_DATA = "Chưa có dữ liệu"
MIN_LABELLED_SHARE = 0.06  # a count is written inside its bar segment only where it fits


def round_chart(report: RoundReport) -> bytes:
    """Per area, how many of the round's units got each verdict, as stacked horizontal bars."""
    counts = round_verdict_counts(report)
    figure = _figure(max(9.0, 1.1 * len(counts)))  # a longer checklist gets a taller chart, not smaller text
    _title(figure, f"Kết quả theo lĩnh vực – {report.title}")
    if not counts:
        _no_data(figure)
        return _png(figure)
    units = len(report.inspections)
    axes = figure.add_subplot()
    _stacked_bars(axes, [by_verdict for _, by_verdict in counts], units)
    labels = [_wrap(f"{number}. {area.title}", 26) for number, (area, _) in enumerate(counts, start=1)]
    _style_axes(axes, list(range(len(counts))), labels)
    axes.set_xlim(0, units)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(f"Số đơn vị (tổng {units} đơn vị)", fontsize=TEXT_PT, family=FONT)
    handles = [Patch(color=VERDICT_COLOURS[verdict], label=VI.RATING_LABELS[verdict]) for verdict in VERDICTS]
    figure.legend(
        handles=handles, loc="outside lower center", ncols=4, frameon=False, prop={"size": TEXT_PT, "family": FONT}
    )
    return _png(figure)


def _stacked_bars(axes: Axes, counts: list[dict[str, int]], units: int) -> None:
    """One bar per area, a segment per verdict in VERDICTS order, each with its count written inside."""
    positions = list(range(len(counts)))
    left = [0] * len(counts)
    for verdict in VERDICTS:
        widths = [by_verdict[verdict] for by_verdict in counts]
        bars = axes.barh(positions, widths, left=left, height=0.7, color=VERDICT_COLOURS[verdict])
        shown = [str(width) if width / units >= MIN_LABELLED_SHARE else "" for width in widths]
        axes.bar_label(bars, labels=shown, label_type="center", color=VERDICT_INK[verdict], fontsize=TEXT_PT)
        left = [start + width for start, width in zip(left, widths, strict=True)]


def pass_rate_chart(title: str, labels: list[str], rates: list[float | None]) -> bytes:
    """Pass rates as horizontal bars, the percentage written at each bar's end ("—" when nothing applied).

    `rates` are fractions from 0 to 1, as `AreaResult.pass_rate` gives them; the axis shows 0–100 %.
    """
    figure = _figure(min(60.0, max(5.0, 2.2 + 0.75 * len(labels))))
    _title(figure, title)
    if not labels:
        _no_data(figure)
        return _png(figure)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    percents = [0.0 if rate is None else rate * 100 for rate in rates]
    bars = axes.barh(positions, percents, height=0.7, color=RATE_COLOUR)
    written = ["—" if rate is None else f"{rate * 100:.0f}%" for rate in rates]
    axes.bar_label(bars, labels=written, padding=4, fontsize=TEXT_PT, family=FONT)
    _style_axes(axes, positions, [_wrap(label, 26) for label in labels])
    axes.set_xlim(0, 115)  # room for "100%" after the longest bar
    axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    axes.set_xlabel("Tỷ lệ tiêu chí đạt", fontsize=TEXT_PT, family=FONT)
    return _png(figure)


def _figure(height_in: float) -> Figure:
    return Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained", facecolor="white")


def _title(figure: Figure, text: str) -> None:
    figure.suptitle(_wrap(text, 44), fontsize=TITLE_PT, fontweight="bold", family=FONT)


def _wrap(text: str, width: int) -> str:
    """At most three lines; a typed "$" is escaped so that matplotlib does not read it as a formula."""
    wrapped = "\n".join(textwrap.wrap(text, width=width, max_lines=3, placeholder=" …")) or text
    return wrapped.replace("$", r"\$")


def _style_axes(axes: Axes, positions: list[int], labels: list[str]) -> None:
    """First label on top, large tick labels, a light vertical grid behind the bars."""
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.tick_params(axis="both", labelsize=TEXT_PT)
    for label in [*axes.get_yticklabels(), *axes.get_xticklabels()]:
        label.set_fontfamily(FONT)
    axes.grid(axis="x", color="#dddddd")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _no_data(figure: Figure) -> None:
    figure.text(0.5, 0.5, NO_DATA, ha="center", va="center", fontsize=TITLE_PT, color="#555555", family=FONT)


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)  # attaches itself to the figure: drawing never goes through pyplot
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
