"""Reading lines from a terminal (or a piped answers file) and printing replies to it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import textwrap
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

PROMPT = "› "
WIDTH = 79
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")

Reader = Callable[[], Awaitable[str]]
"""The next line with its newline, or "" at the end of input, as `readline` has it."""


def show(out: TextIO, text: str) -> None:
    """Wrapped for an 80-column terminal, a list item under its own text; paths and links are never
    broken, so that they can be copied."""
    print("\n".join(_wrap(line) for line in text.split("\n")), file=out, flush=True)


def _wrap(line: str) -> str:
    if len(line) <= WIDTH:
        return line
    body = line.lstrip()
    indent = " " * (len(line) - len(body) + (2 if body.startswith("• ") else 0))
    return textwrap.fill(line, WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


def stdin_reader(stream: TextIO) -> Reader:
    """Reads each line in a daemon thread: a thread blocked in `readline` must not keep the process alive
    after Ctrl+C, as a worker of asyncio's default executor would until the next Enter."""

    def read() -> Awaitable[str]:
        line: concurrent.futures.Future[str] = concurrent.futures.Future()

        def work() -> None:
            try:
                line.set_result(stream.readline())
            except Exception as error:
                line.set_exception(error)

        threading.Thread(target=work, daemon=True).start()
        return asyncio.wrap_future(line)

    return read


def typed_path(line: str) -> Path:
    """A path as typed, or as a terminal pastes a dropped file (quoted, spaces escaped). Only `~/` is
    expanded: a note may well start with `~50%`, which names no user's home."""
    path = line.strip("'\"").replace("\\ ", " ")
    return Path.home() / path[2:] if path.startswith("~/") else Path(path)


def existing_file(line: str) -> Path | None:
    candidate = typed_path(line)
    try:
        return candidate if candidate.is_file() else None
    except (OSError, ValueError):  # a long note is no file name, however the file system words it
        return None


def looks_like_path(line: str) -> bool:
    """A mistyped photo path is better told apart than passed on as a command or an answer."""
    rooted = line.startswith(("/", "~/", "./", "../")) and "/" in line[1:]
    return rooted or typed_path(line).suffix.lower() in IMAGE_SUFFIXES
