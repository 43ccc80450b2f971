"""Inspections with their cursor, answers and remarks, and the checklists they use."""

from __future__ import annotations

from datetime import datetime

from storage.clock import utcnow
from storage.models import (
    Answer,
    Inspection,
    NewInspection,
    Remark,
    RemarkKind,
    Stage,
    Status,
)
from storage.port import StoreError
from storage.sqlite.queries import Queries, timestamp


class SqliteInspections(Queries):
    async def register_checklist(self, checklist_id: str, version: int, body: str) -> None:
        row = await self._one("SELECT body FROM checklists WHERE id = ? AND version = ?", (checklist_id, version))
        if row is None:
            await self._run(
                "INSERT INTO checklists (id, version, body, loaded_at) VALUES (?, ?, ?, ?)",
                (checklist_id, version, body, timestamp(utcnow())),
            )
        elif row["body"] != body:
            raise StoreError(
                f"Checklist '{checklist_id}' phiên bản {version} đã khác với bản đã dùng trước đây; "
                "hãy tăng 'version' khi sửa nội dung để các phiên cũ giữ nguyên câu hỏi."
            )

    async def checklist_body(self, checklist_id: str, version: int) -> str | None:
        row = await self._one("SELECT body FROM checklists WHERE id = ? AND version = ?", (checklist_id, version))
        return str(row["body"]) if row else None

    async def latest_checklist_body(self, checklist_id: str) -> str | None:
        row = await self._one("SELECT body FROM checklists WHERE id = ? ORDER BY version DESC LIMIT 1", (checklist_id,))
        return str(row["body"]) if row else None

    async def create(self, new: NewInspection) -> Inspection:
        now = timestamp(utcnow())
        row = {**new.model_dump(), "status": Status.DRAFT.value, "stage": Stage.UNIT.value}
        inspection_id = await self._insert_row("inspections", {**row, "created_at": now, "updated_at": now})
        inspection = await self.get(inspection_id)
        assert inspection is not None
        return inspection

    async def get(self, inspection_id: int) -> Inspection | None:
        row = await self._one("SELECT * FROM inspections WHERE id = ?", (inspection_id,))
        return Inspection.model_validate(dict(row)) if row else None

    async def draft_of(self, inspector_id: int) -> Inspection | None:
        row = await self._one("SELECT * FROM inspections WHERE inspector_id = ? AND status = 'draft'", (inspector_id,))
        if row is not None:
            return Inspection.model_validate(dict(row))
        return await self._seat(inspector_id)

    async def _seat(self, user_id: int, inspection_id: int | None = None) -> Inspection | None:
        """The draft someone joined, with their own cursor in place of the owner's."""
        row = await self._one(
            """SELECT i.*, p.stage AS seat_stage, p.pos AS seat_pos, p.step AS seat_step FROM participants p
               JOIN inspections i ON i.id = p.inspection_id
               WHERE p.user_id = ? AND p.left_at IS NULL AND i.status = 'draft' AND (? IS NULL OR i.id = ?)
               ORDER BY p.joined_at DESC LIMIT 1""",
            (user_id, inspection_id, inspection_id),
        )
        if row is None:
            return None
        seat = dict(row)
        cursor = {"stage": seat.pop("seat_stage"), "pos": seat.pop("seat_pos"), "step": seat.pop("seat_step")}
        return Inspection.model_validate({**seat, **cursor, "seat_of": user_id})

    async def move(self, inspection: Inspection, stage: Stage, pos: int | None = None) -> Inspection:
        now, target = timestamp(utcnow()), inspection.pos if pos is None else pos
        if inspection.seat_of is None:
            await self._run(
                "UPDATE inspections SET stage = ?, pos = ?, step = step + 1, updated_at = ? WHERE id = ?",
                (stage.value, target, now, inspection.id),
            )
            moved = await self.get(inspection.id)
        else:
            await self._run(
                "UPDATE participants SET stage = ?, pos = ?, step = step + 1 WHERE inspection_id = ? AND user_id = ?",
                (stage.value, target, inspection.id, inspection.seat_of),
            )
            await self._run("UPDATE inspections SET updated_at = ? WHERE id = ?", (now, inspection.id))
            moved = await self._seat(inspection.seat_of, inspection.id)
        assert moved is not None
        return moved

    async def set_unit(self, inspection_id: int, unit: str) -> None:
        await self._run(
            "UPDATE inspections SET unit = ?, updated_at = ? WHERE id = ?", (unit, timestamp(utcnow()), inspection_id)
        )

    async def set_location(self, inspection_id: int, latitude: float, longitude: float) -> None:
        await self._run(
            "UPDATE inspections SET latitude = ?, longitude = ?, updated_at = ? WHERE id = ?",
            (latitude, longitude, timestamp(utcnow()), inspection_id),
        )

    async def finish(self, inspection_id: int, status: Status) -> None:
        now = timestamp(utcnow())
        submitted = now if status is Status.SUBMITTED else None
        await self._run(
            """UPDATE inspections SET status = ?, submitted_at = ?, step = step + 1, updated_at = ?
               WHERE id = ? AND status = 'draft'""",
            (status.value, submitted, now, inspection_id),
        )

    async def recent_units(self, team_id: int, limit: int = 5) -> list[tuple[int, str]]:
        rows = await self._all(
            """SELECT MAX(id) AS id, unit FROM inspections
               WHERE team_id = ? AND unit IS NOT NULL AND status != 'cancelled'
               GROUP BY unit ORDER BY MAX(id) DESC LIMIT ?""",
            (team_id, limit),
        )
        return [(int(r["id"]), str(r["unit"])) for r in rows]

    async def submitted_of_team(self, team_id: int, limit: int = 200) -> list[Inspection]:
        rows = await self._all(
            """SELECT * FROM inspections WHERE team_id = ? AND status = 'submitted'
               ORDER BY submitted_at DESC, id DESC LIMIT ?""",
            (team_id, limit),
        )
        return [Inspection.model_validate(dict(r)) for r in rows]

    async def submitted_in_round(self, round_id: int) -> list[Inspection]:
        rows = await self._all(
            """SELECT * FROM inspections WHERE round_id = ? AND status = 'submitted'
               ORDER BY submitted_at, id""",
            (round_id,),
        )
        return [Inspection.model_validate(dict(r)) for r in rows]

    async def drafts_in_round(self, round_id: int) -> list[Inspection]:
        rows = await self._all(
            "SELECT * FROM inspections WHERE round_id = ? AND status = 'draft' ORDER BY id", (round_id,)
        )
        return [Inspection.model_validate(dict(r)) for r in rows]

    async def drafts_of_team(self, team_id: int) -> list[Inspection]:
        rows = await self._all(
            "SELECT * FROM inspections WHERE team_id = ? AND status = 'draft' ORDER BY id", (team_id,)
        )
        return [Inspection.model_validate(dict(r)) for r in rows]

    async def idle_drafts(self, untouched_since: datetime) -> list[Inspection]:
        rows = await self._all(
            "SELECT * FROM inspections WHERE status = 'draft' AND updated_at < ? ORDER BY id",
            (timestamp(untouched_since),),
        )
        return [Inspection.model_validate(dict(r)) for r in rows]

    async def submitted_with_answers(self, team_id: int) -> list[tuple[Inspection, dict[str, Answer]]]:
        inspections = await self._all(
            """SELECT * FROM inspections WHERE team_id = ? AND status = 'submitted' ORDER BY submitted_at, id""",
            (team_id,),
        )
        rows = await self._all(
            """SELECT a.inspection_id, a.item_id, a.area_id, a.value, a.note, a.answered_by, a.answered_at, a.amended
               FROM current_answers a JOIN inspections i ON i.id = a.inspection_id
               WHERE i.team_id = ? AND i.status = 'submitted'""",
            (team_id,),
        )
        answers: dict[int, dict[str, Answer]] = {}
        for row in rows:
            answers.setdefault(int(row["inspection_id"]), {})[str(row["item_id"])] = Answer.model_validate(dict(row))
        found = [Inspection.model_validate(dict(row)) for row in inspections]
        return [(inspection, answers.get(inspection.id, {})) for inspection in found]

    async def save_answer(self, inspection_id: int, area_id: str, item_id: str, value: str, answered_by: int) -> None:
        await self._run(
            """INSERT INTO answers (inspection_id, item_id, area_id, value, note, answered_by, answered_at)
               VALUES (?, ?, ?, ?, NULL, ?, ?)
               ON CONFLICT (inspection_id, item_id) DO UPDATE SET
                   value = excluded.value, note = NULL, answered_by = excluded.answered_by,
                   answered_at = excluded.answered_at""",
            (inspection_id, item_id, area_id, value, answered_by, timestamp(utcnow())),
        )

    async def save_note(self, inspection_id: int, item_id: str, note: str | None) -> None:
        await self._run(
            "UPDATE answers SET note = ? WHERE inspection_id = ? AND item_id = ?", (note, inspection_id, item_id)
        )

    async def delete_answer(self, inspection_id: int, item_id: str) -> None:
        await self._run("DELETE FROM answers WHERE inspection_id = ? AND item_id = ?", (inspection_id, item_id))

    async def answers(self, inspection_id: int) -> dict[str, Answer]:
        rows = await self._all(
            """SELECT item_id, area_id, value, note, answered_by, answered_at, amended FROM current_answers
               WHERE inspection_id = ?""",
            (inspection_id,),
        )
        return {str(r["item_id"]): Answer.model_validate(dict(r)) for r in rows}

    async def given_answers(self, inspection_id: int) -> list[Answer]:
        rows = await self._all(
            """SELECT item_id, area_id, value, note, answered_by, answered_at FROM answers
               WHERE inspection_id = ? ORDER BY answered_at""",
            (inspection_id,),
        )
        return [Answer.model_validate(dict(r)) for r in rows]

    async def answer(self, inspection_id: int, item_id: str) -> Answer | None:
        row = await self._one(
            """SELECT item_id, area_id, value, note, answered_by, answered_at, amended FROM current_answers
               WHERE inspection_id = ? AND item_id = ?""",
            (inspection_id, item_id),
        )
        return Answer.model_validate(dict(row)) if row else None

    async def add_remark(self, inspection_id: int, kind: RemarkKind, text: str) -> None:
        await self._run(
            "INSERT INTO remarks (inspection_id, kind, text, created_at) VALUES (?, ?, ?, ?)",
            (inspection_id, kind.value, text, timestamp(utcnow())),
        )

    async def remarks(self, inspection_id: int) -> list[Remark]:
        rows = await self._all(
            "SELECT kind, text, created_at FROM remarks WHERE inspection_id = ? ORDER BY id", (inspection_id,)
        )
        return [Remark.model_validate(dict(r)) for r in rows]
