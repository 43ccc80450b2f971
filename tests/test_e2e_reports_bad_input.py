"""Every bad input the reports issue names: a clear reply, and nothing changed."""

from __future__ import annotations

from pathlib import Path

from tests.e2e import ADMIN, GROUP_ID, INSPECTOR, SECOND, STRANGER, Phone, create_team, rows, running_bot, team_with
from tests.images import jpeg
from tests.standin import BotApiStandIn
from tests.test_e2e_reports import SMALL, submit_small

OTHER_GROUP = -1009876543210


async def test_report_needs_a_member_in_the_team_group(tg: BotApiStandIn, tmp_path: Path) -> None:
    tg.add_group(OTHER_GROUP, "Nhóm bạn bè")
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, Phone(tg, INSPECTOR))
        assert "Chỉ thành viên của đoàn" in (await Phone(tg, STRANGER, GROUP_ID).say("/report")).text
        assert "chưa là nhóm của đoàn" in (await Phone(tg, INSPECTOR, OTHER_GROUP).say("/report")).text
        assert "dùng trong nhóm của đoàn" in (await Phone(tg, INSPECTOR).say("/report")).text
        assert "Chỉ thành viên của đoàn" in (await Phone(tg, STRANGER, GROUP_ID).say("/followups")).text
        assert "Chỉ thành viên của đoàn" in (await Phone(tg, STRANGER, GROUP_ID).say("/stats")).text
        await tg.wait_idle()
    assert [m for m in tg.sent(GROUP_ID) if m.kind == "document"] == []


async def test_round_names_and_endround_without_a_round(tg: BotApiStandIn, tmp_path: Path) -> None:
    lead = Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, Phone(tg, INSPECTOR))
        assert "Chưa có đợt kiểm tra nào đang mở" in (await lead.say("/round    ")).text
        assert "từ 3 đến 200 ký tự" in (await lead.say("/round " + "Đợt rất dài " * 42)).text
        assert "từ 3 đến 200 ký tự" in (await lead.say("/round ab")).text
        assert "Không có đợt kiểm tra nào đang mở" in (await lead.say("/endround")).text
        member = Phone(tg, INSPECTOR, GROUP_ID)
        assert "Chỉ trưởng đoàn" in (await member.say("/round Đợt của thành viên")).text
        await lead.say("/round Đợt một", "Đã mở đợt")
        assert "đang mở" in (await lead.say("/round Đợt hai")).text
        assert "Chỉ trưởng đoàn" in (await member.say("/endround")).text
        await tg.wait_idle()
    assert await rows(tmp_path, "SELECT name, closed_at FROM rounds") == [("Đợt một", None)]


async def test_followup_buttons_from_another_team_or_a_member_change_nothing(tg: BotApiStandIn, tmp_path: Path) -> None:
    tg.add_group(OTHER_GROUP, "Đoàn kiểm tra số 2")
    inspector = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, inspector)
        await submit_small(tg, inspector, "UBND xã Cổ Lũng", "Thiếu mẫu đơn")
        await Phone(tg, ADMIN, OTHER_GROUP).say("/newteam Đoàn kiểm tra số 2", "Đã tạo đoàn")
        other = Phone(tg, ADMIN, OTHER_GROUP)
        assert "Không có đề nghị" in (await other.say("/followups")).text
        # team 1's follow-up #1, pressed in team 2's group (forged, or a forwarded keyboard)
        for data in ("F:1:0", "D:1:0", "U:1:0d7", "U:1:0t", "X:1:0", "I:1:", "R:1:zip", "E:1:yes"):
            tg.tap_data(ADMIN, OTHER_GROUP, tg.sent(OTHER_GROUP)[-1].message_id, data)
            await tg.wait_idle()
            assert "thuộc đoàn khác" in (tg.callback_answers[-1]["text"] or ""), data
        # an inspector of the team is not its lead
        listing = await Phone(tg, INSPECTOR, GROUP_ID).say("/followups", "Đề nghị khắc phục đang mở")
        tg.tap(INSPECTOR, listing, "#1")
        await tg.wait_idle()
        assert "Chỉ trưởng đoàn" in (tg.callback_answers[-1]["text"] or "")
        for data in ("D:1:99", "U:1:0d9", "U:1:abc", "Z:1:0", "D:99999999999999:0"):
            tg.tap_data(ADMIN, GROUP_ID, listing.message_id, data)
            await tg.wait_idle()
            assert tg.callback_answers[-1]["text"], data
        assert tg.errors_returned == []
    assert await rows(tmp_path, "SELECT id, status, version FROM followups") == [(1, "open", 0), (2, "open", 0)]
    unchanged_due = (
        "SELECT COUNT(*) FROM followups f JOIN followup_events e ON e.followup_id = f.id AND e.detail = f.due_on"
    )
    assert await rows(tmp_path, unchanged_due) == [(2,)]
    assert await rows(tmp_path, "SELECT kind FROM followup_events WHERE kind != 'created'") == []
    assert await rows(tmp_path, "SELECT * FROM group_prompts") == []
    assert [m for m in tg.sent(OTHER_GROUP) if m.kind == "document"] == []


async def test_a_stray_reply_or_photo_in_the_group_is_not_the_bots_business(tg: BotApiStandIn, tmp_path: Path) -> None:
    lead = Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        code = await create_team(tg)
        await Phone(tg, SECOND).say(f"/start {code}", "đã tham gia")
        last = tg.sent(GROUP_ID)[-1]
        before = len(tg.sent(GROUP_ID))
        tg.send_text(ADMIN, "Cảm ơn bot!", chat_id=GROUP_ID, reply_to=last.message_id)
        tg.send_photo(ADMIN, jpeg(label="anh ky niem"), chat_id=GROUP_ID, reply_to=last.message_id)
        await tg.wait_idle()
        assert len(tg.sent(GROUP_ID)) == before
        assert "Chưa có đợt" in (await lead.say("/round")).text
    assert await rows(tmp_path, "SELECT * FROM followup_photos") == []
