"""What each question type does, in one place: how it is asked (a hint, buttons), how a typed answer is
read and checked, how an answer is worded, and what it counts for (a criterion met or not, a figure).

Adding a type is a subclass here, its `ItemType` in the model, and its wording in the two locale files;
the conversation, the review, the summary and the documents ask the kind of an item, never its type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from bot.answers import Value
from bot.checklist.model import Item, ItemType
from bot.texts import formats
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

    typed: ClassVar[bool] = False
    """Answered by typing, so a channel with numbered menus reads a number as the answer."""
    toggled: ClassVar[bool] = False
    """Answered by pressing several buttons, each press a choice in or out, then «Xong»."""
    rated: ClassVar[bool] = False
    """A criterion the unit meets or not: counted in results, pass rates, scores and follow-ups."""
    figure: ClassVar[bool] = False
    """A fact recorded beside the criteria, listed among the figures of the summary."""
    answered_by_photos: ClassVar[bool] = False
    """The photos are the answer: the item opens at the photo step and its answer is their count."""

    def buttons(self, t: Messages, item: Item, current: str | None) -> list[tuple[str, str]]:
        """(button argument, label) of each answer offered as a button, in this order."""
        return []

    def pressed(self, item: Item, arg: str, current: str | None) -> str | None:
        """The answer a button press stands for; None for an argument no button of the item carries."""
        return None

    def hint(self, t: Messages, item: Item) -> str | None:
        """A line under the question saying how to answer it."""
        return None

    def label(self, t: Messages, item: Item, value: str) -> str:
        """The answer as people read it, in `t`'s language."""
        return value

    def read(self, t: Messages, item: Item, text: str) -> Reading:
        return Reading(None, t.NEEDS_BUTTON)


class _Fixed(Kind):
    """Answered with one press of a button whose argument is the stored value."""

    values: ClassVar[tuple[Value, ...]] = ()

    def buttons(self, t: Messages, item: Item, current: str | None) -> list[tuple[str, str]]:
        return [(value, self.label(t, item, value)) for value in self.values]

    def pressed(self, item: Item, arg: str, current: str | None) -> str | None:
        return arg if arg in self.values else None

    def label(self, t: Messages, item: Item, value: str) -> str:
        return self.words(t).get(value, value)

    def words(self, t: Messages) -> dict[str, str]:
        """The catalogue's words for the values."""
        raise NotImplementedError


class Rating(_Fixed):
    values = (Value.PASS, Value.FAIL, Value.PARTIAL, Value.NA)
    rated = True

    def words(self, t: Messages) -> dict[str, str]:
        return t.RATING_LABELS


class YesNo(_Fixed):
    values = (Value.YES, Value.NO)
    figure = True

    def words(self, t: Messages) -> dict[str, str]:
        return t.YESNO_LABELS


class Choice(Kind):
    """One of the file's `options`. A button carries the option's place in the list, which fits the
    64 bytes of button data whatever the file calls its values."""

    figure = True

    def buttons(self, t: Messages, item: Item, current: str | None) -> list[tuple[str, str]]:
        return [(str(i), option.label_in(t.lang)) for i, option in enumerate(item.options or [])]

    def pressed(self, item: Item, arg: str, current: str | None) -> str | None:
        options = item.options or []
        return options[int(arg)].value if arg.isdigit() and int(arg) < len(options) else None

    def label(self, t: Messages, item: Item, value: str) -> str:
        return ", ".join(self._labels(t, item, value))

    def _labels(self, t: Messages, item: Item, value: str) -> list[str]:
        return [option.label_in(t.lang) if (option := item.option(v)) else v for v in value.split()]


class Choices(Choice):
    """Several of the file's `options`: each press puts one in or out of the answer, stored as the
    chosen values space-separated in the file's order, and «Xong» moves on."""

    toggled = True

    def buttons(self, t: Messages, item: Item, current: str | None) -> list[tuple[str, str]]:
        chosen = set((current or "").split())
        return [
            (arg, f"☑️ {label}" if option.value in chosen else label)
            for (arg, label), option in zip(super().buttons(t, item, current), item.options or [], strict=True)
        ]

    def pressed(self, item: Item, arg: str, current: str | None) -> str | None:
        value = super().pressed(item, arg, current)
        if value is None:
            return None
        chosen = set((current or "").split()) ^ {value}
        return " ".join(option.value for option in item.options or [] if option.value in chosen)

    def hint(self, t: Messages, item: Item) -> str | None:
        return t.QUESTION_CHOICES


class Number(Kind):
    typed = True
    figure = True

    def hint(self, t: Messages, item: Item) -> str | None:
        return t.QUESTION_NUMBER

    def label(self, t: Messages, item: Item, value: str) -> str:
        """Stored as `97.5`, read as the inspector writes it: `97,5` in Vietnamese, `97.5` in English,
        with the unit the item names."""
        unit = unit_in(item, t.lang)
        shown = number_text(value, t.lang)
        return f"{shown} {unit}" if unit else shown

    def read(self, t: Messages, item: Item, text: str) -> Reading:
        value = self._parse(text)
        if value is None:
            return Reading(None, self._refusal(t).format(text=esc(text[:50])))
        outside = self._outside(t, item, Decimal(value))
        if outside:
            return Reading(None, outside)
        return Reading(value, t.NOTED_NUMBER.format(value=esc(self.label(t, item, value))))

    def _parse(self, text: str) -> str | None:
        return parse_number(text)

    def _refusal(self, t: Messages) -> str:
        return t.NEEDS_NUMBER

    def _outside(self, t: Messages, item: Item, number: Decimal) -> str | None:
        """Why a number is refused by the item's `min` and `max`, or None when it is within them."""
        low = None if item.min is None else Decimal(str(item.min))
        high = None if item.max is None else Decimal(str(item.max))
        if (low is None or number >= low) and (high is None or number <= high):
            return None

        def said(bound: Decimal) -> str:
            return esc(self.label(t, item, _plain(bound)))

        if low is not None and high is not None:
            return t.NUMBER_BETWEEN.format(value=said(number), low=said(low), high=said(high))
        if low is not None:
            return t.NUMBER_AT_LEAST.format(value=said(number), low=said(low))
        assert high is not None
        return t.NUMBER_AT_MOST.format(value=said(number), high=said(high))


class Integer(Number):
    def hint(self, t: Messages, item: Item) -> str | None:
        return t.QUESTION_INTEGER

    def _parse(self, text: str) -> str | None:
        value = parse_number(text)
        return value if value is not None and "." not in value else None

    def _refusal(self, t: Messages) -> str:
        return t.NEEDS_INTEGER


class Date(Kind):
    """Stored as ISO (`2026-11-26`), so it sorts and converts; shown day first, as Vietnam writes it."""

    typed = True
    figure = True

    def hint(self, t: Messages, item: Item) -> str | None:
        return t.QUESTION_DATE

    def label(self, t: Messages, item: Item, value: str) -> str:
        try:
            return formats.day(date.fromisoformat(value))
        except ValueError:
            return value

    def read(self, t: Messages, item: Item, text: str) -> Reading:
        day = parse_date(text, datetime.now(formats.VIETNAM).date())
        if day is None:
            return Reading(None, t.NEEDS_DATE.format(text=esc(text[:50])))
        return Reading(day.isoformat(), t.NOTED_DATE.format(value=formats.day(day)))


class Text(Kind):
    typed = True
    figure = True

    def hint(self, t: Messages, item: Item) -> str | None:
        return t.QUESTION_TEXT

    def read(self, t: Messages, item: Item, text: str) -> Reading:
        return Reading(text)


class Photo(Kind):
    answered_by_photos = True

    def label(self, t: Messages, item: Item, value: str) -> str:
        return t.PHOTO_COUNT.format(count=value)


KINDS: dict[ItemType, Kind] = {
    ItemType.RATING: Rating(),
    ItemType.YESNO: YesNo(),
    ItemType.NUMBER: Number(),
    ItemType.INTEGER: Integer(),
    ItemType.DATE: Date(),
    ItemType.CHOICE: Choice(),
    ItemType.CHOICES: Choices(),
    ItemType.TEXT: Text(),
    ItemType.PHOTO: Photo(),
}


def kind_of(item: Item) -> Kind:
    return KINDS[item.type]


def value_label(t: Messages, item: Item, value: str) -> str:
    """An answer as people read it: "Đạt", "Có", "97,5 %", "26/11/2026", "3 ảnh"."""
    return kind_of(item).label(t, item, value)


# What "today" and "yesterday" are typed as, in either language, lower-cased without diacritics folded.
_TODAY = {"hôm nay": 0, "hom nay": 0, "today": 0, "hôm qua": -1, "hom qua": -1, "yesterday": -1}


def parse_date(text: str, today: date) -> date | None:
    """'26/11/2026', '26-11-2026', '26.11.26', or «hôm nay» / «hôm qua»: a day, or None."""
    said = " ".join(text.lower().split())
    if said in _TODAY:
        return today + timedelta(days=_TODAY[said])
    return formats.parse_day(text)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f") if number != number.to_integral() else str(int(number))


def unit_in(item: Item, lang: str) -> str | None:
    """The unit a number item's answers are in: the file's `unit`, else one named in its question."""
    return item.unit or unit_of(item.prompt_in(lang))


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
        return _plain(Decimal(cleaned))
    except InvalidOperation:
        return None


def _is_thousands(text: str) -> bool:
    head, _, tail = text.lstrip("-").partition(".")
    return bool(tail) and len(tail) == 3 and head.isdigit() and head != "0"
