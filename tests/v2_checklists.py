"""A small checklist of version 2 (conditions, legal bases, weights and scoring) and two units inspected
with it, stored in a real SQLite file the way the conversation stores them, for the documents' tests.

At the first unit the gate of area 2 is answered "Không", which rules out its three other items, after one
of them was answered "Không đạt" (the inspector went back and changed the gate): that answer stays stored
but must count for nothing. Nobody there received feedback, which rules out the whole of area 4. The second
unit answers everything. The scores, by hand (pass 1, partial 0.5, fail 0, times each item's weight):

    unit 1: area 1 (0×2 + 1×1)/3 = 33 %, area 2 nothing scored, area 3 (0.5×3)/3 = 50 %, area 4 ruled out;
            overall 2.5/6 = 42 % (36 % if the set-aside answer counted)
    unit 2: area 1 100 %, area 2 (1 + 0.5)/2 = 75 %, area 3 100 %, area 4 (1 + 0)/2 = 50 %; overall 8.5/10 = 85 %
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.answers import SHORTCOMINGS
from bot.checklist import conditions
from bot.checklist.loader import parse_checklist
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from bot.reports.service import ReportService
from storage.models import NewInspection, Status
from storage.port import Store, Tx
from storage.sqlite.store import SqliteStore

SCORING = """scoring:
  pass: 1
  partial: 0.5
  fail: 0
"""
CHECKLIST = f"""
id: thu-nghiem-v2
version: 1
title: Bảng kiểm thử nghiệm có điều kiện
{SCORING}areas:
  - id: chi-dao
    title: Chỉ đạo, điều hành
    items:
      - id: ke-hoach
        prompt: Đã ban hành kế hoạch KSTTHC năm?
        type: rating
        weight: 2
        basis: Nghị định 63/2010/NĐ-CP
      - id: dau-moi
        prompt: Đã cử công chức đầu mối KSTTHC?
        type: rating
        basis: Thông tư 02/2017/TT-VPCP
      - id: co-phan-anh
        prompt: Trong kỳ, đơn vị có nhận phản ánh, kiến nghị không?
        type: yesno
  - id: danh-gia
    title: Đánh giá tác động TTHC
    items:
      - id: co-du-thao
        prompt: Trong kỳ, đơn vị có dự thảo văn bản có quy định về TTHC không?
        type: yesno
      - id: danh-gia-tac-dong
        prompt: Quy định TTHC trong dự thảo đã được đánh giá tác động?
        type: rating
        basis: Điều 10 Nghị định 63/2010/NĐ-CP
        show_if: {{item: co-du-thao, in: [yes]}}
      - id: lay-y-kien
        prompt: Đã lấy ý kiến đối tượng chịu tác động về dự thảo?
        type: rating
        show_if: {{item: co-du-thao, in: [yes]}}
      - id: so-du-thao
        prompt: Số dự thảo có quy định TTHC
        type: integer
        unit: văn bản
        show_if: {{item: co-du-thao, in: [yes]}}
  - id: niem-yet
    title: Công khai TTHC
    items:
      - id: niem-yet-dung
        prompt: TTHC được niêm yết đầy đủ, đúng quy định?
        type: rating
        weight: 3
        basis: Thông tư 02/2017/TT-VPCP
      - id: hinh-thuc
        prompt: Hình thức niêm yết
        type: choices
        options:
          - {{value: bang, label: Bảng}}
          - {{value: so, label: Sổ}}
          - {{value: man-hinh, label: Màn hình cảm ứng}}
      - id: ngay-cap-nhat
        prompt: Ngày cập nhật niêm yết gần nhất
        type: date
      - id: ty-le
        prompt: Tỷ lệ hồ sơ giải quyết đúng hạn
        type: number
        unit: "%"
        min: 0
        max: 100
  - id: phan-anh
    title: Tiếp nhận, xử lý phản ánh, kiến nghị
    show_if: {{item: co-phan-anh, in: [yes]}}
    items:
      - id: so-theo-doi
        prompt: Có sổ theo dõi phản ánh, kiến nghị?
        type: rating
        basis: Nghị định 20/2008/NĐ-CP
      - id: xu-ly-dung-han
        prompt: Phản ánh, kiến nghị được xử lý đúng hạn?
        type: rating
"""
AREA_2_RULED_OUT = ["danh-gia-tac-dong", "lay-y-kien", "so-du-thao"]
AREA_4 = ["so-theo-doi", "xu-ly-dung-han"]
SET_ASIDE_NOTE = "Chưa đánh giá tác động"
LEAD = (100, "Trần Trưởng Đoàn")
TEAM_GROUP = -1001


def checklist(scored: bool = True) -> Checklist:
    """The checklist, with its `scoring` block or without it (weights stay: they mean nothing then)."""
    return parse_checklist(CHECKLIST if scored else CHECKLIST.replace(SCORING, ""))


@dataclass(frozen=True)
class Visit:
    """One unit, its answers (item, value, note) in the order the inspector gave them; an item answered
    twice keeps the last."""

    unit: str
    answers: Sequence[tuple[str, str, str | None]]


FIRST = Visit(
    "UBND xã Cổ Lũng",
    [
        ("ke-hoach", "fail", "Kế hoạch ban hành muộn"),
        ("dau-moi", "pass", None),
        ("co-phan-anh", "no", None),
        ("co-du-thao", "yes", None),
        ("danh-gia-tac-dong", "fail", SET_ASIDE_NOTE),
        ("co-du-thao", "no", None),  # went back: the three items after it are no longer asked
        ("niem-yet-dung", "partial", "Thiếu mẫu đơn, tờ khai"),
        ("hinh-thuc", "bang man-hinh", None),
        ("ngay-cap-nhat", "2026-11-02", None),
        ("ty-le", "97.5", None),
    ],
)
SECOND = Visit(
    "UBND xã Phấn Mễ",
    [
        ("ke-hoach", "pass", None),
        ("dau-moi", "pass", None),
        ("co-phan-anh", "yes", None),
        ("co-du-thao", "yes", None),
        ("danh-gia-tac-dong", "pass", None),
        ("lay-y-kien", "partial", "Lấy ý kiến chưa đủ"),
        ("so-du-thao", "2", None),
        ("niem-yet-dung", "pass", None),
        ("hinh-thuc", "so", None),
        ("ngay-cap-nhat", "2026-11-10", None),
        ("ty-le", "100", None),
        ("so-theo-doi", "pass", None),
        ("xu-ly-dung-han", "fail", "Xử lý quá hạn 2 phản ánh"),
    ],
)


async def seed_visits(
    tx: Tx, checklist: Checklist, team_id: int, visits: Sequence[Visit], round_id: int | None = None
) -> list[int]:
    """Submitted inspections of `visits` by the lead, with a follow-up per shortcoming in force, as the
    conversation leaves them; their ids."""
    await tx.inspections.register_checklist(checklist.id, checklist.version, checklist.canonical_json())
    ids = []
    for visit in visits:
        new = NewInspection(
            team_id=team_id,
            inspector_id=LEAD[0],
            inspector_name=LEAD[1],
            checklist_id=checklist.id,
            checklist_version=checklist.version,
            round_id=round_id,
        )
        inspection = await tx.inspections.create(new)
        await tx.inspections.set_unit(inspection.id, visit.unit)
        for item_id, value, note in visit.answers:
            found = checklist.find(item_id)
            assert found is not None, item_id
            await tx.inspections.save_answer(inspection.id, found[1].id, item_id, value, LEAD[0])
            await tx.inspections.save_note(inspection.id, item_id, note)
        stored = await tx.inspections.answers(inspection.id)
        out = conditions.ruled_out(checklist, stored)
        for item_id, answer in stored.items():
            if item_id not in out and answer.value in SHORTCOMINGS:
                await tx.followups.add(inspection, answer, date(2026, 12, 20))
        await tx.inspections.finish(inspection.id, Status.SUBMITTED)
        ids.append(inspection.id)
    return ids


@asynccontextmanager
async def report_service(
    directory: Path, checklist: Checklist, visits: Sequence[Visit] = (FIRST, SECOND)
) -> AsyncIterator[tuple[Store, ReportService]]:
    """A store holding a team, its round and `visits` submitted in it (inspections 1, 2, … in order, round 1),
    and the service that builds their documents."""
    store = await SqliteStore.open(directory / "kiemtra.sqlite3")
    try:
        async with store.transaction() as tx:
            team = await tx.teams.create("Đoàn kiểm tra số 1", TEAM_GROUP, LEAD[0], LEAD[1], "moi", "thamgia")
            chosen = await tx.rounds.open(team.id, "Đợt kiểm tra có điều kiện", LEAD[0], LEAD[1], checklist.id)
            await seed_visits(tx, checklist, team.id, visits, chosen.id)
        photos = directory / "photos"
        photos.mkdir(exist_ok=True)
        yield (
            store,
            ReportService(
                store,
                ChecklistVersions(checklist),
                issuer="UBND TỈNH THÁI NGUYÊN",
                place="Thái Nguyên",
                photo_dir=photos,
            ),
        )
    finally:
        await store.close()
