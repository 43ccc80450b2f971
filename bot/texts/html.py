"""Telegram-HTML helpers: escaping user text and splitting long messages without breaking tags."""

from __future__ import annotations

import html
import re

_TOKEN = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;|[^<&]")
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z0-9-]+)")


def esc(text: object) -> str:
    """Everything a user typed goes through here; quotes too, because texts can land in attributes."""
    return html.escape(str(text), quote=True)


def visible_length(markup: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the text after the tags are parsed."""
    text = html.unescape(re.sub(r"<[^>]*>", "", markup))
    return len(text.encode("utf-16-le")) // 2


def split_html(markup: str, limit: int = 4096) -> list[str]:
    """Cuts at line breaks where possible; a line that is too long on its own is cut between characters,
    closing the open tags at the cut and reopening them in the next part."""
    parts: list[str] = []
    current = ""
    for line in markup.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if visible_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
            current = ""
        if visible_length(line) <= limit:
            current = line
        else:
            pieces = _hard_split(line, limit)
            parts.extend(pieces[:-1])
            current = pieces[-1]
    if current.strip() or not parts:
        parts.append(current)
    return [part.strip("\n") for part in parts if part.strip()] or [markup[:limit]]


def _hard_split(line: str, limit: int) -> list[str]:
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
        units = len(html.unescape(token).encode("utf-16-le")) // 2
        if length + units > limit:
            pieces.append(current + "".join(f"</{name}>" for name, _ in reversed(open_tags)))
            current = "".join(tag for _, tag in open_tags)
            length = 0
        current += token
        length += units
    pieces.append(current)
    return pieces
