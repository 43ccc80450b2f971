"""Where the conversation goes next: pure functions of the checklist and the cursor.

Kept free of I/O so every path (notes after a shortcoming, evidence photos, going back) can be
tested without a database or a chat.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot.checklist.model import Checklist, ItemType
from storage.models import Stage

Cursor = tuple[Stage, int]

_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
NEEDS_NOTE = frozenset({"fail", "partial"})
VALUES = {
    ItemType.RATING: ("pass", "fail", "partial", "na"),
    ItemType.YESNO: ("yes", "no"),
}


def entry(checklist: Checklist, pos: int) -> Cursor:
    """The first stage of the item at `pos`; past the last item come the unit's recommendations."""
    if pos >= checklist.item_count:
        return Stage.RECOMMENDATIONS, checklist.item_count
    _, _, _, item = checklist.at(pos)
    return (Stage.PHOTOS if item.type is ItemType.PHOTO else Stage.ITEM), pos


def after_value(checklist: Checklist, pos: int, value: str) -> Cursor:
    if value in NEEDS_NOTE:
        return Stage.NOTE, pos
    if value == "na":
        # Evidence of something that does not apply makes no sense, even where photos are required.
        return entry(checklist, pos + 1)
    return after_note(checklist, pos)


def after_note(checklist: Checklist, pos: int) -> Cursor:
    _, _, _, item = checklist.at(pos)
    if item.takes_photos:
        return Stage.PHOTOS, pos
    return entry(checklist, pos + 1)


def back(checklist: Checklist, stage: Stage, pos: int) -> Cursor | None:
    """One step back along the path the inspector came; None at the very first step."""
    if stage is Stage.UNIT:
        return None
    if stage is Stage.LOCATION:
        return Stage.UNIT, 0
    if stage in (Stage.NOTE, Stage.PHOTOS) and checklist.at(pos)[3].type is not ItemType.PHOTO:
        return Stage.ITEM, pos
    if stage in (Stage.ITEM, Stage.PHOTOS):
        return (Stage.LOCATION, 0) if pos == 0 else entry(checklist, pos - 1)
    if stage is Stage.RECOMMENDATIONS:
        return entry(checklist, checklist.item_count - 1)
    if stage is Stage.STRENGTHS:
        return Stage.RECOMMENDATIONS, checklist.item_count
    return Stage.STRENGTHS, checklist.item_count


def accepts_photos(checklist: Checklist, stage: Stage, pos: int) -> bool:
    """Photos are taken while the inspector is anywhere on an item that collects evidence."""
    if stage not in (Stage.ITEM, Stage.NOTE, Stage.PHOTOS) or pos >= checklist.item_count:
        return False
    return checklist.at(pos)[3].takes_photos


def parse_number(text: str) -> str | None:
    """Accepts how Vietnamese people write numbers: `95`, `95%`, `12,5`, `1.234`, `1.234,5`."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if not cleaned or len(cleaned) > 30:
        return None
    if "," in cleaned and "." in cleaned:
        thousands, decimal = (".", ",") if cleaned.rfind(",") > cleaned.rfind(".") else (",", ".")
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".") if cleaned.count(",") == 1 else ""
    elif cleaned.count(".") > 1 or _is_thousands(cleaned):
        cleaned = cleaned.replace(".", "")
    if not _PLAIN.match(cleaned):
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return format(number.normalize(), "f") if number != number.to_integral() else str(int(number))


def _is_thousands(text: str) -> bool:
    head, _, tail = text.lstrip("-").partition(".")
    return bool(tail) and len(tail) == 3 and head.isdigit() and head != "0"
