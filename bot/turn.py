"""One event being handled: its open transaction, the event itself and the replies it owes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.events import Button, ChatKind, Edit, Incoming, Reply, Say, Toast
from bot.texts import catalogue as texts
from bot.texts.catalogue import Messages
from storage.clock import utcnow
from storage.port import Tx

# How long a burst (an album, its refusals) may keep arriving before its single answer goes out, while
# more of it may still come; `bot.photos.receiving` shortens it once a channel says none is waiting.
BURST_QUIET = timedelta(seconds=1.5)
# A message carrying what was answered in it and the next question stays well inside Telegram's 4,096
# characters; beyond this the next question goes out as a message of its own.
CARRY_LIMIT = 3500


@dataclass
class Carried:
    """The tapped message, about to show the answered questions (`log`, the newest `line`) and then the
    next question said in its chat."""

    inspection_id: int
    message_id: int
    log: str
    line: str
    # "waiting" for the next question; "edited" into the message; "overflowed": sent as a new message
    # starting with `line`, the tapped one too full to take it.
    state: Literal["waiting", "edited", "overflowed"] = "waiting"


@dataclass
class Turn:
    """`t` is the catalogue the event is answered in: the person's language, Vietnamese in a group."""

    tx: Tx
    msg: Incoming
    t: Messages
    edits: bool = False  # the channel can rewrite the message whose button was pressed
    out: list[Reply] = field(default_factory=list)
    _carried: Carried | None = None

    def say(
        self,
        html: str,
        buttons: list[list[Button]] | None = None,
        *,
        chat_id: int | None = None,
        coalesce: str | None = None,
        answer_from: int | None = None,
        free_text: bool = False,
        notice: bool = False,
        held_until: datetime | None = None,
    ) -> None:
        target = self.msg.chat.id if chat_id is None else chat_id
        carried = self._carried
        if carried is not None and target == self.msg.chat.id and carried.state == "waiting":
            shown = f"{carried.log}\n\n{html}" if carried.log else html
            if len(shown) <= CARRY_LIMIT:
                carried.state = "edited"
                self.out.append(Edit(chat_id=target, message_id=carried.message_id, html=shown, buttons=buttons or []))
                return
            # Too long for one message: the next question starts a new one, which carries the answer
            # just given; the full message keeps its (now stale) buttons rather than cost a second call.
            carried.state = "overflowed"
            html = f"{carried.line}\n\n{html}" if carried.line else html
        self.out.append(
            Say(
                chat_id=target,
                html=html,
                buttons=buttons or [],
                coalesce=coalesce,
                answer_from=answer_from,
                free_text=free_text,
                notice=notice,
                held_until=held_until,
            )
        )

    def toast(self, text: str, alert: bool = True) -> None:
        self.out.append(Toast(text=text, alert=alert))

    def retire_buttons(self, html: str | None = None) -> None:
        """Freezes the message whose button was pressed, optionally showing the answer it got."""
        if self.msg.tapped_message_id is not None:
            self.out.append(Edit(chat_id=self.msg.chat.id, message_id=self.msg.tapped_message_id, html=html))

    def rewrite(self, html: str, buttons: list[list[Button]]) -> None:
        """Shows `html` in place of the message whose button was pressed (a menu as it now stands), or
        anew where messages cannot be rewritten."""
        message_id = self.msg.tapped_message_id
        if self.edits and message_id is not None:
            self.out.append(Edit(chat_id=self.msg.chat.id, message_id=message_id, html=html, buttons=buttons))
        else:
            self.retire_buttons()
            self.say(html, buttons)

    def rewrite_later(
        self,
        chat_id: int,
        message_id: int,
        html: str,
        buttons: list[list[Button]],
        *,
        key: str,
        at: datetime | None,
    ) -> None:
        """Rewrites a message of another chat, at `at` (None: now), replacing a rewrite of `key` still
        waiting."""
        edit = Edit(chat_id=chat_id, message_id=message_id, html=html, buttons=buttons, coalesce=key, held_until=at)
        self.out.append(edit)

    async def carry(self, inspection_id: int, line: str = "") -> None:
        """The message whose button was pressed keeps the questions answered in it, adds `line` for the
        one just answered, and shows the next question said in this chat below them: one Bot API call
        per tap instead of two, and the chat still reads as a record of what was answered. A channel
        that cannot rewrite messages has the buttons dropped instead."""
        message_id = self.msg.tapped_message_id
        if message_id is None:
            return
        if not self.edits:
            self.retire_buttons()
            return
        kept = await self.tx.delivery.log_of(self.msg.chat.id, inspection_id)
        # A log belongs to the message showing it; a new message (after a typed answer) starts afresh.
        # One sent as the next question (message_id None) is the message now tapped.
        earlier = kept.log if kept is not None and kept.message_id in (message_id, None) else ""
        log = f"{earlier}\n{line}" if earlier and line else earlier or line
        self._carried = Carried(inspection_id, message_id, log, line)

    async def settled(self) -> list[Reply]:
        """The replies, once what the tapped message shows is recorded; frozen as it is when no question
        followed in its chat."""
        carried, self._carried = self._carried, None
        if carried is None:
            return self.out
        chat_id = self.msg.chat.id
        if carried.state == "overflowed":
            await self.tx.delivery.keep_log(chat_id, carried.inspection_id, None, carried.line)
            return self.out
        if carried.state == "waiting":
            self.retire_buttons(carried.log or None)
        await self.tx.delivery.keep_log(chat_id, carried.inspection_id, carried.message_id, carried.log)
        return self.out


async def catalogue_of(tx: Tx, person_id: int, language_code: str | None = None) -> Messages:
    """The catalogue for what is said to this person in private. Without a message of theirs at hand (a
    reminder, a draft closed with its round) only a choice made with /lang is known."""
    return texts.catalogue(texts.language_for(await tx.people.language_of(person_id), language_code))


async def catalogue_for(tx: Tx, msg: Incoming) -> Messages:
    """The catalogue an event is answered in. A group works in Vietnamese, the team's working language,
    whoever speaks in it."""
    if msg.chat.kind is ChatKind.GROUP:
        return texts.VI
    return await catalogue_of(tx, msg.person.id, msg.person.language_code)


async def owe(tx: Tx, replies: list[Reply]) -> None:
    """Writes the replies to the outbox inside the caller's transaction: they are as durable as the
    answer they acknowledge, and a burst's last acknowledgement replaces the earlier ones."""
    now = utcnow()
    # Freezing the answered question is cosmetic; the next question goes out first, so the person
    # waits for one Bot API call, not two, when the rate limiter is busy.
    ordered = [r for r in replies if not isinstance(r, Edit)] + [r for r in replies if isinstance(r, Edit)]
    for reply in ordered:
        if isinstance(reply, Toast):
            continue
        timed = reply if isinstance(reply, Say | Edit) else None
        coalesce = timed.coalesce if timed else None
        not_before = now + BURST_QUIET if coalesce and isinstance(reply, Say) else now
        if timed and timed.held_until:
            not_before = timed.held_until
        notice = isinstance(reply, Say) and reply.notice
        await tx.delivery.outbox_add(reply.chat_id, reply.model_dump_json(), coalesce, not_before, notice)
