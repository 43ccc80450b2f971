"""A whole inspection over HTTP: the real application against the Bot API stand-in."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.e2e import ADMIN, GROUP_ID, INSPECTOR, STRANGER, Phone, create_team, rows, running_bot
from tests.images import jpeg, png
from tests.standin import BotApiStandIn


async def join(tg: BotApiStandIn, code: str) -> Phone:
    phone, lead = Phone(tg, INSPECTOR), Phone(tg, ADMIN, GROUP_ID)
    seen = lead.seen()
    await phone.say(f"/start {code}", "đã tham gia đoàn")
    await lead.next("Nguyễn Văn An đã tham gia đoàn", seen)
    return phone


async def test_commands_menu_is_set_in_vietnamese(tg: BotApiStandIn, tmp_path: Path) -> None:
    async with running_bot(tg, tmp_path):
        await tg.wait_idle()
    private = {c["command"]: c["description"] for c in tg.my_commands({"type": "all_private_chats"})}
    assert private["inspect"] == "Bắt đầu phiên kiểm tra"
    english = {c["command"]: c["description"] for c in tg.my_commands({"type": "all_private_chats"}, "en")}
    assert english["inspect"] == "Start an inspection" and english.keys() == private.keys()
    group = {c["command"] for c in tg.my_commands({"type": "all_group_chats"})}
    assert {"summary", "newteam"} <= group


async def test_whole_inspection_from_newteam_to_summary(tg: BotApiStandIn, tmp_path: Path) -> None:
    counter_photo = jpeg(1280, 960, label="quay mot cua")
    board_file = png(900, 700)
    album = [jpeg(800, 600, colour=(10 * i, 80, 120), label=f"album {i}") for i in range(3)]
    async with running_bot(tg, tmp_path):
        phone = await join(tg, await create_team(tg, "Đoàn kiểm tra <b>&</b> số 1"))
        assert "Đoàn kiểm tra <b>&</b> số 1" in tg.sent(GROUP_ID)[0].text
        assert "Đơn vị được kiểm tra" in (await phone.say("/inspect")).text
        location = await phone.say("UBND xã <Cổ> Lũng & Co", "Gửi vị trí")
        assert "UBND xã <Cổ> Lũng & Co" in location.text
        seen = phone.seen()
        tg.send_location(INSPECTOR, 21.5928, 105.8442)
        first = await phone.next("Mục 1/8 · Câu 1/4", seen)
        assert "Đã ban hành kế hoạch kiểm soát TTHC năm nay?" in first.text
        assert first.button_labels == ["Đạt", "Không đạt", "Một phần", "Không áp dụng", "❓ Hướng dẫn", "⬅️ Quay lại"]

        # One Bot API call per tap: the answered question becomes the request for a note, in place, and
        # still reads as the question with its answer.
        note = await phone.tap("Không đạt", "Mô tả ngắn tồn tại")
        assert note.message_id == first.message_id
        assert "Đã ban hành kế hoạch kiểm soát TTHC năm nay? → Không đạt" in note.text
        current = await phone.say("Kế hoạch năm ban hành muộn <3 tháng> & thiếu", "Mục 1/8 · Câu 2/4")
        choices = ["Đạt", "Đạt", "Một phần", "Đạt", "Không áp dụng", "Đạt", "Không đạt"]
        progress = 0
        while "Kiến nghị của đơn vị" not in current.text:
            text, seen = current.text, phone.seen()
            if "Ảnh minh chứng" in text and "toàn cảnh bảng" in text:
                tg.send_document(INSPECTOR, board_file, "bang-niem-yet.png", "image/png")
                await phone.next("Đã nhận ảnh", seen)
                seen = phone.seen()
                tg.tap(INSPECTOR, phone.last_with_buttons(), "Xong")
            elif "Ảnh minh chứng" in text and "toàn cảnh Bộ phận Một cửa" in text:
                tg.send_album(INSPECTOR, album)
                ack = await phone.next("Đã nhận 3 ảnh", seen)
                await tg.wait_idle(quiet=0.3)
                fresh = [m.text for m in tg.sent(phone.chat_id)[seen:]]
                assert fresh == [ack.text], fresh  # one acknowledgement for the whole album
                seen = phone.seen()
                tg.tap(INSPECTOR, ack, "Xong")
            elif "Ảnh minh chứng" in text:
                if "Giấy tiếp nhận" in text:
                    tg.send_photo(INSPECTOR, counter_photo)
                    await phone.next("Đã nhận ảnh", seen)
                    seen = phone.seen()
                tg.tap(INSPECTOR, phone.last_with_buttons(), "Xong")
            elif "Nhập một số nguyên" in text:
                tg.send_text(INSPECTOR, "2,5")
                await phone.next("không phải là một số nguyên", seen)
                await phone.next_prompt(seen)  # the same question again
                seen = phone.seen()
                tg.send_text(INSPECTOR, "2")
            elif "Nhập một số" in text:
                tg.send_text(INSPECTOR, "bảy")
                await phone.next("không phải là một số", seen)
                await phone.next_prompt(seen)  # the same question again
                seen = phone.seen()
                tg.send_text(INSPECTOR, "96,5")
            elif "Chọn một hoặc nhiều" in text:
                tg.tap(INSPECTOR, current, "Bảng niêm yết")
                chosen = await phone.next_prompt(seen)
                assert "☑️ Bảng niêm yết" in chosen.button_labels
                seen = phone.seen()
                tg.tap(INSPECTOR, chosen, "Xong")
            elif "Nhập câu trả lời" in text:
                tg.tap(INSPECTOR, current, "Bỏ qua")
            elif "Mô tả ngắn" in text:
                tg.send_text(INSPECTOR, "Thiếu phiếu hẹn đúng mẫu")
            elif "Có" in current.button_labels:
                tg.tap(INSPECTOR, current, "Có")
            else:
                progress += 1
                tg.tap(INSPECTOR, current, choices[progress % len(choices)])
            current = await phone.next_prompt(seen)
        await phone.say("Đề nghị cấp thêm máy scan & máy tính", "Đã ghi (1)")
        await phone.say("Tập huấn phần mềm một cửa điện tử", "Đã ghi (2)")
        await phone.tap("Xong", "Kết quả đạt được khác")
        await phone.tap("Bỏ qua", "Đại diện đơn vị")
        await phone.tap("Bỏ qua", "Ý kiến của đơn vị")
        review = await phone.tap("Bỏ qua", "XEM LẠI PHIÊN")
        assert "Kế hoạch năm ban hành muộn <3 tháng> & thiếu" in review.text
        assert "Ảnh minh chứng: 5" in review.text

        lead = Phone(tg, ADMIN, GROUP_ID)
        mark, seen = tg.mark(GROUP_ID), lead.seen()
        await phone.tap("Gửi", "Đã gửi kết quả phiên #1")
        summary = await lead.next("KẾT QUẢ KIỂM TRA #1", seen)
        await tg.wait_idle()

    for expected in (
        "UBND xã <Cổ> Lũng & Co",
        "Nguyễn Văn An",
        "Tồn tại, hạn chế",
        "Kết quả theo lĩnh vực",
        "Kế hoạch năm ban hành muộn <3 tháng> & thiếu",
        "Đề nghị cấp thêm máy scan & máy tính",
        "Kiến nghị của đơn vị",
        "Ảnh minh chứng: 5",
    ):
        assert expected in "\n".join(m.text for m in tg.sent(GROUP_ID)[mark:]), expected
    assert summary.kind == "text"
    photos = [m for m in tg.sent(GROUP_ID)[mark:] if m.kind == "photo"]
    assert len(photos) == 5 and len({m.media_group_id for m in photos}) == 1
    assert all(m.text.startswith("#1 · Tiêu chí ") for m in photos)
    assert tg.errors_returned == []

    photo_rows = await rows(tmp_path, "SELECT sha256, size, mime, path FROM photos ORDER BY id")
    originals = [board_file, *album, counter_photo]
    assert sorted(r[0] for r in photo_rows) == sorted(hashlib.sha256(p).hexdigest() for p in originals)
    for sha, size, _mime, path in photo_rows:
        assert (tmp_path / "photos" / str(path)).read_bytes().__len__() == size
        assert hashlib.sha256((tmp_path / "photos" / str(path)).read_bytes()).hexdigest() == sha
    status = await rows(tmp_path, "SELECT status, unit, latitude FROM inspections")
    assert status == [("submitted", "UBND xã <Cổ> Lũng & Co", 21.5928)]
    notes = await rows(tmp_path, "SELECT item_id, value, note FROM answers WHERE note IS NOT NULL ORDER BY item_id")
    assert ("ke-hoach-kstthc", "fail", "Kế hoạch năm ban hành muộn <3 tháng> & thiếu") in notes
    stored = {str(item): str(value) for item, value in await rows(tmp_path, "SELECT item_id, value FROM answers")}
    assert (stored["ty-le-dung-han"], stored["so-ho-so-qua-han"], stored["phuong-tien-niem-yet"]) == (
        "96.5",
        "2",
        "bang",
    )
    # every gate answered Có: the questions each one opens were asked
    assert {"tiep-thu-giai-trinh", "phieu-xin-loi", "cong-khai-ket-qua-xu-ly"} <= stored.keys()


async def test_summary_on_request_in_the_team_group_only(tg: BotApiStandIn, tmp_path: Path) -> None:
    other_group = -100999
    tg.add_group(other_group, "Nhóm khác")
    async with running_bot(tg, tmp_path):
        phone = await join(tg, await create_team(tg))
        lead = Phone(tg, ADMIN, GROUP_ID)
        assert "chưa có phiên" in (await lead.say("/summary")).text
        await submit_quick_inspection(tg, phone, "UBND thị trấn Đu")
        await submit_quick_inspection(tg, phone, "UBND xã Cổ Lũng")
        latest = await lead.say("/summary@kiemtra_test_bot", "KẾT QUẢ KIỂM TRA #2")
        assert "UBND xã Cổ Lũng" in latest.text
        by_unit = await lead.say("/summary thi tran du", "KẾT QUẢ KIỂM TRA #1")
        assert "UBND thị trấn Đu" in by_unit.text
        tg.send_text(ADMIN, "/summary@some_other_bot", chat_id=GROUP_ID)  # not addressed to us: ignored
        missing = await lead.say("/summary Phú Lương", "Không tìm thấy")
        assert "«Phú Lương»" in missing.text
        elsewhere = Phone(tg, ADMIN, other_group)
        await elsewhere.say("/summary", "chưa là nhóm của đoàn")
        await phone.say("/summary", "dùng trong nhóm của đoàn")
        await tg.wait_idle()
    assert not any("KẾT QUẢ" in m.text for m in tg.sent(other_group))
    # two on submit, two on request; the command addressed to another bot got nothing
    assert sum("KẾT QUẢ KIỂM TRA" in m.text for m in tg.sent(GROUP_ID)) == 4


async def submit_quick_inspection(tg: BotApiStandIn, phone: Phone, unit: str) -> None:
    """Answers everything with the first sensible choice; photos where they are required."""
    await phone.say("/inspect")
    recent = phone.last_with_buttons() if tg.sent(phone.chat_id)[-1].buttons else None
    if recent is not None and any(unit in label for label in recent.button_labels):
        await phone.tap(unit, "Gửi vị trí")
    else:
        await phone.say(unit, "Gửi vị trí")
    await phone.tap("Bỏ qua")
    while "XEM LẠI" not in (current := phone.last_with_buttons()).text:
        if "bắt buộc ít nhất 1 ảnh" in current.text:
            seen = phone.seen()
            tg.send_photo(phone.user, jpeg(label=unit))
            await phone.next("Đã nhận ảnh", seen)
            await phone.tap("Xong")
        elif "Nhập một số" in current.text:
            seen = phone.seen()
            tg.send_text(phone.user, "100")
            await phone.next_prompt(seen)
        elif "Bỏ qua" in " ".join(current.button_labels):
            await phone.tap("Bỏ qua")
        elif "Xong" in " ".join(current.button_labels):
            await phone.tap("Xong")
        else:
            await phone.tap(current.button_labels[0])
    await phone.tap("Gửi", "Đã gửi kết quả")


async def test_strangers_are_refused_and_nothing_is_stored(tg: BotApiStandIn, tmp_path: Path) -> None:
    async with running_bot(tg, tmp_path):
        stranger = Phone(tg, STRANGER)
        assert "chưa thuộc đoàn" in (await stranger.say("/inspect")).text
        assert "không đúng" in (await stranger.say("/start made-up-code")).text
        in_group = Phone(tg, STRANGER, GROUP_ID)
        assert "Chỉ quản trị viên" in (await in_group.say("/newteam Đoàn giả")).text
        assert "/help" in (await stranger.say("xin chào")).text
        await tg.wait_idle()
    assert await rows(tmp_path, "SELECT * FROM teams") == []
    assert await rows(tmp_path, "SELECT * FROM members") == []
    assert await rows(tmp_path, "SELECT * FROM inspections") == []


async def test_help_and_myid(tg: BotApiStandIn, tmp_path: Path) -> None:
    async with running_bot(tg, tmp_path):
        phone = Phone(tg, STRANGER)
        assert "tham gia" in (await phone.say("/start")).text.lower()
        assert "/inspect" in (await phone.say("/help")).text
        assert str(STRANGER.id) in (await phone.say("/myid")).text
        assert "không có lệnh này" in (await phone.say("/xyz")).text


async def test_team_follows_its_group_when_telegram_upgrades_it(tg: BotApiStandIn, tmp_path: Path) -> None:
    supergroup = -1009876543210
    async with running_bot(tg, tmp_path):
        phone = await join(tg, await create_team(tg))
        tg.add_group(supergroup, "Đoàn kiểm tra KSTTHC số 1", supergroup=True)
        tg.push_update(
            {
                "message": {
                    "message_id": 900,
                    "date": 1_790_000_000,
                    "from": ADMIN.to_dict(),
                    "chat": {"id": GROUP_ID, "type": "group", "title": "Đoàn kiểm tra KSTTHC số 1"},
                    "migrate_to_chat_id": supergroup,
                }
            }
        )
        await tg.wait_idle()
        lead = Phone(tg, ADMIN, supergroup)
        await lead.say("/summary", "chưa có phiên")
        seen = lead.seen()
        await submit_quick_inspection(tg, phone, "UBND xã Động Đạt")
        await lead.next("KẾT QUẢ KIỂM TRA #1", seen)
    assert await rows(tmp_path, "SELECT group_chat_id FROM teams") == [(supergroup,)]


async def test_recently_inspected_units_are_offered_as_buttons(tg: BotApiStandIn, tmp_path: Path) -> None:
    async with running_bot(tg, tmp_path):
        phone = await join(tg, await create_team(tg))
        await submit_quick_inspection(tg, phone, "UBND thị trấn Giang Tiên có tên rất dài để thử cắt nhãn nút")
        offer = await phone.say("/inspect", "Hoặc chọn đơn vị gần đây")
        assert offer.button_labels == ["UBND thị trấn Giang Tiên có tên rất dài để thử cắt nhãn nút"]
        await phone.tap("Giang Tiên", "Gửi vị trí")
    assert await rows(tmp_path, "SELECT id, unit FROM inspections") == [
        (1, "UBND thị trấn Giang Tiên có tên rất dài để thử cắt nhãn nút"),
        (2, "UBND thị trấn Giang Tiên có tên rất dài để thử cắt nhãn nút"),
    ]
