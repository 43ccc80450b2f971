"""Telegram's ``parse_mode=HTML``, reimplemented so the stand-in refuses exactly what Telegram refuses.

The behaviour mirrors the HTML parser that runs inside Telegram's Bot API server (TDLib), because a bot
that only ever talks to a lenient fake ships markup that real Telegram rejects with
``400 Bad Request: can't parse entities: ...``. Rules worth knowing when reading a failure:

* Supported tags (case-insensitive): ``b strong i em u ins s strike del a code pre blockquote
  tg-spoiler tg-emoji`` and ``span class="tg-spoiler"``. Any other tag - including ``<br>``, ``<p>``,
  or a ``<`` that merely precedes a space, as in ``1 < 2`` - is refused.
* Tags must nest properly; ``</>`` closes whatever is open. Attributes are parsed but only ``href``
  (``a``), ``class="language-..."`` (``code``), ``class="tg-spoiler"`` (``span``), ``emoji-id``
  (``tg-emoji``) and the bare ``expandable`` (``blockquote``) mean anything.
* Only ``&lt; &gt; &amp; &quot;`` and numeric references (``&#39;``, ``&#x1F600;``) are decoded; the
  trailing ``;`` is optional. Real Telegram keeps any other ``&`` literally. With ``strict_ampersand``
  (the stand-in's default) such a bare ``&`` is refused instead, because it proves the text was not
  HTML-escaped - the very same bot would crash the day a user types ``<``.
* Entity offsets and lengths are in UTF-16 code units (emoji outside the BMP count twice), entities are
  sorted as Telegram sorts them, and empty elements (``<b></b>``) produce no entity.
* A link whose URL Telegram would not accept is silently dropped (the text stays), as Telegram does.

Error messages are the ones Telegram puts after ``Bad Request:``; byte offsets are UTF-8 byte offsets
into the original text, exactly as Telegram reports them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SUPPORTED_TAGS", "HtmlParseError", "checked_link", "parse_html", "utf16_len"]

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip

_SIMPLE_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}

# Tie-breaker Telegram uses when two entities share offset and length (lower sorts first).
_TYPE_PRIORITY = {
    "expandable_blockquote": 0,
    "blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\v\f")
_NAME_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOST_RE = re.compile(r"^(?:[\w\-.~%]+\.[^\W\d_]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?(?:[/?#].*)?$")
_USER_LINK_RE = re.compile(r"^tg:(?://)?user\?id=(\d{1,19})$", re.IGNORECASE)

_MAX_NUMERIC_REFERENCE_LENGTH = 10  # "&#" + digits; longer references are left as text, like Telegram


class HtmlParseError(ValueError):
    """Raised for markup Telegram refuses; ``str(error)`` is the text Telegram puts after "Bad Request: "."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram entity offset and length."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Turn Telegram-HTML into ``(plain_text, entities)`` or raise :class:`HtmlParseError`.

    ``entities`` are Bot API ``MessageEntity`` dicts. A ``tg://user?id=N`` link becomes a
    ``text_mention`` whose ``user`` holds only ``id``; the caller fills in the rest of the user.
    """
    return _Parser(text, strict_ampersand).run()


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_start: int
    plain_start: int  # index into the output pieces, to recover a link's text when href is missing
    expandable: bool = False


@dataclass
class _Entity:
    type: str
    offset: int
    length: int
    extra: dict[str, Any] = field(default_factory=dict)
    argument: str = ""  # a <code> element's language until it is known whether a <pre> claims it

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "offset": self.offset, "length": self.length, **self.extra}


class _Parser:
    """One left-to-right scan, as Telegram does it; ``_at`` returns "" past the end like a C string's NUL."""

    def __init__(self, text: str, strict_ampersand: bool) -> None:
        self.text = text
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[_Entity] = []

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        i = 0
        while i < len(self.text):
            ch = self.text[i]
            if ch == "&":
                i = self._ampersand(i)
            elif ch != "<":
                self._emit_text(ch)
                i += 1
            elif self._at(i + 1) == "/":
                i = self._close_tag(i)
            else:
                i = self._open_tag(i)
        if self.stack:
            raise self._error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        plain = "".join(self.out)
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in plain):
            raise self._error(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        self.entities.sort(key=lambda e: (e.offset, -e.length, _TYPE_PRIORITY.get(e.type, 50)))
        return plain, [entity.as_dict() for entity in self.entities]

    # -- scanning helpers -------------------------------------------------------------------------

    def _at(self, i: int) -> str:
        return self.text[i] if i < len(self.text) else ""

    def _is_space(self, i: int) -> bool:
        """Telegram counts the end of the text as whitespace; loops rely on that to stop."""
        ch = self._at(i)
        return ch == "" or ch in _SPACES

    def _skip_spaces(self, i: int) -> int:
        while self._at(i) != "" and self._is_space(i):
            i += 1
        return i

    def _byte_offset(self, i: int) -> int:
        return len(self.text[:i].encode("utf-8", "surrogatepass"))

    def _error(self, message: str) -> HtmlParseError:
        return HtmlParseError(f"Can't parse entities: {message}")

    def _emit_text(self, piece: str) -> None:
        self.out.append(piece)
        self.utf16 += utf16_len(piece)

    # -- character references ---------------------------------------------------------------------

    def _ampersand(self, i: int) -> int:
        decoded, end = self._decode_reference(i)
        if decoded is not None:
            self._emit_text(decoded)
            return end
        if self.strict_ampersand:
            raise self._error(
                f'Character "&" at byte offset {self._byte_offset(i)} is not an HTML entity; escape it as '
                '"&amp;" (stand-in strict mode: real Telegram would show it as is, but it proves the text '
                "was not escaped)"
            )
        self._emit_text("&")
        return i + 1

    def _decode_reference(self, i: int) -> tuple[str | None, int]:
        """Decode ``&...`` at ``i``; ``(None, i)`` when Telegram would keep the ``&`` as plain text."""
        if self._at(i + 1) == "#":
            end, code = self._numeric_reference(i)
            if code == 0 or code >= 0x10FFFF or end - i >= _MAX_NUMERIC_REFERENCE_LENGTH:
                return None, i
            decoded = chr(code)
        else:
            end = i + 1
            while self._at(end).isascii() and self._at(end).isalpha():
                end += 1
            named = _NAMED_ENTITIES.get(self.text[i + 1 : end])
            if named is None:
                return None, i
            decoded = named
        if self._at(end) == ";":
            end += 1
        return decoded, end

    def _numeric_reference(self, i: int) -> tuple[int, int]:
        end = i + 2
        if self._at(end) == "x":
            end += 1
            digits_start = end
            while self._at(end) != "" and self._at(end) in "0123456789abcdefABCDEF":
                end += 1
            digits = self.text[digits_start:end]
            return end, int(digits, 16) if digits else 0
        digits_start = end
        while self._at(end) != "" and self._at(end) in "0123456789":
            end += 1
        digits = self.text[digits_start:end]
        return end, int(digits) if digits else 0

    # -- tags -------------------------------------------------------------------------------------

    def _open_tag(self, begin: int) -> int:
        offset = self._byte_offset(begin)
        i = begin + 1
        while not self._is_space(i) and self._at(i) != ">":
            i += 1
        if self._at(i) == "":
            raise self._error(f"Unclosed start tag at byte offset {offset}")
        name = self.text[begin + 1 : i].lower()
        if name not in SUPPORTED_TAGS:
            raise self._error(f'Unsupported start tag "{name}" at byte offset {offset}')
        tag = _OpenTag(name, "", self.utf16, len(self.out))
        i = self._attributes(tag, i, offset)
        if name == "span" and tag.argument != "spoiler":
            raise self._error(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        self.stack.append(tag)
        return i + 1  # past '>'

    def _attributes(self, tag: _OpenTag, i: int, offset: int) -> int:
        """Parse attributes up to the closing ``>`` and return its index."""
        while self._at(i) != ">":
            i = self._skip_spaces(i)
            if self._at(i) == ">":
                break
            name_start = i
            while not self._is_space(i) and self._at(i) not in ("=", ">"):
                i += 1
            attribute = self.text[name_start:i]
            if not attribute:
                raise self._error(f'Empty attribute name in the tag "{tag.name}" at byte offset {offset}')
            i = self._skip_spaces(i)
            if self._at(i) != "=":
                if tag.name == "blockquote" and attribute == "expandable":
                    tag.expandable = True
                    continue
                raise self._error(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag.name}" at byte offset {offset}'
                )
            i = self._skip_spaces(i + 1)
            if self._at(i) == "":
                raise self._error(f'Unclosed start tag "{tag.name}" at byte offset {offset}')
            value, i = self._attribute_value(i)
            if self._at(i) == "":
                raise self._error(f"Unclosed start tag at byte offset {offset}")
            self._apply_attribute(tag, attribute, value)
        return i

    def _attribute_value(self, i: int) -> tuple[str, int]:
        quote = self._at(i)
        if quote not in ("'", '"'):
            start = i
            while self._at(i) != "" and self._at(i) in _NAME_TOKEN_CHARS:
                i += 1
            if not self._is_space(i) and self._at(i) != ">":
                raise self._error(f"Unexpected end of name token at byte offset {self._byte_offset(start)}")
            return self.text[start:i].lower(), i
        i += 1
        pieces: list[str] = []
        while self._at(i) not in (quote, ""):
            if self._at(i) == "&":
                decoded, end = self._decode_reference(i)
                if decoded is not None:
                    pieces.append(decoded)
                    i = end
                    continue
            pieces.append(self.text[i])
            i += 1
        if self._at(i) == quote:
            i += 1
        return "".join(pieces), i

    @staticmethod
    def _apply_attribute(tag: _OpenTag, attribute: str, value: str) -> None:
        if tag.name == "a" and attribute == "href":
            tag.argument = value
        elif tag.name == "code" and attribute == "class" and value.startswith("language-"):
            tag.argument = value[len("language-") :]
        elif tag.name == "span" and attribute == "class" and value.startswith("tg-"):
            tag.argument = value[len("tg-") :]
        elif tag.name == "tg-emoji" and attribute == "emoji-id":
            tag.argument = value

    def _close_tag(self, begin: int) -> int:
        offset = self._byte_offset(begin)
        if not self.stack:
            raise self._error(f"Unexpected end tag at byte offset {offset}")
        i = begin + 2
        while not self._is_space(i) and self._at(i) != ">":
            i += 1
        end_name = self.text[begin + 2 : i].lower()
        i = self._skip_spaces(i)
        if self._at(i) != ">":
            raise self._error(f"Unclosed end tag at byte offset {offset}")
        tag = self.stack[-1]
        if end_name and end_name != tag.name:
            raise self._error(
                f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", found "</{end_name}>"'
            )
        if self.utf16 > tag.utf16_start:
            self._add_entity(tag, tag.utf16_start, self.utf16 - tag.utf16_start)
        self.stack.pop()
        return i + 1

    # -- entities ---------------------------------------------------------------------------------

    def _add_entity(self, tag: _OpenTag, offset: int, length: int) -> None:
        if tag.name in _SIMPLE_TAG_TYPES:
            self.entities.append(_Entity(_SIMPLE_TAG_TYPES[tag.name], offset, length))
        elif tag.name == "tg-emoji":
            self.entities.append(_Entity("custom_emoji", offset, length, {"custom_emoji_id": self._emoji_id(tag)}))
        elif tag.name == "a":
            self._add_link(tag, offset, length)
        elif tag.name == "pre":
            self._add_pre(offset, length)
        elif tag.name == "code":
            self._add_code(tag, offset, length)
        else:  # blockquote
            kind = "expandable_blockquote" if tag.expandable else "blockquote"
            self.entities.append(_Entity(kind, offset, length))

    def _emoji_id(self, tag: _OpenTag) -> str:
        if not tag.argument.isdigit() or int(tag.argument) == 0 or int(tag.argument) >= 2**63:
            raise self._error("Invalid custom emoji identifier specified")
        return tag.argument

    def _add_link(self, tag: _OpenTag, offset: int, length: int) -> None:
        url = tag.argument or "".join(self.out[tag.plain_start :])
        user = _USER_LINK_RE.match(url.strip())
        if user:
            self.entities.append(_Entity("text_mention", offset, length, {"user": {"id": int(user.group(1))}}))
            return
        checked = checked_link(url)
        if checked is not None:
            self.entities.append(_Entity("text_link", offset, length, {"url": checked}))

    def _add_pre(self, offset: int, length: int) -> None:
        last = self.entities[-1] if self.entities else None
        if last and last.type == "code" and (last.offset, last.length) == (offset, length) and last.argument:
            last.type = "pre"
            last.extra["language"] = last.argument
            last.argument = ""
        else:
            self.entities.append(_Entity("pre", offset, length))

    def _add_code(self, tag: _OpenTag, offset: int, length: int) -> None:
        last = self.entities[-1] if self.entities else None
        if last and last.type == "pre" and (last.offset, last.length) == (offset, length) and tag.argument:
            last.extra["language"] = tag.argument
        else:
            # The language only matters if an enclosing <pre> with the same span closes next.
            self.entities.append(_Entity("code", offset, length, argument=tag.argument))


def checked_link(url: str) -> str | None:
    """The URL Telegram would store for a text link, or None when Telegram would drop the link."""
    url = url.strip()
    if not url:
        return None
    scheme = _SCHEME_RE.match(url)
    if scheme is None:
        return _with_root_path("http://" + url) if _HOST_RE.match(url) else None
    name = scheme.group(1).lower()
    if name in ("tg", "ton", "tonsite"):
        return url
    rest = url[scheme.end() :]
    if name not in ("http", "https") or not rest.startswith("//") or not _HOST_RE.match(rest[2:]):
        return None
    return _with_root_path(url)


def _with_root_path(url: str) -> str:
    """Telegram normalises ``https://example.com`` to ``https://example.com/``."""
    after_host = url.split("//", 1)[1]
    return url if any(sep in after_host for sep in "/?#") else url + "/"
