"""Which chat channel a person or chat id belongs to, without importing any channel.

Telegram's ids are integers below 2^53 and are used as they are. Channels with string ids (Zalo) get an
integer of the bot's own, IDENTITY_BASE plus a row id in `identities`, so the engine, the store and the
outbox keep one kind of id and a team can have members on several channels.
"""

from __future__ import annotations

from enum import StrEnum

IDENTITY_BASE = 1 << 60


class Channel(StrEnum):
    TELEGRAM = "telegram"
    ZALO = "zalo"
    TERMINAL = "terminal"


def is_mapped(chat_or_person_id: int) -> bool:
    """True for an id standing for a person or chat of a channel with string ids."""
    return chat_or_person_id >= IDENTITY_BASE


def mapped_id(identity_row: int) -> int:
    return IDENTITY_BASE + identity_row


def identity_row(mapped: int) -> int:
    return mapped - IDENTITY_BASE
