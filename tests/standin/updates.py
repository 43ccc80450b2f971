"""Telegram's update queue and the getUpdates long-poll state machine.

The semantics copy the Bot API server because restart and duplicate-instance bugs live exactly here:

* An update stays queued until a later getUpdates passes an ``offset`` above its id; until then every
  getUpdates returns it again. A bot killed after fetching but before confirming sees it twice.
* A negative ``offset`` keeps only the last ``-offset`` updates; an ``offset`` beyond the queue's end is
  ignored (nothing is confirmed).
* ``allowed_updates`` is remembered from the last call that sent it; updates of other types are
  discarded, never delivered. By default ``chat_member``, ``message_reaction`` and
  ``message_reaction_count`` are excluded.
* Only one long poll exists at a time. A new getUpdates that would have to wait terminates the
  waiting one with ``409 Conflict: terminated by other getUpdates request; ...`` - the older request
  gets the 409, the newer one wins. Conflict answers are throttled to one per 3 seconds (later ones
  are held back 3 seconds), like the real server.
* ``timeout`` is clamped to 0..50 seconds; ``limit`` to 1..100.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import Iterable

from .models import ApiError, JsonDict

CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
MAX_LONG_POLL_TIMEOUT = 50
CONFLICT_THROTTLE_SECONDS = 3.0
DEFAULT_EXCLUDED_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: JsonDict) -> str:
    """The update's payload key (``message``, ``callback_query``, ...)."""
    return next((key for key in update if key != "update_id"), "")


class _LongPoll:
    """The single getUpdates request currently waiting; ``aborted`` once a newer one replaced it."""

    def __init__(self) -> None:
        self.aborted = False


class UpdateQueue:
    """Queued updates plus the bookkeeping tests need (``delivered``, ``last_delivery``)."""

    def __init__(self, first_update_id: int = 700_000_001) -> None:
        self._next_id = first_update_id
        self._queue: list[JsonDict] = []
        self._forced: list[JsonDict] = []
        self._history: dict[int, JsonDict] = {}
        self._delivered: set[int] = set()
        self._allowed: frozenset[str] | None = None
        self._long_poll: _LongPoll | None = None
        self._signal = asyncio.Event()
        self._next_conflict_time = 0.0
        self._closing = False
        self.last_delivery = time.monotonic()

    # -- producer side (tests) --------------------------------------------------------------------

    def push(self, update: JsonDict) -> int:
        """Queue an update, assigning ``update_id`` when absent; returns the id."""
        update = copy.deepcopy(update)
        update_id = int(update.get("update_id") or self._next_id)
        update = {"update_id": update_id, **{k: v for k, v in update.items() if k != "update_id"}}
        self._next_id = max(self._next_id, update_id + 1)
        self._history[update_id] = update
        self._queue.append(update)
        self._queue.sort(key=lambda u: int(u["update_id"]))
        self._notify()
        return update_id

    def push_many(self, updates: Iterable[JsonDict]) -> list[int]:
        """Queue several updates at once so one getUpdates can return them together (albums)."""
        return [self.push(update) for update in updates]

    def reserve_id(self) -> int:
        """Allocate an update id without queueing anything (for messages Telegram would not deliver)."""
        update_id = self._next_id
        self._next_id += 1
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Hand an already delivered update to the bot once more, unchanged, even if it was confirmed."""
        if update_id not in self._history:
            raise KeyError(f"update {update_id} was never queued")
        if any(int(u["update_id"]) == update_id for u in self._queue):
            return  # still unconfirmed: Telegram redelivers it anyway
        self._forced.append(copy.deepcopy(self._history[update_id]))
        self._notify()

    def get_update(self, update_id: int) -> JsonDict:
        return copy.deepcopy(self._history[update_id])

    def drop_pending(self) -> None:
        """deleteWebhook(drop_pending_updates=True)."""
        self._queue.clear()
        self._forced.clear()

    def set_allowed(self, types: list[str] | None) -> None:
        """Remember ``allowed_updates``; an empty list restores Telegram's default set."""
        self._allowed = frozenset(types) if types else None

    def pending_count(self) -> int:
        """Updates not yet confirmed by an offset (what getWebhookInfo calls pending_update_count)."""
        return len(self._queue) + len(self._forced)

    def undelivered_count(self) -> int:
        """Queued updates the bot has not even fetched once."""
        return len(self._forced) + sum(1 for u in self._queue if int(u["update_id"]) not in self._delivered)

    @property
    def polling(self) -> bool:
        """Whether a getUpdates request is currently waiting."""
        return self._long_poll is not None

    def close(self) -> None:
        """Release a waiting long poll with an empty answer so the server can shut down promptly."""
        self._closing = True
        self._notify()

    # -- consumer side (webhook) ------------------------------------------------------------------

    def take_one(self) -> JsonDict | None:
        """The oldest update for a webhook push. A queued one stays queued until `confirm_one`, as
        Telegram keeps retrying an update until the webhook answers 200."""
        if self._forced:
            self._forced.sort(key=lambda u: int(u["update_id"]))
            return self._forced.pop(0)
        allowed = self._allowed
        self._queue = [u for u in self._queue if self._is_allowed(u, allowed)]
        if not self._queue:
            return None
        update = self._queue[0]
        self._delivered.add(int(update["update_id"]))
        self.last_delivery = time.monotonic()
        return copy.deepcopy(update)

    def confirm_one(self, update_id: int) -> None:
        self._queue = [u for u in self._queue if int(u["update_id"]) != update_id]

    async def changed(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._signal.wait(), timeout)

    # -- consumer side (getUpdates) ---------------------------------------------------------------

    async def get(self, offset: int, limit: int, poll_seconds: int) -> list[JsonDict]:
        """getUpdates(offset, limit, timeout=poll_seconds)."""
        limit = min(max(limit, 1), 100)
        poll_seconds = min(max(poll_seconds, 0), MAX_LONG_POLL_TIMEOUT)
        self._confirm(offset)
        batch = self._take(limit)
        if batch or poll_seconds == 0 or self._closing:
            return batch
        if self._long_poll is not None:
            self._long_poll.aborted = True
            self._notify()
        poll = _LongPoll()
        self._long_poll = poll
        try:
            return await self._wait(poll, limit, time.monotonic() + poll_seconds)
        finally:
            if self._long_poll is poll:
                self._long_poll = None

    async def _wait(self, poll: _LongPoll, limit: int, deadline: float) -> list[JsonDict]:
        while True:
            signal = self._signal
            if poll.aborted:
                await self._conflict_delay()
                raise ApiError(409, CONFLICT)
            batch = self._take(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), remaining)

    async def _conflict_delay(self) -> None:
        now = time.monotonic()
        if now >= self._next_conflict_time:
            self._next_conflict_time = now + CONFLICT_THROTTLE_SECONDS
        else:
            await asyncio.sleep(CONFLICT_THROTTLE_SECONDS)

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            del self._queue[: max(len(self._queue) + offset, 0)]
        elif 0 < offset <= self._next_id:
            self._queue = [u for u in self._queue if int(u["update_id"]) >= offset]

    def _take(self, limit: int) -> list[JsonDict]:
        allowed = self._allowed
        self._queue = [u for u in self._queue if self._is_allowed(u, allowed)]
        batch = sorted(self._forced, key=lambda u: int(u["update_id"]))
        self._forced.clear()
        batch += self._queue[: max(limit - len(batch), 0)]
        if batch:
            self._delivered.update(int(u["update_id"]) for u in batch)
            self.last_delivery = time.monotonic()
        return copy.deepcopy(batch)

    @staticmethod
    def _is_allowed(update: JsonDict, allowed: frozenset[str] | None) -> bool:
        kind = update_type(update)
        return kind not in DEFAULT_EXCLUDED_TYPES if allowed is None else kind in allowed

    def _notify(self) -> None:
        self._signal.set()
        self._signal = asyncio.Event()
