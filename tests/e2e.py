"""Runs the real application (`app.serve`) against the Bot API stand-in, in the test's event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from app.serve import Clock, serve
from app.settings import Settings
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from storage.clock import utcnow
from tests.standin import BotApiStandIn, FakeUser, SentMessage

ADMIN = FakeUser(id=5001, first_name="Trần", last_name="Trưởng Đoàn", username="truongdoan")
INSPECTOR = FakeUser(id=5002, first_name="Nguyễn", last_name="Văn An")
SECOND = FakeUser(id=5003, first_name="Lê", last_name="Thị Hoa")
STRANGER = FakeUser(id=5999, first_name="Người", last_name="Lạ")
GROUP_ID = -1001234567890


async def rows(data_dir: Path, sql: str, name: str = "kiemtra.sqlite3") -> list[tuple[Any, ...]]:
    """Reads what the bot stored through a second connection, as an auditor would."""
    async with aiosqlite.connect(data_dir / name) as db, db.execute(sql) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


def settings_for(standin: BotApiStandIn, data_dir: Path, overrides: dict[str, object] | None = None) -> Settings:
    settings = Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=standin.TOKEN,
        TELEGRAM_BASE_URL=standin.base_url,
        TELEGRAM_BASE_FILE_URL=standin.base_file_url,
        DATA_DIR=data_dir,
        ADMIN_IDS=str(ADMIN.id),
        MAX_PHOTO_MB=5,
    )
    return settings.model_copy(update=overrides or {})


def env_for(standin: BotApiStandIn, data_dir: Path) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": standin.TOKEN,
        "TELEGRAM_BASE_URL": standin.base_url,
        "TELEGRAM_BASE_FILE_URL": standin.base_file_url,
        "DATA_DIR": str(data_dir),
        "ADMIN_IDS": str(ADMIN.id),
    }


@asynccontextmanager
async def running_bot(
    standin: BotApiStandIn,
    data_dir: Path,
    checklist: Checklist | None = None,
    *,
    overrides: dict[str, object] | None = None,
    wait_for: str = "getUpdates",
    clock: Clock = utcnow,
    reminder_every: float = 60.0,
) -> AsyncIterator[asyncio.Task[None]]:
    """`serve()` as a task in the test's loop, until the stand-in sees it poll (or set its webhook)."""
    stop = asyncio.Event()
    settings = settings_for(standin, data_dir, overrides)
    checklists = ChecklistVersions(checklist) if checklist else settings.checklists()
    task = asyncio.create_task(serve(settings, checklists, stop, clock=clock, reminder_every=reminder_every))
    try:
        await wait_until_called(standin, wait_for, task)
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def wait_until_called(
    standin: BotApiStandIn, method: str, task: asyncio.Task[None] | None = None, timeout: float = 20
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not standin.calls_to(method):
        if task is not None and task.done():
            task.result()
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the bot never called {method}")
        await asyncio.sleep(0.05)


class Phone:
    """One person's view of the chat: send, tap, and wait for what the bot says next."""

    def __init__(self, standin: BotApiStandIn, user: FakeUser, chat_id: int | None = None) -> None:
        self.standin = standin
        self.user = user
        self.chat_id = chat_id if chat_id is not None else user.id

    def seen(self) -> int:
        """A point to wait from, taken before acting so a fast reply is not missed: what the bot sends
        after it, and a message it rewrites after it to show the next step, are news."""
        return self.standin.mark(self.chat_id)

    async def say(self, text: str, expect: str | None = None) -> SentMessage:
        seen = self.seen()
        self.standin.send_text(self.user, text, chat_id=self.chat_id)
        return await self.next(expect, seen)

    async def next(self, expect: str | None, seen: int) -> SentMessage:
        """The first message sent after `seen`, or rewritten after it with buttons (the tapped question
        showing the next one), that contains `expect`; a message only frozen does not count."""
        before = self.standin.world.sent_by_chat.get(self.chat_id, [])[:seen]  # `sent()` would move the mark
        newest = max((message.message_id for message in before), default=0)

        def wanted(message: SentMessage) -> bool:
            news = message.message_id > newest or bool(message.buttons)
            return news and (expect is None or expect in message.text)

        return await self.standin.wait_for(self.chat_id, wanted, timeout=10, after=seen)

    async def next_prompt(self, seen: int) -> SentMessage:
        """The next question: every prompt of the conversation carries buttons."""
        return await self.standin.wait_for(self.chat_id, lambda m: bool(m.buttons), timeout=10, after=seen)

    def last_with_buttons(self) -> SentMessage:
        for message in reversed(self.standin.sent(self.chat_id)):
            if message.buttons:
                return message
        raise AssertionError("no message with buttons")

    async def tap(self, label: str, expect: str | None = None) -> SentMessage:
        seen = self.seen()
        self.standin.tap(self.user, self.last_with_buttons(), label)
        return await self.next(expect, seen)


async def create_team(tg: BotApiStandIn, name: str = "Đoàn kiểm tra số 1") -> str:
    """The administrator's /newteam in the group; returns the invitation code from the deep link."""
    created = await Phone(tg, ADMIN, GROUP_ID).say(f"/newteam {name}", "Đã tạo đoàn")
    link = next(word for word in created.text.split() if word.startswith("https://t.me/"))
    assert link.startswith("https://t.me/kiemtra_test_bot?start="), link
    return link.split("start=")[1]


async def team_with(tg: BotApiStandIn, *phones: Phone) -> None:
    code = await create_team(tg)
    for phone in phones:
        await phone.say(f"/start {code}", "đã tham gia đoàn")


async def to_first_question(phone: Phone, unit: str = "UBND xã Cổ Lũng") -> SentMessage:
    await phone.say("/inspect", "Đơn vị được kiểm tra")
    await phone.say(unit, "Gửi vị trí")
    return await phone.tap("Bỏ qua", "Mục 1/")
