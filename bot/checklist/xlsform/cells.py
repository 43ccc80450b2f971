"""The workbook as pyxform read it, each cell under the column it means, and errors that say where.

pyxform's reader gives each sheet's rows as {header: text}, blank rows kept so row numbers are the
spreadsheet's. Here a header becomes what it means (`Label::English (en)` is the English label, as
pyxform reads it, whatever the case), and each row kind says which columns it may fill: a filled cell
that the checklist has no use for is refused, naming the sheet, row and column, rather than dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pyxform.aliases import yes_no
from pyxform.xls2json_backends import DefinitionData

from bot.checklist.errors import ChecklistError, explain
from bot.checklist.model import PhotoRule
from bot.checklist.xlsform.columns import BASIS, LANGUAGE_NAMES, PHOTO, UNIT, WEIGHT, Refusal, item_id

Key = tuple[str, str | None]  # a column as meant: ("label", "vi"), ("relevant", None)
Model = TypeVar("Model", bound=BaseModel)
T = TypeVar("T")

# What each kind of row may fill; a number question adds CONSTRAINT, a rating adds WEIGHT.
QUESTION = frozenset({"type", "name", "label", "hint", "required", "relevant", BASIS, PHOTO})
NUMBER = frozenset({"constraint", UNIT})
RATING = frozenset({WEIGHT})
IMAGE = frozenset({"parameters"})
GROUP = frozenset({"type", "name", "label", "relevant"})
NOTE = frozenset({"type", "name", "label"})
MEDIA = frozenset({"media", "image", "big-image", "audio", "video"})
# Columns that only say how ODK lays a question out or words its own warnings: the chat has its own.
_IGNORED = frozenset({"appearance", "constraint_message", "required_message"})
_KNOWN = QUESTION | NUMBER | RATING | GROUP
_UNUSED = "cột không dùng được trong bảng kiểm; xóa nội dung ô (hoặc cả cột)"
_REASONS = {
    "calculation": "bot không tính toán; xóa công thức",
    "default": "bot không điền sẵn câu trả lời; xóa giá trị mặc định",
    "choice_filter": "chưa lọc được lựa chọn theo câu trả lời trước; xóa bộ lọc",
    "read_only": "câu chỉ đọc không hỏi được trong chat; xóa nội dung ô",
    "repeat_count": "chưa dùng được nhóm lặp; xóa nội dung ô",
    "trigger": "chưa dùng được trigger; xóa nội dung ô",
    "parameters": "chưa dùng được tham số của câu hỏi; xóa nội dung ô",
    "guidance_hint": "ghi hướng dẫn vào cột hint",
    **dict.fromkeys(MEDIA, "bot không gửi kèm ảnh, âm thanh hay video của biểu mẫu; xóa nội dung ô"),
}
_LANGUAGES_ONLY = "chỉ dùng tiếng Việt (vi) và tiếng Anh (en), ví dụ label::English (en)"


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int
    cells: dict[Key, str]

    def get(self, column: str, lang: str | None = None) -> str | None:
        return self.cells.get((column, lang))


class Sheets:
    """The three sheets of a form, and the checks every reading of a cell shares."""

    def __init__(self, source: str, book: DefinitionData) -> None:
        self.source = source
        for other in ("external_choices", "entities", "osm"):
            if getattr(book, other):
                raise ChecklistError(f"{source}: trang {other} không dùng được trong bảng kiểm; xóa trang này")
        if not book.survey:
            raise ChecklistError(f"{source}: không có trang survey")
        self._headers: dict[str, dict[Key, str]] = {}
        self.survey = self._sheet("survey", book.survey, book.survey_header)
        self.choices = self._sheet("choices", book.choices, book.choices_header)
        self.settings = self._sheet("settings", book.settings, book.settings_header)

    def _sheet(
        self, name: str, rows: Sequence[dict[str, str]] | None, header: Sequence[dict[str, Any]] | None
    ) -> list[Row]:
        headers: dict[Key, str] = {}
        keys: dict[str, Key] = {}
        for original in header[0] if header else {}:
            key = _key(original)
            if key in headers:
                same = f"cùng nghĩa với cột {headers[key]}; giữ một cột"
                raise ChecklistError(f"{self.source}: trang {name}, dòng 1, cột {original}: {same}")
            headers[key], keys[original] = original, key
        self._headers[name] = headers
        read = (
            Row(name, number, {keys[h]: v for h, v in row.items() if h in keys})
            for number, row in enumerate(rows or [], start=2)
        )
        return [row for row in read if row.cells]

    def error(self, row: Row, key: Key | None, message: str) -> ChecklistError:
        column = "" if key is None else f", cột {self._headers[row.sheet].get(key) or key[0]}"
        return ChecklistError(f"{self.source}: trang {row.sheet}, dòng {row.number}{column}: {message}")

    def cell(self, row: Row, key: Key, read: Callable[[str], T]) -> T | None:
        """A cell read by `read`, whose refusal is told at the cell; None when it is empty."""
        text = row.cells.get(key)
        if text is None:
            return None
        try:
            return read(text)
        except Refusal as refusal:
            raise self.error(row, key, str(refusal)) from None

    def only(self, row: Row, allowed: frozenset[str], what: str) -> None:
        """Refuses a filled cell that a row of this kind has no use for: nothing that meant something is dropped."""
        for key in row.cells:
            column, lang = key
            if column in _IGNORED or column.startswith("$"):  # `$kuid` and the like: KoboToolbox's bookkeeping
                continue
            if column in ("label", "hint") and lang not in LANGUAGE_NAMES:
                raise self.error(row, key, _LANGUAGES_ONLY)
            if column not in allowed:
                reason = _REASONS.get(column.partition("::")[0], _UNUSED)
                raise self.error(row, key, f"không dùng cho {what}; xóa nội dung ô" if column in _KNOWN else reason)

    def choice_cells(self, row: Row) -> None:
        """A choice's other columns only mean something to a choice_filter, which the survey refuses;
        a picture or sound would be the choice itself."""
        for key in row.cells:
            if key[0].partition("::")[0] in MEDIA:
                raise self.error(row, key, _REASONS["media"])
            if key[0] == "label" and key[1] not in LANGUAGE_NAMES:
                raise self.error(row, key, _LANGUAGES_ONLY)

    def settings_cells(self, row: Row, allowed: frozenset[str]) -> None:
        for key in row.cells:
            if key[0] not in allowed:
                raise self.error(row, key, _UNUSED)

    def texts(self, row: Row, column: str, what: str) -> tuple[str | None, str | None]:
        """The Vietnamese and English texts of a label or hint; English alone is refused."""
        vi, en = row.get(column, "vi"), row.get(column, "en")
        if en and not vi:
            raise self.error(row, (column, "en"), f"chỉ có bản tiếng Anh; ghi {what} tiếng Việt vào cột {column}")
        for lang, text in (("vi", vi), ("en", en)):
            if text and "${" in text:
                raise self.error(row, (column, lang), "chưa chèn được câu trả lời bằng ${…}; viết thành chữ")
        return vi, en

    def validated(self, model: type[Model], data: dict[str, Any], at: Callable[[str], tuple[Row, Key]]) -> Model:
        """The model of `data` (None meaning absent); `at` says which cell holds a field pydantic refuses."""
        try:
            return model.model_validate({key: value for key, value in data.items() if value is not None})
        except ValidationError as exc:
            error = exc.errors()[0]
            row, key = at(str(error["loc"][0]) if error["loc"] else "type")
            raise self.error(row, key, explain(error)) from None


def _key(header: str) -> Key:
    """What a header means: `Label::English (en)` -> ("label", "en"), `bind::kiemtra:basis` -> (BASIS, None)."""
    head, delimited, rest = header.partition("::")
    column = "_".join(head.split()).lower()
    if column in ("label", "hint"):
        return column, language(rest) if delimited else "vi"
    return (f"{column}::{rest.strip().lower()}" if delimited else column), None


def language(name: str) -> str:
    """`Vietnamese (vi)`, `vi` -> vi: ODK names a language with its code in brackets."""
    found = re.search(r"\(([^()]*)\)\s*$", name)
    return (found[1] if found else name).strip().lower()


def kind(text: str) -> tuple[str, list[str]]:
    """`select one x` or `select_one x`, `Begin Group` or `begin_group`: the kind, and the words after it."""
    words = text.split() or [""]
    if words[0].lower() in ("select", "begin", "end") and len(words) > 1:
        words = [f"{words[0]}_{words[1]}", *words[2:]]
    return words[0].lower(), words[1:]


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def form_id(text: str) -> str:
    converted = item_id(text)
    if converted is None:
        raise Refusal(f"«{text}» không đổi được thành mã: dùng chữ không dấu, số, '-', '_', '.' (tối đa 40 ký tự)")
    return converted


def version(text: str) -> int:
    if not text.isdigit():
        raise Refusal(f"«{text}» không phải số nguyên; ghi phiên bản là số (1, 2, …), tăng lên mỗi lần sửa")
    return int(text)


def number(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise Refusal(f"«{text}» không phải một số") from None


def required(text: str) -> bool:
    value = yes_no.get(text)
    if value is None:
        raise Refusal(f"ghi yes hoặc no; bắt buộc theo biểu thức «{text}» chưa dùng được")
    return bool(value)


def photo(text: str) -> PhotoRule:
    try:
        return PhotoRule(text.lower())
    except ValueError:
        raise Refusal(f"ghi một trong: {', '.join(rule.value for rule in PhotoRule)}") from None


def max_pixels(text: str) -> str:
    """The one parameter of an image that is only ODK's business: the bot keeps photos as they are sent."""
    if not re.fullmatch(r"\s*max-pixels\s*=\s*\d+\s*", text):
        raise Refusal("chỉ dùng được max-pixels=… cho câu image; xóa các tham số khác")
    return text
