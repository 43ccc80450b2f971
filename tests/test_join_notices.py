"""A wave of joins costs the group at most two messages a minute, and never holds its results back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import aiosqlite

from bot.events import Person, Say
from bot.team.teams import JOINS_NAMED
from storage.clock import utcnow
from storage.sqlite.queries import timestamp
from tests.engine_harness import ADMIN, GROUP, Harness


def joiner(n: int) -> Person:
    return Person(id=10_000 + n, name=f"Cán bộ {n:02d}")


async def group_outbox(db_path: Path) -> list[tuple[str, int, str | None]]:
    """(text, notice, coalesce key) of the group's replies still to be sent, in the order decided."""
    async with aiosqlite.connect(db_path) as db:
        query = "SELECT body, notice, coalesce_key FROM outbox WHERE chat_id = ? AND status = 'pending' ORDER BY id"
        async with db.execute(query, (GROUP,)) as cursor:
            return [(Say.model_validate_json(b).html, n, k) for b, n, k in await cursor.fetchall()]


async def test_forty_joins_in_a_minute_are_told_in_two_messages_and_results_go_first(tmp_path: Path) -> None:
    database = tmp_path / "kiemtra.sqlite3"
    h = await Harness.open(tmp_path)
    try:
        code = await h.make_team_with_inspector()  # told at once: nobody had joined for a minute
        for n in range(40):
            await h.command(joiner(n), "start", code)
        await h.command(ADMIN, "summary", group=True)
        notices = [(text, key) for text, notice, key in await group_outbox(database) if notice]
        assert len(notices) == 2
        (first, key), (folded, folded_key) = notices
        assert key is None and first == "👋 Nguyễn Văn An đã tham gia đoàn."
        assert folded_key is not None and folded.startswith("👋 Thêm 40 người đã tham gia đoàn: Cán bộ 00, Cán bộ 01")
        assert f"Cán bộ {JOINS_NAMED - 1:02d} và 10 người khác." in folded
        # The summary asked for after the joins is the group's next message.
        async with h.store.reading() as tx:
            head = await tx.delivery.outbox_next(GROUP, utcnow())
            members = await tx.teams.members(1)
        assert head is not None and not head.notice and "tham gia đoàn" not in head.body
        assert len(members) >= 41  # every join counted, whatever was told

        # A minute after the notice told at once, the next join is told at once again.
        async with aiosqlite.connect(database) as db:
            await db.execute("UPDATE teams SET joins_told_at = ?", (timestamp(utcnow() - timedelta(minutes=1)),))
            await db.commit()
        replies = await h.command(joiner(99), "start", code)
        told = [r for r in replies if isinstance(r, Say) and r.chat_id == GROUP]
        assert [(r.html, r.coalesce, r.held_until) for r in told] == [("👋 Cán bộ 99 đã tham gia đoàn.", None, None)]
    finally:
        await h.store.close()
