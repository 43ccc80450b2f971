"""The machine-readable export: everything that was entered for one inspection, with its round (and the
round's basis), the follow-ups it opened, the corrections made after submit and its whole trail, as JSON."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bot.checklist.kinds import value_label
from bot.checklist.versions import stored
from bot.findings.snapshot import snapshot_with
from bot.findings.trail import HistoryEntry, read_history
from bot.texts.catalogue import VI
from storage.models import Amendment, FollowUp, Photo, RemarkKind
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
    exported_answers = []
    for area in checklist.areas:
        for item in area.items:
            answer = snapshot.answers.get(item.id)
            if answer is None:
                continue
            exported_answers.append(
                ExportedAnswer(
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
                )
            )
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
