"""Updates of one person run in order; different people run side by side.

python-telegram-bot either processes all updates one after another (a slow reply to one inspector
holds up everyone) or all concurrently (an album's photos and the "Xong" press could overtake each
other). Serialising per person gives both responsiveness and order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._queues: dict[int, _Queue] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _person_of(update)
        queue = self._queues.setdefault(key, _Queue())
        queue.users += 1
        try:
            async with queue.lock:
                await coroutine
        finally:
            queue.users -= 1
            if queue.users == 0:
                del self._queues[key]

    async def initialize(self) -> None:
        """Nothing to set up; the locks are created on demand."""

    async def shutdown(self) -> None:
        """Nothing to release."""


@dataclass
class _Queue:
    """A lock and how many updates hold or await it, so it is dropped only when nobody needs it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


def _person_of(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0
