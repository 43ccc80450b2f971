"""People and chats of every channel: their ids and their language."""

from __future__ import annotations

from storage.sqlite.queries import Queries


class SqlitePeople(Queries):
    async def identity(self, channel: str, external_id: str) -> int:
        await self._run("INSERT OR IGNORE INTO identities (channel, external_id) VALUES (?, ?)", (channel, external_id))
        row = await self._one("SELECT id FROM identities WHERE channel = ? AND external_id = ?", (channel, external_id))
        assert row is not None
        return int(row[0])

    async def external_id(self, identity_id: int) -> tuple[str, str] | None:
        row = await self._one("SELECT channel, external_id FROM identities WHERE id = ?", (identity_id,))
        return (str(row[0]), str(row[1])) if row else None

    async def set_language(self, person_id: int, lang: str) -> None:
        await self._run(
            """INSERT INTO people (person_id, lang) VALUES (?, ?)
               ON CONFLICT (person_id) DO UPDATE SET lang = excluded.lang""",
            (person_id, lang),
        )

    async def language_of(self, person_id: int) -> str | None:
        row = await self._one("SELECT lang FROM people WHERE person_id = ?", (person_id,))
        return str(row[0]) if row else None
