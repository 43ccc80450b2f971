"""Wiring: settings, store, checklist and engine into one python-telegram-bot Application.

`serve()` is the whole life of the bot. The entry point and the end-to-end tests both run it, so the
tests exercise exactly what runs in production.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, JobQueue
from telegram.helpers import create_deep_linked_url

from bot import texts
from bot.channels import is_mapped
from bot.checklist import Checklist
from bot.config import BotMode, Settings
from bot.engine import Engine
from bot.maintenance import schedule_daily_backups
from bot.reminders import Reminders
from bot.reports.service import ReportService
from handlers.delivery import TelegramSteps, with_retries
from handlers.inbox import InboxQueue
from handlers.ordering import PerPersonUpdateProcessor
from handlers.outbox import OutboxWorker
from handlers.routes import register
from storage.repository import PROCESSED_UPDATE_RETENTION, Store, utcnow

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 20
REMINDER_EVERY_SECONDS = 60.0
Clock = Callable[[], datetime]


def build_application(settings: Settings, inbox: InboxQueue) -> Application:  # type: ignore[type-arg]
    builder: ApplicationBuilder = (  # type: ignore[type-arg]
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .update_queue(inbox)
        .rate_limiter(AIORateLimiter())
    )
    processor = PerPersonUpdateProcessor()
    application = builder.concurrent_updates(processor).build()

    async def slow_down(user_id: int) -> None:
        await with_retries("sendMessage", application.bot.send_message, user_id, texts.SLOW_DOWN)

    processor.on_flood = slow_down
    return application


async def set_commands(application: Application) -> None:  # type: ignore[type-arg]
    private = [BotCommand(name, text) for name, text in texts.PRIVATE_COMMANDS.items()]
    group = [BotCommand(name, text) for name, text in texts.GROUP_COMMANDS.items()]
    await application.bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
    await application.bot.set_my_commands(group, scope=BotCommandScopeAllGroupChats())
    await application.bot.set_my_commands(private)


def schedule_reminders(
    job_queue: JobQueue[Any], reminders: Reminders, outbox: OutboxWorker, clock: Clock, every: float
) -> None:
    """Every `every` seconds (and right after start), send whatever reminders the database says are due."""

    async def run(_: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            owed = await reminders.tick(clock())
        except Exception:
            log.exception("reminder check failed; trying again at the next one")
            return
        if owed:
            outbox.wake()

    job_queue.run_repeating(run, interval=every, first=0.5, name="reminders")


async def serve(
    settings: Settings,
    checklist: Checklist,
    stop: asyncio.Event,
    *,
    clock: Clock = utcnow,
    reminder_every: float = REMINDER_EVERY_SECONDS,
) -> None:
    """Runs until `stop` is set. The store is opened before updates flow and closed after they stop.

    `clock` is what reminders take as "now"; tests move it to make a day pass in a moment.
    """
    webhook = settings.require_webhook() if settings.bot_mode is BotMode.WEBHOOK else None
    store = await Store.open(settings.database_path)
    # The inbox has a connection of its own, so taking in updates never queues behind the engine's
    # transactions; SQLite itself serialises the short writes. Reports read on a third one.
    inbox_store = await Store.open(settings.database_path)
    report_store = await Store.open(settings.database_path)
    try:
        async with store.transaction() as tx:
            await tx.forget_updates_before(utcnow() - PROCESSED_UPDATE_RETENTION)
        inbox = InboxQueue(inbox_store)
        application = build_application(settings, inbox)
        async with application:
            username = application.bot.username
            engine = Engine(
                store,
                checklist,
                admins=settings.admin_ids,
                invite_link=lambda code: create_deep_linked_url(username, code),
                photo_dir=settings.photo_dir,
                max_photo_bytes=settings.max_photo_mb * 2**20,
                followup_days=settings.followup_days,
            )
            await engine.start()
            reports = ReportService(
                report_store,
                checklist,
                issuer=settings.report_issuer,
                place=settings.report_place,
                photo_dir=settings.photo_dir,
            )
            telegram = TelegramSteps(application.bot, reports)
            outbox = OutboxWorker(store, lambda chat_id: None if is_mapped(chat_id) else telegram)
            register(application, engine, inbox, outbox)
            await set_commands(application)
            reminders = Reminders(store, engine.versions, engine.followups, settings.digest_time)
            if application.job_queue is not None:
                schedule_daily_backups(application.job_queue, settings)
                schedule_reminders(application.job_queue, reminders, outbox, clock, reminder_every)
            outbox.start()
            await inbox.replay(application.bot)
            await application.start()
            updater = application.updater
            assert updater is not None
            if webhook is None:
                await updater.start_polling(
                    allowed_updates=Update.ALL_TYPES, timeout=POLL_TIMEOUT_SECONDS, poll_interval=0.0
                )
            else:
                url, secret, path = webhook
                await updater.start_webhook(
                    listen=settings.webhook_listen,
                    port=settings.webhook_port,
                    url_path=path,
                    webhook_url=url,
                    secret_token=secret,
                    allowed_updates=Update.ALL_TYPES,
                )
            log.info(
                "@%s is running (%s); checklist %s v%d", username, settings.bot_mode, checklist.id, checklist.version
            )
            await stop.wait()
            await updater.stop()
            processor = application.update_processor
            if isinstance(processor, PerPersonUpdateProcessor):
                processor.stopping = True
            await application.stop()
            await outbox.stop()
    finally:
        await report_store.close()
        await inbox_store.close()
        await store.close()
