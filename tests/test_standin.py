"""Tests of the Telegram Bot API stand-in itself, driven by a real python-telegram-bot ``Bot``.

If the stand-in accepted what Telegram refuses, every end-to-end test built on it would be worthless;
these tests pin the refusals (with Telegram's exact descriptions) and the shapes of what it returns.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import io
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import pytest_asyncio
from PIL import Image
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, ReplyParameters
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.standin import BotApiStandIn, FakeUser, HtmlParseError, parse_html
from tests.standin.updates import CONFLICT

LAN = FakeUser(1001, "Lan", last_name="Nguyễn", username="lan_nguyen")
MINH = FakeUser(1002, "Minh")


def image_bytes(width: int = 1200, height: int = 900, fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, format=fmt)
    return out.getvalue()


async def eventually(condition: Callable[[], bool], seconds: float = 2.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


def keyboard(*labels_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)] for label, data in labels_and_data])


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn() as server:
        server.register_user(LAN)
        yield server


@pytest_asyncio.fixture
async def bot(tg: BotApiStandIn) -> AsyncIterator[Bot]:
    async with Bot(tg.TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url) as client:
        yield client


# -- telegram_html ----------------------------------------------------------------------------------


def test_html_vietnamese_and_emoji_offsets_are_utf16() -> None:
    text, entities = parse_html("<b>Kiểm tra</b> 😀 <i>hồ sơ</i>")
    assert text == "Kiểm tra 😀 hồ sơ"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 8},
        {"type": "italic", "offset": 12, "length": 5},  # the emoji counts as two UTF-16 units
    ]


def test_html_character_references() -> None:
    assert parse_html("<b>&amp;</b>") == ("&", [{"type": "bold", "offset": 0, "length": 1}])
    text, entities = parse_html("&lt;b&gt; &quot;Sở&quot; &#39;x&#x27; &#x1F600;<i>!</i>")
    assert text == "<b> \"Sở\" 'x' 😀!"
    assert entities == [{"type": "italic", "offset": 15, "length": 1}]  # 13 characters + a 2-unit emoji
    assert parse_html("&amp") == ("&", [])  # the semicolon is optional, as in Telegram


def test_html_nesting_is_sorted_like_telegram() -> None:
    text, entities = parse_html("<b>Đoàn <i><u>kiểm tra</u></i></b>")
    assert text == "Đoàn kiểm tra"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 13},
        {"type": "italic", "offset": 5, "length": 8},
        {"type": "underline", "offset": 5, "length": 8},
    ]


def test_html_all_supported_tags() -> None:
    source = (
        "<strong>a</strong><em>b</em><ins>c</ins><s>d</s><del>e</del><tg-spoiler>f</tg-spoiler>"
        '<span class="tg-spoiler">g</span><code>h</code><pre><code class="language-python">i</code></pre>'
        '<a href="https://dichvucong.gov.vn">j</a><blockquote expandable>k</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">l</tg-emoji><B>m</B><i>n</>'
    )
    text, entities = parse_html(source)
    assert text == "abcdefghijklmn"
    by_offset = {entity["offset"]: entity for entity in entities}
    assert [by_offset[i]["type"] for i in range(14)] == [
        "bold", "italic", "underline", "strikethrough", "strikethrough", "spoiler", "spoiler", "code",
        "pre", "text_link", "expandable_blockquote", "custom_emoji", "bold", "italic",
    ]  # fmt: skip
    assert by_offset[8]["language"] == "python"
    assert by_offset[9]["url"] == "https://dichvucong.gov.vn/"
    assert by_offset[11]["custom_emoji_id"] == "5368324170671202286"


def test_html_links_and_mentions() -> None:
    assert parse_html("<a>example.com</a>")[1] == [
        {"type": "text_link", "offset": 0, "length": 11, "url": "http://example.com/"}
    ]
    assert parse_html('<a href="tg://user?id=1001">Lan</a>')[1] == [
        {"type": "text_mention", "offset": 0, "length": 3, "user": {"id": 1001}}
    ]
    assert parse_html('<a href="javascript:alert(1)">x</a>') == ("x", [])  # dropped, not refused
    assert parse_html("<b></b>x") == ("x", [])  # empty elements make no entity


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Điểm <foo>", 'Unsupported start tag "foo" at byte offset 8'),  # byte, not character, offset
        ("dòng 1<br>dòng 2", 'Unsupported start tag "br" at byte offset 7'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b>đậm", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("text <b", "Unclosed start tag at byte offset 5"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<a href=x'y>x</a>", "Unexpected end of name token at byte offset 8"),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("&#xD83D;", "Text contains invalid Unicode characters after decoding HTML entities, check for"),
    ],
)
def test_html_refusals_mirror_telegram(source: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as error:
        parse_html(source)
    assert str(error.value).startswith(f"Can't parse entities: {message}")


def test_html_bare_ampersand_is_strict_by_default_and_literal_like_telegram_otherwise() -> None:
    with pytest.raises(HtmlParseError, match='Character "&" at byte offset 5'):
        parse_html("Sở & Ban")
    assert parse_html("Sở & Ban &copy;", strict_ampersand=False) == ("Sở & Ban &copy;", [])


# -- basics -----------------------------------------------------------------------------------------


async def test_get_me_token_and_unknown_method(tg: BotApiStandIn, bot: Bot) -> None:
    assert bot.bot.id == 7000001
    assert bot.bot.username == "kiemtra_test_bot"
    assert bot.bot.first_name == "Kiểm tra TTHC"
    assert bot.bot.can_read_all_group_messages is False
    with pytest.raises(InvalidToken):
        async with Bot("123456789:AAwrong-token-wrong-token-wrong-000", base_url=tg.base_url):
            pass
    async with httpx.AsyncClient() as http:
        response = await http.post(tg.api_url("sendCarrierPigeon"), json={})
        assert (response.status_code, response.json()) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found"},
        )
        response = await http.get(tg.api_url("GETME"))  # method names are case-insensitive
        assert response.json()["result"]["id"] == 7000001
        markup = {"inline_keyboard": [[{"text": "Xem", "callback_data": "xem"}]]}
        response = await http.post(
            tg.api_url("sendMessage"), json={"chat_id": LAN.id, "text": "JSON", "reply_markup": markup}
        )
        assert response.json()["result"]["reply_markup"] == markup
        response = await http.post(
            tg.api_url("sendMessage"), data={"chat_id": LAN.id, "text": "x", "reply_markup": "{'a'"}
        )
        assert response.json()["description"] == "Bad Request: can't parse reply keyboard markup JSON object"


async def test_send_message_round_trips_html(tg: BotApiStandIn, bot: Bot) -> None:
    html = "<b>Phiếu kiểm tra</b> số 1 &amp; 2 😀"
    first = await bot.send_message(LAN.id, html, parse_mode="HTML", reply_markup=keyboard(("Bắt đầu", "go")))
    second = await bot.send_message(LAN.id, "  tin thứ hai\n\n")
    assert first.text == "Phiếu kiểm tra số 1 & 2 😀"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [("bold", 0, 14)]
    assert first.from_user is not None and first.from_user.id == 7000001
    assert first.chat.type == "private" and first.chat.first_name == "Lan"
    assert isinstance(first.date, dtm.datetime)
    assert first.reply_markup is not None
    assert first.reply_markup.inline_keyboard[0][0].callback_data == "go"
    assert second.message_id == first.message_id + 1
    assert second.text == "tin thứ hai"  # Telegram trims surrounding whitespace
    sent = tg.sent(LAN.id)
    assert [(m.kind, m.text) for m in sent] == [("text", first.text), ("text", "tin thứ hai")]
    assert sent[0].html == html and sent[0].buttons == [[("Bắt đầu", "go")]]
    assert tg.errors_returned == []


async def test_message_length_counts_utf16_after_parsing(tg: BotApiStandIn, bot: Bot) -> None:
    await bot.send_message(LAN.id, "<b>" + "ả" * 4096 + "</b>", parse_mode="HTML")  # tags do not count
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(LAN.id, "đ" * 4097)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(LAN.id, "a" * 4095 + "😀")  # 4097 UTF-16 units
    with pytest.raises(BadRequest, match="empty"):
        await bot.send_message(LAN.id, "<b> </b>\n", parse_mode="HTML")
    assert tg.errors_returned == [
        ("sendMessage", "Bad Request: message is too long"),
        ("sendMessage", "Bad Request: message is too long"),
        ("sendMessage", "Bad Request: message text is empty"),
    ]


async def test_bad_html_and_unknown_chat_are_refused(tg: BotApiStandIn, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(LAN.id, "Hạn nộp <3 ngày", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "ai đó")
    assert tg.errors_returned == [
        ("sendMessage", 'Bad Request: can\'t parse entities: Unsupported start tag "3" at byte offset 12'),
        ("sendMessage", "Bad Request: chat not found"),
    ]
    tg.block_bot(LAN)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(LAN.id, "xin chào")


async def test_callback_data_limit_is_64_bytes(tg: BotApiStandIn, bot: Bot) -> None:
    await bot.send_message(LAN.id, "ok", reply_markup=keyboard(("A", "x" * 64)))
    too_long = "đ" * 33  # 33 characters but 66 UTF-8 bytes
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):  # PTB re-capitalises descriptions
        await bot.send_message(LAN.id, "quá dài", reply_markup=keyboard(("B", too_long)))
    with pytest.raises(BadRequest, match="unallowed"):
        await bot.send_message(LAN.id, "thiếu", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("C")]]))
    assert tg.errors_returned[0] == ("sendMessage", "Bad Request: BUTTON_DATA_INVALID")


# -- updates ----------------------------------------------------------------------------------------


async def test_updates_stay_until_confirmed_and_can_be_redelivered(tg: BotApiStandIn, bot: Bot) -> None:
    update_id = tg.send_text(LAN, "/start")
    first = await bot.get_updates(timeout=0)
    again = await bot.get_updates(timeout=0)  # not confirmed yet: Telegram sends it again
    assert [u.update_id for u in first] == [u.update_id for u in again] == [update_id]
    message = first[0].message
    assert message is not None and message.text == "/start"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 6)]
    assert message.from_user is not None and message.from_user.language_code == "vi"
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert tg.pending_update_count() == 0
    tg.redeliver(update_id)
    assert [u.update_id for u in await bot.get_updates(offset=update_id + 1, timeout=0)] == [update_id]


async def test_long_poll_wakes_up_when_an_update_arrives(tg: BotApiStandIn, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    tg.send_text(LAN, "Xin chào")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message is not None and updates[0].message.text == "Xin chào"


async def test_concurrent_get_updates_conflict(tg: BotApiStandIn) -> None:
    """As on the real server, the newer long poll wins and the older one gets 409."""
    async with (
        Bot(tg.TOKEN, base_url=tg.base_url) as first,
        Bot(tg.TOKEN, base_url=tg.base_url) as second,
    ):
        older = asyncio.create_task(first.get_updates(timeout=5))
        await eventually(lambda: tg.updates.polling)
        newer = asyncio.create_task(second.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(older, 2)
        assert await newer == ()
    assert ("getUpdates", CONFLICT) in tg.errors_returned


async def test_killed_poller_releases_the_long_poll(tg: BotApiStandIn) -> None:
    """A bot process killed mid-poll must not leave a zombie poll behind (handler cancellation)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", tg.port)
    writer.write(f"GET /bot{tg.TOKEN}/getUpdates?timeout=30 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    await eventually(lambda: tg.updates.polling)
    writer.close()  # what the kernel does for a SIGKILLed process
    await writer.wait_closed()
    await eventually(lambda: not tg.updates.polling)
    assert tg.errors_returned == []
    del reader


# -- photos and documents ---------------------------------------------------------------------------


async def test_photo_update_has_sizes_and_largest_downloads_exactly(tg: BotApiStandIn, bot: Bot) -> None:
    original = image_bytes(1600, 1200)
    tg.send_photo(LAN, original, caption="Ảnh hiện trường")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.caption == "Ảnh hiện trường"
    sizes = update.message.photo
    assert [(s.width, s.height) for s in sizes] == [(90, 68), (320, 240), (800, 600), (1600, 1200)]
    assert len({s.file_id for s in sizes}) == len({s.file_unique_id for s in sizes}) == 4
    largest = await sizes[-1].get_file()
    assert largest.file_size == len(original)
    assert bytes(await largest.download_as_bytearray()) == original
    thumbnail = bytes(await (await sizes[0].get_file()).download_as_bytearray())
    assert Image.open(io.BytesIO(thumbnail)).size == (90, 68)
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("AgACAgUAAxkBAAnope")


async def test_album_updates_share_a_media_group(tg: BotApiStandIn, bot: Bot) -> None:
    ids = tg.send_album(LAN, [image_bytes(), image_bytes(640, 480)], caption="Hồ sơ")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == ids
    groups = {u.message.media_group_id for u in updates if u.message}
    assert len(groups) == 1 and None not in groups


async def test_document_round_trip(tg: BotApiStandIn, bot: Bot) -> None:
    pdf = b"%PDF-1.4 bien ban kiem tra"
    tg.send_document(LAN, pdf, "biên_bản.pdf", "application/pdf")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.document is not None
    document = update.message.document
    assert (document.file_name, document.mime_type, document.file_size) == (
        "biên_bản.pdf",
        "application/pdf",
        26,
    )
    assert bytes(await (await document.get_file()).download_as_bytearray()) == pdf

    report = "Báo cáo;Điểm\nSở Tư pháp;9\n".encode()
    sent = await bot.send_document(LAN.id, report, filename="bao_cao.csv", caption="<b>Báo cáo</b>", parse_mode="HTML")
    assert sent.document is not None and sent.document.mime_type == "text/csv"
    assert sent.caption == "Báo cáo"
    assert bytes(await (await sent.document.get_file()).download_as_bytearray()) == report
    stored = tg.last_sent(LAN.id)
    assert (stored.kind, stored.document, stored.file_name, stored.text) == (
        "document",
        report,
        "bao_cao.csv",
        "Báo cáo",
    )


async def test_send_photo_validates_the_upload(tg: BotApiStandIn, bot: Bot) -> None:
    picture = image_bytes(1000, 500, "PNG")
    sent = await bot.send_photo(LAN.id, picture, caption="Ảnh")
    assert [(p.width, p.height) for p in sent.photo][-1] == (1000, 500)
    assert tg.last_sent(LAN.id).photo == picture
    again = await bot.send_photo(LAN.id, sent.photo[-1].file_id)  # re-send by file_id
    assert again.photo[-1].file_unique_id == sent.photo[-1].file_unique_id
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(LAN.id, b"not really a picture")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(LAN.id, "AgACAgUAAxkBAAunknown")
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(LAN.id, picture, caption="ả" * 1025)
    assert [d for _, d in tg.errors_returned] == [
        "Bad Request: IMAGE_PROCESS_FAILED",
        "Bad Request: wrong file identifier/HTTP URL specified",
        "Bad Request: message caption is too long",
    ]


async def test_media_group_needs_two_to_ten_items(tg: BotApiStandIn, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Not enough media"):
        await bot.send_media_group(LAN.id, [InputMediaPhoto(image_bytes())])
    with pytest.raises(BadRequest, match="Too many messages"):
        await bot.send_media_group(LAN.id, [InputMediaPhoto(image_bytes(200, 200)) for _ in range(11)])
    pictures = [image_bytes(300 + i, 200) for i in range(3)]
    messages = await bot.send_media_group(
        LAN.id,
        [
            InputMediaPhoto(p, caption="<i>Ảnh 1</i>" if i == 0 else None, parse_mode="HTML")
            for i, p in enumerate(pictures)
        ],
    )
    assert len(messages) == 3 and len({m.media_group_id for m in messages}) == 1
    assert messages[0].caption == "Ảnh 1" and messages[1].caption is None
    assert [m.photo for m in tg.sent(LAN.id)] == pictures
    assert tg.errors_returned[1] == ("sendMediaGroup", "Bad Request: too many messages to send as an album")


# -- callbacks and edits ----------------------------------------------------------------------------


async def test_tap_and_answer_callback_query_once(tg: BotApiStandIn, bot: Bot) -> None:
    await bot.send_message(LAN.id, "Chọn:", reply_markup=keyboard(("Đạt ✅", "ok:1"), ("Không đạt", "ko:1")))
    update_id = tg.tap(LAN, tg.last_sent(LAN.id), "Đạt")
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert update.update_id == update_id and query is not None
    assert query.data == "ok:1" and query.from_user.id == LAN.id
    assert query.message is not None and query.message.message_id == tg.last_sent(LAN.id).message_id
    assert await query.answer("Đã ghi nhận")
    with pytest.raises(BadRequest, match="Query is too old"):
        await query.answer("lần hai")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")
    assert tg.callback_answers[0]["text"] == "Đã ghi nhận" and tg.callback_answers[0]["data"] == "ok:1"
    with pytest.raises(AssertionError, match="2 buttons contain"):
        tg.tap(LAN, tg.last_sent(LAN.id), "ạt")


async def test_edits_follow_telegram_rules(tg: BotApiStandIn, bot: Bot) -> None:
    message = await bot.send_message(LAN.id, "<b>Bước 1</b>", parse_mode="HTML", reply_markup=keyboard(("Tiếp", "n")))
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text(
            "<b>Bước 1</b>",
            LAN.id,
            message.message_id,
            parse_mode="HTML",
            reply_markup=keyboard(("Tiếp", "n")),
        )
    edited = await bot.edit_message_text("Bước 2", LAN.id, message.message_id)  # no markup: keyboard removed
    assert isinstance(edited, type(message)) and edited.edit_date is not None and edited.reply_markup is None
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("?", LAN.id, 999)
    update_id = tg.send_text(LAN, "xin chào")
    with pytest.raises(BadRequest, match="can't be edited"):
        await bot.edit_message_text("?", LAN.id, tg.updates.get_update(update_id)["message"]["message_id"])
    stored = tg.sent(LAN.id)[0]
    assert (stored.text, stored.buttons, stored.original.text, len(stored.edits)) == (
        "Bước 2",
        [],
        "Bước 1",
        1,
    )
    assert tg.errors_returned[0][1].startswith("Bad Request: message is not modified: specified new message")


async def test_reply_parameters_and_keyboard_markup(tg: BotApiStandIn, bot: Bot) -> None:
    tg.send_text(LAN, "Hồ sơ 12")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None
    reply = await bot.send_message(LAN.id, "Đã nhận", reply_parameters=ReplyParameters(update.message.message_id))
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "Hồ sơ 12"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(LAN.id, "?", reply_parameters=ReplyParameters(4242))


# -- faults, groups, waiting ------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter.retry_after type
async def test_fault_injection(tg: BotApiStandIn, bot: Bot) -> None:
    tg.inject_fault("sendMessage", status=429, retry_after=2)
    with pytest.raises(RetryAfter) as error:
        await bot.send_message(LAN.id, "lần 1")
    assert error.value.retry_after in (2, dtm.timedelta(seconds=2))
    await bot.send_message(LAN.id, "lần 2")  # the fault applied once only
    tg.inject_fault("sendChatAction", drop=True)
    with pytest.raises(NetworkError):
        await bot.send_chat_action(LAN.id, "typing")
    tg.inject_fault("getMe", status=500)
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert tg.errors_returned == []
    assert [name for name, _ in tg.faults_triggered] == ["sendMessage", "sendChatAction", "getMe"]


async def test_group_privacy_mode(tg: BotApiStandIn, bot: Bot) -> None:
    group = tg.add_group(-1001234567890, "Đoàn kiểm tra số 3")
    assert group["type"] == "supergroup"
    assert tg.send_text(LAN, "chuyện phiếm", chat_id=-1001234567890) == 0  # hidden from the bot
    visible = tg.send_text(LAN, "/baocao@kiemtra_test_bot", chat_id=-1001234567890)
    assert tg.send_text(MINH, "/baocao@other_bot", chat_id=-1001234567890) == 0
    (update,) = await bot.get_updates(timeout=0)
    assert update.update_id == visible and update.message is not None
    assert update.message.chat.title == "Đoàn kiểm tra số 3"
    sent = await bot.send_message(-1001234567890, "Đã nhận")
    assert tg.send_text(LAN, "trả lời bot", chat_id=-1001234567890, reply_to=sent.message_id) > 0


async def test_wait_for_and_wait_idle(tg: BotApiStandIn, bot: Bot) -> None:
    old = await bot.send_message(LAN.id, "cũ: Xin chào")
    point = tg.mark(LAN.id)
    tg.send_text(LAN, "/start")

    async def fake_bot() -> None:
        await bot.get_updates(timeout=0)
        await asyncio.sleep(0.05)
        await bot.send_message(LAN.id, "mới: Xin chào")

    task = asyncio.create_task(fake_bot())
    reply = await tg.wait_for(LAN.id, "Xin chào", after=point, timeout=2)
    assert reply.text == "mới: Xin chào"
    await task
    await tg.wait_idle(quiet=0.1, timeout=2)
    with pytest.raises(AssertionError, match="mới: Xin chào") as report:
        await tg.wait_for(LAN.id, "Tạm biệt", after=point, timeout=0.1)
    assert "cũ: Xin chào" in str(report.value)
    point = len(tg.sent(LAN.id))  # a count taken from sent() is a point in time too
    await bot.edit_message_text("cũ: đã sửa", LAN.id, old.message_id)
    assert (await tg.wait_for(LAN.id, "đã sửa", after=point, timeout=1)).message_id == old.message_id
    await bot.delete_message(LAN.id, old.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(LAN.id, old.message_id)
    assert tg.sent(LAN.id)[0].deleted


async def test_allowed_updates_are_remembered(tg: BotApiStandIn, bot: Bot) -> None:
    tg.push_update({"message_reaction": {"chat": LAN.private_chat(), "message_id": 1, "date": 0}})
    text_id = tg.send_text(LAN, "một")
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [text_id]  # reactions: opt-in only
    await bot.send_message(LAN.id, "Chọn", reply_markup=keyboard(("A", "a")))
    tg.tap(LAN, tg.last_sent(LAN.id), "A")
    second_text = tg.send_text(LAN, "hai")
    updates = await bot.get_updates(offset=text_id + 1, timeout=0, allowed_updates=["message"])
    assert [u.update_id for u in updates] == [second_text]
    assert tg.pending_update_count() == 1  # the last one is still unconfirmed


async def test_commands_are_validated(tg: BotApiStandIn, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Bắt đầu"), ("baocao", "Gửi báo cáo")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "baocao"]
    assert tg.my_commands()[1] == {"command": "baocao", "description": "Gửi báo cáo"}
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("BaoCao", "viết hoa")])
