"""Updates made durable: committed before the channel is told they arrived, done once handled.

Telegram confirms an update with the offset of the next getUpdates (or the webhook's answer), Zalo
forgets it once handed out; either way an update the bot has not committed yet would be lost by a
crash. Each channel commits here first, processes afterwards, and at start replays what a previous
run committed but did not finish. The engine deletes the row in the same transaction that records the
update as processed; `done_soon` covers updates that never reach the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from storage.models import InboxRow
from storage.port import Store

log = logging.getLogger(__name__)

# Updates of a flood are finished together, a moment after they were dropped: one write for many.
DONE_SOON_SECONDS = 0.2


class DurableInbox:
    def __init__(self, store: Store, prefix: str) -> None:
        """`prefix` starts every key of the channel (`tg:`, `zalo:`), so each replays only its own."""
        self.store = store
        self.prefix = prefix
        self._soon: set[str] = set()
        self._flush: asyncio.Task[None] | None = None

    async def keep_many(self, rows: list[tuple[str, str]]) -> None:
        """(key, body) of updates, committed in one transaction."""
        async with self.store.transaction() as tx:
            await tx.delivery.inbox_add(rows)

    async def waiting(self) -> list[InboxRow]:
        async with self.store.reading() as tx:
            return await tx.delivery.inbox_pending(self.prefix)

    def done_soon(self, key: str) -> None:
        """Finished with the other keys of the moment in one transaction; a crash before it only replays
        them once more (an update the engine recorded as processed then changes nothing)."""
        self._soon.add(key)
        if self._flush is None:
            self._flush = asyncio.create_task(self._finish_soon(), name="inbox:done")

    async def _finish_soon(self) -> None:
        try:
            await asyncio.sleep(DONE_SOON_SECONDS)
            keys, self._soon = self._soon, set()
            async with self.store.transaction() as tx:
                await tx.delivery.inbox_done(keys)
        except Exception:
            log.exception("dropped updates could not be finished; they will be replayed")
        finally:
            self._flush = None
            if self._soon:
                self._flush = asyncio.create_task(self._finish_soon(), name="inbox:done")

    async def close(self) -> None:
        """Finishes what was dropped before the store closes."""
        if self._flush is not None:
            with contextlib.suppress(Exception):
                await self._flush
