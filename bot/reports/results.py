"""How answers add up to results, so every document, chart and message agrees on them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.checklist.kinds import kind_of
from bot.checklist.model import SHORTCOMINGS, VERDICTS, Area, Item, Value
from bot.reports.data import InspectionReport, RoundReport
from bot.texts.summary import Snapshot
from storage.models import Answer


@dataclass(frozen=True)
class AreaResult:
    """Counts of rated answers in one area of one inspection, and the area's verdict."""

    number: int
    area: Area
    passed: int
    partial: int
    failed: int
    not_applicable: int

    @property
    def rated(self) -> int:
        """Answers that count towards the pass rate ("Không áp dụng" does not)."""
        return self.passed + self.partial + self.failed

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.rated if self.rated else None

    @property
    def verdict(self) -> str:
        """'pass' when every applicable criterion passed, 'fail' when none did, 'partial' in between,
        'na' when nothing in the area applied to the unit."""
        if self.rated == 0:
            return Value.NA
        if self.passed == self.rated:
            return Value.PASS
        if self.passed == 0 and self.partial == 0:
            return Value.FAIL
        return Value.PARTIAL


@dataclass(frozen=True)
class Finding:
    """One answered item, with where it sits in the checklist."""

    area_number: int
    area: Area
    item: Item
    answer: Answer


def area_results(snapshot: Snapshot) -> list[AreaResult]:
    results = []
    for number, area in enumerate(snapshot.checklist.areas, start=1):
        counts: dict[str, int] = dict.fromkeys(VERDICTS, 0)
        for item in area.items:
            answer = snapshot.answers.get(item.id)
            if answer is not None and kind_of(item).rated and answer.value in counts:
                counts[answer.value] += 1
        results.append(
            AreaResult(number, area, counts[Value.PASS], counts[Value.PARTIAL], counts[Value.FAIL], counts[Value.NA])
        )
    return results


def findings(snapshot: Snapshot, values: frozenset[str]) -> list[Finding]:
    """Rated answers with one of `values`, in checklist order."""
    found = []
    for number, area in enumerate(snapshot.checklist.areas, start=1):
        for item in area.items:
            answer = snapshot.answers.get(item.id)
            if answer is not None and kind_of(item).rated and answer.value in values:
                found.append(Finding(number, area, item, answer))
    return found


def shortcomings(snapshot: Snapshot) -> list[Finding]:
    return findings(snapshot, SHORTCOMINGS)


def achievements(snapshot: Snapshot) -> list[Finding]:
    return findings(snapshot, frozenset({Value.PASS}))


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
