"""The few ways an aggregate's queries reach SQLite, shared by every repository of `storage.sqlite`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import aiosqlite


def timestamp(value: datetime) -> str:
    """Times are stored as UTC ISO text, which sorts and compares as the moments do."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _bind(params: Iterable[Any] | dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
    return params if isinstance(params, dict) else tuple(params)


class Queries:
    """Each call below is one trip to aiosqlite's worker thread; a tap runs about twenty statements, so
    the trips (not the SQL) were most of the time spent in the database."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _one(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> aiosqlite.Row | None:
        rows = await self._db.execute_fetchall(sql, _bind(params))
        return next(iter(rows), None)

    async def _all(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[aiosqlite.Row]:
        return list(await self._db.execute_fetchall(sql, _bind(params)))

    async def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Returns how many rows changed (safe to read between awaits: the store lock is held)."""
        before = self._db.total_changes
        await self._db.execute_fetchall(sql, tuple(params))
        return self._db.total_changes - before

    async def _run_each(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        """One statement for many rows, in one trip to the worker thread."""
        await self._db.executemany(sql, [tuple(row) for row in rows])

    async def _insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Returns the new row's id."""
        row = await self._db.execute_insert(sql, tuple(params))
        assert row is not None
        return int(row[0])

    async def _insert_row(self, table: str, row: dict[str, Any]) -> int:
        """Inserts `row` (column -> value) and returns its id. `table` and the columns are this package's
        own names (a model's fields), never a caller's text."""
        columns, marks = ", ".join(row), ", ".join("?" * len(row))
        return await self._insert(f"INSERT INTO {table} ({columns}) VALUES ({marks})", row.values())
