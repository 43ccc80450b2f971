"""Zalo's update queue and its one-update-per-call long poll.

Zalo's getUpdates looks like Telegram's but is not, and a Telegram-minded adapter breaks exactly here:

* There is no ``offset`` and no acknowledgement. Each call hands out at most ONE update (``result`` is an
  update object, not a list) and that update leaves the queue for good: a bot that dies while handling it
  never sees it again. (The docs recommend webhooks in production "to avoid missing events".)
* ``timeout`` is in seconds (the docs type it as a string; their sample sends a number), 30 by default.
  When nothing arrives in time the answer is ``{"ok": false, "error_code": 408, "description": "Request
  timeout"}`` - an error object, not an empty result.
* One long poll at a time: while one waits, another getUpdates is refused with 409 (not Telegram's
  "newer wins": a second bot instance is the one that gets the error).
* getUpdates and webhooks are mutually exclusive: while a webhook is set getUpdates fails, and a poll
  already waiting when setWebhook is called fails at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections import deque
from collections.abc import Callable

from .models import JsonDict, ZaloApiError

POLL_TIMEOUT_DESCRIPTION = "Request timeout"
POLL_CONFLICT = "Conflict: another getUpdates request is in progress; make sure that only one bot instance is running"
WEBHOOK_ACTIVE = "Conflict: can't use getUpdates while a webhook is set; call deleteWebhook first"
DEFAULT_POLL_SECONDS = 30.0


def message_id_of(update: JsonDict) -> str:
    return str(update["message"]["message_id"])


class UpdateQueue:
    """Queued updates (FIFO), every update ever queued (for ``redeliver``) and delivery bookkeeping."""

    def __init__(self) -> None:
        self._pending: deque[JsonDict] = deque()
        self._history: dict[str, JsonDict] = {}
        self._signal = asyncio.Event()
        self._closing = False
        self.polling = False
        self.delivered: list[str] = []
        self.last_delivery = time.monotonic()

    # -- producer side (tests) --------------------------------------------------------------------

    def push(self, update: JsonDict) -> str:
        update = copy.deepcopy(update)
        message_id = message_id_of(update)
        self._history[message_id] = update
        self._pending.append(update)
        self.notify()
        return message_id

    def redeliver(self, message_id: str) -> None:
        """Queue an already queued update once more, unchanged (same ``message_id``)."""
        if message_id not in self._history:
            raise KeyError(f"no update with message_id {message_id!r} was ever queued")
        self._pending.append(copy.deepcopy(self._history[message_id]))
        self.notify()

    def get_update(self, message_id: str) -> JsonDict:
        return copy.deepcopy(self._history[message_id])

    def pending_count(self) -> int:
        """Updates the bot has not received yet."""
        return len(self._pending)

    def close(self) -> None:
        """Release a waiting long poll (with 408) so the server can shut down promptly."""
        self._closing = True
        self.notify()

    def notify(self) -> None:
        self._signal.set()
        self._signal = asyncio.Event()

    async def changed(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._signal.wait(), timeout)

    # -- consumer side ----------------------------------------------------------------------------

    def take_one(self) -> JsonDict | None:
        if not self._pending:
            return None
        update = self._pending.popleft()
        self.delivered.append(message_id_of(update))
        self.last_delivery = time.monotonic()
        return update

    async def poll(
        self, seconds: float, *, alive: Callable[[], bool], webhook_active: Callable[[], bool]
    ) -> JsonDict | None:
        """getUpdates(timeout=seconds): the oldest update, or None after ``seconds`` (-> 408)."""
        if webhook_active():
            raise ZaloApiError(409, WEBHOOK_ACTIVE)
        if self.polling:
            raise ZaloApiError(409, POLL_CONFLICT)
        self.polling = True
        try:
            deadline = time.monotonic() + seconds
            while True:
                signal = self._signal
                if webhook_active():
                    raise ZaloApiError(409, WEBHOOK_ACTIVE)
                # A poller whose connection is gone must not swallow an update.
                if self._pending and alive():
                    return self.take_one()
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    return None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(signal.wait(), remaining)
        finally:
            self.polling = False
