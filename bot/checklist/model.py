"""The checklist: areas of items, each item a question of one type, as the team's file describes it."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


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
