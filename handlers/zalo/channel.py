"""The Zalo channel (`handlers.channel.Channel`): Zalo Bot Platform updates in, engine replies out.

Zalo has no buttons, no edits, no albums and no documents: choices become numbered menus, photos and
reports go out as signed links to the bot's own web server. Updates arrive by webhook when
ZALO_WEBHOOK_SECRET is set and by long polling otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Hashable

from bot.engine import Engine
from bot.events import Abilities, Owed
from bot.reports.service import ReportService
from bot.texts import catalogue as texts
from bot.texts.plain import html_to_text
from handlers.errors import ChannelRefused, ChannelUnreachable
from handlers.identities import Identities
from handlers.inbox import DurableInbox
from handlers.lanes import Pacing
from handlers.outbox import Failure, OutboxWorker, Step
from handlers.zalo.client import ZaloClient, ZaloError, ZaloUnreachable
from handlers.zalo.config import ZaloConfig
from handlers.zalo.convert import NAME, ZALO_KEY_PREFIX
from handlers.zalo.delivery import ZaloSteps, prune_exports
from handlers.zalo.download import PhotoDownloader
from handlers.zalo.inbox import ZaloInbox
from handlers.zalo.links import LinkSigner, load_key
from handlers.zalo.polling import poll
from handlers.zalo.routes import ZaloRoutes
from handlers.zalo.server import EXPORTS, PHOTOS, WEBHOOK_PATH, PublicServer
from storage.files import private_folder
from storage.port import Store

log = logging.getLogger(__name__)

ABILITIES = Abilities(groups=False, buttons=False, albums=False, files=False, edits=False, own_ids=False)
UNAUTHORIZED = 401
STOP_GRACE_SECONDS = 10.0


class ZaloChannel:
    name = NAME
    abilities = ABILITIES

    def __init__(
        self, config: ZaloConfig, store: Store, inbox_store: Store, identities: Identities, reports: ReportService
    ) -> None:
        self.config = config
        self.store = store
        self.identities = identities
        self.inbox_store = inbox_store
        signer = LinkSigner(load_key(config.data_dir), config.public_url, int(config.link_ttl.total_seconds()))
        self.client = ZaloClient(config.token, config.base_url)
        self.delivery = ZaloSteps(
            self.client, store, identities, reports, signer, photo_dir=config.photo_dir, export_dir=config.export_dir
        )
        folders = {PHOTOS: config.photo_dir, EXPORTS: config.export_dir}
        self.server = PublicServer(signer, folders, config.listen, config.port)
        self.photos = PhotoDownloader(config.max_photo_bytes)
        self.inbox: ZaloInbox | None = None
        self._polling: asyncio.Task[None] | None = None
        self._me: str = ""

    def steps(self, reply: Owed) -> list[Step]:
        return self.delivery.steps(reply)

    def failure(self, error: Exception, attempts: int) -> Failure | None:
        return self.delivery.failure(error, attempts)

    async def open(self) -> None:
        # Built records and workbooks wait here for their signed links: as private as the data they show.
        private_folder(self.config.export_dir)
        try:
            me = await self.client.get_me()
        except ZaloError as error:
            if error.error_code == UNAUTHORIZED:
                raise ChannelRefused("Zalo không chấp nhận ZALO_BOT_TOKEN; hãy lấy lại token của bot.") from None
            raise
        except ZaloUnreachable as error:
            raise ChannelUnreachable(f"không kết nối được tới Zalo ({error}).") from None
        self._me = str(me.get("account_name") or me.get("id"))

    async def start(self, engine: Engine, outbox: OutboxWorker) -> None:
        try:
            await self._start(engine, outbox)
        except ZaloUnreachable as error:
            raise ChannelUnreachable(f"không kết nối được tới Zalo ({error}).") from None

    async def _start(self, engine: Engine, outbox: OutboxWorker) -> None:
        removed = await asyncio.to_thread(prune_exports, self.config.export_dir, self.config.link_ttl)
        if removed:
            log.info("deleted %d reports whose links have expired", removed)
        durable = DurableInbox(self.inbox_store, ZALO_KEY_PREFIX)
        routes = ZaloRoutes(self.inbox_store, durable, engine, outbox, self.client, self.photos)

        async def knows(sender: Hashable) -> bool:
            (person,) = await self.identities.ids(NAME, [str(sender)])
            return await engine.knows(person)

        async def slow_down(sender: Hashable) -> None:
            with contextlib.suppress(ZaloError, ZaloUnreachable):
                await self.client.send_message(str(sender), html_to_text(texts.VI.SLOW_DOWN))

        inbox = self.inbox = ZaloInbox(durable, routes.process, Pacing(knows), slow_down)
        secret = self.config.webhook_secret
        if secret:
            self.server.accept_webhook(secret, inbox.take)
        # Updates left by the previous run are queued before any new one can arrive.
        await inbox.replay()
        await self.server.start()
        if secret:
            url = self.config.public_url + WEBHOOK_PATH
            await self.client.set_webhook(url, secret)
            info = await self.client.get_webhook_info()
            if info.get("url") not in (None, url):
                log.warning("Zalo reports the webhook as %s, not %s", info.get("url"), url)
        else:
            await self.client.delete_webhook()
            self._polling = asyncio.create_task(poll(self.client, inbox), name="zalo-polling")
        log.info("Zalo bot %s is running (%s)", self._me, "webhook" if secret else "polling")

    async def stop(self) -> None:
        """No new updates; each person's current one may finish, the rest wait in the inbox."""
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
        if self.inbox is not None:
            await self.inbox.stop(STOP_GRACE_SECONDS)
            await self.inbox.inbox.close()

    async def close(self) -> None:
        """After the outbox has stopped: it may still have been sending photos from the server."""
        await self.server.stop()
        await self.photos.close()
        await self.client.close()
