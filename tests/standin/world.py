"""The simulated Telegram world: users, chats, every message in them, and a logical clock.

Both halves of the stand-in work on this state - the Bot API methods (what the bot does) and the
test-side simulation (what people do) - so message ids, ``reply_to_message`` and callback queries refer
to the same objects whichever side created them.
"""

from __future__ import annotations

import asyncio
import copy
import re
import time
from dataclasses import dataclass, field
from typing import Literal

from .models import BOT_ID, BOT_SENDER, BOT_USERNAME, FakeUser, JsonDict, MessageKind, Revision, SentMessage

StoredKind = Literal["text", "photo", "document", "location", "other"]

_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,64}(?:@([A-Za-z0-9_]{3,32}))?(?![A-Za-z0-9_/<>])")


@dataclass
class Chat:
    """A chat the bot is in. Groups run in privacy mode unless the bot is an administrator."""

    data: JsonDict
    bot_is_admin: bool = False
    owner: FakeUser | None = None  # for private chats

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def is_private(self) -> bool:
        return bool(self.data["type"] == "private")


@dataclass
class StoredMessage:
    """Any message in any chat; ``sent`` is set for the bot's own messages."""

    chat_id: int
    message_id: int
    sender_id: int
    kind: StoredKind
    message: JsonDict
    sent: SentMessage | None = None
    visible_to_bot: bool = True
    deleted: bool = False


@dataclass(frozen=True)
class MediaDetails:
    """The file behind a bot's photo or document message, kept for test assertions."""

    kind: MessageKind = "photo"
    photo: bytes | None = None
    document: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    media_group_id: str | None = None


@dataclass
class CallbackQuery:
    """A callback query the stand-in issued; answerable once, optionally only for ``ttl`` seconds."""

    query_id: int
    chat_id: int
    message_id: int
    data: str
    user_id: int
    issued_at: float = field(default_factory=time.monotonic)
    answered: bool = False


def command_entity(text: str) -> JsonDict | None:
    """The ``bot_command`` entity Telegram adds when a text starts with ``/command[@bot]``."""
    match = _COMMAND_RE.match(text)
    if match is None:
        return None
    return {"type": "bot_command", "offset": 0, "length": len(match.group(0))}


def is_command_for_bot(text: str) -> bool:
    """Privacy mode still delivers ``/cmd`` and ``/cmd@this_bot`` - but not ``/cmd@other_bot``."""
    match = _COMMAND_RE.match(text)
    return match is not None and (match.group(1) is None or match.group(1).lower() == BOT_USERNAME)


def strip_nested_reply(message: JsonDict) -> JsonDict:
    """Telegram nests ``reply_to_message`` one level deep only."""
    return {key: value for key, value in copy.deepcopy(message).items() if key != "reply_to_message"}


class World:
    """Chats, users and messages, plus the clock tests use to ask "what happened after X"."""

    def __init__(self) -> None:
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.sent_by_chat: dict[int, list[SentMessage]] = {}
        self.blocked_by: set[int] = set()
        self.hidden: list[StoredMessage] = []
        self._next_message_id: dict[int, int] = {}
        self._clock = 0
        self._changed = asyncio.Event()

    # -- time ---------------------------------------------------------------------------------------

    def tick(self) -> int:
        """Advance the logical clock; every update pushed and every bot send or edit gets a tick."""
        self._clock += 1
        return self._clock

    @property
    def now_tick(self) -> int:
        return self._clock

    @staticmethod
    def unix_now() -> int:
        return int(time.time())

    @property
    def changed(self) -> asyncio.Event:
        """Set (and replaced) whenever the bot's output changes; capture it before checking state."""
        return self._changed

    def notify_changed(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # -- chats --------------------------------------------------------------------------------------

    def private_chat(self, user: FakeUser) -> Chat:
        """The user's private chat with the bot, created when first needed."""
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(user.private_chat(), owner=user)
            self.chats[user.id] = chat
        return chat

    def add_group(self, chat_id: int, title: str, kind: str, *, bot_is_admin: bool, username: str | None) -> Chat:
        data: JsonDict = {"id": chat_id, "type": kind, "title": title}
        if username:
            data["username"] = username
        chat = Chat(data, bot_is_admin=bot_is_admin)
        self.chats[chat_id] = chat
        return chat

    def chat_for(self, user: FakeUser, chat_id: int | None) -> Chat:
        """The chat a simulated user writes in: their private chat, or a registered group."""
        if chat_id is None or chat_id == user.id:
            return self.private_chat(user)
        self.users[user.id] = user
        chat = self.chats.get(chat_id)
        if chat is None or chat.is_private:
            raise ValueError(f"chat {chat_id} is not a registered group; call add_group() first")
        return chat

    # -- messages -----------------------------------------------------------------------------------

    def allocate_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def get(self, chat_id: int, message_id: int) -> StoredMessage | None:
        return self.messages.get((chat_id, message_id))

    def add_user_message(
        self, user: FakeUser, chat: Chat, kind: StoredKind, fields: JsonDict, reply_to: int | None
    ) -> StoredMessage:
        message_id = self.allocate_message_id(chat.id)
        message: JsonDict = {
            "message_id": message_id,
            "from": user.to_dict(),
            "chat": copy.deepcopy(chat.data),
            "date": self.unix_now(),
        }
        if reply_to is not None:
            target = self.get(chat.id, reply_to)
            if target is None:
                raise ValueError(f"message {reply_to} does not exist in chat {chat.id}")
            message["reply_to_message"] = strip_nested_reply(target.message)
        message.update(fields)
        stored = StoredMessage(chat.id, message_id, user.id, kind, message)
        stored.visible_to_bot = self.bot_sees(chat, message)
        self.messages[(chat.id, message_id)] = stored
        if not stored.visible_to_bot:
            self.hidden.append(stored)
        return stored

    def bot_sees(self, chat: Chat, message: JsonDict) -> bool:
        """Privacy mode: in groups a non-admin bot only gets commands for it and replies to it."""
        if chat.is_private or chat.bot_is_admin:
            return True
        replied = message.get("reply_to_message") or {}
        if (replied.get("from") or {}).get("id") == BOT_ID:
            return True
        text: str = message.get("text") or message.get("caption") or ""
        return is_command_for_bot(text)

    def add_bot_message(
        self,
        chat: Chat,
        kind: StoredKind,
        fields: JsonDict,
        revision: Revision,
        reply_to: StoredMessage | None,
        media: MediaDetails | None = None,
    ) -> SentMessage:
        """Record a message the bot sent and build the Message object returned to it."""
        message_id = self.allocate_message_id(chat.id)
        message: JsonDict = {
            "message_id": message_id,
            "from": dict(BOT_SENDER),
            "chat": copy.deepcopy(chat.data),
            "date": self.unix_now(),
        }
        if reply_to is not None:
            message["reply_to_message"] = strip_nested_reply(reply_to.message)
        message.update(fields)
        media = media or MediaDetails()
        sent = SentMessage(
            chat_id=chat.id,
            message_id=message_id,
            kind="text" if kind == "text" else media.kind,
            message=message,
            original=revision,
            photo=media.photo,
            document=media.document,
            file_name=media.file_name,
            mime_type=media.mime_type,
            media_group_id=media.media_group_id,
            reply_to_message_id=reply_to.message_id if reply_to else None,
        )
        sent.original_tick = sent.changed_at = self.tick()
        self.messages[(chat.id, message_id)] = StoredMessage(chat.id, message_id, BOT_ID, kind, message, sent)
        self.sent_by_chat.setdefault(chat.id, []).append(sent)
        self.notify_changed()
        return sent

    def bot_message_edited(self, sent: SentMessage) -> None:
        """The bot rewrote `sent` (its newest revision is already recorded); one hook for every edit."""
        sent.changed_at = self.tick()
        self.notify_changed()

    def fill_mentions(self, entities: list[JsonDict]) -> list[JsonDict]:
        """Complete ``text_mention`` users; mentions of people the bot cannot know are dropped."""
        result: list[JsonDict] = []
        for entity in entities:
            if entity["type"] == "text_mention":
                user = self.users.get(int(entity["user"]["id"]))
                if user is None:
                    continue
                entity = {**entity, "user": user.to_dict()}
            result.append(entity)
        return result
