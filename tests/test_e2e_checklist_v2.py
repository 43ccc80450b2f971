"""A version-2 checklist run by the real application over the Bot API stand-in: a «Không» rules out
three items and going back brings them back; the «❓» button; several choices; what is stored."""

from __future__ import annotations

from pathlib import Path

from bot.checklist.loader import parse_checklist
from tests.e2e import INSPECTOR, Phone, rows, running_bot, team_with, to_first_question
from tests.gated_checklist import GATED
from tests.standin import BotApiStandIn

CHECKLIST = parse_checklist(GATED)


async def test_a_no_rules_out_three_items_and_going_back_brings_them_back(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, CHECKLIST):
        await team_with(tg, phone)
        await to_first_question(phone)
        await phone.tap("Đạt", "Trong kỳ có dự thảo")
        await phone.tap("Có", "Quy định TTHC trong dự thảo")
        await phone.tap("Đạt", "Đã lấy ý kiến")
        await phone.tap("Đạt", "Ý kiến được tiếp thu")
        await phone.tap("Đạt", "Mục 2/2 · Câu 1/4")
        for expect in ("Ý kiến được tiếp thu", "Đã lấy ý kiến", "Quy định TTHC trong dự thảo", "Trong kỳ có dự thảo"):
            await phone.tap("Quay lại", expect)
        hidden = await phone.tap("Không", "Mục 2/2 · Câu 1/4")
        assert "không hỏi 3 câu: 1.3, 1.4, 1.5" in hidden.text
        stored = await rows(tmp_path, "SELECT item_id FROM answers WHERE inspection_id = 1 ORDER BY item_id")
        assert ("danh-gia",) in stored and ("tiep-thu",) in stored  # kept, out of the result
        await phone.tap("Quay lại", "Trong kỳ có dự thảo")  # straight back to the gate
        shown = await phone.tap("Có", "Quy định TTHC trong dự thảo")
        assert "cần hỏi thêm 3 câu: 1.3, 1.4, 1.5" in shown.text
        assert "Đã trả lời: Đạt" in shown.text  # asked again with the answer it kept


async def test_the_question_mark_and_several_choices_over_the_bot_api(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, CHECKLIST):
        await team_with(tg, phone)
        await to_first_question(phone)
        await phone.tap("Đạt")
        await phone.tap("Có", "Quy định TTHC trong dự thảo")
        opened = await phone.tap("❓", "Căn cứ:")
        assert "Nghị định 63/2010/NĐ-CP" in opened.text and "Xem <b>bản đánh giá</b>" in opened.text
        assert not any("❓" in button for button in opened.button_labels)
        await phone.tap("Không đạt", "Mô tả ngắn")
        await phone.say("Chưa đánh giá", "Đã lấy ý kiến")
        await phone.tap("Đạt")
        await phone.tap("Đạt", "Các hình thức niêm yết")
        chosen = await phone.tap("Sổ", "Đã trả lời: Sổ")
        assert "☑️ Sổ" in chosen.button_labels and "Bảng" in chosen.button_labels
        chosen = await phone.tap("Bảng", "Đã trả lời: Bảng, Sổ")
        assert "☑️ Bảng" in chosen.button_labels
        await phone.tap("Xong", "Ngày ban hành")
        await phone.say("hôm nay", "Tỷ lệ hồ sơ")
        refused = await phone.say("120", "không hợp lệ")
        assert "từ 0 % đến 100 %" in refused.text
        await phone.say("98,5", "Bộ phận Một cửa")
    stored = dict(await rows(tmp_path, "SELECT item_id, value FROM answers WHERE inspection_id = 1"))
    assert stored["hinh-thuc"] == "bang so" and stored["ty-le"] == "98.5"
    assert stored["danh-gia"] == "fail"
