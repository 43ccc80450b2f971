"""The lead's roster over HTTP: a new link and code with /newcode, members removed with /members."""

from __future__ import annotations

import re
from pathlib import Path

from bot.checklist.loader import parse_checklist
from bot.texts.catalogue import VI, catalogue
from tests.e2e import (
    ADMIN,
    GROUP_ID,
    INSPECTOR,
    SECOND,
    STRANGER,
    Phone,
    create_team,
    rows,
    running_bot,
    team_with,
    to_first_question,
)
from tests.engine_harness import SMALL_CHECKLIST
from tests.standin import BotApiStandIn, FakeUser, SentMessage
from tests.test_e2e_reports import submit_small

SMALL = parse_checklist(SMALL_CHECKLIST)
OTHER_GROUP = -1009876543210


def link_and_code(message: SentMessage) -> tuple[str, str]:
    """The invitation code of the deep link and the join code, as a team's group is shown them."""
    link = next(word for word in message.text.split() if word.startswith("https://t.me/"))
    code = re.search(r"/join ([A-Z0-9-]+)", message.text)
    assert code is not None, message.text
    return link.split("start=")[1], code[1]


async def press(phone: Phone, message: SentMessage, label: str, expect: str) -> SentMessage:
    """Presses a button of this very message, and waits for the answer."""
    seen = phone.seen()
    phone.standin.tap(phone.user, message, label)
    return await phone.next(expect, seen)


def button_data(message: SentMessage, label: str) -> str:
    found = [data for row in message.buttons for text, data in row if label in text and data]
    assert len(found) == 1, message.buttons
    return found[0]


async def test_the_group_menu_and_help_name_the_lead_commands(tg: BotApiStandIn, tmp_path: Path) -> None:
    async with running_bot(tg, tmp_path, SMALL):
        await tg.wait_idle()
    for language in ("", "en"):
        group = {c["command"] for c in tg.my_commands({"type": "all_group_chats"}, language)}
        assert {"newcode", "members"} <= group
    for texts in (VI, catalogue("en")):
        assert "/newcode" in texts.HELP and "/members" in texts.HELP


async def test_newcode_gives_a_new_link_and_code_and_the_old_ones_stop_working(
    tg: BotApiStandIn, tmp_path: Path
) -> None:
    inspector, second, lead = Phone(tg, INSPECTOR), Phone(tg, SECOND), Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        old_invite, old_code = link_and_code(await lead.say("/newteam Đoàn kiểm tra số 1", "Đã tạo đoàn"))
        await inspector.say(f"/start {old_invite}", "đã tham gia đoàn")
        assert VI.LEAD_ONLY in (await Phone(tg, INSPECTOR, GROUP_ID).say("/newcode")).text
        assert VI.MEMBERS_ONLY in (await Phone(tg, STRANGER, GROUP_ID).say("/newcode")).text
        assert VI.GROUP_ONLY in (await inspector.say("/newcode")).text
        renewed = await lead.say("/newcode", "liên kết mời và mã tham gia mới")
        assert "không dùng được nữa" in renewed.text
        invite, code = link_and_code(renewed)
        assert invite != old_invite and code != old_code
        await second.say(f"/start {old_invite}", "Liên kết mời không đúng")
        await second.say(f"/join {old_code}", "Mã tham gia không đúng")
        await second.say(f"/join {code}", "đã tham gia đoàn")
        await inspector.say("/inspect", "Đơn vị được kiểm tra")  # who joined before stays a member
        await tg.wait_idle()
    assert await rows(tmp_path, "SELECT invite_code, join_code FROM teams") == [(invite, code.replace("-", ""))]
    members = await rows(tmp_path, "SELECT user_id FROM members WHERE removed_at IS NULL ORDER BY user_id")
    assert members == [(ADMIN.id,), (INSPECTOR.id,), (SECOND.id,)]
    assert tg.errors_returned == []


async def test_a_removed_member_is_told_their_draft_is_closed_and_their_results_stay(
    tg: BotApiStandIn, tmp_path: Path
) -> None:
    inspector, second, lead = Phone(tg, INSPECTOR), Phone(tg, SECOND), Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        invite = await create_team(tg)
        for phone in (inspector, second):
            await phone.say(f"/start {invite}", "đã tham gia đoàn")
        await submit_small(tg, inspector, "UBND xã Cổ Lũng", "Thiếu mẫu đơn")
        draft_question = await to_first_question(inspector, "UBND xã Hợp Thành")
        report_menu = await lead.say("/report", "lấy biên bản")

        roster = await lead.say("/members", "Thành viên đoàn")
        assert "Trần Trưởng Đoàn" in roster.text and "trưởng đoàn" in roster.text
        assert roster.button_labels == ["❌ Nguyễn Văn An", "❌ Lê Thị Hoa"]  # none for the lead
        confirm = await press(lead, roster, "Nguyễn Văn An", "ra khỏi đoàn")
        assert "Phiên #2 (UBND xã Hợp Thành)" in confirm.text
        seen = inspector.seen()
        done = await press(lead, confirm, "Đưa ra khỏi đoàn", "Đã đưa")
        assert "Nguyễn Văn An" in done.text and "/newcode" in done.text
        told = await inspector.next("đưa bạn ra khỏi đoàn", seen)
        assert "Phiên #2 (UBND xã Hợp Thành)" in told.text and "đóng lại" in told.text

        # no team command, no inspection, no button of the team any more
        assert VI.MEMBERS_ONLY in (await Phone(tg, INSPECTOR, GROUP_ID).say("/summary")).text
        assert VI.NOT_MEMBER in (await inspector.say("/inspect")).text
        start = len(tg.callback_answers)
        tg.tap(INSPECTOR, draft_question, "Đạt")
        tg.tap(INSPECTOR, report_menu, "Cổ Lũng")
        await tg.wait_idle()
        assert [a.get("text") for a in tg.callback_answers[start:]] == [VI.FINISHED_BUTTON, VI.MEMBERS_ONLY]
        # the link they joined with does not let them back in; a new one from the lead does
        assert "đưa bạn ra khỏi đoàn" in (await inspector.say(f"/start {invite}")).text
        new_invite, _ = link_and_code(await lead.say("/newcode", "mã tham gia mới"))
        await inspector.say(f"/start {new_invite}", "đã tham gia đoàn")
        await inspector.say("/inspect", "Đơn vị được kiểm tra")

        # what they submitted stays, under their name
        summary = await lead.say("/summary cổ lũng", "KẾT QUẢ KIỂM TRA")
        assert "Người kiểm tra: Nguyễn Văn An" in summary.text
        await tg.wait_idle()
    assert await rows(tmp_path, "SELECT id, status, inspector_id FROM inspections ORDER BY id") == [
        (1, "submitted", INSPECTOR.id),
        (2, "cancelled", INSPECTOR.id),
        (3, "draft", INSPECTOR.id),
    ]
    assert await rows(tmp_path, "SELECT COUNT(*) FROM answers WHERE inspection_id = 1") == [(4,)]
    assert tg.errors_returned == []


async def test_stale_forged_foreign_and_non_lead_presses_remove_nobody(tg: BotApiStandIn, tmp_path: Path) -> None:
    inspector, second, lead = Phone(tg, INSPECTOR), Phone(tg, SECOND), Phone(tg, ADMIN, GROUP_ID)
    tg.add_group(OTHER_GROUP, "Đoàn kiểm tra số 2")
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, inspector, second)
        other = await Phone(tg, ADMIN, OTHER_GROUP).say("/newteam Đoàn kiểm tra số 2", "Đã tạo đoàn")
        roster = await lead.say("/members", "Thành viên đoàn")
        remove_an = button_data(roster, "Nguyễn Văn An")
        action, team, arg = remove_an.split(":")
        version = re.match(r"\d+", arg)
        assert version is not None
        start = len(tg.callback_answers)
        tg.tap(SECOND, roster, "Nguyễn Văn An")  # a member who is not the lead
        tg.tap(STRANGER, roster, "Nguyễn Văn An")  # someone outside the team
        tg.tap_data(ADMIN, OTHER_GROUP, other.message_id, remove_an)  # in another team's group
        for forged in (
            f"{action}:{team}:{version[0]}r0",  # the lead's own place in the list
            f"{action}:{team}:{version[0]}y9",  # nobody there
            f"{action}:{team}:{int(version[0]) + 1}y1",  # a version that never was
            f"{action}:{team}:{version[0]}q1",  # no such step
        ):
            tg.tap_data(ADMIN, GROUP_ID, roster.message_id, forged)
        await tg.wait_idle()
        # different people's presses are handled side by side, so in no particular order
        answers = sorted(str(a.get("text")) for a in tg.callback_answers[start:])
        assert answers == sorted([VI.LEAD_ONLY, VI.MEMBERS_ONLY, VI.OTHER_TEAM_BUTTON] + [VI.GROUP_STALE] * 4)
        assert await rows(tmp_path, "SELECT COUNT(*) FROM members WHERE removed_at IS NOT NULL") == [(0,)]

        confirm = await press(lead, roster, "Nguyễn Văn An", "ra khỏi đoàn")
        yes = button_data(confirm, "Đưa ra khỏi đoàn")
        kept = await press(lead, confirm, "Giữ lại", "vẫn là thành viên")
        assert "Nguyễn Văn An" in kept.text
        confirm = await press(lead, roster, "Nguyễn Văn An", "ra khỏi đoàn")  # the list still works after «Giữ lại»
        await press(lead, confirm, "Đưa ra khỏi đoàn", "Đã đưa")
        start = len(tg.callback_answers)
        tg.tap_data(ADMIN, GROUP_ID, confirm.message_id, yes)  # a double tap on the confirmation
        tg.tap(ADMIN, roster, "Lê Thị Hoa")  # the list from before the removal
        await tg.wait_idle()
        assert [a.get("text") for a in tg.callback_answers[start:]] == [VI.GROUP_STALE, VI.GROUP_STALE]
    removed = await rows(tmp_path, "SELECT user_id, removed_by FROM members WHERE removed_at IS NOT NULL")
    assert removed == [(INSPECTOR.id, ADMIN.id)]
    assert tg.errors_returned == []


async def test_a_wave_of_joins_never_holds_the_group_s_results_back(tg: BotApiStandIn, tmp_path: Path) -> None:
    """Sixty people open the link at once, then the lead asks for the results: at Telegram's twenty
    messages a minute in a group, sixty notices would hold the answer back for two minutes."""
    lead = Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, tmp_path, SMALL):
        code = await create_team(tg)
        people = [Phone(tg, FakeUser(id=7000 + n, first_name="Cán bộ", last_name=f"{n:02d}")) for n in range(60)]
        for phone in people:
            tg.send_text(phone.user, f"/start {code}", chat_id=phone.chat_id)
        for phone in people:
            await phone.next("Bạn đã tham gia đoàn", 0)
        seen = lead.seen()
        tg.send_text(ADMIN, "/summary", chat_id=GROUP_ID)
        answer = await lead.next("phiên", seen)
        assert "tham gia đoàn" not in answer.text
        told = [m.text for m in tg.sent(GROUP_ID) if "tham gia đoàn" in m.text]
        assert len(told) <= 1  # the first at once; the others together at the end of the minute
        await tg.wait_idle()
    assert await rows(tmp_path, "SELECT COUNT(*) FROM members WHERE user_id >= 7000") == [(60,)]
