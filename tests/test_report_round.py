"""The round's report (báo cáo kết quả kiểm tra), read back from the Word file."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell

from bot.checklist.model import criterion
from bot.findings.results import area_results, shortcomings
from bot.reports.data import RoundReport
from bot.reports.round_doc import write_round_report
from bot.reports.round_results import common_shortcomings
from bot.texts.catalogue import VI
from storage.models import RemarkKind
from tests.images import png
from tests.report_samples import ROUND, TEAM, UNITS, context, round_report
from tests.test_report_record import between, document_lines

CHART = png(800, 1100)
FILLS = {"pass": "C6EFCE", "partial": "FFEB9C", "fail": "FFC7CE", "na": "E7E6E6"}


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    path = tmp_path / "photos"
    path.mkdir()
    return path


def write(report: RoundReport, photo_dir: Path) -> Document:
    target = photo_dir.parent / "round.docx"
    write_round_report(report, context(photo_dir), target, CHART)
    return docx.Document(str(target))


def area_table(document: Document) -> Table:
    return next(table for table in document.tables if table.cell(0, 0).text == "Đơn vị")


def fill(cell: _Cell) -> str | None:
    properties = cell._tc.tcPr
    shading = None if properties is None else properties.find(qn("w:shd"))
    return None if shading is None else shading.get(qn("w:fill"))


def test_report_has_the_header_title_and_the_leads_signature_only(photo_dir: Path) -> None:
    document = write(round_report(photo_dir), photo_dir)
    lines = document_lines(document)

    for expected in (
        "UBND TỈNH THÁI NGUYÊN",
        "Số: …/BC-ĐKT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thái Nguyên, ngày 21 tháng 11 năm 2026",
        "BÁO CÁO",
        "Kết quả kiểm tra công tác kiểm soát thủ tục hành chính",
        "Đợt kiểm tra: Kiểm tra KSTTHC huyện Phú Lương 2018",
        "TRƯỞNG ĐOÀN KIỂM TRA",
        "Trần Trưởng Đoàn",
    ):
        assert expected in lines
    assert "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA" not in lines
    headings = [line for line in lines if line.split(" ")[0] in ("I.", "II.", "III.", "IV.", "V.", "VI.", "VII.")]
    assert headings == [
        "I. ĐƠN VỊ ĐƯỢC KIỂM TRA",
        "II. KẾT QUẢ THEO LĨNH VỰC",
        "III. KẾT QUẢ ĐẠT ĐƯỢC",
        "IV. TỒN TẠI, HẠN CHẾ",
        "V. SỐ LIỆU CHỦ YẾU",
        "VI. KIẾN NGHỊ CỦA CÁC ĐƠN VỊ",
        "VII. ĐỀ XUẤT",
    ]
    # One word for the eight parts, as in the chart and its caption.
    assert not [line for line in lines if re.search(r"\b[Mm]ục \d|theo mục", line)]
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "cs", "eastAsia")} == {"Times New Roman"}


def test_units_are_listed_with_session_inspector_and_date(photo_dir: Path) -> None:
    report = round_report(photo_dir).model_copy(update={"superseded": {9: 11}})
    lines = document_lines(write(report, photo_dir))

    listed = between(lines, "I. ĐƠN VỊ ĐƯỢC KIỂM TRA", "II. KẾT QUẢ THEO LĨNH VỰC")
    assert listed == [
        "1. UBND huyện Phú Lương – phiên #10, người kiểm tra: Nguyễn Văn <An> & Co, ngày 20/11/2026.",
        "2. UBND xã Cổ Lũng <b>&</b> – phiên #11, người kiểm tra: Lê Thị Hoa, ngày 20/11/2026.",
        "3. UBND thị trấn Đu – phiên #12, người kiểm tra: Nguyễn Văn <An> & Co, ngày 20/11/2026.",
        "- Phiên #9 được thay bằng phiên #11 (bản sửa).",
    ]


def test_area_table_has_a_row_per_unit_and_a_column_per_area_with_verdict_counts_and_colour(
    photo_dir: Path,
) -> None:
    report = round_report(photo_dir)
    table = area_table(write(report, photo_dir))

    assert len(table.rows) == len(report.inspections) + 1 == 4
    assert len(table.columns) == 9
    assert [cell.text for cell in table.rows[0].cells] == ["Đơn vị", *map(str, range(1, 9))]
    seen = set()
    for row, unit in zip(table.rows[1:], report.inspections, strict=True):
        assert row.cells[0].text == unit.unit
        for cell, result in zip(row.cells[1:], area_results(unit.snapshot), strict=True):
            short = {"pass": "Đ", "partial": "MP", "fail": "KĐ", "na": "KAD"}[result.verdict]
            assert cell.text == (f"{short} {result.passed}/{result.rated}" if result.rated else "KAD")
            assert "\n" not in cell.text  # one line at 10 pt, never "Không / áp / dụng"
            assert fill(cell) == FILLS[result.verdict]
            seen.add(result.verdict)
    assert {"pass", "partial", "fail"} <= seen
    assert "KĐ 0/4" in [cell.text for cell in table.rows[2].cells]


def test_area_numbers_are_explained_and_the_chart_follows(photo_dir: Path) -> None:
    report = round_report(photo_dir)
    document = write(report, photo_dir)
    lines = document_lines(document)

    for number, area in enumerate(report.inspections[0].checklist.areas, start=1):
        assert f"- {number}: {area.title}" in lines
    assert len(document.inline_shapes) == 1
    assert [part.blob for part in document.part.package.image_parts] == [CHART]
    assert "Biểu đồ: số đơn vị theo kết quả ở từng lĩnh vực" in lines


def test_common_shortcomings_name_the_criterion_the_units_and_their_notes(photo_dir: Path) -> None:
    report = round_report(photo_dir)
    lines = document_lines(write(report, photo_dir))

    section = between(lines, "1. Tồn tại, hạn chế chung", "2. Tồn tại, hạn chế của từng đơn vị")
    common = common_shortcomings(report)
    assert len(common) > 0
    assert len(section) == len(common)
    for number, (line, shortcoming) in enumerate(zip(section, common, strict=True), start=1):
        units = ", ".join(
            f"{unit.unit} ({VI.RATING_LABELS[answer.value].lower()})" for unit, answer in shortcoming.units
        )
        # The criterion is worded as what a unit should do: said as what falls short, not as a fact.
        assert line.startswith((f"({number}) Chưa đạt tiêu chí «", f"({number}) Chưa đạt đầy đủ tiêu chí «"))
        assert line.endswith(
            f"«{criterion(shortcoming.item.prompt)}» (lĩnh vực {shortcoming.area_number}) – "
            f"{len(shortcoming.units)}/3 đơn vị: {units}."
        )
    assert section[0] == (
        "(1) Chưa đạt đầy đủ tiêu chí «Đã lấy ý kiến cơ quan, tổ chức, cá nhân chịu tác động về quy định TTHC "
        "trong dự thảo» (lĩnh vực 2) – 2/3 đơn vị: UBND huyện Phú Lương (không đạt), UBND xã Cổ Lũng <b>&</b> "
        "(một phần)."
    )


def test_every_units_own_findings_are_reported_by_area(photo_dir: Path) -> None:
    report = round_report(photo_dir)
    lines = document_lines(write(report, photo_dir))
    section = between(lines, "2. Tồn tại, hạn chế của từng đơn vị", "V. SỐ LIỆU CHỦ YẾU")
    for number, unit in enumerate(report.inspections, start=1):
        assert f"{number}. {unit.unit}:" in section
        for finding in shortcomings(unit.snapshot):  # not only those shared by two units or more
            assert any(
                finding.answer.note is not None
                and finding.answer.note in line
                and f"(lĩnh vực {finding.area_number})" in line
                for line in section
            )
    first_unit = section[section.index(f"1. {UNITS[0]}:") + 1]
    assert first_unit == (
        "- Đánh giá tác động TTHC; tiếp thu, giải trình ý kiến về quy định TTHC (lĩnh vực 2): "
        "Thiếu mẫu đơn <b>số 6</b> & tờ khai; Thiếu mẫu đơn <b>số 7</b> & tờ khai;"
    )


def test_what_went_well_and_the_key_figures(photo_dir: Path) -> None:
    report = round_report(photo_dir)
    document = write(report, photo_dir)
    lines = document_lines(document)
    well = between(lines, "III. KẾT QUẢ ĐẠT ĐƯỢC", "IV. TỒN TẠI, HẠN CHẾ")
    assert well[0] == "Các tiêu chí đạt ở tất cả các đơn vị được đánh giá:"
    assert any(line.startswith("- Tiếp nhận, xử lý phản ánh") for line in well)
    assert f"- {UNITS[0]}: Cán bộ một cửa nhiệt tình, đeo thẻ đầy đủ;" in well
    figures = next(table for table in document.tables if table.cell(0, 0).text == "Đơn vị" and len(table.columns) == 3)
    assert [cell.text for cell in figures.rows[0].cells] == [
        "Đơn vị",
        "Tỷ lệ hồ sơ giải quyết đúng hạn trong kỳ (%)",
        "Số hồ sơ giải quyết quá hạn trong kỳ (hồ sơ)",
    ]
    # as the record states them: decimal comma and the unit from the checklist item
    assert [[cell.text for cell in row.cells] for row in figures.rows[1:]] == [
        [unit, "95 %", "95 hồ sơ"] for unit in UNITS
    ]


def test_recipients_the_signature_and_page_numbers(photo_dir: Path) -> None:
    context_ = context(photo_dir).model_copy(
        update={"recipients": ["Chủ tịch UBND tỉnh (để b/c)", "Sở Nội vụ;", "Lưu: VT"]}
    )
    target = photo_dir.parent / "r.docx"
    write_round_report(round_report(photo_dir), context_, target, CHART)
    document = docx.Document(str(target))
    block = document.tables[-1]
    assert block.cell(0, 0).text.split("\n") == [
        "Nơi nhận:",
        "- Chủ tịch UBND tỉnh (để b/c);",
        "- Sở Nội vụ;",
        "- Lưu: VT.",
    ]
    assert block.cell(0, 1).text.split("\n")[0] == "TRƯỞNG ĐOÀN KIỂM TRA"
    closing = document.paragraphs[-1]
    assert closing.paragraph_format.keep_with_next  # the last paragraph goes with the signature
    header = document.sections[0].header.paragraphs[0]
    assert [code.text for code in header._p.iter(qn("w:instrText"))] == [" PAGE "]
    assert document.core_properties.title == "Báo cáo kết quả kiểm tra – Kiểm tra KSTTHC huyện Phú Lương 2018"


def test_recommendations_are_grouped_by_unit(photo_dir: Path) -> None:
    report = round_report(photo_dir)
    quiet = report.inspections[1]
    without = quiet.snapshot.model_copy(
        update={
            "remarks": [remark for remark in quiet.snapshot.remarks if remark.kind is not RemarkKind.RECOMMENDATION]
        }
    )
    inspections = [report.inspections[0], quiet.model_copy(update={"snapshot": without}), report.inspections[2]]
    lines = document_lines(write(report.model_copy(update={"inspections": inspections}), photo_dir))

    section = between(lines, "VI. KIẾN NGHỊ CỦA CÁC ĐƠN VỊ", "VII. ĐỀ XUẤT")
    asked = ["- Bổ sung trang thiết bị <máy scan> & máy tính;", "- Tập huấn phần mềm một cửa cho công chức."]
    assert section == [
        f"1. {UNITS[0]}:",
        *asked,
        f"2. {UNITS[1]}:",
        "- Không có kiến nghị.",
        f"3. {UNITS[2]}:",
        *asked,
    ]


def test_a_round_without_inspections_says_so(photo_dir: Path) -> None:
    document = write(RoundReport(team=TEAM, round=ROUND, inspections=[]), photo_dir)
    lines = document_lines(document)

    section = between(lines, "I. ĐƠN VỊ ĐƯỢC KIỂM TRA", "Nơi nhận:")
    assert [line for line in section if line] == ["Chưa có phiên kiểm tra nào được gửi trong đợt này."]
    assert "Trần Trưởng Đoàn" in lines  # the round was opened by the lead
    assert len(document.inline_shapes) == 0
    assert not [table for table in document.tables if table.cell(0, 0).text == "Đơn vị"]


def test_inspections_outside_a_round_are_reported_under_the_teams_name(photo_dir: Path) -> None:
    report = round_report(photo_dir).model_copy(update={"round": None})
    document = write(report, photo_dir)
    lines = document_lines(document)

    assert "Đoàn kiểm tra <b>KSTTHC</b> & số 1" in lines
    assert not [line for line in lines if line.startswith("Đợt kiểm tra")]
    assert len(area_table(document).rows) == 4
