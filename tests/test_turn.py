"""What a tap costs and what stays readable: the answered question's message becomes the next question."""

from __future__ import annotations

from pathlib import Path

from bot.checklist.loader import parse_checklist
from bot.events import Edit, Photos, Reply, ReportFile, Say
from bot.turn import CARRY_LIMIT
from tests.engine_harness import INSPECTOR, Harness

LONG_PROMPT = "Đơn vị đã niêm yết đầy đủ, đúng quy định thủ tục hành chính thuộc thẩm quyền " * 3
LONG_CHECKLIST = parse_checklist(
    "id: dai\nversion: 1\ntitle: Bảng kiểm dài\nareas:\n"
    + "".join(
        f"  - id: muc-{a}\n    title: Mục {a}\n    items:\n"
        + "".join(
            f"      - id: cau-{a}-{i}\n        prompt: {LONG_PROMPT}({a}.{i})\n        type: rating\n" for i in range(6)
        )
        for a in range(5)
    )
)


def calls(replies: list[Reply]) -> list[Reply]:
    """Replies that cost a rate-limited Bot API call (an answered press is not limited)."""
    return [r for r in replies if isinstance(r, (Say, Edit, Photos, ReportFile)) and r.chat_id == INSPECTOR.id]


async def test_every_tap_through_a_checklist_costs_one_call_and_keeps_what_was_answered(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path, LONG_CHECKLIST)
    try:
        await h.start_inspection()
        owed, sent = [], []
        for _ in range(30):
            replies = await h.tap(INSPECTOR, "Đạt")
            owed.append(len(calls(replies)))
            sent += [r for r in replies if isinstance(r, Say)]
        assert owed == [1] * 30
        # About twelve answered questions fit above the next one; then it goes out as a new message,
        # which starts with the answer just given, and the message before keeps all it had.
        assert 1 <= len(sent) <= 3
        for say in sent:
            assert say.html.startswith("✓ <b>")
            assert say.buttons
        edits = [r for r in h.last if isinstance(r, Edit)]
        assert all(len(e.html or "") <= CARRY_LIMIT for e in edits)
        async with h.store.reading() as tx:
            answers = await tx.inspections.answers(1)
        assert len(answers) == 30
    finally:
        await h.store.close()


async def test_a_message_sent_after_overflowing_goes_on_with_the_line_it_started_with(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path, LONG_CHECKLIST)
    try:
        await h.start_inspection()
        replies: list[Reply] = []
        while not any(isinstance(r, Say) for r in replies):
            replies = await h.tap(INSPECTOR, "Đạt")
        (fresh,) = [r for r in replies if isinstance(r, Say)]
        first_line = fresh.html.split("\n", 1)[0]
        (rewritten,) = [r for r in await h.tap(INSPECTOR, "Đạt") if isinstance(r, Edit)]
        assert rewritten.html is not None
        lines = rewritten.html.split("\n")
        assert lines[0] == first_line and lines[1].startswith("✓ <b>")
    finally:
        await h.store.close()


async def test_a_typed_answer_starts_a_new_message_whose_taps_start_afresh(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path)
    try:
        await h.start_inspection()
        await h.tap(INSPECTOR, "Không đạt")  # the note is asked for in the same message
        noted = await h.text(INSPECTOR, "Kế hoạch ban hành muộn")
        assert [type(r) for r in calls(noted)] == [Say]  # the next question, as a new message
        (rewritten,) = [r for r in await h.tap(INSPECTOR, "Có") if isinstance(r, Edit)]
        assert rewritten.html is not None
        assert rewritten.html.startswith("✓ <b>1.2</b> Có dự thảo văn bản quy định TTHC không? → <b>Có</b>\n\n")
        assert "ke-hoach" not in rewritten.html and "1.1" not in rewritten.html
    finally:
        await h.store.close()
