"""Tests of the Zalo Bot API stand-in itself, driven over HTTP with httpx as the bot would drive Zalo.

If the stand-in accepted what Zalo refuses, or answered in shapes Zalo does not use, every Zalo end-to-end
test built on it would be worthless; these tests pin the shapes, the refusals and the delivery semantics
(one update per getUpdates, 408 when idle, webhook exclusivity, retries) documented in the package.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
from aiohttp import web

from tests.images import jpeg, png
from tests.zalo_standin import BOT_INFO, ZaloStandIn, ZaloUser, utf16_len

LAN = ZaloUser("zu-5002", "Nguyễn Thị Lan")
MINH = ZaloUser("zu-5003", "Trần Văn Minh")
SECRET = "kiemtra-hook-secret-01"
HEX_ID = set("0123456789abcdef")


class Receiver:
    """The bot's side in miniature on 127.0.0.1: a webhook listener and a photo server."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], Any]] = []
        self.statuses: list[int] = []
        self.default_status = 200
        self.expected_secret: str | None = None
        self.photos: dict[str, tuple[bytes, str]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        app.router.add_get("/photo/{name}", self._photo)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def hook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def photo_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/photo/{name}"

    async def _hook(self, request: web.Request) -> web.Response:
        self.posts.append((dict(request.headers), await request.json()))
        if self.expected_secret is not None and request.headers.get("X-Bot-Api-Secret-Token") != self.expected_secret:
            return web.Response(status=401)
        return web.Response(status=self.statuses.pop(0) if self.statuses else self.default_status)

    async def _photo(self, request: web.Request) -> web.Response:
        stored = self.photos.get(request.match_info["name"])
        if stored is None:
            return web.Response(status=404)
        return web.Response(body=stored[0], content_type=stored[1])


@pytest_asyncio.fixture
async def zalo() -> AsyncIterator[ZaloStandIn]:
    async with ZaloStandIn(webhook_retry_delay=0.01) as server:
        yield server


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield http


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    yield server
    await server.stop()


async def call(client: httpx.AsyncClient, zalo: ZaloStandIn, method: str, **params: Any) -> dict[str, Any]:
    response = await client.post(zalo.api_url(method), json=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def result(client: httpx.AsyncClient, zalo: ZaloStandIn, method: str, **params: Any) -> Any:
    body = await call(client, zalo, method, **params)
    assert body["ok"] is True, body
    return body.get("result")


async def error(client: httpx.AsyncClient, zalo: ZaloStandIn, method: str, **params: Any) -> tuple[int, str]:
    body = await call(client, zalo, method, **params)
    assert body["ok"] is False, body
    assert set(body) == {"ok", "error_code", "description"}
    return body["error_code"], body["description"]


async def eventually(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


# -- calling convention -----------------------------------------------------------------------------


async def test_get_me_answers_the_documented_fields_and_a_wrong_token_is_unauthorized(
    zalo: ZaloStandIn, client: httpx.AsyncClient
) -> None:
    me = await result(client, zalo, "getMe")
    assert me == BOT_INFO
    assert set(me) == {"id", "account_name", "account_type", "can_join_groups"}
    assert isinstance(me["id"], str) and zalo.TOKEN.startswith(me["id"] + ":")

    response = await client.post(zalo.api_url("getMe", token="123:wrong"), json={})
    assert response.status_code == 200
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert zalo.errors_returned == [("getMe", "Unauthorized")]


async def test_method_names_are_case_sensitive_and_unknown_methods_are_refused(
    zalo: ZaloStandIn, client: httpx.AsyncClient
) -> None:
    assert (await error(client, zalo, "getme"))[0] == 400
    code, description = await error(client, zalo, "sendDocument", chat_id="x")
    assert code == 400 and "sendDocument" in description
    assert [name for name, _ in zalo.errors_returned] == ["getme", "sendDocument"]


async def test_get_with_a_query_string_and_form_posts_work_and_bad_json_is_refused(
    zalo: ZaloStandIn, client: httpx.AsyncClient
) -> None:
    response = await client.get(zalo.api_url("getMe"))
    assert response.json() == {"ok": True, "result": BOT_INFO}

    zalo.send_text(LAN, "xin chào")
    response = await client.get(zalo.api_url("getUpdates"), params={"timeout": "0"})
    assert response.json()["result"]["message"]["text"] == "xin chào"

    response = await client.post(zalo.api_url("sendMessage"), data={"chat_id": LAN.id, "text": "Chào chị Lan"})
    assert response.json()["ok"] is True
    assert [m.text for m in zalo.sent(LAN.id)] == ["Chào chị Lan"]

    response = await client.post(
        zalo.api_url("sendMessage"), content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.json()["error_code"] == 400
    response = await client.post(zalo.api_url("sendMessage"), json=[LAN.id, "text"])
    assert response.json()["error_code"] == 400


# -- getUpdates -------------------------------------------------------------------------------------


async def test_a_text_update_has_zalo_shape(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    before = int(time.time() * 1000)
    message_id = zalo.send_text(LAN, "/start")
    update = await result(client, zalo, "getUpdates", timeout=0)
    assert update == {
        "event_name": "message.text.received",
        "message": {
            "from": {"id": LAN.id, "display_name": LAN.display_name, "is_bot": False},
            "chat": {"id": LAN.id, "chat_type": "PRIVATE"},
            "text": "/start",
            "message_id": message_id,
            "date": update["message"]["date"],
        },
    }
    assert len(message_id) == 20 and set(message_id) <= HEX_ID
    assert isinstance(update["message"]["date"], int) and update["message"]["date"] >= before


async def test_get_updates_hands_out_one_update_per_call_in_order_then_408(
    zalo: ZaloStandIn, client: httpx.AsyncClient
) -> None:
    first = zalo.send_text(LAN, "một")
    second = zalo.send_text(MINH, "hai")
    assert zalo.pending_update_count() == 2
    assert (await result(client, zalo, "getUpdates", timeout="1"))["message"]["message_id"] == first
    assert (await result(client, zalo, "getUpdates", timeout=1))["message"]["message_id"] == second
    assert await error(client, zalo, "getUpdates", timeout=0) == (408, "Request timeout")
    assert zalo.poll_timeouts == 1
    assert zalo.errors_returned == []  # idling is not an error


async def test_long_poll_waits_for_a_message_and_honours_its_timeout(
    zalo: ZaloStandIn, client: httpx.AsyncClient
) -> None:
    started = time.monotonic()
    assert (await error(client, zalo, "getUpdates", timeout="0.3"))[0] == 408
    assert 0.25 <= time.monotonic() - started < 2

    poll = asyncio.create_task(result(client, zalo, "getUpdates", timeout=5))
    await eventually(lambda: zalo.updates.polling)
    started = time.monotonic()
    message_id = zalo.send_text(LAN, "có ai không?")
    update = await poll
    assert update["message"]["message_id"] == message_id
    assert time.monotonic() - started < 1

    assert (await error(client, zalo, "getUpdates", timeout="soon"))[0] == 400
    assert (await error(client, zalo, "getUpdates", timeout=-1))[0] == 400


async def test_a_second_concurrent_poll_is_refused_and_the_first_keeps_waiting(
    zalo: ZaloStandIn, client: httpx.AsyncClient
) -> None:
    first = asyncio.create_task(result(client, zalo, "getUpdates", timeout=5))
    await eventually(lambda: zalo.updates.polling)
    code, description = await error(client, zalo, "getUpdates", timeout=5)
    assert code == 409 and "only one bot instance" in description
    message_id = zalo.send_text(LAN, "chào")
    assert (await first)["message"]["message_id"] == message_id


async def test_a_poll_whose_client_went_away_is_released_and_loses_nothing(zalo: ZaloStandIn) -> None:
    async with httpx.AsyncClient(timeout=0.2) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            await impatient.post(zalo.api_url("getUpdates"), json={"timeout": 5})
    await eventually(lambda: not zalo.updates.polling)
    message_id = zalo.send_text(LAN, "vẫn còn")
    async with httpx.AsyncClient(timeout=5) as client:
        assert (await result(client, zalo, "getUpdates", timeout=1))["message"]["message_id"] == message_id


async def test_redeliver_hands_out_the_same_update_again(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    message_id = zalo.send_text(LAN, "lặp lại")
    original = await result(client, zalo, "getUpdates", timeout=0)
    assert (await error(client, zalo, "getUpdates", timeout=0))[0] == 408
    zalo.redeliver(message_id)
    assert await result(client, zalo, "getUpdates", timeout=0) == original
    with pytest.raises(KeyError):
        zalo.redeliver("0" * 20)


async def test_strict_mode_refuses_telegram_style_parameters(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    code, description = await error(client, zalo, "getUpdates", timeout=0, offset=7)
    assert code == 400 and "offset" in description
    zalo.send_text(LAN, "hi")
    code, description = await error(
        client, zalo, "sendMessage", chat_id=LAN.id, text="Chọn:", reply_markup={"inline_keyboard": []}
    )
    assert code == 400 and "reply_markup" in description
    assert zalo.sent(LAN.id) == []


async def test_non_strict_mode_ignores_unknown_parameters_but_lists_them(client: httpx.AsyncClient) -> None:
    async with ZaloStandIn(strict=False) as zalo:
        zalo.send_text(LAN, "hi")
        await result(client, zalo, "sendMessage", chat_id=LAN.id, text="Chào", parse_mode="HTML")
        assert zalo.ignored_params == [("sendMessage", "parse_mode")]


# -- simulated users --------------------------------------------------------------------------------


async def test_an_image_update_carries_a_cdn_link_that_can_expire(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    data = jpeg(800, 600, label="hồ sơ")
    message_id = zalo.send_image(LAN, data, caption="Ảnh hồ sơ")
    update = await result(client, zalo, "getUpdates", timeout=0)
    assert update["event_name"] == "message.image.received"
    message = update["message"]
    assert message["message_id"] == message_id
    assert message["photo_url"] == message["photo"]
    assert message["photo_url"].startswith(f"{zalo.base_url}/cdn/") and message["photo_url"].endswith(".jpg")
    assert message["caption"] == "Ảnh hồ sơ"
    assert "text" not in message
    download = await client.get(message["photo_url"])
    assert download.status_code == 200 and download.content == data
    assert download.headers["Content-Type"] == "image/jpeg"

    zalo.expire_image(message_id)
    assert (await client.get(message["photo_url"])).status_code == 404

    zalo.send_image(MINH, png())
    message = (await result(client, zalo, "getUpdates", timeout=0))["message"]
    assert "caption" not in message
    assert (await client.get(message["photo_url"])).headers["Content-Type"] == "image/png"

    zalo.send_image(LAN, data, expired=True)
    message = (await result(client, zalo, "getUpdates", timeout=0))["message"]
    assert (await client.get(message["photo_url"])).status_code == 404

    with pytest.raises(ValueError, match="real image"):
        zalo.send_image(LAN, b"\xff\xd8 not really a jpeg")


async def test_sticker_and_unsupported_updates(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    zalo.send_sticker(LAN)
    sticker = await result(client, zalo, "getUpdates", timeout=0)
    assert sticker["event_name"] == "message.sticker.received"
    assert isinstance(sticker["message"]["sticker"], str) and sticker["message"]["sticker"]
    assert (await client.get(sticker["message"]["url"])).status_code == 200

    message_id = zalo.send_unsupported(MINH)
    unsupported = await result(client, zalo, "getUpdates", timeout=0)
    assert unsupported["event_name"] == "message.unsupported.received"
    assert set(unsupported["message"]) == {"from", "chat", "message_id", "date"}
    assert unsupported["message"]["message_id"] == message_id


# -- sending --------------------------------------------------------------------------------------


async def test_send_message_answers_an_id_and_date_and_is_recorded(
    zalo: ZaloStandIn, client: httpx.AsyncClient
) -> None:
    zalo.send_text(LAN, "/start")
    sent = await result(client, zalo, "sendMessage", chat_id=LAN.id, text="Xin chào chị Lan")
    assert set(sent) == {"message_id", "date"}
    assert len(sent["message_id"]) == 20 and isinstance(sent["date"], int)
    [message] = zalo.sent(LAN.id)
    assert (message.chat_id, message.message_id, message.kind, message.text) == (
        LAN.id,
        sent["message_id"],
        "text",
        "Xin chào chị Lan",
    )
    assert message.photo is None and message.photo_url is None
    assert zalo.calls_to("sendMessage") == [{"chat_id": LAN.id, "text": "Xin chào chị Lan"}]


async def test_send_message_refuses_what_zalo_refuses(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    zalo.send_text(LAN, "hi")
    assert await error(client, zalo, "sendMessage", chat_id="zu-9999", text="Ai đây?") == (
        400,
        "Bad request: chat not found",
    )
    assert "chat_id is required" in (await error(client, zalo, "sendMessage", text="x"))[1]
    assert "chat_id is required" in (await error(client, zalo, "sendMessage", chat_id="", text="x"))[1]
    assert "must be a string" in (await error(client, zalo, "sendMessage", chat_id=5002, text="x"))[1]
    assert "text is required" in (await error(client, zalo, "sendMessage", chat_id=LAN.id))[1]
    assert "text is empty" in (await error(client, zalo, "sendMessage", chat_id=LAN.id, text=""))[1]
    assert "text is empty" in (await error(client, zalo, "sendMessage", chat_id=LAN.id, text=" \n "))[1]
    assert "too long" in (await error(client, zalo, "sendMessage", chat_id=LAN.id, text="a" * 2001))[1]
    await result(client, zalo, "sendMessage", chat_id=LAN.id, text="ạ" * 2000)
    # Emoji are two UTF-16 units: 1000 fit, 1001 do not.
    assert utf16_len("📋" * 1000) == 2000
    await result(client, zalo, "sendMessage", chat_id=LAN.id, text="📋" * 1000)
    assert "too long" in (await error(client, zalo, "sendMessage", chat_id=LAN.id, text="📋" * 1001))[1]
    assert len(zalo.sent(LAN.id)) == 2
    assert len(zalo.errors_returned) == 9
    assert all(method == "sendMessage" for method, _ in zalo.errors_returned)


async def test_send_photo_fetches_the_url_before_answering(
    zalo: ZaloStandIn, client: httpx.AsyncClient, receiver: Receiver
) -> None:
    zalo.send_text(LAN, "gửi ảnh đi")
    data = jpeg(1024, 768, label="biên bản")
    receiver.photos["report.jpg"] = (data, "image/jpeg")
    receiver.photos["notes.txt"] = (b"plain words", "text/plain")
    url = receiver.photo_url("report.jpg")

    sent = await result(client, zalo, "sendPhoto", chat_id=LAN.id, photo=url, caption="Biên bản kiểm tra")
    [message] = zalo.sent(LAN.id)
    assert (message.message_id, message.kind, message.text) == (sent["message_id"], "photo", "Biên bản kiểm tra")
    assert message.photo == data and message.photo_url == url
    await result(client, zalo, "sendPhoto", chat_id=LAN.id, photo=url)
    assert zalo.sent(LAN.id)[1].text == ""

    def refusal(**params: Any) -> Any:
        return error(client, zalo, "sendPhoto", **{"chat_id": LAN.id, **params})

    assert "HTTP 404" in (await refusal(photo=receiver.photo_url("missing.jpg")))[1]
    assert "not a valid image" in (await refusal(photo=receiver.photo_url("notes.txt")))[1]
    assert "http(s) URL" in (await refusal(photo="file:///etc/passwd"))[1]
    assert "http(s) URL" in (await refusal(photo="report.jpg"))[1]
    assert "photo is required" in (await refusal())[1]
    assert "could not be downloaded" in (await refusal(photo="http://127.0.0.1:9/x.jpg"))[1]
    assert "caption is too long" in (await refusal(photo=url, caption="c" * 2001))[1]
    assert "caption is empty" in (await refusal(photo=url, caption=""))[1]
    assert "chat not found" in (await refusal(chat_id="zu-1", photo=url))[1]
    upload = await client.post(
        zalo.api_url("sendPhoto"), data={"chat_id": LAN.id}, files={"photo": ("a.jpg", data, "image/jpeg")}
    )
    assert "not an upload" in upload.json()["description"]
    assert len(zalo.sent(LAN.id)) == 2


async def test_send_chat_action_answers_ok_without_result(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    zalo.send_text(LAN, "hi")
    assert await call(client, zalo, "sendChatAction", chat_id=LAN.id, action="typing") == {"ok": True}
    assert await call(client, zalo, "sendChatAction", chat_id=LAN.id, action="upload_photo") == {"ok": True}
    code, description = await error(client, zalo, "sendChatAction", chat_id=LAN.id, action="record_video")
    assert code == 400 and "typing" in description
    assert zalo.chat_actions == [(LAN.id, "typing"), (LAN.id, "upload_photo")]


async def test_send_sticker_is_recorded(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    zalo.send_text(LAN, "hi")
    await result(client, zalo, "sendSticker", chat_id=LAN.id, sticker="0e078a2fb66a5f34067b")
    assert zalo.last_sent(LAN.id).kind == "sticker"
    assert zalo.last_sent(LAN.id).sticker == "0e078a2fb66a5f34067b"


# -- webhooks -------------------------------------------------------------------------------------


async def test_set_webhook_validates_and_excludes_get_updates(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    hook = "https://bot.example.vn/zalo/hook"
    assert "HTTPS" in (await error(client, zalo, "setWebhook", url="http://bot.example.vn/h", secret_token=SECRET))[1]
    assert "8 to 256" in (await error(client, zalo, "setWebhook", url=hook, secret_token="short"))[1]
    assert "printable ASCII" in (await error(client, zalo, "setWebhook", url=hook, secret_token="bí-mật-dài-quá"))[1]
    assert "secret_token is required" in (await error(client, zalo, "setWebhook", url=hook))[1]
    assert zalo.webhook is None
    assert await result(client, zalo, "getWebhookInfo") == {"url": "", "updated_at": zalo.methods.webhook_updated_at}

    waiting = asyncio.create_task(error(client, zalo, "getUpdates", timeout=5))
    await eventually(lambda: zalo.updates.polling)
    info = await result(client, zalo, "setWebhook", url="https://bot.example.vn/zalo/hook", secret_token=SECRET)
    assert info["url"] == "https://bot.example.vn/zalo/hook" and isinstance(info["updated_at"], int)
    assert (await waiting)[0] == 409  # the poll that was waiting fails at once
    assert zalo.webhook == {"url": "https://bot.example.vn/zalo/hook", "secret_token": SECRET}
    assert (await result(client, zalo, "getWebhookInfo"))["url"] == "https://bot.example.vn/zalo/hook"

    zalo.send_text(LAN, "đang có webhook")
    code, description = await error(client, zalo, "getUpdates", timeout=0)
    assert code == 409 and "deleteWebhook" in description

    deleted = await result(client, zalo, "deleteWebhook")
    assert deleted["url"] == "" and deleted["updated_at"] >= info["updated_at"]
    assert zalo.webhook is None
    assert (await result(client, zalo, "getUpdates", timeout=0))["message"]["text"] == "đang có webhook"


async def test_webhook_forwarding_posts_the_documented_envelope_and_retries(
    zalo: ZaloStandIn, client: httpx.AsyncClient, receiver: Receiver
) -> None:
    await result(client, zalo, "setWebhook", url="https://bot.example.vn/zalo/hook", secret_token=SECRET)
    zalo.forward_webhook_to(receiver.hook_url)
    receiver.statuses = [500]
    message_id = zalo.send_text(LAN, "qua webhook")
    await eventually(lambda: len(receiver.posts) == 2)
    for headers, body in receiver.posts:
        assert headers["X-Bot-Api-Secret-Token"] == SECRET
        assert headers["Content-Type"].startswith("application/json")
        assert body == {"ok": True, "result": zalo.updates.get_update(message_id)}
    assert zalo.webhook_responses == [(message_id, 500), (message_id, 200)]
    await zalo.wait_idle(quiet=0.1)

    receiver.default_status = 503
    lost = zalo.send_text(LAN, "sẽ mất")
    await eventually(lambda: zalo.webhook_dropped == [lost])
    assert zalo.webhook_responses[-3:] == [(lost, 503)] * 3

    receiver.default_status = 200
    zalo.redeliver(lost)
    await eventually(lambda: zalo.webhook_responses[-1] == (lost, 200))
    assert zalo.errors_returned == []


async def test_webhook_can_post_bare_updates(client: httpx.AsyncClient, receiver: Receiver) -> None:
    async with ZaloStandIn(webhook_envelope=False) as zalo:
        await result(client, zalo, "setWebhook", url="https://bot.example.vn/zalo/hook", secret_token=SECRET)
        zalo.forward_webhook_to(receiver.hook_url)
        message_id = zalo.send_image(LAN, jpeg(), caption="ảnh")
        await eventually(lambda: len(receiver.posts) == 1)
        body = receiver.posts[0][1]
        assert body["event_name"] == "message.image.received"
        assert body["message"]["message_id"] == message_id


async def test_post_update_is_one_raw_post(zalo: ZaloStandIn, receiver: Receiver) -> None:
    receiver.expected_secret = SECRET
    update = zalo.make_text_update(LAN, "giả mạo")
    assert await zalo.post_update(receiver.hook_url, update, "wrong-secret") == 401
    assert await zalo.post_update(receiver.hook_url, update, None) == 401
    assert "X-Bot-Api-Secret-Token" not in receiver.posts[1][0]
    assert await zalo.post_update(receiver.hook_url, zalo.webhook_body(update), SECRET) == 200
    assert receiver.posts[2][1] == {"ok": True, "result": update}
    assert await zalo.post_update("http://127.0.0.1:9/hook", update, SECRET) == 0
    assert zalo.pending_update_count() == 0  # nothing was queued


# -- faults ---------------------------------------------------------------------------------------


async def test_injected_faults_answer_errors_drop_connections_and_delay(
    zalo: ZaloStandIn, client: httpx.AsyncClient
) -> None:
    zalo.send_text(LAN, "hi")
    zalo.inject_fault("sendMessage", times=2)
    for _ in range(2):
        assert await error(client, zalo, "sendMessage", chat_id=LAN.id, text="a") == (500, "Internal server error")
    await result(client, zalo, "sendMessage", chat_id=LAN.id, text="a")

    zalo.inject_fault("sendMessage", error_code=429)
    assert await error(client, zalo, "sendMessage", chat_id=LAN.id, text="b") == (429, "Quota exceeded")

    zalo.inject_fault("getMe", error_code=500, http_status=502, description="Bad gateway")
    response = await client.post(zalo.api_url("getMe"), json={})
    assert response.status_code == 502 and response.json()["description"] == "Bad gateway"

    zalo.inject_fault("sendMessage", drop=True)
    with pytest.raises(httpx.TransportError):
        await client.post(zalo.api_url("sendMessage"), json={"chat_id": LAN.id, "text": "c"})

    zalo.inject_fault("getMe", error_code=None, delay=0.3)
    started = time.monotonic()
    assert await result(client, zalo, "getMe") == BOT_INFO
    assert time.monotonic() - started >= 0.3

    assert [m.text for m in zalo.sent(LAN.id)] == ["a"]
    assert [name for name, _ in zalo.faults_triggered] == ["sendMessage"] * 3 + ["getMe", "sendMessage", "getMe"]
    assert zalo.errors_returned == []
    with pytest.raises(ValueError, match="unknown Zalo method"):
        zalo.inject_fault("sendmessage")


# -- observing helpers ------------------------------------------------------------------------------


async def test_wait_for_looks_after_the_given_index_and_reports_on_timeout(
    zalo: ZaloStandIn, client: httpx.AsyncClient
) -> None:
    zalo.send_text(LAN, "hi")
    await result(client, zalo, "sendMessage", chat_id=LAN.id, text="Bước 1: chụp ảnh")
    point = zalo.mark(LAN.id)
    later = asyncio.create_task(zalo.wait_for(LAN.id, "Bước", after=point, timeout=3))
    await asyncio.sleep(0.05)
    assert not later.done()
    await result(client, zalo, "sendMessage", chat_id=LAN.id, text="Bước 2: ghi chú")
    assert (await later).text == "Bước 2: ghi chú"
    assert (await zalo.wait_for(LAN.id, lambda m: m.text.endswith("ảnh"))).text == "Bước 1: chụp ảnh"

    with pytest.raises(AssertionError) as failure:
        await zalo.wait_for(LAN.id, "Bước 3", after=2, timeout=0.2)
    report = str(failure.value)
    assert "Bước 3" in report and "'Bước 1: chụp ảnh'" in report and "'Bước 2: ghi chú'" in report


async def test_wait_idle_needs_every_update_delivered(zalo: ZaloStandIn, client: httpx.AsyncClient) -> None:
    zalo.send_text(LAN, "không ai đọc")
    with pytest.raises(AssertionError, match="1 update"):
        await zalo.wait_idle(quiet=0.05, timeout=0.3)
    await result(client, zalo, "getUpdates", timeout=0)
    await zalo.wait_idle(quiet=0.05, timeout=2)
