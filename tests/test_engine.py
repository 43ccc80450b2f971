"""The engine on its own: every path of the conversation, checked against what is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.events import Edit, Photos, Say, Tap, Toast
from bot.texts.catalogue import VI
from storage.models import Inspection, RemarkKind, Stage, Status
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, STRANGER, Harness
from tests.images import PDF, jpeg


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.open(tmp_path)
    yield harness
    await harness.store.close()


async def draft_or_none(h: Harness) -> Inspection | None:
    async with h.store.transaction() as tx:
        return await tx.inspections.draft_of(INSPECTOR.id)


async def draft(h: Harness) -> Inspection:
    inspection = await draft_or_none(h)
    assert inspection is not None
    return inspection


async def test_strangers_get_a_polite_refusal_and_nothing_is_stored(h: Harness) -> None:
    replies = await h.command(STRANGER, "inspect")
    assert "chưa thuộc đoàn" in h.texts(replies)
    replies = await h.command(STRANGER, "newteam", "Đoàn giả", group=True)
    assert "Chỉ quản trị viên" in h.texts(replies)
    replies = await h.command(STRANGER, "summary", group=True)
    assert "chưa là nhóm của đoàn" in h.texts(replies)
    async with h.store.transaction() as tx:
        assert await tx.teams.by_group(GROUP) is None
        assert await tx.inspections.draft_of(STRANGER.id) is None


async def test_newteam_makes_the_admin_lead_and_the_link_joins_inspectors(h: Harness) -> None:
    replies = await h.command(ADMIN, "newteam", "Đoàn <b>&", group=True)
    text = h.texts(replies)
    assert "Đoàn &lt;b&gt;&amp;" in text and "https://t.me/test_bot?start=" in text
    code = text.split("start=")[1].split()[0]
    replies = await h.command(INSPECTOR, "start", code)
    assert any(isinstance(r, Say) and r.chat_id == GROUP and "Nguyễn Văn An" in r.html for r in replies)
    async with h.store.transaction() as tx:
        team = await tx.teams.by_group(GROUP)
        assert team is not None and team.lead_id == ADMIN.id and team.name == "Đoàn <b>&"
        assert (await tx.teams.membership(team.id, INSPECTOR.id)) is not None
    assert "đã là thành viên" in h.texts(await h.command(INSPECTOR, "start", code))
    assert "không đúng" in h.texts(await h.command(STRANGER, "start", "forged-code"))


async def test_whole_inspection_reaches_the_group(h: Harness) -> None:
    await h.make_team_with_inspector()
    replies = await h.command(INSPECTOR, "inspect")
    assert "Đơn vị được kiểm tra" in h.texts(replies)
    await h.text(INSPECTOR, "UBND xã <Cổ> Lũng & co")
    assert "Gửi vị trí" in h.texts()
    await h.location(INSPECTOR, 21.59, 105.85)
    assert "Mục 1/2 · Câu 1/2" in h.texts() and "Đã ban hành kế hoạch KSTTHC năm?" in h.texts()
    replies = await h.tap(INSPECTOR, "Không đạt")
    assert any(isinstance(r, Edit) and r.html and "Không đạt" in r.html for r in replies)
    assert "Mô tả ngắn tồn tại" in h.texts()
    await h.text(INSPECTOR, "Kế hoạch ban hành muộn <3 tháng")
    assert "Mục 1/2 · Câu 2/2" in h.texts()
    await h.tap(INSPECTOR, "Có")
    await h.tap(INSPECTOR, "Đạt")
    assert "Ảnh minh chứng" in h.texts() and "bắt buộc" in h.texts()
    replies = await h.tap(INSPECTOR, "Xong")
    assert any(isinstance(r, Toast) and "bắt buộc" in r.text for r in replies)
    replies = await h.photo(INSPECTOR, jpeg(label="bang"))
    assert "Đã nhận ảnh" in h.texts(replies)
    await h.tap(INSPECTOR, "Xong")
    assert "Tỷ lệ hồ sơ đúng hạn" in h.texts()
    await h.text(INSPECTOR, "chín mươi")
    assert "không phải là một số" in h.texts()
    await h.text(INSPECTOR, "97,5%")
    assert "Đã ghi: <b>97,5 %</b>" in h.texts()  # with the unit its question names
    await h.tap(INSPECTOR, "Xong")  # optional photo item, no photo: skipped
    await h.tap(INSPECTOR, "Bỏ qua")  # optional text item
    assert "Kiến nghị của đơn vị" in h.texts()
    await h.text(INSPECTOR, "Bổ sung máy scan")
    await h.text(INSPECTOR, "Tập huấn phần mềm một cửa")
    await h.tap(INSPECTOR, "Xong")
    assert "Kết quả đạt được khác" in h.texts()
    await h.tap(INSPECTOR, "Bỏ qua")
    assert "Đại diện đơn vị được kiểm tra" in h.texts()
    await h.text(INSPECTOR, "Nguyễn Văn Bình")  # no position: asked again, nothing stored
    assert "chưa có chức vụ" in h.texts()
    await h.text(INSPECTOR, "Ông Nguyễn Văn Bình - Chủ tịch UBND xã")
    assert "Đã ghi (1): <b>Ông Nguyễn Văn Bình</b> – Chủ tịch UBND xã" in h.texts()
    await h.tap(INSPECTOR, "Xong")
    assert "Ý kiến của đơn vị được kiểm tra" in h.texts()
    await h.tap(INSPECTOR, "Nhất trí")
    review = h.texts()
    assert "XEM LẠI" in review and "Kế hoạch ban hành muộn &lt;3 tháng" in review
    replies = await h.tap(INSPECTOR, "Gửi")
    to_group = [r for r in replies if isinstance(r, Say) and r.chat_id == GROUP]
    assert len(to_group) == 1
    summary = to_group[0].html
    for expected in (
        "UBND xã &lt;Cổ&gt; Lũng &amp; co",
        "Nguyễn Văn An",
        "Bổ sung máy scan",
        "Tập huấn phần mềm một cửa",
        "Kế hoạch ban hành muộn &lt;3 tháng",
        "Ảnh minh chứng: 1",
    ):
        assert expected in summary
    album = [r for r in replies if isinstance(r, Photos)]
    assert len(album) == 1 and album[0].chat_id == GROUP and len(album[0].photos) == 1
    async with h.store.transaction() as tx:
        inspection = await tx.inspections.get(1)
        answers = await tx.inspections.answers(1)
        remarks = await tx.inspections.remarks(1)
    assert inspection is not None and inspection.status is Status.SUBMITTED
    assert inspection.latitude == pytest.approx(21.59)
    assert {k: v.value for k, v in answers.items()} == {
        "ke-hoach": "fail",
        "co-du-thao": "yes",
        "bang-niem-yet": "pass",
        "ty-le": "97.5",
    }
    assert answers["ke-hoach"].note == "Kế hoạch ban hành muộn <3 tháng"
    voice = [(r.kind, r.text) for r in remarks if r.kind in (RemarkKind.REPRESENTATIVE, RemarkKind.OPINION)]
    assert voice == [
        (RemarkKind.REPRESENTATIVE, "Ông Nguyễn Văn Bình – Chủ tịch UBND xã"),
        (RemarkKind.OPINION, VI.OPINION_AGREED),
    ]


async def test_redelivered_update_changes_nothing(h: Harness) -> None:
    await h.start_inspection()
    first = await h.send(INSPECTOR, Tap(data=h.button("Đạt")), key="dup")
    assert first
    again = await h.send(INSPECTOR, Tap(data="v:1:3:pass"), key="dup")
    assert again == []
    async with h.store.transaction() as tx:
        assert len(await tx.inspections.answers(1)) == 1


async def test_stale_foreign_and_forged_presses_are_refused(h: Harness) -> None:
    await h.start_inspection()
    old = h.button("Không đạt")
    await h.tap(INSPECTOR, "Đạt")
    yes = h.button("Có")
    state = await draft(h)
    for data in (
        old,
        f"v:999:{state.step}:pass",
        "garbage",
        f"v:{state.id}:{state.step}:excellent",
        "v:1:" + "9" * 9 + ":pass",
    ):
        replies = await h.send(INSPECTOR, Tap(data=data))
        assert [type(r) for r in replies] == [Toast], data
    # another person pressing the inspector's button
    replies = await h.send(STRANGER, Tap(data=yes))
    assert isinstance(replies[0], Toast) and "không thuộc" in replies[0].text
    async with h.store.transaction() as tx:
        assert {k: v.value for k, v in (await tx.inspections.answers(1)).items()} == {"ke-hoach": "pass"}
    assert (await draft(h)).step == state.step


async def test_back_goes_to_the_previous_item_and_shows_the_answer(h: Harness) -> None:
    await h.start_inspection()
    await h.tap(INSPECTOR, "Một phần")
    await h.tap(INSPECTOR, "Quay lại")
    assert "Đã trả lời: <b>Một phần</b>" in h.texts()
    await h.tap(INSPECTOR, "Đạt")
    await h.tap(INSPECTOR, "Quay lại")
    assert (await draft(h)).pos == 0
    await h.tap(INSPECTOR, "Quay lại")
    assert (await draft(h)).stage is Stage.LOCATION
    async with h.store.transaction() as tx:
        answer = await tx.inspections.answer(1, "ke-hoach")
    assert answer is not None and answer.value == "pass" and answer.note is None


async def test_text_where_a_button_is_expected_and_photo_where_none_is(h: Harness) -> None:
    await h.start_inspection()
    replies = await h.text(INSPECTOR, "đạt")
    assert "chọn một trong các nút" in h.texts(replies)
    replies = await h.photo(INSPECTOR, jpeg())
    assert "không cần ảnh" in h.texts(replies)
    async with h.store.transaction() as tx:
        assert await tx.inspections.answers(1) == {}
        assert await tx.photos.count(1) == 0


async def test_bad_files_are_refused_and_nothing_is_stored(h: Harness, tmp_path: Path) -> None:
    await h.to_required_photo()
    assert "Ảnh minh chứng" in h.texts()
    assert "không phải là ảnh" in h.texts(await h.photo(INSPECTOR, PDF, document=True, mime="application/pdf"))
    assert "không phải là ảnh" in h.texts(await h.photo(INSPECTOR, PDF, document=True, mime="image/jpeg"))
    big = jpeg() + b"\0" * (6 * 2**20)
    assert "lớn hơn 5 MB" in h.texts(await h.photo(INSPECTOR, big, document=True, mime="image/jpeg"))
    async with h.store.transaction() as tx:
        assert await tx.photos.count(1) == 0
    assert not list((tmp_path / "photos").rglob("*.*"))


async def test_album_is_acknowledged_once_with_the_count(h: Harness) -> None:
    await h.to_required_photo()
    acks = [await h.photo(INSPECTOR, jpeg(label=str(i)), album="A1") for i in range(3)]
    keys = {r.coalesce for replies in acks for r in replies if isinstance(r, Say)}
    assert keys == {"album:A1"}
    assert "Đã nhận 3 ảnh" in h.texts(acks[-1])
    async with h.store.transaction() as tx:
        photos = await tx.photos.of(1)
    assert len(photos) == 3 and len({p.sha256 for p in photos}) == 3
    assert all(p.item_id == "bang-niem-yet" for p in photos)


async def test_cancel_needs_confirmation(h: Harness) -> None:
    await h.start_inspection()
    await h.command(INSPECTOR, "cancel")
    assert "Hủy phiên #1" in h.texts()
    await h.tap(INSPECTOR, "Tiếp tục")
    assert (await draft_or_none(h)) is not None
    await h.command(INSPECTOR, "cancel")
    await h.tap(INSPECTOR, "Hủy phiên")
    assert (await draft_or_none(h)) is None
    replies = await h.send(INSPECTOR, Tap(data="v:1:3:pass"))
    assert isinstance(replies[0], Toast) and "đã kết thúc" in replies[0].text


async def test_status_resume_and_second_inspect(h: Harness) -> None:
    await h.start_inspection()
    await h.tap(INSPECTOR, "Đạt")
    assert "Đã trả lời 1/6" in h.texts(await h.command(INSPECTOR, "status"))
    assert "Mục 1/2 · Câu 2/2" in h.texts(await h.command(INSPECTOR, "resume"))
    assert "chưa gửi" in h.texts(await h.command(INSPECTOR, "inspect"))


async def test_photos_added_after_going_back_keep_the_count_true(h: Harness) -> None:
    await h.start_inspection()
    await h.tap(INSPECTOR, "Đạt")
    await h.tap(INSPECTOR, "Không")
    await h.tap(INSPECTOR, "Không áp dụng")  # no evidence needed for what does not apply
    await h.text(INSPECTOR, "90")
    await h.photo(INSPECTOR, jpeg(label="quầy 1"))
    await h.tap(INSPECTOR, "Xong")
    assert "Ghi chú khác" in h.texts()
    await h.tap(INSPECTOR, "Quay lại")
    await h.photo(INSPECTOR, jpeg(label="quầy 2"))
    async with h.store.transaction() as tx:
        answer = await tx.inspections.answer(1, "anh-quay")
    assert answer is not None and answer.value == "2"


async def test_blank_text_and_forged_huge_ids_change_nothing(h: Harness) -> None:
    await h.start_inspection()
    assert "Tin nhắn trống" in h.texts(await h.text(INSPECTOR, "\u3000"))
    state = await draft(h)
    replies = await h.send(INSPECTOR, Tap(data=f"u:{state.id}:{state.step}:{10**19}"))
    assert [type(r) for r in replies] == [Toast]
    assert (await draft(h)).step == state.step
