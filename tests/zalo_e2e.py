"""Runs the real application (`app.serve`) as a Zalo-only bot against the Zalo stand-in."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from app.serve import Clock, serve
from app.settings import Settings
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from handlers.zalo.server import WEBHOOK_PATH
from storage.clock import utcnow
from storage.models import Team
from storage.sqlite.store import SqliteStore as Store
from tests.zalo_standin import SentZaloMessage, ZaloStandIn, ZaloUser

WEBHOOK_SECRET = "zalo-hook-secret_0123456789"
PUBLIC_HTTPS = "https://kiemtra.example.vn"
JOIN_CODE = "K7M2QX9P"
TEAM_GROUP = -100123  # the team's Telegram group: with Telegram off, what goes there waits in the outbox
LEAD_ID = 5001
INSPECTOR = ZaloUser("zu-8001", "Nguyễn Văn An")
ZALO_LEAD = ZaloUser("zu-8002", "Trần Thị Trưởng")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def zalo_settings(
    standin: ZaloStandIn, data_dir: Path, port: int, *, webhook: bool, overrides: dict[str, object] | None = None
) -> Settings:
    """Zalo only. In webhook mode PUBLIC_BASE_URL is the HTTPS address Zalo is told to post to; the
    stand-in then forwards to the local port, as a reverse proxy would."""
    settings = Settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=None,
        ZALO_BOT_TOKEN=standin.TOKEN,
        ZALO_BASE_URL=standin.base_url,
        ZALO_WEBHOOK_SECRET=WEBHOOK_SECRET if webhook else None,
        PUBLIC_BASE_URL=PUBLIC_HTTPS if webhook else f"http://127.0.0.1:{port}",
        PUBLIC_LISTEN="127.0.0.1",
        PUBLIC_PORT=port,
        DATA_DIR=data_dir,
        MAX_PHOTO_MB=5,
    )
    return settings.model_copy(update=overrides or {})


@dataclass
class RunningZaloBot:
    task: asyncio.Task[None]
    settings: Settings
    port: int

    @property
    def local(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        return self.local + WEBHOOK_PATH


@asynccontextmanager
async def running_zalo_bot(
    standin: ZaloStandIn,
    data_dir: Path,
    checklist: Checklist | None = None,
    *,
    overrides: dict[str, object] | None = None,
    webhook: bool = False,
    clock: Clock = utcnow,
    reminder_every: float = 60.0,
) -> AsyncIterator[RunningZaloBot]:
    """`serve()` as a task in the test's loop, until the stand-in sees it poll (or set its webhook, after
    which the stand-in delivers to the bot's local listener)."""
    stop = asyncio.Event()
    port = free_port()
    settings = zalo_settings(standin, data_dir, port, webhook=webhook, overrides=overrides)
    checklists = ChecklistVersions(checklist) if checklist else settings.checklists()
    task = asyncio.create_task(serve(settings, checklists, stop, clock=clock, reminder_every=reminder_every))
    bot = RunningZaloBot(task, settings, port)
    try:
        await wait_until_called(standin, "setWebhook" if webhook else "getUpdates", task)
        if webhook:
            standin.forward_webhook_to(bot.webhook_url)
        yield bot
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def wait_until_called(standin: ZaloStandIn, method: str, task: asyncio.Task[None], timeout: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not standin.calls_to(method):
        if task.done():
            task.result()
            raise AssertionError(f"the bot stopped before calling {method}")
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the bot never called {method}")
        await asyncio.sleep(0.05)


async def create_team(data_dir: Path, *, lead_id: int = LEAD_ID, lead_name: str = "Trần Trưởng Đoàn") -> Team:
    """A team made directly in the database, as a Zalo-only bot has no group to send /newteam in."""
    store = await Store.open(data_dir / "kiemtra.sqlite3")
    try:
        async with store.transaction() as tx:
            return await tx.teams.create(
                "Đoàn kiểm tra số 1",
                group_chat_id=TEAM_GROUP,
                lead_id=lead_id,
                lead_name=lead_name,
                code="invite-code-not-used-on-zalo",
                join_code=JOIN_CODE,
            )
    finally:
        await store.close()


async def zalo_person(data_dir: Path, user: ZaloUser) -> int:
    """The bot's integer id for a Zalo user, made before the bot ever hears from them."""
    store = await Store.open(data_dir / "kiemtra.sqlite3")
    try:
        async with store.transaction() as tx:
            return await tx.people.identity("zalo", user.id)
    finally:
        await store.close()


class ZaloPhone:
    """One person's view of their chat with the bot: send, and wait for what the bot says next."""

    def __init__(self, standin: ZaloStandIn, user: ZaloUser) -> None:
        self.standin = standin
        self.user = user

    def mark(self) -> int:
        return self.standin.mark(self.user.id)

    async def say(self, text: str, expect: str | None = None) -> SentZaloMessage:
        after = self.mark()
        self.standin.send_text(self.user, text)
        return await self.next(expect, after)

    async def next(self, expect: str | None, after: int) -> SentZaloMessage:
        return await self.standin.wait_for(self.user.id, expect, after=after, timeout=10)

    async def photo(self, data: bytes, expect: str, *, expired: bool = False) -> SentZaloMessage:
        after = self.mark()
        self.standin.send_image(self.user, data, expired=expired)
        return await self.next(expect, after)
