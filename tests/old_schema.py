"""Databases as an older bot left them, for tests of what a later migration does to their rows."""

from __future__ import annotations

import sqlite3

from storage.sqlite.schema import MIGRATIONS


def schema_up_to(connection: sqlite3.Connection, version: int) -> None:
    """The first `version` migrations, run as the store runs them, and none after."""
    for number, statements in enumerate(MIGRATIONS[:version], start=1):
        for statement in statements:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {number}")
