"""Reading a checklist file into the model: the YAML file, or an XLSForm spreadsheet (`.xlsx`).

Administrators write these files by hand, so every mistake is reported as one line that names the
field and the line in the file (for a spreadsheet: the sheet, row and column), never as a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.checklist.errors import ChecklistError as ChecklistError
from bot.checklist.errors import explain
from bot.checklist.model import Checklist

BUNDLED_CHECKLIST = Path(__file__).parent / "bundled" / "kiem-soat-tthc.yaml"


def load_checklist(path: Path) -> Checklist:
    if path.suffix.lower() == ".xlsx":
        # pyxform takes half a second to import: only a bot handed a spreadsheet waits for it.
        from bot.checklist.xlsform import read_xlsform

        return read_xlsform(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChecklistError(f"{path}: không đọc được tệp ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ChecklistError(f"{path}: tệp phải được lưu dạng UTF-8") from None
    return parse_checklist(text, source=str(path))


def parse_checklist(text: str, source: str = "checklist") -> Checklist:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ChecklistError(f"{source}:{where}: YAML không hợp lệ ({problem})") from None
    if not isinstance(data, dict):
        raise ChecklistError(f"{source}: tệp phải là một bảng có id, version, title, areas")
    try:
        return Checklist.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = _line_of(node, loc)
        where = f" dòng {line}," if line else ""
        raise ChecklistError(f"{source}:{where} {_dotted(loc)}: {explain(error)}") from None


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(gốc)"


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Walks the composed YAML tree along a pydantic error location to find the line to blame."""
    line = node.start_mark.line + 1 if node else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == part]
            if not match:
                return line
            key, node = match[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
