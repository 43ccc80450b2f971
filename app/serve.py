"""The running bot: settings, store, checklist and engine, with Telegram (a python-telegram-bot
Application), Zalo (`handlers.zalo`) or both in front, and the scheduler behind.

`serve()` is the whole life of the bot. The entry point and the end-to-end tests both run it, so the
tests exercise exactly what runs in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.helpers import create_deep_linked_url

from app.schedule import plan
from app.settings import BotMode, Settings
from bot.channels import is_mapped
from bot.checklist.model import Checklist
from bot.engine import Engine
from bot.reports.service import ReportService
from bot.team.reminders import Reminders
from bot.texts import catalogue as texts
from handlers.delivery import TelegramSteps, with_retries
from handlers.errors import ChannelRefused, ChannelUnreachable
from handlers.inbox import InboxQueue
from handlers.ordering import PerPersonUpdateProcessor
from handlers.outbox import OutboxWorker, Router, Steps
from handlers.routes import register
from handlers.zalo.channel import ZaloChannel
from storage.clock import utcnow
from storage.port import Store

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 20
# Telegram keeps an update at most a day; a week of memory is plenty to recognise a redelivery.
PROCESSED_UPDATE_RETENTION = timedelta(days=7)
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
        .job_queue(None)  # app.schedule is the one scheduler
    )
    processor = PerPersonUpdateProcessor()
    application = builder.concurrent_updates(processor).build()

    async def slow_down(user_id: int) -> None:
        await with_retries("sendMessage", application.bot.send_message, user_id, texts.VI.SLOW_DOWN)

    processor.on_flood = slow_down
    return application


async def set_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The command menu in each catalogue language; Telegram shows people the one of their app's language,
    and the Vietnamese one (set without a language) to everyone else."""
    for lang in texts.LANGUAGES:
        t = texts.catalogue(lang)
        code = None if lang == texts.DEFAULT else lang
        private = [BotCommand(name, text) for name, text in t.PRIVATE_COMMANDS.items()]
        group = [BotCommand(name, text) for name, text in t.GROUP_COMMANDS.items()]
        await application.bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats(), language_code=code)
        await application.bot.set_my_commands(group, scope=BotCommandScopeAllGroupChats(), language_code=code)
        await application.bot.set_my_commands(private, language_code=code)


async def remind(reminders: Reminders, outbox: OutboxWorker, clock: Clock) -> None:
    """Sends whatever reminders the database says are due."""
    try:
        owed = await reminders.tick(clock())
    except Exception:
        log.exception("reminder check failed; trying again at the next one")
        return
    if owed:
        outbox.wake()


def router(telegram: TelegramSteps | None, zalo: Steps | None) -> Router:
    """Mapped ids are Zalo's, the others Telegram's; a channel that is off leaves its replies waiting."""
    return lambda chat_id: zalo if is_mapped(chat_id) else telegram


def invite_link(application: Application | None) -> Callable[[str], str]:  # type: ignore[type-arg]
    """Telegram's deep link; without Telegram there is no group to create a team in, so no link either."""
    if application is None:
        return lambda code: code
    username = application.bot.username
    return lambda code: create_deep_linked_url(username, code)


async def serve(
    settings: Settings,
    checklist: Checklist,
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
    webhook = settings.require_webhook() if settings.telegram_enabled and settings.bot_mode is BotMode.WEBHOOK else None
    store = await settings.database.open()
    # The inboxes have a connection of their own, so taking in updates never queues behind the engine's
    # transactions; SQLite itself serialises the short writes. Reports read on a third one.
    inbox_store = await settings.database.open()
    report_store = await settings.database.open()
    try:
        with telegram_errors():
            await _serve(settings, checklist, stop, store, inbox_store, report_store, webhook, clock, reminder_every)
    finally:
        await report_store.close()
        await inbox_store.close()
        await store.close()


@contextlib.contextmanager
def telegram_errors() -> Iterator[None]:
    """A refused token or an unreachable Telegram at start, as one line for the operator."""
    try:
        yield
    except InvalidToken:
        raise ChannelRefused("Telegram không chấp nhận TELEGRAM_BOT_TOKEN; hãy lấy lại token từ @BotFather.") from None
    except NetworkError as error:
        raise ChannelUnreachable(f"không kết nối được tới Telegram ({error.message}).") from None


async def _serve(
    settings: Settings,
    checklist: Checklist,
    stop: asyncio.Event,
    store: Store,
    inbox_store: Store,
    report_store: Store,
    webhook: tuple[str, str, str] | None,
    clock: Clock,
    reminder_every: float,
) -> None:
    async with store.transaction() as tx:
        await tx.delivery.forget_before(utcnow() - PROCESSED_UPDATE_RETENTION)
    inbox = InboxQueue(inbox_store)
    application = build_application(settings, inbox) if settings.telegram_enabled else None
    async with application or contextlib.nullcontext():
        engine = Engine(
            store,
            checklist,
            admins=settings.admin_ids,
            invite_link=invite_link(application),
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
        telegram = TelegramSteps(application.bot, reports) if application is not None else None
        zalo = ZaloChannel(settings.zalo(), store, inbox_store, reports) if settings.zalo_enabled else None
        outbox = OutboxWorker(store, router(telegram, zalo.steps if zalo is not None else None))
        reminders = Reminders(store, engine.versions, engine.followups, settings.digest_time)

        async def send_reminders() -> None:
            await remind(reminders, outbox, clock)

        jobs = plan(settings, send_reminders, reminder_every)
        try:
            if application is not None:
                register(application, engine, inbox, outbox)
                await set_commands(application)
            jobs.start()
            outbox.start()
            if zalo is not None:
                await zalo.start(engine, outbox)
            if application is not None:
                await start_telegram(application, inbox, settings, webhook)
                log.info("@%s is running (%s)", application.bot.username, settings.bot_mode)
            log.info("checklist %s v%d", checklist.id, checklist.version)
            await stop.wait()
        finally:
            if zalo is not None:
                await zalo.stop_intake()
            if application is not None:
                await stop_telegram(application)
            await jobs.stop()
            await outbox.stop()
            if zalo is not None:
                await zalo.close()


async def start_telegram(
    application: Application,  # type: ignore[type-arg]
    inbox: InboxQueue,
    settings: Settings,
    webhook: tuple[str, str, str] | None,
) -> None:
    await inbox.replay(application.bot)
    await application.start()
    updater = application.updater
    assert updater is not None
    if webhook is None:
        await updater.start_polling(allowed_updates=Update.ALL_TYPES, timeout=POLL_TIMEOUT_SECONDS, poll_interval=0.0)
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


async def stop_telegram(application: Application) -> None:  # type: ignore[type-arg]
    updater = application.updater
    if updater is not None and updater.running:
        await updater.stop()
    processor = application.update_processor
    if isinstance(processor, PerPersonUpdateProcessor):
        processor.stopping = True
    if application.running:
        await application.stop()
