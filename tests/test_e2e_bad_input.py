"""Careless and hostile input over HTTP: each gets a clear reply or is ignored, and nothing is lost."""

from __future__ import annotations

from pathlib import Path

from bot.checklist.loader import parse_checklist
from tests.e2e import INSPECTOR, SECOND, Phone, rows, running_bot, team_with, to_first_question
from tests.engine_harness import SMALL_CHECKLIST
from tests.images import PDF, bomb_png, jpeg, truncated_jpeg
from tests.standin import BotApiStandIn

SMALL = parse_checklist(SMALL_CHECKLIST)


async def test_text_where_a_button_is_expected_and_a_photo_where_text_is(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, phone)
        await to_first_question(phone)
        await phone.say("đạt", "Hãy chọn một trong các nút")
        seen = phone.seen()
        tg.send_photo(INSPECTOR, jpeg())
        await phone.next("không cần ảnh nên ảnh chưa được lưu", seen)
        await phone.say("/inspect", "chưa gửi")
        await phone.tap("Một phần", "Mô tả ngắn")
        seen = phone.seen()
        tg.send_photo(INSPECTOR, jpeg())
        await phone.next("không cần ảnh", seen)
        await tg.wait_idle()
    assert await rows(tmp_path, "SELECT item_id, value FROM answers") == [("ke-hoach", "partial")]
    assert await rows(tmp_path, "SELECT COUNT(*) FROM photos") == [(0,)]
    assert tg.errors_returned == []


async def test_bad_files_are_refused_with_a_message_and_nothing_stored(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, phone)
        await to_first_question(phone)
        await phone.tap("Đạt")
        await phone.tap("Không", "Mục 2/2 · Câu 1/4")
        await phone.tap("Đạt", "Ảnh minh chứng")
        for data, name, mime, expected in (
            (PDF, "bien-ban.pdf", "application/pdf", "không phải là ảnh"),
            (PDF, "fake.jpg", "image/jpeg", "không phải là ảnh"),
            (truncated_jpeg(), "cut.jpg", "image/jpeg", "bị hỏng"),
            (bomb_png(), "bomb.png", "image/png", "quá lớn"),
            (jpeg() + b"\0" * (6 * 2**20), "huge.jpg", "image/jpeg", "lớn hơn 5 MB"),
        ):
            seen = phone.seen()
            tg.send_document(INSPECTOR, data, name, mime)
            await phone.next(expected, seen)
        tg.tap(INSPECTOR, phone.last_with_buttons(), "Xong")
        await tg.wait_idle()
        assert tg.callback_answers[-1]["text"].startswith("Câu này bắt buộc có ảnh")
    assert await rows(tmp_path, "SELECT COUNT(*) FROM photos") == [(0,)]
    assert not [p for p in (tmp_path / "photos").rglob("*") if p.is_file()]


async def test_stale_forged_and_foreign_presses_change_nothing(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone, other = Phone(tg, INSPECTOR), Phone(tg, SECOND)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, phone, other)
        await to_first_question(phone)
        question = phone.last_with_buttons()
        pressed = question.buttons[0][0][1]
        assert pressed is not None
        await phone.tap("Không đạt", "Mô tả ngắn")
        start = len(tg.callback_answers)
        # the same button again (a double tap on a slow connection)
        tg.tap_data(INSPECTOR, INSPECTOR.id, question.message_id, pressed)
        # forged data naming someone else's inspection, and nonsense
        tg.tap_data(INSPECTOR, INSPECTOR.id, question.message_id, "v:999:1:pass")
        tg.tap_data(INSPECTOR, INSPECTOR.id, question.message_id, "x" * 64)
        # another inspector pressing a button of this inspection
        await to_first_question(other)
        tg.tap_data(SECOND, SECOND.id, other.last_with_buttons().message_id, "v:1:4:pass")
        await tg.wait_idle()
        answers = [str(a["text"]) for a in tg.callback_answers[start:] if a.get("text")]
        assert len(answers) == 4 and answers[0].startswith("Nút này đã cũ")
        assert all("không thuộc phiên" in text for text in answers[1:])
        # a finished inspection
        await phone.say("/cancel", "Hủy phiên #1")
        await phone.tap("Hủy phiên", "Đã hủy phiên #1")
        tg.tap_data(INSPECTOR, INSPECTOR.id, question.message_id, "v:1:3:pass")
        await tg.wait_idle()
        assert tg.callback_answers[-1]["text"].startswith("Phiên kiểm tra này đã kết thúc")
    assert await rows(tmp_path, "SELECT inspection_id, item_id, value FROM answers") == [(1, "ke-hoach", "fail")]
    assert await rows(tmp_path, "SELECT id, status FROM inspections ORDER BY id") == [(1, "cancelled"), (2, "draft")]


async def test_edited_messages_and_redelivered_updates(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, phone)
        await to_first_question(phone)
        await phone.tap("Đạt")
        await phone.tap("Có")
        await phone.tap("Đạt", "Ảnh minh chứng")
        seen = phone.seen()
        photo_update = tg.send_photo(INSPECTOR, jpeg())
        await phone.next("Câu này có 1 ảnh", seen)
        await phone.tap("Xong", "Tỷ lệ hồ sơ")
        seen = phone.seen()
        number_update = tg.send_text(INSPECTOR, "98")
        await phone.next("Đã ghi: 98", seen)
        await tg.wait_idle()
        before = len(tg.sent(INSPECTOR.id))
        tg.redeliver(number_update)
        tg.redeliver(photo_update)
        await tg.wait_idle()
        assert len(tg.sent(INSPECTOR.id)) == before  # no second reply
        typed = next(m for m in reversed(tg.sent(INSPECTOR.id)) if m.text == "Đã ghi: 98 %")
        seen = phone.seen()
        tg.edit_text(INSPECTOR, typed.message_id - 1, "99")
        await phone.next("Bot không ghi nhận tin nhắn đã sửa", seen)
        await tg.wait_idle()
    assert await rows(tmp_path, "SELECT item_id, value FROM answers ORDER BY item_id") == [
        ("bang-niem-yet", "pass"),
        ("co-du-thao", "yes"),
        ("ke-hoach", "pass"),
        ("ty-le", "98"),
    ]
    assert await rows(tmp_path, "SELECT COUNT(*) FROM photos") == [(1,)]


async def test_flood_control_and_server_errors_are_retried(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, phone)
        await to_first_question(phone)
        # A tap costs one call: the answered question is rewritten into the next one.
        tg.inject_fault("editMessageText", status=429, retry_after=1, times=1)
        tg.inject_fault("editMessageText", status=502, times=1)
        await phone.tap("Đạt", "Mục 1/2 · Câu 2/2")
        tg.inject_fault("editMessageText", drop=True, times=1)
        await phone.tap("Có", "Mục 2/2 · Câu 1/4")
        await tg.wait_idle()
    assert len(tg.faults_triggered) == 3
    assert await rows(tmp_path, "SELECT item_id, value FROM answers ORDER BY item_id") == [
        ("co-du-thao", "yes"),
        ("ke-hoach", "pass"),
    ]


async def test_a_reply_that_never_arrives_loses_no_answer(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, phone)
        await to_first_question(phone)
        tg.inject_fault("editMessageText", status=400, description="Bad Request: chat not found", times=1)
        tg.tap(INSPECTOR, phone.last_with_buttons(), "Đạt")
        await tg.wait_idle()
        assert not any("Câu 2/2" in m.text for m in tg.sent(INSPECTOR.id))
        await phone.say("/resume", "Mục 1/2 · Câu 2/2")
    assert await rows(tmp_path, "SELECT item_id, value FROM answers") == [("ke-hoach", "pass")]


async def test_a_question_whose_message_is_gone_arrives_as_a_new_one(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL):
        await team_with(tg, phone)
        first = await to_first_question(phone)
        # The inspector deleted the question (or it is too old to edit): the next one is sent instead.
        tg.inject_fault("editMessageText", status=400, description="Bad Request: message to edit not found", times=1)
        following = await phone.tap("Đạt", "Mục 1/2 · Câu 2/2")
        assert following.message_id != first.message_id
        assert following.text.startswith("✓ 1.1 Đã ban hành kế hoạch KSTTHC năm? → Đạt\n\nMục 1/2 · Câu 2/2")
        await phone.tap("Có", "Mục 2/2 · Câu 1/4")
    assert await rows(tmp_path, "SELECT item_id, value FROM answers ORDER BY item_id") == [
        ("co-du-thao", "yes"),
        ("ke-hoach", "pass"),
    ]


async def to_photo_question(tg: BotApiStandIn, phone: Phone) -> None:
    await team_with(tg, phone)
    await to_first_question(phone)
    await phone.tap("Đạt")
    await phone.tap("Có")
    await phone.tap("Đạt", "Ảnh minh chứng")


async def test_a_photo_download_refused_for_a_while_is_retried_not_given_up(tg: BotApiStandIn, tmp_path: Path) -> None:
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL):
        await to_photo_question(tg, phone)
        tg.inject_fault("getFile", status=429, retry_after=1, times=2)
        seen = phone.seen()
        tg.send_photo(INSPECTOR, jpeg(label="qua 429"))
        received = await phone.next("Đã nhận", seen)
        assert "Không tải được" not in received.text
        tg.inject_fault("getFile", status=502, times=2)
        seen = phone.seen()
        tg.send_photo(INSPECTOR, jpeg(label="qua 502"))
        await phone.next("Đã nhận", seen)
        tg.inject_fault("getFile", status=502, times=50)
        seen = phone.seen()
        tg.send_photo(INSPECTOR, jpeg(label="mất"))
        await phone.next("Không tải được ảnh", seen)
        await tg.wait_idle()
    assert await rows(tmp_path, "SELECT COUNT(*) FROM photos") == [(2,)]
    assert sum(1 for name, _ in tg.faults_triggered if name == "getFile") >= 2 + 2 + 3
