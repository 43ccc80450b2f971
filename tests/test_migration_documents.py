"""Migration 9 on a database an older bot left: remarks and group questions survive the rebuilt tables,
and the new kinds of rows go in."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage.clock import utcnow
from storage.models import PromptStage, RemarkKind, Salutation, Title
from storage.sqlite.schema import MIGRATIONS
from storage.sqlite.store import SqliteStore
from tests.old_schema import schema_up_to, submitted_inspection


def database_before_this_change(path: Path) -> None:
    """A team with a submitted inspection, two remarks, a follow-up and the lead halfway through marking
    it fixed, as migration 8 left them."""
    now = utcnow().isoformat()
    with closing(sqlite3.connect(path)) as db:
        schema_up_to(db, 8)
        submitted_inspection(db, now)
        db.execute(
            "INSERT INTO remarks (inspection_id, kind, text, created_at) VALUES (1, 'recommendation', 'A', ?)", (now,)
        )
        db.execute("INSERT INTO remarks (inspection_id, kind, text, created_at) VALUES (1, 'strength', 'B', ?)", (now,))
        db.execute(
            "INSERT INTO followups (team_id, inspection_id, area_id, item_id, value, due_on, created_at) "
            "VALUES (1, 1, 'a', 'i', 'fail', '2026-12-31', ?)",
            (now,),
        )
        db.execute("INSERT INTO group_prompts VALUES (-5, 100, 1, 'note', ?)", (now,))
        db.commit()


async def test_rows_survive_and_the_new_kinds_go_in(tmp_path: Path) -> None:
    path = tmp_path / "kiemtra.sqlite3"
    database_before_this_change(path)
    store = await SqliteStore.open(path)
    try:
        async with store.transaction() as tx:
            assert [(r.kind, r.text) for r in await tx.inspections.remarks(1)] == [
                (RemarkKind.RECOMMENDATION, "A"),
                (RemarkKind.STRENGTH, "B"),
            ]
            prompt = await tx.followups.prompt_of(-5, 100)
            assert prompt is not None and (prompt.followup_id, prompt.round_id, prompt.stage) == (1, None, "note")
            await tx.inspections.add_remark(1, RemarkKind.REPRESENTATIVE, "Nguyễn Văn Bình – Chủ tịch UBND xã")
            await tx.inspections.add_remark(1, RemarkKind.OPINION, "Nhất trí")
            opened = await tx.rounds.open(1, "Đợt 1", 100, "Lead", "c")
            assert opened.basis is None
            await tx.rounds.ask_basis(-5, 100, opened.id)  # replaces the follow-up question
            asked = await tx.followups.prompt_of(-5, 100)
            assert asked is not None and (asked.followup_id, asked.round_id, asked.stage) == (
                None,
                opened.id,
                PromptStage.BASIS,
            )
            await tx.followups.set_prompt(-5, 100, 1, PromptStage.DUE)  # and back
            back = await tx.followups.prompt_of(-5, 100)
            assert back is not None and (back.followup_id, back.round_id) == (1, None)
            await tx.rounds.set_basis(opened.id, "Quyết định số 1")
            await tx.people.set_title(100, Title(position="Phó Giám đốc Sở Nội vụ", salutation=Salutation.MR))
            assert (await tx.rounds.get(opened.id)).basis == "Quyết định số 1"  # type: ignore[union-attr]
            assert (await tx.people.title_of(100)).salutation is Salutation.MR
            assert (await tx.people.title_of(999)) == Title()
    finally:
        await store.close()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError):  # a question is about a follow-up or a round, never both
            db.execute("INSERT INTO group_prompts VALUES (-5, 300, 1, 1, 'basis', 'x')")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO person_titles VALUES (300, 'x', 'Cô', 'x')")
