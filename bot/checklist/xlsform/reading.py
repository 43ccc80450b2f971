"""Reading an XLSForm workbook into a checklist; what maps to what is the package's docstring.

pyxform reads the workbook, and converts it to an XForm once it is mapped, so a form the bot takes is
one ODK takes too. In between, the form is read row by row, in order, so a condition can only name a
question already read, as the conversation can only test an answer already given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import DefinitionData, get_xlsform
from pyxform.xls2xform import convert

from bot.answers import VERDICTS, Value
from bot.checklist.errors import ChecklistError
from bot.checklist.model import (
    CHOSEN,
    NUMERIC,
    OPTION_PATTERN,
    OPTIONS_MAX,
    Area,
    Checklist,
    Condition,
    Item,
    ItemType,
    Option,
    Rule,
)
from bot.checklist.xlsform import cells, settings
from bot.checklist.xlsform.cells import GROUP, NOTE, QUESTION, Key, Row, Sheets
from bot.checklist.xlsform.columns import BASIS, PHOTO, TYPES, UNIT, WEIGHT, Refusal, item_id
from bot.checklist.xlsform.expressions import Clause, parse_constraint, parse_relevant

# Questions that ask nothing: ODK fills them in, as the bot records who answered and when.
_METADATA = frozenset({"start", "end", "today", "deviceid", "username", "phonenumber", "email"})
_ASKED = frozenset({*TYPES, "select_one", "select_multiple"})
_TYPES_ACCEPTED = (
    "text, integer, decimal, date, image, note, geopoint, select_one <danh sách>, select_multiple <danh sách>, "
    "begin_group, end_group"
)
_ITEM_FIELDS: dict[str, Key] = {
    "id": ("name", None),
    "prompt": ("label", "vi"),
    "prompt_en": ("label", "en"),
    "help": ("hint", "vi"),
    "help_en": ("hint", "en"),
    "basis": (BASIS, None),
    "weight": (WEIGHT, None),
    "unit": (UNIT, None),
    "photo": (PHOTO, None),
    "min": ("constraint", None),
    "max": ("constraint", None),
}
_OPTION_FIELDS: dict[str, Key] = {"value": ("name", None), "label": ("label", "vi"), "label_en": ("label", "en")}
_AREA_FIELDS: dict[str, Key] = {"id": ("name", None), "title": ("label", "vi"), "title_en": ("label", "en")}
_LOOSE = "chung"  # the id of an area of questions outside any group
_NOTE_ALONE = "note cần một câu hỏi ngay sau nó, trong cùng nhóm: nó là lời hướng dẫn của câu ấy"


def read_xlsform(path: Path) -> Checklist:
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ChecklistError(f"{source}: không đọc được tệp ({exc.strerror})") from None
    try:
        book = get_xlsform(BytesIO(data), file_type=".xlsx")
    except PyXFormError as exc:
        raise ChecklistError(f"{source}: không đọc được bảng tính Excel ({cells.one_line(exc)})") from None
    checklist = _Reader(source, book).checklist()
    try:
        convert(BytesIO(data), file_type=".xlsx")
    except PyXFormError as exc:
        raise ChecklistError(f"{source}: pyxform không chuyển được biểu mẫu này ({cells.one_line(exc)})") from None
    return checklist


@dataclass
class _Open:
    """An area being read: its begin_group row (None for questions outside any group) and its items."""

    row: Row | None
    show_if: Condition | None
    items: list[Item] = field(default_factory=list)


class _Reader(Sheets):
    def __init__(self, source: str, book: DefinitionData) -> None:
        super().__init__(source, book)
        self._lists: dict[str, list[Row]] = {}
        for row in self.choices:
            self._lists.setdefault(row.get("list_name") or "", []).append(row)
        self._options: dict[str, list[Option]] = {}
        self._names: dict[str, Row] = {}
        for row in self.survey:
            self._names.setdefault(row.get("name") or "", row)
        self._groups = {
            item_id(r.get("name") or "") for r in self.survey if cells.kind(r.get("type") or "")[0] == "begin_group"
        }
        self._items: dict[str, Item] = {}  # by XLSForm name, as they are read
        self._item_rows: dict[str, Row] = {}  # by id
        self._area_rows: dict[str, Row] = {}
        self._location: Row | None = None
        self._title: tuple[str, str | None] = ("", None)

    def checklist(self) -> Checklist:
        form = settings.form_fields(self)
        self._title = (form["title"], form["title_en"])
        form["areas"] = self._walk()
        try:
            return Checklist.model_validate(form)
        except ValidationError as exc:
            raise settings.checklist_error(self, exc.errors()[0]) from None

    def _walk(self) -> list[Area]:
        """The areas in order: each group, and each run of questions outside a group."""
        areas: list[Area] = []
        open_: _Open | None = None  # the group, or the run of questions outside one, being read
        note: Row | None = None
        for row in self.survey:
            kind, list_name = self._type(row)
            if note is not None and kind not in _ASKED:
                raise self.error(note, ("type", None), _NOTE_ALONE)
            if kind == "begin_group":
                if open_ is not None and open_.row is not None:
                    nested = f"nhóm lồng trong nhóm ở dòng {open_.row.number} chưa dùng được"
                    raise self.error(
                        row, ("type", None), f"{nested}; mỗi nhóm là một lĩnh vực: đặt các nhóm nối tiếp nhau"
                    )
                if open_ is not None:
                    areas.append(self._area(open_))
                self.only(row, GROUP, "nhóm")
                open_ = _Open(row, self._show_if(row))
            elif kind == "end_group":
                if open_ is None or open_.row is None:
                    raise self.error(row, ("type", None), "end_group không có begin_group trước nó")
                self.only(row, NOTE, "end_group")
                areas.append(self._area(open_))
                open_ = None
            elif kind == "note":
                self.only(row, NOTE, "note")
                note = row
            elif kind == "geopoint":
                if self._location is not None:
                    once = f"đã có geopoint ở dòng {self._location.number}; bot hỏi vị trí một lần, ở đầu phiên"
                    raise self.error(row, ("type", None), once)
                self._location = row
            elif kind in _ASKED:
                open_ = open_ or _Open(None, None)
                open_.items.append(self._item(row, kind, list_name, note))
                note = None
        if note is not None:
            raise self.error(note, ("type", None), _NOTE_ALONE)
        if open_ is not None and open_.row is not None:
            raise self.error(open_.row, ("type", None), "nhóm không có end_group")
        if open_ is not None:
            areas.append(self._area(open_))
        return areas

    def _type(self, row: Row) -> tuple[str, str | None]:
        text = row.get("type")
        if text is None:
            raise self.error(row, ("type", None), f"thiếu type; dùng một trong: {_TYPES_ACCEPTED}")
        kind, rest = cells.kind(text)
        if kind in ("begin_repeat", "end_repeat"):
            raise self.error(
                row, ("type", None), "chưa dùng được nhóm lặp (repeat): mỗi câu chỉ hỏi một lần; dùng begin_group"
            )
        if kind == "calculate":
            raise self.error(row, ("type", None), "bot không tính toán (calculate); xóa dòng này")
        if kind in ("select_one", "select_multiple"):
            if [word.lower() for word in rest[1:]] == ["or_other"]:
                raise self.error(row, ("type", None), "chưa dùng được or_other; thêm lựa chọn «Khác» vào danh sách")
            if len(rest) != 1:
                raise self.error(row, ("type", None), f"ghi {kind} <tên danh sách ở trang choices>")
            return kind, rest[0]
        if rest or kind not in {*_ASKED, "begin_group", "end_group", "note", "geopoint", *_METADATA}:
            raise self.error(row, ("type", None), f"kiểu «{text}» chưa dùng được; dùng một trong: {_TYPES_ACCEPTED}")
        return kind, None

    def _item(self, row: Row, kind: str, list_name: str | None, note: Row | None) -> Item:
        item_type, options = self._question_type(row, kind, list_name)
        allowed = QUESTION | (cells.NUMBER if item_type in NUMERIC else frozenset())
        allowed |= (
            cells.RATING
            if item_type is ItemType.RATING
            else cells.IMAGE
            if item_type is ItemType.PHOTO
            else frozenset()
        )
        self.only(row, allowed, f"câu {row.get('type')}")
        self.cell(row, ("parameters", None), cells.max_pixels)
        name, id_ = self._id(row, self._item_rows, "câu hỏi")
        prompt, prompt_en = self.texts(row, "label", "câu hỏi")
        if prompt is None:
            raise self.error(row, ("label", "vi"), "thiếu label (câu hỏi)")
        help_, help_en = self.texts(row, "hint", "hướng dẫn")
        intro, intro_en = self.texts(note, "label", "hướng dẫn") if note else (None, None)
        if note is not None and intro is None:
            raise self.error(note, ("label", "vi"), "note cần label: lời hướng dẫn trước câu hỏi sau nó")
        low, high = self.cell(row, ("constraint", None), parse_constraint) or (None, None)
        if low is not None and high is not None and low > high:
            raise self.error(row, ("constraint", None), "giới hạn dưới lớn hơn giới hạn trên")
        data = {
            "id": id_,
            "prompt": prompt,
            "prompt_en": prompt_en,
            "type": item_type,
            "required": self.cell(row, ("required", None), cells.required) or False,
            "options": options,
            "help": help_,
            "help_en": help_en,
            "basis": row.get(BASIS),
            "intro": intro,
            "intro_en": intro_en,
            "weight": self.cell(row, (WEIGHT, None), cells.number),
            "min": low,
            "max": high,
            "unit": row.get(UNIT),
            "photo": self.cell(row, (PHOTO, None), cells.photo),
            "show_if": self._show_if(row),
        }

        def at(field_name: str) -> tuple[Row, Key]:
            if field_name in ("intro", "intro_en") and note is not None:
                return note, ("label", "en" if field_name == "intro_en" else "vi")
            return row, _ITEM_FIELDS.get(field_name, ("type", None))

        item = self.validated(Item, data, at)
        self._items[name] = item
        self._item_rows[id_] = row
        return item

    def _question_type(self, row: Row, kind: str, list_name: str | None) -> tuple[ItemType, list[Option] | None]:
        """A select of the four ratings is a rating, of yes and no a yes/no question; any other list is
        a choice of its options."""
        if list_name is None:
            return TYPES[kind], None
        rows = self._lists.get(list_name)
        if rows is None:
            raise self.error(row, ("type", None), f"không có danh sách «{list_name}» ở trang choices")
        names = [choice.get("name") or "" for choice in rows]
        if kind == "select_one" and len(names) == len(VERDICTS) and set(names) == set(VERDICTS):
            return ItemType.RATING, None
        if kind == "select_one" and sorted(names) == [Value.NO, Value.YES]:
            return ItemType.YESNO, None
        options = self._options_of(list_name, rows)
        if not 2 <= len(options) <= OPTIONS_MAX:
            many = f"danh sách «{list_name}» có {len(options)} lựa chọn; cần từ 2 đến {OPTIONS_MAX}"
            raise self.error(row, ("type", None), many)
        return (ItemType.CHOICE if kind == "select_one" else ItemType.CHOICES), options

    def _options_of(self, list_name: str, rows: list[Row]) -> list[Option]:
        if list_name in self._options:
            return self._options[list_name]
        options: list[Option] = []
        seen: dict[str, Row] = {}
        for row in rows:
            self.choice_cells(row)
            value = row.get("name")
            if value is None or not re.fullmatch(OPTION_PATTERN, value):
                chars = "tên lựa chọn gồm chữ cái không dấu, số, '_', '-' hoặc '.', không dấu cách (tối đa 40 ký tự)"
                raise self.error(row, ("name", None), chars)
            if value in seen:
                raise self.error(row, ("name", None), f"trùng với lựa chọn ở dòng {seen[value].number}")
            seen[value] = row
            label, label_en = self.texts(row, "label", "lựa chọn")
            if label is None:
                raise self.error(row, ("label", "vi"), "thiếu label (lựa chọn)")
            data = {"value": value, "label": label, "label_en": label_en}
            options.append(self.validated(Option, data, _at(row, _OPTION_FIELDS)))
        self._options[list_name] = options
        return options

    def _id(self, row: Row, seen: dict[str, Row], what: str) -> tuple[str, str]:
        name = row.get("name")
        if name is None:
            raise self.error(row, ("name", None), f"thiếu name (mã {what})")
        converted = item_id(name)
        if converted is None:
            bad = f"«{name}» không đổi được thành mã: dùng chữ không dấu, số, '-', '_', '.' (tối đa 40 ký tự)"
            raise self.error(row, ("name", None), bad)
        if converted in seen:
            raise self.error(row, ("name", None), f"mã «{converted}» trùng với {what} ở dòng {seen[converted].number}")
        return name, converted

    def _show_if(self, row: Row) -> Condition | None:
        return self.cell(
            row, ("relevant", None), lambda text: parse_relevant(text, lambda clause: self._rule(row, clause))
        )

    def _rule(self, row: Row, clause: Clause) -> Rule:
        item = self._items.get(clause.name)
        if item is None:
            other = self._names.get(clause.name)
            if other is None:
                raise Refusal(f"không có câu hỏi nào tên «{clause.name}»")
            if other.number == row.number:
                raise Refusal(f"điều kiện không thể dùng chính câu «{clause.name}»")
            if other.number > row.number:
                raise Refusal(
                    f"«{clause.name}» (dòng {other.number}) được hỏi sau; điều kiện chỉ dùng câu hỏi hỏi trước"
                )
            raise Refusal(f"«{clause.name}» (dòng {other.number}) là {other.get('type')}, không phải câu hỏi được hỏi")
        if item.type not in CHOSEN:
            raise Refusal(
                f"«{clause.name}» là câu {item.type.value}; điều kiện chỉ dùng câu select_one hoặc select_multiple"
            )
        if clause.value not in item.values():
            raise Refusal(
                f"'{clause.value}' không phải lựa chọn của «{clause.name}» ({', '.join(sorted(item.values()))})"
            )
        if item.type is ItemType.CHOICES and not clause.selected:
            said = f"selected(${{{clause.name}}}, '{clause.value}')"
            raise Refusal(
                f"«{clause.name}» chọn được nhiều lựa chọn: dùng {f'not({said})' if clause.negated else said}"
            )
        return Rule.model_validate({"item": item.id, "not_in" if clause.negated else "in": [clause.value]})

    def _area(self, open_: _Open) -> Area:
        row = open_.row
        if row is None:
            taken = self._groups | set(self._area_rows)
            id_ = next(id_ for id_ in (_LOOSE, *(f"{_LOOSE}-{n}" for n in range(2, 40))) if id_ not in taken)
            self._area_rows[id_] = self._item_rows[open_.items[0].id]
            form_title, form_title_en = self._title
            data: dict[str, Any] = {"id": id_, "title": form_title, "title_en": form_title_en, "items": open_.items}
            return self.validated(Area, data, lambda _: (settings.settings_row(self), ("form_title", None)))
        _, id_ = self._id(row, self._area_rows, "nhóm")
        title, title_en = self.texts(row, "label", "tên lĩnh vực")
        if title is None:
            raise self.error(row, ("label", "vi"), "nhóm cần label: tên lĩnh vực")
        if not open_.items:
            raise self.error(row, ("type", None), "nhóm không có câu hỏi nào")
        self._area_rows[id_] = row
        data = {"id": id_, "title": title, "title_en": title_en, "items": open_.items, "show_if": open_.show_if}
        return self.validated(Area, data, _at(row, _AREA_FIELDS))


def _at(row: Row, fields: dict[str, Key]) -> Callable[[str], tuple[Row, Key]]:
    """Where a field pydantic refuses was written: its column in `row`, or the row's type."""
    return lambda field_name: (row, fields.get(field_name, ("type", None)))
