"""The round as an Excel workbook: every answer to filter and sort, the pass rates per unit and area,
the scores per unit and area where the checklist scores, the figures the checklist collects as numbers
Excel can add up, and the list of photos with the names they have in the evidence archive. Every sheet
prints on A4 landscape, one page wide, its header repeated.

Written in openpyxl's write-only mode so that a year of inspections (tens of thousands of answers)
streams to disk row by row instead of living in memory as cell objects. That mode cannot read cells
back, so everything a sheet needs around its rows (column widths, the frozen header, the table's
columns) is declared from what is known, never derived from written cells.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from bot.answers import VERDICTS, Value
from bot.checklist.kinds import unit_in, value_label
from bot.checklist.model import NUMERIC, Area, Item
from bot.events import clean_text
from bot.findings.results import AreaResult, area_results
from bot.findings.snapshot import corrected_after_close
from bot.reports.archive import archive_name, area_number, ordered_photos
from bot.reports.data import InspectionReport, ReportContext, RoundReport, item_basis
from bot.reports.record import RULED_OUT, amended_mark, score_meaning
from bot.reports.round_results import RoundScores, round_scores
from bot.texts.catalogue import VI
from bot.texts.formats import VIETNAM

CellValue = str | int | float | datetime | Cell | None
# Write-only sheets are annotated as `Worksheet`: at run time openpyxl's WriteOnlyWorksheet has
# Worksheet's `column_dimensions`, which its type stubs leave out.
Sheet = Worksheet

ANSWER_COLUMNS = (
    ("Đợt", 26),
    ("Phiên", 8),
    ("Đơn vị", 28),
    ("Lĩnh vực", 30),
    ("Mã câu", 22),
    ("Câu hỏi", 60),
    ("Trả lời", 14),
    ("Số", 10),
    ("Đơn vị tính", 10),
    ("Mã trả lời", 10),
    ("Ghi chú", 40),
    ("Người kiểm tra", 22),
    ("Thời gian", 17),
    ("Số ảnh", 8),
    ("Lý do sửa", 40),
    ("Sửa sau khi kết thúc đợt", 12),
    ("Căn cứ", 40),
)
PHOTO_COLUMNS = (
    ("Phiên", 8),
    ("Đơn vị", 28),
    ("Lĩnh vực", 30),
    ("Mã câu", 22),
    ("Người gửi", 22),
    ("Thời gian", 17),
    ("Rộng", 8),
    ("Cao", 8),
    ("Kích thước (byte)", 12),
    ("SHA-256", 66),
    ("Tệp", 60),
)
TIME_FORMAT = "dd/mm/yyyy hh:mm"
A4 = "9"  # Excel's paper size code
TABLE_STYLE = "TableStyleMedium2"
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
# Excel's own "good / neutral / bad" fills, so the sheet reads like any other office workbook.
VERDICT_FILLS: dict[str, PatternFill] = {
    verdict: PatternFill("solid", start_color=colour, end_color=colour)
    for verdict, colour in (
        (Value.PASS, "C6EFCE"),
        (Value.PARTIAL, "FFEB9C"),
        (Value.FAIL, "FFC7CE"),
        (Value.NA, "D9D9D9"),
    )
}


def write_workbook(report: RoundReport, ctx: ReportContext, target: Path) -> None:
    book = Workbook(write_only=True)
    book.properties.title = clean_text(report.title)
    book.properties.creator = ctx.issuer
    book.properties.created = ctx.generated_at.astimezone(UTC).replace(tzinfo=None)
    _answers_sheet(_printable(book.create_sheet("Trả lời"), "1:1"), report)
    _summary_sheet(_printable(book.create_sheet("Tổng hợp"), "2:2"), report)
    scored = round_scores(report)
    if scored is not None:
        _scores_sheet(_printable(book.create_sheet("Điểm"), "2:2"), report, scored)
    _figures_sheet(_printable(book.create_sheet("Số liệu"), "1:1"), report)
    _photos_sheet(_printable(book.create_sheet("Ảnh"), "1:1"), report)
    book.save(target)


def _printable(sheet: Sheet, header_rows: str) -> Sheet:
    """A4 landscape, scaled to one page wide (as many pages down as it takes), `header_rows` on each page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = header_rows
    return sheet


# --- "Trả lời": one row per answer, and per item the unit's answers ruled out ----------------------


def _answers_sheet(sheet: Sheet, report: RoundReport) -> None:
    _header(sheet, ANSWER_COLUMNS)
    rows = 0
    for unit in report.inspections:
        for row in _answer_rows(sheet, unit):
            sheet.append(row)
            rows += 1
    _table(sheet, "TraLoi", ANSWER_COLUMNS, rows)


def _answer_rows(sheet: Sheet, unit: InspectionReport) -> Iterator[list[CellValue]]:
    round_name = unit.round.name if unit.round else ""
    photos = Counter(photo.item_id for photo in unit.snapshot.photos)
    reasons = {amendment.item_id: amendment.reason for amendment in unit.snapshot.amendments}
    late = {amendment.item_id for amendment in corrected_after_close(unit.snapshot)}
    for number, area in enumerate(unit.checklist.areas, start=1):
        for item in area.items:
            about = [_text(sheet, round_name), unit.inspection.id, _text(sheet, unit.unit)]
            about += [_text(sheet, _area_label(number, area)), _text(sheet, item.id), _text(sheet, item.prompt, WRAP)]
            basis = _text(sheet, item_basis(item), WRAP)
            if item.id in unit.snapshot.ruled_out:
                # Whatever was answered before the unit's answers ruled the item out counts for nothing.
                yield [*about, RULED_OUT, *[None] * (len(ANSWER_COLUMNS) - len(about) - 2), basis]
                continue
            answer = unit.snapshot.answers.get(item.id)
            if answer is None:
                continue
            yield [
                *about,
                # A text answer is what the inspector typed, in both columns.
                _text(sheet, value_label(VI, item, answer.value) + amended_mark(answer)),
                _number(item, answer.value),
                _text(sheet, unit_in(item, VI.lang) if item.type in NUMERIC else None),
                _text(sheet, answer.value),
                _text(sheet, answer.note, WRAP),
                _text(sheet, unit.snapshot.answered_by_name(answer)),
                _when(sheet, answer.answered_at),
                photos[item.id],
                # The latest correction's reason: the value shown is the one it left.
                _text(sheet, reasons.get(item.id) if answer.amended else None, WRAP),
                _text(sheet, "Có" if item.id in late else None),
                basis,
            ]


# --- "Tổng hợp": pass rate per unit and area ------------------------------------------------------


def _summary_sheet(sheet: Sheet, report: RoundReport) -> None:
    areas = report.inspections[0].checklist.areas if report.inspections else []
    columns = [("Phiên", 8), ("Đơn vị", 34), *((f"Lĩnh vực {n}", 9) for n in range(1, len(areas) + 1)), ("Chung", 9)]
    _widths(sheet, columns)
    sheet.freeze_panes = "C3"
    sheet.append([_styled(sheet, f"Tỷ lệ tiêu chí đạt theo lĩnh vực – {report.title}", font=TITLE_FONT)])
    sheet.append([_styled(sheet, name, font=BOLD, alignment=WRAP) for name, _ in columns])
    for unit in report.inspections:
        sheet.append(_summary_row(sheet, unit, areas))
    sheet.append([])
    for row in _legend(sheet, areas):
        sheet.append(row)


def _summary_row(sheet: Sheet, unit: InspectionReport, areas: Sequence[Area]) -> list[CellValue]:
    results = {result.area.id: result for result in area_results(unit.snapshot)}
    cells: list[CellValue] = [unit.inspection.id, _text(sheet, unit.unit)]
    cells += [_rate_cell(sheet, results.get(area.id)) for area in areas]
    passed = sum(result.passed for result in results.values())
    rated = sum(result.rated for result in results.values())
    cells.append(_styled(sheet, passed / rated if rated else None, font=BOLD, number_format="0%"))
    return cells


def _rate_cell(sheet: Sheet, result: AreaResult | None) -> CellValue:
    """The area's pass rate, filled with its verdict's colour; empty and grey when nothing applied."""
    if result is None:
        return None
    return _styled(sheet, result.pass_rate, fill=VERDICT_FILLS[result.verdict], number_format="0%")


def _legend(sheet: Sheet, areas: Sequence[Area]) -> Iterator[list[CellValue]]:
    yield [_styled(sheet, "Chú giải", font=BOLD)]
    for number, area in enumerate(areas, start=1):
        yield [f"Lĩnh vực {number}", _text(sheet, area.title)]
    yield ["Chung", "Tỷ lệ tiêu chí đạt trên mọi tiêu chí áp dụng của đơn vị"]
    for verdict in VERDICTS:
        yield [None, _styled(sheet, _verdict_meaning(verdict), fill=VERDICT_FILLS[verdict])]


def _verdict_meaning(verdict: str) -> str:
    meanings: dict[str, str] = {
        Value.PASS: "mọi tiêu chí áp dụng đều đạt",
        Value.PARTIAL: "đạt một phần",
        Value.FAIL: "không tiêu chí nào đạt",
        Value.NA: "không tiêu chí nào áp dụng (ô để trống)",
    }
    return f"{VI.RATING_LABELS[verdict]}: {meanings[verdict]}"


# --- "Điểm": the score per unit and area, where the checklist scores -------------------------------


def _scores_sheet(sheet: Sheet, report: RoundReport, found: RoundScores) -> None:
    """Each unit's score per area and overall, as percentages Excel can average, and the average of the
    units' under them; an area with nothing scored at a unit is an empty cell."""
    areas = report.inspections[0].checklist.areas
    columns = [("Phiên", 8), ("Đơn vị", 34), *((f"Lĩnh vực {n}", 9) for n in range(1, len(areas) + 1)), ("Chung", 9)]
    _widths(sheet, columns)
    sheet.freeze_panes = "C3"
    sheet.append([_styled(sheet, f"Điểm theo lĩnh vực – {report.title}", font=TITLE_FONT)])
    sheet.append([_styled(sheet, name, font=BOLD, alignment=WRAP) for name, _ in columns])
    for unit, scored in zip(report.inspections, found.units, strict=True):
        by_area = scored.by_area if scored else {}
        cells: list[CellValue] = [unit.inspection.id, _text(sheet, unit.unit)]
        cells += [_percent(sheet, by_area[area.id].rate if area.id in by_area else None) for area in areas]
        cells.append(_percent(sheet, scored.overall.rate if scored else None, font=BOLD))
        sheet.append(cells)
    averages = [_percent(sheet, rate, font=BOLD) for rate in found.averages]
    total = _percent(sheet, found.overall, font=BOLD)
    sheet.append([None, _styled(sheet, "Trung bình các đơn vị", font=BOLD), *averages, total])
    sheet.append([])
    sheet.append([_styled(sheet, "Chú giải", font=BOLD)])
    for number, area in enumerate(areas, start=1):
        sheet.append([f"Lĩnh vực {number}", _text(sheet, area.title)])
    sheet.append(["Điểm", f"Tỷ lệ {score_meaning(found.scoring)}"])
    sheet.append(["Trung bình", "Trung bình điểm của các đơn vị có tiêu chí được chấm điểm trong lĩnh vực"])


def _percent(sheet: Sheet, rate: float | None, font: Font | None = None) -> Cell:
    return _styled(sheet, rate, font=font, number_format="0%")


# --- "Số liệu": the figures of each unit, as numbers ---------------------------------------------------


def _figures_sheet(sheet: Sheet, report: RoundReport) -> None:
    """A row per unit, a column per number the checklist asks for, headed by its question (and so its
    unit): SUM and AVERAGE work on the column as they are."""
    areas = report.inspections[0].checklist.areas if report.inspections else []
    items = [item for area in areas for item in area.items if item.type in NUMERIC]
    columns = [("Phiên", 8), ("Đơn vị", 34), *((item.heading(), 24) for item in items)]
    _widths(sheet, columns)
    sheet.freeze_panes = "C2"
    sheet.append([_styled(sheet, name, font=BOLD, alignment=WRAP) for name, _ in columns])
    for unit in report.inspections:
        answers = unit.snapshot.answers
        row: list[CellValue] = [unit.inspection.id, _text(sheet, unit.unit)]
        row += [_number(item, answers[item.id].value) if item.id in answers else None for item in items]
        sheet.append(row)


def _number(item: Item, value: str) -> float | int | None:
    """A number answer as a number cell; any other answer has none."""
    if item.type not in NUMERIC:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral() else float(number)


# --- "Ảnh": one row per photo ---------------------------------------------------------------------


def _photos_sheet(sheet: Sheet, report: RoundReport) -> None:
    _header(sheet, PHOTO_COLUMNS)
    rows = 0
    for unit in report.inspections:
        for photo in ordered_photos(unit):
            number = area_number(unit, photo.area_id)
            sheet.append(
                [
                    unit.inspection.id,
                    _text(sheet, unit.unit),
                    _text(sheet, _area_label(number, unit.checklist.areas[number - 1]) if number else photo.area_id),
                    _text(sheet, photo.item_id),
                    _text(sheet, photo.sender_name),
                    _when(sheet, photo.received_at),
                    photo.width,
                    photo.height,
                    photo.size,
                    photo.sha256,
                    _text(sheet, archive_name(unit, photo)),
                ]
            )
            rows += 1
    _table(sheet, "Anh", PHOTO_COLUMNS, rows)


# --- shared helpers -------------------------------------------------------------------------------


def _header(sheet: Sheet, columns: Sequence[tuple[str, int]]) -> None:
    """Widths and the frozen first row must be set before the first row is streamed out."""
    _widths(sheet, columns)
    sheet.freeze_panes = "A2"
    sheet.append([_styled(sheet, name, font=BOLD) for name, _ in columns])


def _widths(sheet: Sheet, columns: Sequence[tuple[str, int]]) -> None:
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _table(sheet: Sheet, name: str, columns: Sequence[tuple[str, int]], rows: int) -> None:
    """A real Excel table (filter buttons, banded rows). Write-only mode cannot read the header cells
    back, so the table's columns and filter are spelled out; a table needs at least one data row."""
    if rows == 0:
        return
    ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    table = Table(displayName=name, ref=ref, autoFilter=AutoFilter(ref=ref))
    table.tableColumns = [TableColumn(id=index, name=title) for index, (title, _) in enumerate(columns, start=1)]
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    sheet.tables.add(table)  # not `add_table`, which warns that write-only mode needs exactly this


def _area_label(number: int, area: Area) -> str:
    return f"{number}. {area.title}"


def _when(sheet: Sheet, moment: datetime) -> Cell:
    """Excel has no time zones: a date cell holding Vietnam wall-clock time, which is what the team reads."""
    return _styled(sheet, moment.astimezone(VIETNAM).replace(tzinfo=None), number_format=TIME_FORMAT)


def _text(sheet: Sheet, text: str | None, alignment: Alignment | None = None) -> CellValue:
    """Typed text as a string cell, shown exactly as typed. Characters XML cannot hold are dropped
    (`clean_text`): one stored before intake cleaned them would make openpyxl refuse the whole workbook.
    Text openpyxl would store as a formula ("=HYPERLINK(…)") or an error value ("#N/A") stays text;
    Excel runs nothing stored as a string, so "+", "-" and "@" at the start are harmless once it is one.

    A plain str is what openpyxl already stores as a string, and costs far less than a cell object in a
    workbook of tens of thousands of rows; anything else becomes a cell typed "s" by `_styled`.
    """
    if text is None:
        return _styled(sheet, None, alignment=alignment) if alignment else None
    clean = clean_text(text)
    if alignment is None and clean[:1] not in ("=", "#"):
        return clean
    return _styled(sheet, clean, alignment=alignment)


def _styled(
    sheet: Sheet,
    value: str | float | datetime | None,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> Cell:
    cell = WriteOnlyCell(sheet, value=clean_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula or an error value, whatever the text starts with
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell
