"""Replies go to the channel recorded for their chat in `identities`, never guessed from the id itself."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.events import Owed, Say
from handlers.identities import Identities
from handlers.outbox import Failure, OutboxWorker, Step
from storage.clock import utcnow
from storage.sqlite.store import SqliteStore
from tests.e2e import rows
from tests.old_schema import schema_up_to


class Recorder:
    """A channel that only writes down what it was asked to deliver."""

    def __init__(self) -> None:
        self.delivered: list[tuple[int, str]] = []

    def steps(self, reply: Owed) -> list[Step]:
        async def deliver() -> None:
            assert isinstance(reply, Say)
            self.delivered.append((reply.chat_id, reply.html))

        return [deliver]

    def failure(self, error: Exception, attempts: int) -> Failure | None:
        return None


async def owe(store: SqliteStore, chat_id: int, text: str) -> None:
    async with store.transaction() as tx:
        await tx.delivery.outbox_add(chat_id, Say(chat_id=chat_id, html=text).model_dump_json(), None, utcnow())


async def until(condition: object, timeout: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_each_reply_goes_to_its_chats_channel_and_an_unknown_chat_waits(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "kiemtra.sqlite3")
    identities = Identities(store)
    telegram, zalo = Recorder(), Recorder()
    try:
        tg_user, tg_group = await identities.ids("telegram", ["5002", "-1001"], native=True)
        (zalo_user,) = await identities.ids("zalo", ["zu-1"])
        assert (tg_user, tg_group) == (5002, -1001) and zalo_user >= 1 << 60
        for chat_id, text in [(tg_user, "a"), (zalo_user, "b"), (tg_group, "c"), (777, "nobody's")]:
            await owe(store, chat_id, text)
        outbox = OutboxWorker(store, {"telegram": telegram, "zalo": zalo}, identities)
        outbox.start()
        try:
            await until(lambda: len(telegram.delivered) == 2 and len(zalo.delivered) == 1)
            await outbox.idle()
        finally:
            await outbox.stop()
    finally:
        await store.close()
    assert sorted(telegram.delivered) == [(tg_group, "c"), (tg_user, "a")]
    assert zalo.delivered == [(zalo_user, "b")]
    waiting = await rows(tmp_path, "SELECT chat_id FROM outbox WHERE status = 'pending'")
    assert waiting == [(777,)]


async def test_a_channel_that_is_not_running_keeps_its_replies(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "kiemtra.sqlite3")
    identities = Identities(store)
    telegram = Recorder()
    try:
        (zalo_user,) = await identities.ids("zalo", ["zu-1"])
        await owe(store, zalo_user, "later")
        outbox = OutboxWorker(store, {"telegram": telegram}, identities)
        outbox.start()
        await outbox.idle()
        await outbox.stop()
    finally:
        await store.close()
    assert telegram.delivered == []
    assert await rows(tmp_path, "SELECT status FROM outbox") == [("pending",)]


def test_ids_stored_before_identities_had_channels_are_telegrams(tmp_path: Path) -> None:
    """A database from before this migration knew Telegram's ids only by their range."""
    database = tmp_path / "kiemtra.sqlite3"
    with closing(sqlite3.connect(database)) as connection:
        schema_up_to(connection, 4)
        now = utcnow().isoformat()
        connection.execute(
            "INSERT INTO teams (name, group_chat_id, lead_id, invite_code, join_code, created_at)"
            " VALUES ('Đoàn', -1001, 5001, 'inv', 'K7M2QX', ?)",
            (now,),
        )
        connection.execute("INSERT INTO members VALUES (1, 5001, 'lead', 'Lead', ?)", (now,))
        connection.execute("INSERT INTO identities (channel, external_id) VALUES ('zalo', 'zu-1')")
        connection.execute(
            "INSERT INTO outbox (chat_id, body, not_before, created_at) VALUES (5003, '\"x\"', ?, ?)", (now, now)
        )
        connection.commit()

    async def migrate() -> None:
        store = await SqliteStore.open(database)
        await store.close()

    asyncio.run(migrate())
    with closing(sqlite3.connect(database)) as connection:
        found = sorted(connection.execute("SELECT channel, external_id, chat_id FROM identities"))
    assert found == [
        ("telegram", "-1001", -1001),
        ("telegram", "5001", 5001),
        ("telegram", "5003", 5003),
        ("zalo", "zu-1", (1 << 60) + 1),
    ]
