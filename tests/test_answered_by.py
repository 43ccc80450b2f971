"""Who answered what, when several members of the team answer areas of one inspection: the snapshot, the
review and the group's summary, the record, the workbook and the export, over a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from bot.checklist.loader import BUNDLED_CHECKLIST, load_checklist
from bot.checklist.model import Checklist, ItemType
from bot.checklist.versions import ChecklistVersions
from bot.findings.snapshot import Snapshot, answerers_by_area, read_snapshot
from bot.findings.summary import render_review, render_summary
from bot.reports.data import InspectionReport, RoundReport
from bot.reports.export import export_json
from bot.reports.record import photo_span, write_record
from bot.reports.round_doc import write_round_report
from bot.reports.service import ReportService
from bot.reports.workbook import write_workbook
from bot.texts.catalogue import VI, catalogue
from bot.texts.formats import spans
from storage.clock import utcnow
from storage.models import NewInspection, Status
from storage.sqlite.store import SqliteStore
from tests import report_samples as samples
from tests.test_report_record import document_lines

LEAD, LEAD_NAME = 100, "Trần Quản Trị"
OWNER, OWNER_NAME = 200, "Nguyễn Văn An"
HELPER, HELPER_NAME = 300, "Lê Thị <Hoa> & Co"  # removed from the team after the inspection
INSPECTOR_COLUMN = 11  # «Người kiểm tra» on the sheet «Trả lời», counted from 0


@pytest.fixture
def checklist() -> Checklist:
    return load_checklist(BUNDLED_CHECKLIST)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = await SqliteStore.open(tmp_path / "kiemtra.sqlite3")
    yield store
    await store.close()


def value_of(item_type: ItemType) -> str:
    return {ItemType.RATING: "pass", ItemType.YESNO: "yes", ItemType.NUMBER: "95", ItemType.PHOTO: "0"}.get(
        item_type, "Đã ghi nhận"
    )


async def inspect(store: SqliteStore, checklist: Checklist, by_area: dict[int, int]) -> int:
    """A submitted inspection of the bundled checklist owned by OWNER, whose area n (from 1) is answered by
    `by_area[n]` (the owner for areas not given). The helper answers first, so the order of first answers
    is not the checklist's; the helper is removed from the team afterwards."""
    async with store.transaction() as tx:
        team = await tx.teams.create("Đoàn kiểm tra số 1", -1001, LEAD, LEAD_NAME, "moi", "K7M2QX9P")
        for person, name in ((OWNER, OWNER_NAME), (HELPER, HELPER_NAME)):
            await tx.teams.add_member(team.id, person, name, utcnow())
        await ChecklistVersions(checklist).register(tx)
        new = NewInspection(
            team_id=team.id,
            inspector_id=OWNER,
            inspector_name=OWNER_NAME,
            checklist_id=checklist.id,
            checklist_version=checklist.version,
        )
        inspection = await tx.inspections.create(new)
        await tx.inspections.set_unit(inspection.id, "UBND xã Cổ Lũng")
    answers = [
        (by_area.get(number, OWNER), area.id, item.id, value_of(item.type))
        for number, area in enumerate(checklist.areas, start=1)
        for item in area.items
    ]
    answers.sort(key=lambda answer: answer[0] != HELPER)
    for person, area_id, item_id, value in answers:
        async with store.transaction() as tx:
            await tx.inspections.save_answer(inspection.id, area_id, item_id, value, answered_by=person)
    async with store.transaction() as tx:
        await tx.inspections.finish(inspection.id, Status.SUBMITTED)
        await tx.teams.remove_member(team.id, HELPER, removed_by=LEAD)
    return inspection.id


async def report_of(store: SqliteStore, checklist: Checklist, inspection_id: int, tmp_path: Path) -> InspectionReport:
    service = ReportService(
        store, ChecklistVersions(checklist), issuer="UBND TỈNH THÁI NGUYÊN", place="Thái Nguyên", photo_dir=tmp_path
    )
    return await service.inspection_report(inspection_id)


SHARED = {4: HELPER, 6: HELPER, 7: HELPER, 8: LEAD}  # area number -> who answered it; the owner the others
NAMES = {LEAD: LEAD_NAME, OWNER: OWNER_NAME, HELPER: HELPER_NAME}


def answered_in(number: int) -> str:
    """The name of who answered area `number` of the shared inspection."""
    return NAMES[SHARED.get(number, OWNER)]


@pytest.fixture
async def shared(store: SqliteStore, checklist: Checklist, tmp_path: Path) -> InspectionReport:
    return await report_of(store, checklist, await inspect(store, checklist, SHARED), tmp_path)


@pytest.fixture
async def solo(store: SqliteStore, checklist: Checklist, tmp_path: Path) -> InspectionReport:
    return await report_of(store, checklist, await inspect(store, checklist, {}), tmp_path)


async def test_a_removed_member_keeps_their_name_among_the_teams_names(
    store: SqliteStore, checklist: Checklist
) -> None:
    await inspect(store, checklist, SHARED)
    async with store.reading() as tx:
        assert await tx.teams.names(1) == {LEAD: LEAD_NAME, OWNER: OWNER_NAME, HELPER: HELPER_NAME}
        assert HELPER not in {member.user_id for member in await tx.teams.members(1)}
        assert await tx.teams.names(2) == {}


async def test_the_snapshot_names_who_answered_each_area(shared: InspectionReport) -> None:
    snapshot = shared.snapshot
    areas = [area.id for area in snapshot.checklist.areas]

    assert snapshot.shared
    assert snapshot.participants() == [OWNER, HELPER, LEAD]  # the owner, then in the order of first answer
    assert answerers_by_area(snapshot) == {area: [answered_in(number)] for number, area in enumerate(areas, start=1)}


def one_area_by_two(snapshot: Snapshot, people: list[int]) -> Snapshot:
    """The first area's items answered in turn by `people`, a minute apart, in checklist order."""
    answers = dict(snapshot.answers)
    area = snapshot.checklist.areas[0]
    start = answers[area.items[0].id].answered_at
    for index, item in enumerate(area.items):
        answers[item.id] = answers[item.id].model_copy(
            update={"answered_by": people[index % len(people)], "answered_at": start.replace(minute=index)}
        )
    return snapshot.model_copy(update={"answers": answers})


async def test_names_follow_the_first_answer_and_an_unknown_person_is_the_owner(solo: InspectionReport) -> None:
    base = solo.snapshot
    first = base.checklist.areas[0].id

    assert answerers_by_area(one_area_by_two(base, [LEAD, OWNER]))[first] == [LEAD_NAME, OWNER_NAME]
    unknown = one_area_by_two(base, [OWNER, 999])
    assert answerers_by_area(unknown)[first] == [OWNER_NAME]
    assert unknown.participants() == [OWNER] and not unknown.shared
    renamed = base.model_copy(update={"names": {**base.names, OWNER: "Tên mới trong đoàn"}})
    assert renamed.name_of(OWNER) == OWNER_NAME  # as the inspection was started


async def test_a_solo_inspection_names_only_its_owner(solo: InspectionReport) -> None:
    assert not solo.snapshot.shared and solo.snapshot.participants() == [OWNER]
    for text in (render_summary(VI, solo.snapshot), render_review(VI, solo.snapshot)):
        assert f"👤 Người kiểm tra: {OWNER_NAME}\n" in text
        assert "lĩnh vực 1" not in text and LEAD_NAME not in text


async def test_review_and_summary_name_each_participants_areas(shared: InspectionReport) -> None:
    people = (
        "Nguyễn Văn An (lĩnh vực 1–3, 5); Lê Thị &lt;Hoa&gt; &amp; Co (lĩnh vực 4, 6, 7); Trần Quản Trị (lĩnh vực 8)"
    )
    for text in (render_summary(VI, shared.snapshot), render_review(VI, shared.snapshot)):
        assert f"\n👤 Người kiểm tra: {people}\n" in text
    english = render_review(catalogue("en"), shared.snapshot)
    assert "👤 Inspectors: Nguyễn Văn An (areas 1–3, 5);" in english and "Trần Quản Trị (area 8)" in english


async def test_the_summary_reads_the_same_when_the_bot_publishes_it(
    store: SqliteStore, checklist: Checklist, shared: InspectionReport
) -> None:
    """What the group receives is read by `read_snapshot`, as the review is."""
    async with store.reading() as tx:
        snapshot = await read_snapshot(tx, ChecklistVersions(checklist), shared.inspection)
    assert render_summary(VI, snapshot) == render_summary(VI, shared.snapshot)


def record_lines(report: InspectionReport, tmp_path: Path) -> list[str]:
    target = tmp_path / "bien-ban.docx"
    write_record(report, samples.context(tmp_path), target)
    return document_lines(docx.Document(str(target)))


async def test_the_record_names_who_inspected_each_area_and_lists_them_present(
    shared: InspectionReport, tmp_path: Path
) -> None:
    lines = record_lines(shared, tmp_path)

    team = lines[
        lines.index("1. Đoàn kiểm tra (Đoàn kiểm tra số 1):") + 1 : lines.index("2. Đại diện UBND xã Cổ Lũng:")
    ]
    assert team == [
        "- Ông/Bà Trần Quản Trị – Trưởng đoàn, người trực tiếp kiểm tra;",
        "- Ông/Bà Nguyễn Văn An – Thành viên, người trực tiếp kiểm tra;",
        "- Ông/Bà Lê Thị <Hoa> & Co – người trực tiếp kiểm tra.",  # removed from the team since
    ]
    areas = shared.checklist.areas
    for number, area in enumerate(areas, start=1):
        heading = lines.index(f"{number}. {area.title}")
        assert lines[heading + 1] == f"Người kiểm tra: {answered_in(number)}."
        assert lines[heading + 2].startswith("Đánh giá chung:")


async def test_a_solo_record_has_no_inspector_per_area(solo: InspectionReport, tmp_path: Path) -> None:
    lines = record_lines(solo, tmp_path)

    assert not [line for line in lines if line.startswith("Người kiểm tra")]
    team = lines[
        lines.index("1. Đoàn kiểm tra (Đoàn kiểm tra số 1):") + 1 : lines.index("2. Đại diện UBND xã Cổ Lũng:")
    ]
    assert team == [
        "- Ông/Bà Trần Quản Trị – Trưởng đoàn;",
        "- Ông/Bà Nguyễn Văn An – Thành viên, người trực tiếp kiểm tra.",
    ]


def workbook_inspectors(report: InspectionReport, tmp_path: Path) -> dict[int, set[str]]:
    """Area number -> the names in the «Người kiểm tra» column of the rows of its answers."""
    target = tmp_path / "bang-tinh.xlsx"
    write_workbook(RoundReport(team=report.team, round=None, inspections=[report]), samples.context(tmp_path), target)
    rows = list(load_workbook(target)["Trả lời"].values)
    assert rows[0][INSPECTOR_COLUMN] == "Người kiểm tra" and len(rows) - 1 == len(report.snapshot.answers)
    numbers = {f"{number}. {area.title}": number for number, area in enumerate(report.checklist.areas, start=1)}
    found: dict[int, set[str]] = {}
    for row in rows[1:]:
        found.setdefault(numbers[str(row[3])], set()).add(str(row[INSPECTOR_COLUMN]))
    return found


async def test_the_workbook_names_who_answered_each_item(shared: InspectionReport, tmp_path: Path) -> None:
    assert workbook_inspectors(shared, tmp_path) == {number: {answered_in(number)} for number in range(1, 9)}


async def test_a_solo_workbook_names_the_owner_on_every_row(solo: InspectionReport, tmp_path: Path) -> None:
    assert workbook_inspectors(solo, tmp_path) == {number: {OWNER_NAME} for number in range(1, 9)}


async def test_the_round_report_names_everyone_who_inspected_a_unit(shared: InspectionReport, tmp_path: Path) -> None:
    round_report = RoundReport(team=shared.team, round=None, inspections=[shared])
    target = tmp_path / "bao-cao.docx"
    write_round_report(round_report, samples.context(tmp_path), target, samples.photo_bytes(1, (200, 100)))
    lines = document_lines(docx.Document(str(target)))

    assert any(
        line.startswith(
            f"1. UBND xã Cổ Lũng – phiên #1, người kiểm tra: {OWNER_NAME}, {HELPER_NAME}, {LEAD_NAME}, ngày"
        )
        for line in lines
    )


async def test_the_export_names_who_gave_each_answer(store: SqliteStore, checklist: Checklist) -> None:
    inspection_id = await inspect(store, checklist, SHARED)
    exported = json.loads(await export_json(store, inspection_id) or "")

    assert exported["inspectors"] == [{"id": person, "name": NAMES[person]} for person in (OWNER, HELPER, LEAD)]
    numbers = {area.id: number for number, area in enumerate(checklist.areas, start=1)}
    for answer in exported["answers"]:
        person = SHARED.get(numbers[answer["area_id"]], OWNER)
        assert (answer["answered_by"], answer["answered_by_name"]) == (person, NAMES[person])


async def test_a_solo_export_has_its_owner_alone(store: SqliteStore, checklist: Checklist) -> None:
    exported = json.loads(await export_json(store, await inspect(store, checklist, {})) or "")

    assert exported["inspectors"] == [{"id": OWNER, "name": OWNER_NAME}]
    assert {answer["answered_by_name"] for answer in exported["answers"]} == {OWNER_NAME}


def test_area_and_photo_numbers_are_said_as_ranges() -> None:
    assert spans([1, 2, 3, 5, 7, 8]) == "1–3, 5, 7, 8"
    assert spans([4]) == "4" and spans([]) == ""
    assert photo_span([3, 4, 5, 7]) == "Ảnh 3–5, 7" and photo_span([9, 10]) == "Ảnh 9, 10"
