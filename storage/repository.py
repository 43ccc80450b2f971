"""The only place that speaks SQL.

One connection, one writer at a time: every engine step runs inside `Store.transaction()`, which
serialises steps with a lock and commits the answer, the new conversation cursor and the record of
the processed update together. SQLite in WAL mode with `synchronous=FULL` keeps each commit on disk
before the bot replies, so a crash at any moment loses nothing that was acknowledged.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from storage.models import (
    Answer,
    InboxRow,
    Inspection,
    Member,
    NewPhoto,
    OutboxRow,
    OutboxStatus,
    Photo,
    Remark,
    RemarkKind,
    Role,
    Stage,
    Status,
    Team,
)
from storage.schema import MIGRATIONS

# The replies a chat's next send is chosen from: all pending ones in order, except a burst's
# acknowledgement (deliberately deferred) that is not due yet, which later replies may pass.
_SENDABLE = "status = 'pending' AND (coalesce_key IS NULL OR not_before <= :now)"


class StoreError(Exception):
    """The database cannot be used as it is (for example a checklist changed without a new version)."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _bind(params: Iterable[Any] | dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
    return params if isinstance(params, dict) else tuple(params)


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class Store:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=5000",
        ):
            await connection.execute(pragma)
        store = cls(connection)
        await store._migrate()
        return store

    async def close(self) -> None:
        await self._db.close()

    async def _migrate(self) -> None:
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
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._db)
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")


class Tx:
    """Queries and changes inside one open transaction."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    # Each call below is one trip to aiosqlite's worker thread; a tap runs about twenty statements, so
    # the trips (not the SQL) were most of the time spent in the database.

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

    async def _insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Returns the new row's id."""
        row = await self._db.execute_insert(sql, tuple(params))
        assert row is not None
        return int(row[0])

    # --- updates -------------------------------------------------------------------------------

    async def claim_update(self, key: str) -> bool:
        """False when this update was already processed: redelivery must change nothing.

        Its inbox row goes in the same transaction, so an update is either waiting or done.
        """
        changed = await self._run(
            "INSERT OR IGNORE INTO processed_updates (key, processed_at) VALUES (?, ?)", (key, _ts(utcnow()))
        )
        await self._run("DELETE FROM inbox WHERE key = ?", (key,))
        return changed != 0

    async def was_processed(self, key: str) -> bool:
        return await self._one("SELECT 1 FROM processed_updates WHERE key = ?", (key,)) is not None

    async def forget_updates_before(self, moment: datetime) -> None:
        """Telegram keeps an update at most a day; a week of memory is plenty to recognise redelivery."""
        await self._run("DELETE FROM processed_updates WHERE processed_at < ?", (_ts(moment),))
        await self._run("DELETE FROM outbox WHERE status != 'pending' AND created_at < ?", (_ts(moment),))

    # --- inbox: updates committed before the channel confirms them ----------------------------

    async def inbox_add(self, key: str, body: str) -> None:
        await self._run(
            "INSERT OR IGNORE INTO inbox (key, body, received_at) VALUES (?, ?, ?)", (key, body, _ts(utcnow()))
        )

    async def inbox_done(self, key: str) -> None:
        await self._run("DELETE FROM inbox WHERE key = ?", (key,))

    async def inbox_pending(self) -> list[InboxRow]:
        rows = await self._all("SELECT seq, key, body FROM inbox ORDER BY seq")
        return [InboxRow.model_validate(dict(r)) for r in rows]

    # --- outbox: replies committed with the answer, delivered after ----------------------------

    async def outbox_add(self, chat_id: int, body: str, coalesce_key: str | None, not_before: datetime) -> None:
        """A reply in a burst (an album's acknowledgement) replaces the one still waiting before it."""
        if coalesce_key is not None:
            await self._run(
                """UPDATE outbox SET status = 'superseded', finished_at = ?
                   WHERE chat_id = ? AND coalesce_key = ? AND status = 'pending'""",
                (_ts(utcnow()), chat_id, coalesce_key),
            )
        await self._run(
            """INSERT INTO outbox (chat_id, body, coalesce_key, not_before, created_at)
               VALUES (?, ?, ?, ?, ?)""",
            (chat_id, body, coalesce_key, _ts(not_before), _ts(utcnow())),
        )

    async def outbox_due_chats(self, now: datetime) -> list[int]:
        """Chats whose next reply (by the rule of `outbox_next`) may go out now; a chat held back by a
        reply waiting for its retry is not due, however many replies queue behind it."""
        rows = await self._all(
            f"""SELECT o.chat_id FROM outbox o
                JOIN (SELECT chat_id, MIN(id) AS head FROM outbox WHERE {_SENDABLE} GROUP BY chat_id) h
                  ON o.id = h.head
                WHERE o.not_before <= :now""",
            {"now": _ts(now)},
        )
        return [int(r["chat_id"]) for r in rows]

    async def outbox_next(self, chat_id: int, now: datetime) -> OutboxRow | None:
        """The reply to send next in this chat, or None while the chat must wait.

        Replies to one chat go out in the order they were decided: one waiting for a retry holds back
        those after it. Only a burst's acknowledgement, deliberately deferred, lets later ones pass.
        """
        row = await self._one(
            f"""SELECT id, chat_id, body, coalesce_key, not_before, attempts, progress, status, last_error
                FROM outbox WHERE chat_id = :chat AND {_SENDABLE} ORDER BY id LIMIT 1""",
            {"chat": chat_id, "now": _ts(now)},
        )
        if row is None or datetime.fromisoformat(row["not_before"]) > now:
            return None
        return OutboxRow.model_validate(dict(row))

    async def outbox_next_wakeup(self, now: datetime) -> datetime | None:
        """When a reply not sendable now becomes sendable (a retry or a burst coming due); replies due
        already are found by `outbox_due_chats`."""
        row = await self._one(
            "SELECT MIN(not_before) FROM outbox WHERE status = 'pending' AND not_before > ?", (_ts(now),)
        )
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def outbox_finish(self, outbox_id: int, status: OutboxStatus, error: str | None = None) -> None:
        await self._run(
            "UPDATE outbox SET status = ?, last_error = ?, finished_at = ? WHERE id = ?",
            (status.value, error, _ts(utcnow()), outbox_id),
        )

    async def outbox_progress(self, outbox_id: int, progress: int) -> None:
        """How many parts of a long reply are out, so a retry does not send them twice."""
        await self._run("UPDATE outbox SET progress = ? WHERE id = ?", (progress, outbox_id))

    async def outbox_retry_later(self, outbox_id: int, not_before: datetime, error: str) -> None:
        await self._run(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE id = ?",
            (_ts(not_before), error, outbox_id),
        )

    async def outbox_counts(self) -> dict[str, int]:
        rows = await self._all("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        return {str(r["status"]): int(r["n"]) for r in rows}

    # --- checklists ----------------------------------------------------------------------------

    async def register_checklist(self, checklist_id: str, version: int, body: str) -> None:
        row = await self._one("SELECT body FROM checklists WHERE id = ? AND version = ?", (checklist_id, version))
        if row is None:
            await self._run(
                "INSERT INTO checklists (id, version, body, loaded_at) VALUES (?, ?, ?, ?)",
                (checklist_id, version, body, _ts(utcnow())),
            )
        elif row["body"] != body:
            raise StoreError(
                f"Checklist '{checklist_id}' phiên bản {version} đã khác với bản đã dùng trước đây; "
                "hãy tăng 'version' khi sửa nội dung để các phiên cũ giữ nguyên câu hỏi."
            )

    async def checklist_body(self, checklist_id: str, version: int) -> str | None:
        row = await self._one("SELECT body FROM checklists WHERE id = ? AND version = ?", (checklist_id, version))
        return str(row["body"]) if row else None

    # --- teams ---------------------------------------------------------------------------------

    async def create_team(self, name: str, group_chat_id: int, lead_id: int, lead_name: str, code: str) -> Team:
        now = _ts(utcnow())
        team_id = await self._insert(
            "INSERT INTO teams (name, group_chat_id, lead_id, invite_code, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, group_chat_id, lead_id, code, now),
        )
        await self._run(
            "INSERT INTO members (team_id, user_id, role, name, joined_at) VALUES (?, ?, ?, ?, ?)",
            (team_id, lead_id, Role.LEAD.value, lead_name, now),
        )
        team = await self.team(team_id)
        assert team is not None
        return team

    async def team(self, team_id: int) -> Team | None:
        row = await self._one("SELECT * FROM teams WHERE id = ?", (team_id,))
        return Team.model_validate(dict(row)) if row else None

    async def team_by_group(self, group_chat_id: int) -> Team | None:
        row = await self._one("SELECT * FROM teams WHERE group_chat_id = ?", (group_chat_id,))
        return Team.model_validate(dict(row)) if row else None

    async def team_by_invite(self, code: str) -> Team | None:
        row = await self._one("SELECT * FROM teams WHERE invite_code = ?", (code,))
        return Team.model_validate(dict(row)) if row else None

    async def move_team_group(self, old_chat_id: int, new_chat_id: int) -> None:
        await self._run("UPDATE teams SET group_chat_id = ? WHERE group_chat_id = ?", (new_chat_id, old_chat_id))

    async def add_member(self, team_id: int, user_id: int, name: str) -> None:
        await self._run(
            "INSERT INTO members (team_id, user_id, role, name, joined_at) VALUES (?, ?, ?, ?, ?)",
            (team_id, user_id, Role.INSPECTOR.value, name, _ts(utcnow())),
        )

    async def membership(self, team_id: int, user_id: int) -> Member | None:
        row = await self._one(
            "SELECT team_id, user_id, role, name FROM members WHERE team_id = ? AND user_id = ?",
            (team_id, user_id),
        )
        return Member.model_validate(dict(row)) if row else None

    async def latest_team_of(self, user_id: int) -> Team | None:
        """A person in several teams inspects for the one they joined last."""
        row = await self._one(
            """SELECT t.* FROM teams t JOIN members m ON m.team_id = t.id
               WHERE m.user_id = ? ORDER BY m.joined_at DESC, t.id DESC LIMIT 1""",
            (user_id,),
        )
        return Team.model_validate(dict(row)) if row else None

    # --- inspections ---------------------------------------------------------------------------

    async def create_inspection(
        self, team_id: int, inspector_id: int, inspector_name: str, checklist_id: str, version: int
    ) -> Inspection:
        now = _ts(utcnow())
        inspection_id = await self._insert(
            """INSERT INTO inspections (team_id, inspector_id, inspector_name, checklist_id,
                   checklist_version, status, stage, pos, step, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)""",
            (
                team_id,
                inspector_id,
                inspector_name,
                checklist_id,
                version,
                Status.DRAFT.value,
                Stage.UNIT.value,
                now,
                now,
            ),
        )
        inspection = await self.inspection(inspection_id)
        assert inspection is not None
        return inspection

    async def inspection(self, inspection_id: int) -> Inspection | None:
        row = await self._one("SELECT * FROM inspections WHERE id = ?", (inspection_id,))
        return Inspection.model_validate(dict(row)) if row else None

    async def draft_of(self, inspector_id: int) -> Inspection | None:
        row = await self._one("SELECT * FROM inspections WHERE inspector_id = ? AND status = 'draft'", (inspector_id,))
        return Inspection.model_validate(dict(row)) if row else None

    async def move(self, inspection: Inspection, stage: Stage, pos: int | None = None) -> Inspection:
        """Moves the cursor; the step counter makes every button of an earlier question stale."""
        await self._run(
            "UPDATE inspections SET stage = ?, pos = ?, step = step + 1, updated_at = ? WHERE id = ?",
            (stage.value, inspection.pos if pos is None else pos, _ts(utcnow()), inspection.id),
        )
        moved = await self.inspection(inspection.id)
        assert moved is not None
        return moved

    async def set_unit(self, inspection_id: int, unit: str) -> None:
        await self._run(
            "UPDATE inspections SET unit = ?, updated_at = ? WHERE id = ?", (unit, _ts(utcnow()), inspection_id)
        )

    async def set_location(self, inspection_id: int, latitude: float, longitude: float) -> None:
        await self._run(
            "UPDATE inspections SET latitude = ?, longitude = ?, updated_at = ? WHERE id = ?",
            (latitude, longitude, _ts(utcnow()), inspection_id),
        )

    async def finish(self, inspection_id: int, status: Status) -> None:
        now = _ts(utcnow())
        submitted = now if status is Status.SUBMITTED else None
        await self._run(
            """UPDATE inspections SET status = ?, submitted_at = ?, step = step + 1, updated_at = ?
               WHERE id = ? AND status = 'draft'""",
            (status.value, submitted, now, inspection_id),
        )

    async def recent_units(self, team_id: int, limit: int = 5) -> list[tuple[int, str]]:
        """(an inspection id, its unit) for the team's most recently inspected distinct units."""
        rows = await self._all(
            """SELECT MAX(id) AS id, unit FROM inspections
               WHERE team_id = ? AND unit IS NOT NULL AND status != 'cancelled'
               GROUP BY unit ORDER BY MAX(id) DESC LIMIT ?""",
            (team_id, limit),
        )
        return [(int(r["id"]), str(r["unit"])) for r in rows]

    async def submitted_of_team(self, team_id: int, limit: int = 200) -> list[Inspection]:
        rows = await self._all(
            """SELECT * FROM inspections WHERE team_id = ? AND status = 'submitted'
               ORDER BY submitted_at DESC, id DESC LIMIT ?""",
            (team_id, limit),
        )
        return [Inspection.model_validate(dict(r)) for r in rows]

    # --- answers, photos, remarks --------------------------------------------------------------

    async def save_answer(self, inspection_id: int, area_id: str, item_id: str, value: str, answered_by: int) -> None:
        """A new value replaces the old one and clears its note: the note described the old value."""
        await self._run(
            """INSERT INTO answers (inspection_id, item_id, area_id, value, note, answered_by, answered_at)
               VALUES (?, ?, ?, ?, NULL, ?, ?)
               ON CONFLICT (inspection_id, item_id) DO UPDATE SET
                   value = excluded.value, note = NULL, answered_by = excluded.answered_by,
                   answered_at = excluded.answered_at""",
            (inspection_id, item_id, area_id, value, answered_by, _ts(utcnow())),
        )

    async def save_note(self, inspection_id: int, item_id: str, note: str | None) -> None:
        await self._run(
            "UPDATE answers SET note = ? WHERE inspection_id = ? AND item_id = ?", (note, inspection_id, item_id)
        )

    async def delete_answer(self, inspection_id: int, item_id: str) -> None:
        await self._run("DELETE FROM answers WHERE inspection_id = ? AND item_id = ?", (inspection_id, item_id))

    async def answers(self, inspection_id: int) -> dict[str, Answer]:
        rows = await self._all(
            """SELECT item_id, area_id, value, note, answered_by, answered_at FROM answers
               WHERE inspection_id = ?""",
            (inspection_id,),
        )
        return {str(r["item_id"]): Answer.model_validate(dict(r)) for r in rows}

    async def answer(self, inspection_id: int, item_id: str) -> Answer | None:
        row = await self._one(
            """SELECT item_id, area_id, value, note, answered_by, answered_at FROM answers
               WHERE inspection_id = ? AND item_id = ?""",
            (inspection_id, item_id),
        )
        return Answer.model_validate(dict(row)) if row else None

    async def add_photo(self, photo: NewPhoto) -> int:
        return await self._insert(
            """INSERT INTO photos (inspection_id, area_id, item_id, sender_id, sender_name, sha256, size,
                   width, height, mime, path, media_group_id, received_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                photo.inspection_id,
                photo.area_id,
                photo.item_id,
                photo.sender_id,
                photo.sender_name,
                photo.sha256,
                photo.size,
                photo.width,
                photo.height,
                photo.mime,
                photo.path,
                photo.media_group_id,
                _ts(utcnow()),
            ),
        )

    async def photos(self, inspection_id: int) -> list[Photo]:
        rows = await self._all("SELECT * FROM photos WHERE inspection_id = ? ORDER BY id", (inspection_id,))
        return [Photo.model_validate(dict(r)) for r in rows]

    async def photo_count(self, inspection_id: int, item_id: str | None = None) -> int:
        if item_id is None:
            row = await self._one("SELECT COUNT(*) FROM photos WHERE inspection_id = ?", (inspection_id,))
        else:
            row = await self._one(
                "SELECT COUNT(*) FROM photos WHERE inspection_id = ? AND item_id = ?", (inspection_id, item_id)
            )
        return int(row[0]) if row else 0

    async def album_count(self, media_group_id: str) -> int:
        row = await self._one("SELECT COUNT(*) FROM photos WHERE media_group_id = ?", (media_group_id,))
        return int(row[0]) if row else 0

    async def add_remark(self, inspection_id: int, kind: RemarkKind, text: str) -> None:
        await self._run(
            "INSERT INTO remarks (inspection_id, kind, text, created_at) VALUES (?, ?, ?, ?)",
            (inspection_id, kind.value, text, _ts(utcnow())),
        )

    async def remarks(self, inspection_id: int) -> list[Remark]:
        rows = await self._all(
            "SELECT kind, text, created_at FROM remarks WHERE inspection_id = ? ORDER BY id", (inspection_id,)
        )
        return [Remark.model_validate(dict(r)) for r in rows]


PROCESSED_UPDATE_RETENTION = timedelta(days=7)
