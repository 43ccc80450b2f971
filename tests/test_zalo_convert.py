"""Zalo updates as engine events: ids mapped, commands, menu replies read back as taps, photos lazily."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.events import Button, ChatKind, Command, PhotoIn, Tap, Text, Unsupported
from handlers.menus import Menu
from handlers.zalo.convert import chat_of, sender_of, to_incoming, unwrap, update_key
from storage.sqlite.store import SqliteStore as Store

Json = dict[str, Any]


def update(event: str = "message.text.received", chat_type: str = "PRIVATE", **fields: Any) -> Json:
    return {
        "event_name": event,
        "message": {
            "from": {"id": "zu-1", "display_name": "  Nguyễn   Văn An ", "is_bot": False},
            "chat": {"id": "zu-1", "chat_type": chat_type},
            "message_id": "82599fa32f56d00e8941",
            "date": 1_790_000_000_000,
            **fields,
        },
    }


@pytest_asyncio.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "kiemtra.sqlite3")
    yield store
    await store.close()


async def nowhere(url: str) -> bytes:
    raise AssertionError("nothing should be downloaded while converting")


async def test_text_from_a_private_chat(store: Store) -> None:
    async with store.transaction() as tx:
        incoming = await to_incoming(tx, update(text="UBND xã Cổ Lũng"), nowhere)
        again = await to_incoming(tx, update(text="x"), nowhere)
    assert incoming is not None and again is not None
    assert incoming.key == "zalo:82599fa32f56d00e8941"
    assert incoming.event == Text(text="UBND xã Cổ Lũng")
    assert incoming.channel == "zalo" and incoming.person.id == again.person.id
    assert incoming.person.name == "Nguyễn Văn An"
    assert incoming.chat.kind is ChatKind.PRIVATE
    async with store.reading() as tx:
        person = await tx.people.identity_of(incoming.person.id)
        chat = await tx.people.identity_of(incoming.chat.id)
    assert person is not None and (person.channel, person.external_id) == ("zalo", "zu-1")
    assert chat is not None and chat.channel == "zalo"


async def test_commands(store: Store) -> None:
    async with store.transaction() as tx:
        join = await to_incoming(tx, update(text="/join  K7M2QX "), nowhere)
        inspect = await to_incoming(tx, update(text="/Inspect"), nowhere)
        slash = await to_incoming(tx, update(text="/ không phải lệnh"), nowhere)
    assert join is not None and join.event == Command(name="join", args="K7M2QX")
    assert inspect is not None and inspect.event == Command(name="inspect", args="")
    assert slash is not None and isinstance(slash.event, Text)


async def test_a_reply_naming_a_menu_choice_is_a_tap(store: Store) -> None:
    menu = [
        Button(label="Đạt", data="v:pass"),
        Button(label="Không đạt", data="v:fail"),
        Button(label="⬅️ Quay lại", data="b"),
    ]
    async with store.transaction() as tx:
        first = await to_incoming(tx, update(text="2"), nowhere)
        assert first is not None
        await tx.delivery.remember_menu(first.chat.id, Menu(items=menu).model_dump_json())
        by_number = await to_incoming(tx, update(text=" 2 "), nowhere)
        by_label = await to_incoming(tx, update(text="khong dat"), nowhere)
        by_synonym = await to_incoming(tx, update(text="back"), nowhere)
        out_of_range = await to_incoming(tx, update(text="9"), nowhere)
        chatter = await to_incoming(tx, update(text="xin chào"), nowhere)
        await tx.delivery.remember_menu(first.chat.id, Menu(items=[]).model_dump_json())
        after_plain_message = await to_incoming(tx, update(text="1"), nowhere)
    assert first.event == Text(text="2")  # no menu shown yet
    assert by_number is not None and by_number.event == Tap(data="v:fail")
    assert by_label is not None and by_label.event == Tap(data="v:fail")
    assert by_synonym is not None and by_synonym.event == Tap(data="b")
    assert out_of_range is not None and out_of_range.event == Text(text="9")
    assert chatter is not None and chatter.event == Text(text="xin chào")
    assert after_plain_message is not None and after_plain_message.event == Text(text="1")


async def test_a_photo_is_fetched_only_when_the_engine_asks(store: Store) -> None:
    asked: list[str] = []

    async def download(url: str) -> bytes:
        asked.append(url)
        return b"jpeg"

    async with store.transaction() as tx:
        both = await to_incoming(
            tx, update("message.image.received", photo_url="https://cdn/a.jpg", photo="x"), download
        )
        photo_only = await to_incoming(tx, update("message.image.received", photo="https://cdn/b.jpg"), download)
        no_url = await to_incoming(tx, update("message.image.received"), download)
    assert asked == []
    assert both is not None and isinstance(both.event, PhotoIn)
    assert both.event.mime_type == "image/jpeg" and both.event.declared_size is None
    assert await both.event.fetch() == b"jpeg"
    assert photo_only is not None and isinstance(photo_only.event, PhotoIn)
    await photo_only.event.fetch()
    assert asked == ["https://cdn/a.jpg", "https://cdn/b.jpg"]
    assert no_url is not None and isinstance(no_url.event, Unsupported)


async def test_stickers_and_withheld_messages_are_unsupported(store: Store) -> None:
    async with store.transaction() as tx:
        for event in ("message.sticker.received", "message.unsupported.received", "message.video.received"):
            incoming = await to_incoming(tx, update(event, sticker="abc"), nowhere)
            assert incoming is not None and isinstance(incoming.event, Unsupported)


async def test_group_chats_bots_and_malformed_updates_are_not_for_the_engine(store: Store) -> None:
    bot = update(text="hi")
    bot["message"]["from"]["is_bot"] = True
    no_id = update(text="hi")
    del no_id["message"]["message_id"]
    async with store.transaction() as tx:
        assert await to_incoming(tx, update(chat_type="GROUP", text="hi"), nowhere) is None
        assert await to_incoming(tx, bot, nowhere) is None
        assert await to_incoming(tx, no_id, nowhere) is None
        assert await to_incoming(tx, {"event_name": "x"}, nowhere) is None
    assert chat_of(update(chat_type="GROUP")) is None and chat_of(update()) == "zu-1"
    assert update_key(no_id) is None and sender_of(update()) == "zu-1"


def test_webhook_bodies_with_and_without_the_envelope() -> None:
    bare = update(text="hi")
    assert unwrap(bare) == bare
    assert unwrap({"ok": True, "result": bare}) == bare
    assert unwrap({"ok": True, "result": {"event_name": "x"}}) is None
    assert unwrap([bare]) is None
