"""Delivering the outbox to Telegram.

Replies are committed to the outbox together with the answer they acknowledge; this worker sends
them afterwards, in order per chat and in parallel across chats. Flood control (429 with
`retry_after`), timeouts, dropped connections and 5xx are retried with backoff, also after a
restart; a permanent refusal (blocked bot, unknown chat) is recorded and not retried. Delivery is
at least once: a reply whose send succeeded just before a crash may be sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import warnings
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter
from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

from bot import texts
from bot.events import Button, Edit, OutPhoto, Owed, Photos, ReportFile, ReportKind, ReportRequest, Say
from bot.html import esc, split_html
from bot.photos import downscaled_jpeg
from bot.reporting import TELEGRAM_UPLOAD_LIMIT
from bot.reports.service import ReportService, ReportUnavailable
from storage.models import OutboxRow, OutboxStatus
from storage.repository import Store, utcnow

log = logging.getLogger(__name__)

T = TypeVar("T")
Step = Callable[[], Awaitable[object]]
OWED: TypeAdapter[Owed] = TypeAdapter(Owed)

PHOTO_UPLOAD_LIMIT = 10 * 2**20
MAX_ATTEMPTS = 30
MAX_BACKOFF = timedelta(minutes=5)
IDLE_CHECK_SECONDS = 30.0
# An archive part of up to 50 MB over a provincial office's uplink; python-telegram-bot's default of
# 20 s would time out, and a timed-out upload that did arrive would be sent twice.
REPORT_UPLOAD_TIMEOUT = 300.0
PICTURES = frozenset({ReportKind.CHART, ReportKind.STATS})


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data) for button in row] for row in rows]
    )


def markup(reply: Say) -> InlineKeyboardMarkup | ForceReply | None:
    """Buttons when there are any; otherwise, for a question put to one person in a group, a reply box
    opened for them alone (the bot in privacy mode sees only replies to its own messages)."""
    if reply.buttons:
        return keyboard(reply.buttons)
    if reply.answer_from is not None:
        return ForceReply(selective=True)
    return None


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def with_retries(what: str, call: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T | None:
    """For the few calls that are useful only right away (answering a button press)."""
    for attempt in range(3):
        try:
            return await call(*args, **kwargs)
        except RetryAfter as error:
            await asyncio.sleep(retry_after_seconds(error) + 0.1)
        except BadRequest as error:
            log.warning("%s refused by Telegram: %s", what, error.message)
            return None
        except (TimedOut, NetworkError):
            await asyncio.sleep(0.5 * (attempt + 1))
        except TelegramError as error:
            log.warning("%s failed: %s", what, error.message)
            return None
    return None


def _upload_bytes(photo: OutPhoto) -> bytes:
    """The original when Telegram takes it as a photo; a downscaled copy when it is too big for one."""
    fits = photo.size <= PHOTO_UPLOAD_LIMIT and photo.width + photo.height <= 10_000
    if fits and photo.mime in ("image/jpeg", "image/png"):
        return photo.path.read_bytes()
    return downscaled_jpeg(photo.path)


def cli_command(request: ReportRequest) -> str:
    """The command an administrator runs on the server for a file Telegram will not take."""
    formats = {ReportKind.RECORD: "docx", ReportKind.ROUND: "docx", ReportKind.WORKBOOK: "xlsx"}
    fmt = formats.get(request.kind, "zip")
    if request.inspection_id is not None:
        return f"python -m bot report {request.inspection_id} --format {fmt} -o bien-ban-{request.inspection_id}.{fmt}"
    return f"python -m bot report --round {request.round_id} --format {fmt} -o dot-{request.round_id}.{fmt}"


class TelegramSteps:
    """Turns one owed reply into the Bot API calls that deliver it, one step per call."""

    def __init__(
        self, bot: Bot, reports: ReportService | None = None, upload_limit: int = TELEGRAM_UPLOAD_LIMIT
    ) -> None:
        self.bot = bot
        self.reports = reports
        self.upload_limit = upload_limit

    def of(self, reply: Owed) -> list[Step]:
        if isinstance(reply, Say):
            return self._say(reply)
        if isinstance(reply, Edit):
            return [lambda: self._edit(reply)]
        if isinstance(reply, ReportFile):
            return [lambda: self._report(reply)]
        return self._photos(reply)

    async def _report(self, reply: ReportFile) -> object:
        """Built afresh on every attempt (a retry after a crash has no half-made file to trust)."""
        assert self.reports is not None, "reports are delivered only by a worker that can build them"
        request, what = reply.request, texts.REPORT_WHAT[reply.request.kind.value]
        # "sending a file…" under the group's name while it is built: a workbook can take seconds.
        action = ChatAction.UPLOAD_PHOTO if request.kind in PICTURES else ChatAction.UPLOAD_DOCUMENT
        await with_retries("sendChatAction", self.bot.send_chat_action, reply.chat_id, action)
        with tempfile.TemporaryDirectory(prefix="kiemtra-report-") as folder:
            try:
                built = await self.reports.build(request, Path(folder))
            except ReportUnavailable as missing:
                return await self._notice(reply.chat_id, esc(str(missing)))
            except Exception:
                log.exception("building %s for chat %s failed", request, reply.chat_id)
                return await self._notice(reply.chat_id, texts.REPORT_FAILED.format(what=what))
            size = built.path.stat().st_size
            if size > self.upload_limit:
                notice = texts.REPORT_TOO_BIG.format(
                    name=esc(built.filename), size=size / 2**20, command=esc(cli_command(request))
                )
                return await self._notice(reply.chat_id, notice)
            with built.path.open("rb") as handle:
                if built.as_photo:
                    return await self.bot.send_photo(
                        reply.chat_id, handle, caption=built.caption, parse_mode=ParseMode.HTML
                    )
                return await self.bot.send_document(
                    reply.chat_id,
                    handle,
                    filename=built.filename,
                    caption=built.caption,
                    parse_mode=ParseMode.HTML,
                    write_timeout=REPORT_UPLOAD_TIMEOUT,
                )

    async def _notice(self, chat_id: int, html: str) -> object:
        return await self.bot.send_message(chat_id, html, parse_mode=ParseMode.HTML)

    def _say(self, reply: Say) -> list[Step]:
        parts = split_html(reply.html, MessageLimit.MAX_TEXT_LENGTH)

        def send(index: int) -> Step:
            return lambda: self.bot.send_message(
                reply.chat_id,
                parts[index],
                parse_mode=ParseMode.HTML,
                reply_markup=markup(reply) if index == len(parts) - 1 else None,
                disable_web_page_preview=True,
            )

        return [send(index) for index in range(len(parts))]

    async def _edit(self, reply: Edit) -> object:
        if reply.html is None:
            return await self.bot.edit_message_reply_markup(reply.chat_id, reply.message_id, reply_markup=None)
        text = split_html(reply.html, MessageLimit.MAX_TEXT_LENGTH)[0]
        return await self.bot.edit_message_text(text, reply.chat_id, reply.message_id, parse_mode=ParseMode.HTML)

    def _photos(self, reply: Photos) -> list[Step]:
        chunks = [reply.photos[start : start + 10] for start in range(0, len(reply.photos), 10)]

        def send(chunk: list[OutPhoto]) -> Step:
            async def step() -> object:
                payloads = await asyncio.gather(*(asyncio.to_thread(_upload_bytes, photo) for photo in chunk))
                if len(chunk) == 1:
                    return await self.bot.send_photo(
                        reply.chat_id, payloads[0], caption=chunk[0].caption, parse_mode=ParseMode.HTML
                    )
                media = [
                    InputMediaPhoto(data, caption=photo.caption, parse_mode=ParseMode.HTML)
                    for data, photo in zip(payloads, chunk, strict=True)
                ]
                return await self.bot.send_media_group(reply.chat_id, media)

            return step

        return [send(chunk) for chunk in chunks]


class OutboxWorker:
    def __init__(self, store: Store, bot: Bot, reports: ReportService | None = None) -> None:
        self.store = store
        self.steps = TelegramSteps(bot, reports)
        self._wake = asyncio.Event()
        self._busy: dict[int, asyncio.Task[None]] = {}
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
        async with self.store.transaction() as tx:
            chats = await tx.outbox_due_chats(now)
            wake_at = await tx.outbox_next_wakeup(now)
        for chat_id in chats:
            if chat_id not in self._busy:
                self._busy[chat_id] = asyncio.create_task(self._drain(chat_id), name=f"outbox:{chat_id}")
        timeout = IDLE_CHECK_SECONDS
        if wake_at is not None:
            timeout = min(max((wake_at - now).total_seconds(), 0.05), IDLE_CHECK_SECONDS)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def _drain(self, chat_id: int) -> None:
        try:
            while True:
                async with self.store.transaction() as tx:
                    row = await tx.outbox_next(chat_id, utcnow())
                if row is None or not await self._deliver(row):
                    return
        except Exception:
            log.exception("outbox worker for chat %s stopped", chat_id)
        finally:
            del self._busy[chat_id]
            self._wake.set()

    async def _deliver(self, row: OutboxRow) -> bool:
        """True when the row is finished (sent or failed for good); False when it waits for a retry."""
        steps = self.steps.of(OWED.validate_json(row.body))
        for index in range(row.progress, len(steps)):
            try:
                await steps[index]()
            except RetryAfter as error:
                return await self._later(row, utcnow() + timedelta(seconds=retry_after_seconds(error)), str(error))
            except BadRequest as error:
                if "not modified" in error.message:  # the edit was already made before a crash
                    continue
                return await self._finish(row, OutboxStatus.FAILED, error.message)
            except (TimedOut, NetworkError) as error:
                backoff = min(timedelta(seconds=2 ** min(row.attempts, 10)), MAX_BACKOFF)
                return await self._later(row, utcnow() + backoff, str(error))
            except TelegramError as error:  # blocked by the user, chat gone, group migrated
                return await self._finish(row, OutboxStatus.FAILED, error.message)
            except OSError as error:  # a stored photo could not be read
                log.exception("reply %s could not be prepared", row.id)
                return await self._finish(row, OutboxStatus.FAILED, str(error))
            if len(steps) > 1:
                async with self.store.transaction() as tx:
                    await tx.outbox_progress(row.id, index + 1)
        return await self._finish(row, OutboxStatus.SENT)

    async def _later(self, row: OutboxRow, when: datetime, error: str) -> bool:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            return await self._finish(row, OutboxStatus.FAILED, f"gave up after {MAX_ATTEMPTS} attempts: {error}")
        log.info("reply %s to chat %s will be retried: %s", row.id, row.chat_id, error)
        async with self.store.transaction() as tx:
            await tx.outbox_retry_later(row.id, when, error)
        return False

    async def _finish(self, row: OutboxRow, status: OutboxStatus, error: str | None = None) -> bool:
        if status is OutboxStatus.FAILED:
            log.warning("reply %s to chat %s failed for good: %s", row.id, row.chat_id, error)
        async with self.store.transaction() as tx:
            await tx.outbox_finish(row.id, status, error)
        return True
