"""The team lead's side over HTTP: rounds, documents in the group, follow-ups and reminders."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import docx
import openpyxl
from PIL import Image

from bot.checklist.loader import parse_checklist
from bot.texts.formats import VIETNAM
from storage.clock import utcnow
from tests.e2e import ADMIN, GROUP_ID, INSPECTOR, SECOND, Phone, rows, running_bot, team_with
from tests.engine_harness import SMALL_CHECKLIST
from tests.images import jpeg
from tests.standin import BotApiStandIn, SentMessage

SMALL = parse_checklist(SMALL_CHECKLIST)
ROUND_NAME = "Kiểm tra KSTTHC huyện Phú Lương 2026"


async def submit_small(tg: BotApiStandIn, phone: Phone, unit: str, note: str) -> None:
    """One inspection on the small checklist with two shortcomings (one fail, one partial) and a photo."""
    await phone.say("/inspect", "Đơn vị được kiểm tra")
    await phone.say(unit, "Gửi vị trí")
    await phone.tap("Bỏ qua", "Mục 1/2 · Câu 1/2")
    await phone.tap("Không đạt", "Mô tả ngắn")
    await phone.say(note, "Mục 1/2 · Câu 2/2")
    await phone.tap("Có", "Mục 2/2 · Câu 1/4")
    await phone.tap("Một phần", "Mô tả ngắn")
    await phone.say(f"{note} (niêm yết)", "Ảnh minh chứng")
    seen = phone.seen()
    tg.send_photo(phone.user, jpeg(label=unit))
    await phone.next("Đã nhận ảnh", seen)
    await phone.tap("Xong", "Tỷ lệ hồ sơ")
    await phone.say("95", "Chụp ảnh quầy")
    await phone.tap("Xong", "Ghi chú khác")
    await phone.tap("Bỏ qua", "Kiến nghị của đơn vị")
    await phone.say(f"Bổ sung máy scan cho {unit}", "Đã ghi (1)")
    await phone.tap("Xong", "Kết quả đạt được khác")
    await phone.tap("Bỏ qua", "Đại diện đơn vị")
    await phone.say(f"Nguyễn Văn Bình – Chủ tịch {unit}", "Đã ghi (1)")
    await phone.tap("Xong", "Ý kiến của đơn vị")
    await phone.tap("Nhất trí", "XEM LẠI")
    await phone.tap("Gửi", "Đã gửi kết quả")


async def document(tg: BotApiStandIn, prefix: str, after: int) -> SentMessage:
    return await tg.wait_for(
        GROUP_ID,
        lambda m: m.kind == "document" and (m.file_name or "").startswith(prefix),
        after=after,
        timeout=30,
    )


def all_text(document_bytes: bytes) -> str:
    opened = docx.Document(io.BytesIO(document_bytes))
    parts = [paragraph.text for paragraph in opened.paragraphs]
    for table in opened.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


async def test_round_two_inspections_and_every_report_in_the_group(tg: BotApiStandIn, tmp_path: Path) -> None:
    inspector, second = Phone(tg, INSPECTOR), Phone(tg, SECOND)
    lead = Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, inspector, second)
        assert "Chưa có đợt" in (await lead.say("/round")).text
        opened = await lead.say(f"/round {ROUND_NAME}", "Đã mở đợt")
        assert ROUND_NAME in opened.text
        assert ROUND_NAME in (await lead.say("/round", "Đợt đang mở")).text

        first = await inspector.say("/inspect", "Đơn vị được kiểm tra")
        assert f"Thuộc đợt: {ROUND_NAME}" in first.text
        await inspector.say("/cancel", "Hủy phiên")
        await inspector.tap("Hủy phiên", "Đã hủy")
        await submit_small(tg, inspector, "UBND xã <b>Cổ Lũng</b> & Co", "Thiếu mẫu đơn <3> & tờ khai")
        await submit_small(tg, second, "UBND huyện Phú Lương", "Chưa ban hành kế hoạch")

        menu = await lead.say("/report", "Chọn tài liệu")
        assert ROUND_NAME in menu.text and "2 phiên đã gửi" in menu.text
        mark = tg.mark(GROUP_ID)
        await lead.tap("Biên bản một đơn vị", "Chọn đơn vị")
        await lead.tap("Cổ Lũng")
        record = await document(tg, "bien-ban-2-", mark)
        assert record.document is not None
        text = all_text(record.document)
        for expected in ("BIÊN BẢN", "UBND xã <b>Cổ Lũng</b> & Co", "Thiếu mẫu đơn <3> & tờ khai", ROUND_NAME):
            assert expected in text, expected
        assert "Biên bản kiểm tra phiên #2" in record.text

        mark = tg.mark(GROUP_ID)
        await lead.say("/report", "Chọn tài liệu")
        lead_tap(tg, "Báo cáo đợt")
        chart = await tg.wait_for(GROUP_ID, lambda m: m.kind == "photo", after=mark, timeout=30)
        assert chart.photo is not None
        with Image.open(io.BytesIO(chart.photo)) as image:
            assert image.width >= 600 and image.height >= 600
        report = await document(tg, "bao-cao-dot-1", mark)
        assert report.document is not None
        report_text = all_text(report.document)
        assert "UBND huyện Phú Lương" in report_text and "UBND xã <b>Cổ Lũng</b> & Co" in report_text

        mark = tg.mark(GROUP_ID)
        await lead.say("/report", "Chọn tài liệu")
        lead_tap(tg, "Bảng tính")
        workbook_message = await document(tg, "bang-tinh-dot-1", mark)
        mark = tg.mark(GROUP_ID)
        await lead.say("/report", "Chọn tài liệu")
        lead_tap(tg, "Ảnh minh chứng")
        archive_message = await document(tg, "anh-minh-chung-dot-1", mark)
        await tg.wait_idle()

        closing = await lead.say("/endround", "Kết thúc đợt")
        assert "Đã gửi 2 phiên" in closing.text
        await lead.tap("Kết thúc đợt", "Đã kết thúc đợt")
        assert "Chưa có đợt" in (await lead.say("/round")).text
    assert tg.errors_returned == []

    answers = await rows(
        tmp_path,
        "SELECT COUNT(*) FROM answers a JOIN inspections i ON i.id = a.inspection_id WHERE i.status = 'submitted'",
    )
    assert workbook_message.document is not None
    book = openpyxl.load_workbook(io.BytesIO(workbook_message.document))
    assert book.sheetnames == ["Trả lời", "Tổng hợp", "Số liệu", "Ảnh"]
    answer_rows = [row for row in book["Trả lời"].iter_rows(min_row=2, values_only=True) if any(row)]
    assert len(answer_rows) == answers[0][0]
    assert any("Thiếu mẫu đơn <3> & tờ khai" in str(cell) for row in answer_rows for cell in row)

    assert archive_message.document is not None
    stored = {str(sha): size for sha, size in await rows(tmp_path, "SELECT sha256, size FROM photos")}
    with zipfile.ZipFile(io.BytesIO(archive_message.document)) as archive:
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
        assert len(manifest) == len(stored) == 2
        for entry in manifest:
            member = archive.read(entry["tệp"])
            assert hashlib.sha256(member).hexdigest() == entry["sha256"]
            assert stored[entry["sha256"]] == len(member)

    followups = await rows(tmp_path, "SELECT inspection_id, item_id, value, status FROM followups ORDER BY id")
    assert followups == [
        (2, "ke-hoach", "fail", "open"),
        (2, "bang-niem-yet", "partial", "open"),
        (3, "ke-hoach", "fail", "open"),
        (3, "bang-niem-yet", "partial", "open"),
    ]
    rounds = await rows(tmp_path, "SELECT id, name, closed_at IS NOT NULL FROM rounds")
    assert rounds == [(1, ROUND_NAME, 1)]
    assert await rows(tmp_path, "SELECT id, round_id, status FROM inspections ORDER BY id") == [
        (1, 1, "cancelled"),
        (2, 1, "submitted"),
        (3, 1, "submitted"),
    ]


def lead_tap(tg: BotApiStandIn, label: str) -> None:
    """Presses a button on the group's newest message that has one, without waiting for a text reply."""
    message = next(m for m in reversed(tg.sent(GROUP_ID)) if m.buttons)
    tg.tap(ADMIN, message, label)


async def test_followups_marked_done_with_a_note_and_a_photo_and_moved(tg: BotApiStandIn, tmp_path: Path) -> None:
    inspector, lead = Phone(tg, INSPECTOR), Phone(tg, ADMIN, GROUP_ID)
    proof = jpeg(800, 600, label="da niem yet")
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, inspector)
        await submit_small(tg, inspector, "UBND xã Cổ Lũng", "Thiếu mẫu đơn")
        listing = await lead.say("/followups", "Đề nghị khắc phục đang mở")
        assert "(2)" in listing.text and "UBND xã Cổ Lũng" in listing.text and "Thiếu mẫu đơn" in listing.text
        assert [label for label in listing.button_labels] == ["#1", "#2"]

        details = await lead.tap("#1", "tạo đề nghị")
        asked = await lead.tap("Đã khắc phục", "ghi chú khắc phục")
        assert asked.reply_markup == {"force_reply": True, "selective": True}
        seen = lead.seen()
        tg.send_text(ADMIN, "Đã ban hành kế hoạch <số 5> & gửi bản sao", chat_id=GROUP_ID, reply_to=asked.message_id)
        closed = await lead.next("đã khắc phục", seen)
        assert "Đã ban hành kế hoạch <số 5> & gửi bản sao" in closed.text
        seen = lead.seen()
        tg.send_photo(ADMIN, proof, chat_id=GROUP_ID, reply_to=closed.message_id)
        saved = await lead.next("Đã lưu 1 ảnh", seen)
        tg.tap(ADMIN, saved, "Xong")
        await tg.wait_idle()
        assert saved.buttons == []
        # a press on the first details message (buttons retired, but another phone may still show them)
        tg.tap_data(ADMIN, GROUP_ID, details.message_id, "U:1:0d7")
        await tg.wait_idle()
        assert "cũ" in (tg.callback_answers[-1]["text"] or "")

        await lead.say("/followups", "(1)")
        await lead.tap("#2", "tạo đề nghị")
        moved = await lead.tap("+7 ngày", "hạn mới")
        expected_due = utcnow().astimezone(VIETNAM).date() + timedelta(days=37)
        assert expected_due.strftime("%d/%m/%Y") in moved.text
        await lead.say("/followups", "(1)")
        await lead.tap("#2", "đổi hạn")
        ask_date = await lead.tap("Nhập ngày khác", "hạn mới")
        seen = lead.seen()
        tg.send_text(ADMIN, "31/02/2030", chat_id=GROUP_ID, reply_to=ask_date.message_id)
        await lead.next("không phải là một ngày", seen)
        seen = lead.seen()
        tg.send_text(ADMIN, "15/1/2031", chat_id=GROUP_ID, reply_to=ask_date.message_id)
        await lead.next("15/01/2031", seen)
        await tg.wait_idle()
    assert tg.errors_returned == []

    first = await rows(tmp_path, "SELECT status, done_by, done_note FROM followups WHERE id = 1")
    assert first == [("done", ADMIN.id, "Đã ban hành kế hoạch <số 5> & gửi bản sao")]
    assert await rows(tmp_path, "SELECT status, due_on FROM followups WHERE id = 2") == [("open", "2031-01-15")]
    events = await rows(tmp_path, "SELECT followup_id, kind, person_id FROM followup_events ORDER BY id")
    assert [e for e in events if e[1] != "created"] == [
        (1, "done", ADMIN.id),
        (1, "photo", ADMIN.id),
        (2, "due_changed", ADMIN.id),
        (2, "due_changed", ADMIN.id),
    ]
    ((sha, path),) = await rows(tmp_path, "SELECT sha256, path FROM followup_photos")
    assert sha == hashlib.sha256(proof).hexdigest()
    assert (tmp_path / "photos" / str(path)).read_bytes() == proof


class Clock:
    """What the bot's reminders take as now; the test moves it instead of sleeping for days."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def vietnam_at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM)


async def test_daily_digest_and_idle_draft_reminder_fire_once(tg: BotApiStandIn, tmp_path: Path) -> None:
    inspector, second = Phone(tg, INSPECTOR), Phone(tg, SECOND)
    # Before 08:00 by the bot's clock, whenever the test runs: no digest is due while the team is set up.
    early = Clock(vietnam_at(utcnow().astimezone(VIETNAM).date(), 0, 1))
    async with running_bot(tg, tmp_path, SMALL, clock=early):
        await team_with(tg, inspector, second)
        await submit_small(tg, inspector, "UBND xã Cổ Lũng", "Thiếu mẫu đơn")
        await second.say("/inspect", "Đơn vị được kiểm tra")
        await second.say("UBND thị trấn Đu", "Gửi vị trí")  # a draft left behind
        await tg.wait_idle()
    due = await rows(tmp_path, "SELECT DISTINCT due_on FROM followups")
    due_day = date.fromisoformat(str(due[0][0]))
    assert due_day == utcnow().astimezone(VIETNAM).date() + timedelta(days=30)

    def digests() -> list[SentMessage]:
        return [m for m in tg.sent(GROUP_ID) if "Đề nghị khắc phục đến hạn" in m.text]

    def nudges() -> list[SentMessage]:
        return [m for m in tg.sent(SECOND.id) if "chưa gửi, lần sửa cuối" in m.text]

    clock = Clock(vietnam_at(due_day - timedelta(days=2), 7, 59))
    async with running_bot(tg, tmp_path, SMALL, clock=clock, reminder_every=0.1):
        # the draft has been idle for weeks by the bot's clock
        await tg.wait_for(SECOND.id, "chưa gửi, lần sửa cuối", timeout=10)
        await asyncio.sleep(0.5)  # several reminder checks
        assert digests() == []  # not 08:00 yet
        assert len(nudges()) == 1
        assert "Phiên #2 (UBND thị trấn Đu)" in nudges()[0].text
        clock.now = vietnam_at(due_day - timedelta(days=2), 8, 1)
        digest = await tg.wait_for(GROUP_ID, "Đề nghị khắc phục đến hạn", timeout=10)
        assert "UBND xã Cổ Lũng" in digest.text and "(còn 2 ngày)" in digest.text and "quá hạn): 2" in digest.text
        await tg.wait_idle(quiet=0.5)
    async with running_bot(tg, tmp_path, SMALL, clock=clock, reminder_every=0.1):
        await asyncio.sleep(0.5)  # a restart the same day repeats nothing
        await tg.wait_idle()
        assert len(digests()) == 1 and len(nudges()) == 1
        clock.now = vietnam_at(due_day + timedelta(days=1), 9, 30)  # the next days
        later = await tg.wait_for(GROUP_ID, lambda m: "quá hạn 1 ngày" in m.text, timeout=10)
        assert "Đề nghị khắc phục đến hạn" in later.text
        await tg.wait_idle(quiet=0.5)
    assert len(digests()) == 2 and len(nudges()) == 1
    keys = await rows(tmp_path, "SELECT key FROM reminders ORDER BY key")
    assert [k[0].split(":")[0] for k in keys].count("digest") == 2


async def test_stats_in_the_group_with_a_chart(tg: BotApiStandIn, tmp_path: Path) -> None:
    inspector, lead = Phone(tg, INSPECTOR), Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, inspector)
        await submit_small(tg, inspector, "UBND xã Cổ Lũng", "Thiếu mẫu đơn")
        await tg.wait_idle()
        mark = tg.mark(GROUP_ID)
        stats = await lead.say("/stats", "Thống kê của đoàn")
        assert "1 phiên đã gửi" in stats.text and "Chỉ đạo, điều hành: 0 % (0/1)" in stats.text
        chart = await tg.wait_for(GROUP_ID, lambda m: m.kind == "photo", after=mark, timeout=30)
        assert "Tỷ lệ đạt theo lĩnh vực" in chart.text
        assert chart.photo is not None
        with Image.open(io.BytesIO(chart.photo)) as image:
            assert image.width >= 600 and image.height >= 400  # two areas on the small checklist


async def test_a_requested_document_survives_a_failing_upload_and_a_restart(tg: BotApiStandIn, tmp_path: Path) -> None:
    """The request is committed with the button press; the file is built again when it can be sent."""
    inspector, lead = Phone(tg, INSPECTOR), Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, inspector)
        await lead.say("/round Đợt một", "Đã mở đợt")
        await submit_small(tg, inspector, "UBND xã Cổ Lũng", "Thiếu mẫu đơn")
        await tg.wait_idle()
        tg.inject_fault("sendDocument", status=502, times=1000)
        await lead.say("/report", "Chọn tài liệu")
        lead_tap(tg, "Bảng tính")
        await wait_until(lambda: len(tg.faults_triggered) >= 1)
    pending = await rows(tmp_path, "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND body LIKE '%workbook%'")
    assert pending == [(1,)]
    tg.clear_faults()
    mark = tg.mark(GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        workbook = await document(tg, "bang-tinh-dot-1", mark)
        await tg.wait_idle()
    assert workbook.document is not None
    assert len([m for m in tg.sent(GROUP_ID) if (m.file_name or "").startswith("bang-tinh")]) == 1
    assert openpyxl.load_workbook(io.BytesIO(workbook.document))["Trả lời"].max_row > 1


async def wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never became true"
        await asyncio.sleep(0.05)
