"""Replies as Zalo text: plain, with the buttons as a numbered menu, in pieces Zalo accepts.

Zalo shows no formatting and no buttons, and takes at most 2,000 characters a message. It does not say
how it counts them; counting as JavaScript does (an emoji is two) is the strict reading, so a piece that
fits here fits there.
"""

from __future__ import annotations

from bot.events import Button, Say
from bot.texts import catalogue as texts
from bot.texts.menus import flatten, render
from bot.texts.plain import html_to_text

LIMIT = 2000
ELLIPSIS = "…"


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def menu_of(reply: Say) -> list[Button]:
    return flatten(reply.buttons)


def say_text(reply: Say) -> str:
    """The message, then its choices numbered and a line on how to answer them."""
    text = html_to_text(reply.html).strip()
    items = menu_of(reply)
    if not items:
        return text
    return f"{text}\n\n{render(items)}\n{texts.VI.MENU_HINT}"


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Pieces of at most `limit` units, cut at line breaks; a line too long on its own is cut between
    words, and only a word longer than a whole piece is cut inside."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if units(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        for word in _words(line, limit):
            candidate = f"{current} {word}" if current else word
            if units(candidate) <= limit:
                current = candidate
            else:
                pieces.append(current)
                current = word
    pieces.append(current)
    return [piece.strip("\n") for piece in pieces if piece.strip()]


def _words(line: str, limit: int) -> list[str]:
    """The line's words, any longer than `limit` cut into pieces that fit."""
    out: list[str] = []
    for word in line.split(" "):
        while units(word) > limit:
            head = _prefix(word, limit)
            out.append(head)
            word = word[len(head) :]
        out.append(word)
    return out


def _prefix(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` units (never half of a surrogate pair)."""
    length = 0
    for index, char in enumerate(text):
        length += units(char)
        if length > limit:
            return text[:index]
    return text


def caption(html: str, limit: int = LIMIT) -> str:
    """A photo's caption is one piece: what does not fit is cut at a word and marked with an ellipsis."""
    text = html_to_text(html).strip()
    if units(text) <= limit:
        return text
    head = _prefix(text, limit - units(ELLIPSIS))
    cut = head.rsplit(maxsplit=1)[0] if " " in head.strip() else head
    return cut.rstrip() + ELLIPSIS
