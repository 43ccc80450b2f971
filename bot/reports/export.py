"""The machine-readable export: everything that was entered for one inspection, with its round (and the
round's basis), the follow-ups it opened, the corrections made after submit and its whole trail, as JSON.

Under a checklist with conditions, the items the unit's answers ruled out are listed, and an answer
given to one of them before it was ruled out is kept, marked as counting for nothing; under a checklist
that scores, the scores are there too (and not even named otherwise)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from bot.checklist.kinds import value_label
from bot.checklist.model import Area, Item
from bot.checklist.versions import stored
from bot.findings.results import Score, scores
from bot.findings.snapshot import Snapshot, snapshot_with
from bot.findings.trail import HistoryEntry, read_history
from bot.texts.catalogue import VI
from storage.models import Amendment, Answer, FollowUp, Photo, RemarkKind
from storage.port import Store


class ExportedAnswer(BaseModel):
    area_id: str
    area_title: str
    item_id: str
    prompt: str
    type: str
    value: str
    value_label: str
    note: str | None
    answered_by: int
    answered_by_name: str  # as the documents name them; the owner's for an answer by someone unknown
    answered_at: datetime
    amended: bool  # value and note are the latest correction's; `amendments` has every one
    ruled_out: bool  # given before the unit's answers ruled the item out: stored, counting for nothing


class ExportedScore(BaseModel):
    area_id: str | None  # None: the whole inspection
    earned: float
    possible: float
    rate: float | None  # earned / possible; None when nothing applicable was scored


class Person(BaseModel):
    id: int
    name: str


class ExportedRound(BaseModel):
    id: int
    name: str
    basis: str | None


class ExportedInspection(BaseModel):
    id: int
    status: str
    team: str
    unit: str | None
    inspectors: list[Person]  # the owner, then everyone else who answered
    checklist_id: str
    checklist_version: int
    checklist_title: str
    latitude: float | None
    longitude: float | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    answers: list[ExportedAnswer]
    ruled_out: list[str]  # the items the unit's answers ruled out (not asked), in checklist order
    scores: list[ExportedScore] | None = Field(default=None, exclude_if=lambda found: found is None)
    photos: list[Photo]
    recommendations: list[str]
    strengths: list[str]
    representatives: list[str]  # the unit's, "Họ tên – Chức vụ"
    opinion: list[str]  # the unit's own opinion on the findings
    round: ExportedRound | None
    followups: list[FollowUp]
    amendments: list[Amendment]
    history: list[HistoryEntry]  # answers as given and the trail, in time order


async def export_json(store: Store, inspection_id: int) -> str | None:
    """None when there is no such inspection. The checklist is the one stored with the inspection."""
    async with store.reading() as tx:
        inspection = await tx.inspections.get(inspection_id)
        if inspection is None:
            return None
        snapshot = await snapshot_with(tx, inspection, await stored(tx, inspection))
        followups = await tx.followups.of(inspection_id)
        history = await read_history(tx, inspection, snapshot.checklist)
    checklist = snapshot.checklist
    exported_answers = [
        _exported(snapshot, area, item, answer)
        for area in checklist.areas
        for item in area.items
        if (answer := snapshot.answers.get(item.id) or snapshot.set_aside.get(item.id)) is not None
    ]
    chosen = snapshot.round
    document = ExportedInspection(
        id=inspection.id,
        status=inspection.status.value,
        team=snapshot.team.name,
        unit=inspection.unit,
        inspectors=[Person(id=person, name=snapshot.name_of(person)) for person in snapshot.participants()],
        checklist_id=checklist.id,
        checklist_version=checklist.version,
        checklist_title=checklist.title,
        latitude=inspection.latitude,
        longitude=inspection.longitude,
        created_at=inspection.created_at,
        updated_at=inspection.updated_at,
        submitted_at=inspection.submitted_at,
        answers=exported_answers,
        ruled_out=[item.id for area in checklist.areas for item in area.items if item.id in snapshot.ruled_out],
        scores=_scores(snapshot),
        photos=snapshot.photos,
        recommendations=snapshot.remarks_of(RemarkKind.RECOMMENDATION),
        strengths=snapshot.remarks_of(RemarkKind.STRENGTH),
        representatives=snapshot.remarks_of(RemarkKind.REPRESENTATIVE),
        opinion=snapshot.remarks_of(RemarkKind.OPINION),
        round=ExportedRound(id=chosen.id, name=chosen.name, basis=chosen.basis) if chosen else None,
        followups=followups,
        amendments=snapshot.amendments,
        history=history,
    )
    return document.model_dump_json(indent=2)


def _exported(snapshot: Snapshot, area: Area, item: Item, answer: Answer) -> ExportedAnswer:
    return ExportedAnswer(
        area_id=area.id,
        area_title=area.title,
        item_id=item.id,
        prompt=item.prompt,
        type=item.type.value,
        value=answer.value,
        value_label=value_label(VI, item, answer.value),
        note=answer.note,
        answered_by=answer.answered_by,
        answered_by_name=snapshot.answered_by_name(answer),
        answered_at=answer.answered_at,
        amended=answer.amended,
        ruled_out=item.id in snapshot.ruled_out,
    )


def _scores(snapshot: Snapshot) -> list[ExportedScore] | None:
    """Each area's score, then the inspection's (`area_id` null)."""
    found = scores(snapshot)
    if found is None:
        return None
    by_area, overall = found
    areas: list[str | None] = [area.id for area in snapshot.checklist.areas]
    return [_score(area_id, score) for area_id, score in zip([*areas, None], [*by_area, overall], strict=True)]


def _score(area_id: str | None, score: Score) -> ExportedScore:
    return ExportedScore(area_id=area_id, earned=score.earned, possible=score.possible, rate=score.rate)
