"""Webhook mode: Telegram POSTs updates; the secret header is checked; the answer is stored before 200."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp

from app.settings import BotMode
from tests.e2e import INSPECTOR, Phone, rows, running_bot, team_with, to_first_question
from tests.standin import BotApiStandIn

SECRET = "s3cret-token-for-the-webhook_0123"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_runs_an_inspection_and_refuses_a_wrong_secret(tg: BotApiStandIn, tmp_path: Path) -> None:
    port = free_port()
    webhook = {
        "bot_mode": BotMode.WEBHOOK,
        "webhook_url": "https://kiemtra.example.vn/telegram/hook",
        "webhook_secret": SECRET,
        "webhook_listen": "127.0.0.1",
        "webhook_port": port,
    }
    phone = Phone(tg, INSPECTOR)
    async with running_bot(tg, tmp_path, overrides=webhook, wait_for="setWebhook"):
        assert tg.methods.webhook == {"url": "https://kiemtra.example.vn/telegram/hook", "secret_token": SECRET}
        tg.forward_webhook_to(f"http://127.0.0.1:{port}/telegram/hook")
        await team_with(tg, phone)
        await to_first_question(phone)
        await phone.tap("Đạt", "Mục 1/8 · Câu 2/4")

        forged = {
            "update_id": 1,
            "message": {
                "message_id": 5,
                "date": 1_790_000_000,
                "text": "/inspect",
                "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
                "chat": {"id": INSPECTOR.id, "type": "private", "first_name": "X"},
                "from": {"id": INSPECTOR.id, "is_bot": False, "first_name": "X"},
            },
        }
        async with aiohttp.ClientSession() as session:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with session.post(
                    f"http://127.0.0.1:{port}/telegram/hook", json=forged, headers=headers
                ) as response:
                    assert response.status == 403
        await asyncio.sleep(0.3)
        await tg.wait_idle()
    assert set(tg.webhook_responses) == {200}
    assert await rows(tmp_path, "SELECT item_id, value FROM answers") == [("ke-hoach-kstthc", "pass")]
    assert await rows(tmp_path, "SELECT key FROM processed_updates WHERE key = 'tg:1'") == []
    assert await rows(tmp_path, "SELECT COUNT(*) FROM inbox") == [(0,)]
