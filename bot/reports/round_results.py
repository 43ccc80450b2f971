"""How a round's units add up: what several units fell short of, and how many got each verdict per area."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.answers import VERDICTS
from bot.checklist.model import Area, Item
from bot.findings.results import Finding, area_results, shortcomings
from bot.reports.data import InspectionReport, RoundReport
from storage.models import Answer


@dataclass(frozen=True)
class CommonShortcoming:
    """The same criterion failed or only partly met at several units of a round."""

    area_number: int
    area: Area
    item: Item
    units: list[tuple[InspectionReport, Answer]]


def common_shortcomings(report: RoundReport, at_least: int = 2) -> list[CommonShortcoming]:
    """Criteria short at `at_least` units or more, most widespread first, then in checklist order."""
    by_item: dict[str, list[tuple[InspectionReport, Finding]]] = defaultdict(list)
    order: dict[str, int] = {}
    for unit in report.inspections:
        for finding in shortcomings(unit.snapshot):
            order.setdefault(finding.item.id, len(order))
            by_item[finding.item.id].append((unit, finding))
    common = [
        CommonShortcoming(
            area_number=entries[0][1].area_number,
            area=entries[0][1].area,
            item=entries[0][1].item,
            units=[(unit, finding.answer) for unit, finding in entries],
        )
        for entries in by_item.values()
        if len(entries) >= at_least
    ]
    return sorted(common, key=lambda c: (-len(c.units), order[c.item.id]))


def round_verdict_counts(report: RoundReport) -> list[tuple[Area, dict[str, int]]]:
    """Per area, how many of the round's units got each verdict: what the chart draws."""
    if not report.inspections:
        return []
    areas = report.inspections[0].checklist.areas
    counts: list[tuple[Area, dict[str, int]]] = [(area, dict.fromkeys(VERDICTS, 0)) for area in areas]
    index = {area.id: position for position, area in enumerate(areas)}
    for unit in report.inspections:
        for result in area_results(unit.snapshot):
            position = index.get(result.area.id)
            if position is not None:
                counts[position][1][result.verdict] += 1
    return counts
