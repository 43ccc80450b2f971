"""Delivering a requested document through the real Bot API client: sent, refused when too big, or explained."""

from __future__ import annotations

from pathlib import Path

from telegram import Bot

from bot.checklist.loader import parse_checklist
from bot.checklist.versions import ChecklistVersions
from bot.events import ReportFile, ReportKind, ReportRequest
from bot.reports.service import ReportService
from handlers.telegram.delivery import TelegramSteps
from storage.sqlite.store import SqliteStore as Store
from tests.e2e import GROUP_ID
from tests.engine_harness import SMALL_CHECKLIST
from tests.standin import BotApiStandIn
from tests.test_cli_reports import round_with_two_units


async def deliver(steps: TelegramSteps, request: ReportRequest) -> None:
    for step in steps.steps(ReportFile(chat_id=GROUP_ID, request=request)):
        await step()


async def test_documents_are_sent_refused_over_the_limit_or_explained(tg: BotApiStandIn, tmp_path: Path) -> None:
    await round_with_two_units(tmp_path)
    store = await Store.open(tmp_path / "kiemtra.sqlite3")
    service = ReportService(
        store,
        ChecklistVersions(parse_checklist(SMALL_CHECKLIST)),
        issuer="UBND TỈNH THÁI NGUYÊN",
        place="Thái Nguyên",
        photo_dir=tmp_path / "photos",
    )
    try:
        async with Bot(tg.TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
            await deliver(
                TelegramSteps(bot, tmp_path / "photos", service), ReportRequest(kind=ReportKind.RECORD, inspection_id=1)
            )
            sent = tg.sent(GROUP_ID)[-1]
            assert sent.kind == "document" and sent.file_name == "bien-ban-1-ubnd-xa-co-lung-co.docx"
            assert sent.text == "📄 Biên bản kiểm tra phiên #1 · UBND xã <Cổ Lũng> & Co"

            small = TelegramSteps(bot, tmp_path / "photos", service, upload_limit=10_000)
            await deliver(small, ReportRequest(kind=ReportKind.WORKBOOK, round_id=1))
            refused = tg.sent(GROUP_ID)[-1]
            assert refused.kind == "text" and "vượt giới hạn 50 MB" in refused.text
            assert "python -m bot report --round 1 --format xlsx -o dot-1.xlsx" in refused.text

            await deliver(small, ReportRequest(kind=ReportKind.RECORD, inspection_id=99))
            assert "Không có phiên kiểm tra đã gửi #99" in tg.sent(GROUP_ID)[-1].text
            await deliver(
                TelegramSteps(bot, tmp_path / "photos", service), ReportRequest(kind=ReportKind.CHART, round_id=1)
            )
            assert tg.sent(GROUP_ID)[-1].kind == "photo"
    finally:
        await store.close()
    assert tg.errors_returned == []
    assert [m.kind for m in tg.sent(GROUP_ID)] == ["document", "text", "text", "photo"]
    assert tg.chat_actions[0] == (GROUP_ID, "upload_document") and tg.chat_actions[-1] == (GROUP_ID, "upload_photo")
