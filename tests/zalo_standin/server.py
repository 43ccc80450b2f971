"""``ZaloStandIn``: a local, faithful fake of the Zalo Bot Platform API for end-to-end tests.

See the package docstring (``tests/zalo_standin/__init__.py``) for the test-side API, what the stand-in
enforces and where each rule comes from. This module holds the HTTP server, the CDN that serves what
users "send", the webhook forwarder, fault injection and the helpers tests use to observe the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from PIL import Image

from tests.local_server import LocalServer, delay_or_drop, next_fault

from .methods import NO_RESULT, ZaloMethods, image_format, read_params, snapshot
from .models import (
    BOT_INFO,
    ERROR_MEANINGS,
    EVENT_IMAGE,
    EVENT_STICKER,
    EVENT_TEXT,
    EVENT_UNSUPPORTED,
    TOKEN,
    Fault,
    JsonDict,
    SentZaloMessage,
    ZaloApiError,
    ZaloUser,
    new_message_id,
    now_ms,
)
from .updates import UpdateQueue

MessagePredicate = Callable[[SentZaloMessage], bool]

MAX_REQUEST_BYTES = 8 * 1024 * 1024
PHOTO_FETCH_TIMEOUT = 10.0
_CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
_dumps = functools.partial(json.dumps, ensure_ascii=False)


@dataclass
class _CdnFile:
    data: bytes
    content_type: str
    expired: bool = False


@functools.cache
def _sticker_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (64, 64), (255, 200, 0, 255)).save(buffer, "PNG")
    return buffer.getvalue()


class ZaloStandIn(LocalServer):
    """A Zalo Bot API server on 127.0.0.1 (random port) plus the controls an end-to-end test needs.

    ``strict`` (default True) refuses parameters Zalo does not document (``reply_markup``, ``parse_mode``,
    ``offset``...) instead of ignoring them (then listed in ``ignored_params``). ``webhook_envelope``
    (default True) POSTs webhook updates as the docs show them, ``{"ok": true, "result": update}``; False
    POSTs the bare update, as some integrators report the live platform does - a bot should accept both.
    ``webhook_attempts`` deliveries are tried per update, ``webhook_retry_delay`` seconds apart (doubling),
    each waiting ``webhook_timeout`` seconds for the bot's answer.
    """

    TOKEN: ClassVar[str] = TOKEN
    MAX_REQUEST_BYTES: ClassVar[int] = MAX_REQUEST_BYTES
    BOT_INFO: ClassVar[JsonDict] = BOT_INFO

    def __init__(
        self,
        *,
        strict: bool = True,
        webhook_envelope: bool = True,
        webhook_attempts: int = 3,
        webhook_retry_delay: float = 0.2,
        webhook_timeout: float = 10.0,
    ) -> None:
        if webhook_attempts < 1:
            raise ValueError("webhook_attempts must be at least 1")
        super().__init__()
        self.updates = UpdateQueue()
        self.methods = ZaloMethods(self.updates, self._fetch, strict=strict, on_sent=self._notify)
        self.webhook_envelope = webhook_envelope
        self.webhook_attempts = webhook_attempts
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.errors_returned: list[tuple[str, str]] = []
        self.faults_triggered: list[tuple[str, str]] = []
        self.webhook_responses: list[tuple[str, int]] = []
        self.webhook_dropped: list[str] = []
        self.cdn_downloads: list[str] = []
        self._faults: dict[str, list[Fault]] = {}
        self._cdn: dict[str, _CdnFile] = {}
        self._image_urls: dict[str, str] = {}
        self._changed = asyncio.Event()
        self._in_flight = 0
        self._forwarding = False
        self._last_activity = time.monotonic()
        self._forwarder: asyncio.Task[None] | None = None
        self._http: ClientSession | None = None

    # -- lifecycle ----------------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("GET", "/bot{token}/{method}", self._handle_method)
        app.router.add_route("POST", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/cdn/{name}", self._handle_cdn)

    async def start(self) -> None:
        await super().start()
        self._http = ClientSession()

    async def stop(self) -> None:
        if self._forwarder is not None:
            self._forwarder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._forwarder
            self._forwarder = None
        self.updates.close()
        await super().stop()
        if self._http is not None:
            await self._http.close()
            self._http = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``; the bot appends ``/bot<TOKEN>/<method>`` as with the real host."""
        return f"http://127.0.0.1:{self.port}"

    def api_url(self, method: str, token: str | None = None) -> str:
        """Full URL of a method, for raw HTTP tests."""
        return f"{self.base_url}/bot{token or self.TOKEN}/{method}"

    # -- HTTP ---------------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        polling = name == "getUpdates"
        if not polling:
            self._begin()
        try:
            return await self._dispatch(request, name)
        finally:
            if not polling:
                self._end()

    async def _dispatch(self, request: web.Request, name: str) -> web.StreamResponse:
        try:
            params = await read_params(request)
            self.calls.append((name, snapshot(params)))
            if request.match_info["token"] != self.TOKEN:
                raise ZaloApiError(401, "Unauthorized")
            fault = self._take_fault(name)
            if fault is not None:
                response = await self._apply_fault(request, name, fault)
                if response is not None:
                    return response
            # Method names are case-sensitive ("Các tên API có phân biệt chữ hoa và chữ thường").
            handler = self.methods.handlers.get(name)
            if handler is None:
                raise ZaloApiError(400, f"Bad request: invalid API name {name!r}")
            self.methods.check_parameters(name, params)
            result = await handler(params, request)
        except ZaloApiError as error:
            return self._error_response(request, name, error)
        body: JsonDict = {"ok": True} if result is NO_RESULT else {"ok": True, "result": result}
        return web.json_response(body, dumps=_dumps)

    def _error_response(self, request: web.Request, name: str, error: ZaloApiError) -> web.Response:
        poll_timeout = name == "getUpdates" and error.error_code == 408
        transport = request.transport
        if not poll_timeout and transport is not None and not transport.is_closing():
            self.errors_returned.append((name, error.description))
        return web.json_response(error.to_json(), status=error.http_status, dumps=_dumps)

    async def _handle_cdn(self, request: web.Request) -> web.StreamResponse:
        """Zalo's CDN: what users send, until the link expires."""
        self._begin()
        try:
            name = request.match_info["name"]
            self.cdn_downloads.append(name)
            stored = self._cdn.get(name)
            if stored is None or stored.expired:
                return web.Response(status=404, text="404 Not Found")
            return web.Response(body=stored.data, content_type=stored.content_type)
        finally:
            self._end()

    async def _fetch(self, url: str) -> tuple[int, bytes]:
        """GET for sendPhoto; network failures become ConnectionError/TimeoutError."""
        if self._http is None:
            raise ConnectionError("the stand-in is stopped")
        try:
            async with self._http.get(url, timeout=ClientTimeout(total=PHOTO_FETCH_TIMEOUT)) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimeoutError(f"no answer from {url} within {PHOTO_FETCH_TIMEOUT}s") from error
        except ClientError as error:
            raise ConnectionError(f"{type(error).__name__}: {error}") from error

    def _begin(self) -> None:
        self._in_flight += 1
        self._last_activity = time.monotonic()

    def _end(self) -> None:
        self._in_flight -= 1
        self._last_activity = time.monotonic()

    # -- fault injection ----------------------------------------------------------------------------

    def inject_fault(
        self,
        method: str,
        *,
        error_code: int | None = 500,
        times: int = 1,
        drop: bool = False,
        delay: float = 0.0,
        http_status: int = 200,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (exact, case-sensitive name) fail.

        The answer is ``{"ok": false, "error_code": error_code, "description": ...}`` with HTTP status
        ``http_status`` (200 like Zalo's API errors; pass e.g. 502 for a broken gateway); the description
        defaults to the docs' meaning of the code (429 "Quota exceeded"...). ``drop`` closes the connection
        without any answer; ``delay`` answers late (with ``error_code=None``: a slow but correct answer).
        Injected failures go to ``faults_triggered``, not ``errors_returned``.
        """
        if method not in self.methods.handlers:
            raise ValueError(f"unknown Zalo method {method!r}; known: {sorted(self.methods.handlers)}")
        if times < 1:
            raise ValueError("times must be at least 1")
        if error_code is None and not drop and delay <= 0:
            raise ValueError("give error_code, drop or delay")
        fault = Fault(error_code, times, drop, delay, http_status, description)
        self._faults.setdefault(method, []).append(fault)

    def clear_faults(self) -> None:
        """The network is healthy again."""
        self._faults.clear()

    def _take_fault(self, name: str) -> Fault | None:
        return next_fault(self._faults.get(name))

    async def _apply_fault(self, request: web.Request, name: str, fault: Fault) -> web.StreamResponse | None:
        await delay_or_drop(request, name, fault, self.faults_triggered)
        if fault.error_code is None:
            self.faults_triggered.append((name, f"delayed {fault.delay}s"))
            return None
        description = fault.description or ERROR_MEANINGS.get(fault.error_code, "Internal server error")
        error = ZaloApiError(fault.error_code, description, http_status=fault.http_status)
        self.faults_triggered.append((name, description))
        return web.json_response(error.to_json(), status=error.http_status, dumps=_dumps)

    # -- webhook ------------------------------------------------------------------------------------

    @property
    def webhook(self) -> JsonDict | None:
        """``{"url", "secret_token"}`` while a webhook is set (by the bot, through setWebhook)."""
        return dict(self.methods.webhook) if self.methods.webhook else None

    def webhook_body(self, update: JsonDict) -> JsonDict:
        """The JSON the stand-in POSTs for ``update`` (per ``webhook_envelope``)."""
        return {"ok": True, "result": update} if self.webhook_envelope else update

    def forward_webhook_to(self, local_url: str) -> None:
        """Play Zalo's side of a webhook: while one is set, POST each update to ``local_url`` (the bot's
        listener, standing in for the public HTTPS URL behind a proxy) with ``X-Bot-Api-Secret-Token``.

        Updates go one at a time, in order. A delivery that is not answered 2xx is retried
        (``webhook_attempts`` in all), then dropped and listed in ``webhook_dropped``. Every attempt is in
        ``webhook_responses`` as ``(message_id, status)``, status 0 for no answer.
        """
        if self._forwarder is not None:
            self._forwarder.cancel()
        self._forwarder = asyncio.get_running_loop().create_task(self._forward(local_url))

    async def _forward(self, local_url: str) -> None:
        while True:
            webhook = self.methods.webhook
            if webhook is None or self.updates.pending_count() == 0:
                await self.updates.changed(0.2)
                continue
            update = self.updates.take_one()
            if update is None:
                continue
            self._forwarding = True
            try:
                await self._deliver_webhook(local_url, update, webhook["secret_token"])
            finally:
                self._forwarding = False
                self._last_activity = time.monotonic()

    async def _deliver_webhook(self, local_url: str, update: JsonDict, secret: str) -> None:
        message_id = str(update["message"]["message_id"])
        for attempt in range(self.webhook_attempts):
            if attempt:
                await asyncio.sleep(self.webhook_retry_delay * 2 ** (attempt - 1))
            status = await self._post_webhook(local_url, self.webhook_body(update), secret)
            self.webhook_responses.append((message_id, status))
            if 200 <= status < 300:
                return
        self.webhook_dropped.append(message_id)

    async def _post_webhook(self, local_url: str, body: JsonDict, secret: str | None) -> int:
        if self._http is None:
            raise RuntimeError("the Zalo stand-in is not started")
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Bot-Api-Secret-Token"] = secret
        data = _dumps(body).encode()
        timeout = ClientTimeout(total=self.webhook_timeout)
        try:
            async with self._http.post(local_url, data=data, headers=headers, timeout=timeout) as response:
                await response.read()
                return response.status
        except (ClientError, TimeoutError):
            return 0

    async def post_update(self, local_url: str, update: JsonDict, secret: str | None) -> int:
        """One raw webhook POST of ``update`` exactly as given (wrap it with :meth:`webhook_body` to look
        like the forwarder); ``secret=None`` omits the header. Returns the HTTP status (0: no answer)."""
        return await self._post_webhook(local_url, update, secret)

    # -- simulated users ----------------------------------------------------------------------------

    def send_text(self, user: ZaloUser, text: str) -> str:
        """``message.text.received``; returns the message_id."""
        if not isinstance(text, str) or not text:
            raise ValueError("a Zalo text message has text")
        return self._push(user, EVENT_TEXT, {"text": text})

    def send_image(self, user: ZaloUser, data: bytes, caption: str | None = None, *, expired: bool = False) -> str:
        """``message.image.received``: the bytes are served at ``{base_url}/cdn/<random>.jpg`` (in both
        ``photo_url`` and ``photo``); ``expired=True`` makes that link answer 404 already."""
        try:
            fmt = image_format(data)
        except ValueError as error:
            raise ValueError(f"send_image needs real image bytes: {error}") from error
        url = self._serve(data, _CONTENT_TYPES.get(fmt, "application/octet-stream"), ".jpg", expired=expired)
        fields: JsonDict = {"photo_url": url, "photo": url}
        if caption:
            fields["caption"] = caption
        message_id = self._push(user, EVENT_IMAGE, fields)
        self._image_urls[message_id] = url
        return message_id

    def expire_image(self, message_id: str) -> None:
        """The CDN link of an image message stops working (404), as Zalo's links do after a while."""
        url = self._image_urls[message_id]
        self._cdn[url.rsplit("/", 1)[1]].expired = True

    def send_sticker(self, user: ZaloUser) -> str:
        """``message.sticker.received`` with ``sticker`` (an id) and ``url`` (its image)."""
        sticker = secrets.token_hex(10)
        url = self._serve(_sticker_png(), "image/png", ".png", prefix=f"sticker-{sticker}-")
        return self._push(user, EVENT_STICKER, {"sticker": sticker, "url": url})

    def send_unsupported(self, user: ZaloUser) -> str:
        """``message.unsupported.received``: a message Zalo withholds (e.g. from a protected account)."""
        return self._push(user, EVENT_UNSUPPORTED, {})

    def make_text_update(self, user: ZaloUser, text: str) -> JsonDict:
        """A text update in Zalo's shape, not queued - for raw :meth:`post_update` tests."""
        return {"event_name": EVENT_TEXT, "message": self._message(user, {"text": text})}

    def redeliver(self, message_id: str) -> None:
        """Deliver an update again, unchanged (same ``message_id``), as a retried webhook would."""
        self.updates.redeliver(message_id)

    def _serve(self, data: bytes, content_type: str, suffix: str, *, expired: bool = False, prefix: str = "") -> str:
        name = f"{prefix}{secrets.token_hex(12)}{suffix}"
        self._cdn[name] = _CdnFile(data, content_type, expired)
        return f"{self.base_url}/cdn/{name}"

    def _message(self, user: ZaloUser, fields: JsonDict) -> JsonDict:
        return {
            "from": user.to_dict(),
            "chat": user.private_chat(),
            **fields,
            "message_id": new_message_id(),
            "date": now_ms(),
        }

    def _push(self, user: ZaloUser, event_name: str, fields: JsonDict) -> str:
        self.methods.known_chats.add(user.id)
        return self.updates.push({"event_name": event_name, "message": self._message(user, fields)})

    # -- observing the bot --------------------------------------------------------------------------

    def sent(self, chat_id: str) -> list[SentZaloMessage]:
        """The bot's messages in that chat, in order; its length is a valid ``after`` for :meth:`wait_for`."""
        return list(self.methods.sent_by_chat.get(chat_id, []))

    def mark(self, chat_id: str) -> int:
        """``len(sent(chat_id))``: a point to wait from."""
        return len(self.methods.sent_by_chat.get(chat_id, []))

    def last_sent(self, chat_id: str) -> SentZaloMessage:
        messages = self.methods.sent_by_chat.get(chat_id, [])
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of one method (exact name)."""
        return [params for name, params in self.calls if name == method]

    @property
    def chat_actions(self) -> list[tuple[str, str]]:
        return self.methods.chat_actions

    @property
    def ignored_params(self) -> list[tuple[str, str]]:
        """``(method, parameter)`` the bot sent that Zalo does not document (non-strict mode only)."""
        return self.methods.ignored_params

    @property
    def poll_timeouts(self) -> int:
        """getUpdates calls answered 408 "Request timeout" (normal idling, so not in ``errors_returned``)."""
        return self.methods.poll_timeouts

    def pending_update_count(self) -> int:
        """Updates queued and not yet handed to the bot."""
        return self.updates.pending_count()

    async def wait_for(
        self,
        chat_id: str,
        predicate: str | MessagePredicate | None,
        *,
        after: int = 0,
        timeout: float = 10,
    ) -> SentZaloMessage:
        """The first bot message in ``chat_id`` with index >= ``after`` whose text contains ``predicate``
        (or satisfies it; None: any message). On timeout, an AssertionError lists what the chat holds."""
        matches = _matcher(predicate)
        deadline = time.monotonic() + timeout
        while True:
            changed = self._changed
            messages = self.methods.sent_by_chat.get(chat_id, [])
            for message in messages[after:]:
                if matches(message):
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(self._timeout_report(chat_id, predicate, timeout, after))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_idle(self, quiet: float = 0.5, timeout: float = 10) -> None:
        """Wait until every queued update reached the bot and it made no call for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            last = max(self._last_activity, self.updates.last_delivery)
            pending = self.updates.pending_count()
            if self._in_flight == 0 and pending == 0 and not self._forwarding and now - last >= quiet:
                return
            if now > deadline:
                raise AssertionError(
                    f"bot not idle after {timeout}s: {self._in_flight} call(s) in flight, "
                    f"{pending} update(s) never delivered, webhook delivery running: {self._forwarding}, "
                    f"last activity {now - last:.2f}s ago; last calls: {[name for name, _ in self.calls[-8:]]}"
                )
            await asyncio.sleep(0.02)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _timeout_report(self, chat_id: str, predicate: object, timeout: float, after: int) -> str:
        wanted = "any message" if predicate is None else f"a message matching {predicate!r}"
        lines = [f"No {wanted} in Zalo chat {chat_id} (index >= {after}) within {timeout}s. The bot sent there:"]
        messages = self.methods.sent_by_chat.get(chat_id, [])
        lines += [f"  {'*' if i >= after else ' '} #{i} {m.describe()}" for i, m in enumerate(messages)] or [
            "  (nothing)"
        ]
        lines.append("  (* = at or after the given index)")
        if self.errors_returned:
            lines.append(f"Errors returned to the bot: {self.errors_returned}")
        if self.faults_triggered:
            lines.append(f"Faults injected: {self.faults_triggered}")
        lines.append(
            f"Updates never delivered: {self.updates.pending_count()}; bot polling now: {self.updates.polling}; "
            f"webhook: {self.methods.webhook}; last calls: {[name for name, _ in self.calls[-8:]]}"
        )
        return "\n".join(lines)


def _matcher(predicate: str | MessagePredicate | None) -> MessagePredicate:
    if predicate is None:
        return lambda message: True
    if isinstance(predicate, str):
        needle = predicate
        return lambda message: needle in message.text
    return predicate
