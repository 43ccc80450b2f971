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


def submitted_inspection(connection: sqlite3.Connection, now: str) -> None:
    """A checklist, a team (lead 100, group -5) and its inspection #1 by An (200), submitted: what the
    tests of a migration put rows against."""
    connection.execute("INSERT INTO checklists VALUES ('c', 1, '{}', ?)", (now,))
    connection.execute(
        "INSERT INTO teams (name, group_chat_id, lead_id, invite_code, join_code, created_at) "
        "VALUES ('Đoàn', -5, 100, 'i', 'ABCDEFGH', ?)",
        (now,),
    )
    connection.execute(
        "INSERT INTO inspections (team_id, inspector_id, inspector_name, checklist_id, checklist_version, "
        "unit, status, stage, created_at, updated_at) VALUES (1, 200, 'An', 'c', 1, 'UBND xã', 'submitted', "
        "'review', ?, ?)",
        (now, now),
    )
