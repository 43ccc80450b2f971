"""Owed replies as Bot API calls: how a reply becomes Telegram messages, and what a failed call means.

The outbox worker (`handlers/outbox.py`) decides when; this module decides how, for Telegram.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.events import Button, Edit, OutPhoto, Owed, Photos, ReportFile, ReportKind, ReportRequest, Say
from bot.images import downscaled, in_decoder
from bot.reports.service import ReportService, ReportUnavailable
from bot.team.reporting import TELEGRAM_UPLOAD_LIMIT
from bot.texts import catalogue as texts
from bot.texts.html import esc
from handlers.outbox import Failure, Step, backoff
from handlers.split import split_html
from handlers.telegram.retry import retry_after_seconds, with_retries
from storage.files import stored_file

log = logging.getLogger(__name__)

T = TypeVar("T")

PHOTO_UPLOAD_LIMIT = 10 * 2**20
# Telegram keeps photos at most 2,560 pixels on the long side.
UPLOAD_MAX_SIDE = 2560
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


# Telegram's words for a message the bot can no longer rewrite: deleted by the person, or too old.
UNEDITABLE = ("message to edit not found", "message can't be edited", "message_id_invalid")


def markup(reply: Say) -> InlineKeyboardMarkup | ForceReply | None:
    """Buttons when there are any; otherwise, for a question put to one person in a group, a reply box
    opened for them alone (the bot in privacy mode sees only replies to its own messages)."""
    if reply.buttons:
        return keyboard(reply.buttons)
    if reply.answer_from is not None:
        return ForceReply(selective=True)
    return None


def _upload_bytes(photo: OutPhoto, photo_dir: Path) -> bytes:
    """The original when Telegram takes it as a photo; a downscaled copy when it is too big for one.

    A "photo" that is not a regular file in the photo folder is treated like a missing one: the reply
    fails (the outbox records why) rather than upload whatever a link leads to.
    """
    source = stored_file(photo_dir, photo.path)
    if source is None:
        raise FileNotFoundError(f"{photo.path} is not a regular file in {photo_dir}")
    fits = photo.size <= PHOTO_UPLOAD_LIMIT and photo.width + photo.height <= 10_000
    if fits and photo.mime in ("image/jpeg", "image/png"):
        return source.read_bytes()
    return downscaled(source, UPLOAD_MAX_SIDE).data


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
        self,
        bot: Bot,
        photo_dir: Path,
        reports: ReportService | None = None,
        upload_limit: int = TELEGRAM_UPLOAD_LIMIT,
    ) -> None:
        self.bot = bot
        self.photo_dir = photo_dir
        self.reports = reports
        self.upload_limit = upload_limit

    def steps(self, reply: Owed) -> list[Step]:
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
        request, what = reply.request, texts.VI.REPORT_WHAT[reply.request.kind.value]
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
                return await self._notice(reply.chat_id, texts.VI.REPORT_FAILED.format(what=what))
            size = built.path.stat().st_size
            if size > self.upload_limit:
                notice = texts.VI.REPORT_TOO_BIG.format(
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

    def failure(self, error: Exception, attempts: int) -> Failure | None:
        """What a failed Bot API call means for the reply; None for errors that are not Telegram's."""
        if isinstance(error, RetryAfter):
            return Failure.retry(timedelta(seconds=retry_after_seconds(error)), str(error))
        if isinstance(error, BadRequest):
            if "not modified" in error.message:  # the edit was already made before a crash
                return Failure.skip()
            return Failure.permanent(error.message)
        if isinstance(error, (TimedOut, NetworkError)):
            return Failure.retry(backoff(attempts), str(error))
        if isinstance(error, TelegramError):  # blocked by the user, chat gone, group migrated
            return Failure.permanent(error.message, reachable=False)
        return None

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
        buttons = keyboard(reply.buttons) if reply.buttons else None
        try:
            return await self.bot.edit_message_text(
                text, reply.chat_id, reply.message_id, parse_mode=ParseMode.HTML, reply_markup=buttons
            )
        except BadRequest as error:
            # The next question must reach the inspector even when the message it was to replace is gone
            # or can no longer be edited: it goes out as a message of its own.
            if buttons is None or not any(gone in error.message.lower() for gone in UNEDITABLE):
                raise
            log.warning(
                "editing message %s in chat %s failed (%s); sending it anew", reply.message_id, reply.chat_id, error
            )
            return await self.bot.send_message(
                reply.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=buttons, disable_web_page_preview=True
            )

    def _photos(self, reply: Photos) -> list[Step]:
        chunks = [reply.photos[start : start + 10] for start in range(0, len(reply.photos), 10)]

        def send(chunk: list[OutPhoto]) -> Step:
            async def step() -> object:
                # In the decoding thread, one after another: a downscale decodes.
                payloads = [await in_decoder(_upload_bytes, photo, self.photo_dir) for photo in chunk]
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
