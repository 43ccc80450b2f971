"""Checklist model and YAML loader.

Administrators write these files by hand, so every mistake is reported as one line that names the
field and the line in the file, never as a traceback.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"
BUNDLED_CHECKLIST = Path(__file__).parent / "checklists" / "kiem-soat-tthc.yaml"


def in_language(lang: str, vietnamese: str, english: str | None) -> str:
    """The checklist is written in Vietnamese; English wording beside it is optional, item by item."""
    return english if lang == "en" and english else vietnamese


class ItemType(StrEnum):
    RATING = "rating"
    YESNO = "yesno"
    TEXT = "text"
    NUMBER = "number"
    PHOTO = "photo"


class PhotoRule(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    prompt: str = Field(min_length=3, max_length=600)
    prompt_en: str | None = Field(default=None, min_length=3, max_length=600)
    type: ItemType
    photo: PhotoRule = PhotoRule.NONE
    required: bool = True

    @model_validator(mode="after")
    def _photo_items_take_photos(self) -> Item:
        """A `photo` item with `photo: none` could never be answered; treat it as optional evidence."""
        if self.type is ItemType.PHOTO and self.photo is PhotoRule.NONE:
            object.__setattr__(self, "photo", PhotoRule.REQUIRED if self.required else PhotoRule.OPTIONAL)
        return self

    @property
    def takes_photos(self) -> bool:
        return self.photo is not PhotoRule.NONE

    def prompt_in(self, lang: str) -> str:
        return in_language(lang, self.prompt, self.prompt_en)


class Area(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=3, max_length=300)
    title_en: str | None = Field(default=None, min_length=3, max_length=300)
    items: list[Item] = Field(min_length=1)

    def title_in(self, lang: str) -> str:
        return in_language(lang, self.title, self.title_en)


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    title: str = Field(min_length=3, max_length=300)
    title_en: str | None = Field(default=None, min_length=3, max_length=300)
    areas: list[Area] = Field(min_length=1, max_length=30)

    @field_validator("areas")
    @classmethod
    def _unique_ids(cls, areas: list[Area]) -> list[Area]:
        """Answers are stored by item id, so an id used twice would merge two questions."""
        seen_areas: set[str] = set()
        seen_items: set[str] = set()
        for area in areas:
            if area.id in seen_areas:
                raise ValueError(f"mã mục '{area.id}' bị trùng")
            seen_areas.add(area.id)
            for item in area.items:
                if item.id in seen_items:
                    raise ValueError(f"mã câu hỏi '{item.id}' bị trùng")
                seen_items.add(item.id)
        return areas

    @cached_property
    def positions(self) -> list[tuple[int, int]]:
        """Flat position -> (area index, item index); the conversation cursor is a flat position."""
        return [(a, i) for a, area in enumerate(self.areas) for i in range(len(area.items))]

    @cached_property
    def _by_id(self) -> dict[str, tuple[int, Area, Item]]:
        index: dict[str, tuple[int, Area, Item]] = {}
        for pos, (a, i) in enumerate(self.positions):
            area = self.areas[a]
            index[area.items[i].id] = (pos, area, area.items[i])
        return index

    @property
    def item_count(self) -> int:
        return len(self.positions)

    def at(self, pos: int) -> tuple[int, Area, int, Item]:
        """Area index, area, item index within the area, item — for a flat position."""
        a, i = self.positions[pos]
        area = self.areas[a]
        return a, area, i, area.items[i]

    def find(self, item_id: str) -> tuple[int, Area, Item] | None:
        return self._by_id.get(item_id)

    def title_in(self, lang: str) -> str:
        return in_language(lang, self.title, self.title_en)

    def canonical_json(self) -> str:
        """Stored beside inspections so that an edited file never changes what old answers meant. Absent
        translations are left out, so a checklist without them keeps the body it was stored with before
        translations existed."""
        return json.dumps(self.model_dump(mode="json", exclude_none=True), ensure_ascii=False, sort_keys=True)


class ChecklistError(Exception):
    """One line for the administrator: file, line, field and what is wrong."""


def load_checklist(path: Path) -> Checklist:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChecklistError(f"{path}: không đọc được tệp ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ChecklistError(f"{path}: tệp phải được lưu dạng UTF-8") from None
    return parse_checklist(text, source=str(path))


def parse_checklist(text: str, source: str = "checklist") -> Checklist:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ChecklistError(f"{source}:{where}: YAML không hợp lệ ({problem})") from None
    if not isinstance(data, dict):
        raise ChecklistError(f"{source}: tệp phải là một bảng có id, version, title, areas")
    try:
        return Checklist.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = _line_of(node, loc)
        where = f" dòng {line}," if line else ""
        raise ChecklistError(f"{source}:{where} {_dotted(loc)}: {_message(error)}") from None


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(gốc)"


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "thiếu trường bắt buộc"
    if kind == "extra_forbidden":
        return "trường không được hỗ trợ (kiểm tra chính tả)"
    if kind == "enum":
        return f"giá trị phải là một trong: {error['ctx']['expected']}"
    if kind == "string_pattern_mismatch":
        return "mã chỉ gồm chữ thường không dấu, số, '-' hoặc '_' (tối đa 40 ký tự)"
    if kind == "too_short":
        return "danh sách không được để trống"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return re.sub(r"\s+", " ", str(error["msg"]))


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Walks the composed YAML tree along a pydantic error location to find the line to blame."""
    line = node.start_mark.line + 1 if node else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == part]
            if not match:
                return line
            key, node = match[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
