"""What the record says about people and its basis, set from the chat: /chucvu, /xungho, and the round's
basis asked after /round. Driven through the engine against a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.events import Chat, ChatKind, Command, Tap, Text
from storage.models import Salutation
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, Harness, team_harness

GROUP_CHAT = Chat(id=GROUP, kind=ChatKind.GROUP)
BASIS = "Quyết định số 125/QĐ-UBND ngày 02/8/2026 của Chủ tịch UBND tỉnh về việc kiểm tra công tác KSTTHC năm 2026"


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    async with team_harness(tmp_path) as harness:
        yield harness


async def in_group(h: Harness, event: Command | Text | Tap) -> str:
    return h.texts(await h.send(ADMIN, event, GROUP_CHAT))


async def test_chucvu_and_xungho_set_the_line_the_record_prints(h: Harness) -> None:
    shown = h.texts(await h.command(ADMIN, "chucvu"))
    assert "Biên bản ghi bạn là: <b>Ông/Bà Trần Quản Trị – Trưởng đoàn</b>" in shown
    assert [b.label for r in h.last for b in getattr(r, "buttons", [[]])[0]] == ["Ông", "Bà"]
    saved = h.texts(await h.command(ADMIN, "chucvu", "  Phó Giám đốc   Sở Nội vụ "))
    assert "<b>Ông/Bà Trần Quản Trị – Phó Giám đốc Sở Nội vụ – Trưởng đoàn</b>" in saved
    assert "«Ông» hay «Bà»" in h.texts(await h.command(ADMIN, "xungho"))
    await h.tap(ADMIN, "Ông")
    assert "<b>Ông Trần Quản Trị – Phó Giám đốc Sở Nội vụ – Trưởng đoàn</b>" in h.texts()
    assert "<b>Bà Nguyễn Văn An – Thành viên</b>" in h.texts(await h.command(INSPECTOR, "xungho", "bà"))
    assert "3 đến 150 ký tự" in h.texts(await h.command(INSPECTOR, "chucvu", "x"))
    async with h.store.transaction() as tx:
        members = {m.user_id: m for m in await tx.teams.members(1)}
    assert (members[ADMIN.id].position, members[ADMIN.id].salutation) == ("Phó Giám đốc Sở Nội vụ", Salutation.MR)
    assert (members[INSPECTOR.id].position, members[INSPECTOR.id].salutation) == (None, Salutation.MRS)


async def test_a_salutation_button_of_someone_else_changes_nothing(h: Harness) -> None:
    await h.command(ADMIN, "xungho")
    replies = await h.send(INSPECTOR, Tap(data=h.button("Bà")))
    assert "không thuộc" in " ".join(getattr(r, "text", "") for r in replies)
    async with h.store.transaction() as tx:
        assert (await tx.people.title_of(ADMIN.id)).salutation is None
    assert "nhắn riêng" in await in_group(h, Command(name="chucvu", args="Trưởng phòng"))


async def test_round_asks_for_its_basis_and_keeps_the_reply(h: Harness) -> None:
    opened = await in_group(h, Command(name="round", args="Kiểm tra KSTTHC 2026"))
    assert "Đã mở đợt kiểm tra" in opened and "trả lời tin nhắn này bằng <b>căn cứ</b>" in opened
    assert "10 đến 1.000 ký tự" in await in_group(h, Text(text="QĐ 1"))
    saved = await in_group(h, Text(text=f"Căn cứ {BASIS};\n\nKế hoạch số 30/KH-UBND ngày 05/8/2026."))
    assert "Đã ghi căn cứ" in saved
    async with h.store.transaction() as tx:
        chosen = await tx.rounds.open_of(1)
        assert chosen is not None and chosen.basis == f"{BASIS}\nKế hoạch số 30/KH-UBND ngày 05/8/2026"
        assert await tx.followups.prompt_of(GROUP, ADMIN.id) is None
    assert await in_group(h, Text(text="nói chuyện trong nhóm")) == ""  # answered: the next text is not for the bot
    assert f"Căn cứ: {BASIS}" in await in_group(h, Command(name="round"))


async def test_the_basis_can_be_skipped_and_entered_later_from_round(h: Harness) -> None:
    await in_group(h, Command(name="round", args="Đợt không căn cứ"))
    assert "chưa có căn cứ riêng" in await in_group(h, Tap(data=h.button("Bỏ qua")))
    shown = await in_group(h, Command(name="round"))
    assert "Căn cứ: chưa nhập" in shown
    assert "căn cứ" in await in_group(h, Tap(data=h.button("Nhập căn cứ")))
    assert "Đã ghi căn cứ" in await in_group(h, Text(text=BASIS))
    replies = await h.send(INSPECTOR, Command(name="round"), GROUP_CHAT)
    tap = Tap(data=next(b.data for r in replies for row in getattr(r, "buttons", []) for b in row))
    assert "trưởng đoàn" in " ".join(getattr(r, "text", "") for r in await h.send(INSPECTOR, tap, GROUP_CHAT))
