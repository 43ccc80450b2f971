"""The machine-readable export: everything that was entered for one inspection, with its round (and the
round's basis), the follow-ups it opened, the corrections made after submit and its whole trail, as JSON."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bot.checklist.kinds import value_label
from bot.checklist.model import Checklist
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
    inspectors: list[Person]
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
    """None when there is no such inspection."""
    async with store.reading() as tx:
        inspection = await tx.inspections.get(inspection_id)
        if inspection is None:
            return None
        team = await tx.teams.get(inspection.team_id)
        body = await tx.inspections.checklist_body(inspection.checklist_id, inspection.checklist_version)
        answers = await tx.inspections.answers(inspection_id)
        photos = await tx.photos.of(inspection_id)
        remarks = await tx.inspections.remarks(inspection_id)
        chosen = await tx.rounds.get(inspection.round_id) if inspection.round_id is not None else None
        followups = await tx.followups.of(inspection_id)
        amendments = await tx.amendments.of(inspection_id)
        assert body is not None and team is not None
        checklist = Checklist.model_validate_json(body)
        history = await read_history(tx, inspection, checklist)
    exported_answers = []
    for area in checklist.areas:
        for item in area.items:
            answer = answers.get(item.id)
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
                    answered_at=answer.answered_at,
                    amended=answer.amended,
                )
            )
    document = ExportedInspection(
        id=inspection.id,
        status=inspection.status.value,
        team=team.name,
        unit=inspection.unit,
        inspectors=[Person(id=inspection.inspector_id, name=inspection.inspector_name)],
        checklist_id=checklist.id,
        checklist_version=checklist.version,
        checklist_title=checklist.title,
        latitude=inspection.latitude,
        longitude=inspection.longitude,
        created_at=inspection.created_at,
        updated_at=inspection.updated_at,
        submitted_at=inspection.submitted_at,
        answers=exported_answers,
        photos=photos,
        recommendations=[r.text for r in remarks if r.kind is RemarkKind.RECOMMENDATION],
        strengths=[r.text for r in remarks if r.kind is RemarkKind.STRENGTH],
        representatives=[r.text for r in remarks if r.kind is RemarkKind.REPRESENTATIVE],
        opinion=[r.text for r in remarks if r.kind is RemarkKind.OPINION],
        round=ExportedRound(id=chosen.id, name=chosen.name, basis=chosen.basis) if chosen else None,
        followups=followups,
        amendments=amendments,
        history=history,
    )
    return document.model_dump_json(indent=2)
