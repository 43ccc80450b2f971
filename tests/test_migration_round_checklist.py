"""The migration that gives rounds a checklist, on a database the previous bot left: a round opened before
it keeps working on the default checklist, and its lead may still pick another."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.checklist.loader import parse_checklist
from bot.events import Chat, ChatKind, Command, Say, Tap
from storage.clock import utcnow
from storage.sqlite.schema import MIGRATIONS
from tests.engine_harness import ADMIN, INSPECTOR, SMALL_CHECKLIST, Harness
from tests.old_schema import schema_up_to, submitted_inspection
from tests.test_round_checklists import QUICK

OLD_GROUP = Chat(id=-5, kind=ChatKind.GROUP)


def database_before_this_change(path: Path) -> None:
    """The team of `submitted_inspection` with its lead (the harness's administrator) and inspector as
    members, and two rounds as the previous migration left them: one closed, one open."""
    now = utcnow().isoformat()
    with closing(sqlite3.connect(path)) as db:
        schema_up_to(db, len(MIGRATIONS) - 1)
        submitted_inspection(db, now)
        for user_id, role, name in ((ADMIN.id, "lead", ADMIN.name), (INSPECTOR.id, "inspector", INSPECTOR.name)):
            db.execute("INSERT INTO members VALUES (1, ?, ?, ?, ?, NULL, NULL)", (user_id, role, name, now))
        db.execute(
            "INSERT INTO rounds (team_id, name, opened_by, opened_by_name, opened_at, closed_by, closed_at) "
            "VALUES (1, 'Đợt cũ', ?, 'Lead', ?, ?, ?)",
            (ADMIN.id, now, ADMIN.id, now),
        )
        db.execute(
            "INSERT INTO rounds (team_id, name, opened_by, opened_by_name, opened_at, basis) "
            "VALUES (1, 'Đợt đang mở', ?, 'Lead', ?, 'Quyết định số 1')",
            (ADMIN.id, now),
        )
        db.commit()


async def test_old_rounds_use_the_default_and_may_still_be_given_one(tmp_path: Path) -> None:
    database_before_this_change(tmp_path / "kiemtra.sqlite3")
    h = await Harness.open(tmp_path, parse_checklist(SMALL_CHECKLIST), others=[QUICK])
    try:
        async with h.store.reading() as tx:
            rounds = [await tx.rounds.get(1), await tx.rounds.get(2)]
        assert [(r.name, r.basis, r.checklist_id) for r in rounds if r] == [
            ("Đợt cũ", None, None),
            ("Đợt đang mở", "Quyết định số 1", None),
        ]
        shown = h.texts(await h.send(ADMIN, Command(name="round"), OLD_GROUP))
        assert "📋 Bảng kiểm: <b>Bảng kiểm thử nghiệm</b>" in shown  # no choice stored: the default
        quick = next(
            b.data for r in h.last if isinstance(r, Say) for row in r.buttons for b in row if "nhanh" in b.label
        )
        assert "dùng bảng kiểm <b>Bảng kiểm nhanh" in h.texts(await h.send(ADMIN, Tap(data=quick), OLD_GROUP))
        await h.command(INSPECTOR, "inspect")
        assert "Thuộc đợt: <b>Đợt đang mở</b>" in h.texts() and "Bảng kiểm nhanh" in h.texts()
        async with h.store.reading() as tx:
            started = await tx.inspections.get(2)
        assert started is not None and (started.checklist_id, started.round_id) == ("cong-khai-nhanh", 2)
    finally:
        await h.store.close()
    with closing(sqlite3.connect(tmp_path / "kiemtra.sqlite3")) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("SELECT id, checklist_id FROM rounds ORDER BY id").fetchall() == [
            (1, None),
            (2, "cong-khai-nhanh"),
        ]
