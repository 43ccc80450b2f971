"""python-telegram-bot's update processor, handing each person's updates to their own lane
(`handlers.lanes`): in order for one person, side by side for different people, and a flood dropped
beyond what its sender may have waiting, at a pace of their own.

PTB keeps a slot for every update until its processor returns; waiting in a lane would hold a slot,
and a flood would take them all. So the processor only queues the update and returns. It also counts
the photos of each album still queued or running, which tells the engine when an album's single
acknowledgement need not wait for more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from handlers.lanes import Lanes, Pacing

# Updates being queued at once; queuing takes a moment, so this never fills.
MAX_CONCURRENT = 256


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        pacing: Pacing,
        on_flood: Callable[[int], Coroutine[Any, Any, None]],
        on_drop: Callable[[Update], None],
    ) -> None:
        super().__init__(MAX_CONCURRENT)
        self.lanes = Lanes(pacing, self._warn)
        self.on_flood = on_flood
        self.on_drop = on_drop
        self._albums: Counter[str] = Counter()

    async def _warn(self, key: Hashable) -> None:
        """Only a person can be told to slow down; a lane keyed by a chat has nobody to tell."""
        if isinstance(key, int) and key > 0:
            await self.on_flood(key)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        assert isinstance(coroutine, Coroutine) and isinstance(update, Update)
        message = update.effective_message
        album = message.media_group_id if message is not None else None
        if album is None:
            self.lanes.submit(_person_of(update), coroutine, lambda: self.on_drop(update))
            return
        self._albums[album] += 1

        def dropped() -> None:
            self._album_left(album)
            self.on_drop(update)

        self.lanes.submit(_person_of(update), self._counted(album, coroutine), dropped)

    async def _counted(self, album: str, coroutine: Coroutine[Any, Any, Any]) -> None:
        try:
            await coroutine
        finally:
            self._album_left(album)

    def _album_left(self, album: str) -> None:
        self._albums[album] -= 1
        if self._albums[album] <= 0:
            del self._albums[album]

    def more_in_album(self, album: str) -> bool:
        """Another photo of `album` is queued or running besides the one asking."""
        return self._albums[album] > 1

    async def initialize(self) -> None:
        """Nothing to set up; the lanes are created on demand."""

    async def shutdown(self) -> None:
        """Nothing to release: `TelegramChannel.stop` drains the lanes."""


def _person_of(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0
