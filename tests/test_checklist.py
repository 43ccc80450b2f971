"""The checklist loader: the bundled file is valid, and every mistake names its field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.checklist import conditions
from bot.checklist.loader import BUNDLED_CHECKLIST, ChecklistError, load_checklist, parse_checklist
from bot.checklist.model import ItemType, PhotoRule, rules_of


def test_bundled_checklist_covers_the_eight_areas_with_photo_evidence() -> None:
    checklist = load_checklist(BUNDLED_CHECKLIST)
    assert len(checklist.areas) == 8
    assert checklist.areas[2].title.startswith("Công bố, công khai")
    items = [item for area in checklist.areas for item in area.items]
    assert sum(item.takes_photos for item in items) >= 5
    # The types a KSTTHC inspection needs; date and choice are exercised by checklists of their own.
    assert {item.type for item in items} == set(ItemType) - {ItemType.DATE, ItemType.CHOICE}
    assert any(item.type is ItemType.PHOTO and item.photo is PhotoRule.REQUIRED for item in items)
    assert all(item.basis and item.prompt_en for item in items)
    assert all(item.help_en for item in items if item.help)


def test_bundled_checklist_asks_only_what_applies() -> None:
    """Drafts of procedure rules, late files and feedback each open their questions only when there were
    some: most communes have none of the three."""
    checklist = load_checklist(BUNDLED_CHECKLIST)
    gates = {
        item.id: (rule.item, rule.values)
        for area in checklist.areas
        for item in area.items
        for rule in rules_of(item.show_if)
    }
    assert checklist.version == 3 and checklist.scoring is None
    assert gates == {
        "danh-gia-tac-dong-tthc": ("co-du-thao-quy-dinh-tthc", ["yes"]),
        "lay-y-kien-tthc": ("co-du-thao-quy-dinh-tthc", ["yes"]),
        "tiep-thu-giai-trinh": ("co-du-thao-quy-dinh-tthc", ["yes"]),
        "ghi-chu-du-thao": ("co-du-thao-quy-dinh-tthc", ["yes"]),
        "so-ho-so-qua-han": ("co-ho-so-qua-han", ["yes"]),
        "phieu-xin-loi": ("co-ho-so-qua-han", ["yes"]),
        "xu-ly-dung-han": ("co-phat-sinh-phan-anh", ["yes"]),
        "cong-khai-ket-qua-xu-ly": ("co-phat-sinh-phan-anh", ["yes"]),
    }
    none = {gate: "no" for gate, _ in gates.values()}
    assert conditions.hidden(checklist, none) == frozenset(gates)
    assert conditions.hidden(checklist, {gate: "yes" for gate in none}) == frozenset()
    assert checklist.item_count - len(gates) == 34  # what a commune with none of the three is asked

    rate = checklist.find("ty-le-dung-han")
    late = checklist.find("so-ho-so-qua-han")
    assert rate is not None and late is not None
    assert (rate[2].type, rate[2].unit, rate[2].min, rate[2].max) == (ItemType.NUMBER, "%", 0, 100)
    assert (late[2].type, late[2].min) == (ItemType.INTEGER, 1)
    assert all(
        "(%)" not in item.prompt and "Nghị định" not in item.prompt for area in checklist.areas for item in area.items
    )


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
