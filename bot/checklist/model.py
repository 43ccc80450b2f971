"""The checklist: areas of items, each item a question of one type, as the team's file describes it.

Version 2 of the file adds, all optional, so a version-1 file reads (and is stored) exactly as before:
conditions (`show_if`), guidance (`help`, `basis`, `intro`), weights and a `scoring` block, the types
`date`, `choice`, `choices` and `integer`, and `min`/`max`/`unit` for numbers.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.answers import VERDICTS, Value

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"
# What a choice is stored as. Several choices are stored space-separated, as ODK stores them, so a value
# holds no space.
OPTION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
OPTIONS_MAX = 20  # buttons on a phone screen; a longer list is a typed answer


def in_language(lang: str, vietnamese: str, english: str | None) -> str:
    """The checklist is written in Vietnamese; English wording beside it is optional, item by item."""
    return english if lang == "en" and english else vietnamese


def criterion(prompt: str) -> str:
    """Checklist prompts are questions to the inspector; documents and summaries state them as criteria."""
    return prompt.rstrip(" ?")


class ItemType(StrEnum):
    RATING = "rating"
    YESNO = "yesno"
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    DATE = "date"
    CHOICE = "choice"
    CHOICES = "choices"
    PHOTO = "photo"


NUMERIC = frozenset({ItemType.NUMBER, ItemType.INTEGER})
OPTIONED = frozenset({ItemType.CHOICE, ItemType.CHOICES})
# The types a condition can test: the ones answered by choosing among known values.
CHOSEN = frozenset({ItemType.RATING, ItemType.YESNO, *OPTIONED})


class PhotoRule(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Option(_Strict):
    value: str = Field(pattern=OPTION_PATTERN)
    label: str = Field(min_length=1, max_length=60)
    label_en: str | None = Field(default=None, min_length=1, max_length=60)

    def label_in(self, lang: str) -> str:
        return in_language(lang, self.label, self.label_en)


def _as_value(value: Any) -> Any:
    if isinstance(value, bool):
        return Value.YES.value if value else Value.NO.value
    return str(value) if isinstance(value, int | float) else value


class Rule(_Strict):
    """`{item: x, in: [...]}`: shown when x's answer is one of the values (for several choices, when any
    chosen is); `{item: x, not_in: [...]}`: shown unless it is, which includes x not answered."""

    item: str = Field(pattern=ID_PATTERN)
    in_: list[str] | None = Field(default=None, alias="in", min_length=1)
    not_in: list[str] | None = Field(default=None, min_length=1)

    @field_validator("in_", "not_in", mode="before")
    @classmethod
    def _as_values(cls, values: Any) -> Any:
        """YAML reads a bare `no` or `yes` as a boolean and `1` as a number; a condition means the stored
        answer, which is text."""
        if not isinstance(values, list):
            return values
        return [_as_value(value) for value in values]

    @model_validator(mode="after")
    def _one_test(self) -> Rule:
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("điều kiện cần đúng một trong 'in' hoặc 'not_in'")
        return self

    @property
    def values(self) -> list[str]:
        return self.in_ if self.in_ is not None else self.not_in or []


class AllOf(_Strict):
    all: list[Condition] = Field(min_length=1, max_length=10)


class AnyOf(_Strict):
    any: list[Condition] = Field(min_length=1, max_length=10)


Condition = Rule | AllOf | AnyOf
AllOf.model_rebuild()
AnyOf.model_rebuild()


def rules_of(condition: Condition | None) -> list[Rule]:
    if condition is None:
        return []
    if isinstance(condition, Rule):
        return [condition]
    parts = condition.all if isinstance(condition, AllOf) else condition.any
    return [rule for part in parts for rule in rules_of(part)]


class Scoring(_Strict):
    """What each rating counts for; an area's score is the weighted sum over its applicable criteria,
    as a share of what they would count for had all passed."""

    pass_: float = Field(default=1, alias="pass", gt=0, le=100)
    partial: float = Field(default=0.5, ge=0, le=100)
    fail: float = Field(default=0, ge=0, le=100)

    def of(self, value: str) -> float | None:
        """What a rating counts for; None for "Không áp dụng" (or anything not a rating), which counts for
        nothing either way."""
        counts = {Value.PASS.value: self.pass_, Value.PARTIAL.value: self.partial, Value.FAIL.value: self.fail}
        return counts.get(value)


class Item(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    prompt: str = Field(min_length=3, max_length=600)
    prompt_en: str | None = Field(default=None, min_length=3, max_length=600)
    type: ItemType
    photo: PhotoRule = PhotoRule.NONE
    required: bool = True
    options: list[Option] | None = Field(default=None, min_length=2, max_length=OPTIONS_MAX)
    help: str | None = Field(default=None, min_length=3, max_length=1000)
    help_en: str | None = Field(default=None, min_length=3, max_length=1000)
    basis: str | None = Field(default=None, min_length=3, max_length=300)
    intro: str | None = Field(default=None, min_length=3, max_length=1000)
    intro_en: str | None = Field(default=None, min_length=3, max_length=1000)
    weight: float | None = Field(default=None, ge=0, le=100)
    min: float | None = None
    max: float | None = None
    unit: str | None = Field(default=None, min_length=1, max_length=20)
    show_if: Condition | None = None

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Item:
        """A `photo` item with `photo: none` could never be answered; treat it as optional evidence. The
        other checks refuse a field the type would silently ignore."""
        if self.type is ItemType.PHOTO and self.photo is PhotoRule.NONE:
            object.__setattr__(self, "photo", PhotoRule.REQUIRED if self.required else PhotoRule.OPTIONAL)
        if (self.options is not None) != (self.type in OPTIONED):
            raise ValueError("'options' chỉ dùng cho, và bắt buộc với, type choice hoặc choices")
        if self.options is not None:
            values = [option.value for option in self.options]
            if len(set(values)) != len(values):
                raise ValueError("các lựa chọn trong 'options' phải có 'value' khác nhau")
        if self.type not in NUMERIC and (self.min is not None or self.max is not None or self.unit is not None):
            raise ValueError("'min', 'max', 'unit' chỉ dùng cho type number hoặc integer")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' phải nhỏ hơn hoặc bằng 'max'")
        if self.weight is not None and self.type is not ItemType.RATING:
            raise ValueError("'weight' chỉ dùng cho type rating (tiêu chí được chấm điểm)")
        return self

    @property
    def takes_photos(self) -> bool:
        return self.photo is not PhotoRule.NONE

    @property
    def weighs(self) -> float:
        return 1.0 if self.weight is None else self.weight

    @property
    def guided(self) -> bool:
        """Whether the «❓» button has anything to show."""
        return bool(self.help or self.basis)

    def prompt_in(self, lang: str) -> str:
        return in_language(lang, self.prompt, self.prompt_en)

    def heading(self) -> str:
        """The item as a column of figures is headed: its criterion, with the unit its numbers are in
        ("Tỷ lệ hồ sơ đúng hạn (%)"); a unit written into the prompt, as version 1 did, is there already."""
        return criterion(self.prompt) + (f" ({self.unit})" if self.unit else "")

    def help_in(self, lang: str) -> str | None:
        return in_language(lang, self.help, self.help_en) if self.help else None

    def intro_in(self, lang: str) -> str | None:
        return in_language(lang, self.intro, self.intro_en) if self.intro else None

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options or [] if option.value == value), None)

    def values(self) -> frozenset[str]:
        """What a condition on this item may test."""
        if self.type is ItemType.RATING:
            return frozenset(VERDICTS)
        if self.type is ItemType.YESNO:
            return frozenset({Value.YES, Value.NO})
        return frozenset(option.value for option in self.options or [])


class Area(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=3, max_length=300)
    title_en: str | None = Field(default=None, min_length=3, max_length=300)
    items: list[Item] = Field(min_length=1)
    show_if: Condition | None = None

    def title_in(self, lang: str) -> str:
        return in_language(lang, self.title, self.title_en)


class Checklist(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    title: str = Field(min_length=3, max_length=300)
    title_en: str | None = Field(default=None, min_length=3, max_length=300)
    scoring: Scoring | None = None
    areas: list[Area] = Field(min_length=1, max_length=30)

    @field_validator("areas")
    @classmethod
    def _unique_ids(cls, areas: list[Area]) -> list[Area]:
        """Answers are stored by item id, so an id used twice would merge two questions. A condition
        tests an item asked before it, with a value that item can have, so the file says what it means
        and the conversation can decide, question by question, what comes next."""
        seen_areas: set[str] = set()
        seen_items: dict[str, Item] = {}
        for area in areas:
            if area.id in seen_areas:
                raise ValueError(f"mã mục '{area.id}' bị trùng")
            seen_areas.add(area.id)
            _check_condition(area.show_if, seen_items, f"lĩnh vực '{area.id}'")
            for item in area.items:
                if item.id in seen_items:
                    raise ValueError(f"mã câu hỏi '{item.id}' bị trùng")
                _check_condition(item.show_if, seen_items, f"câu hỏi '{item.id}'")
                seen_items[item.id] = item
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

    @cached_property
    def conditional(self) -> bool:
        """Whether any area or item has a condition; asked on every tap, so worked out once."""
        return any(area.show_if or any(item.show_if for item in area.items) for area in self.areas)

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
        optional fields are left out, so a checklist without them keeps the body it was stored with
        before they existed."""
        body = self.model_dump(mode="json", exclude_none=True, by_alias=True)
        return json.dumps(body, ensure_ascii=False, sort_keys=True)


def _check_condition(condition: Condition | None, earlier: dict[str, Item], where: str) -> None:
    for rule in rules_of(condition):
        tested = earlier.get(rule.item)
        if tested is None:
            raise ValueError(f"điều kiện của {where} dùng '{rule.item}', không phải một câu hỏi hỏi trước nó")
        if tested.type not in CHOSEN:
            raise ValueError(
                f"điều kiện của {where} dùng '{rule.item}' (type {tested.type.value}); "
                "chỉ dùng được câu hỏi rating, yesno, choice hoặc choices"
            )
        unknown = [value for value in rule.values if value not in tested.values()]
        if unknown:
            allowed = ", ".join(sorted(tested.values()))
            raise ValueError(
                f"điều kiện của {where}: '{unknown[0]}' không phải câu trả lời của '{rule.item}' ({allowed})"
            )
