"""What each question type does, asked of its kind: one place per type."""

from __future__ import annotations

import pytest

from bot.answers import Value
from bot.checklist.kinds import KINDS, kind_of, parse_number
from bot.checklist.model import Item, ItemType
from bot.texts.catalogue import VI


def test_every_type_has_its_kind_and_every_choice_its_label() -> None:
    assert set(KINDS) == set(ItemType)
    for kind in KINDS.values():
        for value in kind.choices:
            assert kind.label(VI, value) != value, f"{value} has no wording"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("95", "95"), ("95 %", "95"), ("12,5", "12.5"), ("1.234", "1234"), ("1.234,5", "1234.5"), ("-3", "-3")],
)
def test_numbers_are_read_as_vietnamese_write_them(typed: str, stored: str) -> None:
    assert parse_number(typed) == stored


@pytest.mark.parametrize("typed", ["", "mười", "1,2,3", "9" * 31, "1.2.3,4.5"])
def test_what_is_not_a_number_is_refused(typed: str) -> None:
    assert parse_number(typed) is None


def test_a_typed_answer_is_read_by_its_kind() -> None:
    number = Item(id="ty-le", prompt="Tỷ lệ hồ sơ đúng hạn?", type=ItemType.NUMBER)
    text = Item(id="ghi-chu", prompt="Ghi chú khác", type=ItemType.TEXT)
    rating = Item(id="ke-hoach", prompt="Đã ban hành kế hoạch?", type=ItemType.RATING)
    read = kind_of(number).read(VI, "97,5 %")
    assert read.value == "97.5" and read.reply is not None and "97,5" in read.reply  # as the inspector wrote it
    refused = kind_of(number).read(VI, "<b>nhiều</b>")
    assert refused.value is None and refused.reply is not None and "&lt;b&gt;" in refused.reply
    assert kind_of(text).read(VI, "Đủ hồ sơ").value == "Đủ hồ sơ"
    assert kind_of(rating).read(VI, "đạt").value is None  # a choice is made with its buttons
    assert kind_of(rating).rated and Value.NA in kind_of(rating).choices
