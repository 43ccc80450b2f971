"""What Telegram checks in message content: formatted text and reply markup.

Each function either returns the value Telegram would store or raises :class:`ApiError` with the
description Telegram would send. Text goes through the same stages as on the real server: parse_mode
parsing, clean-up (control characters become spaces, ``\\r`` disappears, whitespace-only entities are
dropped, trailing whitespace and leading whitespace before the first entity are trimmed), then the length
limit. Auto-detected entities (URLs, mentions, hashtags in the bot's own text) are not added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import ApiError, JsonDict
from .telegram_html import HtmlParseError, parse_html, utf16_len

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_RAW_TEXT_BYTES = 1 << 15
MAX_CALLBACK_DATA_BYTES = 64
STRICT_NOTE = "(stand-in strict mode: the Bot API documentation forbids it although the server may accept it)"

_INLINE_BUTTON_TYPES = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
ParsedText = tuple[str, list[JsonDict]]

# U+2028..U+202E (line/paragraph separators, bidi overrides) and three combining marks Telegram strips.
_REMOVED_CHARACTERS = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")


def formatted_text(raw: str, parse_mode: str, entities: Any, *, strict: bool) -> ParsedText:
    """Parse ``raw`` per ``parse_mode`` (or take the explicit ``entities``); no clean-up yet."""
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_RAW_TEXT_BYTES:
        raise ApiError.bad_request("Text is too long")
    mode = parse_mode.strip().lower()
    if raw and mode not in ("", "none"):
        if mode == "html":
            try:
                return parse_html(raw, strict_ampersand=strict)
            except HtmlParseError as error:
                raise ApiError.bad_request(str(error)) from error
        if mode in ("markdown", "markdownv2"):
            raise ApiError.bad_request(f"parse_mode {parse_mode} is not implemented by the stand-in; use HTML")
        raise ApiError.bad_request("Unsupported parse_mode")
    return raw, _explicit_entities(entities)


def _explicit_entities(entities: Any) -> list[JsonDict]:
    if not isinstance(entities, list):
        return []
    result: list[JsonDict] = []
    for entity in entities:
        if not isinstance(entity, dict):
            raise ApiError.bad_request("Can't parse MessageEntity: expected an Object")
        for field in ("offset", "length"):
            if not isinstance(entity.get(field), int):
                raise ApiError.bad_request(f"Can't parse MessageEntity: Can't find field \"{field}\"")
        if not isinstance(entity.get("type"), str):
            raise ApiError.bad_request("Can't parse MessageEntity: Can't find field \"type\"")
        result.append(dict(entity))
    return result


def clean_text(text: str, entities: list[JsonDict]) -> ParsedText:
    """Telegram's clean-up of a formatted text; returns ``("", [])`` for whitespace-only text."""
    cleaned, position = _clean_characters(text)
    kept: list[JsonDict] = []
    for entity in sorted(entities, key=lambda e: (e["offset"], -e["length"])):
        start = position(entity["offset"])
        end = position(entity["offset"] + entity["length"])
        if end > start and _utf16_slice(cleaned, start, end).strip(" \n"):
            kept.append({**entity, "offset": start, "length": end - start})
    body = cleaned.rstrip(" \n")
    if not body:
        return "", []
    end = utf16_len(body)
    for entity in kept:
        entity["length"] = min(entity["offset"] + entity["length"], end) - entity["offset"]
    first_entity = kept[0]["offset"] if kept else end
    lead = 0
    while lead < first_entity and body[lead] in " \n":
        lead += 1
    for entity in kept:
        entity["offset"] -= lead
    return body[lead:], [entity for entity in kept if entity["length"] > 0]


def _clean_characters(text: str) -> tuple[str, Callable[[int], int]]:
    """Apply the character rules; also return a map from old to new UTF-16 offsets."""
    pieces: list[str] = []
    new_offsets: list[int] = []
    new = 0
    for ch in text:
        units = 2 if ord(ch) > 0xFFFF else 1
        new_offsets.extend([new] * units)
        if ch == "\r" or ch in _REMOVED_CHARACTERS:
            continue
        if ord(ch) < 32 and ch != "\n":
            ch = " "
        pieces.append(ch)
        new += units
    new_offsets.append(new)

    def position(old: int) -> int:
        return new_offsets[min(max(old, 0), len(new_offsets) - 1)]

    return "".join(pieces), position


def _utf16_slice(text: str, start: int, end: int) -> str:
    encoded = text.encode("utf-16-le", "surrogatepass")
    return encoded[start * 2 : end * 2].decode("utf-16-le", "surrogatepass")


def parse_text(raw: str, parse_mode: str, entities: Any, *, strict: bool, required: bool) -> ParsedText:
    """First stage, done before the chat is even looked up: presence and markup."""
    if required and not raw:
        raise ApiError.bad_request("Message text is empty")
    return formatted_text(raw, parse_mode, entities, strict=strict)


def finish_text(parsed: ParsedText, *, is_caption: bool) -> ParsedText:
    """Second stage, done while sending: clean-up, then the length limits of a text or a caption."""
    text, entities = clean_text(*parsed)
    if is_caption:
        if utf16_len(text) > MAX_CAPTION_LENGTH:
            raise ApiError.bad_request("Message caption is too long")
        return text, entities
    if not text:
        raise ApiError.bad_request("Message text is empty")
    if utf16_len(text) > MAX_TEXT_LENGTH:
        raise ApiError.bad_request("Message is too long")
    return text, entities


def reply_markup(value: Any, *, strict: bool, inline_only: bool = False) -> JsonDict | None:
    """Validate and normalise ``reply_markup``; None when it describes no keyboard at all."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError.bad_request("Object expected as reply markup")
    keyboard = _reply_keyboard(value.get("keyboard"))
    inline = _inline_keyboard(value.get("inline_keyboard"), strict=strict)
    if inline_only and (keyboard or value.get("remove_keyboard") or value.get("force_reply")):
        raise ApiError.bad_request("REPLY_MARKUP_INVALID")
    if keyboard:
        flags = (
            "resize_keyboard",
            "one_time_keyboard",
            "is_persistent",
            "selective",
            "input_field_placeholder",
        )
        return {"keyboard": keyboard, **{key: value[key] for key in flags if key in value}}
    if inline:
        return {"inline_keyboard": inline}
    if value.get("remove_keyboard") or value.get("hide_keyboard"):
        return {"remove_keyboard": True}
    if value.get("force_reply") or value.get("force_reply_keyboard"):
        reply_flags = ("selective", "input_field_placeholder")
        return {"force_reply": True, **{key: value[key] for key in reply_flags if key in value}}
    return None


def _rows(value: Any, error: str) -> list[list[Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise ApiError.bad_request(error)
    return value


def _text_field(button: JsonDict, context: str) -> str:
    text = button.get("text")
    if text is None:
        raise ApiError.bad_request(f'{context}: Can\'t find field "text"')
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise ApiError.bad_request(f'{context}: Field "text" must be of type String')
    if not str(text).strip():
        raise ApiError.bad_request("BUTTON_TEXT_INVALID")
    return str(text)


def _reply_keyboard(value: Any) -> list[list[Any]]:
    rows = _rows(value, 'Field "keyboard" must be an Array of Arrays')
    result: list[list[Any]] = []
    for row in rows:
        new_row: list[Any] = []
        for button in row:
            if isinstance(button, str):
                new_row.append({"text": button})
            elif isinstance(button, dict):
                new_row.append({**button, "text": _text_field(button, "Can't parse keyboard button")})
            else:
                raise ApiError.bad_request("Can't parse keyboard button: KeyboardButton must be a String or an Object")
        result.append(new_row)
    return [row for row in result if row]


def _inline_keyboard(value: Any, *, strict: bool) -> list[list[JsonDict]]:
    rows = _rows(value, 'Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    result = [[_inline_button(button, strict=strict) for button in row] for row in rows]
    return [row for row in result if row]


def _inline_button(button: Any, *, strict: bool) -> JsonDict:
    context = "Can't parse inline keyboard button"
    if not isinstance(button, dict):
        raise ApiError.bad_request(f"{context}: InlineKeyboardButton must be an Object")
    text = _text_field(button, context)
    present = [key for key in _INLINE_BUTTON_TYPES if key in button and button[key] not in ("", None)]
    if not present:
        raise ApiError.bad_request(f"{context}: Text buttons are unallowed in the inline keyboard")
    if strict and len(present) > 1:
        raise ApiError.bad_request(f"{context}: exactly one of {present} must be used {STRICT_NOTE}")
    kind = present[0]  # the server takes the first in this order and ignores the rest
    data = button[kind]
    if kind == "callback_data":
        data = str(data)
        if len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
    if kind == "url" and not str(data).lower().startswith(("http://", "https://", "tg://")):
        raise ApiError.bad_request("BUTTON_URL_INVALID")
    return {"text": text, kind: data}


def same_markup(left: JsonDict | None, right: JsonDict | None) -> bool:
    """Whether two stored markups are equal as far as "message is not modified" is concerned."""
    return (left or None) == (right or None)
