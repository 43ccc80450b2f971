"""How answers add up to results, so every document, chart and message agrees on them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.answers import SHORTCOMINGS, VERDICTS, Value
from bot.checklist.kinds import kind_of
from bot.checklist.model import Area, Checklist, Item, Scoring
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
    return results_of(snapshot.checklist, snapshot.answers)


def results_of(checklist: Checklist, answers: Mapping[str, Answer]) -> list[AreaResult]:
    """`area_results` over answers already in force, for readers that keep no snapshot (the statistics)."""
    results = []
    for number, area in enumerate(checklist.areas, start=1):
        counts: dict[str, int] = dict.fromkeys(VERDICTS, 0)
        for item in area.items:
            answer = answers.get(item.id)
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


def mean_rate(found: Iterable[Score]) -> float | None:
    """The average of the rates of `found` that have one: several units' scores of an area, or several
    inspections' overall ones, each counting once whatever its weights add up to."""
    rates = [score.rate for score in found if score.rate is not None]
    return sum(rates) / len(rates) if rates else None


def area_score(snapshot: Snapshot, area: Area) -> Score:
    """An area's score: each rated answer in force counts its item's weight times its rating's score;
    "Không áp dụng", an item ruled out and an unanswered one count for nothing either way."""
    return score_of(snapshot.checklist.scoring, area, snapshot.answers)


def score_of(scoring: Scoring | None, area: Area, answers: Mapping[str, Answer]) -> Score:
    """`area_score` over answers already in force."""
    score = Score()
    if scoring is None:
        return score
    for item in area.items:
        answer = answers.get(item.id)
        worth = scoring.of(answer.value) if answer is not None and kind_of(item).rated else None
        if worth is not None:
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
