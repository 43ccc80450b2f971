"""Replies as Zalo text: plain, with the buttons as a numbered menu, in pieces Zalo accepts.

Zalo shows no formatting and no buttons, and takes at most 2,000 characters a message.
"""

from __future__ import annotations

from bot.events import Say
from bot.texts import catalogue as texts
from bot.texts.plain import html_to_text
from handlers.menus import flatten, render
from handlers.split import ZALO_LIMIT, prefix, units

ELLIPSIS = "…"


def say_text(reply: Say) -> str:
    """The message, then its choices numbered and a line on how to answer them."""
    text = html_to_text(reply.html).strip()
    items = flatten(reply.buttons)
    if not items:
        return text
    return f"{text}\n\n{render(items)}\n{texts.VI.MENU_HINT}"


def caption(html: str, limit: int = ZALO_LIMIT) -> str:
    """A photo's caption is one piece: what does not fit is cut at a word and marked with an ellipsis."""
    text = html_to_text(html).strip()
    if units(text) <= limit:
        return text
    head = prefix(text, limit - units(ELLIPSIS))
    cut = head.rsplit(maxsplit=1)[0] if " " in head.strip() else head
    return cut.rstrip() + ELLIPSIS
