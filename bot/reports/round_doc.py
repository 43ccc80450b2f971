"""The round's report (báo cáo kết quả kiểm tra): one Word document over every unit the team visited.

The team lead sends it up to the province, and it must stand on its own there: on what basis the team
went, which units it checked and when, how each fared area by area (table and chart), what went well across
the round, what each unit fell short of (the shortcomings shared by several first), the figures the
checklist collects, what the units ask for and what the team proposes, then whom it goes to and the
signature. The eight parts of the checklist are "lĩnh vực" throughout, as in the chart and its caption.
Every verdict comes from `bot.findings.results`, so the report agrees with each record and the chart.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Length, Mm, Pt
from PIL import Image

from bot.answers import VERDICTS, Value
from bot.checklist.kinds import kind_of, value_label
from bot.checklist.model import NUMERIC, Area, Item
from bot.findings.results import AreaResult, Finding, area_results, shortcomings
from bot.findings.snapshot import corrected_after_close
from bot.findings.trail import item_words
from bot.reports.data import InspectionReport, ReportContext, RoundReport
from bot.reports.docx_layout import (
    Line,
    Signature,
    add_basis,
    add_body,
    add_grid,
    add_header_block,
    add_heading,
    add_item,
    add_list,
    add_paragraph,
    add_picture,
    add_signatures,
    add_title,
    new_document,
    shade,
    vietnam,
)
from bot.reports.record import (
    RULED_OUT,
    amended_mark,
    falls_short,
    finding_text,
    met_by_area,
    met_line,
    score_meaning,
)
from bot.reports.round_results import UnitScores, common_shortcomings, round_scores
from bot.texts import catalogue as texts
from bot.texts.formats import percent
from storage.models import RemarkKind

VERDICT_FILLS: dict[str, str] = {
    Value.PASS: "C6EFCE",
    Value.PARTIAL: "FFEB9C",
    Value.FAIL: "FFC7CE",
    Value.NA: "E7E6E6",
}
# A cell of the units × areas table holds one line at 10 pt: a short verdict and the count behind it.
VERDICT_SHORT: dict[str, str] = {Value.PASS: "Đ", Value.PARTIAL: "MP", Value.FAIL: "KĐ", Value.NA: "KAD"}
UNIT_COLUMN_MM = 45
AREA_COLUMNS_MM = 120  # what the 165 mm between the margins leaves beside the unit column
SCORE_OVERALL_MM = 16
SCORE_AREAS_MM = AREA_COLUMNS_MM - SCORE_OVERALL_MM
MATRIX_TEXT = Pt(10)  # eight verdict columns side by side only fit below the body size
FIGURES_UNIT_MM = 55
CHART_WIDTH = Cm(15)
CHART_MAX_HEIGHT = Cm(17)
EMPTY_ROUND = "Chưa có phiên kiểm tra nào được gửi trong đợt này."
LEAD_SIGNATURE = "TRƯỞNG ĐOÀN KIỂM TRA"
PROPOSALS = (
    "Đề nghị các đơn vị được kiểm tra nghiêm túc khắc phục các tồn tại, hạn chế đã nêu trong biên bản kiểm tra "
    "và báo cáo kết quả khắc phục về Đoàn kiểm tra đúng thời hạn; tiếp tục thực hiện đầy đủ các quy định về "
    "kiểm soát thủ tục hành chính và cơ chế một cửa, một cửa liên thông.",
    "Đoàn kiểm tra tổng hợp kiến nghị của các đơn vị, báo cáo cấp có thẩm quyền xem xét, giải quyết theo quy định.",
)


def write_round_report(report: RoundReport, ctx: ReportContext, target: Path, chart_png: bytes) -> None:
    subject = f"Đợt kiểm tra: {report.round.name}" if report.round is not None else report.title
    document = new_document(f"Báo cáo kết quả kiểm tra – {report.title}", ctx.issuer, ctx.generated_at, subject)
    add_header_block(document, ctx.issuer, "BC-ĐKT", ctx.place, vietnam(ctx.generated_at).date())
    add_title(document, "BÁO CÁO", ["Kết quả kiểm tra công tác kiểm soát thủ tục hành chính", subject])
    add_basis(document, ctx.basis_of(report.round))
    _units(document, report)
    if report.inspections:
        _area_matrix(document, report)
        _scores(document, report)
        _chart(document, chart_png)
        _achievements(document, report)
        _shortcomings(document, report)
        _figures(document, report)
        _recommendations(document, report)
        add_heading(document, "VII. ĐỀ XUẤT")
        for text in PROPOSALS:
            last = add_body(document, text)
    else:
        last = add_body(document, EMPTY_ROUND)
    add_signatures(document, last, _recipients(ctx.recipients), Signature(LEAD_SIGNATURE, _lead_name(report)))
    document.save(str(target))


def _units(document: Document, report: RoundReport) -> None:
    if report.inspections:
        add_body(
            document,
            f"{_span(report.inspections)}, Đoàn kiểm tra ({report.team.name}) đã kiểm tra công tác kiểm soát "
            f"thủ tục hành chính tại {len(report.inspections)} đơn vị. Kết quả cụ thể như sau:",
        )
    add_heading(document, "I. ĐƠN VỊ ĐƯỢC KIỂM TRA")
    for number, unit in enumerate(report.inspections, start=1):
        inspection = unit.inspection
        inspectors = ", ".join(map(unit.snapshot.name_of, unit.snapshot.participants()))
        corrected = len({amendment.item_id for amendment in unit.snapshot.amendments})
        extra = f" (đã sửa {corrected} nội dung sau khi gửi)" if corrected else ""
        add_body(
            document,
            f"{number}. {unit.unit} – phiên #{inspection.id}, người kiểm tra: {inspectors}, "
            f"ngày {_when(unit):%d/%m/%Y}{extra}.",
        )
    for old, new in sorted(report.superseded.items()):
        add_item(document, f"Phiên #{old} được thay bằng phiên #{new} (bản sửa).")
    _changed_after_close(document, report)


def _changed_after_close(document: Document, report: RoundReport) -> None:
    """A closed round's documents were final when it closed: the records corrected since are named, so a
    copy filed earlier is known to differ."""
    if report.round is None or report.round.closed_at is None:
        return
    changed = [(unit, corrected_after_close(unit.snapshot)) for unit in report.inspections]
    changed = [(unit, late) for unit, late in changed if late]
    if not changed:
        return
    add_body(
        document,
        f"Các biên bản có nội dung sửa sau khi kết thúc đợt ({vietnam(report.round.closed_at):%d/%m/%Y}):",
    )
    add_list(
        document,
        [
            f"{unit.unit} – phiên #{unit.inspection.id}: "
            + "; ".join(f"tiêu chí {item_words(unit.checklist, a.item_id)} (lý do: {a.reason})" for a in late)
            for unit, late in changed
        ],
    )


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
    add_body(document, "Kết quả chung của từng lĩnh vực tại từng đơn vị:")
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
    """'Đ 4/4', 'KĐ 0/3', 'KAD': one line, readable in black and white; a unit inspected with an older
    checklist may lack an area, and its cell says so rather than guess."""
    if result is None:
        return "—"
    if result.rated == 0:
        return VERDICT_SHORT[Value.NA]
    return f"{VERDICT_SHORT[result.verdict]} {result.passed}/{result.rated}"


def _legend(document: Document, areas: list[Area]) -> None:
    short = "; ".join(f"{VERDICT_SHORT[verdict]} – {texts.VI.RATING_LABELS[verdict]}" for verdict in VERDICTS)
    add_paragraph(
        document,
        f"Ghi chú: {short} (ô tô màu xanh, vàng, đỏ, xám theo kết quả); số ghi sau là số tiêu chí đạt/số tiêu chí "
        f"được đánh giá, không tính tiêu chí không áp dụng. Cột 1–{len(areas)} là các lĩnh vực kiểm tra:",
        italic=True,
    )
    for number, area in enumerate(areas, start=1):
        add_item(document, f"{number}: {area.title}")


def _scores(document: Document, report: RoundReport) -> None:
    """Under a checklist that scores: each unit's score per area and overall, and the average of the units'
    under them. Nothing at all otherwise."""
    found = round_scores(report)
    if found is None:
        return
    areas = report.inspections[0].checklist.areas
    add_body(document, f"Điểm của từng đơn vị theo lĩnh vực ({score_meaning(found.scoring)}):")
    rows = [
        [unit.unit, *(_score_text(scored, area.id) for area in areas), _score_text(scored)]
        for unit, scored in zip(report.inspections, found.units, strict=True)
    ]
    rows.append(["Trung bình", *(percent(rate) for rate in found.averages), percent(found.overall)])
    header = ["Đơn vị", *(str(number) for number in range(1, len(areas) + 1)), "Chung"]
    widths = (Mm(UNIT_COLUMN_MM), *(Mm(SCORE_AREAS_MM / len(areas)) for _ in areas), Mm(SCORE_OVERALL_MM))
    table = add_grid(document, header, rows, widths, size=MATRIX_TEXT)
    for row in table.rows[1:]:
        for cell in row.cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def _score_text(scored: UnitScores | None, area_id: str | None = None) -> str:
    """'85 %'; '—' where the unit's checklist lacks the area or nothing in it was scored."""
    if scored is None or (area_id is not None and area_id not in scored.by_area):
        return "—"
    return percent((scored.by_area[area_id] if area_id is not None else scored.overall).rate)


def _chart(document: Document, chart_png: bytes) -> None:
    with Image.open(io.BytesIO(chart_png)) as chart:
        pixels = chart.size
    add_picture(document, chart_png, pixels, CHART_WIDTH, CHART_MAX_HEIGHT)
    add_paragraph(
        document, "Biểu đồ: số đơn vị theo kết quả ở từng lĩnh vực", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )


def _achievements(document: Document, report: RoundReport) -> None:
    """What went well across the round: the criteria met wherever they applied, by area, then what each
    unit's inspector noted besides."""
    add_heading(document, "III. KẾT QUẢ ĐẠT ĐƯỢC")
    everywhere = _met_everywhere(report)
    if everywhere:
        add_body(document, "Các tiêu chí đạt ở tất cả các đơn vị được đánh giá:")
    else:
        add_body(document, "Không có tiêu chí nào đạt ở tất cả các đơn vị được đánh giá.")
    add_list(document, [met_line(area, met) for area, met in met_by_area(everywhere)])
    noted = [
        f"{unit.unit}: {text}" for unit in report.inspections for text in unit.snapshot.remarks_of(RemarkKind.STRENGTH)
    ]
    if noted:
        add_body(document, "Kết quả khác được ghi nhận tại các đơn vị:")
    add_list(document, noted)


def _met_everywhere(report: RoundReport) -> list[Finding]:
    """Rated criteria that every unit where they applied met, at one unit at least, in checklist order."""
    first = report.inspections[0].snapshot
    met: list[Finding] = []
    for area_number, area in enumerate(first.checklist.areas, start=1):
        for item in area.items:
            if not kind_of(item).rated:
                continue
            answers = [unit.snapshot.answers.get(item.id) for unit in report.inspections]
            rated = [answer for answer in answers if answer is not None and answer.value != Value.NA]
            if rated and all(answer.value == Value.PASS for answer in rated):
                met.append(Finding(area_number, area, item, rated[0]))
    return met


def _shortcomings(document: Document, report: RoundReport) -> None:
    """Those shared by several units first (which units, how), then every unit's own, by area, each with
    the inspector's note: a finding that only one unit has is still a finding the province should read."""
    add_heading(document, "IV. TỒN TẠI, HẠN CHẾ")
    add_heading(document, "1. Tồn tại, hạn chế chung", level=2)
    common = common_shortcomings(report)
    total = len(report.inspections)
    if not common:
        add_body(document, "Không có tồn tại, hạn chế nào lặp lại ở từ hai đơn vị trở lên.")
    for number, shared in enumerate(common, start=1):
        units = ", ".join(
            f"{unit.unit} ({texts.VI.RATING_LABELS[answer.value].lower()})" for unit, answer in shared.units
        )
        add_body(
            document,
            f"({number}) {falls_short(shared.item, {answer.value for _, answer in shared.units})} "
            f"(lĩnh vực {shared.area_number}) – "
            f"{len(shared.units)}/{total} đơn vị: {units}.",
        )
    add_heading(document, "2. Tồn tại, hạn chế của từng đơn vị", level=2)
    for number, unit in enumerate(report.inspections, start=1):
        found = shortcomings(unit.snapshot)
        heading = add_paragraph(document, f"{number}. {unit.unit}:", italic=True)
        heading.paragraph_format.keep_with_next = True
        if not found:
            add_item(document, "Không có tồn tại, hạn chế.")
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in found:
            grouped[finding.area.id].append(finding)
        add_list(
            document,
            [
                f"{findings[0].area.title} (lĩnh vực {findings[0].area_number}): "
                + "; ".join(finding_text(finding).rstrip(" .;") + amended_mark(finding.answer) for finding in findings)
                for findings in grouped.values()
            ],
        )


def _figures(document: Document, report: RoundReport) -> None:
    """The numbers the checklist collects (on-time rate, late dossiers…), a row per unit, as typed and
    with their unit ("97,5 %"), as the record states them."""
    items = [item for area in report.inspections[0].checklist.areas for item in area.items if _is_figure(item)]
    add_heading(document, "V. SỐ LIỆU CHỦ YẾU")
    if not items:
        add_body(document, "Bảng kiểm của đợt không thu thập số liệu.")
        return
    add_body(document, "Số liệu do các đơn vị cung cấp tại thời điểm kiểm tra:")
    rows = [[unit.unit, *(_figure_text(unit, item) for item in items)] for unit in report.inspections]
    other = Mm((165 - FIGURES_UNIT_MM) / len(items))
    widths = (Mm(FIGURES_UNIT_MM), *(other for _ in items))
    table = add_grid(document, ["Đơn vị", *(item.heading() for item in items)], rows, widths, size=MATRIX_TEXT)
    for row in table.rows[1:]:
        for cell in row.cells[1:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _is_figure(item: Item) -> bool:
    return item.type in NUMERIC


def _figure_text(unit: InspectionReport, item: Item) -> str:
    if item.id in unit.snapshot.ruled_out:
        return RULED_OUT
    answer = unit.snapshot.answers.get(item.id)
    return value_label(texts.VI, item, answer.value) + amended_mark(answer) if answer is not None else "—"


def _recommendations(document: Document, report: RoundReport) -> None:
    add_heading(document, "VI. KIẾN NGHỊ CỦA CÁC ĐƠN VỊ")
    for number, unit in enumerate(report.inspections, start=1):
        add_body(document, f"{number}. {unit.unit}:")
        add_list(document, unit.snapshot.remarks_of(RemarkKind.RECOMMENDATION) or ["Không có kiến nghị"])


def _recipients(recipients: list[str]) -> list[Line]:
    """'Nơi nhận:' as Decree 30 sets it: bold italic at 12 pt, then one recipient a line at 11 pt."""
    lines = [Line("Nơi nhận:", bold=True, italic=True, size=Pt(12), left=True)]
    for index, recipient in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        lines.append(Line(f"- {recipient.rstrip(' ;.')}{end}", size=Pt(11), left=True))
    return lines


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
