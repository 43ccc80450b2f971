"""Shared inspections: who joined whose inspection, who holds which area, and the group's invitation."""

from __future__ import annotations

from datetime import datetime

from storage.clock import utcnow
from storage.models import AreaHold, Participant, SharedPost, Stage
from storage.sqlite.queries import Queries, timestamp


class SqliteSharing(Queries):
    async def post(self, inspection_id: int, chat_id: int) -> None:
        """A new invitation replaces the old one: its message is not known until someone taps it."""
        await self._run(
            """INSERT INTO shared_posts (inspection_id, chat_id, message_id, next_edit_at, posted_at)
               VALUES (?, ?, NULL, NULL, ?)
               ON CONFLICT (inspection_id) DO UPDATE SET
                   chat_id = excluded.chat_id, message_id = NULL, next_edit_at = NULL,
                   posted_at = excluded.posted_at""",
            (inspection_id, chat_id, timestamp(utcnow())),
        )
        await self._run("UPDATE inspections SET shared = 1 WHERE id = ?", (inspection_id,))

    async def post_of(self, inspection_id: int) -> SharedPost | None:
        row = await self._one(
            "SELECT inspection_id, chat_id, message_id, next_edit_at FROM shared_posts WHERE inspection_id = ?",
            (inspection_id,),
        )
        return SharedPost.model_validate(dict(row)) if row else None

    async def seen_post(self, inspection_id: int, chat_id: int, message_id: int) -> None:
        await self._run(
            "UPDATE shared_posts SET message_id = ? WHERE inspection_id = ? AND chat_id = ?",
            (message_id, inspection_id, chat_id),
        )

    async def post_edited(self, inspection_id: int, next_edit_at: datetime) -> None:
        await self._run(
            "UPDATE shared_posts SET next_edit_at = ? WHERE inspection_id = ?",
            (timestamp(next_edit_at), inspection_id),
        )

    async def join(self, inspection_id: int, user_id: int, name: str) -> Participant:
        await self._run(
            """INSERT INTO participants (inspection_id, user_id, name, stage, pos, step, joined_at)
               VALUES (?, ?, ?, ?, 0, 0, ?)
               ON CONFLICT (inspection_id, user_id) DO UPDATE SET
                   name = excluded.name, stage = excluded.stage, pos = 0, step = step + 1,
                   joined_at = excluded.joined_at, left_at = NULL""",
            (inspection_id, user_id, name, Stage.AREAS.value, timestamp(utcnow())),
        )
        joined = await self.participant(inspection_id, user_id)
        assert joined is not None
        return joined

    async def participant(self, inspection_id: int, user_id: int) -> Participant | None:
        row = await self._one(
            "SELECT * FROM participants WHERE inspection_id = ? AND user_id = ?", (inspection_id, user_id)
        )
        return Participant.model_validate(dict(row)) if row else None

    async def participants(self, inspection_id: int) -> list[Participant]:
        rows = await self._all(
            "SELECT * FROM participants WHERE inspection_id = ? ORDER BY joined_at, user_id", (inspection_id,)
        )
        return [Participant.model_validate(dict(r)) for r in rows]

    async def leave(self, inspection_id: int, user_id: int) -> list[str]:
        """The areas handed back."""
        areas = [
            str(r["area_id"])
            for r in await self._all(
                "SELECT area_id FROM area_holds WHERE inspection_id = ? AND user_id = ? ORDER BY area_id",
                (inspection_id, user_id),
            )
        ]
        await self._run("DELETE FROM area_holds WHERE inspection_id = ? AND user_id = ?", (inspection_id, user_id))
        await self._run(
            "UPDATE participants SET left_at = ?, step = step + 1 WHERE inspection_id = ? AND user_id = ?",
            (timestamp(utcnow()), inspection_id, user_id),
        )
        return areas

    async def holds(self, inspection_id: int) -> dict[str, AreaHold]:
        rows = await self._all(
            "SELECT area_id, user_id, name, taken_at FROM area_holds WHERE inspection_id = ?", (inspection_id,)
        )
        return {str(r["area_id"]): AreaHold.model_validate(dict(r)) for r in rows}

    async def take(self, inspection_id: int, area_id: str, user_id: int, name: str) -> bool:
        """False when someone holds it already: of two presses at once, one takes it."""
        changed = await self._run(
            """INSERT INTO area_holds (inspection_id, area_id, user_id, name, taken_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (inspection_id, area_id) DO NOTHING""",
            (inspection_id, area_id, user_id, name, timestamp(utcnow())),
        )
        return changed > 0

    async def release(self, inspection_id: int, area_id: str) -> None:
        await self._run("DELETE FROM area_holds WHERE inspection_id = ? AND area_id = ?", (inspection_id, area_id))
