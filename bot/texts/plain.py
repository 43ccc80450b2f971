"""Plain text: Telegram HTML flattened for channels without formatting, and words folded for matching."""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser


class _Flattener(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href, start = self._links.pop()
            text = "".join(self.parts[start:])
            # A mention (tg://user) is only a name elsewhere; a web link keeps its address.
            if href.startswith(("http://", "https://")) and href != text:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    flattener = _Flattener()
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.parts)


def fold(text: str) -> str:
    """Lower-case, without diacritics: people type unit names and choices in a hurry on a phone."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def all_words_in(query: str, text: str) -> bool:
    """Every word of `query` appears in `text`, both folded: '/summary co lung' finds 'UBND xã Cổ Lũng'."""
    folded = fold(text)
    return all(word in folded for word in fold(query).split())
