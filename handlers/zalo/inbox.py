"""Zalo updates made durable, then handled in a lane per person.

Zalo forgets an update once it has handed it out (getUpdates has no offset to confirm with) or once
the webhook answered 200, so each update is committed to the inbox before anything else happens; a
crash after that loses nothing, because the next start replays what was not finished. One person's
messages run one after another (a photo and the "Xong" after it must not overtake each other);
different people never wait for each other.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from handlers.inbox import DurableInbox
from handlers.lanes import Lanes
from handlers.zalo.client import Json
from handlers.zalo.convert import sender_of, update_key

log = logging.getLogger(__name__)

Process = Callable[[Json], Awaitable[None]]


class ZaloInbox:
    def __init__(self, inbox: DurableInbox, process: Process) -> None:
        self.inbox = inbox
        self.process = process
        self.lanes = Lanes()
        self._tasks: set[asyncio.Task[None]] = set()

    async def take(self, update: Json) -> bool:
        """Commits the update, then queues it; False for an update without a message id (not kept)."""
        key = update_key(update)
        if key is None:
            log.warning("Zalo update without a message id ignored: %s", str(update)[:200])
            return False
        await self.inbox.keep(key, json.dumps(update, ensure_ascii=False))
        self._queue(update)
        return True

    async def replay(self) -> int:
        """Queues what a previous run committed but did not finish, before any new update arrives."""
        rows = await self.inbox.waiting()
        for row in rows:
            self._queue(json.loads(row.body))
        if rows:
            log.info("replaying %d Zalo updates left unprocessed by the previous run", len(rows))
        return len(rows)

    async def stop(self, grace: float) -> None:
        """Lets each person's current update finish (for at most `grace` seconds); the rest stay in the
        inbox for the next start."""
        await self.lanes.drain(self._tasks, grace)

    def _queue(self, update: Json) -> None:
        if self.lanes.stopping:
            return
        task = asyncio.create_task(self.lanes.run(sender_of(update), self._handle(update)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Json) -> None:
        if self.lanes.stopping:
            return  # queued before the stop; it is still in the inbox
        try:
            await self.process(update)
        except Exception:  # one bad update must not hold up the person's next ones
            log.exception("Zalo update %s could not be handled", update_key(update))
