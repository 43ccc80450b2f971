"""Updates made durable: committed before the channel is told they arrived, done once handled.

Telegram confirms an update with the offset of the next getUpdates (or the webhook's answer), Zalo
forgets it once handed out; either way an update the bot has not committed yet would be lost by a
crash. Each channel commits here first, processes afterwards, and at start replays what a previous
run committed but did not finish. The engine deletes the row in the same transaction that records the
update as processed; `done` covers updates that never reach the engine.
"""

from __future__ import annotations

from storage.models import InboxRow
from storage.port import Store


class DurableInbox:
    def __init__(self, store: Store, prefix: str) -> None:
        """`prefix` starts every key of the channel (`tg:`, `zalo:`), so each replays only its own."""
        self.store = store
        self.prefix = prefix

    async def keep(self, key: str, body: str) -> None:
        async with self.store.transaction() as tx:
            await tx.delivery.inbox_add(key, body)

    async def waiting(self) -> list[InboxRow]:
        async with self.store.transaction() as tx:
            return await tx.delivery.inbox_pending(self.prefix)

    async def done(self, key: str) -> None:
        async with self.store.transaction() as tx:
            await tx.delivery.inbox_done(key)
