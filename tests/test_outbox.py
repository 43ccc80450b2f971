"""The outbox's order rules, on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.events import Owed, Say
from handlers.identities import Identities
from handlers.outbox import MAX_UNEXPECTED_ATTEMPTS, Failure, OutboxWorker, Step
from storage.clock import utcnow
from storage.models import OutboxStatus
from storage.sqlite.store import SqliteStore as Store
from tests.e2e import rows


async def test_a_reply_waiting_for_a_retry_holds_back_later_ones_but_a_deferred_ack_does_not(
    tmp_path: Path,
) -> None:
    store = await Store.open(tmp_path / "db.sqlite3")
    now = utcnow()
    try:
        async with store.transaction() as tx:
            await tx.delivery.outbox_add(1, '"first"', None, now)
            await tx.delivery.outbox_add(1, '"second"', None, now)
            await tx.delivery.outbox_add(2, '"album ack"', "album:9", now + timedelta(seconds=1.5))
            await tx.delivery.outbox_add(2, '"next question"', None, now)
            first = await tx.delivery.outbox_next(1, now)
            assert first is not None and first.body == '"first"'
            await tx.delivery.outbox_retry_later(first.id, now + timedelta(seconds=30), "502")
            assert await tx.delivery.outbox_next(1, now) is None  # "second" must not overtake "first"
            # ...and the held chat is not reported due (the worker would spin on it), only woken for
            assert [row.chat_id for row in await tx.delivery.outbox_due(now)] == [2]
            assert await tx.delivery.outbox_next_wakeup(now) == now + timedelta(seconds=1.5)  # the album ack
            assert (await tx.delivery.outbox_next(1, now + timedelta(seconds=31))).body == '"first"'  # type: ignore[union-attr]
            nxt = await tx.delivery.outbox_next(2, now)
            assert nxt is not None and nxt.body == '"next question"'
            await tx.delivery.outbox_finish(nxt.id, OutboxStatus.SENT)
            assert await tx.delivery.outbox_next(2, now) is None
            assert (await tx.delivery.outbox_next(2, now + timedelta(seconds=2))).body == '"album ack"'  # type: ignore[union-attr]
            # a newer acknowledgement of the same album replaces the waiting one
            await tx.delivery.outbox_add(2, '"album ack 2"', "album:9", now + timedelta(seconds=3))
    finally:
        await store.close()
    counts = await rows(tmp_path, "SELECT status, COUNT(*) FROM outbox GROUP BY status ORDER BY status", "db.sqlite3")
    assert counts == [("pending", 3), ("sent", 1), ("superseded", 1)]


class Exploding:
    """A channel whose first steps fail in a way it cannot classify, as a decode that ran out of memory did."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.delivered: list[tuple[int, str]] = []

    def steps(self, reply: Owed) -> list[Step]:
        async def deliver() -> None:
            assert isinstance(reply, Say)
            if reply.html == "album" and self.failures:
                self.failures -= 1
                raise MemoryError
            self.delivered.append((reply.chat_id, reply.html))

        return [deliver]

    def failure(self, error: Exception, attempts: int) -> Failure | None:
        return None


async def test_a_reply_that_keeps_failing_unexpectedly_fails_once_told_and_the_chat_moves_on(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite3")
    identities = Identities(store)
    channel = Exploding(failures=100)
    try:
        (group,) = await identities.ids("telegram", ["-1001"], native=True)
        now = utcnow()
        async with store.transaction() as tx:
            for text in ("album", "next"):
                await tx.delivery.outbox_add(group, Say(chat_id=group, html=text).model_dump_json(), None, now)
        outbox = OutboxWorker(store, {"telegram": channel}, identities)
        outbox.start()
        try:
            deadline = asyncio.get_running_loop().time() + 20
            while len(channel.delivered) < 2:
                assert asyncio.get_running_loop().time() < deadline, channel.delivered
                await asyncio.sleep(0.05)
        finally:
            await outbox.stop()
    finally:
        await store.close()
    following, notice = channel.delivered  # the notice is decided when the reply is given up, after "next"
    assert following == (group, "next")
    assert notice[0] == group and "không gửi được ảnh" not in notice[1] and "không gửi được một tin nhắn" in notice[1]
    assert channel.failures == 100 - MAX_UNEXPECTED_ATTEMPTS
    statuses = await rows(tmp_path, "SELECT body, status, attempts FROM outbox ORDER BY id", "db.sqlite3")
    assert [(str(b).split('"html":"')[1].split('"')[0], s) for b, s, _ in statuses][:2] == [
        ("album", "failed"),
        ("next", "sent"),
    ]


async def test_stopping_as_a_reply_is_owed_still_stops(tmp_path: Path) -> None:
    """A reply owed at the very moment the bot shuts down (the engine wakes the worker, then SIGTERM)
    must not keep the worker alive: the process would hang instead of exiting."""
    store = await Store.open(tmp_path / "db.sqlite3")
    try:
        worker = OutboxWorker(store, {}, Identities(store))
        worker.start()
        await asyncio.sleep(0.05)  # asleep, waiting to be woken
        worker.wake()
        stopping = asyncio.create_task(worker.stop())
        # On Python 3.11 the cancellation was swallowed and the worker went on until its next idle check.
        done, _ = await asyncio.wait({stopping}, timeout=1)
        assert done == {stopping}
    finally:
        await store.close()
