"""The running bot: the store, the engine, the channels (Telegram, Zalo or both), the outbox and the
scheduler, started in that order and stopped the other way round.

`serve()` is the whole life of the bot. The entry point and the end-to-end tests both run it, so the
tests exercise exactly what runs in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime

from app.engine import start_engine
from app.schedule import plan
from app.settings import Settings
from bot.checklist.versions import ChecklistVersions
from bot.team.reminders import Reminders
from handlers.channel import Channel
from handlers.identities import Identities
from handlers.outbox import OutboxWorker
from handlers.telegram.channel import ABILITIES as TELEGRAM
from handlers.telegram.channel import TelegramChannel
from handlers.zalo.channel import ABILITIES as ZALO
from handlers.zalo.channel import ZaloChannel
from storage.clock import utcnow
from storage.port import Store

log = logging.getLogger(__name__)

REMINDER_EVERY_SECONDS = 60.0
# What the engine knows of every channel a team's people may use, whether or not it runs now.
ABILITIES = {TelegramChannel.name: TELEGRAM, ZaloChannel.name: ZALO}
Clock = Callable[[], datetime]


async def remind(reminders: Reminders, outbox: OutboxWorker, clock: Clock) -> None:
    """Sends whatever reminders the database says are due."""
    try:
        owed = await reminders.tick(clock())
    except Exception:
        log.exception("reminder check failed; trying again at the next one")
        return
    if owed:
        outbox.wake()


@dataclass(frozen=True)
class Stores:
    """The engine's store; the inboxes' own, so taking in updates is never held up by reading; the one
    reports read from; and the outbox's, which records what was sent without waiting for the disk."""

    engine: Store
    inboxes: Store
    reports: Store
    sent: Store


@contextlib.asynccontextmanager
async def stores(settings: Settings) -> AsyncIterator[Stores]:
    database = settings.database  # one Database: its stores take turns writing
    opened: list[Store] = []
    try:
        for durable in (True, True, True, False):
            opened.append(await database.open(durable=durable))
        yield Stores(*opened)
    finally:
        for store in reversed(opened):
            await store.close()


async def serve(
    settings: Settings,
    checklists: ChecklistVersions,
    stop: asyncio.Event,
    *,
    clock: Clock = utcnow,
    reminder_every: float = REMINDER_EVERY_SECONDS,
) -> None:
    """Runs until `stop` is set. The store is opened before updates flow and closed after they stop.

    Telegram runs when TELEGRAM_BOT_TOKEN is set, Zalo when ZALO_BOT_TOKEN is; both share the engine,
    the database and one outbox. `clock` is what reminders take as "now"; tests move it to make a day
    pass in a moment.
    """
    settings.require_channels()
    telegram_config = settings.telegram() if settings.telegram_enabled else None
    zalo_config = settings.zalo() if settings.zalo_enabled else None
    async with stores(settings) as kept:
        store, inbox_store, report_store = kept.engine, kept.inboxes, kept.reports
        reports = settings.report_service(report_store, checklists)
        identities = Identities(store)
        telegram = TelegramChannel(telegram_config, inbox_store, identities, reports) if telegram_config else None
        zalo = ZaloChannel(zalo_config, store, inbox_store, identities, reports) if zalo_config else None
        channels: list[Channel] = [channel for channel in (telegram, zalo) if channel is not None]
        opened: list[Channel] = []
        try:
            for channel in channels:
                await channel.open()
                opened.append(channel)
            engine = await start_engine(
                settings,
                store,
                checklists,
                admins=settings.admin_ids,
                # Without Telegram there is no group to create a team in, so no link either.
                invite_link=telegram.invite_link if telegram is not None else str,
                abilities=ABILITIES,
            )
            outbox = OutboxWorker(store, {channel.name: channel for channel in channels}, identities, kept.sent)
            reminders = Reminders(store, engine.versions, engine.followups, settings.digest_time)

            async def send_reminders() -> None:
                await remind(reminders, outbox, clock)

            jobs = plan(settings, store, send_reminders, reminder_every)
            jobs.start()
            outbox.start()
            try:
                for channel in channels:
                    await channel.start(engine, outbox)
                for checklist in checklists.currents:
                    log.info("checklist %s v%d", checklist.id, checklist.version)
                await stop.wait()
            finally:
                for channel in channels:
                    await channel.stop()
                await jobs.stop()
                await outbox.stop()
        finally:
            for channel in reversed(opened):
                await channel.close()
