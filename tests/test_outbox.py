"""The outbox's order rules, on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

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
            assert 1 not in await tx.delivery.outbox_due_chats(now)
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
