"""A correction after submit over HTTP: the real application against the Bot API stand-in."""

from __future__ import annotations

import json
from pathlib import Path

from app import operator
from tests.e2e import ADMIN, GROUP_ID, INSPECTOR, Phone, rows, running_bot, settings_for, team_with
from tests.standin import BotApiStandIn
from tests.test_e2e_reports import SMALL, all_text, document, submit_small

REASON = "Đơn vị xuất trình kế hoạch số 12/KH-UBND <ký ngày 05/01> & lịch kiểm tra"


async def test_a_shortcoming_corrected_to_pass_with_its_reason(tg: BotApiStandIn, tmp_path: Path) -> None:
    inspector, lead = Phone(tg, INSPECTOR), Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, inspector)
        await submit_small(tg, inspector, "UBND xã Cổ Lũng", "Kế hoạch ban hành muộn")
        assert "Gửi /amend kèm số phiên" in (await inspector.say("/amend")).text
        areas = await inspector.say("/amend 1", "Sửa kết quả phiên #1")
        assert areas.button_labels[-1] == "✖️ Thôi, không sửa"
        items = await inspector.tap("1. Chỉ đạo", "Chọn nội dung cần sửa")
        assert "→ Không đạt: Kế hoạch ban hành muộn" in items.text and items.button_labels[-1] == "⬅️ Quay lại"
        await inspector.tap("1.1 Đã ban hành", "Đang ghi: Không đạt")
        await inspector.tap("Đạt", "Nhập lý do sửa")
        seen = lead.seen()
        done = await inspector.say(REASON, "Đã sửa phiên #1")
        assert "Không đạt: Kế hoạch ban hành muộn → Đạt" in done.text
        told = await lead.next("Sửa kết quả phiên #1", seen)
        assert "Nguyễn Văn An" in told.text and f"Lý do: {REASON}" in told.text
        assert "Đề nghị khắc phục #1 đã đóng" in told.text

        mark = tg.mark(GROUP_ID)
        await lead.say("/report", "biên bản")
        await lead.tap("#1 · UBND xã Cổ Lũng")
        record = await document(tg, "bien-ban-1-", mark)
        await tg.wait_idle()
    assert tg.errors_returned == []
    assert record.document is not None
    text = all_text(record.document)
    assert "Đạt (đã sửa)" in text
    assert "PHỤ LỤC: CÁC NỘI DUNG ĐÃ SỬA SAU KHI GỬI KẾT QUẢ" in text
    assert REASON in text and "Không đạt: Kế hoạch ban hành muộn" in text

    exported = await operator.export(settings_for(tg, tmp_path), 1)
    assert exported is not None
    data = json.loads(exported)
    ke_hoach = next(a for a in data["answers"] if a["item_id"] == "ke-hoach")
    assert (ke_hoach["value"], ke_hoach["amended"]) == ("pass", True)
    assert [(a["old_value"], a["new_value"], a["reason"]) for a in data["amendments"]] == [("fail", "pass", REASON)]
    kinds = [entry["kind"] for entry in data["history"]]
    assert kinds[0] == "start" and kinds[-2:] == ["submit", "correction"]
    assert kinds.count("answer") == 4  # the optional photo and text items were skipped
    assert await rows(tmp_path, "SELECT value, note FROM answers WHERE item_id = 'ke-hoach'") == [
        ("fail", "Kế hoạch ban hành muộn")
    ]
    assert await rows(tmp_path, "SELECT status, done_note, done_by FROM followups WHERE item_id = 'ke-hoach'") == [
        ("done", REASON, INSPECTOR.id)
    ]
