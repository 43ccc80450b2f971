"""Engine replies into Bot API calls, with retries.

The answer is already committed when we get here, so a reply that cannot be delivered never loses
data: flood limits and network trouble are waited out and retried, a permanent refusal (blocked bot,
unknown chat) is logged and dropped, and the inspector can always ask again with /resume.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes, JobQueue

from bot.events import Button, Edit, OutPhoto, Photos, Reply, Say, Toast
from bot.html import split_html
from bot.photos import downscaled_jpeg

log = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 6
ALBUM_QUIET_SECONDS = 1.5
PHOTO_UPLOAD_LIMIT = 10 * 2**20


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data) for button in row] for row in rows]
    )


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def with_retries(what: str, call: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T | None:
    delay = 1.0
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call(*args, **kwargs)
        except RetryAfter as error:
            await asyncio.sleep(_seconds(error) + 0.1)
        except BadRequest as error:  # a subclass of NetworkError, but retrying cannot help
            log.warning("%s refused by Telegram: %s", what, error.message)
            return None
        except (TimedOut, NetworkError) as error:
            if attempt == ATTEMPTS:
                log.error("%s failed after %d attempts: %s", what, attempt, error)
                return None
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30)
        except TelegramError as error:
            # Blocked by the user, a migrated group, …: permanent. The answer is stored already, so
            # this must not surface as an error that would tell the user nothing was saved.
            log.warning("%s failed for good: %s", what, error.message)
            return None
    return None


class Delivery:
    """Sends one update's replies in order; bursts (albums) are answered once, after they settle."""

    def __init__(self, bot: Bot, job_queue: JobQueue[Any] | None) -> None:
        self.bot = bot
        self.job_queue = job_queue

    async def send(
        self, replies: list[Reply], origin: tuple[int, int] | None = None, callback_id: str | None = None
    ) -> None:
        if callback_id is not None:
            toast = next((reply for reply in replies if isinstance(reply, Toast)), None)
            await with_retries(
                "answerCallbackQuery",
                self.bot.answer_callback_query,
                callback_id,
                text=toast.text if toast else None,
                show_alert=bool(toast and toast.alert),
            )
        for reply in replies:
            if isinstance(reply, Say) and reply.coalesce:
                self._later(reply)
            elif isinstance(reply, Say):
                await self.say(reply)
            elif isinstance(reply, Edit) and origin is not None:
                await self.edit(reply, *origin)
            elif isinstance(reply, Photos):
                await self.photos(reply)

    def _later(self, reply: Say) -> None:
        if self.job_queue is None:
            raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
        name = f"{reply.chat_id}:{reply.coalesce}"
        for job in self.job_queue.get_jobs_by_name(name):
            job.schedule_removal()

        async def fire(_: ContextTypes.DEFAULT_TYPE) -> None:
            await self.say(reply)

        self.job_queue.run_once(fire, ALBUM_QUIET_SECONDS, name=name)

    async def say(self, reply: Say) -> None:
        parts = split_html(reply.html, MessageLimit.MAX_TEXT_LENGTH)
        for index, part in enumerate(parts):
            await with_retries(
                "sendMessage",
                self.bot.send_message,
                reply.chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply.buttons) if index == len(parts) - 1 else None,
                disable_web_page_preview=True,
            )

    async def edit(self, reply: Edit, chat_id: int, message_id: int) -> None:
        if reply.html is None:
            await with_retries(
                "editMessageReplyMarkup", self.bot.edit_message_reply_markup, chat_id, message_id, reply_markup=None
            )
            return
        text = split_html(reply.html, MessageLimit.MAX_TEXT_LENGTH)[0]
        await with_retries(
            "editMessageText", self.bot.edit_message_text, text, chat_id, message_id, parse_mode=ParseMode.HTML
        )

    async def photos(self, reply: Photos) -> None:
        for start in range(0, len(reply.photos), 10):
            chunk = reply.photos[start : start + 10]
            try:
                payloads = await asyncio.gather(*(asyncio.to_thread(_upload_bytes, photo) for photo in chunk))
            except OSError:
                log.exception("stored photos of chat %s could not be read", reply.chat_id)
                continue
            if len(chunk) == 1:
                await with_retries(
                    "sendPhoto",
                    self.bot.send_photo,
                    reply.chat_id,
                    payloads[0],
                    caption=chunk[0].caption,
                    parse_mode=ParseMode.HTML,
                )
                continue
            media = [
                InputMediaPhoto(data, caption=photo.caption, parse_mode=ParseMode.HTML)
                for data, photo in zip(payloads, chunk, strict=True)
            ]
            await with_retries("sendMediaGroup", self.bot.send_media_group, reply.chat_id, media)


def _upload_bytes(photo: OutPhoto) -> bytes:
    """The original when Telegram takes it as a photo; a downscaled copy when it is too big for one."""
    fits = photo.size <= PHOTO_UPLOAD_LIMIT and photo.width + photo.height <= 10_000
    if fits and photo.mime in ("image/jpeg", "image/png"):
        return photo.path.read_bytes()
    return downscaled_jpeg(photo.path)
