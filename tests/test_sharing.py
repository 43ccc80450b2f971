"""A shared inspection through the engine, with a real SQLite file: inviting, joining, taking areas,
walking one's own, one answer per item, leaving, cancelling, submitting, and every forged press."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.buttons import Action, GroupAction, GroupToken, Token
from bot.events import Chat, ChatKind, Command, Edit, Person, Say, Tap
from bot.findings.trail import read_history, render_history
from storage.models import Stage, Status, TrailKind
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, STRANGER, Harness
from tests.images import jpeg

BINH = Person(id=201, name="Trần Thị Bình")
CUONG = Person(id=202, name="Lê Văn Cường")
GROUP_CHAT = Chat(id=GROUP, kind=ChatKind.GROUP)
POST_ID = 9001  # the invitation's message in the group, as Telegram would number it


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.open(tmp_path)
    try:
        code = await harness.make_team_with_inspector()
        await harness.command(BINH, "start", code)
        await harness.command(CUONG, "start", code)
        await harness.command(INSPECTOR, "inspect")
        await harness.text(INSPECTOR, "UBND xã Cổ Lũng")
        yield harness
    finally:
        await harness.store.close()


def join_data(inspection_id: int = 1) -> str:
    return GroupToken(action=GroupAction.JOIN, subject=inspection_id).encode()


async def join(h: Harness, person: Person, inspection_id: int = 1) -> list[Say | Edit]:
    replies = await h.send(person, Tap(data=join_data(inspection_id)), GROUP_CHAT, tapped=POST_ID)
    return [r for r in replies if isinstance(r, Say | Edit)]


async def invite(h: Harness) -> str:
    return h.texts(await h.command(INSPECTOR, "team"))


def toasts(h: Harness) -> str:
    return " ".join(getattr(r, "text", "") for r in h.last)


async def binh_holds_area_two(h: Harness, *, answers: bool = False) -> None:
    """Bình joins and takes area 2; with `answers`, he starts it and answers 2.1 «Đạt»."""
    await invite(h)
    await join(h, BINH)
    await h.tap(BINH, "2. Công khai")
    if answers:
        await h.tap(BINH, "Bắt đầu")
        await h.tap(BINH, "Đạt")


async def owner_through_area_one(h: Harness) -> None:
    await h.command(INSPECTOR, "resume")
    await h.tap(INSPECTOR, "Bỏ qua")
    await h.tap(INSPECTOR, "Đạt")
    await h.tap(INSPECTOR, "Có")


async def stored(h: Harness) -> tuple[dict[str, tuple[str, int]], dict[str, int]]:
    """The answers (value, who) and who holds which area."""
    async with h.store.reading() as tx:
        answers = {k: (a.value, a.answered_by) for k, a in (await tx.inspections.answers(1)).items()}
        holds = {area: hold.user_id for area, hold in (await tx.sharing.holds(1)).items()}
    return answers, holds


async def test_the_invitation_goes_to_the_group_and_a_member_joins_from_it(h: Harness) -> None:
    shown = await invite(h)
    assert "Đã gửi lời mời vào nhóm «Đoàn kiểm tra số 1»" in shown
    post = next(r for r in h.last if isinstance(r, Say) and r.chat_id == GROUP)
    assert "👥 <b>Nguyễn Văn An</b> đang kiểm tra <b>UBND xã Cổ Lũng</b>" in post.html
    assert "/join 1" in post.html
    assert "Tham gia" in post.buttons[0][0].label
    replies = await join(h, BINH)
    menu = next(r for r in replies if isinstance(r, Say) and r.chat_id == BINH.id)
    assert "Bạn đã tham gia phiên #1 của Nguyễn Văn An" in menu.html
    labels = [b.label for row in menu.buttons for b in row]
    assert labels[0].startswith("1. Chỉ đạo") and labels[-1] == "▶ Bắt đầu"
    told = next(r for r in replies if isinstance(r, Say) and r.chat_id == INSPECTOR.id)
    assert "Trần Thị Bình đã tham gia phiên #1" in told.html
    assert "Đã tham gia phiên #1" in toasts(h)
    # The post is rewritten in place, now that its message is known from the tap.
    rewrite = next(r for r in replies if isinstance(r, Edit) and r.chat_id == GROUP)
    assert rewrite.message_id == POST_ID and rewrite.coalesce == "post:1"
    async with h.store.reading() as tx:
        assert [p.user_id for p in await tx.sharing.participants(1)] == [BINH.id]


async def test_joining_twice_or_as_the_owner_or_a_stranger_changes_nothing(h: Harness) -> None:
    await invite(h)
    await join(h, BINH)
    assert [r for r in await join(h, BINH) if isinstance(r, Say)] == []
    assert "đã tham gia phiên này rồi" in toasts(h)
    await join(h, INSPECTOR)
    assert "phiên của bạn" in toasts(h)
    await join(h, STRANGER)
    assert "thành viên" in toasts(h)
    # A forged button naming an inspection that does not exist, or one never shared.
    await join(h, CUONG, inspection_id=77)
    assert "Không tham gia được phiên #77" in toasts(h)
    async with h.store.reading() as tx:
        assert [p.user_id for p in await tx.sharing.participants(1)] == [BINH.id]
        assert await tx.inspections.draft_of(CUONG.id) is None


async def test_join_by_command_where_there_are_no_buttons(h: Harness) -> None:
    assert "Không tham gia được phiên #1" in h.texts(await h.command(BINH, "join", "1"))  # not invited yet
    await invite(h)
    shown = h.texts(await h.command(BINH, "join", "1"))
    assert "Bạn đã tham gia phiên #1" in shown
    assert "Không tham gia được phiên #1" in h.texts(await h.command(STRANGER, "join", "1"))
    async with h.store.reading() as tx:
        assert [p.user_id for p in await tx.sharing.participants(1)] == [BINH.id]


async def test_a_member_with_a_draft_of_their_own_cannot_join(h: Harness) -> None:
    await invite(h)
    await h.command(BINH, "inspect")
    await join(h, BINH)
    assert "Bạn đang có phiên #2 chưa xong" in toasts(h)
    async with h.store.reading() as tx:
        assert await tx.sharing.participants(1) == []


async def test_two_walk_their_own_areas_and_the_owner_submits_once_all_is_answered(h: Harness) -> None:
    await invite(h)
    await join(h, BINH)
    await h.tap(BINH, "2. Công khai")
    assert "Bạn đã nhận mục 2" in toasts(h)
    mine = next(
        b.label for r in h.last if isinstance(r, Edit) for row in r.buttons for b in row if "Trả lại" in b.label
    )
    assert mine.startswith("✅ 2.")
    shown = h.texts(await h.tap(BINH, "Bắt đầu"))
    assert "Mục 2/2 · Câu 1/4" in shown
    # The owner walks area 1 and then goes on to the unit's remarks: area 2 is Bình's.
    await h.command(INSPECTOR, "resume")
    await h.tap(INSPECTOR, "Bỏ qua")  # the location
    assert "Mục 1/2 · Câu 1/2" in h.texts()
    await h.tap(INSPECTOR, "Đạt")
    shown = h.texts(await h.tap(INSPECTOR, "Có"))
    assert "kiến nghị" in shown.lower()
    # Bình answers area 2, evidence photo included.
    await h.command(BINH, "resume")
    await h.tap(BINH, "Đạt")
    await h.photo(BINH, jpeg())
    await h.tap(BINH, "Xong")
    await h.text(BINH, "95")  # the last required answer: the owner hears of it
    ready = next(r for r in h.last if isinstance(r, Say) and r.chat_id == INSPECTOR.id)
    assert "Phiên #1 (UBND xã Cổ Lũng) đã đủ các câu bắt buộc" in ready.html
    await h.tap(BINH, "Xong")  # the optional photo item
    shown = h.texts(await h.tap(BINH, "Bỏ qua"))  # the optional note
    assert "Bạn đã làm xong các mục của mình" in shown
    answers, holds = await stored(h)
    assert answers["ke-hoach"] == ("pass", INSPECTOR.id) and answers["bang-niem-yet"] == ("pass", BINH.id)
    assert answers["ty-le"] == ("95", BINH.id) and holds == {"niem-yet": BINH.id}
    await h.command(INSPECTOR, "resume")
    for _ in range(4):
        await h.tap(INSPECTOR, "Bỏ qua")
    await h.tap(INSPECTOR, "Gửi kết quả")
    told = next(r for r in h.last if isinstance(r, Say) and r.chat_id == BINH.id)
    assert "Nguyễn Văn An đã gửi kết quả phiên #1" in told.html
    async with h.store.reading() as tx:
        submitted = await tx.inspections.get(1)
        assert submitted is not None and submitted.status is Status.SUBMITTED
        assert await tx.inspections.draft_of(BINH.id) is None


async def test_the_owner_waits_for_an_area_someone_else_holds(h: Harness) -> None:
    await binh_holds_area_two(h)
    await owner_through_area_one(h)
    for _ in range(4):
        await h.tap(INSPECTOR, "Bỏ qua")
    shown = h.texts(await h.tap(INSPECTOR, "Gửi kết quả"))
    assert "Câu Mục 2/2 · Câu 1/4 chưa có trả lời: Trần Thị Bình đang làm mục này" in shown
    async with h.store.reading() as tx:
        draft = await tx.inspections.get(1)
        assert draft is not None and draft.status is Status.DRAFT and draft.stage is Stage.REVIEW
    # Bình's last required answer brings the owner, waiting at the review, the review again.
    await h.command(BINH, "resume")
    await h.tap(BINH, "Bắt đầu")
    await h.tap(BINH, "Đạt")
    await h.photo(BINH, jpeg())
    await h.tap(BINH, "Xong")
    replies = await h.text(BINH, "95")
    to_owner = [r for r in replies if isinstance(r, Say) and r.chat_id == INSPECTOR.id]
    assert "đã đủ các câu bắt buộc" in to_owner[0].html and "XEM LẠI PHIÊN #1" in to_owner[1].html
    assert "Trần Thị Bình (lĩnh vực 2)" in to_owner[1].html
    await h.send(INSPECTOR, Tap(data=to_owner[1].buttons[0][0].data))
    async with h.store.reading() as tx:
        submitted = await tx.inspections.get(1)
    assert submitted is not None and submitted.status is Status.SUBMITTED


async def test_an_item_someone_answered_is_locked_for_the_others(h: Harness) -> None:
    await invite(h)
    await join(h, BINH)
    await join(h, CUONG)
    await h.tap(BINH, "2. Công khai")
    await h.tap(BINH, "Bắt đầu")
    await h.tap(BINH, "Đạt")  # 2.1 answered by Bình, who now stands at its photo
    # The owner gives area 2 to Cường, who starts at 2.1 and finds it answered.
    await h.send(INSPECTOR, Tap(data=Token(action=Action.AREA, inspection_id=1, step=0, arg="o1").encode()))
    assert "Giao mục 2. Công khai, niêm yết TTHC cho ai?" in h.texts()
    await h.tap(INSPECTOR, "Lê Văn Cường")
    to_cuong = next(r for r in h.last if isinstance(r, Say) and r.chat_id == CUONG.id)
    assert "Nguyễn Văn An đã giao cho bạn mục 2" in to_cuong.html
    to_binh = next(r for r in h.last if isinstance(r, Say) and r.chat_id == BINH.id)
    assert "cho người khác" in to_binh.html
    await h.command(CUONG, "resume")
    await h.tap(CUONG, "Bắt đầu")
    shown = h.texts(await h.tap(CUONG, "Không đạt"))
    assert "Câu 2.1 đã được Trần Thị Bình trả lời: Đạt" in shown
    # Bình, whose area it no longer is, is turned away from it too: a photo is not recorded.
    assert "ảnh không được ghi" in h.texts(await h.photo(BINH, jpeg()))
    await h.command(BINH, "resume")
    shown = h.texts(await h.tap(BINH, "Xong"))
    assert "Mục 2 nay do Lê Văn Cường làm" in shown
    answers, holds = await stored(h)
    assert answers["bang-niem-yet"] == ("pass", BINH.id) and holds == {"niem-yet": CUONG.id}
    async with h.store.reading() as tx:
        assert await tx.photos.count(1) == 0


async def test_an_area_held_by_someone_cannot_be_taken_and_a_forged_area_is_refused(h: Harness) -> None:
    await invite(h)
    await join(h, BINH)
    await join(h, CUONG)
    await h.tap(BINH, "2. Công khai")
    take = Token(action=Action.AREA, inspection_id=1, step=0, arg="t1").encode()
    await h.send(CUONG, Tap(data=take))
    assert "Mục 2 do Trần Thị Bình đang làm" in toasts(h)
    for forged in ("t9", "a1p99", "x1", "t", "a1p"):
        await h.send(CUONG, Tap(data=Token(action=Action.AREA, inspection_id=1, step=0, arg=forged).encode()))
    await h.send(CUONG, Tap(data=Token(action=Action.AREA, inspection_id=1, step=0, arg="a1p3").encode()))
    assert "cũ" in toasts(h) or "nữa" in toasts(h)
    _, holds = await stored(h)
    assert holds == {"niem-yet": BINH.id}


async def test_leaving_hands_the_areas_back_and_keeps_the_answers(h: Harness) -> None:
    await binh_holds_area_two(h, answers=True)
    assert "gửi /leave" in h.texts(await h.command(BINH, "cancel"))
    shown = h.texts(await h.command(BINH, "leave"))
    assert "Bạn đã rời phiên #1" in shown and "mục trả lại: 2" in shown
    told = next(r for r in h.last if isinstance(r, Say) and r.chat_id == INSPECTOR.id)
    assert "Trần Thị Bình đã rời phiên #1" in told.html
    # An old area button of someone who left does nothing.
    await h.send(BINH, Tap(data=Token(action=Action.AREA, inspection_id=1, step=0, arg="t0").encode()))
    answers, holds = await stored(h)
    assert answers["bang-niem-yet"] == ("pass", BINH.id) and holds == {}
    assert "mở phiên #1" in h.texts(await h.command(INSPECTOR, "leave"))


async def test_cancelling_a_shared_draft_tells_everyone_and_keeps_it_stored(h: Harness) -> None:
    await binh_holds_area_two(h, answers=True)
    # A participant's forged cancel press, with their own step, cancels nothing.
    async with h.store.reading() as tx:
        seat = await tx.inspections.draft_of(BINH.id)
    assert seat is not None
    await h.send(BINH, Tap(data=Token(action=Action.CANCEL_YES, inspection_id=1, step=seat.step).encode()))
    await h.command(INSPECTOR, "cancel")
    await h.tap(INSPECTOR, "Hủy phiên")
    told = next(r for r in h.last if isinstance(r, Say) and r.chat_id == BINH.id)
    assert "Nguyễn Văn An đã hủy phiên #1" in told.html and "vẫn được lưu" in told.html
    async with h.store.reading() as tx:
        cancelled = await tx.inspections.get(1)
        assert cancelled is not None and cancelled.status is Status.CANCELLED
        assert (await tx.inspections.answers(1))["bang-niem-yet"].answered_by == BINH.id
    await join(h, CUONG)
    assert "đã kết thúc" in toasts(h)


async def test_status_in_the_group_shows_who_holds_each_area(h: Harness) -> None:
    await binh_holds_area_two(h)
    shown = h.texts(await h.command(ADMIN, "status", group=True))
    assert "#1 · UBND xã Cổ Lũng</b> · Nguyễn Văn An · 0/6 câu" in shown
    assert "1. Chỉ đạo, điều hành — chưa có người nhận · 0/2" in shown
    assert "2. Công khai, niêm yết TTHC — Trần Thị Bình · 0/4" in shown
    mine = h.texts(await h.command(BINH, "status"))
    assert "Đoàn: Đoàn kiểm tra số 1" in mine and "Trần Thị Bình · 0/4" in mine


async def test_the_invitation_is_rewritten_at_most_once_a_minute(h: Harness, tmp_path: Path) -> None:
    await invite(h)
    first = [r for r in await join(h, BINH) if isinstance(r, Edit) and r.chat_id == GROUP]
    assert first[0].held_until is None  # the first change shows at once
    await h.tap(BINH, "2. Công khai")
    later = next(r for r in h.last if isinstance(r, Edit) and r.chat_id == GROUP)
    assert later.held_until is not None and later.coalesce == "post:1"
    await h.tap(BINH, "1. Chỉ đạo")
    with sqlite3.connect(tmp_path / "kiemtra.sqlite3") as db:
        pending = db.execute(
            "SELECT body, not_before FROM outbox WHERE coalesce_key = 'post:1' AND status = 'pending'"
        ).fetchall()
    # One rewrite waits for the minute's end, showing both areas taken and who joined.
    assert len(pending) == 1 and pending[0][0].count("Trần Thị Bình") == 3


async def test_a_person_in_two_teams_chooses_the_team(h: Harness) -> None:
    other = Chat(id=-1002, kind=ChatKind.GROUP)
    created = h.texts(await h.send(ADMIN, Command(name="newteam", args="Đoàn số 2"), other))
    await h.command(BINH, "start", created.split("start=")[1].split()[0])
    assert "Bạn thuộc 2 đoàn" in h.texts(await h.command(BINH, "inspect"))
    assert "👥 Đoàn số 2" in h.texts(await h.tap(BINH, "Đoàn số 2"))
    async with h.store.reading() as tx:
        draft = await tx.inspections.draft_of(BINH.id)
    assert draft is not None and draft.team_id == 2


async def test_removing_a_participant_from_the_team_leaves_the_owner_s_inspection_open(h: Harness) -> None:
    await binh_holds_area_two(h)
    group = Chat(id=GROUP, kind=ChatKind.GROUP)
    await h.send(ADMIN, Command(name="members"), group)
    await h.send(ADMIN, Tap(data=h.button("Trần Thị Bình")), group)
    assert "sẽ được đóng lại" not in h.texts()  # the inspection is not theirs to lose
    await h.send(ADMIN, Tap(data=h.button("Đưa ra khỏi đoàn")), group)
    async with h.store.reading() as tx:
        inspection = await tx.inspections.get(1)
        assert inspection is not None and inspection.status is Status.DRAFT
        assert await tx.inspections.draft_of(BINH.id) is None
        assert await tx.sharing.holds(1) == {}


async def test_a_join_button_of_another_team_s_inspection_changes_nothing(h: Harness) -> None:
    await invite(h)
    other = Chat(id=-1002, kind=ChatKind.GROUP)
    created = h.texts(await h.send(ADMIN, Command(name="newteam", args="Đoàn số 2"), other))
    await h.command(CUONG, "start", created.split("start=")[1].split()[0])
    await h.send(CUONG, Tap(data=join_data(1)), other, tapped=POST_ID)  # team 1's inspection, team 2's group
    assert "Không tham gia được phiên #1" in toasts(h)
    async with h.store.reading() as tx:
        assert await tx.sharing.participants(1) == []
        post = await tx.sharing.post_of(1)
    assert post is not None and post.message_id is None  # a tap elsewhere is not the invitation's message


async def test_the_history_tells_who_joined_took_gave_and_left(h: Harness) -> None:
    await binh_holds_area_two(h, answers=True)
    await join(h, CUONG)
    await h.send(INSPECTOR, Tap(data=Token(action=Action.AREA, inspection_id=1, step=0, arg="a1p3").encode()))
    await h.command(CUONG, "leave")
    async with h.store.reading() as tx:
        inspection = await tx.inspections.get(1)
        assert inspection is not None
        entries = await read_history(tx, inspection, h.engine.versions.default)
    told = render_history(inspection, entries)
    for line in (
        "Trần Thị Bình · tham gia phiên",
        "Trần Thị Bình · nhận lĩnh vực: 2. Công khai, niêm yết TTHC",
        "Trần Thị Bình · trả lời: 2.1",
        "Nguyễn Văn An · giao lĩnh vực: 2. Công khai, niêm yết TTHC → Lê Văn Cường",
        "Lê Văn Cường · rời phiên: 2",
    ):
        assert line in told, told
    assert [entry.kind for entry in entries].count(TrailKind.JOIN) == 2


async def test_a_participant_may_correct_the_submitted_result(h: Harness) -> None:
    await binh_holds_area_two(h)
    await join(h, CUONG)
    await h.command(CUONG, "leave")  # joined and left without answering: not a participant any more
    await owner_through_area_one(h)
    await h.command(BINH, "resume")
    await h.tap(BINH, "Bắt đầu")
    await h.tap(BINH, "Đạt")
    await h.photo(BINH, jpeg())
    await h.tap(BINH, "Xong")
    await h.text(BINH, "95")
    await h.command(INSPECTOR, "resume")
    for _ in range(4):
        await h.tap(INSPECTOR, "Bỏ qua")
    await h.tap(INSPECTOR, "Gửi kết quả")
    assert "Sửa kết quả phiên #1" in h.texts(await h.command(BINH, "amend", "1"))
    assert "Chỉ người đã kiểm tra phiên #1" in h.texts(await h.command(CUONG, "amend", "1"))


async def test_closing_the_round_tells_everyone_on_a_shared_draft(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path)
    try:
        code = await h.make_team_with_inspector()
        await h.command(BINH, "start", code)
        await h.command(ADMIN, "round", "Đợt tháng 12", group=True)
        await h.command(INSPECTOR, "inspect")
        await h.text(INSPECTOR, "UBND xã Cổ Lũng")
        await binh_holds_area_two(h)
        await h.command(ADMIN, "endround", group=True)
        replies = await h.send(ADMIN, Tap(data=h.button("Kết thúc đợt")), Chat(id=GROUP, kind=ChatKind.GROUP))
        told = {r.chat_id for r in replies if isinstance(r, Say) and "phiên #1 (UBND xã Cổ Lũng)" in r.html}
        assert {INSPECTOR.id, BINH.id} <= told
        async with h.store.reading() as tx:
            closed = await tx.inspections.get(1)
        assert closed is not None and closed.status is Status.CANCELLED
    finally:
        await h.store.close()
