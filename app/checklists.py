"""`python -m bot checklist check | import | export`: a checklist file checked and outlined, an XLSForm
turned into the YAML file, a checklist written as an XLSForm. No token, no settings: an administrator
runs these on a laptop before handing the file to the bot.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.checklist.errors import ChecklistError
from bot.checklist.kinds import number_text, value_label
from bot.checklist.loader import load_checklist
from bot.checklist.model import AllOf, AnyOf, Checklist, Condition, Item, ItemType, PhotoRule
from bot.texts.catalogue import VI

_TYPE_WORDS = {
    ItemType.RATING: "đánh giá",
    ItemType.YESNO: "có/không",
    ItemType.TEXT: "ghi chữ",
    ItemType.NUMBER: "số",
    ItemType.INTEGER: "số nguyên",
    ItemType.DATE: "ngày",
    ItemType.CHOICE: "chọn một",
    ItemType.CHOICES: "chọn nhiều",
    ItemType.PHOTO: "ảnh",
}


def run(action: str, source: Path, output: Path | None) -> int:
    checklist = load_checklist(source)
    if action == "check":
        print("\n".join(outline(checklist)))
        return 0
    assert output is not None
    if action == "import":
        _suffix(output, (".yaml", ".yml"))
        _write(output, lambda: output.write_text(checklist_yaml(checklist, source), encoding="utf-8"))
    else:
        # pyxform takes half a second to import: `python -m bot` itself should not wait for it.
        from bot.checklist.xlsform import read_xlsform, write_xlsform

        _suffix(output, (".xlsx",))
        _write(output, lambda: write_xlsform(checklist, output))
        try:
            read_xlsform(output)  # pyxform converts it, and it reads back
        except ChecklistError:
            output.unlink()
            raise
    print(f"Đã ghi {output}: {checklist.title} — {_counts(checklist)}.")
    return 0


def outline(checklist: Checklist) -> list[str]:
    """The checklist as an administrator checks it: every area and item numbered as the chat numbers
    them, with its type, whether it must be answered, its photos and when it is asked."""
    numbers = {item.id: f"{a}.{i}" for a, area in enumerate(checklist.areas, 1) for i, item in enumerate(area.items, 1)}
    scoring = checklist.scoring
    lines = [checklist.title, f"Mã {checklist.id}, phiên bản {checklist.version}."]
    if scoring is not None:
        weights = {"pass": scoring.pass_, "partial": scoring.partial, "fail": scoring.fail}
        lines[-1] += " Tính điểm: " + ", ".join(f"{VI.RATING_LABELS[k]} {_number(v)}" for k, v in weights.items()) + "."
    for a, area in enumerate(checklist.areas, 1):
        when = f", chỉ hỏi khi {_words(area.show_if, checklist, numbers)}" if area.show_if else ""
        lines.append(f"{a}. {area.title} — {len(area.items)} câu{when}")
        lines.extend(
            f"   {numbers[item.id]} {item.prompt} — {_traits(item, checklist, numbers)}" for item in area.items
        )
    lines.append(f"Hợp lệ: {_counts(checklist)}.")
    return lines


def checklist_yaml(checklist: Checklist, source: Path) -> str:
    """The YAML file of a checklist: fields in the model's order, only those that differ from their
    default (a `scoring` block in full, since having one is what turns scores on), diacritics as written."""
    body = checklist.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if checklist.scoring is not None:
        body["scoring"] = checklist.scoring.model_dump(by_alias=True)
    head = f"# Bảng kiểm chuyển từ {source.name} bằng python -m bot checklist import.\n"
    head += "# Mỗi lần sửa nội dung, tăng version thêm 1.\n"
    return head + yaml.dump(_tidy(body), Dumper=_Indented, allow_unicode=True, sort_keys=False, width=1000)


class _Indented(yaml.SafeDumper):
    """Lists indented under their key, as the bundled file and most hand-written YAML has them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _traits(item: Item, checklist: Checklist, numbers: dict[str, str]) -> str:
    kind = _TYPE_WORDS[item.type]
    if item.options:
        kind += ": " + " / ".join(option.label for option in item.options)
    bounds = [
        f"từ {_number(item.min)}" if item.min is not None else "",
        f"đến {_number(item.max)}" if item.max is not None else "",
    ]
    traits = [" ".join(part for part in (kind, *bounds, item.unit or "") if part)]
    if item.weight is not None:
        traits.append(f"trọng số {_number(item.weight)}")
    traits.append("bắt buộc" if item.required else "không bắt buộc")
    if item.type is not ItemType.PHOTO and item.takes_photos:
        traits.append("cần ảnh" if item.photo is PhotoRule.REQUIRED else "có thể kèm ảnh")
    if item.show_if:
        traits.append(f"chỉ hỏi khi {_words(item.show_if, checklist, numbers)}")
    return ", ".join(traits)


def _words(condition: Condition, checklist: Checklist, numbers: dict[str, str], nested: bool = False) -> str:
    """`2.1 = Có`, `3.2 có chọn Hòm thư`, `(2.1 = Có hoặc 2.3 ≠ Đạt) và 4.1 = Một phần`."""
    if isinstance(condition, AllOf | AnyOf):
        parts, joiner = (condition.all, " và ") if isinstance(condition, AllOf) else (condition.any, " hoặc ")
        text = joiner.join(_words(part, checklist, numbers, nested=True) for part in parts)
        return f"({text})" if nested else text
    found = checklist.find(condition.item)
    assert found is not None
    item, number = found[2], numbers[condition.item]
    labels = [value_label(VI, item, value) for value in condition.values]
    if item.type is ItemType.CHOICES:
        return f"{number} {'có chọn' if condition.in_ else 'không chọn'} {' hoặc '.join(labels)}"
    if condition.in_:
        return f"{number} = {' hoặc '.join(labels)}"
    return f"{number} ≠ {' và ≠ '.join(labels)}"


def _counts(checklist: Checklist) -> str:
    items = [item for area in checklist.areas for item in area.items]
    required = sum(item.required for item in items)
    photos = sum(item.photo is PhotoRule.REQUIRED for item in items)
    conditional = sum(item.show_if is not None for item in items) + sum(
        area.show_if is not None for area in checklist.areas
    )
    return (
        f"{len(checklist.areas)} mục, {len(items)} câu ({required} bắt buộc), {photos} câu cần ảnh, "
        f"{conditional} câu hoặc mục có điều kiện"
    )


def _number(value: float) -> str:
    return number_text(str(int(value)) if value.is_integer() else repr(value), "vi")


def _tidy(node: Any) -> Any:
    """`0` rather than `0.0` for a whole number, so the file reads as it would be written by hand."""
    if isinstance(node, dict):
        return {key: _tidy(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_tidy(value) for value in node]
    return int(node) if isinstance(node, float) and node.is_integer() else node


def _suffix(output: Path, suffixes: tuple[str, ...]) -> None:
    if output.suffix.lower() not in suffixes:
        raise ChecklistError(f"{output}: tên tệp ghi ra phải có đuôi {' hoặc '.join(suffixes)}")


def _write(output: Path, write: Callable[[], object]) -> None:
    try:
        write()
    except OSError as exc:
        raise ChecklistError(f"{output}: không ghi được tệp ({exc.strerror})") from None
