"""Zalo updates into engine events. The only place that reads the shape of a Zalo update.

An update is `{event_name, message}`; the message has string ids (`from.id`, `chat.id`, `message_id`)
and a `date` in milliseconds. People and chats become the bot's integer ids through `identities`, and
a reply that names a choice of the menu last shown in that chat becomes the button press it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from bot.events import Chat, ChatKind, Command, Event, Incoming, Person, PhotoIn, Text, Unsupported
from handlers.menus import Menu
from handlers.zalo.client import Json
from storage.port import Tx

NAME = "zalo"
ZALO_KEY_PREFIX = "zalo:"
EVENT_TEXT = "message.text.received"
EVENT_IMAGE = "message.image.received"
COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:\s+(.*))?$", re.DOTALL)


Download = Callable[[str], Awaitable[bytes]]


def unwrap(body: object) -> Json | None:
    """The update in a webhook body: Zalo's docs show `{ok, result: update}`, some deployments post it bare."""
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("result"), dict):
        body = body["result"]
    return body if isinstance(body, dict) and isinstance(body.get("message"), dict) else None


def _message(update: Json) -> Json:
    message = update.get("message")
    return message if isinstance(message, dict) else {}


def _string(part: object, name: str) -> str | None:
    value = part.get(name) if isinstance(part, dict) else None
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) and str(value) else None


def update_key(update: Json) -> str | None:
    """`zalo:<message_id>`, the key the inbox and the engine deduplicate on; None for an update without one."""
    message_id = _string(_message(update), "message_id")
    return f"{ZALO_KEY_PREFIX}{message_id}" if message_id else None


def sender_of(update: Json) -> str:
    """Whose updates must stay in order: the sender's, or the chat's when there is no sender."""
    message = _message(update)
    return _string(message.get("from"), "id") or _string(message.get("chat"), "id") or ""


def chat_of(update: Json) -> str | None:
    """The Zalo chat id to answer in, when the update comes from a private chat (the only kind served)."""
    chat = _message(update).get("chat")
    if not isinstance(chat, dict) or str(chat.get("chat_type", "PRIVATE")).upper() != "PRIVATE":
        return None
    return _string(chat, "id")


async def to_incoming(tx: Tx, update: Json, download: Download) -> Incoming | None:
    """None for what the engine has no use for: group chats (Zalo's are in beta), bots, malformed updates."""
    message = _message(update)
    key = update_key(update)
    sender = message.get("from")
    user_id, chat_id = _string(sender, "id"), chat_of(update)
    if key is None or user_id is None or chat_id is None:
        return None
    if isinstance(sender, dict) and sender.get("is_bot") is True:
        return None
    chat = await tx.people.identity(NAME, chat_id)
    person = Person(id=await tx.people.identity(NAME, user_id), name=_name(sender, user_id))
    return Incoming(
        key=key,
        channel=NAME,
        person=person,
        chat=Chat(id=chat, kind=ChatKind.PRIVATE),
        event=await _event(tx, update, chat, download),
    )


def _name(sender: object, user_id: str) -> str:
    name = _string(sender, "display_name")
    return " ".join(name.split()) if name and name.strip() else f"Zalo {user_id}"


async def _event(tx: Tx, update: Json, chat: int, download: Download) -> Event:
    message = _message(update)
    name = update.get("event_name")
    if name == EVENT_TEXT and isinstance(message.get("text"), str):
        return await _text(tx, message["text"], chat)
    if name == EVENT_IMAGE:
        url = _string(message, "photo_url") or _string(message, "photo")
        if url is not None:
            return PhotoIn(fetch=lambda: download(url), mime_type="image/jpeg")
    return Unsupported()


async def _text(tx: Tx, text: str, chat: int) -> Event:
    command = COMMAND.match(text.strip())
    if command:
        return Command(name=command[1].lower(), args=(command[2] or "").strip())
    stored = await tx.delivery.menu_of(chat)
    return Menu.model_validate_json(stored).read(text) if stored else Text(text=text)
