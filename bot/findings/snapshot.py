"""Everything entered for one inspection, read in one transaction: what the review, the group's summary
and every document are made from, so what the inspector confirms is exactly what the team receives.

Several members of the team may answer different areas of one inspection; each answer records who gave
it, and the snapshot carries the names of everyone who ever was a member, so the summary, the record and
the workbook can say who answered what, even of someone removed from the team since.

The checklist's conditions are applied here, once: `answers` holds only the answers in force, so every
reader (results, follow-ups, documents) leaves an item ruled out by the answers out of the result."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.checklist import conditions
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from storage.models import Amendment, Answer, Inspection, Photo, Remark, RemarkKind, Round, Team
from storage.port import Tx


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True)

    inspection: Inspection
    team: Team
    checklist: Checklist
    answers: dict[str, Answer]  # in force: the answers of the items the answers ask (see `ruled_out`)
    photos: list[Photo]
    remarks: list[Remark]
    round: Round | None = None
    names: dict[int, str] = {}  # person id -> name, of everyone who ever was a member of the team
    amendments: list[Amendment] = []  # corrections after submit, oldest first; `answers` has their result
    ruled_out: frozenset[str] = frozenset()  # items not asked by rule (`show_if`): not applicable
    set_aside: dict[str, Answer] = {}  # answers of items ruled out since: stored, out of the result

    def remarks_of(self, kind: RemarkKind) -> list[str]:
        return [remark.text for remark in self.remarks if remark.kind is kind]

    def photos_of(self, item_id: str) -> list[Photo]:
        return [photo for photo in self.photos if photo.item_id == item_id]

    def answerer_of(self, answer: Answer) -> int:
        """Who an answer is attributed to: the person who gave it where the team knows them, else the
        inspection's owner, who submitted it and answers for it (every answer stored before inspections
        were shared is the owner's)."""
        known = answer.answered_by == self.inspection.inspector_id or answer.answered_by in self.names
        return answer.answered_by if known else self.inspection.inspector_id

    def name_of(self, person_id: int) -> str:
        """The owner is named as the inspection was started; anyone else by their name in the team."""
        if person_id == self.inspection.inspector_id:
            return self.inspection.inspector_name
        return self.names.get(person_id, self.inspection.inspector_name)

    def answered_by_name(self, answer: Answer) -> str:
        return self.name_of(self.answerer_of(answer))

    def answers_in_order(self) -> list[Answer]:
        """The answers in the order they were given; ones given at the same moment in checklist order."""

        def given(answer: Answer) -> tuple[datetime, int]:
            found = self.checklist.find(answer.item_id)
            return answer.answered_at, found[0] if found else self.checklist.item_count

        return sorted(self.answers.values(), key=given)

    def participants(self) -> list[int]:
        """The owner, then everyone else who answered, in the order of their first answer."""
        answered = (self.answerer_of(answer) for answer in self.answers_in_order())
        return list(dict.fromkeys([self.inspection.inspector_id, *answered]))

    @property
    def shared(self) -> bool:
        """Whether anyone but the owner answered: only then do the documents name who answered what, so
        an inspection made alone reads as it always did."""
        return any(self.answerer_of(answer) != self.inspection.inspector_id for answer in self.answers.values())


def answerer_ids_by_area(snapshot: Snapshot) -> dict[str, list[int]]:
    """Area id -> who answered its items, in the order of their first answer there, for the areas in
    checklist order; an area nobody answered is left out."""
    by_area: dict[str, dict[int, None]] = {area.id: {} for area in snapshot.checklist.areas}
    for answer in snapshot.answers_in_order():
        if answer.area_id in by_area:
            by_area[answer.area_id][snapshot.answerer_of(answer)] = None
    return {area: list(people) for area, people in by_area.items() if people}


def answerers_by_area(snapshot: Snapshot) -> dict[str, list[str]]:
    """`answerer_ids_by_area` with each person named as the documents name them."""
    return {
        area: [snapshot.name_of(person) for person in people] for area, people in answerer_ids_by_area(snapshot).items()
    }


async def read_snapshot(tx: Tx, versions: ChecklistVersions, inspection: Inspection) -> Snapshot:
    """Everything entered for one inspection, as the summary, the review and the documents show it."""
    return await snapshot_with(tx, inspection, await versions.of(tx, inspection))


async def snapshot_with(tx: Tx, inspection: Inspection, checklist: Checklist) -> Snapshot:
    """The snapshot of an inspection whose checklist the caller has already read."""
    team = await tx.teams.get(inspection.team_id)
    assert team is not None
    stored = await tx.inspections.answers(inspection.id)
    answers, out = conditions.in_force(checklist, stored)
    return Snapshot(
        inspection=inspection,
        team=team,
        checklist=checklist,
        answers=answers,
        ruled_out=out,
        set_aside={item: answer for item, answer in stored.items() if item in out},
        photos=await tx.photos.of(inspection.id),
        remarks=await tx.inspections.remarks(inspection.id),
        round=await tx.rounds.get(inspection.round_id) if inspection.round_id is not None else None,
        names=await tx.teams.names(inspection.team_id),
        amendments=await tx.amendments.of(inspection.id),
    )


def corrected_after_close(snapshot: Snapshot) -> list[Amendment]:
    """The corrections made after the inspection's round was closed: what its documents, final by then,
    must say changed."""
    closed = snapshot.round.closed_at if snapshot.round is not None else None
    return [a for a in snapshot.amendments if closed is not None and a.at > closed]
