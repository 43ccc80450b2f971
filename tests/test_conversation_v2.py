"""The conversation over a version-2 checklist: conditions, guidance, the new types and scores, driven
through the engine with a real SQLite file and checked against what is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.checklist.loader import parse_checklist
from bot.events import Toast
from bot.texts import formats
from storage.models import Answer, Inspection, Stage, Status
from tests.engine_harness import INSPECTOR, Harness
from tests.gated_checklist import GATED


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.open(tmp_path, parse_checklist(GATED))
    yield harness
    await harness.store.close()


async def draft(h: Harness) -> Inspection:
    async with h.store.transaction() as tx:
        inspection = await tx.inspections.draft_of(INSPECTOR.id)
    assert inspection is not None
    return inspection


async def answers(h: Harness, inspection_id: int = 1) -> dict[str, Answer]:
    async with h.store.transaction() as tx:
        return await tx.inspections.answers(inspection_id)


async def through_area_one(h: Harness, gate: str) -> None:
    await h.start_inspection()
    await h.tap(INSPECTOR, "Đạt")
    await h.tap(INSPECTOR, gate)


async def through_area_two(h: Harness, rating: str = "Đạt") -> None:
    """Area 2 answered (Sổ, a date, 90 %, then `rating`), and the remarks skipped: at the review."""
    await h.tap(INSPECTOR, "Sổ")
    await h.tap(INSPECTOR, "Xong")
    await h.text(INSPECTOR, "26/11/2026")
    await h.text(INSPECTOR, "90")
    await h.tap(INSPECTOR, rating)
    if rating != "Đạt":
        await h.tap(INSPECTOR, "Bỏ qua")  # no note
    for _ in range(4):  # recommendations, strengths, representatives, opinion
        await h.tap(INSPECTOR, "Bỏ qua")


async def test_a_no_skips_the_three_items_it_rules_out_and_nothing_counts_them_missing(h: Harness) -> None:
    await through_area_one(h, "Không")
    assert "Mục 2/2 · Câu 1/4" in h.texts() and "Các hình thức niêm yết" in h.texts()
    await h.tap(INSPECTOR, "Bảng")
    await h.tap(INSPECTOR, "Xong")
    await h.text(INSPECTOR, "hôm nay")
    await h.text(INSPECTOR, "97,5")
    await h.tap(INSPECTOR, "Đạt")
    for _ in range(4):  # recommendations, strengths, representatives, opinion
        await h.tap(INSPECTOR, "Bỏ qua")
    review = h.texts()
    assert "3 câu không áp dụng theo điều kiện" in review
    await h.tap(INSPECTOR, "Gửi")
    inspection = await draft_or_submitted(h)
    assert inspection.status is Status.SUBMITTED
    stored = await answers(h)
    assert not {"danh-gia", "lay-y-kien", "tiep-thu"} & set(stored)
    assert stored["hinh-thuc"].value == "bang"
    assert stored["ngay-ke-hoach"].value == datetime.now(formats.VIETNAM).date().isoformat()
    assert stored["ty-le"].value == "97.5"


async def draft_or_submitted(h: Harness) -> Inspection:
    async with h.store.transaction() as tx:
        inspection = await tx.inspections.get(1)
    assert inspection is not None
    return inspection


async def test_going_back_to_the_gate_hides_answered_items_keeping_them_and_brings_them_back(h: Harness) -> None:
    await through_area_one(h, "Có")
    assert "Quy định TTHC trong dự thảo" in h.texts()
    await h.tap(INSPECTOR, "Không đạt")
    await h.text(INSPECTOR, "Chưa đánh giá tác động")
    await h.tap(INSPECTOR, "Đạt")
    await h.tap(INSPECTOR, "Đạt")
    assert "Mục 2/2 · Câu 1/4" in h.texts()
    for _ in range(4):
        await h.tap(INSPECTOR, "Quay lại")
    assert "Trong kỳ có dự thảo" in h.texts()
    await h.tap(INSPECTOR, "Không")
    said = h.texts()
    assert "không hỏi 3 câu: 1.3, 1.4, 1.5" in said and "vẫn được lưu" in said
    assert "Mục 2/2 · Câu 1/4" in said  # on past the items ruled out
    stored = await answers(h)
    assert stored["danh-gia"].value == "fail" and stored["danh-gia"].note == "Chưa đánh giá tác động"
    inspection = await draft(h)
    async with h.store.transaction() as tx:
        snapshot = await h.engine.publisher.snapshot(tx, inspection)
    assert "danh-gia" in snapshot.set_aside and "danh-gia" not in snapshot.answers  # out of the result
    assert snapshot.ruled_out == {"danh-gia", "lay-y-kien", "tiep-thu"}
    # Back from area 2 goes to the gate, not to the items ruled out.
    await h.tap(INSPECTOR, "Quay lại")
    assert "Trong kỳ có dự thảo" in h.texts()
    await h.tap(INSPECTOR, "Có")
    said = h.texts()
    assert "cần hỏi thêm 3 câu: 1.3, 1.4, 1.5" in said
    assert "Quy định TTHC trong dự thảo" in said and "Không đạt" in said  # asked again, its answer kept
    assert (await draft(h)).stage is Stage.ITEM


async def test_the_question_mark_opens_help_and_basis_without_moving_on(h: Harness) -> None:
    await through_area_one(h, "Có")
    before = await draft(h)
    replies = await h.tap(INSPECTOR, "❓")
    shown = h.texts(replies)
    assert "Xem &lt;b&gt;bản đánh giá&lt;/b&gt; kèm hồ sơ dự thảo." in shown  # typed text, escaped
    assert "<b>Căn cứ:</b> Nghị định 63/2010/NĐ-CP" in shown
    assert "Quy định TTHC trong dự thảo" in shown
    assert "Đạt" in h.button_labels() and not any("❓" in label for label in h.button_labels())
    after = await draft(h)
    assert (after.stage, after.pos, after.step) == (before.stage, before.pos, before.step)
    await h.tap(INSPECTOR, "Đạt")  # the buttons shown with the guidance still answer the question
    assert (await answers(h))["danh-gia"].value == "pass"


async def test_an_item_without_guidance_has_no_question_mark(h: Harness) -> None:
    await h.start_inspection()
    assert "Đạt" in h.button_labels() and not any("❓" in label for label in h.button_labels())


async def test_several_choices_are_toggled_then_done(h: Harness) -> None:
    await through_area_one(h, "Không")
    await h.tap(INSPECTOR, "Xong")
    assert any(isinstance(reply, Toast) and "ít nhất một" in reply.text for reply in h.last)
    assert (await draft(h)).stage is Stage.ITEM and "hinh-thuc" not in await answers(h)
    await h.command(INSPECTOR, "resume")
    await h.tap(INSPECTOR, "Màn hình")
    await h.tap(INSPECTOR, "Bảng")
    assert "☑️ Bảng" in h.button_labels() and "☑️ Màn hình cảm ứng" in h.button_labels()
    assert (await answers(h))["hinh-thuc"].value == "bang man-hinh"  # stored with each press
    await h.tap(INSPECTOR, "☑️ Bảng")
    assert (await answers(h))["hinh-thuc"].value == "man-hinh"
    await h.tap(INSPECTOR, "Xong")
    assert "Ngày ban hành kế hoạch" in h.texts()
    assert "Màn hình cảm ứng" in h.texts()  # the answered line in the chat's record


async def test_dates_and_bounded_numbers_are_checked_as_typed(h: Harness) -> None:
    await through_area_one(h, "Không")
    await h.tap(INSPECTOR, "Sổ")
    await h.tap(INSPECTOR, "Xong")
    assert "«31/02/2026» không phải là một ngày" in h.texts(await h.text(INSPECTOR, "31/02/2026"))
    assert "Đã ghi: <b>26/11/2026</b>" in h.texts(await h.text(INSPECTOR, "26-11-2026"))
    refused = h.texts(await h.text(INSPECTOR, "120"))
    assert "<b>120 %</b> không hợp lệ: giá trị phải từ 0 % đến 100 %." in refused
    assert "ty-le" not in await answers(h)
    assert "Đã ghi: <b>97,5 %</b>" in h.texts(await h.text(INSPECTOR, "97,5"))
    stored = await answers(h)
    assert (stored["ngay-ke-hoach"].value, stored["ty-le"].value) == ("2026-11-26", "97.5")


async def test_the_review_scores_each_area_and_the_whole_by_weight(h: Harness) -> None:
    await through_area_one(h, "Không")  # area 1: "ke-hoach" passed, weight 2
    await through_area_two(h, "Một phần")  # area 2: one criterion, half
    review = h.texts()
    assert "Điểm chung: <b>83 %</b>" in review  # (2 × 1 + 0.5) / 3
    assert "điểm 100 %" in review and "điểm 50 %" in review


async def test_a_checklist_without_scoring_shows_no_score(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path)
    try:
        await h.start_inspection()
        await h.tap(INSPECTOR, "Đạt")
        await h.command(INSPECTOR, "status")
        assert "điểm" not in h.texts().lower()
    finally:
        await h.store.close()


async def test_status_counts_only_what_is_asked(h: Harness) -> None:
    await through_area_one(h, "Không")
    status = h.texts(await h.command(INSPECTOR, "status"))
    assert "2/6" in status  # 9 items, 3 ruled out, 2 answered


async def submit_with_a_gated_shortcoming(h: Harness) -> None:
    """«Có» at the gate, 1.3 Không đạt with a note, then on to the end and submitted."""
    await through_area_one(h, "Có")
    await h.tap(INSPECTOR, "Không đạt")
    await h.text(INSPECTOR, "Chưa đánh giá tác động")
    await h.tap(INSPECTOR, "Đạt")
    await h.tap(INSPECTOR, "Đạt")
    await through_area_two(h)
    await h.tap(INSPECTOR, "Gửi")


async def test_a_gate_corrected_after_submit_closes_the_follow_ups_it_rules_out(h: Harness) -> None:
    await submit_with_a_gated_shortcoming(h)
    async with h.store.reading() as tx:
        assert [f.item_id for f in await tx.followups.of(1)] == ["danh-gia"]
    await h.command(INSPECTOR, "amend", "1")
    await h.tap(INSPECTOR, "1. Đánh giá")
    await h.tap(INSPECTOR, "1.2 Trong kỳ")
    await h.tap(INSPECTOR, "Không")
    replies = await h.text(INSPECTOR, "Dự thảo do Sở Tư pháp soạn, không phải của xã")
    assert "Đề nghị khắc phục #1 đã đóng" in h.texts(replies)
    async with h.store.reading() as tx:
        followup = (await tx.followups.of(1))[0]
        stored = await tx.inspections.answers(1)
    assert followup.status.value == "done" and stored["danh-gia"].value == "fail"  # kept, set aside
    menu = h.texts(await h.command(INSPECTOR, "amend", "1"))
    assert "Sửa kết quả phiên #1" in menu
    items = await h.tap(INSPECTOR, "1. Đánh giá")
    assert "1.3</b> Quy định TTHC trong dự thảo đã được đánh giá tác động → <i>không áp dụng theo điều kiện</i>" in (
        h.texts(items)
    )
    assert not any(label.startswith("1.3") for label in h.button_labels())  # the gate is what to correct


async def test_a_shortcoming_ruled_out_before_submit_opens_no_follow_up(h: Harness) -> None:
    await through_area_one(h, "Có")
    await h.tap(INSPECTOR, "Không đạt")
    await h.text(INSPECTOR, "Chưa đánh giá tác động")
    await h.tap(INSPECTOR, "Quay lại")
    await h.tap(INSPECTOR, "Quay lại")
    await h.tap(INSPECTOR, "Không")
    await through_area_two(h)
    review = h.texts()
    assert "Chưa đánh giá tác động" not in review  # set aside: not among the shortcomings
    await h.tap(INSPECTOR, "Gửi")
    async with h.store.reading() as tx:
        assert await tx.followups.of(1) == []
        assert (await tx.inspections.answers(1))["danh-gia"].note == "Chưa đánh giá tác động"


async def test_several_choices_are_corrected_by_toggling_then_done(h: Harness) -> None:
    await submit_with_a_gated_shortcoming(h)
    await h.command(INSPECTOR, "amend", "1")
    await h.tap(INSPECTOR, "2. Giải quyết")
    await h.tap(INSPECTOR, "2.1 Các hình thức")
    assert "☑️ Sổ" in h.button_labels()
    await h.tap(INSPECTOR, "Màn hình")
    assert "☑️ Sổ" in h.button_labels() and "☑️ Màn hình cảm ứng" in h.button_labels()
    await h.tap(INSPECTOR, "☑️ Sổ")
    await h.tap(INSPECTOR, "☑️ Màn hình")
    toasted = await h.tap(INSPECTOR, "Xong")
    assert any(isinstance(reply, Toast) and "ít nhất một" in reply.text for reply in toasted)
    await h.command(INSPECTOR, "amend", "1")  # from the start: the answer recorded is still Sổ
    await h.tap(INSPECTOR, "2. Giải quyết")
    await h.tap(INSPECTOR, "2.1 Các hình thức")
    assert "☑️ Sổ" in h.button_labels()
    await h.tap(INSPECTOR, "☑️ Sổ")
    await h.tap(INSPECTOR, "Bảng")
    reason = h.texts(await h.tap(INSPECTOR, "Xong"))
    assert "lý do" in reason and "→ <b>Bảng</b>" in reason
    await h.text(INSPECTOR, "Sổ đã thay bằng bảng")
    async with h.store.reading() as tx:
        assert (await tx.inspections.answers(1))["hinh-thuc"].value == "bang"
