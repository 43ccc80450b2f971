"""Caps on what one inspection takes (photos, remarks, typed text) and a group summary of a few messages."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import docx
import pytest

from bot.checklist.kinds import kind_of, number_text
from bot.checklist.loader import BUNDLED_CHECKLIST, load_checklist, parse_checklist
from bot.checklist.model import NUMERIC, Checklist, Item, ItemType, PhotoRule
from bot.checklist.versions import ChecklistVersions
from bot.conversation.inspection import REMARKS_MAX, TEXT_MAX
from bot.events import Person, PhotoIn, Say
from bot.findings.people import NAME_MAX, POSITION_MAX
from bot.findings.summary import LIST_SHOWN
from bot.photos.intake import PHOTOS_PER_INSPECTION, PHOTOS_PER_ITEM
from bot.reports.record import write_record
from bot.reports.service import ReportService
from bot.texts.catalogue import VI
from handlers.split import split_html
from storage.models import Inspection, Stage
from storage.sqlite.store import SqliteStore
from tests.e2e import INSPECTOR as TG_INSPECTOR
from tests.e2e import Phone, rows, running_bot, team_with, to_first_question
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, SMALL_CHECKLIST, Harness
from tests.images import jpeg
from tests.standin import BotApiStandIn

PHOTO_ITEMS = 5
MANY_PHOTOS = f"""
id: nhieu-anh
version: 1
title: Bảng kiểm nhiều ảnh
areas:
  - id: mot-cua
    title: Bộ phận Một cửa
    items:
{
    "".join(
        f'''      - id: anh-{n}
        prompt: Chụp ảnh khu vực số {n}
        type: photo
        photo: optional
        required: false
'''
        for n in range(1, PHOTO_ITEMS + 1)
    )
}      - id: anh-bat-buoc
        prompt: Chụp ảnh bảng niêm yết
        type: photo
        photo: required
"""


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.open(tmp_path)
    yield harness
    await harness.store.close()


async def draft(h: Harness, person: Person = INSPECTOR) -> Inspection:
    async with h.store.transaction() as tx:
        inspection = await tx.inspections.draft_of(person.id)
    assert inspection is not None
    return inspection


def long_text(length: int, word: str = "thiếu mẫu đơn") -> str:
    return (f"{word} " * length)[: length - 1] + "."


async def photos(h: Harness, count: int, label: str) -> list[str]:
    """Sends `count` different photos; what the inspector read after each."""
    return [h.texts(await h.photo(INSPECTOR, jpeg(label=f"{label} {n}"))) for n in range(count)]


async def test_photos_beyond_an_items_cap_are_refused_before_any_download(h: Harness, tmp_path: Path) -> None:
    await h.to_required_photo()
    answers = await photos(h, PHOTOS_PER_ITEM, "bang")
    assert all("Đã nhận ảnh" in answer for answer in answers) and f"có {PHOTOS_PER_ITEM} ảnh" in answers[-1]
    fetched: list[int] = []

    async def fetch() -> bytes:
        fetched.append(1)
        return jpeg(label="one too many")

    replies = await h.send(INSPECTOR, PhotoIn(fetch=fetch, declared_size=20_000))
    assert h.texts(replies) == VI.PHOTO_ITEM_FULL.format(limit=PHOTOS_PER_ITEM)
    assert fetched == []
    assert await rows(tmp_path, "SELECT item_id, COUNT(*) FROM photos GROUP BY item_id") == [
        ("bang-niem-yet", PHOTOS_PER_ITEM)
    ]
    await h.command(INSPECTOR, "resume")
    await h.tap(INSPECTOR, "Xong")
    assert "Tỷ lệ hồ sơ đúng hạn" in h.texts()


async def test_photos_beyond_an_inspections_cap_are_refused_but_a_required_one_is_taken(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path, parse_checklist(MANY_PHOTOS))
    try:
        await h.start_inspection()
        full_items = PHOTOS_PER_INSPECTION // PHOTOS_PER_ITEM
        assert full_items < PHOTO_ITEMS
        for n in range(full_items):
            assert "Đã nhận ảnh" in (await photos(h, PHOTOS_PER_ITEM, f"khu vuc {n}"))[-1]
            await h.tap(INSPECTOR, "Xong")
        refused = await photos(h, 2, "qua nhieu")
        assert refused == [VI.PHOTO_INSPECTION_FULL.format(limit=PHOTOS_PER_INSPECTION)] * 2
        assert await rows(tmp_path, "SELECT COUNT(*) FROM photos") == [(PHOTOS_PER_INSPECTION,)]
        for _ in range(PHOTO_ITEMS - full_items):
            await h.command(INSPECTOR, "resume")
            await h.tap(INSPECTOR, "Xong")
        # evidence the inspection cannot be submitted without still gets in, one photo
        accepted, refused_again = await photos(h, 2, "bang niem yet")
        assert "Đã nhận ảnh" in accepted and refused_again == VI.PHOTO_INSPECTION_FULL.format(
            limit=PHOTOS_PER_INSPECTION
        )
        await h.command(INSPECTOR, "resume")
        await h.tap(INSPECTOR, "Xong")
        assert "Kiến nghị của đơn vị" in h.texts()
        assert await rows(tmp_path, "SELECT COUNT(*) FROM photos WHERE item_id = 'anh-bat-buoc'") == [(1,)]
    finally:
        await h.store.close()


async def to_recommendations(h: Harness) -> None:
    """Through the small checklist without a shortcoming, to the unit's recommendations."""
    await h.to_required_photo()
    await h.photo(INSPECTOR, jpeg(label="bang"))
    await h.tap(INSPECTOR, "Xong")
    await h.text(INSPECTOR, "95")
    await h.tap(INSPECTOR, "Xong")
    await h.tap(INSPECTOR, "Bỏ qua")
    assert "Kiến nghị của đơn vị" in h.texts()


async def test_remarks_beyond_the_cap_and_overlong_ones_are_refused(h: Harness, tmp_path: Path) -> None:
    await to_recommendations(h)
    overlong = long_text(4096, "bổ sung máy scan")
    assert h.texts(await h.text(INSPECTOR, overlong)).startswith(VI.REMARK_TOO_LONG.format(length=4096, limit=TEXT_MAX))
    assert await rows(tmp_path, "SELECT COUNT(*) FROM remarks") == [(0,)]
    kept = [long_text(TEXT_MAX, f"kiến nghị {n}") for n in range(REMARKS_MAX)]
    for text in kept:
        assert "Đã ghi" in h.texts(await h.text(INSPECTOR, text))
    replies = await h.text(INSPECTOR, "một kiến nghị nữa")
    assert h.texts(replies) == VI.REMARKS_FULL.format(limit=REMARKS_MAX)
    await h.tap(INSPECTOR, "Xong")  # the refusal carries the way on
    assert "Kết quả đạt được khác" in h.texts()
    assert "Đã ghi (1)" in h.texts(await h.text(INSPECTOR, "Niêm yết đầy đủ, rõ ràng"))  # counted apart
    stored = await rows(tmp_path, "SELECT kind, text FROM remarks ORDER BY id")
    assert stored == [("recommendation", text) for text in kept] + [("strength", "Niêm yết đầy đủ, rõ ràng")]


async def test_an_overlong_note_or_text_answer_is_refused_and_asked_again(h: Harness, tmp_path: Path) -> None:
    await h.start_inspection()
    await h.tap(INSPECTOR, "Không đạt")
    replies = await h.text(INSPECTOR, long_text(TEXT_MAX + 1))
    assert VI.TEXT_TOO_LONG.format(length=TEXT_MAX + 1, limit=TEXT_MAX) in h.texts(replies)
    assert "Mô tả ngắn tồn tại" in h.texts(replies)  # the same question again
    assert (await draft(h)).stage is Stage.NOTE
    assert await rows(tmp_path, "SELECT note FROM answers") == [(None,)]
    note = long_text(TEXT_MAX)
    await h.text(INSPECTOR, note)
    assert await rows(tmp_path, "SELECT note FROM answers") == [(note,)]

    await h.tap(INSPECTOR, "Có")
    await h.tap(INSPECTOR, "Đạt")
    await h.photo(INSPECTOR, jpeg(label="bang"))
    await h.tap(INSPECTOR, "Xong")
    await h.text(INSPECTOR, "95")
    await h.tap(INSPECTOR, "Xong")
    assert "Ghi chú khác" in h.texts()
    replies = await h.text(INSPECTOR, long_text(TEXT_MAX + 500))
    assert VI.TEXT_TOO_LONG.format(length=TEXT_MAX + 500, limit=TEXT_MAX) in h.texts(replies)
    assert "Ghi chú khác" in h.texts(replies)
    assert await rows(tmp_path, "SELECT COUNT(*) FROM answers WHERE item_id = 'ghi-chu'") == [(0,)]
    answer = long_text(TEXT_MAX, "ghi chú")
    await h.text(INSPECTOR, answer)
    assert await rows(tmp_path, "SELECT value FROM answers WHERE item_id = 'ghi-chu'") == [(answer,)]


def largest_number(item: Item) -> str:
    """The number a Vietnamese inspector would write at the item's cap, grouped and pointed: `1.234.567,89`
    where nothing bounds it, `100` for a percentage."""
    if item.max is not None:
        return number_text(f"{item.max:f}".rstrip("0").rstrip("."), "vi")
    return "1.234.567" if item.type is ItemType.INTEGER else "1.234.567,89"


async def fill_everything(h: Harness, checklist: Checklist, inspector: Person) -> None:
    """Answers every question of `checklist` with as much as the bot takes: every other criterion failed
    with the longest note, the longest text answers, every option of a several-choice question, the
    largest number allowed, every photo and remark allowed. A yes/no is answered Có, so every question
    a condition opens on it is asked."""
    rated = 0
    while (inspection := await draft(h, inspector)).stage is not Stage.REVIEW:
        stage = inspection.stage
        item = checklist.at(inspection.pos)[3] if inspection.pos < checklist.item_count else None
        if stage is Stage.ITEM and item is not None and kind_of(item).rated:
            rated += 1
            await h.tap(inspector, "Không đạt" if rated % 2 else "Đạt")
        elif stage is Stage.ITEM and item is not None and item.type is ItemType.YESNO:
            await h.tap(inspector, "Có")
        elif stage is Stage.ITEM and item is not None and item.type in NUMERIC:
            await h.text(inspector, largest_number(item))
        elif stage is Stage.ITEM and item is not None and item.type is ItemType.CHOICES:
            for option in item.options or []:
                await h.tap(inspector, option.label)
            await h.tap(inspector, "Xong")
        elif stage in (Stage.ITEM, Stage.NOTE):
            await h.text(inspector, long_text(TEXT_MAX, f"ghi chú câu {inspection.pos}"))
        elif stage is Stage.PHOTOS:
            for n in range(PHOTOS_PER_ITEM):
                await h.photo(inspector, jpeg(160, 120, label=f"{inspection.pos} {n}"))
            await h.command(inspector, "resume")
            await h.tap(inspector, "Xong")
        elif stage in (Stage.RECOMMENDATIONS, Stage.STRENGTHS, Stage.OPINION):
            for n in range(REMARKS_MAX + 1):
                await h.text(inspector, long_text(TEXT_MAX, f"{stage.value} {n}"))
            await h.tap(inspector, "Xong")
        elif stage is Stage.REPRESENTATIVES:
            for n in range(REMARKS_MAX):
                name = (f"Nguyễn Văn {n} " * NAME_MAX)[: NAME_MAX - 1] + "A"
                position = ("Phó Chủ tịch UBND xã " * POSITION_MAX)[: POSITION_MAX - 1] + "X"
                await h.text(inspector, f"{name} – {position}")
            await h.tap(inspector, "Xong")
        else:
            await h.tap(inspector, "Bỏ qua")
        assert (await draft(h, inspector)).step > inspection.step, h.texts()


async def test_the_largest_inspection_reaches_the_group_in_three_messages(tmp_path: Path) -> None:
    checklist = load_checklist(BUNDLED_CHECKLIST)
    inspector = Person(id=INSPECTOR.id, name="Nguyễn " * 9 + "Văn An" * 9)
    h = await Harness.open(tmp_path, checklist)
    try:
        created = await h.command(ADMIN, "newteam", "Đoàn kiểm tra " + "Phú Lương " * 8, group=True)
        await h.command(inspector, "start", h.texts(created).split("start=")[1].split()[0])
        await h.command(inspector, "inspect")
        await h.text(inspector, "UBND xã " + "Cổ Lũng " * 24)
        await h.tap(inspector, "Bỏ qua")
        await fill_everything(h, checklist, inspector)
        review = h.texts()
        replies = await h.tap(inspector, "Gửi kết quả")
        summary = next(r.html for r in replies if isinstance(r, Say) and r.chat_id == GROUP)
    finally:
        await h.store.close()
    assert len(split_html(summary)) <= 3
    assert len(split_html(review)) <= 3
    assert summary.count(VI.SUMMARY_MORE.split("{")[0]) == 3  # strengths, shortcomings, recommendations
    assert await rows(tmp_path, "SELECT kind, COUNT(*), MIN(length(text)) FROM remarks GROUP BY kind") == [
        ("opinion", REMARKS_MAX, TEXT_MAX),
        ("recommendation", REMARKS_MAX, TEXT_MAX),
        ("representative", REMARKS_MAX, NAME_MAX + len(" – ") + POSITION_MAX),
        ("strength", REMARKS_MAX, TEXT_MAX),
    ]
    answered = {item for (item,) in await rows(tmp_path, "SELECT item_id FROM answers")}
    assert answered == {item.id for area in checklist.areas for item in area.items}  # none left out by rule
    notes = await rows(tmp_path, "SELECT note FROM answers WHERE note IS NOT NULL")
    assert len(notes) > LIST_SHOWN and {len(str(note)) for (note,) in notes} == {TEXT_MAX}
    required = sum(1 for area in checklist.areas for item in area.items if item.photo is PhotoRule.REQUIRED)
    [(stored_photos,)] = await rows(tmp_path, "SELECT COUNT(*) FROM photos")
    assert PHOTOS_PER_INSPECTION <= int(str(stored_photos)) <= PHOTOS_PER_INSPECTION + required

    # the record holds everything in full
    store = await SqliteStore.open(tmp_path / "kiemtra.sqlite3")
    try:
        service = ReportService(
            store, ChecklistVersions(checklist), issuer="UBND TỈNH", place="Thái Nguyên", photo_dir=tmp_path / "photos"
        )
        write_record(await service.inspection_report(1), service.context(), tmp_path / "bien-ban.docx")
    finally:
        await store.close()
    document = docx.Document(io.BytesIO((tmp_path / "bien-ban.docx").read_bytes()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    record = "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)
    for (note,) in notes:
        assert str(note) in record
    for (text,) in await rows(tmp_path, "SELECT text FROM remarks"):
        assert str(text) in record


async def test_an_album_past_the_cap_over_telegram_gets_one_refusal(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, TG_INSPECTOR)
    async with running_bot(tg, tmp_path, parse_checklist(SMALL_CHECKLIST)):
        await team_with(tg, phone)
        await to_first_question(phone)
        await phone.tap("Đạt")
        await phone.tap("Có", "Mục 2/2 · Câu 1/4")
        await phone.tap("Đạt", "Ảnh minh chứng")
        seen = phone.seen()
        tg.send_album(TG_INSPECTOR, [jpeg(320, 240, label=f"album {n}") for n in range(7)])
        await phone.next("Câu này có 7 ảnh", seen)
        seen = phone.seen()
        tg.send_album(TG_INSPECTOR, [jpeg(320, 240, label=f"album thu hai {n}") for n in range(5)])
        await tg.wait_idle(quiet=2)
        fresh = [m.text for m in tg.sent(TG_INSPECTOR.id)[seen:]]
        # three of the second album fit; the two beyond the cap get one answer for the album
        acknowledged = VI.ALBUM_RECEIVED.format(count=3, total=PHOTOS_PER_ITEM) + "\n" + VI.PHOTO_MORE
        assert sorted(fresh) == sorted([acknowledged, VI.PHOTO_ITEM_FULL.format(limit=PHOTOS_PER_ITEM)])
    assert await rows(tmp_path, "SELECT COUNT(*) FROM photos") == [(PHOTOS_PER_ITEM,)]
    assert len([p for p in (tmp_path / "photos").rglob("*") if p.is_file()]) == PHOTOS_PER_ITEM
    assert tg.errors_returned == []
