"""Value objects shared by the stand-in: simulated people, what the bot sent, and API errors.

Everything that becomes JSON is built here in Telegram's exact shape, so python-telegram-bot's
``de_json`` sees the same fields it sees in production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

JsonDict = dict[str, Any]
Button = tuple[str, str | None]
MessageKind = Literal["text", "photo", "document"]

BOT_ID = 7000001
BOT_USERNAME = "kiemtra_test_bot"
BOT_FIRST_NAME = "Kiểm tra TTHC"

#: What getMe returns.
BOT_USER: JsonDict = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": BOT_FIRST_NAME,
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}

#: The bot as it appears in ``from`` of the messages it sends.
BOT_SENDER: JsonDict = {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


@dataclass(frozen=True)
class FakeUser:
    """A simulated Telegram user; its private chat with the bot has ``chat.id == user.id``."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str = "vi"

    def to_dict(self) -> JsonDict:
        """The ``User`` object Telegram puts in ``message.from`` and ``callback_query.from``."""
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        user["language_code"] = self.language_code
        return user

    def private_chat(self) -> JsonDict:
        """The ``Chat`` object of this user's private chat with the bot."""
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(frozen=True)
class Revision:
    """One state of a bot message: as first sent, or after one edit."""

    text: str
    html: str | None
    entities: list[JsonDict]
    reply_markup: JsonDict | None
    edit_date: int | None = None


@dataclass
class SentMessage:
    """A message the bot sent, kept up to date with its edits so tests can read its current state.

    ``text`` is the plain text after HTML parsing (the caption for photos and documents), ``html`` the
    raw string the bot passed, ``message`` the exact Message dict last returned to the bot.
    """

    chat_id: int
    message_id: int
    kind: MessageKind
    message: JsonDict
    original: Revision
    photo: bytes | None = None
    document: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    media_group_id: str | None = None
    reply_to_message_id: int | None = None
    edits: list[Revision] = field(default_factory=list)
    deleted: bool = False
    original_tick: int = 0  # stand-in clock tick of the send
    changed_at: int = 0  # stand-in clock tick of the send or of the latest edit

    @property
    def current(self) -> Revision:
        return self.edits[-1] if self.edits else self.original

    @property
    def text(self) -> str:
        return self.current.text

    @property
    def html(self) -> str | None:
        return self.current.html

    @property
    def entities(self) -> list[JsonDict]:
        return self.current.entities

    @property
    def reply_markup(self) -> JsonDict | None:
        return self.current.reply_markup

    @property
    def buttons(self) -> list[list[Button]]:
        """Inline keyboard rows as ``(label, callback_data)``; URL and other buttons carry None."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(button["text"], button.get("callback_data")) for button in row] for row in rows]

    @property
    def button_labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]

    @property
    def keyboard(self) -> list[list[str]]:
        """Reply keyboard (the one under the input field) rows, if this message set one."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else b["text"] for b in row] for row in rows]

    def describe(self) -> str:
        """One line per message for assertion messages: id, kind, text, buttons, edit count."""
        parts = [f"#{self.message_id} [{self.kind}]"]
        if self.deleted:
            parts.append("(deleted)")
        parts.append(repr(self.text))
        if self.buttons:
            parts.append(f"buttons={self.buttons}")
        if self.keyboard:
            parts.append(f"keyboard={self.keyboard}")
        if self.edits:
            parts.append(f"({len(self.edits)} edit(s))")
        return " ".join(parts)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"<UploadedFile {self.field}={self.filename!r} {len(self.data)} bytes>"


@dataclass
class Fault:
    """A failure to inject into the next ``times`` calls of one method (see ``inject_fault``)."""

    status: int | None = None
    retry_after: int = 2
    delay: float = 0.0
    drop: bool = False
    times: int = 1
    description: str | None = None


_PREFIXES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def describe_error(code: int, message: str) -> str:
    """Format an error description the way the Bot API server does.

    It prefixes the status phrase and lower-cases the first letter of the detail unless the detail is
    an upper-case error code (``BUTTON_DATA_INVALID``), hence ``Bad Request: can't parse entities: ...``.
    """
    prefix = _PREFIXES.get(code, "Error")
    if not message or message.startswith(prefix):
        return message or prefix
    if len(message) >= 2 and (message[1] == "_" or message[1].isupper()):
        return f"{prefix}: {message}"
    return f"{prefix}: {message[0].lower()}{message[1:]}"


class ApiError(Exception):
    """An error answer: becomes ``{"ok": false, "error_code", "description"[, "parameters"]}``."""

    def __init__(self, code: int, message: str, parameters: JsonDict | None = None) -> None:
        self.code = code
        self.description = describe_error(code, message)
        self.parameters = parameters
        super().__init__(self.description)

    @classmethod
    def bad_request(cls, message: str) -> ApiError:
        return cls(400, message)

    def to_json(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body
