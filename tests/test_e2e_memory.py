"""Memory bombs that pass the pixel check: the bot's process, measured from outside, stays within its
budget while it takes in an album of the worst images it accepts and forwards it to the group."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.e2e import GROUP_ID, INSPECTOR, Phone, team_with
from tests.engine_harness import SMALL_CHECKLIST
from tests.images import bomb_png, phone_hires_jpeg, worst_jpeg, worst_png
from tests.standin import BotApiStandIn, SentMessage
from tests.test_e2e_restart import start_bot

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 300


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


async def test_an_album_of_the_worst_accepted_images_stays_within_budget(tg: BotApiStandIn, tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "bot.log"
    data.mkdir()
    checklist = tmp_path / "small.yaml"
    checklist.write_text(SMALL_CHECKLIST, encoding="utf-8")
    bot = await start_bot(tg, data, log, {"CHECKLIST_FILE": str(checklist)})
    phone = Phone(tg, INSPECTOR)
    try:
        await team_with(tg, phone)
        await phone.say("/inspect", "Đơn vị được kiểm tra")
        await phone.say("UBND xã Cổ Lũng", "Gửi vị trí")
        await phone.tap("Bỏ qua", "Mục 1/")
        await phone.tap("Đạt")
        await phone.tap("Có")
        asked = await phone.tap("Đạt", "Ảnh minh chứng")
        assert "bắt buộc" in asked.text
        # the bombs first: once the item has its ten photos, any further one is refused before it is fetched
        refused = {}
        for name, image in [("bomb.png", bomb_png(11_000)), ("200mp.jpg", phone_hires_jpeg(16_320, 12_240))]:
            seen = phone.seen()
            tg.send_document(INSPECTOR, image, name, "image/png" if name.endswith("png") else "image/jpeg")
            refused[name] = (await phone.next(None, seen)).text
        worst = [worst_png(), worst_jpeg()] * 5
        for number, image in enumerate(worst):
            kind = ("image/png", "png") if image.startswith(b"\x89PNG") else ("image/jpeg", "jpg")
            seen = phone.seen()
            tg.send_document(INSPECTOR, image, f"anh-{number}.{kind[1]}", kind[0])
            await phone.next(f"{number + 1} ảnh", seen)
        await phone.tap("Xong", "Mục 2/2 · Câu 2/4")
        await phone.say("95", "Mục 2/2 · Câu 3/4")
        await phone.tap("Xong", "Mục 2/2 · Câu 4/4")
        await phone.tap("Bỏ qua", "Kiến nghị")
        await phone.tap("Bỏ qua", "Kết quả đạt được khác")
        await phone.tap("Bỏ qua", "Đại diện đơn vị")
        await phone.tap("Bỏ qua", "Ý kiến của đơn vị")
        await phone.tap("Bỏ qua", "XEM LẠI")
        await phone.tap("Gửi kết quả", "Đã gửi kết quả")

        def photos() -> list[SentMessage]:
            return [m for m in tg.sent(GROUP_ID) if m.kind == "photo"]

        await tg.wait_for(GROUP_ID, lambda _: len(photos()) == 10, timeout=120)
        peak = peak_rss_mb(bot.pid)
    finally:
        bot.terminate()
        await bot.wait()
    assert all("quá lớn" in text for text in refused.values()), refused
    assert peak < BUDGET_MB, f"peak RSS {peak:.0f} MB\n{log.read_text()[-2000:]}"
    print(f"peak RSS of the bot: {peak:.0f} MB", file=sys.stderr)
