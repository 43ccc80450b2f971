"""The Zalo Bot API methods: parameter parsing, validation and what each method answers.

Validation is deliberately strict. Zalo's real server is a black box, so where the docs set a rule
(``chat_id`` and ``text`` required, 1..2000 characters, an HTTPS webhook URL, an 8..256-character secret,
``typing``/``upload_photo``) the stand-in enforces it, and where a bot would rely on something the docs
do not offer (Telegram-only parameters such as ``reply_markup``, ``parse_mode`` or ``offset``) strict
mode refuses it instead of silently ignoring it, because a bot that sends buttons to Zalo has a bug.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any, Final
from urllib.parse import urlsplit

from aiohttp import web
from PIL import Image

from .models import (
    BOT_INFO,
    CHAT_ACTIONS,
    MAX_TEXT,
    JsonDict,
    SentZaloMessage,
    ZaloApiError,
    new_message_id,
    now_ms,
    utf16_len,
)
from .updates import DEFAULT_POLL_SECONDS, UpdateQueue


class _NoResult:
    """Marker: answer ``{"ok": true}`` without a ``result`` (sendChatAction, as in the docs' sample)."""


NO_RESULT: Final = _NoResult()

Handler = Callable[[JsonDict, web.Request], Awaitable[Any]]
#: (HTTP status, body) of a GET, or raises ``ConnectionError``/``TimeoutError``.
Fetcher = Callable[[str], Awaitable[tuple[int, bytes]]]

#: Parameters each method takes, from the docs' parameter tables.
PARAMETERS: dict[str, frozenset[str]] = {
    "getMe": frozenset(),
    "getUpdates": frozenset({"timeout"}),
    "setWebhook": frozenset({"url", "secret_token"}),
    "deleteWebhook": frozenset(),
    "getWebhookInfo": frozenset(),
    "sendMessage": frozenset({"chat_id", "text"}),
    "sendPhoto": frozenset({"chat_id", "photo", "caption"}),
    "sendSticker": frozenset({"chat_id", "sticker"}),
    "sendChatAction": frozenset({"chat_id", "action"}),
}


class UploadedFile:
    """A multipart file part - never valid for Zalo, whose ``photo`` is a URL string."""

    def __init__(self, filename: str | None) -> None:
        self.filename = filename

    def __repr__(self) -> str:
        return f"<uploaded file {self.filename!r}>"


async def read_params(request: web.Request) -> JsonDict:
    """Query string plus a JSON, form or multipart body (the docs allow all four); JSON nulls are absent."""
    params: JsonDict = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return params
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            params[key] = value if isinstance(value, str) else UploadedFile(getattr(value, "filename", None))
        return params
    raw = await request.read()
    if not raw.strip():
        return params
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ZaloApiError(400, "Bad request: the body is not valid UTF-8 JSON") from error
    if not isinstance(body, dict):
        raise ZaloApiError(400, "Bad request: the body must be a JSON object")
    params.update({key: value for key, value in body.items() if value is not None})
    return params


def snapshot(params: JsonDict) -> JsonDict:
    """The parameters as a test wants to read them back (files shown by name)."""
    return {key: repr(value) if isinstance(value, UploadedFile) else value for key, value in params.items()}


def image_format(data: bytes) -> str:
    """Pillow's format name of fully decodable image bytes, or ValueError."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format or ""
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f"not an image Pillow can open: {error}") from error
    return fmt


class ZaloMethods:
    """Zalo's side of every API method, plus the state the methods share with the test side."""

    def __init__(self, updates: UpdateQueue, fetch: Fetcher, *, strict: bool, on_sent: Callable[[], None]) -> None:
        self.updates = updates
        self._fetch = fetch
        self._on_sent = on_sent
        self.strict = strict
        self.known_chats: set[str] = set()
        self.sent_by_chat: dict[str, list[SentZaloMessage]] = {}
        self.chat_actions: list[tuple[str, str]] = []
        self.ignored_params: list[tuple[str, str]] = []
        self.webhook: JsonDict | None = None
        self.webhook_updated_at = now_ms()
        self.poll_timeouts = 0
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendSticker": self.send_sticker,
            "sendChatAction": self.send_chat_action,
        }

    def check_parameters(self, method: str, params: JsonDict) -> None:
        unknown = sorted(set(params) - PARAMETERS.get(method, frozenset()))
        if not unknown:
            return
        if self.strict:
            raise ZaloApiError(400, f"Bad request: {method} has no parameter {', '.join(unknown)}")
        self.ignored_params.extend((method, name) for name in unknown)

    # -- bot and updates --------------------------------------------------------------------------

    async def get_me(self, params: JsonDict, request: web.Request) -> JsonDict:
        return dict(BOT_INFO)

    async def get_updates(self, params: JsonDict, request: web.Request) -> JsonDict:
        seconds = _poll_seconds(params.get("timeout", DEFAULT_POLL_SECONDS))

        def alive() -> bool:
            return request.transport is not None and not request.transport.is_closing()

        update = await self.updates.poll(seconds, alive=alive, webhook_active=lambda: self.webhook is not None)
        if update is None:
            self.poll_timeouts += 1
            raise ZaloApiError(408, "Request timeout")
        return update

    # -- webhook ----------------------------------------------------------------------------------

    async def set_webhook(self, params: JsonDict, request: web.Request) -> JsonDict:
        url = _required_string(params, "url")
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise ZaloApiError(400, "Bad request: url must be an HTTPS URL")
        secret = _required_string(params, "secret_token")
        if not 8 <= len(secret) <= 256:
            raise ZaloApiError(400, "Bad request: secret_token must be 8 to 256 characters")
        if not secret.isascii() or not secret.isprintable():
            raise ZaloApiError(400, "Bad request: secret_token must be printable ASCII (it travels in a header)")
        self.webhook = {"url": url, "secret_token": secret}
        self.webhook_updated_at = now_ms()
        self.updates.notify()
        return {"url": url, "updated_at": self.webhook_updated_at}

    async def delete_webhook(self, params: JsonDict, request: web.Request) -> JsonDict:
        self.webhook = None
        self.webhook_updated_at = now_ms()
        self.updates.notify()
        return {"url": "", "updated_at": self.webhook_updated_at}

    async def get_webhook_info(self, params: JsonDict, request: web.Request) -> JsonDict:
        url = self.webhook["url"] if self.webhook else ""
        return {"url": url, "updated_at": self.webhook_updated_at}

    # -- sending ----------------------------------------------------------------------------------

    async def send_message(self, params: JsonDict, request: web.Request) -> JsonDict:
        chat_id = self._chat(params)
        text = _text(params, "text", required=True)
        assert text is not None
        return self._record(SentZaloMessage(chat_id, new_message_id(), "text", text))

    async def send_photo(self, params: JsonDict, request: web.Request) -> JsonDict:
        chat_id = self._chat(params)
        photo = params.get("photo")
        if photo is None or photo == "":
            raise ZaloApiError(400, "Bad request: photo is required")
        if not isinstance(photo, str):
            raise ZaloApiError(400, "Bad request: photo must be the URL of an image, not an upload")
        parts = urlsplit(photo)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ZaloApiError(400, f"Bad request: photo must be an http(s) URL, got {photo!r}")
        caption = _text(params, "caption", required=False)
        data = await self._download(photo)
        message = SentZaloMessage(chat_id, new_message_id(), "photo", caption or "", photo=data, photo_url=photo)
        return self._record(message)

    async def send_sticker(self, params: JsonDict, request: web.Request) -> JsonDict:
        chat_id = self._chat(params)
        sticker = _required_string(params, "sticker")
        return self._record(SentZaloMessage(chat_id, new_message_id(), "sticker", "", sticker=sticker))

    async def send_chat_action(self, params: JsonDict, request: web.Request) -> _NoResult:
        chat_id = self._chat(params)
        action = _required_string(params, "action")
        if action not in CHAT_ACTIONS:
            raise ZaloApiError(400, f"Bad request: action must be one of {', '.join(sorted(CHAT_ACTIONS))}")
        self.chat_actions.append((chat_id, action))
        return NO_RESULT

    def _chat(self, params: JsonDict) -> str:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ZaloApiError(400, "Bad request: chat_id is required")
        if not isinstance(chat_id, str):
            raise ZaloApiError(400, "Bad request: chat_id must be a string")
        if chat_id not in self.known_chats:
            raise ZaloApiError(400, "Bad request: chat not found")
        return chat_id

    async def _download(self, url: str) -> bytes:
        """GET the photo as Zalo's servers would, before answering (so the bot must serve it meanwhile)."""
        try:
            status, data = await self._fetch(url)
        except (ConnectionError, TimeoutError) as error:
            raise ZaloApiError(400, f"Bad request: photo could not be downloaded: {error}") from error
        if status != 200:
            raise ZaloApiError(400, f"Bad request: photo could not be downloaded: HTTP {status}")
        try:
            await asyncio.to_thread(image_format, data)
        except ValueError as error:
            raise ZaloApiError(400, f"Bad request: photo is not a valid image ({len(data)} bytes)") from error
        return data

    def _record(self, message: SentZaloMessage) -> JsonDict:
        self.sent_by_chat.setdefault(message.chat_id, []).append(message)
        self._on_sent()
        return {"message_id": message.message_id, "date": int(message.at * 1000)}


def _required_string(params: JsonDict, name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise ZaloApiError(400, f"Bad request: {name} is required")
    if not isinstance(value, str):
        raise ZaloApiError(400, f"Bad request: {name} must be a string")
    return value


def _text(params: JsonDict, name: str, *, required: bool) -> str | None:
    """``text``/``caption``: a string of 1..2000 characters (UTF-16 units); blank counts as empty."""
    value = params.get(name)
    if value is None:
        if required:
            raise ZaloApiError(400, f"Bad request: {name} is required")
        return None
    if not isinstance(value, str):
        raise ZaloApiError(400, f"Bad request: {name} must be a string")
    if not value.strip():
        raise ZaloApiError(400, f"Bad request: {name} is empty (1 to {MAX_TEXT} characters)")
    length = utf16_len(value)
    if length > MAX_TEXT:
        raise ZaloApiError(400, f"Bad request: {name} is too long ({length} characters, 1 to {MAX_TEXT} allowed)")
    return value


def _poll_seconds(raw: Any) -> float:
    """``timeout``: seconds as a string (the docs' type) or a number (the docs' sample)."""
    seconds: float | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        seconds = float(raw)
    elif isinstance(raw, str):
        try:
            seconds = float(raw.strip())
        except ValueError:
            seconds = None
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        raise ZaloApiError(400, f"Bad request: timeout must be a number of seconds, got {raw!r}")
    return seconds
