"""What each question type does, asked of its kind: one place per type."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answers import Value
from bot.checklist.kinds import KINDS, kind_of, parse_date, parse_number, value_label
from bot.checklist.model import Item, ItemType, Option
from bot.texts.catalogue import VI, catalogue

EN = catalogue("en")
OPTIONS = [
    Option(value="bang", label="Bảng niêm yết"),
    Option(value="so", label="Sổ"),
    Option(value="man-hinh", label="Màn hình cảm ứng", label_en="Touch screen"),
]
CHOICE = Item(id="hinh-thuc", prompt="Hình thức niêm yết?", type=ItemType.CHOICE, options=OPTIONS)
CHOICES = Item(id="cac-hinh-thuc", prompt="Các hình thức niêm yết?", type=ItemType.CHOICES, options=OPTIONS)
RATE = Item(id="ty-le", prompt="Tỷ lệ hồ sơ đúng hạn?", type=ItemType.NUMBER, min=0, max=100, unit="%")


def test_every_type_has_its_kind_and_every_button_its_label() -> None:
    assert set(KINDS) == set(ItemType)
    for item_type in (ItemType.RATING, ItemType.YESNO):
        item = Item(id="x", prompt="Câu hỏi?", type=item_type)
        for arg, label in kind_of(item).buttons(VI, item, None):
            assert label != arg, f"{arg} has no wording"
            assert kind_of(item).pressed(item, arg, None) == arg


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
    read = kind_of(number).read(VI, number, "97,5 %")
    assert read.value == "97.5" and read.reply is not None and "97,5" in read.reply  # as the inspector wrote it
    refused = kind_of(number).read(VI, number, "<b>nhiều</b>")
    assert refused.value is None and refused.reply is not None and "&lt;b&gt;" in refused.reply
    assert kind_of(text).read(VI, text, "Đủ hồ sơ").value == "Đủ hồ sơ"
    assert kind_of(rating).read(VI, rating, "đạt").value is None  # a choice is made with its buttons
    assert kind_of(rating).rated and Value.NA in [arg for arg, _ in kind_of(rating).buttons(VI, rating, None)]


@pytest.mark.parametrize(("typed", "stored"), [("0", "0"), ("97,5", "97.5"), ("100", "100"), ("100%", "100")])
def test_a_percentage_within_its_bounds_is_kept(typed: str, stored: str) -> None:
    assert kind_of(RATE).read(VI, RATE, typed).value == stored


@pytest.mark.parametrize("typed", ["120", "-1", "100,5"])
def test_a_percentage_past_its_bounds_is_refused_saying_the_bounds(typed: str) -> None:
    read = kind_of(RATE).read(VI, RATE, typed)
    assert read.value is None and read.reply is not None
    assert "từ 0 % đến 100 %" in read.reply


def test_a_number_is_worded_with_the_unit_the_file_names() -> None:
    assert value_label(VI, RATE, "97.5") == "97,5 %"
    assert value_label(EN, RATE, "1234.5") == "1,234.5 %"
    late = Item(id="so", prompt="Số hồ sơ quá hạn (hồ sơ)?", type=ItemType.NUMBER)
    assert value_label(VI, late, "3") == "3 hồ sơ"  # a unit in brackets at the end of the question, as before


def test_an_integer_takes_no_fraction() -> None:
    count = Item(id="so-ho-so", prompt="Số hồ sơ?", type=ItemType.INTEGER, min=0)
    assert kind_of(count).read(VI, count, "1.234").value == "1234"
    refused = kind_of(count).read(VI, count, "12,5")
    assert refused.value is None and refused.reply is not None and "số nguyên" in refused.reply
    below = kind_of(count).read(VI, count, "-2")
    assert below.value is None and below.reply is not None and "từ 0 trở lên" in below.reply


TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("26/11/2026", date(2026, 11, 26)),
        ("26-11-2026", date(2026, 11, 26)),
        ("1.2.27", date(2027, 2, 1)),
        (" 5 / 3 / 2026 ", date(2026, 3, 5)),
        ("hôm nay", TODAY),
        ("Hôm  nay", TODAY),
        ("hom nay", TODAY),
        ("hôm qua", date(2026, 11, 25)),
        ("today", TODAY),
    ],
)
def test_dates_are_read_day_first_or_as_today(typed: str, day: date) -> None:
    assert parse_date(typed, TODAY) == day


@pytest.mark.parametrize("typed", ["31/02/2026", "2026-11-26", "26/11", "mai", "", "13/13/2026"])
def test_what_is_not_a_date_is_refused(typed: str) -> None:
    assert parse_date(typed, TODAY) is None


def test_a_date_is_stored_iso_and_shown_day_first() -> None:
    item = Item(id="ngay", prompt="Ngày ban hành kế hoạch?", type=ItemType.DATE)
    read = kind_of(item).read(VI, item, "26-11-2026")
    assert read.value == "2026-11-26" and read.reply is not None and "26/11/2026" in read.reply
    assert value_label(VI, item, "2026-11-26") == "26/11/2026"
    refused = kind_of(item).read(VI, item, "<i>sáng nay</i>")
    assert refused.value is None and refused.reply is not None and "&lt;i&gt;" in refused.reply


def test_a_choice_is_pressed_by_its_place_in_the_list() -> None:
    kind = kind_of(CHOICE)
    assert kind.buttons(VI, CHOICE, None) == [("0", "Bảng niêm yết"), ("1", "Sổ"), ("2", "Màn hình cảm ứng")]
    assert kind.buttons(EN, CHOICE, None)[2] == ("2", "Touch screen")
    assert kind.pressed(CHOICE, "2", None) == "man-hinh"
    assert kind.pressed(CHOICE, "3", None) is None and kind.pressed(CHOICE, "x", None) is None
    assert value_label(VI, CHOICE, "so") == "Sổ"


def test_several_choices_toggle_and_keep_the_files_order() -> None:
    kind = kind_of(CHOICES)
    assert kind.toggled
    first = kind.pressed(CHOICES, "2", None)
    both = kind.pressed(CHOICES, "0", first)
    assert (first, both) == ("man-hinh", "bang man-hinh")
    assert kind.buttons(VI, CHOICES, both)[0] == ("0", "☑️ Bảng niêm yết")
    assert kind.buttons(VI, CHOICES, both)[1] == ("1", "Sổ")
    assert kind.pressed(CHOICES, "0", both) == "man-hinh"
    assert kind.pressed(CHOICES, "2", "man-hinh") == ""
    assert value_label(VI, CHOICES, "bang man-hinh") == "Bảng niêm yết, Màn hình cảm ứng"
