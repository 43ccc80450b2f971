"""Updates of one person run in order; different people run side by side; a flood slows only its sender.

python-telegram-bot either processes all updates one after another (a slow reply to one inspector
holds up everyone) or all concurrently (an album's photos and the "Xong" press could overtake each
other). Serialising per person gives both responsiveness and order. Each person also has a leaky
bucket: someone (or some script) sending a hundred messages a second is processed at a steady pace,
told once to slow down, and nobody else waits for them. Nothing is dropped: every update is already
committed to the inbox.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.ext import BaseUpdateProcessor

# An album of ten photos plus a few taps passes untouched; a sustained stream is held to 2 per second.
BURST = 20
BURST_SECONDS = 10.0
# Waiting updates hold a slot each, so the slots must outnumber what one flooder can queue up.
MAX_WAITING_UPDATES = 4096
THROTTLE_POLL_SECONDS = 0.05


@dataclass
class _Queue:
    """A person's lock, rate limiter and how many updates hold or await it; dropped when unused."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    limiter: AsyncLimiter = field(default_factory=lambda: AsyncLimiter(BURST, BURST_SECONDS))
    users: int = 0
    warned: bool = False


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, on_flood: Callable[[int], Coroutine[Any, Any, None]] | None = None) -> None:
        super().__init__(MAX_WAITING_UPDATES)
        self.on_flood = on_flood
        self._queues: dict[int, _Queue] = {}
        self._warnings: set[asyncio.Task[None]] = set()
        self.stopping = False

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _person_of(update)
        queue = self._queues.setdefault(key, _Queue())
        queue.users += 1
        try:
            async with queue.lock:
                if not queue.limiter.has_capacity() and not queue.warned and key > 0:
                    queue.warned = True
                    if self.on_flood is not None:
                        warning = asyncio.create_task(self.on_flood(key))
                        self._warnings.add(warning)
                        warning.add_done_callback(self._warnings.discard)
                while not queue.limiter.has_capacity():
                    if self.stopping:
                        # Left in the inbox, so the next start processes it; a flood's backlog must
                        # not hold up a restart.
                        if isinstance(coroutine, Coroutine):
                            coroutine.close()
                        return
                    await asyncio.sleep(THROTTLE_POLL_SECONDS)
                await queue.limiter.acquire()
                await coroutine
        finally:
            queue.users -= 1
            if queue.users == 0:
                del self._queues[key]

    async def initialize(self) -> None:
        """Nothing to set up; the queues are created on demand."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _person_of(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0
