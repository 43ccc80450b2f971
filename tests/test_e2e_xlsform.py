"""A team's XLSForm, made here with openpyxl, handed to the bot as CHECKLIST_FILE and run as a whole
inspection by the real application over the Bot API stand-in: its groups as areas, its hint behind «❓»,
its note before the next question, its constraints refusing what is out of bounds, its `relevant` ruling
a question and a whole group out, its image as evidence, and the summary the group receives."""

from __future__ import annotations

from pathlib import Path

from tests.e2e import ADMIN, GROUP_ID, INSPECTOR, Phone, rows, running_bot, team_with
from tests.images import jpeg
from tests.standin import BotApiStandIn
from tests.xlsforms import write_form


async def test_a_teams_xlsform_runs_as_a_whole_inspection(tg: BotApiStandIn, tmp_path: Path) -> None:
    form = write_form(tmp_path / "mau-kiem-tra.xlsx")
    phone, lead = Phone(tg, INSPECTOR), Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path / "data", overrides={"checklist_file": form}):
        await team_with(tg, phone)
        started = await phone.say("/inspect", "Đơn vị được kiểm tra")
        assert "Kiểm tra Bộ phận Một cửa (3 mục, 10 câu)" in started.text
        await phone.say("UBND xã Cổ Lũng", "Gửi vị trí")
        first = await phone.tap("Bỏ qua", "Mục 1/3 · Câu 1/6")
        assert "TTHC niêm yết tại Bộ phận Một cửa" in first.text and first.button_labels[:4] == [
            "Đạt",
            "Không đạt",
            "Một phần",
            "Không áp dụng",
        ]
        guidance = await phone.tap("❓", "Đối chiếu với quyết định công bố")  # the form's hint
        assert "TTHC niêm yết" in guidance.text
        await phone.tap("Không đạt", "Mô tả ngắn")
        await phone.say("Thiếu 3 TTHC mới công bố", "Hồ sơ tiếp nhận được số hóa")
        await phone.tap("Chưa số hóa", "Trong kỳ có hồ sơ giải quyết trễ hạn")
        late = await phone.tap("Có", "Số hồ sơ trễ hạn")
        assert "Đếm theo sổ theo dõi và phần mềm một cửa." in late.text  # the note, before its question
        refused = await phone.say("-1", "không hợp lệ")
        assert "từ 0 trở lên" in refused.text
        await phone.say("3", "Tỷ lệ hồ sơ giải quyết đúng hạn")
        refused = await phone.say("120", "không hợp lệ")
        assert "từ 0 % đến 100 %" in refused.text
        await phone.say("97,5", "Ảnh bảng niêm yết")
        seen = phone.seen()
        tg.send_photo(INSPECTOR, jpeg())
        await phone.next("Câu này có 1 ảnh", seen)
        channels = await phone.tap("Xong", "Mục 2/3 · Câu 1/2")
        assert "Đơn vị nhận phản ánh qua những kênh nào?" in channels.text
        await phone.tap("Cổng dịch vụ công", "Đã trả lời: Cổng dịch vụ công")
        # No suggestion box nor hotline: the date is not asked; nothing digitised: group 3 is not either.
        await phone.tap("Xong", "Kiến nghị")
        for _ in range(4):
            await phone.tap("Bỏ qua")
        review = phone.last_with_buttons()
        assert "Không áp dụng theo điều kiện" in review.text and "1 câu không áp dụng theo điều kiện" in review.text
        seen = lead.seen()
        await phone.tap("Gửi kết quả", "Đã gửi kết quả phiên #1")
        summary = await lead.next("KẾT QUẢ KIỂM TRA #1", seen)
        assert "Thiếu 3 TTHC mới công bố" in summary.text and "97,5 %" in summary.text
        assert "Cổng dịch vụ công" in summary.text
    data = tmp_path / "data"
    stored = dict(await rows(data, "SELECT item_id, value FROM answers WHERE inspection_id = 1"))
    assert stored == {
        "niem_yet": "fail",
        "so_hoa": "chua",
        "co_tre_han": "yes",
        "so_tre_han": "3",
        "ty_le_dung_han": "97.5",
        "anh_niem_yet": "1",
        "kenh": "cong_dvc",
    }
    assert await rows(data, "SELECT id, version FROM checklists") == [("kiem-tra-mot-cua", 3)]
    assert await rows(data, "SELECT status FROM inspections") == [("submitted",)]
