"""python-telegram-bot's updates, made durable before Telegram is told they arrived.

Polling: Telegram confirms a batch when the next getUpdates asks for the offset after it, and the
Updater asks right after putting the batch on the update queue. So the bot's `get_updates` commits the
whole batch it fetched (up to 100 updates) in one transaction before returning it (`DurableBot`).
Webhook: the handler answers Telegram's request right after `put`, so `put` commits a webhook's update
itself. Either way nothing Telegram considers delivered can be lost by a crash.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Update
from telegram.ext import ExtBot

from handlers.inbox import DurableInbox
from handlers.telegram.convert import TELEGRAM_KEY_PREFIX, update_key
from storage.port import Store

log = logging.getLogger(__name__)


def _body(update: Update) -> str:
    return json.dumps(update.to_dict(), ensure_ascii=False)


class InboxQueue(asyncio.Queue[object]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.inbox = DurableInbox(store, TELEGRAM_KEY_PREFIX)
        self._kept: set[str] = set()

    async def keep_batch(self, updates: Sequence[Update]) -> None:
        """One transaction for a whole getUpdates batch."""
        rows = [(update_key(update), _body(update)) for update in updates]
        await self.inbox.keep_many(rows)
        self._kept.update(key for key, _ in rows)

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            key = update_key(item)
            if key in self._kept:
                self._kept.discard(key)
            else:
                await self.inbox.keep_many([(key, _body(item))])
        await super().put(item)

    async def replay(self, bot: Bot) -> int:
        """Queues what a previous run committed but did not finish, before any new update arrives."""
        rows = await self.inbox.waiting()
        for row in rows:
            await super().put(Update.de_json(json.loads(row.body), bot))
        if rows:
            log.info("replaying %d updates left unprocessed by the previous run", len(rows))
        return len(rows)

    def done(self, update: Update) -> None:
        """For updates that never reach the engine (service messages, bots, a handler that failed), and
        for those of a flood, dropped unprocessed: finished with the others of the moment in one write.
        The engine removes the row of an update it handles itself, in the transaction that records it."""
        self.inbox.done_soon(update_key(update))


class DurableBot(ExtBot[Any]):
    """The bot python-telegram-bot's Updater polls with: each batch is committed as it arrives."""

    __slots__ = ("_updates",)

    def __init__(self, updates: InboxQueue, token: str, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        with self._unfrozen():
            self._updates = updates

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        if updates:
            await self._updates.keep_batch(updates)
        return updates
