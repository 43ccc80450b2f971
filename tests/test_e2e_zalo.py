"""Zalo end to end: the real application, Zalo only, against the Zalo stand-in."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from bot.checklist.loader import parse_checklist
from bot.events import Button, ReportFile, ReportKind, ReportRequest, Say
from bot.texts.catalogue import VI as words
from handlers.errors import ChannelRefused
from handlers.menus import Menu, choose
from storage.clock import utcnow
from storage.sqlite.store import SqliteStore as Store
from tests.e2e import ADMIN, GROUP_ID, Phone, rows, running_bot
from tests.engine_harness import SMALL_CHECKLIST
from tests.images import jpeg, png
from tests.standin import BotApiStandIn
from tests.zalo_e2e import (
    INSPECTOR,
    JOIN_CODE,
    TEAM_GROUP,
    WEBHOOK_SECRET,
    ZALO_LEAD,
    ZaloPhone,
    create_team,
    free_port,
    running_zalo_bot,
    wait_until_called,
    zalo_person,
)
from tests.zalo_standin import ZaloStandIn, utf16_len

SMALL = parse_checklist(SMALL_CHECKLIST)
RATING_MENU = "1. Đạt  2. Không đạt  3. Một phần  4. Không áp dụng"


@pytest_asyncio.fixture
async def zalo() -> AsyncIterator[ZaloStandIn]:
    async with ZaloStandIn() as standin:
        yield standin


async def test_whole_inspection_over_zalo(zalo: ZaloStandIn, tmp_path: Path) -> None:
    await create_team(tmp_path)
    evidence = jpeg(1024, 768, label="bang niem yet")
    phone = ZaloPhone(zalo, INSPECTOR)
    async with running_zalo_bot(zalo, tmp_path, SMALL):
        await phone.say("/join K7M2QX0", "Mã tham gia không đúng")
        await phone.say(f"/join {JOIN_CODE.lower()}", "tham gia đoàn")
        assert "chỉ có trên Telegram" in (await phone.say("/myid")).text  # no Telegram id to give here
        await phone.say("/inspect", "Đơn vị được kiểm tra")
        location = await phone.say("UBND xã Cổ Lũng", "Bỏ qua")
        assert words.MENU_HINT in location.text
        first = await phone.say("bỏ qua", "Mục 1/2 · Câu 1/2")
        assert RATING_MENU in first.text and words.MENU_HINT in first.text
        assert "<b>" not in first.text

        for wrong in ("9", "xin chào"):  # a choice was needed: the question comes again
            after = phone.mark()
            zalo.send_text(INSPECTOR, wrong)
            again = await phone.next("Mục 1/2 · Câu 1/2", after)
            assert RATING_MENU in again.text

        await phone.say("2", "Mô tả ngắn")  # Không đạt, by number
        await phone.say("Kế hoạch ban hành muộn", "Mục 1/2 · Câu 2/2")
        await phone.say("Có", "Mục 2/2 · Câu 1/4")  # by label
        await phone.say("dat", "Ảnh minh chứng")  # by label, without diacritics

        await phone.photo(jpeg(label="het han"), "Không tải được ảnh", expired=True)
        assert await rows(tmp_path, "SELECT id FROM photos") == []

        after = phone.mark()
        message_id = zalo.send_image(INSPECTOR, evidence)
        await phone.next("Đã nhận ảnh", after)
        await zalo.wait_idle()
        replies = phone.mark()
        zalo.redeliver(message_id)
        await zalo.wait_idle()
        assert phone.mark() == replies  # no second reply
        stored = await rows(tmp_path, "SELECT sha256, size FROM photos")
        assert stored == [(hashlib.sha256(evidence).hexdigest(), len(evidence))]

        await phone.say("xong", "Tỷ lệ hồ sơ")
        await phone.say("96,5", "Chụp ảnh quầy")
        await phone.say("Xong", "Ghi chú khác")
        await phone.say("Bỏ qua", "Kiến nghị của đơn vị")
        await phone.say("Bổ sung máy scan", "Đã ghi (1)")
        await phone.say("xong", "Kết quả đạt được khác")
        await phone.say("bo qua", "Đại diện đơn vị")
        await phone.say("Nguyễn Văn Bình, Chủ tịch UBND xã", "Đã ghi (1)")
        await phone.say("xong", "Ý kiến của đơn vị")
        review = await phone.say("nhất trí", "XEM LẠI")  # the button's label: a typed number would be the opinion
        assert "Gửi kết quả" in review.text
        await phone.say("gửi", "Đã gửi kết quả")
        await zalo.wait_idle()
        assert zalo.errors_returned == []

    # Telegram is off, so what the team's group is owed waits in the outbox; none of it is lost.
    waiting = await rows(tmp_path, f"SELECT status, body FROM outbox WHERE chat_id = {TEAM_GROUP}")
    assert {status for status, _ in waiting} == {"pending"}
    assert any("KẾT QUẢ KIỂM TRA" in str(body) for _, body in waiting)
    assert any('"kind":"photos"' in str(body) for _, body in waiting)
    answers = dict(await rows(tmp_path, "SELECT item_id, value FROM answers"))
    assert answers["ke-hoach"] == "fail" and answers["co-du-thao"] == "yes"
    assert answers["bang-niem-yet"] == "pass" and answers["ty-le"] == "96.5"
    assert await rows(tmp_path, "SELECT status FROM inspections") == [("submitted",)]
    assert await rows(tmp_path, "SELECT key FROM inbox") == []


async def test_stickers_and_withheld_messages_get_a_plain_answer(zalo: ZaloStandIn, tmp_path: Path) -> None:
    phone = ZaloPhone(zalo, INSPECTOR)
    async with running_zalo_bot(zalo, tmp_path, SMALL):
        after = phone.mark()
        zalo.send_sticker(INSPECTOR)
        await phone.next("Bot chỉ nhận", after)
        after = phone.mark()
        zalo.send_unsupported(INSPECTOR)
        await phone.next("Bot chỉ nhận", after)
        await zalo.wait_idle()
    assert zalo.errors_returned == []


async def test_webhook_refuses_a_wrong_secret_and_takes_the_right_one(zalo: ZaloStandIn, tmp_path: Path) -> None:
    await create_team(tmp_path)
    phone = ZaloPhone(zalo, INSPECTOR)
    async with running_zalo_bot(zalo, tmp_path, SMALL, webhook=True) as bot:
        assert zalo.webhook == {"url": "https://kiemtra.example.vn/zalo/webhook", "secret_token": WEBHOOK_SECRET}
        assert zalo.calls_to("getUpdates") == []
        forged = zalo.webhook_body(zalo.make_text_update(INSPECTOR, f"/join {JOIN_CODE}"))
        assert await zalo.post_update(bot.webhook_url, forged, None) == 403
        assert await zalo.post_update(bot.webhook_url, forged, "wrong-secret") == 403
        assert await rows(tmp_path, "SELECT key FROM inbox") == []
        assert await rows(tmp_path, "SELECT key FROM processed_updates") == []
        assert zalo.sent(INSPECTOR.id) == []

        await phone.say(f"/join {JOIN_CODE}", "tham gia đoàn")  # forwarded with the right secret
        await phone.say("/inspect", "Đơn vị được kiểm tra")
        await zalo.wait_idle()
    assert {status for _, status in zalo.webhook_responses} == {200}
    assert len(await rows(tmp_path, "SELECT key FROM processed_updates")) == 2


async def test_photos_and_reports_reach_a_zalo_chat_as_signed_links(zalo: ZaloStandIn, tmp_path: Path) -> None:
    """A lead on Zalo gets the summary and its photos in private; documents come as download links."""
    lead_id = await zalo_person(tmp_path, ZALO_LEAD)
    team = await create_team(tmp_path, lead_id=lead_id, lead_name=ZALO_LEAD.display_name)
    evidence = png(640, 480)
    phone, lead = ZaloPhone(zalo, INSPECTOR), ZaloPhone(zalo, ZALO_LEAD)
    async with running_zalo_bot(zalo, tmp_path, SMALL) as bot:
        await lead.say("/help", None)
        await phone.say(f"/join {JOIN_CODE}", "tham gia đoàn")
        await phone.say("/inspect", "Đơn vị được kiểm tra")
        await phone.say("UBND xã Cổ Lũng", "Bỏ qua")
        await phone.say("2", "Mục 1/2 · Câu 1/2")  # Bỏ qua (the location)
        await phone.say("1", "Mục 1/2 · Câu 2/2")  # Đạt
        await phone.say("2", "Mục 2/2 · Câu 1/4")  # Không
        await phone.say("1", "Ảnh minh chứng")  # Đạt
        await phone.photo(evidence, "Đã nhận ảnh")
        for reply, expect in [
            ("xong", "Tỷ lệ hồ sơ"),
            ("95", "Chụp ảnh quầy"),
            ("xong", "Ghi chú khác"),
            ("bỏ qua", "Kiến nghị của đơn vị"),
            ("bỏ qua", "Kết quả đạt được khác"),
            ("bỏ qua", "Đại diện đơn vị"),
            ("bỏ qua", "Ý kiến của đơn vị"),
            ("bỏ qua", "XEM LẠI"),
            ("gửi", "Đã gửi kết quả"),
        ]:
            await phone.say(reply, expect)
        photo = await zalo.wait_for(ZALO_LEAD.id, lambda m: m.kind == "photo", timeout=10)
        assert photo.photo == evidence  # fetched by Zalo from the bot's signed link, byte for byte
        assert photo.photo_url is not None and photo.photo_url.startswith(bot.local + "/files/p/")
        assert "sig=" in photo.photo_url and "Tiêu chí 2.1" in photo.text
        assert any("KẾT QUẢ KIỂM TRA" in m.text for m in zalo.sent(ZALO_LEAD.id))
        async with httpx.AsyncClient() as http:
            assert (await http.get(photo.photo_url)).status_code == 200
            forged = re.sub(r"sig=[^&]+", "sig=" + "A" * 43, photo.photo_url)
            assert (await http.get(forged)).status_code == 403
            assert (await http.get(photo.photo_url.split("?")[0])).status_code == 403
        await zalo.wait_idle()

    # Documents are asked for in a team's group; here they are owed straight to the lead's Zalo chat.
    store = await Store.open(tmp_path / "kiemtra.sqlite3")
    try:
        async with store.transaction() as tx:
            for request in (
                ReportRequest(kind=ReportKind.RECORD, inspection_id=1),
                ReportRequest(kind=ReportKind.STATS, team_id=team.id),
            ):
                body = ReportFile(chat_id=lead_id, request=request).model_dump_json()
                await tx.delivery.outbox_add(lead_id, body, None, utcnow())
    finally:
        await store.close()
    after = lead.mark()
    async with running_zalo_bot(zalo, tmp_path, SMALL) as bot:
        record = await lead.next("bien-ban-1", after)
        link = next(line for line in record.text.split("\n") if line.startswith(bot.local))
        assert "Biên bản" in record.text
        chart = await zalo.wait_for(ZALO_LEAD.id, lambda m: m.kind == "photo", after=after, timeout=20)
        assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")
        async with httpx.AsyncClient() as http:
            document = await http.get(link)
            assert document.status_code == 200 and document.content.startswith(b"PK")
            assert (await http.get(link.replace("bien-ban", "bien-bam"))).status_code == 403
        await zalo.wait_idle()
    assert zalo.errors_returned == []
    assert (tmp_path / "link-secret").stat().st_mode & 0o077 == 0


async def test_zalo_troubles_are_retried_and_a_refusal_is_recorded(zalo: ZaloStandIn, tmp_path: Path) -> None:
    phone = ZaloPhone(zalo, INSPECTOR)
    async with running_zalo_bot(zalo, tmp_path, SMALL):
        zalo.inject_fault("sendMessage", error_code=429)
        zalo.inject_fault("sendMessage", error_code=500, http_status=502)
        await phone.say("/help", "Bot kiểm tra")  # delivered after two retries
        zalo.inject_fault("sendMessage", error_code=400, description="Bad request: text is invalid")
        after = phone.mark()
        zalo.send_text(INSPECTOR, "/myid")
        await zalo.wait_idle(quiet=1.0)
        # refused for good: not sent, not retried, and the person told once that it did not arrive
        assert phone.mark() == after + 1 and "không gửi được một tin nhắn" in zalo.sent(INSPECTOR.id)[-1].text
        await phone.say("/help", "Bot kiểm tra")  # and the chat goes on
        zalo.inject_fault("getUpdates", error_code=500)
        await phone.say("/help", "Bot kiểm tra")  # the poll after this one fails; polling goes on
        await phone.say("/help", "Bot kiểm tra")
        await zalo.wait_idle()
    assert ("getUpdates", "Internal server error") in zalo.faults_triggered
    statuses = [status for (status,) in await rows(tmp_path, "SELECT status FROM outbox ORDER BY id")]
    assert statuses == ["sent", "failed", "sent", "sent", "sent", "sent"]


def with_zalo(zalo: ZaloStandIn) -> dict[str, object]:
    """The settings that add Zalo, on a port of its own, to a Telegram bot."""
    port = free_port()
    return {
        "zalo_bot_token": zalo.TOKEN,
        "zalo_base_url": zalo.base_url,
        "public_base_url": f"http://127.0.0.1:{port}",
        "public_listen": "127.0.0.1",
        "public_port": port,
    }


async def test_telegram_and_zalo_from_one_process(tg: BotApiStandIn, zalo: ZaloStandIn, tmp_path: Path) -> None:
    """A team made in its Telegram group; an inspector joins and inspects on Zalo; the group gets the result."""
    both = with_zalo(zalo)
    phone = ZaloPhone(zalo, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL, overrides=both) as task:
        await wait_until_called(zalo, "getUpdates", task)
        created = await Phone(tg, ADMIN, GROUP_ID).say("/newteam Đoàn kiểm tra số 2", "Đã tạo đoàn")
        code = created.text.split("/join ")[1].split()[0]
        await phone.say(f"/join {code}", "tham gia đoàn")
        await tg.wait_for(GROUP_ID, "Nguyễn Văn An đã tham gia đoàn")
        await phone.say("/inspect", "Đơn vị được kiểm tra")
        await phone.say("UBND xã Cổ Lũng", "Bỏ qua")
        for reply, expect in [
            ("bỏ qua", "Mục 1/2 · Câu 1/2"),
            ("đạt", "Mục 1/2 · Câu 2/2"),
            ("không", "Mục 2/2 · Câu 1/4"),
            ("4", "Tỷ lệ hồ sơ"),  # Không áp dụng: no evidence photo asked
            ("95", "Chụp ảnh quầy"),
            ("xong", "Ghi chú khác"),
            ("bỏ qua", "Kiến nghị của đơn vị"),
            ("bỏ qua", "Kết quả đạt được khác"),
            ("bỏ qua", "Đại diện đơn vị"),
            ("bỏ qua", "Ý kiến của đơn vị"),
            ("bỏ qua", "XEM LẠI"),
            ("1", "Đã gửi kết quả"),
        ]:
            await phone.say(reply, expect)
        summary = await tg.wait_for(GROUP_ID, "KẾT QUẢ KIỂM TRA #1")
        assert "UBND xã Cổ Lũng" in summary.text and "Nguyễn Văn An" in summary.text
        await zalo.wait_idle()
    assert zalo.errors_returned == []


async def test_reminders_run_without_telegram(zalo: ZaloStandIn, tmp_path: Path) -> None:
    """With Telegram off there is no JobQueue: the bot's own loop finds the draft left for a day."""
    await create_team(tmp_path)
    ahead = timedelta()

    def clock() -> datetime:
        return utcnow() + ahead

    phone = ZaloPhone(zalo, INSPECTOR)
    async with running_zalo_bot(zalo, tmp_path, SMALL, clock=clock, reminder_every=0.1):
        await phone.say(f"/join {JOIN_CODE}", "tham gia đoàn")
        await phone.say("/inspect", "Đơn vị được kiểm tra")
        after = phone.mark()
        ahead = timedelta(hours=25)
        reminder = await phone.next("⏰ Phiên #1", after)
        assert "/resume" in reminder.text
        await zalo.wait_idle()
        assert [m.text for m in zalo.sent(INSPECTOR.id)].count(reminder.text) == 1


async def test_a_token_zalo_refuses_stops_the_bot_with_one_line(zalo: ZaloStandIn, tmp_path: Path) -> None:
    with pytest.raises(ChannelRefused, match="ZALO_BOT_TOKEN"):
        async with running_zalo_bot(zalo, tmp_path, SMALL, overrides={"zalo_bot_token": "123:not-our-bot"}):
            pass
    assert zalo.calls_to("getUpdates") == []


async def test_a_long_message_arrives_in_pieces_with_its_menu_last(zalo: ZaloStandIn, tmp_path: Path) -> None:
    person = await zalo_person(tmp_path, INSPECTOR)
    lines = [f"<b>Dòng {index}</b>: tồn tại, hạn chế &amp; kiến nghị 📷" for index in range(150)]
    menu = [[Button(label="Đạt", data="x:1"), Button(label="Không đạt", data="x:2")]]
    phone = ZaloPhone(zalo, INSPECTOR)
    async with running_zalo_bot(zalo, tmp_path, SMALL):
        await phone.say("/help", "Bot kiểm tra")  # Zalo knows the chat from here on
        store = await Store.open(tmp_path / "kiemtra.sqlite3")
        try:
            async with store.transaction() as tx:
                body = Say(chat_id=person, html="\n".join(lines), buttons=menu).model_dump_json()
                await tx.delivery.outbox_add(person, body, None, utcnow())
        finally:
            await store.close()
        after = phone.mark()
        zalo.send_text(INSPECTOR, "/help")  # wakes the outbox, which sends the older reply first
        help_text = await phone.next("Bot kiểm tra", after)
        pieces = [m.text for m in zalo.sent(INSPECTOR.id)[after:]]
        assert pieces[-1] == help_text.text
        pieces = pieces[:-1]
        assert len(pieces) > 1 and "1. Đạt  2. Không đạt" in pieces[-1]
        assert all(utf16_len(piece) <= 2000 for piece in pieces)
        assert "\n".join(pieces).split("\n")[: len(lines)] == [
            f"Dòng {i}: tồn tại, hạn chế & kiến nghị 📷" for i in range(150)
        ]
        assert await to_tap(tmp_path, person, "khong dat") is None  # the help that followed has no menu
        await zalo.wait_idle()
    assert zalo.errors_returned == []


async def to_tap(data_dir: Path, chat: int, text: str) -> str | None:
    """What the bot would read `text` as, against the menu it remembered for the chat."""
    store = await Store.open(data_dir / "kiemtra.sqlite3")
    try:
        async with store.reading() as tx:
            stored = await tx.delivery.menu_of(chat)
    finally:
        await store.close()
    menu = Menu.model_validate_json(stored) if stored else Menu(items=[])
    chosen = choose(text, menu.items, by_number=menu.by_number)
    return chosen.data if chosen else None


async def test_a_zalo_member_joins_a_shared_inspection_by_its_number(
    tg: BotApiStandIn, zalo: ZaloStandIn, tmp_path: Path
) -> None:
    """The owner inspects on Telegram and invites the team; a member on Zalo, who has no buttons, joins
    with /join and the inspection's number and takes an area from a numbered menu."""
    both = with_zalo(zalo)
    member = ZaloPhone(zalo, INSPECTOR)
    async with running_bot(tg, tmp_path, SMALL, overrides=both) as task:
        await wait_until_called(zalo, "getUpdates", task)
        created = await Phone(tg, ADMIN, GROUP_ID).say("/newteam Đoàn kiểm tra số 2", "Đã tạo đoàn")
        code = created.text.split("/join ")[1].split()[0]
        await member.say(f"/join {code}", "tham gia đoàn")
        owner = Phone(tg, ADMIN)
        await owner.say("/inspect", "Đơn vị được kiểm tra")
        await owner.say("UBND xã Cổ Lũng", "Gửi vị trí")
        await owner.say("/team", "Đã gửi lời mời")
        post = await tg.wait_for(GROUP_ID, "/join 1")
        assert "Tham gia" in str(post.buttons)

        menu = await member.say("/join 1", "Bạn đã tham gia phiên #1 của Trần Trưởng Đoàn")
        assert "1. 1. Chỉ đạo, điều hành" in menu.text and "3. ▶ Bắt đầu" in menu.text
        await member.say("1", "Chỉ đạo, điều hành — Nguyễn Văn An · 0/2")
        await member.say("bắt đầu", "Mục 1/2 · Câu 1/2")
        await member.say("đạt", "Mục 1/2 · Câu 2/2")
        await member.say("có", "làm xong các mục của mình")

        await owner.say("/resume", "Gửi vị trí")
        await owner.tap("Bỏ qua", "Mục 2/2 · Câu 1/4")  # area 1 is the Zalo member's
        status = await owner.say("/status", "Đã trả lời 2/6")
        assert "Chỉ đạo, điều hành — Nguyễn Văn An · 2/2" in status.text
        await zalo.wait_idle()
    assert zalo.errors_returned == []
    assert await rows(tmp_path, "SELECT item_id, answered_by FROM answers ORDER BY item_id") == [
        ("co-du-thao", await zalo_person(tmp_path, INSPECTOR)),
        ("ke-hoach", await zalo_person(tmp_path, INSPECTOR)),
    ]
