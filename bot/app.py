"""Wiring: settings, store, checklist and engine into one python-telegram-bot Application.

`serve()` is the whole life of the bot. The entry point and the end-to-end tests both run it, so the
tests exercise exactly what runs in production.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.ext import AIORateLimiter, Application, ContextTypes
from telegram.helpers import create_deep_linked_url

from bot import texts
from bot.checklist import Checklist
from bot.config import Settings
from bot.engine import Engine
from handlers.ordering import PerPersonUpdateProcessor
from handlers.routes import register
from storage.repository import PROCESSED_UPDATE_RETENTION, Store, utcnow

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 20


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    return (
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .rate_limiter(AIORateLimiter())
        .concurrent_updates(PerPersonUpdateProcessor())
        .build()
    )


async def set_commands(application: Application) -> None:  # type: ignore[type-arg]
    private = [BotCommand(name, text) for name, text in texts.PRIVATE_COMMANDS.items()]
    group = [BotCommand(name, text) for name, text in texts.GROUP_COMMANDS.items()]
    await application.bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
    await application.bot.set_my_commands(group, scope=BotCommandScopeAllGroupChats())
    await application.bot.set_my_commands(private)


async def serve(settings: Settings, checklist: Checklist, stop: asyncio.Event) -> None:
    """Runs until `stop` is set. The store is opened before polling starts and closed after it ends."""
    application = build_application(settings)
    store = await Store.open(settings.database_path)
    try:
        async with store.transaction() as tx:
            await tx.forget_updates_before(utcnow() - PROCESSED_UPDATE_RETENTION)
        async with application:
            username = application.bot.username
            engine = Engine(
                store,
                checklist,
                admins=settings.admin_ids,
                invite_link=lambda code: create_deep_linked_url(username, code),
                photo_dir=settings.photo_dir,
                max_photo_bytes=settings.max_photo_mb * 2**20,
            )
            await engine.start()
            register(application, engine)
            await set_commands(application)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(
                allowed_updates=Update.ALL_TYPES,
                timeout=POLL_TIMEOUT_SECONDS,
                poll_interval=0.0,
            )
            log.info("@%s is polling; checklist %s v%d", username, checklist.id, checklist.version)
            await stop.wait()
            await application.updater.stop()
            await application.stop()
    finally:
        await store.close()


__all__ = ["ContextTypes", "build_application", "serve", "set_commands"]
