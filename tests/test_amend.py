"""Corrections after submit (`/amend`), through the engine alone with a real SQLite file: the trail they
leave, their follow-ups, and every bad input with what the person reads and what is stored."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import docx
import openpyxl
import pytest

from bot.buttons import AmendAction, AmendToken
from bot.checklist.loader import parse_checklist
from bot.checklist.versions import ChecklistVersions
from bot.events import Chat, ChatKind, Command, Person, Reply, Say, Tap, Toast
from bot.reports.record import write_record
from bot.reports.round_doc import write_round_report
from bot.reports.service import ReportService
from bot.reports.workbook import write_workbook
from storage.clock import utcnow
from storage.models import AmendStage, AmendState, FollowUpStatus, TrailKind
from storage.sqlite.store import SqliteStore
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, SMALL_CHECKLIST, STRANGER, Harness, team_harness
from tests.images import jpeg, png
from tests.old_schema import schema_up_to, submitted_inspection
from tests.test_cli import run_bot
from tests.test_engine_reports import submit

COLLEAGUE = Person(id=400, name="Lê Thị Hoa")
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


def toast(replies: list[Reply]) -> str:
    assert len(replies) == 1 and isinstance(replies[0], Toast), replies
    return replies[0].text


async def stored(h: Harness) -> tuple[int, AmendState | None, dict[str, str]]:
    """How many corrections there are, where the inspector's correction stands, the current values."""
    async with h.store.reading() as tx:
        count = len(await tx.amendments.of(1))
        state = await tx.amendments.state_of(INSPECTOR.id)
        values = {item: answer.value for item, answer in (await tx.inspections.answers(1)).items()}
    return count, state, values


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", "kèm số phiên đã gửi"),
        ("abc", "kèm số phiên đã gửi"),
        ("1" * 13, "kèm số phiên đã gửi"),
        ("99", "Không có phiên #99 trong đoàn của bạn"),
    ],
)
async def test_amend_without_a_usable_id_says_how_and_stores_nothing(h: Harness, args: str, expected: str) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    assert expected in h.texts(await h.command(INSPECTOR, "amend", args))
    assert await stored(h) == (
        0,
        None,
        {"ke-hoach": "fail", "co-du-thao": "yes", "bang-niem-yet": "pass", "ty-le": "90"},
    )


async def test_another_teams_inspection_reads_as_none(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    other = h.texts(await h.command(ADMIN, "newteam", "Đoàn số 2", group=False))
    code = (
        h.texts(
            await h.send(
                ADMIN, Command(name="newteam", args="Đoàn số 2"), Chat(id=SECOND_TEAM_GROUP, kind=ChatKind.GROUP)
            )
        )
        .split("start=")[1]
        .split()[0]
    )
    assert other  # /newteam in private says where to send it
    await h.command(STRANGER, "start", code)
    assert "Không có phiên #1 trong đoàn của bạn" in h.texts(await h.command(STRANGER, "amend", "1"))
    async with h.store.reading() as tx:
        assert await tx.amendments.state_of(STRANGER.id) is None


async def test_a_draft_and_a_cancelled_inspection_are_not_amended(h: Harness) -> None:
    await h.start_inspection()
    assert "Phiên #1 chưa gửi" in h.texts(await h.command(INSPECTOR, "amend", "1"))
    await h.command(INSPECTOR, "cancel")
    await h.tap(INSPECTOR, "Hủy phiên")
    assert "Phiên #1 đã hủy nên không sửa được" in h.texts(await h.command(INSPECTOR, "amend", "#1"))
    async with h.store.reading() as tx:
        assert await tx.amendments.state_of(INSPECTOR.id) is None
        assert [row.kind for row in await tx.trail.of(1)] == [TrailKind.CANCEL]


async def test_only_a_participant_or_the_lead_amends(h: Harness, tmp_path: Path) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    code = h.texts(await h.command(ADMIN, "newcode", group=True)).split("start=")[1].split()[0]
    await h.command(COLLEAGUE, "start", code)
    refused = h.texts(await h.command(COLLEAGUE, "amend", "1"))
    assert "Chỉ người đã kiểm tra phiên #1 hoặc trưởng đoàn" in refused
    async with h.store.reading() as tx:
        assert await tx.amendments.state_of(COLLEAGUE.id) is None
    assert "Sửa kết quả phiên #1" in h.texts(await h.command(ADMIN, "amend", "1"))


async def test_forged_stale_and_finished_buttons_change_nothing(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    await h.command(INSPECTOR, "amend", "1")
    area = h.button("1. Chỉ đạo")
    await h.tap(INSPECTOR, "1. Chỉ đạo")
    item = h.button("1.1 Đã ban hành")
    _, before, _ = await stored(h)
    assert "đã cũ" in toast(await h.send(INSPECTOR, Tap(data=area)))  # a double tap
    forged = AmendToken(action=AmendAction.ITEM, inspection_id=2, step=before.step if before else 0, arg="0")
    assert "lần sửa khác" in toast(await h.send(INSPECTOR, Tap(data=forged.encode())))
    out_of_area = AmendToken(action=AmendAction.ITEM, inspection_id=1, step=before.step if before else 0, arg="3")
    assert "đã cũ" in toast(await h.send(INSPECTOR, Tap(data=out_of_area.encode())))
    assert (await stored(h))[1] == before
    await h.send(INSPECTOR, Tap(data=item))
    await h.tap(INSPECTOR, "Đạt")
    await h.text(INSPECTOR, "Đơn vị xuất trình kế hoạch")
    count, done, _ = await stored(h)
    assert count == 1 and done is not None and done.stage is AmendStage.DONE
    old = AmendToken(action=AmendAction.VALUE, inspection_id=1, step=done.step - 1, arg="fail")
    assert "Lần sửa này đã xong" in toast(await h.send(INSPECTOR, Tap(data=old.encode())))
    assert await stored(h) == (count, done, (await stored(h))[2])
    assert (await stored(h))[2]["ke-hoach"] == "pass"


async def test_a_draft_button_and_an_amend_button_never_stand_for_each_other(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    await h.command(INSPECTOR, "inspect")
    await h.text(INSPECTOR, "UBND thị trấn Đu")
    await h.tap(INSPECTOR, "Bỏ qua")
    draft_pass = h.button("Đạt")
    await h.command(INSPECTOR, "amend", "1")
    amend_area = h.button("1. Chỉ đạo")
    assert draft_pass.startswith("v:2:") and amend_area.startswith("Aa:1:")
    await h.send(INSPECTOR, Tap(data=amend_area))  # the correction moves; the draft does not
    async with h.store.reading() as tx:
        draft = await tx.inspections.draft_of(INSPECTOR.id)
        state = await tx.amendments.state_of(INSPECTOR.id)
    assert draft is not None and draft.pos == 0 and state is not None and state.stage is AmendStage.ITEM
    await h.send(INSPECTOR, Tap(data=draft_pass))  # the draft moves; the correction does not
    async with h.store.reading() as tx:
        moved = await tx.inspections.draft_of(INSPECTOR.id)
        assert (await tx.amendments.state_of(INSPECTOR.id)) == state
        assert (await tx.inspections.answers(2))["ke-hoach"].value == "pass"
    assert moved is not None and moved.pos == 1


async def test_the_reason_is_required_and_capped(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    await to_reason(h)
    _, waiting, values = await stored(h)
    empty = h.texts(await h.text(INSPECTOR, "   "))
    assert "Cần ghi lý do sửa" in empty and "Nhập lý do sửa" in empty
    long = h.texts(await h.text(INSPECTOR, "x" * 1001))
    assert "1001 ký tự, quá giới hạn 1000" in long and "Nhập lý do sửa" in long
    assert await stored(h) == (0, waiting, values)
    assert waiting is not None and waiting.stage is AmendStage.REASON
    assert "Đã sửa phiên #1" in h.texts(await h.text(INSPECTOR, "x" * 1000))
    assert (await stored(h))[0] == 1


async def test_amending_to_the_same_answer_stores_nothing(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    await h.command(INSPECTOR, "amend", "1")
    await h.tap(INSPECTOR, "2. Công khai")
    await h.tap(INSPECTOR, "2.2 Tỷ lệ")
    replies = await h.text(INSPECTOR, "90")
    assert "không có gì thay đổi" in h.texts(replies)
    assert all(isinstance(r, Say) and r.chat_id == INSPECTOR.id for r in replies if isinstance(r, Say))
    count, state, values = await stored(h)
    assert count == 0 and state is not None and state.stage is AmendStage.DONE and values["ty-le"] == "90"
    async with h.store.reading() as tx:
        assert [row.kind for row in await tx.trail.of(1)] == [TrailKind.SUBMIT]


async def test_a_new_shortcoming_opens_a_follow_up_and_one_corrected_back_reopens_it(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng", rating="Đạt")
    async with h.store.reading() as tx:
        assert await tx.followups.of(1) == []
    await to_reason(h, "Không đạt")
    assert "Mô tả ngắn" in h.texts()
    await h.text(INSPECTOR, "Chưa có lịch kiểm tra")
    group = [r.html for r in await h.text(INSPECTOR, "Xem lại hồ sơ") if isinstance(r, Say) and r.chat_id == GROUP]
    assert len(group) == 1 and "Mở đề nghị khắc phục #1" in group[0]
    await to_reason(h, "Đạt")
    await h.text(INSPECTOR, "Đơn vị bổ sung lịch")
    await to_reason(h, "Một phần")
    await h.tap(INSPECTOR, "Bỏ qua")
    await h.text(INSPECTOR, "Lịch chưa đủ")
    async with h.store.reading() as tx:
        followups = await tx.followups.of(1)
        events = [event.kind.value for event in await tx.followups.events(1)]
    assert [(f.id, f.value, f.status) for f in followups] == [(1, "partial", FollowUpStatus.OPEN)]
    assert events == ["created", "done", "reopened"]
    assert [a[1:3] for a in await amendments(h)] == [("pass", "fail"), ("fail", "pass"), ("pass", "partial")]


async def test_after_the_round_closes_only_the_lead_amends_and_the_documents_say_so(h: Harness, tmp_path: Path) -> None:
    await h.command(ADMIN, "round", "Đợt tháng 11", group=True)
    await submit(h, "UBND xã Cổ Lũng")
    await h.command(ADMIN, "endround", group=True)
    await h.send(ADMIN, Tap(data=h.button("Kết thúc đợt")), Chat(id=GROUP, kind=ChatKind.GROUP))
    refused = h.texts(await h.command(INSPECTOR, "amend", "1"))
    assert "Đợt <b>Đợt tháng 11</b> đã kết thúc; chỉ trưởng đoàn" in refused
    assert (await stored(h))[:2] == (0, None)
    await h.command(ADMIN, "amend", "1")
    await h.tap(ADMIN, "1. Chỉ đạo")
    await h.tap(ADMIN, "1.1 Đã ban hành")
    await h.tap(ADMIN, "Đạt")
    assert "Đã sửa phiên #1" in h.texts(await h.text(ADMIN, "Kế hoạch ban hành trước buổi kiểm tra"))
    service = ReportService(
        h.store,
        ChecklistVersions(parse_checklist(SMALL_CHECKLIST)),
        issuer="UBND TỈNH",
        place="Thái Nguyên",
        photo_dir=tmp_path,
    )
    report = await service.round_report(1)
    write_round_report(report, service.context(), tmp_path / "dot.docx", png(40, 30))
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "dot.docx")).paragraphs)
    assert "(đã sửa 1 nội dung sau khi gửi)" in text
    assert "Các biên bản có nội dung sửa sau khi kết thúc đợt" in text
    assert "UBND xã Cổ Lũng – phiên #1: tiêu chí 1.1" in text and "Kế hoạch ban hành trước buổi kiểm tra" in text
    write_workbook(report, service.context(), tmp_path / "dot.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "dot.xlsx")["Trả lời"]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[4] == "ke-hoach")
    assert (row[6], row[14], row[15]) == ("Đạt (đã sửa)", "Kế hoạch ban hành trước buổi kiểm tra", "Có")


async def test_history_prints_the_whole_trail_in_time_order(h: Harness, tmp_path: Path) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    await to_reason(h)
    await h.text(INSPECTOR, "Đơn vị xuất trình kế hoạch")
    await h.store.close()
    result = run_bot("history", "1", env={"DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Phiên kiểm tra #1 · UBND xã Cổ Lũng"
    said = [line.split(" · ", 2)[1:] for line in lines[1:]]
    assert said[0] == ["Nguyễn Văn An", "bắt đầu phiên: UBND xã Cổ Lũng"]
    assert said[1] == [
        "Nguyễn Văn An",
        "trả lời: 1.1 Đã ban hành kế hoạch KSTTHC năm: Không đạt (Ghi chú về UBND xã Cổ Lũng)",
    ]
    assert [s[1].split(":")[0] for s in said[2:]] == ["trả lời"] * 3 + ["gửi kết quả", "sửa sau khi gửi"]
    assert said[-1][1] == (
        "sửa sau khi gửi: 1.1 Đã ban hành kế hoạch KSTTHC năm: Không đạt: Ghi chú về UBND xã Cổ Lũng → Đạt. "
        "Lý do: Đơn vị xuất trình kế hoạch"
    )
    missing = run_bot("history", "99", env={"DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert missing.returncode == 1 and "#99" in missing.stderr
    h.store = await type(h.store).open(tmp_path / "kiemtra.sqlite3")  # the fixture closes it again


async def test_a_database_of_migration_9_keeps_its_follow_up_history(tmp_path: Path) -> None:
    """Migration 10 rebuilds `followup_events` to take the new kind; the events there survive."""
    path = tmp_path / "kiemtra.sqlite3"
    now = utcnow().isoformat()
    with closing(sqlite3.connect(path)) as db:
        schema_up_to(db, 9)
        submitted_inspection(db, now)
        db.execute("INSERT INTO answers VALUES (1, 'i', 'a', 'fail', 'thiếu', 200, ?)", (now,))
        db.execute(
            "INSERT INTO followups (team_id, inspection_id, area_id, item_id, value, due_on, created_at) "
            "VALUES (1, 1, 'a', 'i', 'fail', '2026-12-31', ?)",
            (now,),
        )
        db.execute("INSERT INTO followup_events VALUES (7, 1, 'created', 200, 'An', '2026-12-31', ?)", (now,))
        db.commit()
    store = await SqliteStore.open(path)
    try:
        async with store.transaction() as tx:
            assert [(e.kind.value, e.detail) for e in await tx.followups.events(1)] == [("created", "2026-12-31")]
            answer = (await tx.inspections.answers(1))["i"]
            assert (answer.value, answer.note, answer.amended) == ("fail", "thiếu", False)
            assert await tx.trail.of(1) == [] and await tx.amendments.of(1) == []
    finally:
        await store.close()


async def photos_of(h: Harness, item_id: str, folder: Path) -> list[tuple[int, bool, bool]]:
    """(id, pending, withdrawn) of every photo stored for an item of inspection #1."""
    with closing(sqlite3.connect(folder / "kiemtra.sqlite3")) as db:
        rows = db.execute(
            "SELECT id, pending_of IS NOT NULL, withdrawn_at IS NOT NULL FROM photos WHERE item_id = ? ORDER BY id",
            (item_id,),
        ).fetchall()
    return [(int(i), bool(p), bool(w)) for i, p, w in rows]


async def record_of(h: Harness, folder: Path) -> Path:
    service = ReportService(
        h.store,
        ChecklistVersions(parse_checklist(SMALL_CHECKLIST)),
        issuer="UBND TỈNH",
        place="Thái Nguyên",
        photo_dir=folder / "photos",
    )
    write_record(await service.inspection_report(1), service.context(), folder / "bien-ban.docx")
    return folder / "bien-ban.docx"


async def test_evidence_is_added_and_withdrawn_with_a_reason(h: Harness, tmp_path: Path) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    await h.command(INSPECTOR, "amend", "1")
    await h.tap(INSPECTOR, "2. Công khai")
    await h.tap(INSPECTOR, "2.1")
    shown = h.texts(await h.tap(INSPECTOR, "Đạt"))  # the same rating: only the evidence changes
    assert "1 ảnh giữ lại, 0 ảnh mới, 0 ảnh rút" in shown
    shown = h.texts(await h.photo(INSPECTOR, jpeg(label="anh moi")))
    assert "1 ảnh giữ lại, 1 ảnh mới, 0 ảnh rút" in shown
    assert (await photos_of(h, "bang-niem-yet", tmp_path))[1][1:] == (True, False)  # kept aside until saved
    async with h.store.reading() as tx:
        assert await tx.photos.count(1, "bang-niem-yet") == 1
    shown = h.texts(await h.tap(INSPECTOR, "Rút ảnh 1"))
    assert "0 ảnh giữ lại, 1 ảnh mới, 1 ảnh rút" in shown and h.button("Giữ lại ảnh 1")
    reason = h.texts(await h.tap(INSPECTOR, "Xong"))
    assert "lý do" in reason and "Đạt (thêm 1 ảnh, rút 1 ảnh)" in reason
    replies = await h.text(INSPECTOR, "Ảnh cũ chụp nhầm bảng của xã khác")
    group = next(r.html for r in replies if isinstance(r, Say) and r.chat_id == GROUP)
    assert "Đạt (thêm 1 ảnh, rút 1 ảnh)" in group
    stored = await photos_of(h, "bang-niem-yet", tmp_path)
    assert [(pending, withdrawn) for _, pending, withdrawn in stored] == [(False, True), (False, False)]
    async with h.store.reading() as tx:
        (amendment,) = await tx.amendments.of(1)
        shown_photos = [photo.id for photo in await tx.photos.of(1)]
    assert (amendment.photos_added, amendment.photos_withdrawn, amendment.new_value) == (1, 1, "pass")
    assert shown_photos == [stored[1][0]]  # every document now shows the new photo alone
    record = docx.Document(str(await record_of(h, tmp_path)))
    annex = "\n".join(cell.text for table in record.tables for row in table.rows for cell in row.cells)
    assert "Đạt (thêm 1 ảnh, rút 1 ảnh)" in annex and "Ảnh cũ chụp nhầm bảng của xã khác" in annex


async def test_required_evidence_keeps_one_photo_and_a_correction_given_up_drops_what_was_sent(
    h: Harness, tmp_path: Path
) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    await h.command(INSPECTOR, "amend", "1")
    await h.tap(INSPECTOR, "2. Công khai")
    await h.tap(INSPECTOR, "2.1")
    await h.tap(INSPECTOR, "Đạt")
    await h.tap(INSPECTOR, "Rút ảnh 1")
    await h.tap(INSPECTOR, "Xong")
    assert any(isinstance(r, Toast) and "ít nhất một ảnh" in r.text for r in h.last)
    await h.photo(INSPECTOR, jpeg(label="anh thu"))
    await h.tap(INSPECTOR, "Quay lại")  # to the rating
    await h.tap(INSPECTOR, "Quay lại")  # to the items
    await h.tap(INSPECTOR, "Quay lại")  # to the areas
    assert "không có gì thay đổi" in h.texts(await h.tap(INSPECTOR, "Thôi"))
    stored = await photos_of(h, "bang-niem-yet", tmp_path)
    assert [(pending, withdrawn) for _, pending, withdrawn in stored] == [(False, False), (True, True)]
    assert await amendments(h) == []


async def test_a_photo_question_is_corrected_by_its_photos(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng")  # 2.3, optional evidence, was left without photos
    await h.command(INSPECTOR, "amend", "1")
    await h.tap(INSPECTOR, "2. Công khai")
    shown = h.texts(await h.tap(INSPECTOR, "2.3"))
    assert "0 ảnh giữ lại, 0 ảnh mới" in shown
    await h.photo(INSPECTOR, png())
    await h.photo(INSPECTOR, jpeg(label="quay mot cua"))
    await h.tap(INSPECTOR, "Xong")
    await h.text(INSPECTOR, "Bổ sung ảnh quầy Một cửa")
    assert await amendments(h) == [("anh-quay", None, "2", None, None, "Bổ sung ảnh quầy Một cửa", INSPECTOR.id)]
    async with h.store.reading() as tx:
        assert await tx.photos.count(1, "anh-quay") == 2
        assert (await tx.inspections.answer(1, "anh-quay")) is not None
