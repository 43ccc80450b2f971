"""Inspection rounds."""

from __future__ import annotations

from storage.clock import utcnow
from storage.models import PromptStage, Round
from storage.sqlite.queries import Queries, timestamp


class SqliteRounds(Queries):
    async def open(self, team_id: int, name: str, person_id: int, person_name: str, checklist_id: str) -> Round:
        round_id = await self._insert(
            """INSERT INTO rounds (team_id, name, opened_by, opened_by_name, opened_at, checklist_id)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (team_id, name, person_id, person_name, timestamp(utcnow()), checklist_id),
        )
        opened = await self.get(round_id)
        assert opened is not None
        return opened

    async def get(self, round_id: int) -> Round | None:
        row = await self._one("SELECT * FROM rounds WHERE id = ?", (round_id,))
        return Round.model_validate(dict(row)) if row else None

    async def open_of(self, team_id: int) -> Round | None:
        row = await self._one("SELECT * FROM rounds WHERE team_id = ? AND closed_at IS NULL", (team_id,))
        return Round.model_validate(dict(row)) if row else None

    async def latest_of(self, team_id: int) -> Round | None:
        row = await self._one(
            "SELECT * FROM rounds WHERE team_id = ? ORDER BY closed_at IS NOT NULL, opened_at DESC, id DESC LIMIT 1",
            (team_id,),
        )
        return Round.model_validate(dict(row)) if row else None

    async def close(self, round_id: int, person_id: int) -> bool:
        changed = await self._run(
            "UPDATE rounds SET closed_by = ?, closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (person_id, timestamp(utcnow()), round_id),
        )
        return changed != 0

    async def set_basis(self, round_id: int, basis: str | None) -> None:
        await self._run("UPDATE rounds SET basis = ? WHERE id = ?", (basis, round_id))

    async def set_checklist(self, round_id: int, checklist_id: str) -> None:
        await self._run("UPDATE rounds SET checklist_id = ? WHERE id = ?", (checklist_id, round_id))

    async def ask_basis(self, chat_id: int, person_id: int, round_id: int) -> None:
        await self._run(
            """INSERT INTO group_prompts (chat_id, person_id, round_id, stage, created_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (chat_id, person_id) DO UPDATE SET followup_id = NULL, round_id = excluded.round_id,
                   stage = excluded.stage, created_at = excluded.created_at""",
            (chat_id, person_id, round_id, PromptStage.BASIS.value, timestamp(utcnow())),
        )
