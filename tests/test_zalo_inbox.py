"""The Zalo inbox: committed before handling, one person in order, people in parallel, replayed after a crash."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Hashable
from pathlib import Path
from typing import Any

import pytest_asyncio

from handlers.inbox import DurableInbox
from handlers.lanes import Pacing
from handlers.zalo.inbox import ZaloInbox
from storage.sqlite.store import SqliteStore as Store

Json = dict[str, Any]


def update(person: str, message_id: str) -> Json:
    return {"event_name": "message.text.received", "message": {"from": {"id": person}, "message_id": message_id}}


async def member(sender: Hashable) -> bool:
    return True


async def unwarned(sender: Hashable) -> None:
    pass


def inbox_of(store: Store, process: Callable[[Json], Coroutine[Any, Any, None]]) -> ZaloInbox:
    """Everyone here is a team member, at a member's pace."""
    return ZaloInbox(DurableInbox(store, "zalo:"), process, Pacing(member), unwarned)


@pytest_asyncio.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "kiemtra.sqlite3")
    yield store
    await store.close()


async def pending(store: Store) -> list[str]:
    async with store.transaction() as tx:
        return [row.key for row in await tx.delivery.inbox_pending("zalo:")]


async def test_one_person_in_order_people_in_parallel(store: Store) -> None:
    handled: list[str] = []
    slow_started = asyncio.Event()
    release = asyncio.Event()
    all_done = asyncio.Event()

    async def process(item: Json) -> None:
        message_id = item["message"]["message_id"]
        if message_id == "a1":
            slow_started.set()
            await release.wait()
        handled.append(message_id)
        async with store.transaction() as tx:
            await tx.delivery.inbox_done([f"zalo:{message_id}"])
        if len(handled) == 5:
            all_done.set()

    inbox = inbox_of(store, process)
    for person, message_id in [("a", "a1"), ("a", "a2"), ("b", "b1"), ("a", "a3"), ("b", "b2")]:
        assert await inbox.take(update(person, message_id))
    await slow_started.wait()
    await asyncio.sleep(0.1)
    assert handled == ["b1", "b2"]  # b did not wait for a's slow first message
    assert await pending(store) == ["zalo:a1", "zalo:a2", "zalo:a3"]
    release.set()
    await asyncio.wait_for(all_done.wait(), 5)
    assert handled == ["b1", "b2", "a1", "a2", "a3"]
    assert await pending(store) == []


async def test_what_was_not_finished_is_replayed_and_an_update_without_id_is_not_kept(store: Store) -> None:
    stuck = asyncio.Event()

    async def hang(item: Json) -> None:
        await stuck.wait()

    first = inbox_of(store, hang)
    assert await first.take(update("a", "m1"))
    assert await first.take(update("a", "m1"))  # a redelivery is one inbox row
    assert not await first.take({"event_name": "x", "message": {}})
    await first.stop(grace=0.05)  # the "crash": m1 never finished
    assert await pending(store) == ["zalo:m1"]

    replayed: list[str] = []

    async def record(item: Json) -> None:
        replayed.append(item["message"]["message_id"])

    second = inbox_of(store, record)
    assert await second.replay() == 1
    await asyncio.sleep(0.05)
    assert replayed == ["m1"]


async def test_a_failing_update_does_not_stop_the_next(store: Store) -> None:
    handled: list[str] = []

    async def process(item: Json) -> None:
        message_id = item["message"]["message_id"]
        if message_id == "bad":
            raise RuntimeError("boom")
        handled.append(message_id)

    inbox = inbox_of(store, process)
    await inbox.take(update("a", "bad"))
    await inbox.take(update("a", "good"))
    await asyncio.sleep(0.1)
    assert handled == ["good"]
