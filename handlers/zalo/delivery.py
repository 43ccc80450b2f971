"""Owed replies as Zalo API calls: how a reply becomes Zalo messages, and what a failed call means.

Zalo has plain text only, no buttons, no edits, no albums and no documents. So a message goes out as
plain text in pieces of 2,000 characters with its choices as a numbered menu (remembered for the chat,
so the answer can be read back as the choice it names); an edit is dropped; each photo is its own
sendPhoto of a signed link to the bot's web server; and a report is built into DATA_DIR/exports and
sent as a signed download link.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from datetime import timedelta
from pathlib import Path

from bot.events import Edit, OutPhoto, Owed, Photos, ReportFile, Say
from bot.reports.service import ReportService, ReportUnavailable
from bot.texts import catalogue as texts
from bot.texts.plain import html_to_text
from handlers.identities import Identities
from handlers.menus import Menu
from handlers.outbox import Failure, Step, backoff
from handlers.split import split_text
from handlers.zalo.client import ZaloClient, ZaloError, ZaloUnreachable
from handlers.zalo.convert import NAME
from handlers.zalo.links import LinkSigner
from handlers.zalo.server import EXPORTS, PHOTOS, file_path
from handlers.zalo.text import caption, say_text
from storage.port import Store

log = logging.getLogger(__name__)

QUOTA_EXCEEDED = 429
NO_ANSWER_IN_TIME = 408


class UnknownChat(Exception):
    """The chat id stands for no Zalo chat the bot knows: nothing to retry."""


def prune_exports(folder: Path, older_than: timedelta) -> int:
    """Deletes the built reports whose links have expired; returns how many."""
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    doomed = [entry for entry in folder.iterdir() if entry.is_dir() and entry.stat().st_mtime < cutoff]
    for entry in doomed:
        shutil.rmtree(entry, ignore_errors=True)
    return len(doomed)


class ZaloSteps:
    """Turns one owed reply into the Zalo API calls that deliver it, one step per call."""

    def __init__(
        self,
        client: ZaloClient,
        store: Store,
        identities: Identities,
        reports: ReportService,
        signer: LinkSigner,
        *,
        photo_dir: Path,
        export_dir: Path,
    ) -> None:
        self.client = client
        self.store = store
        self.identities = identities
        self.reports = reports
        self.signer = signer
        self.photo_dir = photo_dir
        self.export_dir = export_dir

    def steps(self, reply: Owed) -> list[Step]:
        if isinstance(reply, Say):
            return self._say(reply)
        if isinstance(reply, Edit):
            return []  # Zalo cannot change a sent message; the next message says what happened
        if isinstance(reply, ReportFile):
            return [lambda: self._report(reply)]
        return self._photos(reply)

    def failure(self, error: Exception, attempts: int) -> Failure | None:
        """Zalo's trouble (quota, its 5xx, no answer) is retried; a refusal of the request is final."""
        if isinstance(error, ZaloUnreachable):
            return Failure.retry(backoff(attempts), str(error))
        if isinstance(error, ZaloError):
            code = error.error_code
            if code in (QUOTA_EXCEEDED, NO_ANSWER_IN_TIME) or code >= 500:
                return Failure.retry(backoff(attempts), str(error))
            return Failure.permanent(str(error))
        if isinstance(error, UnknownChat):
            return Failure.permanent(str(error))
        return None

    async def chat(self, chat_id: int) -> str:
        """The Zalo chat id behind the bot's id for it."""
        found = await self.identities.of(chat_id)
        if found is None or found.channel != NAME:
            raise UnknownChat(f"chat {chat_id} is not a Zalo chat")
        return found.external_id

    def _say(self, reply: Say) -> list[Step]:
        pieces = split_text(say_text(reply))

        async def send(index: int) -> object:
            chat = await self.chat(reply.chat_id)
            if index == len(pieces) - 1:
                # Replaced by every message, so an answer is read against what the person saw last.
                async with self.store.transaction() as tx:
                    await tx.delivery.remember_menu(reply.chat_id, Menu.of(reply).model_dump_json())
            return await self.client.send_message(chat, pieces[index])

        def step(index: int) -> Step:
            return lambda: send(index)

        return [step(index) for index in range(len(pieces))]

    def _photos(self, reply: Photos) -> list[Step]:
        def send(photo: OutPhoto) -> Step:
            async def step() -> object:
                chat = await self.chat(reply.chat_id)
                url = self.signer.url(file_path(PHOTOS, self.photo_dir, photo.path))
                return await self.client.send_photo(chat, url, caption(photo.caption))

            return step

        return [send(photo) for photo in reply.photos]

    async def _report(self, reply: ReportFile) -> object:
        """Built afresh on every attempt, into a folder of its own whose name nobody can guess."""
        chat = await self.chat(reply.chat_id)
        request = reply.request
        try:
            await self.client.send_chat_action(chat, "typing")
        except (ZaloError, ZaloUnreachable) as error:  # only a courtesy
            log.info("typing notice to Zalo chat %s failed: %s", chat, error)
        folder = self.export_dir / secrets.token_urlsafe(16)
        folder.mkdir(parents=True)
        try:
            built = await self.reports.build(request, folder)
        except ReportUnavailable as missing:
            shutil.rmtree(folder, ignore_errors=True)
            return await self.client.send_message(chat, str(missing))
        except Exception:
            log.exception("building %s for Zalo chat %s failed", request, chat)
            shutil.rmtree(folder, ignore_errors=True)
            what = texts.VI.REPORT_WHAT[request.kind.value]
            return await self.client.send_message(chat, html_to_text(texts.VI.REPORT_FAILED.format(what=what)))
        url = self.signer.url(file_path(EXPORTS, self.export_dir, built.path))
        if built.as_photo:
            return await self.client.send_photo(chat, url, caption(built.caption))
        hours = self.signer.ttl_seconds // 3600
        text = f"{html_to_text(built.caption).strip()}\n{texts.VI.REPORT_LINK.format(hours=hours, url=url)}"
        sent: object = None
        for piece in split_text(text):
            sent = await self.client.send_message(chat, piece)
        return sent
