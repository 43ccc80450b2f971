"""The bot process is killed with SIGKILL in the middle of an inspection and started again."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import sys
from pathlib import Path

import aiosqlite

from tests.e2e import INSPECTOR, Phone, env_for, team_with, to_first_question
from tests.images import jpeg
from tests.standin import BotApiStandIn

ROOT = Path(__file__).resolve().parent.parent


async def start_bot(
    tg: BotApiStandIn, data_dir: Path, log: Path, settings: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ADMIN_", "DATA_", "CHECKLIST_"))}
    env.update(env_for(tg, data_dir), PYTHONPATH=str(ROOT), **(settings or {}))
    polls_before = len(tg.calls_to("getUpdates"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, cwd=data_dir, stdout=log.open("ab"), stderr=asyncio.subprocess.STDOUT
    )
    for _ in range(400):
        if len(tg.calls_to("getUpdates")) > polls_before:
            return process
        if process.returncode is not None:
            raise AssertionError(log.read_text())
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not start polling:\n" + log.read_text())


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, as a service manager stops the bot, unless it already stopped."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 20)


async def answers(data_dir: Path) -> dict[str, str]:
    async with (
        aiosqlite.connect(data_dir / "kiemtra.sqlite3") as db,
        db.execute("SELECT item_id, value FROM answers") as cursor,
    ):
        return {str(k): str(v) for k, v in await cursor.fetchall()}


async def test_killed_mid_inspection_nothing_is_lost(tg: BotApiStandIn, tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "bot.log"
    data.mkdir()
    phone = Phone(tg, INSPECTOR)
    bot = await start_bot(tg, data, log)
    try:
        await team_with(tg, phone)
        assert "Mục 1/8 · Câu 1/4" in (await to_first_question(phone, "UBND xã Phấn Mễ")).text
        await phone.tap("Một phần", "Mô tả ngắn")
        await phone.say("Chưa có dự toán <riêng>", "Mục 1/8 · Câu 2/4")
        await phone.tap("Đạt", "Mục 1/8 · Câu 3/4")

        await kill(bot)
        # While the bot is down the inspector keeps going on a flaky connection.
        seen = phone.seen()
        tg.tap(INSPECTOR, phone.last_with_buttons(), "Không đạt")

        bot = await start_bot(tg, data, log)
        await phone.next("Mô tả ngắn", seen)
        stored = await answers(data)
        assert stored == {"ke-hoach-kstthc": "partial", "can-bo-dau-moi": "pass", "pho-bien-van-ban": "fail"}

        await phone.say("Chưa phổ biến cho công chức Một cửa", "Mục 1/8 · Câu 4/4")
        await kill(bot)
        bot = await start_bot(tg, data, log)
        resumed = await phone.say("/resume", "Mục 1/8 · Câu 4/4")
        assert "Đã lập dự toán kinh phí" in resumed.text
        await phone.tap("Đạt", "Mục 2/8 · Câu 1/5")
        status = await phone.say("/status", "Đã trả lời 4/34")  # the 8 items behind three gates not yet asked
        assert "UBND xã Phấn Mễ" in status.text
    finally:
        await stop(bot)
    assert bot.returncode == 0, log.read_text()
    async with aiosqlite.connect(data / "kiemtra.sqlite3") as db:
        async with db.execute("SELECT note FROM answers WHERE item_id = 'pho-bien-van-ban'") as cursor:
            assert [tuple(row) for row in await cursor.fetchall()] == [("Chưa phổ biến cho công chức Một cửa",)]
        async with db.execute("PRAGMA integrity_check") as cursor:
            assert [tuple(row) for row in await cursor.fetchall()] == [("ok",)]
    assert tg.TOKEN not in log.read_text()  # the token never reaches the log


async def test_killed_during_an_album_keeps_every_stored_photo_once(tg: BotApiStandIn, tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "bot.log"
    data.mkdir()
    phone = Phone(tg, INSPECTOR)
    bot = await start_bot(tg, data, log)
    try:
        await team_with(tg, phone)
        await to_first_question(phone, "UBND xã Phấn Mễ")
        for _ in range(10):  # through area 1 and 2 to the first photo question of area 3
            current = phone.last_with_buttons()
            if "Ảnh minh chứng" in current.text:
                break
            label = (
                "Có" if "Có" in current.button_labels else ("Bỏ qua" if "Bỏ qua ⏭" in current.button_labels else "Đạt")
            )
            seen = phone.seen()
            tg.tap(INSPECTOR, current, label)
            await phone.next_prompt(seen)
        assert "Ảnh minh chứng" in phone.last_with_buttons().text
        images = [jpeg(1024, 768, colour=(i * 40, 90, 160), label=f"p{i}") for i in range(4)]
        tg.send_album(INSPECTOR, images)
        await asyncio.sleep(0.3)  # some photos stored, the acknowledgement not yet sent
        await kill(bot)
        bot = await start_bot(tg, data, log)
        await tg.wait_idle(quiet=2.0, timeout=30)
        resumed = await phone.say("/resume", "Ảnh minh chứng")
        async with aiosqlite.connect(data / "kiemtra.sqlite3") as db, db.execute("SELECT COUNT(*) FROM photos") as c:
            (stored,) = await c.fetchone() or (0,)
        assert stored == 4 and "Đã có 4 ảnh." in resumed.text
        assert any("Đã nhận 4 ảnh" in m.text for m in tg.sent(INSPECTOR.id))
        await phone.tap("Xong")  # the inspector can go on
    finally:
        await stop(bot)
    async with (
        aiosqlite.connect(data / "kiemtra.sqlite3") as db,
        db.execute("SELECT sha256, COUNT(*) FROM photos GROUP BY sha256") as cursor,
    ):
        counts: dict[str, int] = {sha: count for sha, count in await cursor.fetchall()}
    # Whatever the dead process had fetched was in its inbox; the rest Telegram delivered again:
    # every photo of the album is stored, each exactly once.
    assert counts == {hashlib.sha256(image).hexdigest(): 1 for image in images}


async def test_a_token_telegram_refuses_is_one_line_and_exit_2(tg: BotApiStandIn, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ADMIN_", "DATA_", "CHECKLIST_"))}
    env.update(env_for(tg, tmp_path), PYTHONPATH=str(ROOT), TELEGRAM_BOT_TOKEN="999999:" + "B" * 35)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert lines[-1].startswith("Lỗi: Telegram không chấp nhận TELEGRAM_BOT_TOKEN")
    assert "Traceback" not in stderr.decode()
