"""The settings sheet: the checklist's id, version, titles and scoring, and where a checklist-wide
mistake is told."""

from __future__ import annotations

from typing import Any

from bot.checklist.errors import ChecklistError, explain
from bot.checklist.xlsform import cells
from bot.checklist.xlsform.cells import Key, Row, Sheets
from bot.checklist.xlsform.columns import SCORING, TITLE_EN

_MAPPED = frozenset({"form_id", "version", "form_title", "default_language", TITLE_EN, *SCORING.values()})
# Settings that say how ODK sends or shows the form, not what it asks.
_IGNORED = frozenset(
    {"namespaces", "style", "instance_name", "public_key", "submission_url", "auto_send", "auto_delete"}
)
_FIELDS: dict[str, Key] = {
    "id": ("form_id", None),
    "version": ("version", None),
    "title": ("form_title", None),
    "title_en": (TITLE_EN, None),
}


def settings_row(sheets: Sheets) -> Row:
    if not sheets.settings:
        raise ChecklistError(f"{sheets.source}: không có trang settings; cần form_id, version và form_title")
    return sheets.settings[0]


def form_fields(sheets: Sheets) -> dict[str, Any]:
    """The checklist's own fields, all but its areas."""
    row = settings_row(sheets)
    sheets.settings_cells(row, _MAPPED | _IGNORED)
    language = row.get("default_language")
    if language is not None and cells.language(language) != "vi":
        vietnamese = "bot đọc label không ghi ngôn ngữ là tiếng Việt; ghi Vietnamese (vi)"
        raise sheets.error(row, ("default_language", None), vietnamese)
    for column, what in (("form_id", "mã bảng kiểm"), ("version", "số nguyên"), ("form_title", "tên bảng kiểm")):
        if row.get(column) is None:
            raise sheets.error(row, (column, None), f"thiếu {column} ({what})")
    scoring = {value: sheets.cell(row, (column, None), cells.number) for value, column in SCORING.items()}
    return {
        "id": sheets.cell(row, ("form_id", None), cells.form_id),
        "version": sheets.cell(row, ("version", None), cells.version),
        "title": row.get("form_title"),
        "title_en": row.get(TITLE_EN),
        "scoring": {value: weight for value, weight in scoring.items() if weight is not None} or None,
    }


def checklist_error(sheets: Sheets, error: Any) -> ChecklistError:
    """A pydantic error of the checklist itself: at its settings cell, or of the survey as a whole (too
    many areas)."""
    loc = [str(part) for part in error["loc"]]
    key = (SCORING[loc[1].removesuffix("_")], None) if loc[:1] == ["scoring"] else _FIELDS.get(loc[0]) if loc else None
    if key is None:
        return ChecklistError(f"{sheets.source}: trang survey: {explain(error)}")
    return sheets.error(settings_row(sheets), key, explain(error))
