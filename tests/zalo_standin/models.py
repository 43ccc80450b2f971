"""Value objects of the Zalo stand-in: simulated people, what the bot sent, API errors and faults.

Every JSON shape the Zalo Bot Platform defines (the sender, the chat, getMe's bot) is built here, in one
place, so a change in Zalo's documented shapes is a change in one file.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Literal

JsonDict = dict[str, Any]
SentKind = Literal["text", "photo", "sticker"]

#: Zalo's bot id is the numeric part of the token (``{bot_id}:{access_token}``).
BOT_ID = "7319205417300000001"
#: Shaped like the docs' example token ``12345689:abc-xyz``.
TOKEN = f"{BOT_ID}:kiemtra-zalo-standin-abc-xyz"

#: What getMe returns: exactly the four fields of the docs' sample response.
BOT_INFO: JsonDict = {
    "id": BOT_ID,
    "account_name": "bot.KiemTraTTHC",
    "account_type": "BASIC",
    "can_join_groups": False,
}

EVENT_TEXT = "message.text.received"
EVENT_IMAGE = "message.image.received"
EVENT_STICKER = "message.sticker.received"
EVENT_UNSUPPORTED = "message.unsupported.received"

#: Text and caption limit of sendMessage / sendPhoto ("từ 1 đến 2000 ký tự").
MAX_TEXT = 2000
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})

#: The docs' error table ("Bảng mã lỗi"); 403 really is documented as "Internal server error".
ERROR_MEANINGS: dict[int, str] = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Internal server error",
    404: "Not found",
    408: "Request timeout",
    429: "Quota exceeded",
    500: "Internal server error",
}


def new_message_id() -> str:
    """A message id shaped like Zalo's (20 lowercase hex digits, e.g. ``82599fa32f56d00e8941``)."""
    return secrets.token_hex(10)


def now_ms() -> int:
    """Zalo timestamps (``date``, ``updated_at``) are epoch milliseconds."""
    return int(time.time() * 1000)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units - what a JavaScript backend's ``text.length`` counts.

    Zalo does not say how it counts its 2000 "characters"; counting emoji as two is the stricter reading,
    so a bot that fits here fits there.
    """
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class ZaloUser:
    """A simulated Zalo user; their private chat with the bot has ``chat.id == user.id`` (as in the docs)."""

    id: str
    display_name: str

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise TypeError("Zalo user ids are non-empty strings")
        if not self.display_name:
            raise ValueError("a Zalo user has a display name")

    def to_dict(self) -> JsonDict:
        """``message.from``."""
        return {"id": self.id, "display_name": self.display_name, "is_bot": False}

    def private_chat(self) -> JsonDict:
        """``message.chat`` of the user's private chat with the bot."""
        return {"id": self.id, "chat_type": "PRIVATE"}


@dataclass
class SentZaloMessage:
    """A message the bot sent: ``text`` is the caption for photos (empty when none)."""

    chat_id: str
    message_id: str
    kind: SentKind
    text: str
    photo: bytes | None = None
    photo_url: str | None = None
    at: float = field(default_factory=time.time)
    sticker: str | None = None

    def describe(self) -> str:
        """One line for timeout reports."""
        if self.kind == "photo":
            size = len(self.photo or b"")
            return f"[photo {size} B from {self.photo_url}] {self.text!r}"
        if self.kind == "sticker":
            return f"[sticker {self.sticker}]"
        return repr(self.text)


class ZaloApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": N, "description": "..."}``.

    ``http_status`` is 200 unless a fault asks otherwise: Zalo's docs describe errors only in the body.
    """

    def __init__(self, error_code: int, description: str, *, http_status: int = 200) -> None:
        self.error_code = error_code
        self.description = description
        self.http_status = http_status
        super().__init__(f"{error_code}: {description}")

    def to_json(self) -> JsonDict:
        return {"ok": False, "error_code": self.error_code, "description": self.description}


@dataclass
class Fault:
    """A failure to inject into the next ``times`` calls of one method (see ``inject_fault``)."""

    error_code: int | None
    times: int
    drop: bool
    delay: float
    http_status: int
    description: str | None
