"""Where the conversation goes next: pure functions of the checklist and the cursor.

Kept free of I/O so every path (notes after a shortcoming, evidence photos, going back) can be
tested without a database or a chat.
"""

from __future__ import annotations

from bot.answers import SHORTCOMINGS, Value
from bot.checklist.kinds import kind_of
from bot.checklist.model import Checklist
from storage.models import Stage

Cursor = tuple[Stage, int]


def entry(checklist: Checklist, pos: int) -> Cursor:
    """The first stage of the item at `pos`; past the last item come the unit's recommendations."""
    if pos >= checklist.item_count:
        return Stage.RECOMMENDATIONS, checklist.item_count
    _, _, _, item = checklist.at(pos)
    return (Stage.PHOTOS if kind_of(item).answered_by_photos else Stage.ITEM), pos


def after_value(checklist: Checklist, pos: int, value: str) -> Cursor:
    rated = kind_of(checklist.at(pos)[3]).rated
    if rated and value in SHORTCOMINGS:
        return Stage.NOTE, pos
    if rated and value == Value.NA:
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
    if stage in (Stage.NOTE, Stage.PHOTOS) and not kind_of(checklist.at(pos)[3]).answered_by_photos:
        return Stage.ITEM, pos
    if stage in (Stage.ITEM, Stage.PHOTOS):
        return (Stage.LOCATION, 0) if pos == 0 else entry(checklist, pos - 1)
    if stage is Stage.RECOMMENDATIONS:
        return entry(checklist, checklist.item_count - 1)
    if stage is Stage.STRENGTHS:
        return Stage.RECOMMENDATIONS, checklist.item_count
    if stage is Stage.REPRESENTATIVES:
        return Stage.STRENGTHS, checklist.item_count
    if stage is Stage.OPINION:
        return Stage.REPRESENTATIVES, checklist.item_count
    return Stage.OPINION, checklist.item_count


# After the checklist, what is typed item by item comes in this order, then the review.
AFTER_REMARKS = {
    Stage.RECOMMENDATIONS: Stage.STRENGTHS,
    Stage.STRENGTHS: Stage.REPRESENTATIVES,
    Stage.REPRESENTATIVES: Stage.OPINION,
    Stage.OPINION: Stage.REVIEW,
}


def accepts_photos(checklist: Checklist, stage: Stage, pos: int) -> bool:
    """Photos are taken while the inspector is anywhere on an item that collects evidence."""
    if stage not in (Stage.ITEM, Stage.NOTE, Stage.PHOTOS) or pos >= checklist.item_count:
        return False
    return checklist.at(pos)[3].takes_photos
