"""A record signed on site with no edit, end to end over HTTP: the round's basis typed after /round, the
lead's position from /chucvu, the unit's representatives and opinion from the inspector's chat, then
/report in the group: the Word file and, where LibreOffice is installed, the PDF to print."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest

from bot.reports.pdf import INSTALL, page_count, soffice
from tests.e2e import ADMIN, GROUP_ID, INSPECTOR, Phone, running_bot, team_with
from tests.images import jpeg
from tests.standin import BotApiStandIn
from tests.test_e2e_reports import SMALL, document, lead_tap
from tests.test_report_record import document_lines

BASIS = "Quyết định số 125/QĐ-UBND ngày 02/8/2026 của Chủ tịch UBND tỉnh về việc kiểm tra công tác KSTTHC năm 2026"
UNIT = "UBND xã Cổ Lũng"


async def signed_visit(tg: BotApiStandIn, inspector: Phone, lead: Phone) -> None:
    """The lead opens a round and gives its basis; an inspector inspects one unit and, at the end, writes
    down who represented it and what it said."""
    await team_with(tg, inspector)
    opened = await lead.say("/round Kiểm tra KSTTHC 2026", "căn cứ")
    seen = lead.seen()
    tg.send_text(ADMIN, BASIS, chat_id=GROUP_ID, reply_to=opened.message_id)
    await lead.next("Đã ghi căn cứ", seen)
    assert "Trưởng đoàn" in (await Phone(tg, ADMIN).say("/chucvu Phó Giám đốc Sở Nội vụ", "Đã ghi")).text
    await Phone(tg, ADMIN).say("/xungho Ông", "Ông Trần Trưởng Đoàn")

    for typed, expect in [("/inspect", "Đơn vị được kiểm tra"), (UNIT, "Gửi vị trí")]:
        await inspector.say(typed, expect)
    await inspector.tap("Bỏ qua", "Mục 1/2 · Câu 1/2")
    await inspector.tap("Không đạt", "Mô tả ngắn")
    await inspector.say("Kế hoạch ban hành muộn", "Mục 1/2 · Câu 2/2")
    await inspector.tap("Có", "Mục 2/2 · Câu 1/4")
    await inspector.tap("Đạt", "Ảnh minh chứng")
    seen = inspector.seen()
    tg.send_photo(inspector.user, jpeg(label="niem yet"))
    await inspector.next("Đã nhận ảnh", seen)
    # (True: a button to press; False: a message to type), what, and what the bot says next
    steps = [
        (True, "Xong", "Tỷ lệ hồ sơ"),
        (False, "97,5", "Chụp ảnh quầy"),
        (True, "Xong", "Ghi chú khác"),
        (True, "Bỏ qua", "Kiến nghị của đơn vị"),
        (True, "Bỏ qua", "Kết quả đạt được khác"),
        (True, "Bỏ qua", "Đại diện đơn vị"),
        (False, "Nguyễn Văn Bình – Chủ tịch UBND xã", "Đã ghi (1)"),
        (True, "Xong", "Ý kiến của đơn vị"),
        (True, "Nhất trí", "XEM LẠI"),
    ]
    for pressed, what, expect in steps:
        review = await (inspector.tap(what, expect) if pressed else inspector.say(what, expect))
    assert "Đại diện đơn vị: Nguyễn Văn Bình" in review.text and "nhất trí" in review.text
    await inspector.tap("Gửi", "Đã gửi kết quả")


async def ask_for_the_record(tg: BotApiStandIn, lead: Phone) -> int:
    await lead.say("/report", "Chọn tài liệu")
    mark = tg.mark(GROUP_ID)
    lead_tap(tg, "Biên bản một đơn vị")
    await tg.wait_for(GROUP_ID, "Chọn đơn vị", after=mark, timeout=10)
    lead_tap(tg, "Cổ Lũng")
    return mark


def record_lines(data: bytes) -> list[str]:
    return document_lines(docx.Document(io.BytesIO(data)))


def check_record(lines: list[str]) -> None:
    """What the record says without anyone editing it."""
    assert f"Căn cứ {BASIS}." in lines
    assert "- Ông Trần Trưởng Đoàn – Phó Giám đốc Sở Nội vụ – Trưởng đoàn;" in lines
    assert "- Ông/Bà Nguyễn Văn Bình – Chủ tịch UBND xã." in lines
    assert "Đơn vị được kiểm tra nhất trí với kết quả kiểm tra và các yêu cầu của Đoàn kiểm tra." in lines
    assert "97,5 %" in lines
    assert "(1) Kế hoạch ban hành muộn (tiêu chí 1.1, không đạt)." in lines


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui")
async def test_the_record_comes_as_word_and_pdf_with_the_real_page_count(tg: BotApiStandIn, tmp_path: Path) -> None:
    inspector, lead = Phone(tg, INSPECTOR), Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        await signed_visit(tg, inspector, lead)
        mark = await ask_for_the_record(tg, lead)
        word = await document(tg, "bien-ban-1-ubnd-xa-co-lung.docx", mark)
        pdf = await tg.wait_for(GROUP_ID, lambda m: (m.file_name or "").endswith(".pdf"), after=mark, timeout=120)
        await tg.wait_idle()
    assert tg.errors_returned == []
    assert word.document is not None and pdf.document is not None
    assert pdf.file_name == "bien-ban-1-ubnd-xa-co-lung.pdf" and "bản PDF để in" in pdf.text
    lines = record_lines(word.document)
    check_record(lines)
    rendered = tmp_path / "printed.pdf"
    rendered.write_bytes(pdf.document)
    closing = next(line for line in lines if line.startswith("Biên bản kết thúc"))
    stated = re.search(r"gồm (\d+) trang", closing)
    assert stated is not None and int(stated[1]) == page_count(rendered)  # the Word file carries the real count


async def test_without_libreoffice_the_word_file_comes_and_one_line_says_how_to_get_the_pdf(
    tg: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-libreoffice-here"))
    assert soffice() is None
    inspector, lead = Phone(tg, INSPECTOR), Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        await signed_visit(tg, inspector, lead)
        mark = await ask_for_the_record(tg, lead)
        word = await document(tg, "bien-ban-1-", mark)
        notice = await tg.wait_for(GROUP_ID, "LibreOffice", after=mark, timeout=30)
        await tg.wait_idle()
    assert tg.errors_returned == []
    assert word.document is not None
    check_record(record_lines(word.document))
    assert any("gồm … trang" in line for line in record_lines(word.document))  # a field Word fills in
    assert INSTALL in notice.text and len(notice.text.splitlines()) == 1
    assert not [m for m in tg.sent(GROUP_ID) if (m.file_name or "").endswith(".pdf")]
