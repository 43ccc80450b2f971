"""Long messages in pieces a channel accepts: Telegram's 4,096 characters of HTML, Zalo's 2,000 of text.

Both count UTF-16 code units (an emoji is two), which is how Telegram counts and the strict reading of
Zalo's unstated rule. Both cut the same way: at line breaks where they can; a line too long on its own
is cut inside (HTML between characters, closing the open tags at the cut and reopening them in the
next piece; plain text between words, and only a word longer than a whole piece inside it), and what
is left of that line starts the next piece.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

TELEGRAM_LIMIT = 4096
ZALO_LIMIT = 2000
_TOKEN = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;|[^<&]")
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z0-9-]+)")


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(markup: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the text after the tags are parsed."""
    return units(html.unescape(re.sub(r"<[^>]*>", "", markup)))


def _pieces(text: str, limit: int, measure: Callable[[str], int], cut: Callable[[str, int], list[str]]) -> list[str]:
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if measure(line) <= limit:
            current = line
        else:
            *whole, current = cut(line, limit)
            pieces.extend(whole)
    pieces.append(current)
    return [piece.strip("\n") for piece in pieces if piece.strip()]


def split_html(markup: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    return _pieces(markup, limit, visible_length, _cut_markup) or [markup[:limit]]


def split_text(text: str, limit: int = ZALO_LIMIT) -> list[str]:
    return _pieces(text, limit, units, _cut_words)


def _cut_markup(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, the full opening tag)
    current = ""
    length = 0
    for token in _TOKEN.findall(line):
        if token.startswith("<"):
            name_match = _TAG_NAME.match(token)
            name = name_match[1].lower() if name_match else ""
            if token.startswith("</"):
                if open_tags and open_tags[-1][0] == name:
                    open_tags.pop()
            else:
                open_tags.append((name, token))
            current += token
            continue
        size = units(html.unescape(token))
        if length + size > limit:
            pieces.append(current + "".join(f"</{name}>" for name, _ in reversed(open_tags)))
            current = "".join(tag for _, tag in open_tags)
            length = 0
        current += token
        length += size
    pieces.append(current)
    return pieces


def _cut_words(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for word in _words(line, limit):
        candidate = f"{current} {word}" if current else word
        if units(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    pieces.append(current)
    return pieces


def _words(line: str, limit: int) -> list[str]:
    """The line's words, any longer than `limit` cut into pieces that fit."""
    out: list[str] = []
    for word in line.split(" "):
        while units(word) > limit:
            head = prefix(word, limit)
            out.append(head)
            word = word[len(head) :]
        out.append(word)
    return out


def prefix(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` units (never half of a surrogate pair)."""
    length = 0
    for index, char in enumerate(text):
        length += units(char)
        if length > limit:
            return text[:index]
    return text
