"""A faithful local stand-in for the Zalo Bot Platform API, for end-to-end tests of the bot's Zalo channel.

Why faithful: Zalo looks like Telegram's Bot API and is not. A fake that accepts anything hides exactly the
bugs a Telegram-minded adapter ships with - expecting a list from getUpdates, acknowledging with ``offset``,
treating 408 as a failure, sending a 3000-character report, passing ``reply_markup``, sending a photo by
upload instead of URL, a photo URL Zalo cannot fetch. The stand-in refuses what Zalo refuses, with Zalo's
error JSON, and answers in Zalo's shapes.

Typical use (everything runs in the test's event loop)::

    async with ZaloStandIn() as zalo:
        ...start the bot with base URL zalo.base_url and token zalo.TOKEN...
        lan = ZaloUser("zu-5002", "Nguyễn Thị Lan")
        point = len(zalo.sent(lan.id))
        zalo.send_text(lan, "/start")
        reply = await zalo.wait_for(lan.id, "Xin chào", after=point)
        zalo.send_image(lan, jpeg_bytes, caption="Ảnh hồ sơ")
        await zalo.wait_idle()
        assert zalo.errors_returned == []

Test-side API (``ZaloStandIn``)
-------------------------------
Lifecycle: ``start()``, ``stop()``, ``async with``; ``port``, ``base_url`` (``http://127.0.0.1:PORT``; the
bot appends ``/bot<TOKEN>/<method>``), ``api_url(method, token=None)``; ``TOKEN`` (``{bot_id}:{secret}``),
``BOT_INFO`` (what getMe returns). Options: ``strict=True`` (refuse undocumented parameters; False ignores
them and lists them in ``ignored_params``), ``webhook_envelope=True`` (see "Sources disagree" below),
``webhook_attempts=3``, ``webhook_retry_delay=0.2``, ``webhook_timeout=10.0``.

People: ``ZaloUser(id: str, display_name: str)`` (frozen); a user's private chat has ``chat.id == user.id``
and exists from their first message on (a chat the bot never heard from is "chat not found").

Simulated input - each queues one update and returns its ``message_id`` (20 hex digits):
  ``send_text(user, text)``; ``send_image(user, data, caption=None, *, expired=False)`` (the bytes are
  served at ``{base_url}/cdn/<random>.jpg``, given as both ``photo_url`` and ``photo``; ``expired`` makes
  the link answer 404; ``expire_image(message_id)`` later); ``send_sticker(user)``;
  ``send_unsupported(user)``; ``redeliver(message_id)`` (the same update, same ``message_id``, again);
  ``make_text_update(user, text)`` (an update dict, not queued).

Observing the bot:
  ``sent(chat_id) -> list[SentZaloMessage]`` (``chat_id``, ``message_id``, ``kind`` "text"/"photo"/"sticker",
  ``text`` - the caption for photos -, ``photo`` bytes as downloaded, ``photo_url``, ``at``, ``sticker``);
  ``mark(chat_id)`` (= ``len(sent(chat_id))``), ``last_sent(chat_id)``;
  ``await wait_for(chat_id, predicate, *, after=0, timeout=10)`` - the first message with index >= after
  whose text contains the string (or satisfies the callable; None: any); on timeout an AssertionError lists
  the chat. ``await wait_idle(quiet=0.5, timeout=10)`` - every update delivered and no call for ``quiet``.
  ``calls`` / ``calls_to(method)`` (parameters as sent), ``errors_returned`` (``(method, description)`` of
  every error answer - keep it empty in happy paths; 408 poll timeouts are counted in ``poll_timeouts``
  instead, injected faults are in ``faults_triggered``), ``chat_actions`` (``(chat_id, action)``),
  ``cdn_downloads``, ``pending_update_count()``, ``webhook`` (``{"url", "secret_token"}`` while set).

Webhooks: ``forward_webhook_to(local_url)`` - while the bot has a webhook set, updates are POSTed one at a
time, in order, to ``local_url`` (the bot's listener, standing in for its public HTTPS URL) with header
``X-Bot-Api-Secret-Token`` and ``Content-Type: application/json``; a non-2xx answer (or none) is retried,
``webhook_attempts`` tries in all, then the update is dropped (``webhook_dropped``; every try is in
``webhook_responses`` as ``(message_id, status)``). ``await post_update(local_url, body, secret)`` is one raw
POST (``secret=None``: no header) returning the HTTP status; ``webhook_body(update)`` wraps an update the
way the forwarder does.

Faults: ``inject_fault(method, *, error_code=500, times=1, drop=False, delay=0.0, http_status=200,
description=None)`` - the next ``times`` calls answer ``{"ok": false, "error_code": ...}`` (description:
the docs' meaning of the code), or drop the connection, or answer late; ``clear_faults()``.

Zalo behaviours reproduced, and where each comes from
-----------------------------------------------------
Verified against the official docs (https://bot.zaloplatforms.com/docs/ - pages call-api, getMe,
getUpdates, setWebhook, deleteWebhook, getWebhookInfo, sendMessage, sendPhoto, sendSticker, sendChatAction,
webhook, error-code; read through copies of those pages dated 10/12/2025), cross-checked with the official
SDK python-zalo-bot 0.1.9 (PyPI) and a production client (openclaw ``extensions/zalo/src/api.ts`` and
``monitor.webhook.ts``, the code behind the @gguf/claw unpkg file):

* URL ``<base>/bot<TOKEN>/<method>``, GET or POST with query string, JSON, form or multipart parameters;
  method names are case-sensitive. Answers ``{"ok": true, "result": ...}`` or ``{"ok": false,
  "error_code", "description"}``. The docs' error codes: 400 bad request / invalid API name, 401 invalid
  token, 403 "internal server error" (sic), 404, 408 request timeout, 429 quota exceeded.
* getMe -> ``{id, account_name, account_type: "BASIC", can_join_groups}`` (ids are strings).
* getUpdates: parameter ``timeout`` only (seconds, string in the docs, a number in their sample; default
  30); ``result`` is ONE update; no offset; getUpdates does not work while a webhook is set.
  Nothing in time -> error 408 "Request timeout" (openclaw treats 408 as "no update").
* setWebhook(``url`` HTTPS, ``secret_token`` 8..256) -> ``{url, updated_at}`` (ms); deleteWebhook ->
  ``{url: "", updated_at}``; getWebhookInfo -> ``{url, updated_at}``. Webhook POSTs carry
  ``X-Bot-Api-Secret-Token``.
* sendMessage(``chat_id``, ``text`` 1..2000) and sendPhoto(``chat_id``, ``photo`` = image URL, ``caption``
  1..2000) -> ``{message_id, date}``; sendSticker(``chat_id``, ``sticker``); sendChatAction(``chat_id``,
  ``action`` "typing" | "upload_photo") -> ``{"ok": true}`` with no ``result`` (the docs' sample).
* Updates ``{event_name, message}`` with events message.text/image/sticker/unsupported.received;
  ``message``: ``from {id, display_name, is_bot}``, ``chat {id, chat_type: "PRIVATE"}``, ``message_id``,
  ``date`` (ms), ``text`` | ``photo`` + ``caption`` | ``sticker`` + ``url``; unsupported events carry no
  content (Zalo withholds messages of protected users).

Sources disagree (the official docs are followed; the alternative is noted):
* Webhook body: the docs' webhook page shows ``{"ok": true, "result": {event_name, message}}``, while the
  docs' own SDK webhook sample (``Update.de_json(request.get_json())``) and openclaw ("Zalo sends updates
  directly as { event_name, message }, not wrapped") expect the bare update. Default: the docs' envelope;
  ``ZaloStandIn(webhook_envelope=False)`` sends bare updates. A bot should accept both.
* Image field: the docs' message table names it ``photo``; the SDK and openclaw read ``photo_url``. Both
  keys are sent, with the same URL.
* Unknown method: the docs' table files "invalid API name" under 400, so that is the answer (not 404).

Assumed (the docs are silent; chosen to be strict where a bot could be wrong):
* All API errors use HTTP status 200 (the SDK reads ``ok``/``error_code`` from the body) - faults can set
  another status. Error descriptions are the stand-in's wording, except "Unauthorized" and "Request
  timeout".
* While one getUpdates waits, another is refused with 409 (a second bot instance gets the error), and
  getUpdates while a webhook is set answers 409; an update handed to a poller is gone (at most once).
* 2000 characters are counted in UTF-16 units (emoji count two); blank text/caption counts as empty;
  ``chat_id`` must be a string; ``secret_token`` must be printable ASCII.
* sendPhoto downloads the URL before answering (openclaw notes Zalo "may resolve that URL before
  replying") and refuses anything but HTTP 200 with bytes Pillow can decode; no size limit is enforced.
* Webhook deliveries are sequential, retried up to ``webhook_attempts`` times on non-2xx, then dropped.
* Undocumented parameters (``parse_mode``, ``reply_markup``, ``offset``...) are refused in strict mode.
"""

from .methods import image_format
from .models import BOT_INFO, TOKEN, SentZaloMessage, ZaloApiError, ZaloUser, utf16_len
from .server import MessagePredicate, ZaloStandIn

__all__ = [
    "BOT_INFO",
    "TOKEN",
    "MessagePredicate",
    "SentZaloMessage",
    "ZaloApiError",
    "ZaloStandIn",
    "ZaloUser",
    "image_format",
    "utf16_len",
]
