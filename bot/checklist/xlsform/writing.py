"""Writing a checklist as an XLSForm workbook that pyxform converts and the reader reads back as it was.

Every area is a group (so the reader never has to name an area of loose questions), an item's guidance
shown before it (`intro`) is a note row just above it, and what XLSForm has no column for goes into the
columns of our own namespace. A sheet has only the columns some row uses.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.answers import VERDICTS, Value
from bot.checklist.model import OPTIONED, Checklist, Condition, Item, ItemType, PhotoRule
from bot.checklist.xlsform.columns import (
    BASIS,
    LANGUAGE_NAMES,
    NAMESPACES,
    PHOTO,
    RATING_LIST,
    SCORING,
    TITLE_EN,
    TYPES,
    UNIT,
    WEIGHT,
    YESNO_LIST,
    translated,
    xlsform_name,
)
from bot.checklist.xlsform.expressions import constraint_text, relevant_text
from bot.texts.catalogue import catalogue

Cell = str | int | float
Row = dict[str, Cell]

LABEL, LABEL_EN = translated("label", "vi"), translated("label", "en")
HINT, HINT_EN = translated("hint", "vi"), translated("hint", "en")
_SURVEY = (
    "type",
    "name",
    LABEL,
    LABEL_EN,
    HINT,
    HINT_EN,
    "required",
    "relevant",
    "constraint",
    BASIS,
    WEIGHT,
    PHOTO,
    UNIT,
)
_CHOICES = ("list_name", "name", LABEL, LABEL_EN)
_SETTINGS = ("form_id", "version", "form_title", "default_language", "namespaces", TITLE_EN, *SCORING.values())
_TYPE_NAMES = {item_type: name for name, item_type in TYPES.items()}
_WIDE = {LABEL: 60, LABEL_EN: 50, HINT: 40, HINT_EN: 30, "relevant": 40, BASIS: 30, "type": 24, "name": 24}


def write_xlsform(checklist: Checklist, path: Path) -> None:
    survey: list[Row] = []
    choices: list[Row] = []
    asked = {xlsform_name(item.id) for area in checklist.areas for item in area.items}
    for area in checklist.areas:
        group: Row = {"type": "begin_group", "name": _group_name(area.id, asked), LABEL: area.title}
        survey.append(_with(group, {LABEL_EN: area.title_en, "relevant": _relevant(checklist, area.show_if)}))
        for item in area.items:
            if item.intro:
                note: Row = {"type": "note", "name": f"{xlsform_name(item.id)}.intro", LABEL: item.intro}
                survey.append(_with(note, {LABEL_EN: item.intro_en}))
            survey.append(_question(checklist, item))
            if item.options:
                choices.extend(
                    _with(
                        {"list_name": _list_of(item), "name": option.value, LABEL: option.label},
                        {LABEL_EN: option.label_en},
                    )
                    for option in item.options
                )
        survey.append({"type": "end_group"})
    used = {row["type"] for row in survey}
    for list_name, values, labels in (
        (RATING_LIST, VERDICTS, "RATING_LABELS"),
        (YESNO_LIST, (Value.YES, Value.NO), "YESNO_LABELS"),
    ):
        if any(str(kind).endswith(f" {list_name}") for kind in used):
            vi, en = getattr(catalogue("vi"), labels), getattr(catalogue("en"), labels)
            choices.extend(
                {"list_name": list_name, "name": value.value, LABEL: vi[value], LABEL_EN: en[value]} for value in values
            )
    settings: Row = {
        "form_id": checklist.id,
        "version": checklist.version,
        "form_title": checklist.title,
        "default_language": LANGUAGE_NAMES["vi"],
        "namespaces": NAMESPACES,
    }
    scoring = checklist.scoring
    weights = (
        {}
        if scoring is None
        else {SCORING["pass"]: scoring.pass_, SCORING["partial"]: scoring.partial, SCORING["fail"]: scoring.fail}
    )
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    _fill(sheet, "survey", _SURVEY, survey)
    _fill(workbook.create_sheet(), "choices", _CHOICES, choices)
    _fill(workbook.create_sheet(), "settings", _SETTINGS, [_with(settings, {TITLE_EN: checklist.title_en, **weights})])
    workbook.save(path)


def _question(checklist: Checklist, item: Item) -> Row:
    photo = None
    if item.photo is not PhotoRule.NONE and item.type is not ItemType.PHOTO:
        photo = item.photo.value
    elif item.type is ItemType.PHOTO and item.photo is not (
        PhotoRule.REQUIRED if item.required else PhotoRule.OPTIONAL
    ):
        photo = item.photo.value  # what a photo item takes differs from what its `required` says by default
    row: Row = {"type": _type_of(item), "name": xlsform_name(item.id), LABEL: item.prompt}
    return _with(
        row,
        {
            LABEL_EN: item.prompt_en,
            HINT: item.help,
            HINT_EN: item.help_en,
            "required": "yes" if item.required else None,
            "relevant": _relevant(checklist, item.show_if),
            "constraint": constraint_text(item.min, item.max) or None,
            BASIS: item.basis,
            WEIGHT: item.weight,
            PHOTO: photo,
            UNIT: item.unit,
        },
    )


def _group_name(id_: str, asked: set[str]) -> str:
    """An area may share its id with an item, but XLSForm wants every name once: such a group is written
    in capitals, which the reader lower-cases back."""
    name = xlsform_name(id_)
    return name.upper() if name in asked else name


def _type_of(item: Item) -> str:
    if item.type is ItemType.RATING:
        return f"select_one {RATING_LIST}"
    if item.type is ItemType.YESNO:
        return f"select_one {YESNO_LIST}"
    if item.type in OPTIONED:
        return f"{'select_one' if item.type is ItemType.CHOICE else 'select_multiple'} {_list_of(item)}"
    return _TYPE_NAMES[item.type]


def _list_of(item: Item) -> str:
    """Each item's options are a list of its own, named so no two lists and neither fixed list meet."""
    return f"{xlsform_name(item.id)}_options"


def _relevant(checklist: Checklist, condition: Condition | None) -> str | None:
    return None if condition is None else relevant_text(condition, checklist)


def _with(row: Row, optional: dict[str, Cell | None]) -> Row:
    return {**row, **{column: value for column, value in optional.items() if value is not None}}


def _fill(sheet: Worksheet, title: str, columns: tuple[str, ...], rows: list[Row]) -> None:
    sheet.title = title
    used = [column for column in columns if any(column in row for row in rows)]
    for number, column in enumerate(used, start=1):
        sheet.cell(1, number, column).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(number)].width = _WIDE.get(column, 14)
        for row_number, row in enumerate(rows, start=2):
            value = row.get(column)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            cell = sheet.cell(row_number, number, value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that Excel would otherwise take for a formula
    sheet.freeze_panes = "A2"
