"""Three members on one unit, end to end: the bot runs as its own process against the Bot API stand-in,
is killed with SIGKILL in the middle, and the team still submits one result."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.e2e import GROUP_ID, INSPECTOR, SECOND, Phone, rows, team_with
from tests.standin import BotApiStandIn, FakeUser
from tests.test_e2e_restart import kill, start_bot, stop

THIRD = FakeUser(id=5004, first_name="Phạm", last_name="Văn Cường")
CHECKLIST = """
id: ba-muc
version: 1
title: Bảng kiểm ba mục
areas:
  - id: chi-dao
    title: Chỉ đạo, điều hành
    items:
      - {id: ke-hoach, prompt: "Đã ban hành kế hoạch KSTTHC năm?", type: rating}
      - {id: dau-moi, prompt: "Có cán bộ đầu mối KSTTHC?", type: yesno}
  - id: cong-khai
    title: Công khai TTHC
    items:
      - {id: niem-yet, prompt: "Niêm yết TTHC đầy đủ tại Bộ phận Một cửa?", type: rating}
      - {id: dich-vu-cong, prompt: "Công khai trên Cổng dịch vụ công?", type: rating}
  - id: mot-cua
    title: Thực hiện cơ chế một cửa
    items:
      - {id: so-theo-doi, prompt: "Sổ theo dõi hồ sơ cập nhật đầy đủ?", type: rating}
      - {id: phieu-hen, prompt: "Phiếu hẹn trả kết quả đúng mẫu?", type: rating}
"""


async def joined(tg: BotApiStandIn, phone: Phone) -> None:
    """Taps «Tham gia» on the group's invitation; the choice of areas comes in the private chat."""
    post = next(m for m in reversed(tg.sent(GROUP_ID)) if any("Tham gia" in b[0] for row in m.buttons for b in row))
    seen = phone.seen()
    tg.tap(phone.user, post, "Tham gia")
    await phone.next("Bạn đã tham gia phiên #1", seen)


async def test_three_members_inspect_one_unit_and_submit_one_result(tg: BotApiStandIn, tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "bot.log"
    data.mkdir()
    (tmp_path / "ba-muc.yaml").write_text(CHECKLIST, encoding="utf-8")
    owner, binh, cuong = Phone(tg, INSPECTOR), Phone(tg, SECOND), Phone(tg, THIRD)
    bot = await start_bot(tg, data, log, {"CHECKLIST_FILE": str(tmp_path / "ba-muc.yaml")})
    try:
        await team_with(tg, owner, binh, cuong)
        await owner.say("/inspect", "Đơn vị được kiểm tra")
        await owner.say("UBND xã Phấn Mễ", "Gửi vị trí")
        await owner.say("/team", "Đã gửi lời mời")
        await joined(tg, binh)
        await joined(tg, cuong)
        await binh.tap("2. Công khai", "Công khai TTHC — Lê Thị Hoa · 0/2")
        await cuong.tap("3. Thực hiện", "Thực hiện cơ chế một cửa — Phạm Văn Cường · 0/2")
        await binh.tap("Bắt đầu", "Mục 2/3 · Câu 1/2")
        await cuong.tap("Bắt đầu", "Mục 3/3 · Câu 1/2")
        await owner.say("/resume", "Gửi vị trí")
        await owner.tap("Bỏ qua", "Mục 1/3 · Câu 1/2")

        # All three answer at once, each in their own area.
        await asyncio.gather(
            owner.tap("Đạt", "Mục 1/3 · Câu 2/2"),
            binh.tap("Đạt", "Mục 2/3 · Câu 2/2"),
            cuong.tap("Đạt", "Mục 3/3 · Câu 2/2"),
        )
        # Killed with the three of them mid-way; each goes on where they were.
        await kill(bot)
        bot = await start_bot(tg, data, log, {"CHECKLIST_FILE": str(tmp_path / "ba-muc.yaml")})
        await binh.say("/resume", "Mục 2/3 · Câu 2/2")
        await cuong.say("/resume", "Mục 3/3 · Câu 2/2")
        status = await owner.say("/status", "Thực hiện cơ chế một cửa — Phạm Văn Cường · 1/2")
        assert "Công khai TTHC — Lê Thị Hoa · 1/2" in status.text
        assert await rows(data, "SELECT item_id, value, answered_by FROM answers ORDER BY item_id") == [
            ("ke-hoach", "pass", INSPECTOR.id),
            ("niem-yet", "pass", SECOND.id),
            ("so-theo-doi", "pass", THIRD.id),
        ]

        # The owner gives Cường's area to Bình. Bình reaches 3.1, which Cường answered: it is locked.
        await owner.say("/team", "Thực hiện cơ chế một cửa — Phạm Văn Cường")
        await owner.tap("🔒 3. Thực hiện", "Giao mục 3. Thực hiện cơ chế một cửa cho ai?")
        await owner.tap("Lê Thị Hoa")
        await binh.next("đã giao cho bạn mục 3", 0)
        await binh.say("/resume", "Mục 2/3 · Câu 2/2")
        await binh.tap("Đạt", "Mục 3/3 · Câu 1/2")
        await binh.tap("Không đạt", "Câu 3.1 đã được Phạm Văn Cường trả lời: Đạt")
        await binh.next("Mục 3/3 · Câu 2/2", 0)
        # Bình and Cường press on 3.2 at the same moment: one answer is stored, Cường is told why not his.
        seen_b, seen_c = binh.seen(), cuong.seen()
        tg.tap(THIRD, cuong.last_with_buttons(), "Đạt")
        tg.tap(SECOND, binh.last_with_buttons(), "Không đạt")
        await cuong.next("Mục 3 nay do Lê Thị Hoa làm", seen_c)
        await binh.next("Mô tả ngắn", seen_b)
        await binh.say("Phiếu hẹn thiếu ngày trả kết quả", "làm xong các mục của mình")

        await owner.say("/resume", "Mục 1/3 · Câu 2/2")
        await owner.tap("Có", "Kiến nghị")
        for _ in range(4):
            await owner.tap("Bỏ qua")
        await owner.tap("Gửi kết quả", "Đã gửi kết quả phiên #1")
        await binh.next("Nguyễn Văn An đã gửi kết quả phiên #1", 0)
        summary = await Phone(tg, INSPECTOR, GROUP_ID).next("KẾT QUẢ KIỂM TRA", 0)
        assert "UBND xã Phấn Mễ" in summary.text
        # Who answered which areas, in the order they first answered.
        assert "Nguyễn Văn An (lĩnh vực 1); Lê Thị Hoa (lĩnh vực 2, 3); Phạm Văn Cường (lĩnh vực 3)" in summary.text
    finally:
        await stop(bot)
    assert bot.returncode == 0, log.read_text()
    stored = await rows(data, "SELECT item_id, value, answered_by FROM answers ORDER BY item_id")
    assert stored == [
        ("dau-moi", "yes", INSPECTOR.id),
        ("dich-vu-cong", "pass", SECOND.id),
        ("ke-hoach", "pass", INSPECTOR.id),
        ("niem-yet", "pass", SECOND.id),
        ("phieu-hen", "fail", SECOND.id),
        ("so-theo-doi", "pass", THIRD.id),
    ]
    assert await rows(data, "SELECT status FROM inspections") == [("submitted",)]
