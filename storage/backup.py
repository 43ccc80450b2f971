"""Database copies and health checks that are safe while the bot is running.

These use the standard `sqlite3` module in a worker thread rather than the bot's aiosqlite connection:
a copy or a check must never queue behind (or hold up) the engine's transactions, and WAL mode lets a
separate reader see one consistent snapshot while the bot keeps writing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_MS = 5000


class BackupError(Exception):
    """A database or backup file cannot be used as asked; the message is one line for the operator."""


@dataclass(frozen=True)
class StoredPhoto:
    """What the database promises about one photo file, so the file can be verified against it."""

    id: int
    owner: str  # what the photo is evidence for, as the operator reads it
    sha256: str
    size: int
    path: str


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """`sqlite3.connect` would silently create an empty database for a mistyped path."""
    if not path.is_file():
        raise BackupError(f"Không có cơ sở dữ liệu ở {path}.")
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        yield connection
    finally:
        connection.close()


def create_temporary(target: Path) -> tuple[int, Path]:
    """An open, new, hidden file next to `target`, to be renamed onto it once complete.

    Unlike `tempfile.mkstemp` (always 0600) the mode follows the umask, like every other file in
    DATA_DIR, so a backup can be read by whoever may read the data, e.g. a container's own user.
    """
    while True:
        path = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue


def fsync_directory(directory: Path) -> None:
    """A rename is durable only once the directory entry itself reaches the disk."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy(source: Path, destination: Path) -> None:
    with _connect(source) as live:
        copy = sqlite3.connect(destination)
        try:
            # One step (pages=-1) copies every page inside a single read transaction, so the copy is
            # one committed state even while the bot commits on its own connection.
            live.backup(copy)
            # The copied header says WAL; switching to a rollback journal folds everything into the
            # main file, so the copy stands alone and can be opened read-only or moved anywhere.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    with open(destination, "rb") as handle:
        os.fsync(handle.fileno())


def copy_database(source: Path, target: Path) -> None:
    """Blocking form of `backup_database`, for callers already in a worker thread."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = create_temporary(target)
    os.close(descriptor)
    try:
        _copy(source, temporary)
        os.replace(temporary, target)
    except sqlite3.Error as error:
        temporary.unlink(missing_ok=True)
        raise BackupError(f"Không sao chép được cơ sở dữ liệu {source}: {error}") from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(target.parent)


async def backup_database(source: Path, target: Path) -> None:
    """Copies a live database to `target`, which appears complete or not at all."""
    await asyncio.to_thread(copy_database, source, target)


def check_database(path: Path) -> list[str]:
    """Problems SQLite itself can see: damaged pages or indexes, and rows pointing at missing rows.

    `foreign_key_check` matters because the bot's connection enforces foreign keys but a database
    edited by hand or restored from a bad copy may not have.
    """
    try:
        with _connect(path) as connection:
            integrity = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
            orphans = list(connection.execute("PRAGMA foreign_key_check"))
    except sqlite3.DatabaseError as error:
        return [f"Không đọc được cơ sở dữ liệu {path}: {error}"]
    problems = [f"Cơ sở dữ liệu hỏng (integrity_check): {line}" for line in integrity if line != "ok"]
    problems += [
        f"Bảng {table} dòng {rowid} trỏ tới dòng không tồn tại trong bảng {parent}"
        for table, rowid, parent, _ in orphans
    ]
    return problems


def list_photos(path: Path) -> list[StoredPhoto]:
    """Every photo file the database refers to: inspection evidence in the order it arrived, then the
    proofs that follow-ups were fixed (a database from before follow-ups existed has none)."""
    try:
        with _connect(path) as connection:
            rows = connection.execute(
                "SELECT id, 'phiên #' || inspection_id, sha256, size, path FROM photos ORDER BY id"
            ).fetchall()
            proofs = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'followup_photos'"
            ).fetchone()
            if proofs:
                rows += connection.execute(
                    """SELECT id, 'đề nghị khắc phục #' || followup_id, sha256, size, path
                       FROM followup_photos ORDER BY id"""
                ).fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Không đọc được danh sách ảnh trong {path}: {error}") from None
    return [StoredPhoto(*row) for row in rows]
