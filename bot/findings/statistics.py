"""The team's statistics over every inspection it submitted, for `/stats` and its chart: pass rates and,
where the checklist scores, scores, by area, by unit and by month.

Each inspection is counted with the checklist it started with and its conditions applied, as its record
counts it: an item ruled out by the unit's answers counts for nothing here either, even with an answer
stored from before. Areas are matched by id to those of the checklist in use it is counted under
(`by_checklist`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.checklist import conditions
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from bot.findings.results import Score, mean_rate, results_of, score_of
from storage.models import Inspection
from storage.port import Tx


@dataclass(frozen=True)
class Counted:
    """One submitted inspection, area by area."""

    inspection: Inspection
    rates: dict[str, tuple[int, int]]  # area id -> (criteria passed, criteria applicable)
    scores: dict[str, Score] | None  # area id -> its score; None when the checklist scores nothing

    def rate(self, area_id: str | None = None) -> tuple[int, int]:
        """(passed, applicable) in one area, or over the whole inspection."""
        if area_id is not None:
            return self.rates.get(area_id, (0, 0))
        return sum(p for p, _ in self.rates.values()), sum(r for _, r in self.rates.values())

    def score(self, area_id: str | None = None) -> Score | None:
        """The score of one area, or of the whole inspection."""
        if self.scores is None:
            return None
        if area_id is not None:
            return self.scores.get(area_id)
        return sum(self.scores.values(), Score())


@dataclass(frozen=True)
class Tally:
    """What some inspections come to: criteria passed of those applicable, and the average score."""

    count: int
    passed: int
    rated: int
    score: float | None  # the mean of the scores that have a rate; None with none scored

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.rated if self.rated else None


async def counted(tx: Tx, versions: ChecklistVersions, team_id: int) -> list[Counted]:
    """The team's submitted inspections, in the order they were submitted."""
    found = []
    for inspection, stored in await tx.inspections.submitted_with_answers(team_id):
        checklist = await versions.of(tx, inspection)
        answers, _ = conditions.in_force(checklist, stored)
        rates = {result.area.id: (result.passed, result.rated) for result in results_of(checklist, answers)}
        scoring = checklist.scoring
        scores = {area.id: score_of(scoring, area, answers) for area in checklist.areas} if scoring else None
        found.append(Counted(inspection, rates, scores))
    return found


def by_checklist(versions: ChecklistVersions, found: list[Counted]) -> list[tuple[Checklist, list[Counted]]]:
    """The checklists in use the team answered, in their stable order, each with its inspections: two in
    use may share an area id, so each inspection counts against its own. With one in use every inspection
    counts against it, as before there were several (earlier versions, other ids); with several, those of
    a checklist no longer in use are left out."""
    if not versions.several:
        return [(versions.default, found)] if found else []
    grouped = [(c, [x for x in found if x.inspection.checklist_id == c.id]) for c in versions.currents]
    return [(checklist, group) for checklist, group in grouped if group]


def scored(inspections: Iterable[Counted]) -> bool:
    """Whether anything counted was scored: without it, the statistics say nothing about scores."""
    return any(inspection.scores is not None for inspection in inspections)


def tally(group: Iterable[Counted], area_id: str | None = None) -> Tally:
    """One area over some inspections, or the whole of each."""
    inspections = list(group)
    rates = [inspection.rate(area_id) for inspection in inspections]
    found = [score for inspection in inspections if (score := inspection.score(area_id)) is not None]
    return Tally(len(inspections), sum(p for p, _ in rates), sum(r for _, r in rates), mean_rate(found))
