"""One Zalo update through the engine: convert, ask the engine, wake the outbox, and say what cannot wait.

A button notice (toast) has no place on Zalo, and is useful only right away, so it goes out at once as
a plain message instead of through the outbox. Whatever happens, the update's inbox row is finished at
the end, so an update the engine cannot take is not replayed at every start.
"""

from __future__ import annotations

import logging
import time

from bot.engine import Engine
from bot.events import Toast
from bot.texts import catalogue as texts
from bot.texts.plain import html_to_text
from handlers.inbox import DurableInbox
from handlers.outbox import OutboxWorker
from handlers.zalo.client import Json, ZaloClient, ZaloError, ZaloUnreachable
from handlers.zalo.convert import chat_of, to_incoming, update_key
from handlers.zalo.download import PhotoDownloader
from storage.port import Store

log = logging.getLogger(__name__)


class ZaloRoutes:
    def __init__(
        self,
        store: Store,
        inbox: DurableInbox,
        engine: Engine,
        outbox: OutboxWorker,
        client: ZaloClient,
        photos: PhotoDownloader,
    ) -> None:
        self.store = store
        self.inbox = inbox
        self.engine = engine
        self.outbox = outbox
        self.client = client
        self.photos = photos

    async def process(self, update: Json) -> None:
        started = time.perf_counter()
        key = update_key(update)
        chat = chat_of(update)
        try:
            async with self.store.transaction() as tx:
                incoming = await to_incoming(tx, update, self.photos.fetch)
            if incoming is None:
                log.info("Zalo update %s (%s) is not for the engine", key, update.get("event_name"))
                return
            replies = await self.engine.handle(incoming)
            self.outbox.wake()
            for reply in replies:
                if isinstance(reply, Toast) and chat is not None:
                    await self._say_now(chat, reply.text)
            log.info(
                "Zalo update %s from %s: %s, %d replies, %.1f ms",
                key,
                incoming.person.id,
                incoming.event.kind,
                len(replies),
                (time.perf_counter() - started) * 1000,
            )
        except Exception:
            # The engine's transaction was rolled back, so the honest thing is to say nothing was saved.
            log.exception("error while handling Zalo update %s", key)
            if chat is not None:
                await self._say_now(chat, html_to_text(texts.VI.ERROR_REPLY))
        finally:
            if key is not None:
                self.inbox.done_soon(key)

    async def _say_now(self, chat: str, text: str) -> None:
        try:
            await self.client.send_message(chat, text)
        except (ZaloError, ZaloUnreachable) as error:
            log.warning("a notice to Zalo chat %s was not delivered: %s", chat, error)
