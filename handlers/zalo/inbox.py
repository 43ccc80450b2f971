"""Zalo updates made durable, then handled in a lane per person.

Zalo forgets an update once it has handed it out (getUpdates has no offset to confirm with) or once
the webhook answered 200, so each update is committed to the inbox before anything else happens; a
crash after that loses nothing, because the next start replays what was not finished. One person's
messages run one after another (a photo and the "Xong" after it must not overtake each other);
different people never wait for each other.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine, Hashable
from typing import Any

from handlers.inbox import DurableInbox
from handlers.lanes import Lanes, Pacing
from handlers.zalo.client import Json
from handlers.zalo.convert import sender_of, update_key

log = logging.getLogger(__name__)

Process = Callable[[Json], Coroutine[Any, Any, None]]
Warn = Callable[[Hashable], Coroutine[Any, Any, None]]


class ZaloInbox:
    def __init__(self, inbox: DurableInbox, process: Process, pacing: Pacing, warn: Warn) -> None:
        """`pacing` says how fast a Zalo user's updates run; `warn` tells one to slow down."""
        self.inbox = inbox
        self.process = process
        self.lanes = Lanes(pacing, warn)

    async def take(self, update: Json) -> bool:
        """Commits the update, then queues it; False for an update without a message id (not kept)."""
        key = update_key(update)
        if key is None:
            log.warning("Zalo update without a message id ignored: %s", str(update)[:200])
            return False
        await self.inbox.keep_many([(key, json.dumps(update, ensure_ascii=False))])
        self._queue(key, update)
        return True

    async def replay(self) -> int:
        """Queues what a previous run committed but did not finish, before any new update arrives."""
        rows = await self.inbox.waiting()
        for row in rows:
            self._queue(row.key, json.loads(row.body))
        if rows:
            log.info("replaying %d Zalo updates left unprocessed by the previous run", len(rows))
        return len(rows)

    async def stop(self, grace: float) -> None:
        """Lets each person's current update finish (for at most `grace` seconds); the rest stay in the
        inbox for the next start."""
        await self.lanes.drain(grace)

    def _queue(self, key: str, update: Json) -> None:
        """Into the sender's lane; an update the lane has no room for is finished unprocessed."""
        self.lanes.submit(sender_of(update), self.process(update), lambda: self.inbox.done_soon(key))
