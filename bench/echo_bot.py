"""The baseline: the smallest python-telegram-bot bot that behaves like ours on the wire.

It is built exactly as the bot is pointed at a Bot API server (token, `base_url`, `base_file_url`)
but otherwise with PTB's defaults: polling, updates processed one at a time, no persistence. Every
message and every button press gets a short text with one button back, so a simulated user can keep
tapping just as an inspector taps through the checklist. Whatever our bot costs beyond this is the
price of its engine, its SQLite writes and its delivery machinery.

`--edit` makes a press cost what a checklist bot's tap costs when it freezes the answered question
and asks the next one in a new message: answer the press, send the next question, edit the answered
one (two rate-limited calls). `--rate-limiter` adds PTB's AIORateLimiter with its defaults, as our
bot has it.

Run: `TELEGRAM_BOT_TOKEN=... TELEGRAM_BASE_URL=... TELEGRAM_BASE_FILE_URL=... python -m bench.echo_bot`.
"""

from __future__ import annotations

import argparse
import logging
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

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


async def answer_send_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A checklist tap done in two messages: the press answered, the next question sent, the answered frozen."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    await query.answer()
    await context.bot.send_message(chat.id, REPLY, reply_markup=NEXT)
    await query.edit_message_text("✓ Đã trả lời.")


def build(edit: bool = False, rate_limiter: bool = False) -> Application:  # type: ignore[type-arg]
    builder = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_BASE_URL"])
        .base_file_url(os.environ["TELEGRAM_BASE_FILE_URL"])
    )
    application = builder.rate_limiter(AIORateLimiter()).build() if rate_limiter else builder.build()
    application.add_handler(MessageHandler(filters.ALL, reply))
    application.add_handler(CallbackQueryHandler(answer_send_edit if edit else reply))
    return application


def main(argv: list[str] | None = None) -> None:
    """`run_polling` stops cleanly on SIGTERM, which is how the benchmark ends this process.

    Warnings and errors are logged in our bot's format so the benchmark counts both bots' alike.
    """
    parser = argparse.ArgumentParser(prog="python -m bench.echo_bot")
    parser.add_argument("--edit", action="store_true", help="a press: answer it, send the next, edit the answered")
    parser.add_argument("--rate-limiter", action="store_true", help="use AIORateLimiter (30 messages a second)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    build(args.edit, args.rate_limiter).run_polling()


if __name__ == "__main__":
    main()
