"""People and chats of every channel: the bot's id for each, its channel, and a person's language."""

from __future__ import annotations

from storage.clock import utcnow
from storage.models import Identity, Title
from storage.sqlite.queries import Queries, timestamp

# Ids the bot makes up itself (for channels whose ids are not integers) start here, far above any
# Telegram id (those stay below 2^53), so both kinds share one column.
MADE_UP_IDS = 1 << 60


class SqlitePeople(Queries):
    async def identity(self, channel: str, external_id: str, native: int | None = None) -> int:
        row = await self._one(
            "SELECT chat_id FROM identities WHERE channel = ? AND external_id = ?", (channel, external_id)
        )
        if row is not None:
            return int(row[0])
        if native is not None:
            await self._run(
                "INSERT INTO identities (channel, external_id, chat_id) VALUES (?, ?, ?)",
                (channel, external_id, native),
            )
            return native
        row_id = await self._insert(
            "INSERT INTO identities (channel, external_id) VALUES (?, ?)", (channel, external_id)
        )
        await self._run("UPDATE identities SET chat_id = ? WHERE id = ?", (MADE_UP_IDS + row_id, row_id))
        return MADE_UP_IDS + row_id

    async def identity_of(self, chat_id: int) -> Identity | None:
        row = await self._one("SELECT chat_id, channel, external_id FROM identities WHERE chat_id = ?", (chat_id,))
        return Identity.model_validate(dict(row)) if row else None

    async def set_language(self, person_id: int, lang: str) -> None:
        await self._run(
            """INSERT INTO people (person_id, lang) VALUES (?, ?)
               ON CONFLICT (person_id) DO UPDATE SET lang = excluded.lang""",
            (person_id, lang),
        )

    async def language_of(self, person_id: int) -> str | None:
        row = await self._one("SELECT lang FROM people WHERE person_id = ?", (person_id,))
        return str(row[0]) if row else None

    async def set_title(self, person_id: int, title: Title) -> None:
        await self._run(
            """INSERT INTO person_titles (person_id, position, salutation, updated_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (person_id) DO UPDATE SET
                   position = excluded.position, salutation = excluded.salutation, updated_at = excluded.updated_at""",
            (person_id, title.position, title.salutation, timestamp(utcnow())),
        )

    async def title_of(self, person_id: int) -> Title:
        row = await self._one("SELECT position, salutation FROM person_titles WHERE person_id = ?", (person_id,))
        return Title.model_validate(dict(row)) if row else Title()
