"""Reading Bot API request parameters the way the real server does.

The server turns every parameter into a string first - whether it came as a query string, a
form-urlencoded or multipart body, or a JSON body - and then parses each one on demand: integers with
C-like leniency, booleans from ``true``/``1``, nested objects (``reply_markup``, ``media``,
``entities``...) as JSON text. Doing the same here means a bot that sends ``reply_markup`` as a Python
repr, or a number where JSON is needed, fails here as it would in production.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from aiohttp import BodyPartReader, web

from .models import ApiError, JsonDict, UploadedFile

_LEADING_INTEGER = re.compile(r"^\s*([+-]?\d+)")


def _as_text(value: Any) -> str | None:
    """How the server stringifies a JSON body value before parsing it again."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


class Args:
    """One request's parameters and uploaded files."""

    def __init__(self, values: dict[str, str], files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    @classmethod
    async def read(cls, request: web.Request) -> Args:
        values: dict[str, str] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.method == "POST" and request.body_exists:
            if request.content_type == "application/json":
                await cls._read_json(request, values)
            elif request.content_type == "multipart/form-data":
                await cls._read_multipart(request, values, files)
            else:
                form = await request.post()
                values.update({key: value for key, value in form.items() if isinstance(value, str)})
        return cls(values, files)

    @staticmethod
    async def _read_json(request: web.Request, values: dict[str, str]) -> None:
        try:
            body = json.loads(await request.text())
        except ValueError as error:
            raise ApiError.bad_request("Can't parse JSON encoded request object") from error
        if not isinstance(body, dict):
            raise ApiError.bad_request("Can't parse JSON encoded request object")
        for key, value in body.items():
            text = _as_text(value)
            if text is not None:
                values[key] = text

    @staticmethod
    async def _read_multipart(request: web.Request, values: dict[str, str], files: dict[str, UploadedFile]) -> None:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            data = await part.read(decode=False)
            if part.filename is None:
                values[part.name] = bytes(data).decode("utf-8", "replace")
            else:
                content_type = part.headers.get("Content-Type")
                files[part.name] = UploadedFile(part.name, part.filename, content_type, bytes(data))

    def snapshot(self) -> dict[str, Any]:
        """Parameters for the call log: strings, with JSON-looking values decoded for readability."""
        logged: dict[str, Any] = {}
        for key, value in self.values.items():
            logged[key] = value
            if value[:1] in ("{", "["):
                with contextlib.suppress(ValueError):
                    logged[key] = json.loads(value)
        logged.update(self.files)
        return logged

    def text(self, name: str) -> str:
        return self.values.get(name, "")

    def has(self, name: str) -> bool:
        return bool(self.values.get(name))

    def integer(self, name: str, default: int = 0, low: int | None = None, high: int | None = None) -> int:
        """Like the server: leading digits count, anything else reads as 0, then clamp."""
        raw = self.values.get(name)
        if raw is None or raw == "":
            value = default
        else:
            match = _LEADING_INTEGER.match(raw)
            value = int(match.group(1)) if match else 0
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        return value

    def flag(self, name: str) -> bool:
        return self.values.get(name, "").strip().lower() in ("true", "1", "yes")

    def json(self, name: str, what: str) -> Any:
        """Decode a JSON-valued parameter; ``what`` names it in the server's error message."""
        raw = self.values.get(name)
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError as error:
            raise ApiError.bad_request(f"Can't parse {what} JSON object") from error

    def json_object(self, name: str, what: str) -> JsonDict | None:
        value = self.json(name, what)
        if value is not None and not isinstance(value, dict):
            raise ApiError.bad_request(f"Object expected as {what}")
        return value

    def input_file(self, name: str) -> UploadedFile | str | None:
        """An upload under ``name``, or the string the bot passed (file_id, URL or ``attach://``)."""
        if name in self.files:
            return self.files[name]
        raw = self.values.get(name, "").strip()
        return self.attached(raw) if raw else None

    def attached(self, reference: str) -> UploadedFile | str | None:
        """Resolve ``attach://<part>`` to its upload (None if missing); other strings pass through."""
        if reference.startswith("attach://"):
            return self.files.get(reference[len("attach://") :])
        return reference
