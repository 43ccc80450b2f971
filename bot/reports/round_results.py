"""How a round's units add up: what several units fell short of, how many got each verdict per area, and
their scores under a checklist that scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.answers import VERDICTS
from bot.checklist.model import Area, Item, Scoring
from bot.findings.results import Finding, Score, area_results, mean_rate, scores, shortcomings
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


@dataclass(frozen=True)
class UnitScores:
    by_area: dict[str, Score]  # area id -> its score
    overall: Score


@dataclass(frozen=True)
class RoundScores:
    """Each unit's scores (None for a unit whose checklist scores nothing), and the units' average per area
    of the round's checklist and overall: each unit counts once, whatever its weights add up to."""

    scoring: Scoring  # the scale, as the first unit's checklist sets it
    units: list[UnitScores | None]
    averages: list[float | None]
    overall: float | None


def round_scores(report: RoundReport) -> RoundScores | None:
    """None when no unit's checklist scores: then no document says anything about scores."""
    scoring = next((found for unit in report.inspections if (found := unit.checklist.scoring) is not None), None)
    if scoring is None:
        return None
    units = [_unit_scores(unit) for unit in report.inspections]
    areas = report.inspections[0].checklist.areas
    averages = [
        mean_rate(unit.by_area[area.id] for unit in units if unit and area.id in unit.by_area) for area in areas
    ]
    overall = mean_rate(unit.overall for unit in units if unit is not None)
    return RoundScores(scoring, units, averages, overall)


def _unit_scores(unit: InspectionReport) -> UnitScores | None:
    found = scores(unit.snapshot)
    if found is None:
        return None
    by_area, overall = found
    return UnitScores(dict(zip((area.id for area in unit.checklist.areas), by_area, strict=True)), overall)
