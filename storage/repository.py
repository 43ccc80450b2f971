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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from storage.clock import utcnow
from storage.models import (
    Answer,
    FollowUp,
    FollowUpEvent,
    FollowUpEventKind,
    FollowUpPhoto,
    GroupPrompt,
    InboxRow,
    Inspection,
    Member,
    NewPhoto,
    NewProof,
    OutboxRow,
    OutboxStatus,
    Photo,
    PromptStage,
    Remark,
    RemarkKind,
    Role,
    Round,
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
    async def reading(self) -> AsyncIterator[Tx]:
        """A consistent snapshot to read from that takes no write lock, so building a large report on
        a connection of its own never holds up an inspector's answer."""
        async with self._lock:
            await self._db.execute("BEGIN DEFERRED")
            try:
                yield Tx(self._db)
            finally:
                await self._db.execute("COMMIT")

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

    async def inbox_pending(self, prefix: str = "") -> list[InboxRow]:
        """Updates committed but not yet processed; `prefix` picks one channel's (keys are `tg:…`, `zalo:…`)."""
        rows = await self._all(
            "SELECT seq, key, body FROM inbox WHERE substr(key, 1, length(?)) = ? ORDER BY seq", (prefix, prefix)
        )
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

    async def create_team(
        self, name: str, group_chat_id: int, lead_id: int, lead_name: str, code: str, join_code: str
    ) -> Team:
        now = _ts(utcnow())
        team_id = await self._insert(
            """INSERT INTO teams (name, group_chat_id, lead_id, invite_code, join_code, created_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (name, group_chat_id, lead_id, code, join_code, now),
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

    async def team_by_join_code(self, code: str) -> Team | None:
        row = await self._one("SELECT * FROM teams WHERE join_code = ?", (code.upper(),))
        return Team.model_validate(dict(row)) if row else None

    async def join_code_taken(self, code: str) -> bool:
        return await self._one("SELECT 1 FROM teams WHERE join_code = ?", (code,)) is not None

    async def move_team_group(self, old_chat_id: int, new_chat_id: int) -> None:
        await self._run("UPDATE teams SET group_chat_id = ? WHERE group_chat_id = ?", (new_chat_id, old_chat_id))

    async def all_teams(self) -> list[Team]:
        rows = await self._all("SELECT * FROM teams ORDER BY id")
        return [Team.model_validate(dict(r)) for r in rows]

    async def members(self, team_id: int) -> list[Member]:
        """The lead first, then inspectors in the order they joined."""
        rows = await self._all(
            """SELECT team_id, user_id, role, name FROM members WHERE team_id = ?
               ORDER BY role = 'inspector', joined_at, user_id""",
            (team_id,),
        )
        return [Member.model_validate(dict(r)) for r in rows]

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
        self,
        team_id: int,
        inspector_id: int,
        inspector_name: str,
        checklist_id: str,
        version: int,
        round_id: int | None = None,
    ) -> Inspection:
        now = _ts(utcnow())
        inspection_id = await self._insert(
            """INSERT INTO inspections (round_id, team_id, inspector_id, inspector_name, checklist_id,
                   checklist_version, status, stage, pos, step, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)""",
            (
                round_id,
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

    async def submitted_in_round(self, round_id: int) -> list[Inspection]:
        rows = await self._all(
            """SELECT * FROM inspections WHERE round_id = ? AND status = 'submitted'
               ORDER BY submitted_at, id""",
            (round_id,),
        )
        return [Inspection.model_validate(dict(r)) for r in rows]

    async def drafts_in_round(self, round_id: int) -> list[Inspection]:
        rows = await self._all(
            "SELECT * FROM inspections WHERE round_id = ? AND status = 'draft' ORDER BY id", (round_id,)
        )
        return [Inspection.model_validate(dict(r)) for r in rows]

    async def idle_drafts(self, untouched_since: datetime) -> list[Inspection]:
        rows = await self._all(
            "SELECT * FROM inspections WHERE status = 'draft' AND updated_at < ? ORDER BY id", (_ts(untouched_since),)
        )
        return [Inspection.model_validate(dict(r)) for r in rows]

    async def rated_answers_of_team(self, team_id: int) -> list[tuple[int, str, datetime, str, str]]:
        """(inspection id, unit, submitted at, area id, value) of every rated answer the team submitted."""
        rows = await self._all(
            """SELECT i.id, i.unit, i.submitted_at, a.area_id, a.value FROM answers a
               JOIN inspections i ON i.id = a.inspection_id
               WHERE i.team_id = ? AND i.status = 'submitted' AND a.value IN ('pass', 'partial', 'fail', 'na')
               ORDER BY i.submitted_at, i.id""",
            (team_id,),
        )
        return [(int(r[0]), str(r[1] or ""), datetime.fromisoformat(r[2]), str(r[3]), str(r[4])) for r in rows]

    # --- rounds --------------------------------------------------------------------------------

    async def open_round(self, team_id: int, name: str, person_id: int, person_name: str) -> Round:
        round_id = await self._insert(
            "INSERT INTO rounds (team_id, name, opened_by, opened_by_name, opened_at) VALUES (?, ?, ?, ?, ?)",
            (team_id, name, person_id, person_name, _ts(utcnow())),
        )
        opened = await self.round(round_id)
        assert opened is not None
        return opened

    async def round(self, round_id: int) -> Round | None:
        row = await self._one("SELECT * FROM rounds WHERE id = ?", (round_id,))
        return Round.model_validate(dict(row)) if row else None

    async def open_round_of(self, team_id: int) -> Round | None:
        row = await self._one("SELECT * FROM rounds WHERE team_id = ? AND closed_at IS NULL", (team_id,))
        return Round.model_validate(dict(row)) if row else None

    async def latest_round_of(self, team_id: int) -> Round | None:
        """The open round, else the one closed last: what a lead most likely wants a report of."""
        row = await self._one(
            "SELECT * FROM rounds WHERE team_id = ? ORDER BY closed_at IS NOT NULL, opened_at DESC, id DESC LIMIT 1",
            (team_id,),
        )
        return Round.model_validate(dict(row)) if row else None

    async def close_round(self, round_id: int, person_id: int) -> bool:
        changed = await self._run(
            "UPDATE rounds SET closed_by = ?, closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (person_id, _ts(utcnow()), round_id),
        )
        return changed != 0

    # --- follow-ups ----------------------------------------------------------------------------

    _FOLLOWUP = """SELECT f.*, i.unit AS unit FROM followups f JOIN inspections i ON i.id = f.inspection_id"""

    async def add_followup(self, inspection: Inspection, answer: Answer, due_on: date) -> None:
        """One per shortcoming; submitting twice (it cannot happen, but) would not duplicate it."""
        row = await self._one(
            """INSERT INTO followups (team_id, inspection_id, area_id, item_id, value, note, due_on, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (inspection_id, item_id) DO NOTHING RETURNING id""",
            (
                inspection.team_id,
                inspection.id,
                answer.area_id,
                answer.item_id,
                answer.value,
                answer.note,
                due_on.isoformat(),
                _ts(utcnow()),
            ),
        )
        if row is None:
            return
        await self._followup_event(
            int(row[0]),
            FollowUpEventKind.CREATED,
            inspection.inspector_id,
            inspection.inspector_name,
            due_on.isoformat(),
        )

    async def followup(self, followup_id: int) -> FollowUp | None:
        row = await self._one(f"{self._FOLLOWUP} WHERE f.id = ?", (followup_id,))
        return FollowUp.model_validate(dict(row)) if row else None

    async def followups_of(self, inspection_id: int) -> list[FollowUp]:
        rows = await self._all(f"{self._FOLLOWUP} WHERE f.inspection_id = ? ORDER BY f.id", (inspection_id,))
        return [FollowUp.model_validate(dict(r)) for r in rows]

    async def open_followups(self, team_id: int, due_by: date | None = None) -> list[FollowUp]:
        """Open follow-ups by unit, then by due date; with `due_by`, only those due by that day."""
        rows = await self._all(
            f"""{self._FOLLOWUP} WHERE f.team_id = ? AND f.status = 'open' AND (? IS NULL OR f.due_on <= ?)
                ORDER BY i.unit, f.due_on, f.id""",
            (team_id, due_by.isoformat() if due_by else None, due_by.isoformat() if due_by else None),
        )
        return [FollowUp.model_validate(dict(r)) for r in rows]

    async def set_followup_due(self, followup_id: int, due_on: date, person_id: int, person_name: str) -> None:
        await self._run(
            "UPDATE followups SET due_on = ?, version = version + 1 WHERE id = ?", (due_on.isoformat(), followup_id)
        )
        await self._followup_event(
            followup_id, FollowUpEventKind.DUE_CHANGED, person_id, person_name, due_on.isoformat()
        )

    async def mark_followup_done(self, followup_id: int, note: str, person_id: int, person_name: str) -> None:
        await self._run(
            """UPDATE followups SET status = 'done', done_at = ?, done_by = ?, done_by_name = ?, done_note = ?,
                   version = version + 1 WHERE id = ? AND status = 'open'""",
            (_ts(utcnow()), person_id, person_name, note, followup_id),
        )
        await self._followup_event(followup_id, FollowUpEventKind.DONE, person_id, person_name, note)

    async def bump_followup(self, followup_id: int) -> None:
        """Makes the buttons of earlier messages about this follow-up stale."""
        await self._run("UPDATE followups SET version = version + 1 WHERE id = ?", (followup_id,))

    async def add_followup_photo(self, followup_id: int, photo: NewProof) -> None:
        await self._insert(
            """INSERT INTO followup_photos (followup_id, sender_id, sender_name, sha256, size, width, height, mime,
                   path, received_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                followup_id,
                photo.sender_id,
                photo.sender_name,
                photo.sha256,
                photo.size,
                photo.width,
                photo.height,
                photo.mime,
                photo.path,
                _ts(utcnow()),
            ),
        )
        await self._followup_event(
            followup_id, FollowUpEventKind.PHOTO, photo.sender_id, photo.sender_name, photo.sha256
        )

    async def followup_photos(self, followup_id: int) -> list[FollowUpPhoto]:
        rows = await self._all("SELECT * FROM followup_photos WHERE followup_id = ? ORDER BY id", (followup_id,))
        return [FollowUpPhoto.model_validate(dict(r)) for r in rows]

    async def followup_events(self, followup_id: int) -> list[FollowUpEvent]:
        rows = await self._all(
            """SELECT followup_id, kind, person_id, person_name, detail, at FROM followup_events
               WHERE followup_id = ? ORDER BY id""",
            (followup_id,),
        )
        return [FollowUpEvent.model_validate(dict(r)) for r in rows]

    async def _followup_event(
        self, followup_id: int, kind: FollowUpEventKind, person_id: int, person_name: str, detail: str | None
    ) -> None:
        await self._run(
            """INSERT INTO followup_events (followup_id, kind, person_id, person_name, detail, at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (followup_id, kind.value, person_id, person_name, detail, _ts(utcnow())),
        )

    # --- what a person in a group chat is answering -------------------------------------------

    async def set_prompt(self, chat_id: int, person_id: int, followup_id: int, stage: PromptStage) -> None:
        await self._run(
            """INSERT INTO group_prompts (chat_id, person_id, followup_id, stage, created_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (chat_id, person_id) DO UPDATE SET
                   followup_id = excluded.followup_id, stage = excluded.stage, created_at = excluded.created_at""",
            (chat_id, person_id, followup_id, stage.value, _ts(utcnow())),
        )

    async def prompt_of(self, chat_id: int, person_id: int) -> GroupPrompt | None:
        row = await self._one("SELECT * FROM group_prompts WHERE chat_id = ? AND person_id = ?", (chat_id, person_id))
        return GroupPrompt.model_validate(dict(row)) if row else None

    async def clear_prompt(self, chat_id: int, person_id: int) -> None:
        await self._run("DELETE FROM group_prompts WHERE chat_id = ? AND person_id = ?", (chat_id, person_id))

    # --- people of other channels, their languages and menus ---------------------------------

    async def identity(self, channel: str, external_id: str) -> int:
        """The row id standing for this person or chat of `channel`, made on first sight."""
        await self._run("INSERT OR IGNORE INTO identities (channel, external_id) VALUES (?, ?)", (channel, external_id))
        row = await self._one("SELECT id FROM identities WHERE channel = ? AND external_id = ?", (channel, external_id))
        assert row is not None
        return int(row[0])

    async def external_id(self, identity_id: int) -> tuple[str, str] | None:
        row = await self._one("SELECT channel, external_id FROM identities WHERE id = ?", (identity_id,))
        return (str(row[0]), str(row[1])) if row else None

    async def set_language(self, person_id: int, lang: str) -> None:
        await self._run(
            """INSERT INTO people (person_id, lang) VALUES (?, ?)
               ON CONFLICT (person_id) DO UPDATE SET lang = excluded.lang""",
            (person_id, lang),
        )

    async def language_of(self, person_id: int) -> str | None:
        row = await self._one("SELECT lang FROM people WHERE person_id = ?", (person_id,))
        return str(row[0]) if row else None

    async def remember_menu(self, chat_id: int, items: str) -> None:
        await self._run(
            """INSERT INTO menus (chat_id, items, shown_at) VALUES (?, ?, ?)
               ON CONFLICT (chat_id) DO UPDATE SET items = excluded.items, shown_at = excluded.shown_at""",
            (chat_id, items, _ts(utcnow())),
        )

    async def menu_of(self, chat_id: int) -> str | None:
        row = await self._one("SELECT items FROM menus WHERE chat_id = ?", (chat_id,))
        return str(row[0]) if row else None

    # --- reminders -----------------------------------------------------------------------------

    async def remember_reminder(self, key: str) -> bool:
        """False when this reminder was already sent; the caller owes it only when this is True."""
        changed = await self._run("INSERT OR IGNORE INTO reminders (key, sent_at) VALUES (?, ?)", (key, _ts(utcnow())))
        return changed != 0

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
