"""The checklist loader: the bundled file is valid, and every mistake names its field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.checklist.loader import BUNDLED_CHECKLIST, ChecklistError, load_checklist, parse_checklist
from bot.checklist.model import ItemType, PhotoRule


def test_bundled_checklist_covers_the_eight_areas_with_photo_evidence() -> None:
    checklist = load_checklist(BUNDLED_CHECKLIST)
    assert len(checklist.areas) == 8
    assert checklist.areas[2].title.startswith("Công bố, công khai")
    items = [item for area in checklist.areas for item in area.items]
    assert sum(item.takes_photos for item in items) >= 5
    assert {item.type for item in items} >= {
        ItemType.RATING,
        ItemType.YESNO,
        ItemType.TEXT,
        ItemType.NUMBER,
        ItemType.PHOTO,
    }
    assert any(item.type is ItemType.PHOTO and item.photo is PhotoRule.REQUIRED for item in items)


GOOD = """id: x
version: 1
title: Thử nghiệm
areas:
  - id: a
    title: Mục A
    items:
      - id: q1
        prompt: Câu một?
        type: rating
"""


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (GOOD.replace("type: rating", "type: ratng"), "dòng 10, areas[0].items[0].type: giá trị phải là một trong"),
        (GOOD.replace("        prompt: Câu một?\n", ""), "dòng 8, areas[0].items[0].prompt: thiếu trường bắt buộc"),
        (GOOD.replace("version: 1", "version: 0"), "dòng 2, version"),
        (GOOD.replace("id: q1", "id: Câu 1"), "dòng 8, areas[0].items[0].id: mã chỉ gồm chữ thường"),
        (GOOD + "      - id: q1\n        prompt: Lặp lại?\n        type: yesno\n", "mã câu hỏi 'q1' bị trùng"),
        (GOOD.replace("type: rating", "type: rating\n        photos: optional"), "photos: trường không được hỗ trợ"),
        (GOOD.replace("title: Mục A", "title: [Mục A"), "YAML không hợp lệ"),
        ("- just\n- a list\n", "tệp phải là một bảng"),
    ],
)
def test_mistakes_are_one_line_with_field_and_line(broken: str, expected: str) -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_checklist(broken, source="ds.yaml")
    message = str(caught.value)
    assert expected in message and message.startswith("ds.yaml:") and "\n" not in message


def test_missing_file_and_wrong_encoding(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="không đọc được"):
        load_checklist(tmp_path / "none.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: Ki\u1ec3m".encode("utf-16"))
    with pytest.raises(ChecklistError, match="UTF-8"):
        load_checklist(latin)


def test_photo_item_without_photo_rule_still_collects_photos() -> None:
    checklist = parse_checklist(GOOD.replace("type: rating", "type: photo"))
    assert checklist.areas[0].items[0].photo is PhotoRule.REQUIRED
