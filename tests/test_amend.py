"""Corrections after submit (`/amend`), through the engine alone with a real SQLite file: the trail they
leave, their follow-ups, and every bad input with what the person reads and what is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.events import Say
from storage.models import AmendStage, FollowUpStatus, TrailKind
from tests.engine_harness import GROUP, INSPECTOR, Harness, team_harness
from tests.test_engine_reports import submit

SECOND_TEAM_GROUP = -2002


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    async with team_harness(tmp_path) as harness:
        yield harness


async def amendments(h: Harness) -> list[tuple[object, ...]]:
    async with h.store.reading() as tx:
        return [
            (a.item_id, a.old_value, a.new_value, a.old_note, a.new_note, a.reason, a.person_id)
            for a in await tx.amendments.of(1)
        ]


async def to_reason(h: Harness, value: str = "Đạt") -> None:
    """/amend 1 → area 1 → item 1.1 → `value`: the correction waits for its reason."""
    await h.command(INSPECTOR, "amend", "1")
    await h.tap(INSPECTOR, "1. Chỉ đạo")
    await h.tap(INSPECTOR, "1.1 Đã ban hành")
    await h.tap(INSPECTOR, value)


async def test_a_correction_keeps_the_answer_given_and_records_who_when_what_and_why(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    areas = h.texts(await h.command(INSPECTOR, "amend", "1"))
    assert "Sửa kết quả phiên #1" in areas and "UBND xã Cổ Lũng" in areas
    items = h.texts(await h.tap(INSPECTOR, "1. Chỉ đạo"))
    assert "Đã ban hành kế hoạch KSTTHC năm → <b>Không đạt: Ghi chú về UBND xã Cổ Lũng</b>" in items
    value = h.texts(await h.tap(INSPECTOR, "1.1 Đã ban hành"))
    assert "Đang ghi: <b>Không đạt: Ghi chú về UBND xã Cổ Lũng</b>" in value
    reason = h.texts(await h.tap(INSPECTOR, "Đạt"))
    assert "lý do" in reason and "→ <b>Đạt</b>" in reason
    replies = await h.text(INSPECTOR, "Đơn vị xuất trình kế hoạch <số 5> & lịch kiểm tra")
    mine = [r.html for r in replies if isinstance(r, Say) and r.chat_id == INSPECTOR.id]
    group = [r.html for r in replies if isinstance(r, Say) and r.chat_id == GROUP]
    assert len(mine) == 1 and "Đã sửa phiên #1" in mine[0]
    assert len(group) == 1
    assert "Sửa kết quả phiên #1" in group[0] and "Nguyễn Văn An" in group[0]
    assert "Không đạt: Ghi chú về UBND xã Cổ Lũng → <b>Đạt</b>" in group[0]
    assert "Lý do: Đơn vị xuất trình kế hoạch &lt;số 5&gt; &amp; lịch kiểm tra" in group[0]
    assert "Đề nghị khắc phục #1 đã đóng" in group[0]
    assert await amendments(h) == [
        (
            "ke-hoach",
            "fail",
            "pass",
            "Ghi chú về UBND xã Cổ Lũng",
            None,
            "Đơn vị xuất trình kế hoạch <số 5> & lịch kiểm tra",
            INSPECTOR.id,
        )
    ]
    async with h.store.reading() as tx:
        given = {a.item_id: a for a in await tx.inspections.given_answers(1)}
        current = await tx.inspections.answers(1)
        followup = (await tx.followups.of(1))[0]
        state = await tx.amendments.state_of(INSPECTOR.id)
        trail = await tx.trail.of(1)
    assert (given["ke-hoach"].value, given["ke-hoach"].note) == ("fail", "Ghi chú về UBND xã Cổ Lũng")
    assert (current["ke-hoach"].value, current["ke-hoach"].note, current["ke-hoach"].amended) == ("pass", None, True)
    assert not current["co-du-thao"].amended
    assert followup.status is FollowUpStatus.DONE
    assert followup.done_note == "Đơn vị xuất trình kế hoạch <số 5> & lịch kiểm tra"
    assert state is not None and state.stage is AmendStage.DONE
    assert [row.kind for row in trail] == [TrailKind.SUBMIT, TrailKind.CORRECTION]
    assert trail[1].detail == (
        "1.1 Đã ban hành kế hoạch KSTTHC năm: Không đạt: Ghi chú về UBND xã Cổ Lũng → Đạt. "
        "Lý do: Đơn vị xuất trình kế hoạch <số 5> & lịch kiểm tra"
    )
