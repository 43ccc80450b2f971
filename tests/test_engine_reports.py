"""Rounds, follow-ups, reminders and report requests, through the engine alone with a real SQLite file."""

from __future__ import annotations

import tarfile
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from app import operator
from app.settings import Settings
from bot.events import Chat, ChatKind, Command, PhotoIn, ReportFile, ReportKind, Say, Tap, Text
from bot.team.reminders import Reminders
from bot.texts.formats import VIETNAM
from storage.clock import utcnow
from storage.models import Status
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, Harness, team_harness
from tests.images import jpeg

GROUP_CHAT = Chat(id=GROUP, kind=ChatKind.GROUP)


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    async with team_harness(tmp_path) as harness:
        yield harness


async def in_group(h: Harness, name: str, args: str = "") -> str:
    return h.texts(await h.send(ADMIN, Command(name=name, args=args), GROUP_CHAT))


async def tap_in_group(h: Harness, label: str) -> list[object]:
    return list(await h.send(ADMIN, Tap(data=h.button(label)), GROUP_CHAT))


async def submit(h: Harness, unit: str, *, rating: str = "Không đạt") -> None:
    """The small checklist with the first item rated `rating` (and noted) and everything else passing."""
    await h.command(INSPECTOR, "inspect")
    await h.text(INSPECTOR, unit)
    await h.tap(INSPECTOR, "Bỏ qua")
    await h.tap(INSPECTOR, rating)
    if rating in ("Không đạt", "Một phần"):
        await h.text(INSPECTOR, f"Ghi chú về {unit}")
    await h.tap(INSPECTOR, "Có")
    await h.tap(INSPECTOR, "Đạt")
    await h.photo(INSPECTOR, jpeg(label=unit))
    await h.tap(INSPECTOR, "Xong")
    await h.text(INSPECTOR, "90")
    await h.tap(INSPECTOR, "Xong")
    for _ in range(5):  # a text answer, recommendations, strengths, representatives, opinion
        await h.tap(INSPECTOR, "Bỏ qua")
    assert "Đã gửi kết quả" in h.texts(await h.tap(INSPECTOR, "Gửi"))


async def test_inspections_belong_to_the_open_round_and_closing_ends_drafts(h: Harness) -> None:
    await submit(h, "UBND xã Ngoài Đợt")
    assert "Đã mở đợt" in await in_group(h, "round", "Đợt   tháng 11\u3000")
    await submit(h, "UBND xã Cổ Lũng")
    await h.command(INSPECTOR, "inspect")
    assert "Thuộc đợt: <b>Đợt tháng 11</b>" in h.texts()
    await h.text(INSPECTOR, "UBND thị trấn Đu")
    confirm = await in_group(h, "endround")
    assert "Đã gửi 1 phiên" in confirm and "Còn 1 phiên chưa gửi" in confirm
    replies = await tap_in_group(h, "Kết thúc đợt")
    to_inspector = [r for r in replies if isinstance(r, Say) and r.chat_id == INSPECTOR.id]
    assert len(to_inspector) == 1 and "đã được đóng lại" in to_inspector[0].html
    async with h.store.transaction() as tx:
        inspections = [await tx.inspections.get(i) for i in (1, 2, 3)]
        closed = await tx.rounds.get(1)
    assert [(i.round_id, i.status) for i in inspections if i] == [
        (None, Status.SUBMITTED),
        (1, Status.SUBMITTED),
        (1, Status.CANCELLED),
    ]
    assert closed is not None and closed.name == "Đợt tháng 11" and not closed.is_open
    assert "Không có đợt" in await in_group(h, "endround")


async def test_submit_makes_one_followup_per_shortcoming_due_after_the_setting(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng", rating="Một phần")
    await submit(h, "UBND xã Phấn Mễ", rating="Đạt")
    async with h.store.transaction() as tx:
        followups = await tx.followups.open_of_team(1)
        events = await tx.followups.events(followups[0].id)
    assert [(f.unit, f.item_id, f.value, f.note) for f in followups] == [
        ("UBND xã Cổ Lũng", "ke-hoach", "partial", "Ghi chú về UBND xã Cổ Lũng")
    ]
    assert followups[0].due_on == utcnow().astimezone(VIETNAM).date() + timedelta(days=30)
    assert [(e.kind.value, e.person_id) for e in events] == [("created", INSPECTOR.id)]


async def test_redelivered_round_command_opens_one_round(h: Harness) -> None:
    command = Command(name="round", args="Đợt một")
    await h.send(ADMIN, command, GROUP_CHAT, key="dup:1")
    assert await h.send(ADMIN, command, GROUP_CHAT, key="dup:1") == []
    async with h.store.transaction() as tx:
        assert (await tx.rounds.open_of(1)) is not None
        assert await tx.rounds.get(2) is None


async def test_report_menu_asks_for_documents_and_splits_the_archive(h: Harness) -> None:
    assert "Chưa có phiên kiểm tra nào đã gửi" in await in_group(h, "report")
    await submit(h, "UBND xã Ngoài Đợt")
    assert "Chọn phiên để lấy biên bản" in await in_group(h, "report")  # no round yet: records only
    replies = await tap_in_group(h, "Ngoài Đợt")
    assert [(r.request.kind, r.request.inspection_id, r.request.pdf) for r in replies if isinstance(r, ReportFile)] == [
        (ReportKind.RECORD, 1, False),
        (ReportKind.RECORD, 1, True),  # the same record as PDF, to print
    ]
    await in_group(h, "round", "Đợt một")
    assert "0 phiên đã gửi" in await in_group(h, "report")
    replies = await tap_in_group(h, "Bảng tính")
    assert not any(isinstance(r, ReportFile) for r in replies)
    await submit(h, "UBND xã Cổ Lũng")
    await submit(h, "UBND xã Phấn Mễ")
    await in_group(h, "report")
    replies = await tap_in_group(h, "Báo cáo đợt")
    assert [r.request.kind for r in replies if isinstance(r, ReportFile)] == [ReportKind.CHART, ReportKind.ROUND]
    await in_group(h, "report")
    h.engine.reports.part_limit = 1  # every photo in a part of its own
    replies = await tap_in_group(h, "Ảnh minh chứng")
    parts = [r.request for r in replies if isinstance(r, ReportFile)]
    assert [(p.kind, p.part, len(p.photo_ids or [])) for p in parts] == [
        (ReportKind.ARCHIVE, (1, 2), 1),
        (ReportKind.ARCHIVE, (2, 2), 1),
    ]
    assert all(r.chat_id == GROUP for r in replies if isinstance(r, ReportFile))


async def test_stats_by_area_unit_and_month(h: Harness) -> None:
    assert "chưa có phiên" in (await in_group(h, "stats")).lower()
    await submit(h, "UBND xã Cổ Lũng", rating="Không đạt")
    await submit(h, "UBND xã Phấn Mễ", rating="Đạt")
    replies = await h.send(ADMIN, Command(name="stats"), GROUP_CHAT)
    text = h.texts(replies)
    month = utcnow().astimezone(VIETNAM).strftime("%m/%Y")
    assert "2 phiên đã gửi" in text
    assert "1. Chỉ đạo, điều hành: <b>50 %</b> (1/2)" in text
    assert "2. Công khai, niêm yết TTHC: <b>100 %</b> (2/2)" in text
    assert "UBND xã Cổ Lũng (1 phiên): <b>50 %</b>" in text and f"{month} (2 phiên): <b>75 %</b>" in text
    assert [r.request.kind for r in replies if isinstance(r, ReportFile)] == [ReportKind.STATS]


async def test_reminders_are_derived_from_the_database_and_sent_once(h: Harness) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    await h.command(INSPECTOR, "inspect")  # a draft, then left alone
    reminders = Reminders(h.store, h.engine.versions, h.engine.followups, time(8, 0))
    async with h.store.transaction() as tx:
        (followup,) = await tx.followups.open_of_team(1)
    today = followup.due_on - timedelta(days=10)

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        moment = today + timedelta(days=day)
        return datetime(moment.year, moment.month, moment.day, hour, minute, tzinfo=VIETNAM)

    def said(owed: Sequence[object], chat: int) -> list[str]:
        return [r.html for r in owed if isinstance(r, Say) and r.chat_id == chat]

    first = await reminders.tick(at(0, 7, 0))
    assert said(first, GROUP) == []  # before DIGEST_TIME
    assert len(said(first, INSPECTOR.id)) == 1  # the draft is days old by this clock
    assert await reminders.tick(at(0, 7, 1)) == []
    assert said(await reminders.tick(at(0, 8, 0)), GROUP) == []  # nothing due within 3 days yet
    assert await reminders.tick(at(7, 12, 0)) != []  # due in 3 days now
    assert await reminders.tick(at(7, 23, 59)) == []
    overdue = said(await reminders.tick(at(12, 8, 30)), GROUP)
    assert len(overdue) == 1 and "quá hạn 2 ngày" in overdue[0]
    await h.command(INSPECTOR, "status")  # reading the draft does not touch it
    await h.text(INSPECTOR, "UBND xã Mới")  # answering does: a new idle spell, a new reminder
    assert len(said(await reminders.tick(at(20, 9)), INSPECTOR.id)) == 1
    async with h.store.transaction() as tx:
        await tx.inspections.finish(2, Status.CANCELLED)
    assert said(await reminders.tick(at(30, 9)), INSPECTOR.id) == []


async def proof_photo(h: Harness, data: bytes) -> str:
    async def fetch() -> bytes:
        return data

    event = PhotoIn(fetch=fetch, declared_size=len(data))
    return h.texts(await h.send(ADMIN, event, GROUP_CHAT))


async def test_proof_photos_are_kept_backed_up_and_checked(h: Harness, tmp_path: Path) -> None:
    await submit(h, "UBND xã Cổ Lũng")
    assert await proof_photo(h, jpeg(label="chua hoi")) == ""  # not asked for: ignored
    await in_group(h, "followups")
    await tap_in_group(h, "#1")
    await tap_in_group(h, "Đã khắc phục")
    assert "chờ ghi chú" in await proof_photo(h, jpeg(label="som"))  # the note comes first
    closed = h.texts(await h.send(ADMIN, Text(text="Đã niêm yết lại"), GROUP_CHAT))
    assert "đã khắc phục" in closed
    proof = jpeg(label="da khac phuc")
    assert "Đã lưu 1 ảnh" in await proof_photo(h, proof)
    assert "Ảnh bị hỏng" in await proof_photo(h, proof[:200])
    async with h.store.transaction() as tx:
        (kept,) = await tx.followups.photos(1)
    assert (tmp_path / "photos" / kept.path).read_bytes() == proof
    assert kept.path.startswith("followups/1/")

    settings = Settings.model_construct(data_dir=tmp_path, backup_keep=1)
    archive = await operator.backup(settings, tmp_path / "backup.tar")
    with tarfile.open(archive) as tar:
        assert f"photos/{kept.path}" in tar.getnames()
    assert (await operator.check(settings)).problems == []
    (tmp_path / "photos" / kept.path).write_bytes(proof[:-10] + b"0123456789")
    (problem,) = (await operator.check(settings)).problems
    assert "đề nghị khắc phục #1" in problem and "SHA-256" in problem
