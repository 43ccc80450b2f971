"""``BotApiStandIn``: a local, faithful fake of the Telegram Bot API server for end-to-end tests.

See the package docstring (``tests/standin/__init__.py``) for the full test-side API and the list of
Telegram behaviours it reproduces. This module holds the HTTP server, fault injection, the simulation
of users, and the waiting helpers tests use to observe the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import json
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from aiohttp import ClientError, ClientSession, web

from tests.local_server import LocalServer, delay_or_drop, next_fault

from .args import Args
from .files import FileStore, NotAnImageError, document_object, image_size
from .methods import BotApiMethods, Handler
from .models import BOT_USER, ApiError, FakeUser, Fault, JsonDict, SentMessage
from .updates import UpdateQueue
from .world import CallbackQuery, StoredMessage, World, command_entity

MessagePredicate = Callable[[SentMessage], bool]

MAX_REQUEST_BYTES = 64 * 1024 * 1024
_BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)
_dumps = functools.partial(json.dumps, ensure_ascii=False)


class BotApiStandIn(LocalServer):
    """A Bot API server on 127.0.0.1 plus the controls an end-to-end test needs.

    ``strict`` (default True) additionally refuses what the Bot API *documentation* forbids but the
    real server tolerates - a one-item media group, an inline button with several actions, and a bare
    ``&`` in HTML text - because each of those is a latent bug. ``callback_query_ttl`` makes callback
    queries expire (Telegram refuses answers that come too late); by default they never expire.
    """

    TOKEN: ClassVar[str] = "123456789:AAtest-token-for-the-stand-in-00000"
    MAX_REQUEST_BYTES: ClassVar[int] = MAX_REQUEST_BYTES
    BOT_USER: ClassVar[JsonDict] = BOT_USER

    def __init__(self, *, strict: bool = True, callback_query_ttl: float | None = None) -> None:
        super().__init__()
        self.world = World()
        self.files = FileStore()
        self.updates = UpdateQueue()
        self._forwarder: asyncio.Task[None] | None = None
        self.webhook_responses: list[int] = []
        self.methods = BotApiMethods(
            self.world, self.files, self.updates, strict=strict, callback_query_ttl=callback_query_ttl
        )
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler) for name, handler in self.methods.handlers.items()
        }
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.errors_returned: list[tuple[str, str]] = []
        self.faults_triggered: list[tuple[str, str]] = []
        self.downloads: list[str] = []
        self._faults: dict[str, list[Fault]] = {}
        self._marks: dict[tuple[int, int], int] = {}
        self._next_query_id = 4_382_000_000_000_000_000
        self._in_flight = 0
        self._last_activity = time.monotonic()

    # -- lifecycle ----------------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)

    def forward_webhook_to(self, local_url: str) -> None:
        """Plays Telegram's side of a webhook: each update is POSTed to `local_url` (the bot's listener,
        standing in for the public WEBHOOK_URL behind a proxy) with the secret from setWebhook, in order,
        retried until the bot answers 200."""
        self._forwarder = asyncio.create_task(self._forward(local_url))

    async def _forward(self, local_url: str) -> None:
        async with ClientSession() as session:
            while True:
                update = self.updates.take_one()
                webhook = self.methods.webhook
                if update is None or webhook is None:
                    await self.updates.changed(0.2)
                    continue
                headers = {"X-Telegram-Bot-Api-Secret-Token": webhook["secret_token"] or ""}
                try:
                    async with session.post(local_url, json=update, headers=headers) as response:
                        self.webhook_responses.append(response.status)
                        if response.status == 200:
                            self.updates.confirm_one(int(update["update_id"]))
                            continue
                except ClientError:
                    self.webhook_responses.append(0)
                self.updates.redeliver(int(update["update_id"]))
                await asyncio.sleep(0.2)

    async def stop(self) -> None:
        if self._forwarder is not None:
            self._forwarder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._forwarder
        self.updates.close()
        await super().stop()

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)`` / ``ApplicationBuilder().base_url(...)``; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def api_url(self, method: str, token: str | None = None) -> str:
        """Full URL of a method, for raw HTTP tests."""
        return f"{self.base_url}{token or self.TOKEN}/{method}"

    # -- HTTP ---------------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        name, handler = self._handlers.get(request.match_info["method"].lower(), (request.match_info["method"], None))
        if request.match_info["token"] != self.TOKEN:
            return self._error_response(request, name, ApiError(401, "Unauthorized"))
        polling = name == "getUpdates"
        if not polling:
            self._begin()
        try:
            return await self._dispatch(request, name, handler)
        finally:
            if not polling:
                self._end()

    async def _dispatch(self, request: web.Request, name: str, handler: Handler | None) -> web.StreamResponse:
        try:
            args = await Args.read(request)
            self.calls.append((name, args.snapshot()))
            fault = self._take_fault(name)
            if fault is not None:
                response = await self._apply_fault(request, name, fault)
                if response is not None:
                    return response
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(args)
        except ApiError as error:
            return self._error_response(request, name, error)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    def _error_response(self, request: web.Request, name: str, error: ApiError) -> web.Response:
        transport = request.transport
        if transport is not None and not transport.is_closing():
            self.errors_returned.append((name, error.description))
        return web.json_response(error.to_json(), status=error.code, dumps=_dumps)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.TOKEN:
            return web.json_response(ApiError(401, "Unauthorized").to_json(), status=401)
        self._begin()
        try:
            stored = self.files.by_path(request.match_info["file_path"])
            if stored is None:
                return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
            self.downloads.append(stored.file_path)
            return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
        finally:
            self._end()

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
        status: int | None = None,
        retry_after: int = 2,
        delay: float = 0.0,
        drop: bool = False,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        ``status=429`` answers ``Too Many Requests: retry after N`` with ``parameters.retry_after``;
        ``500``/``502`` answer like Telegram's backend and its nginx front do; ``delay`` answers late
        (alone: a slow but correct answer); ``drop`` closes the connection without any answer.
        Injected failures are listed in ``faults_triggered``, not in ``errors_returned``.
        """
        if status is None and not drop and delay <= 0:
            raise ValueError("give status, delay or drop")
        fault = Fault(status, retry_after, delay, drop, times, description)
        self._faults.setdefault(method.lower(), []).append(fault)

    def clear_faults(self) -> None:
        """The network is healthy again."""
        self._faults.clear()

    def _take_fault(self, name: str) -> Fault | None:
        return next_fault(self._faults.get(name.lower()))

    async def _apply_fault(self, request: web.Request, name: str, fault: Fault) -> web.StreamResponse | None:
        await delay_or_drop(request, name, fault, self.faults_triggered)
        if fault.status is None:
            self.faults_triggered.append((name, f"delayed {fault.delay}s"))
            return None
        if fault.status == 502:
            self.faults_triggered.append((name, "Bad Gateway"))
            return web.Response(status=502, text=_BAD_GATEWAY_PAGE, content_type="text/html")
        error = self._fault_error(fault)
        self.faults_triggered.append((name, error.description))
        return web.json_response(error.to_json(), status=error.code, dumps=_dumps)

    @staticmethod
    def _fault_error(fault: Fault) -> ApiError:
        assert fault.status is not None
        if fault.status == 429:
            message = fault.description or f"Too Many Requests: retry after {fault.retry_after}"
            return ApiError(429, message, {"retry_after": fault.retry_after})
        return ApiError(fault.status, fault.description or "")

    # -- chats and users ----------------------------------------------------------------------------

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        supergroup: bool | None = None,
        bot_is_admin: bool = False,
        username: str | None = None,
    ) -> JsonDict:
        """Register a group the bot is a member of; returns its Chat object.

        ``chat_id`` must be negative; ids of the form ``-100xxxxxxxxxx`` default to a supergroup. Unless
        ``bot_is_admin``, the group runs in privacy mode: the bot only receives commands meant for it
        and replies to its own messages, like a real bot with ``can_read_all_group_messages=false``.
        """
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if supergroup is None:
            supergroup = chat_id <= -1_000_000_000_000
        kind = "supergroup" if supergroup else "group"
        return dict(self.world.add_group(chat_id, title, kind, bot_is_admin=bot_is_admin, username=username).data)

    def register_user(self, user: FakeUser) -> JsonDict:
        """Make the user known (as if they had pressed Start) without sending an update."""
        return dict(self.world.private_chat(user).data)

    def block_bot(self, user: FakeUser, blocked: bool = True) -> None:
        """Simulate the user blocking the bot: sends to them fail with 403 Forbidden."""
        self.world.private_chat(user)
        if blocked:
            self.world.blocked_by.add(user.id)
        else:
            self.world.blocked_by.discard(user.id)

    # -- simulated user input -----------------------------------------------------------------------

    def send_text(self, user: FakeUser, text: str, chat_id: int | None = None, *, reply_to: int | None = None) -> int:
        """A text message; ``/command`` texts get the ``bot_command`` entity Telegram adds."""
        fields: JsonDict = {"text": text}
        entity = command_entity(text)
        if entity:
            fields["entities"] = [entity]
        chat = self.world.chat_for(user, chat_id)
        return self._deliver(self.world.add_user_message(user, chat, "text", fields, reply_to))

    def send_photo(
        self,
        user: FakeUser,
        image_bytes: bytes,
        chat_id: int | None = None,
        caption: str | None = None,
        media_group_id: str | None = None,
        *,
        reply_to: int | None = None,
    ) -> int:
        """A compressed photo: ``message.photo`` lists 90/320/800-px JPEG variants, then the original."""
        return self._deliver(self._photo_message(user, image_bytes, chat_id, caption, media_group_id, reply_to))

    def _photo_message(
        self,
        user: FakeUser,
        image_bytes: bytes,
        chat_id: int | None,
        caption: str | None,
        media_group_id: str | None,
        reply_to: int | None,
    ) -> StoredMessage:
        try:
            sizes = self.files.add_photo(image_bytes)
        except NotAnImageError as error:
            raise ValueError(f"send_photo needs real image bytes: {error}") from error
        fields: JsonDict = {"media_group_id": media_group_id} if media_group_id else {}
        fields["photo"] = [size.photo_size() for size in sizes]
        fields.update(self._caption_fields(caption))
        chat = self.world.chat_for(user, chat_id)
        return self.world.add_user_message(user, chat, "photo", fields, reply_to)

    def send_album(
        self,
        user: FakeUser,
        images: Sequence[bytes],
        chat_id: int | None = None,
        *,
        caption: str | None = None,
    ) -> list[int]:
        """Several photos sharing one ``media_group_id``, queued together (one update each)."""
        if not 2 <= len(images) <= 10:
            raise ValueError("an album has 2 to 10 items")
        group_id = self.methods.next_media_group_id()
        stored = [
            self._photo_message(user, data, chat_id, caption if index == 0 else None, group_id, None)
            for index, data in enumerate(images)
        ]
        return [self._deliver(message) for message in stored]

    def send_document(
        self,
        user: FakeUser,
        data: bytes,
        file_name: str,
        mime_type: str,
        chat_id: int | None = None,
        *,
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        """A file sent as a document (uncompressed); image documents carry a thumbnail."""
        document, thumbnail = self.files.add_document(data, file_name, mime_type)
        fields: JsonDict = {"document": document_object(document, thumbnail), **self._caption_fields(caption)}
        chat = self.world.chat_for(user, chat_id)
        return self._deliver(self.world.add_user_message(user, chat, "document", fields, reply_to))

    def send_location(self, user: FakeUser, latitude: float, longitude: float, chat_id: int | None = None) -> int:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError("latitude must be within ±90 and longitude within ±180")
        fields: JsonDict = {"location": {"latitude": latitude, "longitude": longitude}}
        chat = self.world.chat_for(user, chat_id)
        return self._deliver(self.world.add_user_message(user, chat, "location", fields, None))

    def edit_text(self, user: FakeUser, message_id: int, new_text: str, chat_id: int | None = None) -> int:
        """The user edits one of their text messages: an ``edited_message`` update."""
        chat = self.world.chat_for(user, chat_id)
        stored = self.world.get(chat.id, message_id)
        if stored is None or stored.sender_id != user.id or stored.kind != "text":
            raise ValueError(f"message {message_id} in chat {chat.id} is not a text message by user {user.id}")
        message = {k: v for k, v in stored.message.items() if k not in ("text", "entities", "edit_date")}
        message["edit_date"] = max(self.world.unix_now(), int(message["date"]))
        message["text"] = new_text
        entity = command_entity(new_text)
        if entity:
            message["entities"] = [entity]
        stored.message = message
        if not stored.visible_to_bot:
            return 0
        return self._push({"edited_message": message})

    def tap(self, user: FakeUser, message: SentMessage, label_contains: str) -> int:
        """Press the inline button whose label contains ``label_contains`` (exactly one must match)."""
        stored = self.world.get(message.chat_id, message.message_id)
        if stored is None or stored.sent is None or stored.deleted:
            raise AssertionError(f"message {message.message_id} in chat {message.chat_id} no longer exists")
        buttons = stored.sent.buttons
        matches = [(label, data) for row in buttons for label, data in row if label_contains in label]
        if len(matches) != 1:
            raise AssertionError(f"{len(matches)} buttons contain {label_contains!r}; buttons are {buttons}")
        label, data = matches[0]
        if data is None:
            raise AssertionError(f"button {label!r} is not a callback button")
        return self._callback(user, stored.chat_id, stored.message_id, data)

    def tap_data(self, user: FakeUser, chat_id: int, message_id: int, data: str) -> int:
        """A callback query with arbitrary data - a stale, replayed or forged press."""
        return self._callback(user, chat_id, message_id, data)

    def push_update(self, update: JsonDict) -> int:
        """Queue a raw update (``update_id`` is assigned when missing)."""
        return self._push(update)

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again, unchanged (same ``update_id``), as after a crash before confirming."""
        self.updates.redeliver(update_id)

    def _caption_fields(self, caption: str | None) -> JsonDict:
        if not caption:
            return {}
        fields: JsonDict = {"caption": caption}
        entity = command_entity(caption)
        if entity:
            fields["caption_entities"] = [entity]
        return fields

    def _deliver(self, stored: StoredMessage) -> int:
        """Queue the message as an update, or return 0 when privacy mode hides it from the bot."""
        if not stored.visible_to_bot:
            return 0
        return self._push({"message": stored.message})

    def _push(self, update: JsonDict) -> int:
        return self.updates.push(update)

    def _callback(self, user: FakeUser, chat_id: int, message_id: int, data: str) -> int:
        chat = self.world.chats.get(chat_id)
        if chat is None:
            raise ValueError(f"unknown chat {chat_id}")
        self.world.users[user.id] = user
        self._next_query_id += 7919
        query_id = self._next_query_id
        self.methods.open_queries[query_id] = CallbackQuery(query_id, chat_id, message_id, data, user.id)
        stored = self.world.get(chat_id, message_id)
        if stored is not None and not stored.deleted:
            message = copy.deepcopy(stored.message)
        else:  # Telegram's InaccessibleMessage
            message = {"chat": dict(chat.data), "message_id": message_id, "date": 0}
        query = {
            "id": str(query_id),
            "from": user.to_dict(),
            "message": message,
            "chat_instance": str(abs(chat_id) * 7_368_787 % 10**19 - 5 * 10**18),
            "data": data,
        }
        return self._push({"callback_query": query})

    # -- observing the bot --------------------------------------------------------------------------

    def sent(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in that chat, in order (deleted ones included, flagged ``deleted``).

        Its length is a valid ``after`` for :meth:`wait_for` (see :meth:`mark`).
        """
        messages = list(self.world.sent_by_chat.get(chat_id, []))
        self._marks[(chat_id, len(messages))] = self.world.now_tick
        return messages

    def mark(self, chat_id: int) -> int:
        """A point to wait from: the number of bot messages in the chat, remembered with the time.

        ``wait_for(chat_id, ..., after=tg.mark(chat_id))`` then sees messages sent after that point and
        earlier messages edited after it. ``len(tg.sent(chat_id))`` works the same way.
        """
        return len(self.sent(chat_id))

    def last_sent(self, chat_id: int) -> SentMessage:
        messages = self.world.sent_by_chat.get(chat_id, [])
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    @property
    def callback_answers(self) -> list[JsonDict]:
        return self.methods.callback_answers

    @property
    def chat_actions(self) -> list[tuple[int, str]]:
        return self.methods.chat_actions

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of one method (case-insensitive name)."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    def my_commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return list(self.methods.commands.get(key, []))

    def pending_update_count(self) -> int:
        """Updates the bot has not confirmed yet (fetched or not)."""
        return self.updates.pending_count()

    def file_bytes(self, file_id: str) -> bytes:
        stored = self.files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.data

    async def wait_for(
        self,
        chat_id: int,
        predicate: str | MessagePredicate | None = None,
        timeout: float = 10.0,
        after: int | None = None,
    ) -> SentMessage:
        """Wait for a bot message in ``chat_id`` whose text contains ``predicate`` (or satisfies it).

        ``after`` is a point taken before the input, from :meth:`mark` or ``len(tg.sent(chat_id))``:
        then only messages sent after that point, or edited since it was taken, count. Without it, any
        message of the chat counts. Deleted messages never match. On timeout, raises AssertionError
        listing everything the bot did show in that chat.
        """
        first_new, edited_since = self._point(chat_id, after)
        matches = self._matcher(predicate)
        deadline = time.monotonic() + timeout
        while True:
            changed = self.world.changed
            for index, message in enumerate(self.world.sent_by_chat.get(chat_id, [])):
                is_new = index >= first_new or message.changed_at > edited_since
                if is_new and not message.deleted and matches(message):
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(self._timeout_report(chat_id, predicate, timeout, first_new, edited_since))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_idle(self, quiet: float = 0.5, timeout: float = 10.0) -> None:
        """Wait until every queued update was fetched and the bot made no call for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            last = max(self._last_activity, self.updates.last_delivery)
            if self._in_flight == 0 and self.updates.undelivered_count() == 0 and now - last >= quiet:
                return
            if now > deadline:
                raise AssertionError(
                    f"bot not idle after {timeout}s: {self._in_flight} call(s) in flight, "
                    f"{self.updates.undelivered_count()} update(s) never fetched, "
                    f"last activity {now - last:.2f}s ago"
                )
            await asyncio.sleep(0.02)

    def _point(self, chat_id: int, after: int | None) -> tuple[int, int]:
        """(index of the first new message, clock tick after which edits count) for ``after``."""
        if after is None:
            return 0, -1
        messages = self.world.sent_by_chat.get(chat_id, [])
        if not 0 <= after <= len(messages):
            raise ValueError(f"after={after}, but the bot sent {len(messages)} message(s) to chat {chat_id}")
        sent_tick = messages[after - 1].original_tick if after else -1
        return after, self._marks.get((chat_id, after), sent_tick)

    @staticmethod
    def _matcher(predicate: str | MessagePredicate | None) -> MessagePredicate:
        if predicate is None:
            return lambda message: True
        if isinstance(predicate, str):
            needle = predicate
            return lambda message: needle in message.text
        return predicate

    def _timeout_report(
        self, chat_id: int, predicate: object, timeout: float, first_new: int, edited_since: int
    ) -> str:
        wanted = "any new message" if predicate is None else f"a new message matching {predicate!r}"
        lines = [f"No {wanted} in chat {chat_id} within {timeout}s. The bot's messages there:"]
        messages = self.world.sent_by_chat.get(chat_id, [])
        lines += [
            f"  {'*' if i >= first_new or m.changed_at > edited_since else ' '} {m.describe()}"
            for i, m in enumerate(messages)
        ] or ["  (none)"]
        lines.append("  (* = sent or edited after the given point)")
        hidden = [m for m in self.world.hidden if m.chat_id == chat_id]
        if hidden:
            lines.append(f"{len(hidden)} user message(s) in this chat were hidden from the bot by privacy mode.")
        if self.errors_returned:
            lines.append(f"Errors returned to the bot: {self.errors_returned}")
        lines.append(
            f"Updates pending: {self.updates.pending_count()} "
            f"(never fetched: {self.updates.undelivered_count()}); "
            f"bot polling now: {self.updates.polling}; last calls: {[name for name, _ in self.calls[-8:]]}"
        )
        return "\n".join(lines)


def image_dimensions(data: bytes) -> tuple[int, int]:
    """(width, height) of image bytes - handy for asserting on photos the bot sent."""
    return image_size(data)


__all__ = ["BotApiStandIn", "FakeUser", "MessagePredicate", "SentMessage", "image_dimensions"]
