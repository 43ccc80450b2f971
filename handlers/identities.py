"""The bot's id for each person and chat of a channel, and the channel behind each id.

Both never change once recorded, so they are kept in memory after the first lookup: a channel pays
one small transaction the first time it sees someone, and nothing after that.
"""

from __future__ import annotations

from storage.models import Identity
from storage.port import Store


class Identities:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._ids: dict[tuple[str, str], int] = {}
        self._of: dict[int, Identity] = {}

    async def ids(self, channel: str, externals: list[str], *, native: bool = False) -> list[int]:
        """The bot's ids for these external ids of `channel`, recorded if new; with `native`, the
        external ids are integers the bot keeps as its own (Telegram's)."""
        missing = [external for external in externals if (channel, external) not in self._ids]
        if missing:
            async with self.store.transaction() as tx:
                for external in missing:
                    kept = int(external) if native else None
                    self._ids[channel, external] = await tx.people.identity(channel, external, kept)
        return [self._ids[channel, external] for external in externals]

    async def of(self, chat_id: int) -> Identity | None:
        """Which channel carries this chat, and its id there; None for an id no channel has recorded."""
        known = self._of.get(chat_id)
        if known is None:
            async with self.store.reading() as tx:
                known = await tx.people.identity_of(chat_id)
            if known is not None:
                self._of[chat_id] = known
        return known
