"""Which updates reach the engine. Every route does the same three things: convert, ask, deliver."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.engine import Engine
from handlers.convert import to_incoming
from handlers.delivery import Delivery, with_retries

log = logging.getLogger(__name__)

ENGINE_KEY = "engine"
ERROR_REPLY = "⚠️ Bot gặp lỗi khi xử lý tin nhắn này nên chưa ghi nhận. Hãy gửi lại hoặc gửi /resume."


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    started = time.perf_counter()
    incoming = to_incoming(update, context)
    if incoming is None:
        return
    engine: Engine = context.bot_data[ENGINE_KEY]
    replies = await engine.handle(incoming)
    query = update.callback_query
    origin = None
    if query is not None and query.message is not None:
        origin = (query.message.chat.id, query.message.message_id)
    await Delivery(context.bot, context.job_queue).send(replies, origin=origin, callback_id=query.id if query else None)
    log.info(
        "update %s from user %s in chat %s: %s, %d replies, %.0f ms",
        update.update_id,
        incoming.person.id,
        incoming.chat.id,
        incoming.event.kind,
        len(replies),
        (time.perf_counter() - started) * 1000,
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The transaction was rolled back, so the honest thing is to say nothing was saved."""
    log.error("error while handling update %s", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        chat_id = update.effective_chat.id
        await with_retries("sendMessage", context.bot.send_message, chat_id, ERROR_REPLY)


def register(application: Application, engine: Engine) -> None:  # type: ignore[type-arg]
    application.bot_data[ENGINE_KEY] = engine
    application.add_handler(CallbackQueryHandler(on_update))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_update))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_update))
    application.add_error_handler(on_error)
