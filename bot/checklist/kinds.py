"""What each question type does, in one place: how it is asked (a hint, buttons), how a typed answer is
read and checked, how an answer is worded, and what it counts for (a criterion met or not, a figure).

Adding a type is a subclass here, its `ItemType` in the model, and its wording in the two locale files;
the conversation, the review, the summary and the documents ask the kind of an item, never its type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from bot.answers import Value
from bot.checklist.model import Item, ItemType
from bot.texts.catalogue import Messages
from bot.texts.html import esc

_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
# The unit a number is counted in, in brackets at the end of its question: "Tỷ lệ … đúng hạn (%)?".
_UNIT = re.compile(r"\(([^()]{1,20})\)\s*\??\s*$")
# How each language writes 1234567.5: the thousands separator, then the decimal one.
_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}


@dataclass(frozen=True)
class Reading:
    """A typed answer as read: the value to store (None: refused), and what to tell the inspector."""

    value: str | None
    reply: str | None = None


class Kind:
    """The behaviour every type shares; each type overrides what it does differently."""

    choices: ClassVar[tuple[Value, ...]] = ()
    """Answered with these buttons, in this order."""
    typed: ClassVar[bool] = False
    """Answered by typing, so a channel with numbered menus reads a number as the answer."""
    rated: ClassVar[bool] = False
    """A criterion the unit meets or not: counted in results, pass rates and follow-ups."""
    figure: ClassVar[bool] = False
    """A fact recorded beside the criteria, listed among the figures of the summary."""
    answered_by_photos: ClassVar[bool] = False
    """The photos are the answer: the item opens at the photo step and its answer is their count."""

    def hint(self, t: Messages) -> str | None:
        """A line under the question saying how to answer it."""
        return None

    def label(self, t: Messages, value: str) -> str:
        return value

    def worded(self, t: Messages, item: Item, value: str) -> str:
        """The answer as a document or a summary states it; a number adds the unit its question names."""
        return self.label(t, value)

    def read(self, t: Messages, text: str) -> Reading:
        return Reading(None, t.NEEDS_BUTTON)


class Rating(Kind):
    choices = (Value.PASS, Value.FAIL, Value.PARTIAL, Value.NA)
    rated = True

    def label(self, t: Messages, value: str) -> str:
        return t.RATING_LABELS.get(value, value)


class YesNo(Kind):
    choices = (Value.YES, Value.NO)
    figure = True

    def label(self, t: Messages, value: str) -> str:
        return t.YESNO_LABELS.get(value, value)


class Number(Kind):
    typed = True
    figure = True

    def hint(self, t: Messages) -> str | None:
        return t.QUESTION_NUMBER

    def label(self, t: Messages, value: str) -> str:
        """Stored as `97.5`, read as the inspector writes it: `97,5` in Vietnamese, `97.5` in English."""
        return number_text(value, t.lang)

    def worded(self, t: Messages, item: Item, value: str) -> str:
        unit = unit_of(item.prompt_in(t.lang))
        return f"{self.label(t, value)} {unit}" if unit else self.label(t, value)

    def read(self, t: Messages, text: str) -> Reading:
        value = parse_number(text)
        if value is None:
            return Reading(None, t.NEEDS_NUMBER.format(text=esc(text[:50])))
        return Reading(value, t.NOTED_NUMBER.format(value=esc(self.label(t, value))))


class Text(Kind):
    typed = True
    figure = True

    def hint(self, t: Messages) -> str | None:
        return t.QUESTION_TEXT

    def read(self, t: Messages, text: str) -> Reading:
        return Reading(text)


class Photo(Kind):
    answered_by_photos = True

    def label(self, t: Messages, value: str) -> str:
        return t.PHOTO_COUNT.format(count=value)


KINDS: dict[ItemType, Kind] = {
    ItemType.RATING: Rating(),
    ItemType.YESNO: YesNo(),
    ItemType.NUMBER: Number(),
    ItemType.TEXT: Text(),
    ItemType.PHOTO: Photo(),
}


def kind_of(item: Item) -> Kind:
    return KINDS[item.type]


def value_label(t: Messages, item: Item, value: str) -> str:
    """An answer as people read it: "Đạt", "Có", "97,5 %", "3 ảnh"."""
    return kind_of(item).worded(t, item, value)


def unit_of(prompt: str) -> str | None:
    """'%' for "Tỷ lệ hồ sơ giải quyết đúng hạn (%)?", 'hồ sơ' for "Số hồ sơ quá hạn (hồ sơ)?"."""
    found = _UNIT.search(prompt)
    unit = found[1].strip() if found else None
    return None if unit is None or unit.lower() in ("nếu có", "if any") else unit


def number_text(value: str, lang: str) -> str:
    """A stored number (`1234567.5`) grouped and pointed the way `lang` writes it (`1.234.567,5`); a value
    that is not a stored number is shown as it is."""
    if not _PLAIN.match(value):
        return value
    thousands, point = _SEPARATORS.get(lang, _SEPARATORS["vi"])
    sign, digits = ("-", value[1:]) if value.startswith("-") else ("", value)
    whole, _, fraction = digits.partition(".")
    grouped = f"{int(whole):,}".replace(",", thousands)
    return sign + grouped + (point + fraction if fraction else "")


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
