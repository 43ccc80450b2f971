"""Delivering the outbox, whatever the channel.

Replies are committed to the outbox together with the answer they acknowledge; this worker sends
them afterwards, in order per chat and in parallel across chats. Flood control, timeouts, dropped
connections and server errors are retried with backoff, also after a restart; a permanent refusal
(blocked bot, unknown chat) is recorded and not retried. Delivery is at least once: a reply whose
send succeeded just before a crash may be sent again. Each chat's replies go to the channel recorded
for it (`handlers.identities`); how a reply becomes API calls, and what a failed call means, is that
channel's (`Delivery`). A chat whose channel is not running keeps its replies until it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from pydantic import TypeAdapter

from bot.events import Edit, Owed, Say
from bot.turn import catalogue_of
from handlers.identities import Identities
from storage.clock import utcnow
from storage.models import OutboxRow, OutboxStatus
from storage.port import Store

log = logging.getLogger(__name__)

Step = Callable[[], Awaitable[object]]
OWED: TypeAdapter[Owed] = TypeAdapter(Owed)

MAX_ATTEMPTS = 30
# An error the channel does not know (a bug, memory running out) is unlikely to go away by waiting: a few
# quick tries, then the reply is given up so that it cannot hold back the chat's next ones.
MAX_UNEXPECTED_ATTEMPTS = 3
UNEXPECTED_RETRY = timedelta(seconds=1)
MAX_BACKOFF = timedelta(minutes=5)
IDLE_CHECK_SECONDS = 30.0
# A notice that a reply was given up on is itself never the subject of another notice.
GAVE_UP = "gave-up"


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** min(attempts, 10)), MAX_BACKOFF)


@dataclass(frozen=True)
class Failure:
    """What one failed call means: try the reply again after `retry_in`, give up (`retry_in` None), or
    carry on with the next step as if it had worked (`skip`). `reachable` says whether the chat can still
    be told that a reply was given up on (not when the person blocked the bot or the chat is gone)."""

    message: str
    retry_in: timedelta | None = None
    skipped: bool = False
    reachable: bool = True
    attempts: int = MAX_ATTEMPTS

    @classmethod
    def retry(cls, after: timedelta, message: str) -> Failure:
        return cls(message, after)

    @classmethod
    def permanent(cls, message: str, *, reachable: bool = True) -> Failure:
        return cls(message, reachable=reachable)

    @classmethod
    def skip(cls) -> Failure:
        return cls("", skipped=True)

    @classmethod
    def unexpected(cls, error: BaseException) -> Failure:
        return cls(f"{type(error).__name__}: {error}", UNEXPECTED_RETRY, attempts=MAX_UNEXPECTED_ATTEMPTS)


class Delivery(Protocol):
    """A channel's way of delivering replies."""

    def steps(self, reply: Owed) -> list[Step]:
        """The calls that deliver `reply`, in order; a retry resumes after the ones that worked."""
        ...

    def failure(self, error: Exception, attempts: int) -> Failure | None:
        """What a failed call means; None for an error the channel does not know (a bug: it propagates)."""
        ...


class OutboxWorker:
    def __init__(
        self, store: Store, channels: Mapping[str, Delivery], identities: Identities, sent: Store | None = None
    ) -> None:
        """Replies are read from `store`; what became of each is written to `sent` (by default `store`), a
        store that need not wait for the disk: a mark lost to a power cut means the reply is sent again."""
        self.store = store
        self.sent = sent or store
        self.channels = channels
        self.identities = identities
        self._wake = asyncio.Event()
        self._quiet = asyncio.Event()
        self._busy: dict[int, asyncio.Task[None]] = {}
        self._again: set[int] = set()  # chats found due while busy: looked at again once their drain ends
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        """Unsent replies stay in the outbox and go out after the next start."""
        tasks = [task for task in (self._task, *self._busy.values()) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        self._wake.set()

    async def idle(self) -> None:
        """Returns once every reply that is due has been delivered (or has failed for good)."""
        self._quiet.clear()
        self.wake()
        await self._quiet.wait()

    async def _channel(self, chat_id: int) -> Delivery | None:
        identity = await self.identities.of(chat_id)
        return self.channels.get(identity.channel) if identity is not None else None

    async def _run(self) -> None:
        while True:
            try:
                await self._dispatch()
            except Exception:  # a database hiccup must not end delivery for the life of the process
                log.exception("outbox dispatch failed; trying again shortly")
                await asyncio.sleep(1.0)

    async def _dispatch(self) -> None:
        """Starts a sender for every chat with a reply due, then sleeps until the next one is due."""
        self._wake.clear()
        now = utcnow()
        busy, stale = set(self._busy), False
        async with self.store.reading() as tx:
            due = await tx.delivery.outbox_due(now)
            wake_at = await tx.delivery.outbox_next_wakeup(now)
        for row in due:
            # Only this loop starts drains, so a chat nobody was draining when the rows were read has a
            # current row; one being drained then may since have sent it.
            if row.chat_id in self._busy:
                self._again.add(row.chat_id)
            elif row.chat_id in busy:
                stale = True  # its drain ended meanwhile: read that chat again
            elif (channel := await self._channel(row.chat_id)) is not None:
                self._busy[row.chat_id] = asyncio.create_task(self._drain(row, channel), name=f"outbox:{row.chat_id}")
        if stale:
            self._wake.set()
        elif not self._busy:
            self._quiet.set()
        timeout = IDLE_CHECK_SECONDS
        if wake_at is not None:
            timeout = min(max((wake_at - now).total_seconds(), 0.05), IDLE_CHECK_SECONDS)
        # Not `asyncio.wait_for`: on Python 3.11 it swallows a cancellation that arrives as the event is
        # set, and this loop would then outlive `stop()`.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wake.wait()

    async def _drain(self, first: OutboxRow, channel: Delivery) -> None:
        """Delivers the chat's replies in order, starting with `first`, until none is due."""
        chat_id = first.chat_id
        row: OutboxRow | None = first
        try:
            while row is not None:
                row = await self._deliver(row, channel)
        except Exception:
            log.exception("outbox worker for chat %s stopped", chat_id)
        finally:
            del self._busy[chat_id]
            # Looked at again only when a reply came due while this chat was busy, or for `idle`.
            if chat_id in self._again or not self._busy:
                self._again.discard(chat_id)
                self._wake.set()

    async def _deliver(self, row: OutboxRow, channel: Delivery) -> OutboxRow | None:
        """Delivers `row`; returns the chat's next reply due once it is finished (sent or failed for good),
        None when the chat has nothing more due or `row` waits for a retry (which holds back the rest)."""
        steps = channel.steps(OWED.validate_json(row.body))
        for index in range(row.progress, len(steps)):
            try:
                await steps[index]()
            except (Exception, MemoryError) as error:
                failure = channel.failure(error, row.attempts) if isinstance(error, Exception) else None
                if failure is None:
                    log.exception("reply %s to chat %s failed unexpectedly", row.id, row.chat_id)
                    failure = Failure.unexpected(error)
                if failure.skipped:
                    continue
                if failure.retry_in is None:
                    return await self._give_up(row, failure)
                return await self._later(row, failure)
            if len(steps) > 1:
                async with self.sent.transaction() as tx:
                    await tx.delivery.outbox_progress(row.id, index + 1)
        return await self._sent(row)

    async def _later(self, row: OutboxRow, failure: Failure) -> OutboxRow | None:
        if row.attempts + 1 >= failure.attempts:
            message = f"gave up after {failure.attempts} attempts: {failure.message}"
            return await self._give_up(row, Failure.permanent(message, reachable=failure.reachable))
        log.info("reply %s to chat %s will be retried: %s", row.id, row.chat_id, failure.message)
        assert failure.retry_in is not None
        async with self.sent.transaction() as tx:
            await tx.delivery.outbox_retry_later(row.id, utcnow() + failure.retry_in, failure.message)
        return None

    async def _give_up(self, row: OutboxRow, failure: Failure) -> OutboxRow | None:
        """Recorded as failed, and the chat told once (in its own language) what did not arrive, so that
        nobody waits for it and the chat's next replies go out."""
        log.warning("reply %s to chat %s failed for good: %s", row.id, row.chat_id, failure.message)
        reply = OWED.validate_json(row.body)
        async with self.sent.transaction() as tx:
            await tx.delivery.outbox_finish(row.id, OutboxStatus.FAILED, failure.message)
            if failure.reachable and row.coalesce_key != GAVE_UP and not isinstance(reply, Edit):
                t = await catalogue_of(tx, row.chat_id)
                notice = Say(chat_id=row.chat_id, html=t.DELIVERY_FAILED.format(what=t.UNDELIVERED[reply.kind]))
                await tx.delivery.outbox_add(row.chat_id, notice.model_dump_json(), GAVE_UP, utcnow())
            return await tx.delivery.outbox_next(row.chat_id, utcnow())

    async def _sent(self, row: OutboxRow) -> OutboxRow | None:
        """Marked sent, and the next reply read, in one transaction: one write per reply."""
        async with self.sent.transaction() as tx:
            await tx.delivery.outbox_finish(row.id, OutboxStatus.SENT, None)
            return await tx.delivery.outbox_next(row.chat_id, utcnow())
