"""A faithful local stand-in for the Telegram Bot API server, for end-to-end tests of the bot.

Why faithful: a fake that accepts anything hides exactly the bugs that break in production - unescaped
HTML, 65-byte ``callback_data``, a 5000-character report, an edit that silently drops the keyboard, a
second bot instance polling. The stand-in refuses what Telegram refuses, with Telegram's error JSON
(``{"ok": false, "error_code": 400, "description": "Bad Request: ..."}``), and answers with complete
Telegram objects so python-telegram-bot (PTB) deserialises them as in production.

Typical use (everything runs in the test's event loop)::

    async with BotApiStandIn() as tg:
        app = (ApplicationBuilder().token(tg.TOKEN)
               .base_url(tg.base_url).base_file_url(tg.base_file_url).build())
        ...start the application (or a subprocess pointed at the same URLs)...
        lan = FakeUser(1001, "Lan", username="lan_nguyen")
        point = tg.mark(lan.id)
        tg.send_text(lan, "/start")
        reply = await tg.wait_for(lan.id, "Xin chào", after=point)
        tg.tap(lan, reply, "Bắt đầu")
        await tg.wait_idle()
        assert tg.errors_returned == []

Test-side API (``BotApiStandIn``)
---------------------------------
Lifecycle: ``start()``, ``stop()``, ``async with``; ``port``, ``base_url``, ``base_file_url``,
``api_url(method)``; ``TOKEN`` (a realistic token), ``BOT_USER`` (what getMe returns: id 7000001,
``@kiemtra_test_bot``). Constructor options: ``strict=True`` (also refuse what the Bot API docs forbid
though the server tolerates it: one-item albums, buttons with two actions, a bare ``&`` in HTML) and
``callback_query_ttl=None`` (seconds after which answerCallbackQuery fails as "too old").

People and chats:
  ``FakeUser(id, first_name, last_name=None, username=None, language_code="vi")``;
  ``add_group(chat_id, title, *, supergroup=None, bot_is_admin=False, username=None) -> dict``
  (negative ids; privacy mode unless admin); ``register_user(user) -> dict``;
  ``block_bot(user, blocked=True)`` (sends to the user then fail with 403).

Simulated input - each returns the ``update_id`` (0 when privacy mode hides a group message from the
bot, as Telegram would); a user's private chat (``chat.id == user.id``) is created on first use:
  ``send_text(user, text, chat_id=None, *, reply_to=None)`` (``/cmd``/``/cmd@bot`` get a
  ``bot_command`` entity);
  ``send_photo(user, image_bytes, chat_id=None, caption=None, media_group_id=None, *, reply_to=None)``
  (several PhotoSizes: 90/320/800-px JPEGs then the original bytes, all downloadable);
  ``send_album(user, images, chat_id=None, *, caption=None) -> list[int]``;
  ``send_document(user, data, file_name, mime_type, chat_id=None, *, caption=None, reply_to=None)``
  (image documents get a thumbnail); ``send_location(user, latitude, longitude, chat_id=None)``;
  ``edit_text(user, message_id, new_text, chat_id=None)`` (``edited_message``);
  ``tap(user, sent_message, label_contains)`` (callback query from the one matching button);
  ``tap_data(user, chat_id, message_id, data)`` (forged/stale press); ``push_update(update)``;
  ``redeliver(update_id)`` (same update again, even if already confirmed).

Observing the bot:
  ``sent(chat_id) -> list[SentMessage]``, ``last_sent(chat_id)``; a ``SentMessage`` has ``message_id``,
  ``chat_id``, ``kind`` ("text"/"photo"/"document"), ``text`` (plain, after HTML parsing; the caption for
  media), ``html`` (as sent), ``entities``, ``reply_markup``, ``buttons`` (rows of ``(label,
  callback_data)``), ``button_labels``, ``keyboard`` (reply keyboard labels), ``photo``/``document``
  bytes, ``file_name``, ``mime_type``, ``media_group_id``, ``reply_to_message_id``, ``original`` and
  ``edits`` (``Revision`` history; the properties show the latest), ``deleted``, ``message`` (the exact
  Message dict last returned to the bot).
  ``mark(chat_id) -> int`` - a point in time: the number of bot messages in the chat (``len(sent(chat_id))``
  works the same). ``await wait_for(chat_id, predicate=None | str | callable, timeout=10.0, after=point)``
  - the first non-deleted message sent after that point, or edited since it was taken, whose text
  contains the string (or satisfies the callable); without ``after`` any message counts; on timeout an
  AssertionError lists what the chat does contain. ``await wait_idle(quiet=0.5, timeout=10.0)`` - all
  updates fetched and no bot call for ``quiet`` seconds.
  ``calls`` (every ``(method, params)``), ``calls_to(method)``, ``errors_returned`` (every
  ``(method, description)`` of a 4xx/5xx answer - keep it empty in happy paths), ``callback_answers``,
  ``chat_actions``, ``downloads``, ``my_commands(scope=None, language_code="")``,
  ``pending_update_count()``, ``file_bytes(file_id)``.

Faults: ``inject_fault(method, *, status=None, retry_after=2, delay=0.0, drop=False, times=1,
description=None)`` - 429 with ``parameters.retry_after`` (PTB raises RetryAfter), 500, 502 (nginx HTML
page, PTB raises NetworkError), slow answers, dropped connections; listed in ``faults_triggered``.

Bot API methods implemented: getMe, getUpdates, deleteWebhook, getWebhookInfo, set/get/deleteMyCommands,
sendMessage, editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage,
answerCallbackQuery, sendPhoto, sendDocument, sendMediaGroup, sendChatAction, getFile, plus file
downloads. Method names are case-insensitive; other methods get 404 ``Not Found``; a wrong token 401.

Telegram behaviours enforced (see each module for details):
  * HTML parse_mode parsed like Telegram (``telegram_html``): unsupported/unclosed/mis-nested tags
    refused with Telegram's messages, UTF-16 entity offsets; text is cleaned and trimmed like Telegram
    does; 1..4096 characters per text, 1024 per caption; ``message text is empty``.
  * Unknown chat -> ``chat not found``; blocked user -> 403; replies to missing messages refused.
  * Inline keyboards validated (``callback_data`` <= 64 bytes, button needs an action, URL schemes).
  * editMessageText: message must exist and be the bot's text message; identical content and markup ->
    ``message is not modified``; omitting ``reply_markup`` removes the keyboard, as in Telegram.
  * answerCallbackQuery: only ids the stand-in issued, only once; text <= 200 characters.
  * sendPhoto: the upload must decode as an image (``IMAGE_PROCESS_FAILED``), <= 10 MB, sane
    dimensions; file_ids must be known and of the right type. sendMediaGroup: 2..10 items, documents
    not mixed with photos, ``attach://`` parts must exist. getFile: unknown id -> ``invalid file_id``,
    files > 20 MB -> ``file is too big``.
  * getUpdates: offsets confirm updates for good, unconfirmed ones are redelivered, a competing long poll
    terminates the older one with 409 Conflict, ``allowed_updates`` is remembered, the long poll is
    released when a killed client's connection drops.
"""

from .botapi import BotApiStandIn, MessagePredicate, image_dimensions
from .models import BOT_USER, ApiError, FakeUser, Revision, SentMessage
from .telegram_html import HtmlParseError, parse_html, utf16_len

__all__ = [
    "BOT_USER",
    "ApiError",
    "BotApiStandIn",
    "FakeUser",
    "HtmlParseError",
    "MessagePredicate",
    "Revision",
    "SentMessage",
    "image_dimensions",
    "parse_html",
    "utf16_len",
]
