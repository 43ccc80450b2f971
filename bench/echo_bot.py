"""The baseline: the smallest python-telegram-bot bot that behaves like ours on the wire.

It is built exactly as the bot is pointed at a Bot API server (token, `base_url`, `base_file_url`)
but otherwise with PTB's defaults: polling, updates processed one at a time, no rate limiter, no
persistence. Every message and every button press gets a short text with one button back, so a
simulated user can keep tapping just as an inspector taps through the checklist. Whatever our bot
costs beyond this is the price of its engine, its SQLite writes and its delivery machinery.

Run: `TELEGRAM_BOT_TOKEN=... TELEGRAM_BASE_URL=... TELEGRAM_BASE_FILE_URL=... python -m bench.echo_bot`.
"""

from __future__ import annotations

import logging
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

REPLY = "Đã nhận."
NEXT = InlineKeyboardMarkup([[InlineKeyboardButton("Tiếp ▶️", callback_data="next")]])


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply first, then answer the press: the reply is what the benchmark times, as for our bot."""
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_message(chat.id, REPLY, reply_markup=NEXT)
    if update.callback_query is not None:
        await update.callback_query.answer()


def build() -> Application:  # type: ignore[type-arg]
    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_BASE_URL"])
        .base_file_url(os.environ["TELEGRAM_BASE_FILE_URL"])
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, reply))
    application.add_handler(CallbackQueryHandler(reply))
    return application


def main() -> None:
    """`run_polling` stops cleanly on SIGTERM, which is how the benchmark ends this process.

    Warnings and errors are logged in our bot's format so the benchmark counts both bots' alike.
    """
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    build().run_polling()


if __name__ == "__main__":
    main()
