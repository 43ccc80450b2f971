"""The round's report (báo cáo kết quả kiểm tra): one Word document over every unit the team visited.

The team lead sends it up to the province, so it answers what a reader there asks: which units were
checked, how each fared area by area, which shortcomings recur across units, and what the units ask for.
Every verdict comes from `bot.reports.results`, so the report agrees with each unit's record and the chart.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Length, Mm, Pt
from PIL import Image

from bot.answers import Value
from bot.checklist.model import Area
from bot.findings.results import AreaResult, area_results
from bot.reports.data import InspectionReport, ReportContext, RoundReport
from bot.reports.docx_layout import (
    Signature,
    add_body,
    add_grid,
    add_header_block,
    add_heading,
    add_item,
    add_paragraph,
    add_picture,
    add_signatures,
    add_title,
    criterion,
    new_document,
    shade,
    vietnam,
)
from bot.reports.round_results import common_shortcomings
from bot.texts import catalogue as texts
from storage.models import RemarkKind

VERDICT_FILLS: dict[str, str] = {
    Value.PASS: "C6EFCE",
    Value.PARTIAL: "FFEB9C",
    Value.FAIL: "FFC7CE",
    Value.NA: "E7E6E6",
}
UNIT_COLUMN_MM = 45
AREA_COLUMNS_MM = 120  # what the 165 mm between the margins leaves beside the unit column
MATRIX_TEXT = Pt(10)  # eight verdict columns side by side only fit below the body size
CHART_WIDTH = Cm(16)
CHART_MAX_HEIGHT = Cm(20)
EMPTY_ROUND = "Chưa có phiên kiểm tra nào được gửi trong đợt này."
LEAD_SIGNATURE = "TRƯỞNG ĐOÀN KIỂM TRA"
PROPOSALS = (
    "Đề nghị các đơn vị được kiểm tra nghiêm túc khắc phục các tồn tại, hạn chế đã nêu trong biên bản kiểm tra "
    "và báo cáo kết quả khắc phục về Đoàn kiểm tra đúng thời hạn; tiếp tục thực hiện đầy đủ các quy định về "
    "kiểm soát thủ tục hành chính và cơ chế một cửa, một cửa liên thông.",
    "Đoàn kiểm tra tổng hợp kiến nghị của các đơn vị, báo cáo cấp có thẩm quyền xem xét, giải quyết theo quy định.",
)


def write_round_report(report: RoundReport, ctx: ReportContext, target: Path, chart_png: bytes) -> None:
    document = new_document(f"Báo cáo kết quả kiểm tra {report.title}", ctx.issuer, ctx.generated_at)
    add_header_block(document, ctx.issuer, "BC-ĐKT", ctx.place, vietnam(ctx.generated_at).date())
    subject = f"Đợt kiểm tra: {report.round.name}" if report.round is not None else report.title
    add_title(document, "BÁO CÁO", ["Kết quả kiểm tra công tác kiểm soát TTHC", subject])
    _units(document, report)
    if report.inspections:
        _area_matrix(document, report)
        _chart(document, chart_png)
        _common_shortcomings(document, report)
        _recommendations(document, report)
        add_heading(document, "V. ĐỀ XUẤT")
        for text in PROPOSALS:
            add_body(document, text)
    add_signatures(document, None, Signature(LEAD_SIGNATURE, _lead_name(report)))
    document.save(str(target))


def _units(document: Document, report: RoundReport) -> None:
    if report.inspections:
        add_body(
            document,
            f"{_span(report.inspections)}, Đoàn kiểm tra ({report.team.name}) đã kiểm tra công tác kiểm soát "
            f"thủ tục hành chính tại {len(report.inspections)} đơn vị. Kết quả cụ thể như sau:",
        )
    add_heading(document, "I. ĐƠN VỊ ĐƯỢC KIỂM TRA")
    if not report.inspections:
        add_body(document, EMPTY_ROUND)
    for number, unit in enumerate(report.inspections, start=1):
        inspection = unit.inspection
        add_body(
            document,
            f"{number}. {unit.unit} – phiên #{inspection.id}, người kiểm tra: {inspection.inspector_name}, "
            f"ngày {_when(unit):%d/%m/%Y}.",
        )
    for old, new in sorted(report.superseded.items()):
        add_item(document, f"Phiên #{old} được thay bằng phiên #{new} (bản sửa).")


def _when(unit: InspectionReport) -> datetime:
    return vietnam(unit.inspection.submitted_at or unit.inspection.created_at)


def _span(units: list[InspectionReport]) -> str:
    """'Ngày 20/11/2026' for a one-day round, 'Từ ngày … đến ngày …' otherwise."""
    first = min(vietnam(unit.inspection.created_at) for unit in units).date()
    last = max(_when(unit) for unit in units).date()
    if first == last:
        return f"Ngày {first:%d/%m/%Y}"
    return f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"


def _area_matrix(document: Document, report: RoundReport) -> None:
    """Units down, areas across; areas are numbered in the header and named in a legend below, because
    eight area titles would not fit across an A4 page."""
    areas = report.inspections[0].checklist.areas
    add_heading(document, "II. KẾT QUẢ THEO LĨNH VỰC")
    add_body(
        document,
        "Kết quả chung của từng lĩnh vực tại từng đơn vị; số ghi dưới là số tiêu chí đạt/số tiêu chí được "
        "đánh giá (không tính tiêu chí không áp dụng):",
    )
    results = [{result.area.id: result for result in area_results(unit.snapshot)} for unit in report.inspections]
    rows = [
        [unit.unit, *(_cell_text(by_area.get(area.id)) for area in areas)]
        for unit, by_area in zip(report.inspections, results, strict=True)
    ]
    header = ["Đơn vị", *(str(number) for number in range(1, len(areas) + 1))]
    table = add_grid(document, header, rows, _matrix_widths(len(areas)), size=MATRIX_TEXT)
    for row, by_area in zip(table.rows[1:], results, strict=True):
        for cell, area in zip(row.cells[1:], areas, strict=True):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            result = by_area.get(area.id)
            if result is not None:
                shade(cell, VERDICT_FILLS[result.verdict])
    _legend(document, areas)


def _matrix_widths(area_count: int) -> tuple[Length, ...]:
    return (Mm(UNIT_COLUMN_MM), *(Mm(AREA_COLUMNS_MM / area_count) for _ in range(area_count)))


def _cell_text(result: AreaResult | None) -> str:
    """A unit inspected with an older checklist may lack an area; its cell then says so rather than guess."""
    if result is None:
        return "—"
    return f"{texts.VI.RATING_LABELS[result.verdict]}\n{result.passed}/{result.rated}"


def _legend(document: Document, areas: list[Area]) -> None:
    add_paragraph(document, f"Ghi chú: cột 1–{len(areas)} là các lĩnh vực kiểm tra:", italic=True)
    for number, area in enumerate(areas, start=1):
        add_item(document, f"{number}: {area.title}")
    add_paragraph(document, "Màu ô: xanh – Đạt; vàng – Một phần; đỏ – Không đạt; xám – Không áp dụng.", italic=True)


def _chart(document: Document, chart_png: bytes) -> None:
    with Image.open(io.BytesIO(chart_png)) as chart:
        pixels = chart.size
    add_picture(document, chart_png, pixels, CHART_WIDTH, CHART_MAX_HEIGHT)
    add_paragraph(
        document, "Biểu đồ: số đơn vị theo kết quả ở từng lĩnh vực", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )


def _common_shortcomings(document: Document, report: RoundReport) -> None:
    add_heading(document, "III. TỒN TẠI, HẠN CHẾ CHUNG")
    common = common_shortcomings(report)
    if not common:
        add_body(document, "Không có tồn tại, hạn chế nào lặp lại ở từ hai đơn vị trở lên.")
    else:
        add_body(document, "Các tiêu chí chưa đạt hoặc chỉ đạt một phần ở từ hai đơn vị trở lên:")
    total = len(report.inspections)
    for number, shortcoming in enumerate(common, start=1):
        add_body(
            document,
            f"{number}. [Mục {shortcoming.area_number}] {criterion(shortcoming.item.prompt)} "
            f"({len(shortcoming.units)}/{total} đơn vị):",
        )
        for unit, answer in shortcoming.units:
            note = f": {answer.note}" if answer.note else ""
            add_item(document, f"{unit.unit} – {texts.VI.RATING_LABELS[answer.value]}{note}")
    add_body(document, "Chi tiết từng đơn vị xem biên bản kiểm tra.")


def _recommendations(document: Document, report: RoundReport) -> None:
    add_heading(document, "IV. KIẾN NGHỊ CỦA CÁC ĐƠN VỊ")
    for number, unit in enumerate(report.inspections, start=1):
        add_body(document, f"{number}. {unit.unit}:")
        for text in unit.snapshot.remarks_of(RemarkKind.RECOMMENDATION) or ["Không có kiến nghị."]:
            add_item(document, text)


def _lead_name(report: RoundReport) -> str | None:
    """The lead's name from any unit's roster; a round with no unit yet falls back to who opened it, if the
    lead did."""
    lead_id = report.team.lead_id
    for unit in report.inspections:
        for member in unit.members:
            if member.user_id == lead_id:
                return member.name
    if report.round is not None and report.round.opened_by == lead_id:
        return report.round.opened_by_name
    return None
