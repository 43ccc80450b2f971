"""Updates processed, the inbox, the outbox, reminders sent and menus shown."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from storage.clock import utcnow
from storage.models import (
    CarriedLog,
    InboxRow,
    OutboxRow,
    OutboxStatus,
)
from storage.sqlite.queries import Queries, timestamp


class SqliteDelivery(Queries):
    # The replies a chat's next send is chosen from: all pending ones in order, except a burst's
    # acknowledgement (deliberately deferred) that is not due yet, which later replies may pass.
    _SENDABLE = "status = 'pending' AND (coalesce_key IS NULL OR not_before <= :now)"
    # In the order decided, notices after everything else.
    _ORDER = "ORDER BY notice, id"
    _COLUMNS = "id, chat_id, body, coalesce_key, not_before, attempts, progress, status, last_error, notice"

    async def claim_update(self, key: str) -> bool:
        changed = await self._run(
            "INSERT OR IGNORE INTO processed_updates (key, processed_at) VALUES (?, ?)", (key, timestamp(utcnow()))
        )
        await self._run("DELETE FROM inbox WHERE key = ?", (key,))
        return changed != 0

    async def was_processed(self, key: str) -> bool:
        return await self._one("SELECT 1 FROM processed_updates WHERE key = ?", (key,)) is not None

    async def forget_before(self, moment: datetime) -> None:
        await self._run("DELETE FROM processed_updates WHERE processed_at < ?", (timestamp(moment),))
        await self._run("DELETE FROM outbox WHERE status != 'pending' AND created_at < ?", (timestamp(moment),))
        await self._run(
            "DELETE FROM carried_logs WHERE inspection_id NOT IN (SELECT id FROM inspections WHERE status = 'draft')"
        )

    async def inbox_add(self, rows: Collection[tuple[str, str]]) -> None:
        now = timestamp(utcnow())
        await self._run_each(
            "INSERT OR IGNORE INTO inbox (key, body, received_at) VALUES (?, ?, ?)", ((k, b, now) for k, b in rows)
        )

    async def inbox_done(self, keys: Collection[str]) -> None:
        await self._run_each("DELETE FROM inbox WHERE key = ?", ((key,) for key in keys))

    async def inbox_pending(self, prefix: str = "") -> list[InboxRow]:
        rows = await self._all(
            "SELECT seq, key, body FROM inbox WHERE substr(key, 1, length(?)) = ? ORDER BY seq", (prefix, prefix)
        )
        return [InboxRow.model_validate(dict(r)) for r in rows]

    async def outbox_add(
        self, chat_id: int, body: str, coalesce_key: str | None, not_before: datetime, notice: bool = False
    ) -> None:
        if coalesce_key is not None:
            await self._run(
                """UPDATE outbox SET status = 'superseded', finished_at = ?
                   WHERE chat_id = ? AND coalesce_key = ? AND status = 'pending'""",
                (timestamp(utcnow()), chat_id, coalesce_key),
            )
        await self._run(
            """INSERT INTO outbox (chat_id, body, coalesce_key, not_before, created_at, notice)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (chat_id, body, coalesce_key, timestamp(not_before), timestamp(utcnow()), int(notice)),
        )

    async def outbox_due(self, now: datetime) -> list[OutboxRow]:
        rows = await self._all(
            f"""SELECT {self._COLUMNS} FROM (
                    SELECT *, ROW_NUMBER() OVER (PARTITION BY chat_id {self._ORDER}) AS place
                    FROM outbox WHERE {self._SENDABLE})
                WHERE place = 1 AND not_before <= :now""",
            {"now": timestamp(now)},
        )
        return [OutboxRow.model_validate(dict(r)) for r in rows]

    async def outbox_next(self, chat_id: int, now: datetime) -> OutboxRow | None:
        row = await self._one(
            f"""SELECT {self._COLUMNS}
                FROM outbox WHERE chat_id = :chat AND {self._SENDABLE} {self._ORDER} LIMIT 1""",
            {"chat": chat_id, "now": timestamp(now)},
        )
        if row is None or datetime.fromisoformat(row["not_before"]) > now:
            return None
        return OutboxRow.model_validate(dict(row))

    async def outbox_next_wakeup(self, now: datetime) -> datetime | None:
        row = await self._one(
            "SELECT MIN(not_before) FROM outbox WHERE status = 'pending' AND not_before > ?", (timestamp(now),)
        )
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def outbox_finish(self, outbox_id: int, status: OutboxStatus, error: str | None = None) -> None:
        await self._run(
            "UPDATE outbox SET status = ?, last_error = ?, finished_at = ? WHERE id = ?",
            (status.value, error, timestamp(utcnow()), outbox_id),
        )

    async def outbox_progress(self, outbox_id: int, progress: int) -> None:
        await self._run("UPDATE outbox SET progress = ? WHERE id = ?", (progress, outbox_id))

    async def outbox_retry_later(self, outbox_id: int, not_before: datetime, error: str) -> None:
        await self._run(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE id = ?",
            (timestamp(not_before), error, outbox_id),
        )

    async def remember_reminder(self, key: str) -> bool:
        changed = await self._run(
            "INSERT OR IGNORE INTO reminders (key, sent_at) VALUES (?, ?)", (key, timestamp(utcnow()))
        )
        return changed != 0

    async def remember_menu(self, chat_id: int, items: str) -> None:
        await self._run(
            """INSERT INTO menus (chat_id, items, shown_at) VALUES (?, ?, ?)
               ON CONFLICT (chat_id) DO UPDATE SET items = excluded.items, shown_at = excluded.shown_at""",
            (chat_id, items, timestamp(utcnow())),
        )

    async def menu_of(self, chat_id: int) -> str | None:
        row = await self._one("SELECT items FROM menus WHERE chat_id = ?", (chat_id,))
        return str(row[0]) if row else None

    async def log_of(self, chat_id: int, inspection_id: int) -> CarriedLog | None:
        row = await self._one(
            "SELECT message_id, log FROM carried_logs WHERE chat_id = ? AND inspection_id = ?", (chat_id, inspection_id)
        )
        return CarriedLog.model_validate(dict(row)) if row else None

    async def keep_log(self, chat_id: int, inspection_id: int, message_id: int | None, log: str) -> None:
        await self._run(
            """INSERT INTO carried_logs (chat_id, inspection_id, message_id, log) VALUES (?, ?, ?, ?)
               ON CONFLICT (chat_id, inspection_id)
               DO UPDATE SET message_id = excluded.message_id, log = excluded.log""",
            (chat_id, inspection_id, message_id, log),
        )
