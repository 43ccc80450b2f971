"""What a chat channel hands the engine and what the engine asks the channel to do.

These models are the whole contract between the engine and a channel adapter (Telegram, Zalo, the
terminal), so they carry no channel types: ids are integers, text is Telegram-flavoured HTML that
other channels can flatten, and a photo is fetched lazily so the engine can refuse it before any
bytes move. A channel is named by a string and described by its `Abilities`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the two characters XML
# cannot hold at all; and surrogates, which only ever come alone (a pair is one character in Python).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """What a person typed, without the characters nobody means to type.

    One of them in a note is enough to make every later record or workbook of that inspection fail
    (Word and Excel files are XML, which cannot hold them), and a lone surrogate, which Zalo's JSON can
    carry, cannot even be stored as UTF-8. The events below apply this to everything a person can
    type, so the engine never sees such characters; the document builders apply it again to what an
    older database may already hold.
    """
    return _UNPRINTABLE.sub("", text)


Typed = Annotated[str, AfterValidator(clean_text)]
"""Text a person typed (or a channel took from them), cleaned as it enters an event."""


class Abilities(BaseModel):
    """What a channel can do, so the engine decides who gets what; the channel adapts the rest (a menu
    of numbers for buttons, links for files)."""

    model_config = ConfigDict(frozen=True)

    groups: bool  # the team's group chat lives here; without it results also go to the lead privately
    buttons: bool  # inline buttons under a message
    albums: bool  # several photos in one message
    files: bool  # documents uploaded into the chat
    edits: bool  # a message sent can be rewritten, its buttons too
    own_ids: bool  # a person's id here is the bot's id for them: what /myid tells, what ADMIN_IDS names


class Person(BaseModel):
    """`language_code` is the channel's word for the person's interface language (Telegram's IETF tag),
    the bot's guess at their language until they choose one with /lang."""

    id: int
    name: Typed
    username: Typed | None = None
    language_code: Typed | None = None


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


class Chat(BaseModel):
    id: int
    kind: ChatKind


class Command(BaseModel):
    kind: Literal["command"] = "command"
    name: Typed
    args: Typed = ""


class Text(BaseModel):
    kind: Literal["text"] = "text"
    text: Typed


class Tap(BaseModel):
    """A button press; `data` is untrusted until the engine has checked it against the cursor."""

    kind: Literal["tap"] = "tap"
    data: Typed


class PhotoIn(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind: Literal["photo"] = "photo"
    fetch: Callable[[], Awaitable[bytes]]
    declared_size: int | None = None
    media_group_id: Typed | None = None
    as_document: bool = False
    mime_type: Typed | None = None
    # Whether more photos of the same album already wait behind this one on the channel (asked once the
    # photo is kept): only then is the album's single acknowledgement worth holding back for them. None:
    # the channel cannot tell, and the acknowledgement waits as for any burst.
    more_in_album: Callable[[], bool] | None = None


class Location(BaseModel):
    kind: Literal["location"] = "location"
    latitude: float
    longitude: float


class Edited(BaseModel):
    kind: Literal["edited"] = "edited"


class GroupMoved(BaseModel):
    """Telegram turned the group into a supergroup, which has a new chat id."""

    kind: Literal["group_moved"] = "group_moved"
    new_chat_id: int


class Unsupported(BaseModel):
    """Stickers, voice notes, contacts…: nothing the checklist can take."""

    kind: Literal["unsupported"] = "unsupported"


Event = Annotated[
    Command | Text | Tap | PhotoIn | Location | Edited | GroupMoved | Unsupported, Field(discriminator="kind")
]


class Incoming(BaseModel):
    """`key` identifies the delivery (e.g. `tg:<update_id>`) so a redelivered update is a no-op.

    `channel` names the channel it came through; `tapped_message_id` is the message whose button was
    pressed, so the engine can retire it.
    """

    key: str
    channel: str
    person: Person
    chat: Chat
    event: Event
    tapped_message_id: int | None = None


class Button(BaseModel):
    label: str
    data: str


class Say(BaseModel):
    """A message. `coalesce` names a burst (an album): only the last one of the burst is sent.

    `answer_from` asks the channel to open a reply to this message for that person (Telegram's
    selective force-reply), so in a group the answer reaches a bot that only sees replies to itself.
    `free_text` says a typed answer is expected beside the buttons (a unit, a number, a note): a channel
    that shows buttons as a numbered menu must then not read "1" as the first choice.
    `notice` (someone joined) waits for every other reply due in its chat; `held_until` keeps a reply
    back until then (the end of the minute whose notices it gathers).
    """

    kind: Literal["say"] = "say"
    chat_id: int
    html: str
    buttons: list[list[Button]] = Field(default_factory=list)
    coalesce: str | None = None
    answer_from: int | None = None
    free_text: bool = False
    notice: bool = False
    held_until: datetime | None = None


class Edit(BaseModel):
    """Rewrite an earlier message: with `html` and `buttons` when it now shows the next step (the next
    question below what was answered in it), with `html` alone to freeze it; `html=None` only drops the
    buttons."""

    kind: Literal["edit"] = "edit"
    chat_id: int
    message_id: int
    html: str | None = None
    buttons: list[list[Button]] = Field(default_factory=list)
    # As a Say's: a later rewrite with the same key replaces one still waiting, sent at `held_until`.
    coalesce: str | None = None
    held_until: datetime | None = None


class Toast(BaseModel):
    """The short notice shown on a button press."""

    kind: Literal["toast"] = "toast"
    text: str
    alert: bool = False


class OutPhoto(BaseModel):
    path: Path
    caption: str
    mime: str
    size: int
    width: int
    height: int


class Photos(BaseModel):
    kind: Literal["photos"] = "photos"
    chat_id: int
    photos: list[OutPhoto]


class ReportKind(StrEnum):
    RECORD = "record"  # biên bản of one inspection (DOCX)
    ROUND = "round"  # the round's report (DOCX)
    CHART = "chart"  # the round's per-area chart (PNG, shown as a photo)
    WORKBOOK = "workbook"  # XLSX of a round
    ARCHIVE = "archive"  # ZIP of a round's original photos, possibly one part of several
    STATS = "stats"  # the team's pass-rate chart (PNG)


class ReportRequest(BaseModel):
    """Which document to build. It is built when it is delivered, from what is stored by then; for an
    archive in parts the photos of each part are fixed when it is asked for, so parts never overlap."""

    kind: ReportKind
    inspection_id: int | None = None
    round_id: int | None = None
    team_id: int | None = None
    checklist_id: str | None = None  # the team's statistics chart: of this checklist (None: the default)
    photo_ids: list[int] | None = None
    part: tuple[int, int] | None = None
    pdf: bool = False  # a record or round report rendered to PDF for printing, beside its Word file


class ReportFile(BaseModel):
    """A document (or chart) for a chat; the channel builds it with `bot.reports` and uploads it."""

    kind: Literal["report"] = "report"
    chat_id: int
    request: ReportRequest


Reply = Annotated[Say | Edit | Toast | Photos | ReportFile, Field(discriminator="kind")]
Owed = Annotated[Say | Edit | Photos | ReportFile, Field(discriminator="kind")]
"""What is written to the outbox: everything but the toast, which only makes sense right away."""
