"""How answers add up to results, so every document, chart and message agrees on them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from bot.answers import SHORTCOMINGS, VERDICTS, Value
from bot.checklist.kinds import kind_of
from bot.checklist.model import Area, Item
from bot.findings.snapshot import Snapshot
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
class Score:
    """What applicable criteria earned under the checklist's `scoring`, of what they would had all passed."""

    earned: float = 0.0
    possible: float = 0.0

    @property
    def rate(self) -> float | None:
        return self.earned / self.possible if self.possible else None

    def __add__(self, other: Score) -> Score:
        return Score(self.earned + other.earned, self.possible + other.possible)


def area_score(snapshot: Snapshot, area: Area) -> Score:
    """An area's score: each rated answer in force counts its item's weight times its rating's score;
    "Không áp dụng", an item ruled out and an unanswered one count for nothing either way."""
    scoring = snapshot.checklist.scoring
    score = Score()
    for item in area.items:
        answer = snapshot.answers.get(item.id)
        worth = scoring.of(answer.value) if scoring and answer and kind_of(item).rated else None
        if scoring is not None and worth is not None:
            score += Score(item.weighs * worth, item.weighs * scoring.pass_)
    return score


def scores(snapshot: Snapshot) -> tuple[list[Score], Score] | None:
    """Each area's score and the inspection's, or None for a checklist that scores nothing."""
    if snapshot.checklist.scoring is None:
        return None
    by_area = [area_score(snapshot, area) for area in snapshot.checklist.areas]
    return by_area, sum(by_area, Score())


def ruled_out_of(snapshot: Snapshot, area: Area) -> list[Item]:
    """An area's items not asked by rule, in checklist order."""
    return [item for item in area.items if item.id in snapshot.ruled_out]


def area_rates(
    answers: list[tuple[int, str, datetime, str, str]], areas: list[Area]
) -> list[tuple[Area, tuple[int, int]]]:
    """(passed, applicable) per area of the current checklist, over rows of `rated_answers_of_team`."""
    by_area: dict[str, list[str]] = defaultdict(list)
    for _, _, _, area_id, value in answers:
        by_area[area_id].append(value)
    return [(area, rate(by_area.get(area.id, []))) for area in areas]


def rate(values: list[str]) -> tuple[int, int]:
    """(passed, applicable): "Không áp dụng" is not a criterion the unit could meet."""
    rated = [value for value in values if value != Value.NA]
    return sum(1 for value in rated if value == Value.PASS), len(rated)
