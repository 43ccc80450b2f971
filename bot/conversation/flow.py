"""Where the conversation goes next: pure functions of the checklist and the cursor.

Kept free of I/O so every path (notes after a shortcoming, evidence photos, going back) can be
tested without a database or a chat.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers import SHORTCOMINGS, Value
from bot.checklist.kinds import kind_of
from bot.checklist.model import Checklist
from storage.models import Stage

Cursor = tuple[Stage, int]


@dataclass(frozen=True)
class Walk:
    """The areas one person walks through. The owner of an inspection nobody shares walks them all, and
    after the last item come the unit's remarks; in a shared inspection the owner skips the areas others
    hold, and a participant walks only their own, from and back to their choice of areas. Everyone
    skips the items the answers so far rule out."""

    areas: frozenset[str] | None = None  # None: every area
    start: Cursor = (Stage.LOCATION, 0)
    end: Stage = Stage.RECOMMENDATIONS
    hidden: frozenset[str] = frozenset()  # items not asked by rule (`show_if`), given the answers so far

    def takes(self, checklist: Checklist, pos: int) -> bool:
        """Whether the item's area is this person's to walk."""
        return self.areas is None or checklist.at(pos)[1].id in self.areas

    def allows(self, checklist: Checklist, pos: int) -> bool:
        """Whether this person is asked the item: in their areas and not skipped by rule."""
        return self.takes(checklist, pos) and checklist.at(pos)[3].id not in self.hidden


EVERYTHING = Walk()


def entry(checklist: Checklist, pos: int, walk: Walk = EVERYTHING) -> Cursor:
    """The first stage of the first item at or after `pos` on the walk; past its last item, its end."""
    while pos < checklist.item_count and not walk.allows(checklist, pos):
        pos += 1
    if pos >= checklist.item_count:
        return walk.end, checklist.item_count
    _, _, _, item = checklist.at(pos)
    return (Stage.PHOTOS if kind_of(item).answered_by_photos else Stage.ITEM), pos


def after_value(checklist: Checklist, pos: int, value: str, walk: Walk = EVERYTHING) -> Cursor:
    rated = kind_of(checklist.at(pos)[3]).rated
    if rated and value in SHORTCOMINGS:
        return Stage.NOTE, pos
    if rated and value == Value.NA:
        # Evidence of something that does not apply makes no sense, even where photos are required.
        return entry(checklist, pos + 1, walk)
    return after_note(checklist, pos, walk)


def after_note(checklist: Checklist, pos: int, walk: Walk = EVERYTHING) -> Cursor:
    _, _, _, item = checklist.at(pos)
    if item.takes_photos:
        return Stage.PHOTOS, pos
    return entry(checklist, pos + 1, walk)


def _last_before(checklist: Checklist, pos: int, walk: Walk) -> Cursor:
    """The last item on the walk before `pos`, or where the walk starts."""
    for earlier in range(pos - 1, -1, -1):
        if walk.allows(checklist, earlier):
            return entry(checklist, earlier, walk)
    return walk.start


def back(checklist: Checklist, stage: Stage, pos: int, walk: Walk = EVERYTHING) -> Cursor | None:
    """One step back along the path the inspector came; None at the very first step."""
    if stage in (Stage.UNIT, Stage.AREAS):
        return None
    if stage is Stage.LOCATION:
        return Stage.UNIT, 0
    if stage in (Stage.NOTE, Stage.PHOTOS) and not kind_of(checklist.at(pos)[3]).answered_by_photos:
        return Stage.ITEM, pos
    if stage in (Stage.ITEM, Stage.PHOTOS):
        return _last_before(checklist, pos, walk)
    if stage is Stage.RECOMMENDATIONS:
        return _last_before(checklist, checklist.item_count, walk)
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
