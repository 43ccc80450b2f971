"""The SQLite store: one connection, one transaction at a time, queries grouped by aggregate.

Every engine step runs inside `transaction()`, which commits the answer, the new conversation cursor
and the record of the processed update together. SQLite in WAL mode with `synchronous=FULL` keeps each
commit on disk before the bot replies, so a crash or a power cut at any moment loses nothing that was
acknowledged. A store opened with `durable=False` (`synchronous=NORMAL`, for the outbox's marks of what
was sent) commits without waiting for the disk: a crashed process loses none of it, a power cut may
undo its last commits, which only means a reply sent again.

Several stores of one database (the engine's, the inboxes', the reports') write one after another in
the process, behind one lock of their `SqliteDatabase`: SQLite would otherwise make a second writer
sleep and retry with growing pauses. Reading (`reading()`) takes no write lock at all: WAL lets a
reader see one consistent snapshot while another connection writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

import aiosqlite

from storage.files import PRIVATE_FILE, tighten
from storage.sqlite.amendments import SqliteAmendments
from storage.sqlite.delivery import SqliteDelivery
from storage.sqlite.followups import SqliteFollowUps
from storage.sqlite.inspections import SqliteInspections
from storage.sqlite.people import SqlitePeople
from storage.sqlite.photos import SqlitePhotos
from storage.sqlite.rounds import SqliteRounds
from storage.sqlite.schema import MIGRATIONS
from storage.sqlite.sharing import SqliteSharing
from storage.sqlite.teams import SqliteTeams
from storage.sqlite.trail import SqliteTrail

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)
# A task that opened a write transaction must not open another: the second would wait for the first.
_WRITING: ContextVar[bool] = ContextVar("writing", default=False)


def companions(path: Path) -> list[Path]:
    """The database file and the `-wal` and `-shm` files SQLite keeps beside it while it is open."""
    return [path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")]


def _keep_private(path: Path) -> None:
    """A new database is created 0600 before SQLite opens it, since SQLite gives its `-wal` and `-shm`
    files the mode of the database file; one left readable by an older version is tightened, with them."""
    with contextlib.suppress(FileExistsError):  # SQLite takes an empty file for a new database
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    for file in companions(path):
        tighten(file)


class SqliteTx:
    """The repositories of one connection; handed out for the length of one transaction."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.teams = SqliteTeams(db)
        self.people = SqlitePeople(db)
        self.inspections = SqliteInspections(db)
        self.photos = SqlitePhotos(db)
        self.rounds = SqliteRounds(db)
        self.followups = SqliteFollowUps(db)
        self.delivery = SqliteDelivery(db)
        self.sharing = SqliteSharing(db)
        self.amendments = SqliteAmendments(db)
        self.trail = SqliteTrail(db)


class SqliteStore:
    def __init__(self, connection: aiosqlite.Connection, writer: asyncio.Lock) -> None:
        self._db = connection
        self._lock = asyncio.Lock()
        self._writer = writer
        self._tx = SqliteTx(connection)

    @classmethod
    async def open(cls, path: Path, *, durable: bool = True, writer: asyncio.Lock | None = None) -> SqliteStore:
        """`writer` is shared by the stores of one database that take turns writing; a store alone has its own."""
        path.parent.mkdir(parents=True, exist_ok=True)
        _keep_private(path)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        for pragma in (*PRAGMAS, f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}"):
            await connection.execute(pragma)
        store = cls(connection, writer or asyncio.Lock())
        await store._migrate()
        return store

    async def close(self) -> None:
        await self._db.close()

    async def _migrate(self) -> None:
        """Each migration runs once, in its own transaction, and bumps `user_version`."""
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        current = int(row[0]) if row else 0
        for version, statements in enumerate(MIGRATIONS[current:], start=current + 1):
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in statements:
                    await self._db.execute(statement)
                await self._db.execute(f"PRAGMA user_version = {version}")
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[SqliteTx]:
        async with self._lock:
            await self._db.execute("BEGIN DEFERRED")
            try:
                yield self._tx
            finally:
                await self._db.execute("COMMIT")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        if _WRITING.get():
            raise RuntimeError("a write transaction inside another would wait for it forever")
        token = _WRITING.set(True)
        try:
            async with self._writer, self._lock:
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._tx
                except BaseException:
                    await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")
        finally:
            _WRITING.reset(token)
