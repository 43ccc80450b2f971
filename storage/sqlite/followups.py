"""Follow-ups with their history and proof photos, and what a person in a group is answering."""

from __future__ import annotations

from datetime import date

from storage.clock import utcnow
from storage.models import (
    Answer,
    FollowUp,
    FollowUpEvent,
    FollowUpEventKind,
    FollowUpPhoto,
    GroupPrompt,
    Inspection,
    PromptStage,
    SentFile,
)
from storage.sqlite.queries import Queries, timestamp


class SqliteFollowUps(Queries):
    _FOLLOWUP = """SELECT f.*, i.unit AS unit FROM followups f JOIN inspections i ON i.id = f.inspection_id"""

    async def add(self, inspection: Inspection, answer: Answer, due_on: date) -> None:
        row = await self._one(
            """INSERT INTO followups (team_id, inspection_id, area_id, item_id, value, note, due_on, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (inspection_id, item_id) DO NOTHING RETURNING id""",
            (
                inspection.team_id,
                inspection.id,
                answer.area_id,
                answer.item_id,
                answer.value,
                answer.note,
                due_on.isoformat(),
                timestamp(utcnow()),
            ),
        )
        if row is None:
            return
        await self._event(
            int(row[0]),
            FollowUpEventKind.CREATED,
            inspection.inspector_id,
            inspection.inspector_name,
            due_on.isoformat(),
        )

    async def get(self, followup_id: int) -> FollowUp | None:
        row = await self._one(f"{self._FOLLOWUP} WHERE f.id = ?", (followup_id,))
        return FollowUp.model_validate(dict(row)) if row else None

    async def of(self, inspection_id: int) -> list[FollowUp]:
        rows = await self._all(f"{self._FOLLOWUP} WHERE f.inspection_id = ? ORDER BY f.id", (inspection_id,))
        return [FollowUp.model_validate(dict(r)) for r in rows]

    async def open_of_team(self, team_id: int, due_by: date | None = None) -> list[FollowUp]:
        rows = await self._all(
            f"""{self._FOLLOWUP} WHERE f.team_id = ? AND f.status = 'open' AND (? IS NULL OR f.due_on <= ?)
                ORDER BY i.unit, f.due_on, f.id""",
            (team_id, due_by.isoformat() if due_by else None, due_by.isoformat() if due_by else None),
        )
        return [FollowUp.model_validate(dict(r)) for r in rows]

    async def set_due(self, followup_id: int, due_on: date, person_id: int, person_name: str) -> None:
        await self._run(
            "UPDATE followups SET due_on = ?, version = version + 1 WHERE id = ?", (due_on.isoformat(), followup_id)
        )
        await self._event(followup_id, FollowUpEventKind.DUE_CHANGED, person_id, person_name, due_on.isoformat())

    async def mark_done(self, followup_id: int, note: str, person_id: int, person_name: str) -> None:
        await self._run(
            """UPDATE followups SET status = 'done', done_at = ?, done_by = ?, done_by_name = ?, done_note = ?,
                   version = version + 1 WHERE id = ? AND status = 'open'""",
            (timestamp(utcnow()), person_id, person_name, note, followup_id),
        )
        await self._event(followup_id, FollowUpEventKind.DONE, person_id, person_name, note)

    async def reopen(
        self, followup_id: int, answer: Answer, due_on: date, person_id: int, person_name: str, reason: str
    ) -> None:
        await self._run(
            """UPDATE followups SET status = 'open', value = ?, note = ?, due_on = ?, done_at = NULL, done_by = NULL,
                   done_by_name = NULL, done_note = NULL, version = version + 1 WHERE id = ?""",
            (answer.value, answer.note, due_on.isoformat(), followup_id),
        )
        await self._event(followup_id, FollowUpEventKind.REOPENED, person_id, person_name, reason)

    async def bump(self, followup_id: int) -> None:
        await self._run("UPDATE followups SET version = version + 1 WHERE id = ?", (followup_id,))

    async def add_photo(self, followup_id: int, photo: SentFile) -> None:
        row = {"followup_id": followup_id, **photo.model_dump(), "received_at": timestamp(utcnow())}
        await self._insert_row("followup_photos", row)
        await self._event(followup_id, FollowUpEventKind.PHOTO, photo.sender_id, photo.sender_name, photo.sha256)

    async def photos(self, followup_id: int) -> list[FollowUpPhoto]:
        rows = await self._all("SELECT * FROM followup_photos WHERE followup_id = ? ORDER BY id", (followup_id,))
        return [FollowUpPhoto.model_validate(dict(r)) for r in rows]

    async def events(self, followup_id: int) -> list[FollowUpEvent]:
        rows = await self._all(
            """SELECT followup_id, kind, person_id, person_name, detail, at FROM followup_events
               WHERE followup_id = ? ORDER BY id""",
            (followup_id,),
        )
        return [FollowUpEvent.model_validate(dict(r)) for r in rows]

    async def _event(
        self, followup_id: int, kind: FollowUpEventKind, person_id: int, person_name: str, detail: str | None
    ) -> None:
        await self._run(
            """INSERT INTO followup_events (followup_id, kind, person_id, person_name, detail, at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (followup_id, kind.value, person_id, person_name, detail, timestamp(utcnow())),
        )

    async def set_prompt(self, chat_id: int, person_id: int, followup_id: int, stage: PromptStage) -> None:
        await self._run(
            """INSERT INTO group_prompts (chat_id, person_id, followup_id, stage, created_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (chat_id, person_id) DO UPDATE SET followup_id = excluded.followup_id, round_id = NULL,
                   stage = excluded.stage, created_at = excluded.created_at""",
            (chat_id, person_id, followup_id, stage.value, timestamp(utcnow())),
        )

    async def prompt_of(self, chat_id: int, person_id: int) -> GroupPrompt | None:
        row = await self._one("SELECT * FROM group_prompts WHERE chat_id = ? AND person_id = ?", (chat_id, person_id))
        return GroupPrompt.model_validate(dict(row)) if row else None

    async def clear_prompt(self, chat_id: int, person_id: int) -> None:
        await self._run("DELETE FROM group_prompts WHERE chat_id = ? AND person_id = ?", (chat_id, person_id))
