"""Which items a unit is asked, from its answers so far: the `show_if` of each area and item.

A pure function of the checklist and the stored answers, so the conversation, the review and every
document agree on it, and an answer changed later (going back, or a correction after submit) moves the
items it governs in or out everywhere at once. An item out by rule keeps any answer it had, stored but
out of the result: changing the answer back brings it back as it was.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.checklist.model import AllOf, AnyOf, Checklist, Condition, ItemType, Rule
from storage.models import Answer


def chosen(item_type: ItemType, value: str) -> frozenset[str]:
    """The values an answer stands for: several choices are stored space-separated."""
    return frozenset(value.split()) if item_type is ItemType.CHOICES else frozenset({value})


def holds(condition: Condition | None, values: Mapping[str, frozenset[str]]) -> bool:
    """Whether a condition holds over the answers in force (item id -> the values answered)."""
    if condition is None:
        return True
    if isinstance(condition, Rule):
        answered = values.get(condition.item, frozenset())
        hit = bool(answered & set(condition.values))
        return hit if condition.in_ is not None else not hit
    if isinstance(condition, AllOf):
        return all(holds(part, values) for part in condition.all)
    assert isinstance(condition, AnyOf)
    return any(holds(part, values) for part in condition.any)


def hidden(checklist: Checklist, answers: Mapping[str, str]) -> frozenset[str]:
    """The ids of the items not asked, given `answers` (item id -> stored value). Conditions only test
    items asked before them, so one pass in checklist order decides each item on the answers in force
    (an answer to a hidden item counts for nothing)."""
    if not checklist.conditional:
        return frozenset()
    out: set[str] = set()
    in_force: dict[str, frozenset[str]] = {}
    for area in checklist.areas:
        area_shown = holds(area.show_if, in_force)
        for item in area.items:
            if not area_shown or not holds(item.show_if, in_force):
                out.add(item.id)
            elif item.id in answers:
                in_force[item.id] = chosen(item.type, answers[item.id])
    return frozenset(out)


def ruled_out(checklist: Checklist, answers: Mapping[str, Answer]) -> frozenset[str]:
    """`hidden` over stored answers."""
    return hidden(checklist, {item: answer.value for item, answer in answers.items()})


def in_force(checklist: Checklist, answers: Mapping[str, Answer]) -> tuple[dict[str, Answer], frozenset[str]]:
    """The stored answers that count (those of items the answers ask), and the items ruled out."""
    out = ruled_out(checklist, answers)
    return {item: answer for item, answer in answers.items() if item not in out}, out


def progress_by_area(checklist: Checklist, answers: Mapping[str, Answer]) -> list[tuple[int, int]]:
    """(answered, asked) in each area: an item ruled out is neither done nor to do."""
    out = ruled_out(checklist, answers)
    asked = [[item.id for item in area.items if item.id not in out] for area in checklist.areas]
    return [(sum(1 for item in items if item in answers), len(items)) for items in asked]


def progress(checklist: Checklist, answers: Mapping[str, Answer]) -> tuple[int, int]:
    """(answered, asked) over the whole checklist."""
    by_area = progress_by_area(checklist, answers)
    return sum(done for done, _ in by_area), sum(total for _, total in by_area)
