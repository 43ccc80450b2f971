"""The Zalo client: Zalo's answers and refusals, odd getUpdates shapes, and what a failure means."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web

from handlers.zalo.client import ZaloClient, ZaloError, ZaloUnreachable
from tests.zalo_standin import ZaloStandIn, ZaloUser

LAN = ZaloUser("zu-7001", "Nguyễn Thị Lan")


@pytest_asyncio.fixture
async def zalo() -> AsyncIterator[ZaloStandIn]:
    async with ZaloStandIn() as standin:
        yield standin


@pytest_asyncio.fixture
async def client(zalo: ZaloStandIn) -> AsyncIterator[ZaloClient]:
    client = ZaloClient(zalo.TOKEN, zalo.base_url + "/")
    yield client
    await client.close()


class Canned:
    """A server answering every method with the next canned (status, body) pair."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, str]] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.answer)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def answer(self, request: web.Request) -> web.Response:
        status, body = self.answers.pop(0)
        return web.Response(status=status, text=body, content_type="application/json")


@pytest_asyncio.fixture
async def canned() -> AsyncIterator[Canned]:
    server = Canned()
    await server.start()
    yield server
    assert server.runner is not None
    await server.runner.cleanup()


async def test_get_me_and_a_message(zalo: ZaloStandIn, client: ZaloClient) -> None:
    me = await client.get_me()
    assert me["account_name"] == zalo.BOT_INFO["account_name"]
    zalo.send_text(LAN, "chào")
    updates = await client.get_updates(1)
    assert [update["message"]["text"] for update in updates] == ["chào"]
    sent = await client.send_message(LAN.id, "Xin chào")
    assert sent["message_id"] == zalo.last_sent(LAN.id).message_id
    await client.send_chat_action(LAN.id, "typing")
    assert zalo.chat_actions == [(LAN.id, "typing")]
    assert zalo.errors_returned == []


async def test_no_update_within_the_timeout_is_nothing(zalo: ZaloStandIn, client: ZaloClient) -> None:
    assert await client.get_updates(0) == []
    assert zalo.poll_timeouts == 1


async def test_a_refusal_carries_zalos_code(zalo: ZaloStandIn, client: ZaloClient) -> None:
    with pytest.raises(ZaloError) as refused:
        await client.send_message("zu-unknown", "Xin chào")
    assert refused.value.error_code == 400
    assert zalo.TOKEN not in str(refused.value)


async def test_a_wrong_token_is_401(zalo: ZaloStandIn) -> None:
    client = ZaloClient("123:wrong", zalo.base_url)
    try:
        with pytest.raises(ZaloError) as refused:
            await client.get_me()
        assert refused.value.error_code == 401
    finally:
        await client.close()


async def test_webhook_calls(zalo: ZaloStandIn, client: ZaloClient) -> None:
    await client.set_webhook("https://kiemtra.example.vn/zalo/webhook", "secret-0123456789")
    assert zalo.webhook == {"url": "https://kiemtra.example.vn/zalo/webhook", "secret_token": "secret-0123456789"}
    assert (await client.get_webhook_info())["url"] == "https://kiemtra.example.vn/zalo/webhook"
    await client.delete_webhook()
    assert zalo.webhook is None


@pytest.mark.parametrize(
    ("body", "count"),
    [
        ('{"ok": true, "result": null}', 0),
        ('{"ok": true}', 0),
        ('{"ok": true, "result": [{"event_name": "a", "message": {}}, {"event_name": "b", "message": {}}]}', 2),
        ('{"ok": true, "result": {"event_name": "a", "message": {}}}', 1),
        ('{"ok": false, "error_code": 408, "description": "Request timeout"}', 0),
    ],
)
async def test_get_updates_tolerates_every_shape(canned: Canned, body: str, count: int) -> None:
    canned.answers.append((200, body))
    client = ZaloClient("1:t", canned.url)
    try:
        assert len(await client.get_updates(1)) == count
    finally:
        await client.close()


async def test_a_proxy_error_page_is_an_error_with_its_status(canned: Canned) -> None:
    canned.answers += [(502, "<html>Bad Gateway</html>"), (200, "not json")]
    client = ZaloClient("1:t", canned.url)
    try:
        with pytest.raises(ZaloError) as first:
            await client.send_message("u", "x")
        assert first.value.error_code == 502
        with pytest.raises(ZaloError) as second:
            await client.send_message("u", "x")
        assert second.value.error_code == 502
    finally:
        await client.close()


async def test_no_answer_is_unreachable(zalo: ZaloStandIn) -> None:
    zalo.inject_fault("sendMessage", drop=True, error_code=None)
    zalo.send_text(LAN, "chào")
    client = ZaloClient(zalo.TOKEN, zalo.base_url, timeout=2.0)
    try:
        with pytest.raises(ZaloUnreachable):
            await client.send_message(LAN.id, "Xin chào")
        zalo.inject_fault("sendMessage", error_code=None, delay=1.0)
        slow = ZaloClient(zalo.TOKEN, zalo.base_url, timeout=0.2)
        try:
            with pytest.raises(ZaloUnreachable, match="in time"):
                await slow.send_message(LAN.id, "Xin chào")
        finally:
            await slow.close()
    finally:
        await client.close()
