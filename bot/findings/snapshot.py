"""Everything entered for one inspection, read in one transaction: what the review, the group's summary
and every document are made from, so what the inspector confirms is exactly what the team receives."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from storage.models import Amendment, Answer, Inspection, Photo, Remark, RemarkKind, Round, Team
from storage.port import Tx


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True)

    inspection: Inspection
    team: Team
    checklist: Checklist
    answers: dict[str, Answer]
    photos: list[Photo]
    remarks: list[Remark]
    round: Round | None = None
    amendments: list[Amendment] = []  # corrections after submit, oldest first; `answers` has their result

    def remarks_of(self, kind: RemarkKind) -> list[str]:
        return [remark.text for remark in self.remarks if remark.kind is kind]

    def photos_of(self, item_id: str) -> list[Photo]:
        return [photo for photo in self.photos if photo.item_id == item_id]


async def read_snapshot(tx: Tx, versions: ChecklistVersions, inspection: Inspection) -> Snapshot:
    """Everything entered for one inspection, as the summary, the review and the documents show it."""
    team = await tx.teams.get(inspection.team_id)
    assert team is not None
    return Snapshot(
        inspection=inspection,
        team=team,
        checklist=await versions.of(tx, inspection),
        answers=await tx.inspections.answers(inspection.id),
        photos=await tx.photos.of(inspection.id),
        remarks=await tx.inspections.remarks(inspection.id),
        round=await tx.rounds.get(inspection.round_id) if inspection.round_id is not None else None,
        amendments=await tx.amendments.of(inspection.id),
    )


def corrected_after_close(snapshot: Snapshot) -> list[Amendment]:
    """The corrections made after the inspection's round was closed: what its documents, final by then,
    must say changed."""
    closed = snapshot.round.closed_at if snapshot.round is not None else None
    return [a for a in snapshot.amendments if closed is not None and a.at > closed]
