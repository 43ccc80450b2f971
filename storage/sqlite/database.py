"""Where a SQLite database lives, and what backups, restores and checks do with it.

Copies and checks use the standard `sqlite3` module in a worker thread rather than the bot's aiosqlite
connection: a copy or a check must never queue behind (or hold up) the engine's transactions, and WAL
mode lets a separate reader see one consistent snapshot while the bot keeps writing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from storage.files import create_temporary, fsync_directory
from storage.port import BackupError, Database, StoredPhoto
from storage.sqlite.store import SqliteStore, companions

BUSY_TIMEOUT_MS = 5000


class SqliteDatabase:
    """One SQLite file (and its `-wal` and `-shm` companions while it is open)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer = asyncio.Lock()

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def copy_name(self) -> str:
        return self.path.name

    def exists(self) -> bool:
        """A leftover `-wal` file counts: SQLite would replay it into whatever database is put there."""
        return any(path.exists() for path in companions(self.path))

    async def open(self, *, durable: bool = True) -> SqliteStore:
        return await SqliteStore.open(self.path, durable=durable, writer=self._writer)

    def copy_to(self, target: Path) -> Database:
        copy_database(self.path, target)
        return SqliteDatabase(target)

    def restore_from(self, copy: Path) -> None:
        if self.exists():
            raise BackupError(f"{self.path} đã có dữ liệu; chỉ khôi phục vào một DATA_DIR mới hoặc trống.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(copy, self.path)

    def problems(self) -> list[str]:
        return check_database(self.path)

    def photos(self) -> list[StoredPhoto]:
        return list_photos(self.path)


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
    """A standalone copy of a live database; `target` appears complete or not at all."""
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
