"""The checklists a bot offers: every checklist file in CHECKLIST_DIR, plus CHECKLIST_FILE.

All of them are read when the bot starts, so a file that cannot be used stops it there with the
loader's one line, instead of failing the first round that picks it.
"""

from __future__ import annotations

from pathlib import Path

from bot.checklist.loader import BUNDLED_CHECKLIST, ChecklistError, load_checklist
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions

SUFFIXES = frozenset({".yaml", ".yml", ".xlsx"})
BUNDLED_DIR = BUNDLED_CHECKLIST.parent
BUNDLED_ID = BUNDLED_CHECKLIST.stem  # the bundled file is named after its checklist's id


def checklist_files(folder: Path) -> list[Path]:
    """The checklist files of `folder` by name. Names starting with "." or "~" are the lock and backup
    files editors leave beside an open file (Excel's `~$form.xlsx`), not checklists."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise ChecklistError(f"{folder}: không đọc được thư mục bảng kiểm ({exc.strerror})") from None
    return [
        path
        for path in entries
        if path.suffix.lower() in SUFFIXES and not path.name.startswith((".", "~")) and path.is_file()
    ]


def load_catalogue(folder: Path | None, chosen: Path | None = None) -> ChecklistVersions:
    """Every checklist of `folder` and `chosen` (CHECKLIST_FILE), the default first: `chosen` if given,
    else the bundled checklist (by its id) if the folder has it, else the first by file name. Two files
    with one checklist id are refused, naming both."""
    paths = checklist_files(folder) if folder is not None else []
    if chosen is not None:
        paths = [chosen, *(path for path in paths if path.resolve() != chosen.resolve())]
    if not paths:
        raise ChecklistError(f"{folder}: không có bảng kiểm nào (tệp .yaml, .yml hoặc .xlsx)")
    files: dict[str, Path] = {}
    checklists: list[Checklist] = []
    for path in paths:
        checklist = load_checklist(path)
        if checklist.id in files:
            raise ChecklistError(
                f"{files[checklist.id]} và {path}: cùng mã bảng kiểm «{checklist.id}»; mỗi bảng kiểm cần một mã riêng"
            )
        files[checklist.id] = path
        checklists.append(checklist)
    default = 0 if chosen is not None else next((i for i, c in enumerate(checklists) if c.id == BUNDLED_ID), 0)
    return ChecklistVersions(checklists[default], checklists[:default] + checklists[default + 1 :])
