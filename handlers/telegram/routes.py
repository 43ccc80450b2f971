"""Which updates reach the engine. Every route does the same: convert, ask the engine, wake the outbox."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, TypeHandler, filters

from bot.engine import Engine
from bot.events import GroupMoved, Incoming, Toast
from bot.texts import catalogue as texts
from handlers.identities import Identities
from handlers.outbox import OutboxWorker
from handlers.telegram.convert import NAME, to_incoming
from handlers.telegram.retry import with_retries
from handlers.telegram.updates import InboxQueue

log = logging.getLogger(__name__)

ENGINE_KEY = "engine"
OUTBOX_KEY = "outbox"
INBOX_KEY = "inbox"
IDENTITIES_KEY = "identities"


async def note_ids(identities: Identities, incoming: Incoming) -> None:
    """Telegram's ids are the bot's own; recorded as Telegram's, so replies to them are routed here."""
    ids = [incoming.chat.id, incoming.person.id]
    if isinstance(incoming.event, GroupMoved):
        ids.append(incoming.event.new_chat_id)
    await identities.ids(NAME, [str(known) for known in ids if known], native=True)


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    started = time.perf_counter()
    incoming = to_incoming(update, context)
    if incoming is None:
        return
    await note_ids(context.bot_data[IDENTITIES_KEY], incoming)
    engine: Engine = context.bot_data[ENGINE_KEY]
    replies = await engine.handle(incoming)
    outbox: OutboxWorker = context.bot_data[OUTBOX_KEY]
    outbox.wake()
    if update.callback_query is not None:
        toast = next((reply for reply in replies if isinstance(reply, Toast)), None)
        await with_retries(
            "answerCallbackQuery",
            update.callback_query.answer,
            text=toast.text if toast else None,
            show_alert=bool(toast and toast.alert),
        )
    log.info(
        "update %s from user %s in chat %s: %s, %d replies, %.1f ms",
        update.update_id,
        incoming.person.id,
        incoming.chat.id,
        incoming.event.kind,
        len(replies),
        (time.perf_counter() - started) * 1000,
    )


async def done_with_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs after the engine for every update, so one that never reached it is not replayed forever."""
    inbox: InboxQueue = context.bot_data[INBOX_KEY]
    inbox.done(update)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The engine's transaction was rolled back, so the honest thing is to say nothing was saved. In the
    language Telegram reports for the person: the database, where a /lang choice is kept, may be what
    failed."""
    log.error("error while handling update %s", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        user = update.effective_user
        t = texts.catalogue(texts.language_for(None, user.language_code if user else None))
        await with_retries("sendMessage", context.bot.send_message, update.effective_chat.id, t.ERROR_REPLY)


def register(
    application: Application,  # type: ignore[type-arg]
    engine: Engine,
    inbox: InboxQueue,
    outbox: OutboxWorker,
    identities: Identities,
) -> None:
    application.bot_data[ENGINE_KEY] = engine
    application.bot_data[IDENTITIES_KEY] = identities
    application.bot_data[INBOX_KEY] = inbox
    application.bot_data[OUTBOX_KEY] = outbox
    application.add_handler(CallbackQueryHandler(on_update))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_update))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_update))
    application.add_handler(TypeHandler(Update, done_with_update), group=1)
    application.add_error_handler(on_error)
