"""Teams and their members."""

from __future__ import annotations

from datetime import datetime

from storage.clock import utcnow
from storage.models import (
    Member,
    Role,
    Team,
)
from storage.sqlite.queries import Queries, timestamp

# A member with what they said about themselves for the documents (/chucvu, /xungho).
MEMBER_COLUMNS = "team_id, user_id, role, name, position, salutation"
WITH_TITLES = "LEFT JOIN person_titles ON person_titles.person_id = members.user_id"


class SqliteTeams(Queries):
    async def create(
        self, name: str, group_chat_id: int, lead_id: int, lead_name: str, code: str, join_code: str
    ) -> Team:
        now = timestamp(utcnow())
        team_id = await self._insert(
            """INSERT INTO teams (name, group_chat_id, lead_id, invite_code, join_code, created_at, codes_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (name, group_chat_id, lead_id, code, join_code, now, now),
        )
        await self._run(
            "INSERT INTO members (team_id, user_id, role, name, joined_at) VALUES (?, ?, ?, ?, ?)",
            (team_id, lead_id, Role.LEAD.value, lead_name, now),
        )
        team = await self.get(team_id)
        assert team is not None
        return team

    async def _where(self, column: str, value: object) -> Team | None:
        """`column` is one of this class's own literals, never a caller's text."""
        row = await self._one(f"SELECT * FROM teams WHERE {column} = ?", (value,))
        return Team.model_validate(dict(row)) if row else None

    async def get(self, team_id: int) -> Team | None:
        return await self._where("id", team_id)

    async def by_group(self, group_chat_id: int) -> Team | None:
        return await self._where("group_chat_id", group_chat_id)

    async def by_invite(self, code: str) -> Team | None:
        return await self._where("invite_code", code)

    async def by_join_code(self, code: str) -> Team | None:
        return await self._where("join_code", code.upper())

    async def join_code_taken(self, code: str) -> bool:
        return await self._one("SELECT 1 FROM teams WHERE join_code = ?", (code,)) is not None

    async def new_codes(self, team_id: int, code: str, join_code: str) -> Team:
        await self._run(
            "UPDATE teams SET invite_code = ?, join_code = ?, codes_at = ? WHERE id = ?",
            (code, join_code, timestamp(utcnow()), team_id),
        )
        team = await self.get(team_id)
        assert team is not None
        return team

    async def move_group(self, old_chat_id: int, new_chat_id: int) -> None:
        await self._run("UPDATE teams SET group_chat_id = ? WHERE group_chat_id = ?", (new_chat_id, old_chat_id))

    async def all(self) -> list[Team]:
        rows = await self._all("SELECT * FROM teams ORDER BY id")
        return [Team.model_validate(dict(r)) for r in rows]

    async def members(self, team_id: int) -> list[Member]:
        rows = await self._all(
            f"""SELECT {MEMBER_COLUMNS} FROM members {WITH_TITLES} WHERE team_id = ? AND removed_at IS NULL
                ORDER BY role = 'inspector', joined_at, user_id""",
            (team_id,),
        )
        return [Member.model_validate(dict(r)) for r in rows]

    async def add_member(self, team_id: int, user_id: int, name: str, joined_at: datetime) -> None:
        await self._run(
            """INSERT INTO members (team_id, user_id, role, name, joined_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (team_id, user_id) DO UPDATE SET
                   name = excluded.name, joined_at = excluded.joined_at, removed_at = NULL, removed_by = NULL""",
            (team_id, user_id, Role.INSPECTOR.value, name, timestamp(joined_at)),
        )
        await self._roster_changed(team_id)

    async def joined_after(self, team_id: int, moment: datetime) -> list[str]:
        rows = await self._all(
            """SELECT name FROM members WHERE team_id = ? AND joined_at > ? AND removed_at IS NULL
               ORDER BY joined_at, user_id""",
            (team_id, timestamp(moment)),
        )
        return [str(r["name"]) for r in rows]

    async def joins_told(self, team_id: int, at: datetime) -> None:
        await self._run("UPDATE teams SET joins_told_at = ? WHERE id = ?", (timestamp(at), team_id))

    async def remove_member(self, team_id: int, user_id: int, removed_by: int) -> None:
        await self._run(
            """UPDATE members SET removed_at = ?, removed_by = ?
               WHERE team_id = ? AND user_id = ? AND removed_at IS NULL""",
            (timestamp(utcnow()), removed_by, team_id, user_id),
        )
        await self._roster_changed(team_id)

    async def _roster_changed(self, team_id: int) -> None:
        await self._run("UPDATE teams SET roster_version = roster_version + 1 WHERE id = ?", (team_id,))

    async def membership(self, team_id: int, user_id: int) -> Member | None:
        row = await self._one(
            f"""SELECT {MEMBER_COLUMNS} FROM members {WITH_TITLES}
                WHERE team_id = ? AND user_id = ? AND removed_at IS NULL""",
            (team_id, user_id),
        )
        return Member.model_validate(dict(row)) if row else None

    async def names(self, team_id: int) -> dict[int, str]:
        rows = await self._all("SELECT user_id, name FROM members WHERE team_id = ?", (team_id,))
        return {int(r["user_id"]): str(r["name"]) for r in rows}

    async def removed_at(self, team_id: int, user_id: int) -> datetime | None:
        row = await self._one(
            "SELECT removed_at FROM members WHERE team_id = ? AND user_id = ? AND removed_at IS NOT NULL",
            (team_id, user_id),
        )
        return datetime.fromisoformat(str(row[0])) if row else None

    async def latest_of(self, user_id: int) -> Team | None:
        row = await self._one(
            """SELECT t.* FROM teams t JOIN members m ON m.team_id = t.id
               WHERE m.user_id = ? AND m.removed_at IS NULL ORDER BY m.joined_at DESC, t.id DESC LIMIT 1""",
            (user_id,),
        )
        return Team.model_validate(dict(row)) if row else None

    async def join_failures_since(self, person_id: int, since: datetime) -> list[datetime]:
        rows = await self._all(
            "SELECT at FROM join_failures WHERE person_id = ? AND at >= ? ORDER BY at", (person_id, timestamp(since))
        )
        return [datetime.fromisoformat(str(row[0])) for row in rows]

    async def record_join_failure(self, person_id: int, at: datetime, forget_before: datetime) -> None:
        await self._run("DELETE FROM join_failures WHERE at < ?", (timestamp(forget_before),))
        await self._run("INSERT INTO join_failures (person_id, at) VALUES (?, ?)", (person_id, timestamp(at)))
