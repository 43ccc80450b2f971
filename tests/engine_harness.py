"""Drives the engine directly, with a real SQLite file and no chat channel at all."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from bot.checklist.loader import parse_checklist
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from bot.engine import Engine
from bot.events import (
    Abilities,
    Chat,
    ChatKind,
    Command,
    Edit,
    Event,
    Incoming,
    Location,
    Person,
    PhotoIn,
    Reply,
    Say,
    Tap,
    Text,
)
from storage.sqlite.store import SqliteStore as Store

SMALL_CHECKLIST = """
id: thu-nghiem
version: 1
title: Bảng kiểm thử nghiệm
areas:
  - id: chi-dao
    title: Chỉ đạo, điều hành
    items:
      - id: ke-hoach
        prompt: Đã ban hành kế hoạch KSTTHC năm?
        type: rating
      - id: co-du-thao
        prompt: Có dự thảo văn bản quy định TTHC không?
        type: yesno
  - id: niem-yet
    title: Công khai, niêm yết TTHC
    items:
      - id: bang-niem-yet
        prompt: Bảng niêm yết TTHC dễ quan sát?
        type: rating
        photo: required
      - id: ty-le
        prompt: Tỷ lệ hồ sơ đúng hạn (%)?
        type: number
      - id: anh-quay
        prompt: Chụp ảnh quầy Một cửa
        type: photo
        photo: optional
        required: false
      - id: ghi-chu
        prompt: Ghi chú khác
        type: text
        required: false
"""

# People here have Telegram-like ids: the engine is driven as Telegram's channel would drive it.
CHANNEL = "telegram"
ABILITIES = {CHANNEL: Abilities(groups=True, buttons=True, albums=True, files=True, edits=True, own_ids=True)}
ADMIN = Person(id=100, name="Trần Quản Trị")
INSPECTOR = Person(id=200, name="Nguyễn Văn An")
STRANGER = Person(id=300, name="Người Lạ")
GROUP = -1001


class Harness:
    def __init__(self, store: Store, engine: Engine) -> None:
        self.store = store
        self.engine = engine
        self._keys = itertools.count(1)
        self.last: list[Reply] = []
        self._ids: list[int] = []
        self._message_ids = itertools.count(1)

    @classmethod
    async def open(
        cls,
        directory: Path,
        checklist: Checklist | None = None,
        abilities: Abilities = ABILITIES[CHANNEL],
        others: Sequence[Checklist] = (),
    ) -> Harness:
        """`abilities`: Telegram's by default; a channel of numbered menus is driven the same way.
        `others`: checklists in use beside `checklist` (the default), for a round's lead to choose from."""
        store = await Store.open(directory / "kiemtra.sqlite3")
        engine = Engine(
            store,
            ChecklistVersions(checklist or parse_checklist(SMALL_CHECKLIST), others),
            admins=frozenset({ADMIN.id}),
            invite_link=lambda code: f"https://t.me/test_bot?start={code}",
            abilities={CHANNEL: abilities},
            photo_dir=directory / "photos",
            max_photo_bytes=5 * 2**20,
        )
        await engine.start()
        return cls(store, engine)

    async def send(
        self, person: Person, event: Event, chat: Chat | None = None, key: str | None = None, tapped: int | None = None
    ) -> list[Reply]:
        """`tapped`: the message carrying the pressed button, as a channel says (any message for a forged
        or stale press)."""
        chat = chat or Chat(id=person.id, kind=ChatKind.PRIVATE)
        if isinstance(event, Tap) and tapped is None:
            tapped = 1
        message = Incoming(
            key=key or f"t:{next(self._keys)}",
            channel=CHANNEL,
            person=person,
            chat=chat,
            event=event,
            tapped_message_id=tapped,
        )
        self.last = await self.engine.handle(message)
        # Each message sent gets the id a channel would give it; a rewritten one keeps its own.
        self._ids = [next(self._message_ids) if isinstance(r, Say) else getattr(r, "message_id", 0) for r in self.last]
        return self.last

    async def command(self, person: Person, name: str, args: str = "", group: bool = False) -> list[Reply]:
        chat = Chat(id=GROUP, kind=ChatKind.GROUP) if group else None
        return await self.send(person, Command(name=name, args=args), chat)

    async def text(self, person: Person, text: str) -> list[Reply]:
        return await self.send(person, Text(text=text))

    async def tap(self, person: Person, label: str) -> list[Reply]:
        """Presses the button with this label on the newest message that has one."""
        data, message_id = self.pressable(label)
        return await self.send(person, Tap(data=data), tapped=message_id)

    def button(self, label: str) -> str:
        return self.pressable(label)[0]

    def pressable(self, label: str) -> tuple[str, int]:
        """The data of the button with this label on the newest message that has one, and that message."""
        for reply, message_id in reversed(list(zip(self.last, self._ids, strict=True))):
            if isinstance(reply, (Say, Edit)):
                for row in reply.buttons:
                    for button in row:
                        if label in button.label:
                            return button.data, message_id
        raise AssertionError(f"no button {label!r} in {self.texts()}")

    def button_labels(self) -> list[str]:
        """The labels of the buttons on the newest message that has any."""
        for reply in reversed(self.last):
            if isinstance(reply, (Say, Edit)) and reply.buttons:
                return [button.label for row in reply.buttons for button in row]
        return []

    async def photo(
        self, person: Person, data: bytes, album: str | None = None, document: bool = False, mime: str | None = None
    ) -> list[Reply]:
        async def fetch() -> bytes:
            return data

        event = PhotoIn(
            fetch=fetch, declared_size=len(data), media_group_id=album, as_document=document, mime_type=mime
        )
        return await self.send(person, event)

    async def location(self, person: Person, lat: float, lon: float) -> list[Reply]:
        return await self.send(person, Location(latitude=lat, longitude=lon))

    def texts(self, replies: list[Reply] | None = None) -> str:
        """What the person reads: messages sent, and the tapped message rewritten to show the next step."""
        shown = self.last if replies is None else replies
        read = [r.html if isinstance(r, Say) else r.html if isinstance(r, Edit) and r.buttons else None for r in shown]
        return "\n---\n".join(html for html in read if html is not None)

    async def make_team_with_inspector(self) -> str:
        replies = await self.command(ADMIN, "newteam", "Đoàn kiểm tra số 1", group=True)
        code = self.texts(replies).split("start=")[1].split()[0]
        await self.command(INSPECTOR, "start", code)
        return code

    async def start_inspection(self, unit: str = "UBND xã Cổ Lũng") -> None:
        """A team with the inspector in it, and an inspection of `unit` at its first question."""
        await self.make_team_with_inspector()
        await self.command(INSPECTOR, "inspect")
        await self.text(INSPECTOR, unit)
        await self.tap(INSPECTOR, "Bỏ qua")

    async def to_required_photo(self) -> None:
        """On the small checklist: through area 1 to the rating item whose evidence photo is required."""
        await self.start_inspection()
        await self.tap(INSPECTOR, "Đạt")
        await self.tap(INSPECTOR, "Có")
        await self.tap(INSPECTOR, "Đạt")


@asynccontextmanager
async def team_harness(directory: Path) -> AsyncIterator[Harness]:
    """A harness whose team exists, with the inspector in it; closed when the block ends."""
    harness = await Harness.open(directory)
    try:
        await harness.make_team_with_inspector()
        yield harness
    finally:
        await harness.store.close()
