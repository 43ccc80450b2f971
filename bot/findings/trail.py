"""An inspection's trail: everything that happened to it, by whom and when, in time order.

The answers carry who gave them and when (`answers.answered_by`, `answered_at`); everything else an
inspection goes through (joins, areas taken and handed back, corrections, submit, cancel) is a row of the
`trail` written in the transaction that did it. `python -m bot history` prints the two merged, and the
JSON export carries them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from bot.checklist.kinds import value_label
from bot.checklist.model import Checklist, criterion
from bot.events import Person
from bot.texts.catalogue import VI, Messages
from bot.texts.formats import VIETNAM
from storage.models import Inspection, Status, TrailKind
from storage.port import Tx

START = "start"
ANSWER = "answer"
# How the history names each kind of event, in Vietnamese like the team's other records.
WORDS = {
    START: "bắt đầu phiên",
    ANSWER: "trả lời",
    TrailKind.JOIN: "tham gia phiên",
    TrailKind.LEAVE: "rời phiên",
    TrailKind.AREA_TAKE: "nhận lĩnh vực",
    TrailKind.AREA_RELEASE: "trả lại lĩnh vực",
    TrailKind.AREA_ASSIGN: "giao lĩnh vực",
    TrailKind.CORRECTION: "sửa sau khi gửi",
    TrailKind.SUBMIT: "gửi kết quả",
    TrailKind.CANCEL: "hủy phiên",
}


class HistoryEntry(BaseModel):
    at: datetime
    kind: str  # START, ANSWER or a TrailKind
    person_id: int
    person_name: str
    detail: str | None


async def finish(tx: Tx, inspection: Inspection, status: Status, person: Person, detail: str | None = None) -> None:
    """Submits or cancels a draft, and writes it in the trail with who did it."""
    await tx.inspections.finish(inspection.id, status)
    kind = TrailKind.SUBMIT if status is Status.SUBMITTED else TrailKind.CANCEL
    await tx.trail.add(inspection.id, person.id, person.name, kind, detail)


def photo_change(added: int, withdrawn: int, t: Messages = VI) -> str:
    """'thêm 2 ảnh, rút 1 ảnh': what a correction did to the evidence (in the team's language unless
    told otherwise); or nothing."""
    parts = [t.AMEND_ADDED.format(count=added)] if added else []
    parts += [t.AMEND_WITHDRAWN.format(count=withdrawn)] if withdrawn else []
    return ", ".join(parts)


def item_words(checklist: Checklist, item_id: str) -> str:
    """'1.2 Đã cử cán bộ đầu mối': the criterion's number and wording, or its id where the checklist lost it."""
    found = checklist.find(item_id)
    if found is None:
        return item_id
    area_index, _, item_index, item = checklist.at(found[0])
    return f"{area_index + 1}.{item_index + 1} {criterion(item.prompt)}"


def answer_words(checklist: Checklist, item_id: str, value: str | None) -> str:
    """An answer as the team reads it ('Không đạt'), or a dash for none."""
    found = checklist.find(item_id)
    if value is None:
        return "—"
    return value_label(VI, found[2], value) if found is not None else value


async def read_history(tx: Tx, inspection: Inspection, checklist: Checklist) -> list[HistoryEntry]:
    """The answers as given and the trail, merged in time order; a person is named as the team knew them,
    removed members too, and the owner as the inspection recorded them."""
    names = await tx.teams.names(inspection.team_id)
    names[inspection.inspector_id] = inspection.inspector_name
    entries = [
        HistoryEntry(
            at=inspection.created_at,
            kind=START,
            person_id=inspection.inspector_id,
            person_name=inspection.inspector_name,
            detail=inspection.unit,
        )
    ]
    for answer in await tx.inspections.given_answers(inspection.id):
        detail = f"{item_words(checklist, answer.item_id)}: {answer_words(checklist, answer.item_id, answer.value)}"
        entries.append(
            HistoryEntry(
                at=answer.answered_at,
                kind=ANSWER,
                person_id=answer.answered_by,
                person_name=names.get(answer.answered_by, str(answer.answered_by)),
                detail=f"{detail} ({answer.note})" if answer.note else detail,
            )
        )
    entries += [
        HistoryEntry(at=row.at, kind=row.kind, person_id=row.person_id, person_name=row.person_name, detail=row.detail)
        for row in await tx.trail.of(inspection.id)
    ]
    # Stable: what happened in one transaction keeps the order it was written in.
    return sorted(entries, key=lambda entry: entry.at)


def render_history(inspection: Inspection, entries: list[HistoryEntry]) -> str:
    """One line per event, in Vietnam time, for the operator's terminal."""
    lines = [f"Phiên kiểm tra #{inspection.id} · {inspection.unit or '(chưa nhập đơn vị)'}"]
    for entry in entries:
        what = WORDS.get(entry.kind, entry.kind)
        detail = f": {entry.detail}" if entry.detail else ""
        lines.append(f"{entry.at.astimezone(VIETNAM):%d/%m/%Y %H:%M:%S} · {entry.person_name} · {what}{detail}")
    return "\n".join(lines)
