"""Choices as numbered text, for channels without buttons (Zalo, the terminal demo).

The engine always offers choices as buttons; a text channel shows them as "1. Đạt  2. Không đạt …" and
reads the reply back as the button it names: by number, by label (diacritics, case and emoji ignored)
or by an obvious synonym ("ok", "co", "skip"…). A reply that names nothing is passed on as text, so the
engine answers it as it would any text (and shows the question again). Where the engine expects a typed
answer beside the buttons (`Say.free_text`: a unit, a number, a note), a number is that answer, not a
choice. Each channel keeps the menu it showed last per chat (Zalo in the database, the terminal in
memory) and reads the next reply against it.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from bot.events import Button, Say, Tap, Text
from bot.texts import plain

ONE_LINE = 72  # longer menus get a line per choice, easier to read on a phone

# Words people type for a choice, folded (no diacritics, lower case), mapped to the folded label.
SYNONYMS = {
    "ok": "dat",
    "pass": "dat",
    "d": "dat",
    "kd": "khong dat",
    "fail": "khong dat",
    "mp": "mot phan",
    "partial": "mot phan",
    "na": "khong ap dung",
    "kad": "khong ap dung",
    "n/a": "khong ap dung",
    "c": "co",
    "yes": "co",
    "k": "khong",
    "no": "khong",
    "done": "xong",
    "xong roi": "xong",
    "bo": "bo qua",
    "skip": "bo qua",
    "back": "quay lai",
    "gui": "gui ket qua",
    "send": "gui ket qua",
}


class Menu(BaseModel):
    """The choices a message showed, and whether a number typed after it picks one of them."""

    items: list[Button]
    by_number: bool = True

    @classmethod
    def of(cls, reply: Say) -> Menu:
        return cls(items=flatten(reply.buttons), by_number=not reply.free_text)

    def read(self, text: str) -> Tap | Text:
        """The button press the reply names, or the reply as text."""
        chosen = choose(text, self.items, by_number=self.by_number)
        return Tap(data=chosen.data) if chosen else Text(text=text)


def fold(text: str) -> str:
    """Folded (`bot.plain.fold`), and without emoji or punctuation, single spaces: how a label is typed."""
    return " ".join(re.sub(r"[^\w/]+", " ", plain.fold(text)).split())


def flatten(rows: list[list[Button]]) -> list[Button]:
    return [button for row in rows for button in row]


def render(items: list[Button]) -> str:
    """ "1. Đạt  2. Không đạt …" on one line when it fits a phone's width, a line each otherwise."""
    entries = [f"{number}. {button.label}" for number, button in enumerate(items, start=1)]
    line = "  ".join(entries)
    return line if len(line) <= ONE_LINE else "\n".join(entries)


def choose(text: str, items: list[Button], *, by_number: bool = True) -> Button | None:
    """The choice `text` names, or None when it names none (or more than one). Without `by_number`
    (the question also takes a typed number or text) a number is an answer, not a choice."""
    wanted = fold(text)
    if not wanted:
        return None
    if wanted.isdigit() and not by_number:
        return None
    if wanted.isdigit():
        number = int(wanted)
        return items[number - 1] if 1 <= number <= len(items) else None
    labels = [fold(button.label) for button in items]
    for candidate in (wanted, SYNONYMS.get(wanted, "")):
        exact = [button for button, label in zip(items, labels, strict=True) if candidate and label == candidate]
        if len(exact) == 1:
            return exact[0]
    return None
