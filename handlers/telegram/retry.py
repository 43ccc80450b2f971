"""Calls to the Bot API that are worth a few quick tries before they count as failed.

Telegram says how long to wait when it is flooded (`retry_after`); a timeout or a dropped connection is
usually over in a moment. What Telegram refuses outright (a bad request) is never tried again. Replies
the bot owes go through the outbox, which retries over minutes; these are the calls a person is
waiting on right now: a photo being downloaded, a button press being answered.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

log = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 3
# A person waits on these calls: Telegram asking for longer than this is a flood, not a hiccup.
LONGEST_WAIT_SECONDS = 30.0


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def retried(call: Callable[..., Awaitable[T]], *args: Any, attempts: int = ATTEMPTS, **kwargs: Any) -> T:
    """The result of `call`, tried at most `attempts` times; the last failure is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return await call(*args, **kwargs)
        except BadRequest:
            raise
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            if attempt == attempts or wait > LONGEST_WAIT_SECONDS:
                raise
            await asyncio.sleep(wait + 0.1)
        except (TimedOut, NetworkError):
            if attempt == attempts:
                raise
            await asyncio.sleep(0.5 * attempt)
    raise AssertionError("unreachable: the last attempt returns or raises")


async def with_retries(what: str, call: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T | None:
    """`retried`, for calls whose failure nobody needs to hear of (it is logged): None when it failed."""
    try:
        return await retried(call, *args, **kwargs)
    except TelegramError as error:
        log.warning("%s failed: %s", what, error.message)
        return None
