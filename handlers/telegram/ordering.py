"""python-telegram-bot's update processor, running each person's updates in their own lane
(`handlers.lanes`): in order for one person, side by side for different people, and a flood slowed to
a steady pace for its sender alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from handlers.lanes import Bucket, Lanes

# An album of ten photos plus a few taps passes untouched; a sustained stream is held to 2 per second.
FLOOD_BUCKET = Bucket(burst=20, seconds=10.0)
# Waiting updates hold a slot each, so the slots must outnumber what one flooder can queue up.
MAX_WAITING_UPDATES = 4096


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, on_flood: Callable[[int], Awaitable[None]] | None = None) -> None:
        super().__init__(MAX_WAITING_UPDATES)
        self.lanes = Lanes(FLOOD_BUCKET, self._warn)
        self.on_flood = on_flood

    async def _warn(self, key: Hashable) -> None:
        """Only a person can be told to slow down; a lane keyed by a chat has nobody to tell."""
        if self.on_flood is not None and isinstance(key, int) and key > 0:
            await self.on_flood(key)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        assert isinstance(coroutine, Coroutine)
        await self.lanes.run(_person_of(update), coroutine)

    async def initialize(self) -> None:
        """Nothing to set up; the lanes are created on demand."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _person_of(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0
