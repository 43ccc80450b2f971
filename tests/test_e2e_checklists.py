"""Several checklists end to end over HTTP: CHECKLIST_DIR holds two, the lead picks the second for a round
with a button, and the inspector's /inspect asks its questions; with one, /round asks nothing new."""

from __future__ import annotations

from pathlib import Path

from tests.e2e import ADMIN, GROUP_ID, INSPECTOR, Phone, rows, running_bot, team_with
from tests.standin import BotApiStandIn

ONE_STOP = """
id: mot-cua
version: 1
title: Bảng kiểm Bộ phận Một cửa
areas:
  - id: tiep-nhan
    title: Tiếp nhận hồ sơ
    items:
      - {id: so-theo-doi, prompt: "Sổ theo dõi hồ sơ cập nhật đầy đủ?", type: rating}
"""
PUBLICITY = """
id: cong-khai
version: 3
title: Bảng kiểm công khai TTHC
areas:
  - id: niem-yet
    title: Niêm yết TTHC
    items:
      - {id: niem-yet-du, prompt: "Niêm yết đủ TTHC tại Bộ phận Một cửa?", type: rating}
      - {id: dich-vu-cong, prompt: "Công khai trên Cổng dịch vụ công?", type: yesno}
"""


def folder_of(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "bang-kiem"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


async def test_the_lead_picks_the_second_checklist_and_the_inspector_answers_it(
    tg: BotApiStandIn, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    folder = folder_of(tmp_path, a_mot_cua=ONE_STOP, b_cong_khai=PUBLICITY)
    inspector, lead = Phone(tg, INSPECTOR), Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, data, overrides={"checklist_dir": folder}):
        await team_with(tg, inspector)
        seen = lead.seen()
        tg.send_text(ADMIN, "/round Đợt kiểm tra công khai 2026", chat_id=GROUP_ID)
        choice = await lead.next("Đã mở đợt", seen)
        assert "Đợt này dùng bảng kiểm nào? Chưa chọn thì dùng Bảng kiểm Bộ phận Một cửa" in choice.text
        assert [label for row in choice.buttons for label, _ in row] == [
            "Bảng kiểm Bộ phận Một cửa",
            "Bảng kiểm công khai TTHC",
        ]
        basis = await lead.next("trả lời tin nhắn này bằng căn cứ", seen)  # the basis question, as before
        assert [label for row in basis.buttons for label, _ in row] == ["Bỏ qua ⏭"]

        start = len(tg.callback_answers)
        tg.tap(INSPECTOR, choice, "công khai")  # a member of the team, not its lead
        await tg.wait_idle()
        assert [a["text"] for a in tg.callback_answers[start:]] == [
            "Chỉ trưởng đoàn hoặc quản trị viên mới làm được việc này."
        ]
        assert await rows(data, "SELECT checklist_id FROM rounds") == [("mot-cua",)]

        seen = lead.seen()
        tg.tap(ADMIN, choice, "công khai")
        chosen = await lead.next("dùng bảng kiểm", seen)
        assert chosen.text == (
            "📋 Đợt Đợt kiểm tra công khai 2026 dùng bảng kiểm Bảng kiểm công khai TTHC: "
            "các phiên /inspect của đợt hỏi theo bảng kiểm này."
        )

        first = await inspector.say("/inspect", "Đơn vị được kiểm tra")
        assert "📋 Bảng kiểm công khai TTHC (1 mục, 2 câu)" in first.text
        await inspector.say("UBND xã Cổ Lũng", "Gửi vị trí")
        question = await inspector.tap("Bỏ qua", "Mục 1/1 · Câu 1/2")
        assert "Niêm yết đủ TTHC tại Bộ phận Một cửa?" in question.text
        await tg.wait_idle()
    assert tg.errors_returned == []
    assert await rows(data, "SELECT checklist_id FROM rounds") == [("cong-khai",)]
    assert await rows(data, "SELECT checklist_id, checklist_version, round_id FROM inspections") == [
        ("cong-khai", 3, 1)
    ]
    assert await rows(data, "SELECT id, version FROM checklists ORDER BY id") == [("cong-khai", 3), ("mot-cua", 1)]


async def test_one_checklist_in_the_folder_asks_nothing_new(tg: BotApiStandIn, tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = folder_of(tmp_path, b_cong_khai=PUBLICITY)
    lead = Phone(tg, ADMIN, GROUP_ID)
    async with running_bot(tg, data, overrides={"checklist_dir": folder}):
        await team_with(tg)
        opened = await lead.say("/round Đợt kiểm tra công khai 2026", "Đã mở đợt")
        assert "trả lời tin nhắn này bằng căn cứ" in opened.text and "bảng kiểm" not in opened.text.lower()
        assert [label for row in opened.buttons for label, _ in row] == ["Bỏ qua ⏭"]
        await tg.wait_idle()
        assert len(tg.sent(GROUP_ID)) == 2  # the team's creation, then this one message
    assert tg.errors_returned == []
    assert await rows(data, "SELECT checklist_id FROM rounds") == [("cong-khai",)]
