"""python-telegram-bot's update queue, made durable.

The polling Updater confirms a batch to Telegram (with the offset of its next getUpdates) right
after putting the batch on this queue, and the webhook handler answers Telegram's request right
after putting the update here. Committing each update to the inbox inside `put` therefore closes
the window in which a crash would lose an update Telegram already considers delivered.
"""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Bot, Update

from handlers.inbox import DurableInbox
from handlers.telegram.convert import TELEGRAM_KEY_PREFIX, update_key
from storage.port import Store

log = logging.getLogger(__name__)


class InboxQueue(asyncio.Queue[object]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.inbox = DurableInbox(store, TELEGRAM_KEY_PREFIX)

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            await self.inbox.keep(update_key(item), json.dumps(item.to_dict(), ensure_ascii=False))
        await super().put(item)

    async def replay(self, bot: Bot) -> int:
        """Queues what a previous run committed but did not finish, before any new update arrives."""
        rows = await self.inbox.waiting()
        for row in rows:
            await super().put(Update.de_json(json.loads(row.body), bot))
        if rows:
            log.info("replaying %d updates left unprocessed by the previous run", len(rows))
        return len(rows)

    async def done(self, update: Update) -> None:
        """For updates that never reach the engine (service messages, bots, a handler that failed)."""
        await self.inbox.done(update_key(update))
