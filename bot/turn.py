"""One event being handled: its open transaction, the event itself and the replies it owes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.events import Button, ChatKind, Edit, Incoming, Reply, Say, Toast
from bot.texts import catalogue as texts
from bot.texts.catalogue import Messages
from storage.clock import utcnow
from storage.port import Tx

# How long an album may keep arriving before its single acknowledgement goes out.
BURST_QUIET = timedelta(seconds=1.5)


@dataclass
class Turn:
    """`t` is the catalogue the event is answered in: the person's language, Vietnamese in a group."""

    tx: Tx
    msg: Incoming
    t: Messages
    out: list[Reply] = field(default_factory=list)

    def say(
        self,
        html: str,
        buttons: list[list[Button]] | None = None,
        *,
        chat_id: int | None = None,
        coalesce: str | None = None,
        answer_from: int | None = None,
        free_text: bool = False,
    ) -> None:
        self.out.append(
            Say(
                chat_id=self.msg.chat.id if chat_id is None else chat_id,
                html=html,
                buttons=buttons or [],
                coalesce=coalesce,
                answer_from=answer_from,
                free_text=free_text,
            )
        )

    def toast(self, text: str, alert: bool = True) -> None:
        self.out.append(Toast(text=text, alert=alert))

    def retire_buttons(self, html: str | None = None) -> None:
        """Freezes the message whose button was pressed, optionally showing the answer it got."""
        if self.msg.tapped_message_id is not None:
            self.out.append(Edit(chat_id=self.msg.chat.id, message_id=self.msg.tapped_message_id, html=html))


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
        coalesce = reply.coalesce if isinstance(reply, Say) else None
        not_before = now + BURST_QUIET if coalesce else now
        await tx.delivery.outbox_add(reply.chat_id, reply.model_dump_json(), coalesce, not_before)
