"""Several checklists in use: the lead picks a round's with buttons, every inspection of the round answers
it, and /stats reads each checklist against its own areas. Driven through the engine on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.buttons import GroupAction, decode_group
from bot.checklist.loader import parse_checklist
from bot.events import (
    Chat,
    ChatKind,
    Command,
    Person,
    Reply,
    ReportFile,
    ReportKind,
    ReportRequest,
    Say,
    Tap,
    Text,
    Toast,
)
from bot.reports.service import ReportService, ReportUnavailable
from storage.models import Round
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, SMALL_CHECKLIST, Harness
from tests.test_engine_reports import submit

GROUP_CHAT = Chat(id=GROUP, kind=ChatKind.GROUP)
SMALL = parse_checklist(SMALL_CHECKLIST)
# Its one area has the id of the small checklist's first: /stats must not add the two up.
QUICK_CHECKLIST = """
id: cong-khai-nhanh
version: 1
title: Bảng kiểm nhanh công khai TTHC tại Bộ phận Một cửa của UBND cấp xã
areas:
  - id: chi-dao
    title: Niêm yết tại Bộ phận Một cửa
    items:
      - {id: niem-yet-du, prompt: "Niêm yết đủ TTHC tại Bộ phận Một cửa?", type: rating}
      - {id: so-theo-doi, prompt: "Có sổ theo dõi hồ sơ?", type: yesno}
"""
QUICK = parse_checklist(QUICK_CHECKLIST)


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.open(tmp_path, SMALL, others=[QUICK])
    try:
        await harness.make_team_with_inspector()
        yield harness
    finally:
        await harness.store.close()


async def in_group(h: Harness, event: Command | Tap | Text | None = None, person: Person = ADMIN) -> list[Reply]:
    """`/round` by the lead unless told otherwise."""
    return await h.send(person, event or Command(name="round"), GROUP_CHAT)


async def tap_group(h: Harness, label: str, person: Person = ADMIN) -> list[Reply]:
    data, message_id = h.pressable(label)
    return await h.send(person, Tap(data=data), GROUP_CHAT, tapped=message_id)


def toasts(replies: list[Reply]) -> list[str]:
    return [r.text for r in replies if isinstance(r, Toast)]


async def the_round(h: Harness) -> Round:
    async with h.store.reading() as tx:
        opened = await tx.rounds.get(1)
    assert opened is not None
    return opened


async def submit_quick(h: Harness, unit: str, rating: str) -> None:
    await h.command(INSPECTOR, "inspect")
    await h.text(INSPECTOR, unit)
    await h.tap(INSPECTOR, "Bỏ qua")
    await h.tap(INSPECTOR, rating)
    if rating != "Đạt":
        await h.text(INSPECTOR, "Thiếu hai thủ tục")
    await h.tap(INSPECTOR, "Có")
    for _ in range(4):  # recommendations, strengths, representatives, opinion
        await h.tap(INSPECTOR, "Bỏ qua")
    assert "Đã gửi kết quả" in h.texts(await h.tap(INSPECTOR, "Gửi"))


async def test_one_checklist_asks_nothing_new(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path)
    try:
        await h.make_team_with_inspector()
        replies = await in_group(h, Command(name="round", args="Đợt tháng 11"))
        assert len(replies) == 1 and "Đã mở đợt" in h.texts() and "trả lời tin nhắn này" in h.texts()
        assert "bảng kiểm" not in h.texts().lower()
        await in_group(h)
        assert "Bảng kiểm" not in h.texts()
        assert [[b.label for b in row] for r in h.last if isinstance(r, Say) for row in r.buttons] == [
            ["📜 Nhập căn cứ"]
        ]
        assert (await the_round(h)).checklist_id == "thu-nghiem"
    finally:
        await h.store.close()


async def test_the_lead_picks_the_rounds_checklist_and_its_inspections_answer_it(h: Harness) -> None:
    replies = await in_group(h, Command(name="round", args="Đợt <công khai>"))
    choice, basis = (r for r in replies if isinstance(r, Say))
    assert "Đã mở đợt kiểm tra <b>Đợt &lt;công khai&gt;</b>" in choice.html
    assert "Đợt này dùng bảng kiểm nào? Chưa chọn thì dùng <b>Bảng kiểm thử nghiệm</b>" in choice.html
    labels = [button.label for row in choice.buttons for button in row]
    assert labels == ["Bảng kiểm thử nghiệm", "Bảng kiểm nhanh công khai TTHC tại Bộ phận Một cửa của UBND…"]
    first, quick = (row[0].data for row in choice.buttons)
    tokens = [decode_group(button.data) for row in choice.buttons for button in row]
    assert all(t is not None and (t.action, t.subject) == (GroupAction.ROUND_CHECKLIST, 1) for t in tokens)
    assert "trả lời tin nhắn này bằng <b>căn cứ</b>" in basis.html  # the basis question as before
    assert (await the_round(h)).checklist_id == "thu-nghiem"  # the default until the lead picks

    refused = await in_group(h, Tap(data=quick), person=INSPECTOR)  # a member, not the lead
    assert toasts(refused) == ["Chỉ trưởng đoàn hoặc quản trị viên mới làm được việc này."]
    assert (await the_round(h)).checklist_id == "thu-nghiem"

    chosen = await in_group(h, Tap(data=quick))
    said = [r.html for r in chosen if isinstance(r, Say)]
    assert said == [
        "📋 Đợt <b>Đợt &lt;công khai&gt;</b> dùng bảng kiểm <b>Bảng kiểm nhanh công khai TTHC tại Bộ phận Một cửa "
        "của UBND cấp xã</b>: các phiên /inspect của đợt hỏi theo bảng kiểm này."
    ]
    assert (await the_round(h)).checklist_id == "cong-khai-nhanh"
    assert toasts(await in_group(h, Tap(data=quick))) == ["Đợt đang dùng bảng kiểm này."]
    # The basis question still takes the lead's reply.
    assert "Đã ghi căn cứ" in h.texts(await in_group(h, Text(text="Kế hoạch số 30/KH-UBND ngày 05/8/2026")))

    shown = await in_group(h)
    assert "📋 Bảng kiểm: <b>Bảng kiểm nhanh công khai" in h.texts(shown)
    assert len([row for r in shown if isinstance(r, Say) for row in r.buttons]) == 3  # basis, two checklists

    await h.command(INSPECTOR, "inspect")
    assert "📋 Bảng kiểm nhanh công khai TTHC" in h.texts() and "(1 mục, 2 câu)" in h.texts()
    await h.text(INSPECTOR, "UBND xã Cổ Lũng")
    await h.tap(INSPECTOR, "Bỏ qua")
    assert "Niêm yết đủ TTHC tại Bộ phận Một cửa?" in h.texts()
    async with h.store.reading() as tx:
        draft = await tx.inspections.get(1)
    assert draft is not None and (draft.checklist_id, draft.checklist_version, draft.round_id) == (
        "cong-khai-nhanh",
        1,
        1,
    )

    # An inspection has started: the round's checklist is settled, and /round offers it no more.
    await in_group(h)
    assert len([row for r in h.last if isinstance(r, Say) for row in r.buttons]) == 1
    locked = await in_group(h, Tap(data=first))  # the first message's buttons, pressed again
    assert toasts(locked) == [
        "Đợt đã có phiên kiểm tra theo bảng kiểm «Bảng kiểm nhanh công khai TTHC tại Bộ phận Một cửa của UBND…» "
        "nên không đổi bảng kiểm được nữa."
    ]
    assert (await the_round(h)).checklist_id == "cong-khai-nhanh"


async def test_outside_a_round_and_after_it_the_default_is_used(h: Harness) -> None:
    await in_group(h, Command(name="round", args="Đợt nhanh"))
    await tap_group(h, "Bảng kiểm nhanh")
    await in_group(h, Command(name="endround"))
    await tap_group(h, "Kết thúc đợt")
    await h.command(INSPECTOR, "inspect")
    assert "📋 Bảng kiểm thử nghiệm (2 mục, 6 câu)" in h.texts()


async def test_forged_and_stale_presses_change_nothing(h: Harness) -> None:
    await in_group(h, Command(name="round", args="Đợt một"))
    good = h.button("Bảng kiểm nhanh")
    token = decode_group(good)
    assert token is not None
    place, digest = token.arg.split("c")
    forged = [
        f"C:1:9c{digest}",  # no ninth checklist
        f"C:1:0c{digest}",  # the place of another checklist than the digest's
        "C:1:1",
        "C:1:1cffffffff",
    ]
    for data in forged:
        assert toasts(await in_group(h, Tap(data=data))) == [
            "Nút này đã cũ, thông tin đã thay đổi. Hãy gửi lại lệnh để xem bản mới."
        ], data
    assert toasts(await in_group(h, Tap(data=f"C:2:{place}c{digest}"))) == [
        "Nút này thuộc đoàn khác, không dùng được trong nhóm này."
    ]
    await in_group(h, Command(name="endround"))
    await tap_group(h, "Kết thúc đợt")
    closed = await in_group(h, Tap(data=good))
    assert toasts(closed) == ["Nút này đã cũ, thông tin đã thay đổi. Hãy gửi lại lệnh để xem bản mới."]
    assert (await the_round(h)).checklist_id == "thu-nghiem"


async def test_a_round_keeps_its_checklist_when_it_leaves_the_folder(tmp_path: Path) -> None:
    """Taken out of CHECKLIST_DIR while a round on it is open, the checklist goes on for that round, at
    the last version loaded: its inspections keep answering one checklist."""
    h = await Harness.open(tmp_path, SMALL, others=[QUICK])
    try:
        await h.make_team_with_inspector()
        await in_group(h, Command(name="round", args="Đợt nhanh"))
        await tap_group(h, "Bảng kiểm nhanh")
    finally:
        await h.store.close()
    h = await Harness.open(tmp_path, SMALL, others=[parse_checklist(SMALL_CHECKLIST.replace("thu-nghiem", "khac"))])
    try:
        # A fresh harness numbers its updates from 1 again: keys of their own, or they count as redelivered.
        await h.send(ADMIN, Command(name="round"), GROUP_CHAT, key="after:1")
        assert "📋 Bảng kiểm: <b>Bảng kiểm nhanh công khai" in h.texts()
        await h.send(INSPECTOR, Command(name="inspect"), key="after:2")
        assert "(1 mục, 2 câu)" in h.texts()
    finally:
        await h.store.close()


async def test_stats_read_each_checklist_against_its_own_areas(h: Harness, tmp_path: Path) -> None:
    await submit(h, "UBND thị trấn Đu", rating="Đạt")  # outside a round: the default checklist
    await in_group(h, Command(name="round", args="Đợt nhanh"))
    await tap_group(h, "Bảng kiểm nhanh")
    await submit_quick(h, "UBND xã Cổ Lũng", "Không đạt")
    await submit_quick(h, "UBND xã Phấn Mễ", "Đạt")
    replies = await in_group(h, Command(name="stats"))
    lines = h.texts(replies).splitlines()
    start = lines.index("📋 <b>Bảng kiểm thử nghiệm</b>")
    assert lines[start : start + 5] == [
        "📋 <b>Bảng kiểm thử nghiệm</b>",
        "1. Chỉ đạo, điều hành: <b>100 %</b> (1/1)",  # not 2/3: the other checklist's area has the same id
        "2. Công khai, niêm yết TTHC: <b>100 %</b> (1/1)",
        "📋 <b>Bảng kiểm nhanh công khai TTHC tại Bộ phận Một cửa của UBND cấp xã</b>",
        "1. Niêm yết tại Bộ phận Một cửa: <b>50 %</b> (1/2)",
    ]
    requests = [r.request for r in replies if isinstance(r, ReportFile)]
    assert [(r.kind, r.checklist_id) for r in requests] == [
        (ReportKind.STATS, "thu-nghiem"),
        (ReportKind.STATS, "cong-khai-nhanh"),
    ]
    service = ReportService(h.store, h.engine.versions, issuer="UBND TỈNH", place="Thái Nguyên", photo_dir=tmp_path)
    for number, request in enumerate(requests):
        folder = tmp_path / f"chart-{number}"
        folder.mkdir()
        built = await service.build(request, folder)
        assert built.as_photo and built.path.stat().st_size > 0
    with pytest.raises(ReportUnavailable, match="theo bảng kiểm này"):
        await service.build(ReportRequest(kind=ReportKind.STATS, team_id=1, checklist_id="khac"), tmp_path)
