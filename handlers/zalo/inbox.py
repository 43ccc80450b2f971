"""Zalo updates made durable, then handled in order per person and in parallel across people.

Zalo forgets an update once it has handed it out (getUpdates has no offset to confirm with) or once
the webhook answered 200, so each update is committed to the inbox table before anything else
happens; a crash after that loses nothing, because the next start replays what was not finished.
One person's messages run one after another (a photo and the "Xong" after it must not overtake each
other); different people never wait for each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from handlers.zalo.client import Json
from handlers.zalo.convert import ZALO_KEY_PREFIX, sender_of, update_key
from storage.port import Store

log = logging.getLogger(__name__)

Process = Callable[[Json], Awaitable[None]]


class ZaloInbox:
    def __init__(self, store: Store, process: Process) -> None:
        self.store = store
        self.process = process
        self._queues: dict[str, deque[Json]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._stopping = False

    async def take(self, update: Json) -> bool:
        """Commits the update, then queues it; False for an update without a message id (not kept)."""
        key = update_key(update)
        if key is None:
            log.warning("Zalo update without a message id ignored: %s", str(update)[:200])
            return False
        async with self.store.transaction() as tx:
            await tx.delivery.inbox_add(key, json.dumps(update, ensure_ascii=False))
        self._queue(update)
        return True

    async def replay(self) -> int:
        """Queues what a previous run committed but did not finish, before any new update arrives."""
        async with self.store.transaction() as tx:
            rows = await tx.delivery.inbox_pending(ZALO_KEY_PREFIX)
        for row in rows:
            self._queue(json.loads(row.body))
        if rows:
            log.info("replaying %d Zalo updates left unprocessed by the previous run", len(rows))
        return len(rows)

    async def stop(self, grace: float) -> None:
        """Lets each person's current update finish (for at most `grace` seconds); the rest stay in the
        inbox for the next start."""
        self._stopping = True
        workers = list(self._workers.values())
        if not workers:
            return
        _, late = await asyncio.wait(workers, timeout=grace)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _queue(self, update: Json) -> None:
        person = sender_of(update)
        self._queues.setdefault(person, deque()).append(update)
        if person not in self._workers and not self._stopping:
            self._workers[person] = asyncio.create_task(self._work(person), name=f"zalo:{person}")

    async def _work(self, person: str) -> None:
        queue = self._queues[person]
        try:
            while queue and not self._stopping:
                update = queue.popleft()
                try:
                    await self.process(update)
                except Exception:  # one bad update must not hold up the person's next ones
                    log.exception("Zalo update %s could not be handled", update_key(update))
        finally:
            del self._workers[person]
            if not queue:
                del self._queues[person]
