"""The record (biên bản) of one unit, read back from the Word file the way an office would read it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from PIL import Image

from bot.findings.results import area_results, shortcomings
from bot.reports.data import InspectionReport
from bot.reports.record import write_record
from bot.texts.catalogue import VI
from bot.texts.formats import VIETNAM
from storage.models import Remark, RemarkKind, Salutation
from tests.report_samples import context, inspection_report, photo_bytes

UNIT = "UBND xã Cổ Lũng <b>&</b>"  # sample unit 1, with markup characters typed into its name
FONT = "Times New Roman"


def document_lines(document: Document) -> list[str]:
    """Every paragraph's text in reading order, table cells included (row by row)."""
    lines: list[str] = []
    for block in document.iter_inner_content():
        lines += table_lines(block) if isinstance(block, Table) else [block.text]
    return lines


def table_lines(table: Table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        for cell in row.cells:
            for inner in cell.iter_inner_content():
                lines += table_lines(inner) if isinstance(inner, Table) else [inner.text]
    return lines


def between(lines: list[str], start: str, end: str) -> list[str]:
    """The lines after the first line equal to `start` and before the next one starting with `end`."""
    first = lines.index(start)
    last = next(index for index in range(first + 1, len(lines)) if lines[index].startswith(end))
    return lines[first + 1 : last]


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    path = tmp_path / "photos"
    path.mkdir()
    return path


def write(report: InspectionReport, photo_dir: Path) -> Document:
    target = photo_dir.parent / "record.docx"
    write_record(report, context(photo_dir), target)
    return docx.Document(str(target))


def test_record_has_the_header_title_and_signatures_of_a_bien_ban(photo_dir: Path) -> None:
    document = write(inspection_report(photo_dir, 1), photo_dir)
    lines = document_lines(document)

    for expected in (
        "UBND TỈNH THÁI NGUYÊN",
        "ĐOÀN KIỂM TRA",
        "Số: …/BB-ĐKT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thái Nguyên, ngày 20 tháng 11 năm 2026",
        "BIÊN BẢN",
        f"Kiểm tra công tác kiểm soát thủ tục hành chính tại {UNIT}",
        "Đợt kiểm tra: Kiểm tra KSTTHC huyện Phú Lương 2018",
    ):
        assert expected in lines
    headings = [line for line in lines if line.startswith(("I. ", "II. ", "III. ", "IV. "))]
    assert headings == ["I. THÀNH PHẦN", "II. NỘI DUNG KIỂM TRA", "III. KẾT QUẢ", "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA"]
    signatures = next(table for table in document.tables if "TRƯỞNG ĐOÀN KIỂM TRA" in table.cell(0, 1).text)
    unit_side, lead_side = (cell.text.split("\n") for cell in signatures.rows[0].cells)
    assert unit_side[:2] == ["ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", "(Ký, ghi rõ họ tên)"]
    assert lead_side[:2] == ["TRƯỞNG ĐOÀN KIỂM TRA", "(Ký, ghi rõ họ tên)"]
    assert lead_side[-1] == "Trần Trưởng Đoàn"
    assert signatures.rows[0].cells[1].paragraphs[1].runs[0].italic


def test_motto_is_underlined_and_the_date_line_italic(photo_dir: Path) -> None:
    document = write(inspection_report(photo_dir, 1), photo_dir)
    header = document.tables[0]

    motto = header.cell(0, 1).paragraphs[1].runs[0]
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert motto.bold and motto.underline
    assert header.cell(1, 1).paragraphs[0].runs[0].italic
    assert header.cell(0, 0).paragraphs[1].runs[0].bold


def test_text_typed_by_users_appears_exactly_as_typed(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    text = "\n".join(document_lines(write(report, photo_dir)))

    assert f"tại {UNIT}, Đoàn kiểm tra" in text
    assert "Ông/Bà Nguyễn Văn <An> & Co – Thành viên;" in text
    assert "Đoàn kiểm tra <b>KSTTHC</b> & số 1" in text
    assert "&amp;" not in text and "&lt;" not in text


def test_times_are_vietnam_times_and_the_place_is_recorded(photo_dir: Path) -> None:
    lines = document_lines(write(inspection_report(photo_dir, 1), photo_dir))

    # Sample unit 1 starts at 04:15 UTC and is submitted two hours later.
    assert (
        f"Hôm nay, vào hồi 11 giờ 15 ngày 20/11/2026, tại {UNIT}, Đoàn kiểm tra tiến hành kiểm tra công tác "
        "kiểm soát thủ tục hành chính." in lines
    )
    assert "Vị trí ghi nhận khi kiểm tra (tọa độ): 21.60000, 105.80000." in lines
    assert (
        "Biên bản kết thúc lúc 13 giờ 15 ngày 20/11/2026, gồm … trang (kể cả phụ lục ảnh), được lập thành 02 bản "
        "có giá trị như nhau, mỗi bên giữ 01 bản; các thành viên đã đọc lại và nhất trí ký tên." in lines
    )


def test_the_closing_line_counts_its_pages_with_a_field_and_states_the_copies(photo_dir: Path, tmp_path: Path) -> None:
    report = inspection_report(photo_dir, 1)
    target = tmp_path / "bb.docx"
    write_record(report, context(photo_dir).model_copy(update={"copies": 3}), target, pages=7)
    document = docx.Document(str(target))
    closing = next(p for p in document.paragraphs if p.text.startswith("Biên bản kết thúc"))
    assert closing.text == (
        "Biên bản kết thúc lúc 13 giờ 15 ngày 20/11/2026, gồm 7 trang (kể cả phụ lục ảnh), được lập thành 03 bản "
        "có giá trị như nhau, đơn vị được kiểm tra giữ 01 bản, Đoàn kiểm tra giữ 02 bản; các thành viên đã đọc lại "
        "và nhất trí ký tên."
    )
    codes = [code.text for code in closing._p.iter(qn("w:instrText"))]
    assert codes == [" NUMPAGES "]  # Word and LibreOffice count the pages again as they lay them out
    assert [mark.get(qn("w:fldCharType")) for mark in closing._p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]


def test_the_closing_line_and_the_signatures_are_kept_together(photo_dir: Path) -> None:
    document = write(inspection_report(photo_dir, 1), photo_dir)
    body = list(document.iter_inner_content())
    closing = next(
        i for i, block in enumerate(body) if isinstance(block, Paragraph) and block.text.startswith("Biên bản kết thúc")
    )
    signatures = body[closing + 1]
    assert isinstance(signatures, Table) and "TRƯỞNG ĐOÀN KIỂM TRA" in signatures.cell(0, 1).text
    paragraph_format = body[closing].paragraph_format  # type: ignore[union-attr]
    assert paragraph_format.keep_with_next and paragraph_format.keep_together
    row = signatures.rows[0]._tr
    assert row.trPr is not None and row.trPr.find(qn("w:cantSplit")) is not None
    for cell in signatures.rows[0].cells:
        assert all(p.paragraph_format.keep_with_next for p in cell.paragraphs[:-1])
    opinion = next(
        i for i, block in enumerate(body) if getattr(block, "text", "") == "V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA"
    )
    assert all(block.paragraph_format.keep_with_next for block in body[opinion + 1 : closing])  # type: ignore[union-attr]
    assert document.styles["Heading 1"].paragraph_format.keep_with_next  # the heading, by its style


def test_an_areas_verdict_stays_with_its_table_and_no_row_is_torn_across_pages(photo_dir: Path) -> None:
    document = write(inspection_report(photo_dir, 1), photo_dir)
    body = list(document.iter_inner_content())
    verdicts = [i for i, block in enumerate(body) if getattr(block, "text", "").startswith("Đánh giá chung")]
    assert len(verdicts) == 8
    for index in verdicts:
        assert body[index].paragraph_format.keep_with_next  # type: ignore[union-attr]
        assert isinstance(body[index + 1], Table)
    for table in document.tables[1:-1]:  # the grids between the header block and the signatures
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def with_remarks(report: InspectionReport, *remarks: tuple[RemarkKind, str]) -> InspectionReport:
    added = [Remark(kind=kind, text=text, created_at=report.inspection.created_at) for kind, text in remarks]
    snapshot = report.snapshot.model_copy(update={"remarks": report.snapshot.remarks + added})
    return report.model_copy(update={"snapshot": snapshot})


def test_team_members_are_listed_and_the_unit_side_left_to_fill_in(photo_dir: Path) -> None:
    document = write(inspection_report(photo_dir, 1), photo_dir)
    lines = document_lines(document)

    members = between(lines, "I. THÀNH PHẦN", "II. NỘI DUNG KIỂM TRA")
    assert members[1:4] == [
        "- Ông/Bà Trần Trưởng Đoàn – Trưởng đoàn;",
        "- Ông/Bà Nguyễn Văn <An> & Co – Thành viên;",
        "- Ông/Bà Lê Thị Hoa – Thành viên, người trực tiếp kiểm tra.",
    ]
    assert members[4] == f"2. Đại diện {UNIT}:"
    assert members[5:7] == ["- Ông/Bà:\t Chức vụ:\t"] * 2
    blank = next(p for p in document.paragraphs if p.text.startswith("- Ông/Bà:"))
    stops = blank.paragraph_format.tab_stops
    # Dots to write in by hand, the second run ending at the right margin: "Chức vụ" cannot wrap back.
    assert [(round(stop.position.mm), stop.leader) for stop in stops] == [
        (92, WD_TAB_LEADER.DOTS),
        (165, WD_TAB_LEADER.DOTS),
    ]
    assert stops[1].alignment == WD_TAB_ALIGNMENT.RIGHT


def test_positions_salutations_and_the_units_representatives_come_from_the_chat(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    lead, *others = report.members
    lead = lead.model_copy(update={"position": "Phó Giám đốc Sở Nội vụ", "salutation": Salutation.MR})
    report = with_remarks(
        report.model_copy(update={"members": [lead, *others]}),
        (RemarkKind.REPRESENTATIVE, "Nguyễn Văn Bình – Chủ tịch UBND xã"),
        (RemarkKind.REPRESENTATIVE, "Bà Lê Thị Mai – Công chức Văn phòng - Thống kê"),
    )
    document = write(report, photo_dir)
    members = between(document_lines(document), "I. THÀNH PHẦN", "II. NỘI DUNG KIỂM TRA")
    assert members[1] == "- Ông Trần Trưởng Đoàn – Phó Giám đốc Sở Nội vụ – Trưởng đoàn;"
    assert members[5:] == [
        "- Ông/Bà Nguyễn Văn Bình – Chủ tịch UBND xã;",
        "- Bà Lê Thị Mai – Công chức Văn phòng - Thống kê.",
    ]
    signatures = document.tables[-1]
    assert signatures.cell(0, 0).text.split("\n")[-1] == "Nguyễn Văn Bình"  # the first representative signs


def test_the_basis_is_the_rounds_else_the_agencys_else_dots(photo_dir: Path) -> None:
    basis = "Quyết định số 125/QĐ-UBND ngày 02/8/2026 của Chủ tịch UBND tỉnh về việc kiểm tra công tác KSTTHC"
    report = inspection_report(photo_dir, 1)
    assert report.round is not None
    with_basis = report.model_copy(
        update={"round": report.round.model_copy(update={"basis": f"{basis}\nKế hoạch số 30/KH-UBND"})}
    )
    lines = document_lines(write(with_basis, photo_dir))
    opening = lines.index(next(line for line in lines if line.startswith("Hôm nay")))
    assert lines[opening - 2 : opening] == [f"Căn cứ {basis};", "Căn cứ Kế hoạch số 30/KH-UBND."]

    target = photo_dir.parent / "default.docx"
    write_record(report, context(photo_dir).model_copy(update={"basis": "Kế hoạch số 7/KH-UBND"}), target)
    assert "Căn cứ Kế hoạch số 7/KH-UBND." in document_lines(docx.Document(str(target)))

    document = write(report, photo_dir)
    dots = next(p for p in document.paragraphs if p.text.startswith("Căn cứ"))
    assert dots.text == "Căn cứ \t." and dots.paragraph_format.tab_stops[0].leader == WD_TAB_LEADER.DOTS


def test_the_units_opinion_is_its_own_section_or_lines_to_fill_in(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    blank = between(document_lines(write(report, photo_dir)), "V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA", "Biên bản kết thúc")
    assert blank == ["\t"] * 3
    said = with_remarks(report, (RemarkKind.OPINION, "Đơn vị nhất trí <hoàn toàn> & sẽ khắc phục."))
    lines = between(document_lines(write(said, photo_dir)), "V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA", "Biên bản kết thúc")
    assert lines == ["Đơn vị nhất trí <hoàn toàn> & sẽ khắc phục."]


def test_each_area_states_the_verdict_the_results_module_computes(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    lines = document_lines(write(report, photo_dir))

    results = area_results(report.snapshot)
    assert {"pass", "partial", "fail"} <= {result.verdict for result in results}
    for result in results:
        heading = lines.index(f"{result.number}. {result.area.title}")
        assert lines[heading + 1].startswith(f"Đánh giá chung: {VI.RATING_LABELS[result.verdict]} –")
        assert f"đạt {result.passed}/{result.rated} tiêu chí" in lines[heading + 1]
    first_item = lines.index("1.1")
    assert lines[first_item + 1 : first_item + 5] == [
        "Đã ban hành kế hoạch kiểm soát TTHC năm nay",
        "(Căn cứ: Nghị định 63/2010/NĐ-CP; Nghị định 92/2017/NĐ-CP; Thông tư 02/2017/TT-VPCP)",  # under it
        "Không đạt",
        "Tồn tại (1)",  # the finding itself is said once, in "Tồn tại, hạn chế"
    ]
    rate = lines.index("4.4")
    assert lines[rate + 1 : rate + 4] == [
        "Tỷ lệ hồ sơ giải quyết đúng hạn trong kỳ",
        "(Căn cứ: Nghị định 61/2018/NĐ-CP; Nghị định 107/2021/NĐ-CP)",
        "95 %",
    ]
    assert lines[lines.index("4.6") + 3] == "95 hồ sơ"


def test_a_typed_answer_fills_the_wide_columns_of_its_row(photo_dir: Path) -> None:
    document = write(inspection_report(photo_dir, 1), photo_dir)
    table = next(
        t for t in document.tables if t.cell(0, 0).text == "TT" and any(r.cells[0].text == "2.5" for r in t.rows)
    )
    row = next(r for r in table.rows if r.cells[0].text == "2.5")
    assert row.cells[1]._tc is row.cells[3]._tc  # one cell over the three columns
    prompt, basis, answer = row.cells[1].paragraphs
    assert prompt.text == "Tên văn bản dự thảo có quy định TTHC và ghi chú khác (nếu có)"
    assert basis.text.startswith("(Căn cứ: ") and basis.runs[0].italic
    assert answer.text == "Ghi chú <i>tự do</i> & đủ dấu: Quyết định số 12/QĐ-UBND" and answer.runs[0].italic


def test_results_list_strengths_every_shortcoming_with_its_note_and_the_recommendations(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    lines = document_lines(write(report, photo_dir))

    achieved = between(lines, "1. Kết quả đạt được", "2. Tồn tại, hạn chế")
    assert achieved[-1] == "- Cán bộ một cửa nhiệt tình, đeo thẻ đầy đủ."  # the last point of the list
    assert (
        "- Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính: Có sổ hoặc hộp thư tiếp nhận phản ánh, kiến "
        "nghị tại Bộ phận Một cửa; Phản ánh, kiến nghị được xử lý kịp thời, đúng thời hạn; Kết quả xử lý phản ánh, "
        "kiến nghị được công khai;" in achieved
    )
    assert not [line for line in lines if "[Mục" in line]
    short = between(lines, "2. Tồn tại, hạn chế", "3. Kiến nghị của đơn vị")
    found = shortcomings(report.snapshot)
    findings = [line for line in short if line.startswith("(")]
    assert len(findings) == len(found) > 0
    area = None
    for number, (line, finding) in enumerate(zip(findings, found, strict=True), start=1):
        label = VI.RATING_LABELS[finding.answer.value].lower()
        item_number = finding.area.items.index(finding.item) + 1
        basis = f"; căn cứ: {finding.item.basis}" if finding.item.basis else ""
        where = f"tiêu chí {finding.area_number}.{item_number}, {label}{basis}"
        assert line == f"({number}) {finding.answer.note} ({where})."
        if finding.area != area:  # each finding under its area's name, not a tag
            area = finding.area
            assert short[short.index(line) - 1] == f"{finding.area_number}. {finding.area.title}"
    reference = next(p for p in write(report, photo_dir).paragraphs if p.text.startswith("(1) "))
    assert reference.runs[1].italic and reference.runs[1].font.size == Pt(11)  # the criterion, small
    asked = between(lines, "3. Kiến nghị của đơn vị", "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA")
    assert asked == [
        "- Bổ sung trang thiết bị <máy scan> & máy tính;",  # points end in ';', the last in '.'
        "- Tập huấn phần mềm một cửa cho công chức.",
    ]


def test_a_point_typed_with_its_own_closing_mark_is_printed_as_typed(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    without = [remark for remark in report.snapshot.remarks if remark.kind is not RemarkKind.RECOMMENDATION]
    report = report.model_copy(update={"snapshot": report.snapshot.model_copy(update={"remarks": without})})
    report = with_remarks(
        report,
        (RemarkKind.RECOMMENDATION, "Cấp máy scan cho Bộ phận Một cửa."),
        (RemarkKind.RECOMMENDATION, "Tập huấn phần mềm  "),
    )
    lines = document_lines(write(report, photo_dir))
    asked = between(lines, "3. Kiến nghị của đơn vị", "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA")
    assert asked == ["- Cấp máy scan cho Bộ phận Một cửa.", "- Tập huấn phần mềm."]


def test_requests_name_each_followup_and_its_due_date(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    lines = document_lines(write(report, photo_dir))

    requests = between(lines, "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA", "V. Ý KIẾN")
    count = len(report.followups)
    pointers = ", ".join(f"({n})" for n in range(1, count + 1))
    assert requests == [
        f"1. Đề nghị {UNIT} khắc phục các tồn tại, hạn chế nêu tại điểm 2 mục III:",
        f"- Tồn tại {pointers}: hoàn thành trước ngày 20/12/2026.",
        "2. Báo cáo kết quả khắc phục về Đoàn kiểm tra trước ngày 20/12/2026.",
    ]
    moved = [report.followups[0].model_copy(update={"due_on": date(2027, 1, 15)}), *report.followups[1:]]
    lines = document_lines(write(report.model_copy(update={"followups": moved}), photo_dir))
    requests = between(lines, "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA", "V. Ý KIẾN")
    assert (
        requests[1].startswith("- Tồn tại (2), (3)")
        and requests[2] == "- Tồn tại (1): hoàn thành trước ngày 15/01/2027."
    )
    assert requests[3] == "2. Báo cáo kết quả khắc phục về Đoàn kiểm tra trước ngày 15/01/2027."


def test_a_unit_without_followups_or_round_gets_a_plain_record(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 2, round_=None).model_copy(update={"followups": []})
    lines = document_lines(write(report, photo_dir))

    assert not [line for line in lines if line.startswith("Đợt kiểm tra")]
    requests = between(lines, "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA", "V. Ý KIẾN")
    assert requests[0] == "Đoàn kiểm tra không có yêu cầu khắc phục đối với đơn vị."


def test_styles_use_times_new_roman_on_a4_with_the_decree_margins(photo_dir: Path) -> None:
    document = write(inspection_report(photo_dir, 1), photo_dir)

    for name in ("Normal", "Heading 1", "Heading 2", "Table Grid"):
        style = document.styles[name]
        fonts = style.element.rPr.rFonts
        assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "cs", "eastAsia")} == {FONT}
        assert not [key for key in fonts.attrib if key.endswith("Theme") or key.endswith("theme")]
        assert style.font.size == Pt(13)
    # No run anywhere names another font.
    for fonts in document.element.body.iter(qn("w:rFonts")):
        assert fonts.get(qn("w:ascii")) in (None, FONT)
    section = document.sections[0]
    # Word stores lengths in twentieths of a point, so compare to the tenth of a millimetre.
    measured = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    assert [round(length.mm, 1) for length in measured if length is not None] == [210, 297, 20, 20, 30, 15]


def test_appendix_shows_every_photo_in_checklist_order_with_its_caption(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1, photos_per_item=2)
    document = write(report, photo_dir)
    lines = document_lines(document)

    assert len(document.inline_shapes) == len(report.snapshot.photos) == 20
    appendix = lines[lines.index("PHỤ LỤC: ẢNH MINH CHỨNG") :]
    assert appendix[1] == f"(Kèm theo Biên bản kiểm tra số …/BB-ĐKT ngày 20/11/2026 của Đoàn kiểm tra tại {UNIT})"
    assert not [line for line in lines if "phiên #" in line]
    captions = [line for line in appendix if line.startswith("Ảnh ")]
    assert [caption.split(".")[0] for caption in captions] == [f"Ảnh {n}" for n in range(1, 21)]
    first = report.snapshot.photos[0]
    taken = first.received_at.astimezone(VIETNAM)
    assert captions[0] == (
        "Ảnh 1. Tiêu chí 3.1: TTHC niêm yết tại Bộ phận Một cửa khớp danh mục Chủ tịch UBND tỉnh đã công bố "
        f"({taken:%H:%M %d/%m/%Y}, Lê Thị Hoa)"
    )
    table_row = lines.index("3.1")
    assert lines[table_row + 4] == "Ảnh 1, 2"  # the table points to the photos by number, after the basis
    assert lines[lines.index("3.7") + 4] == "Ảnh 9, 10"


def test_no_photos_no_appendix(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    bare = report.model_copy(update={"snapshot": report.snapshot.model_copy(update={"photos": []})})
    lines = document_lines(write(bare, photo_dir))
    assert "PHỤ LỤC: ẢNH MINH CHỨNG" not in lines
    assert lines[-1] == "Trần Trưởng Đoàn"  # the record ends with the signatures
    assert any(line.startswith("Biên bản kết thúc") and "gồm … trang, được lập" in line for line in lines)


def test_word_reads_it_as_vietnamese_with_its_own_properties_and_page_numbers(photo_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "bb.docx"
    write_record(inspection_report(photo_dir, 1), context(photo_dir), target)
    document = docx.Document(str(target))
    for name in ("Normal", "Heading 1", "Heading 2", "Table Grid"):
        language = document.styles[name].element.rPr.find(qn("w:lang"))
        assert language is not None and language.get(qn("w:val")) == "vi-VN"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert defaults.find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == "vi-VN"
    properties = document.core_properties
    assert properties.title == f"Biên bản kiểm tra công tác kiểm soát thủ tục hành chính tại {UNIT}"
    assert properties.author == properties.last_modified_by == "UBND TỈNH THÁI NGUYÊN"
    assert properties.created == properties.modified == datetime(2026, 11, 21, 1, 15, tzinfo=UTC)
    assert properties.comments == "" and properties.subject == "Kiểm tra KSTTHC huyện Phú Lương 2018"
    with zipfile.ZipFile(target) as archive:
        assert "docProps/thumbnail.jpeg" not in archive.namelist()
        assert b"thumbnail" not in archive.read("_rels/.rels")
    section = document.sections[0]
    assert section.different_first_page_header_footer  # Decree 30: no number on the first page
    assert not section.first_page_header.paragraphs[0].text
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [code.text for code in header._p.iter(qn("w:instrText"))] == [" PAGE "]


def test_photos_are_embedded_downscaled_and_fit_the_page(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    document = write(report, photo_dir)

    blobs = [part.blob for part in document.part.package.image_parts]
    assert len(blobs) == len(report.snapshot.photos)
    for blob in blobs:
        with Image.open(io.BytesIO(blob)) as image:
            assert image.format == "JPEG"
            assert max(image.size) <= 1000  # the samples are 1600 × 1200
    for shape in document.inline_shapes:
        assert shape.width <= Cm(15) + 1 and shape.height <= Cm(11) + 1


def test_a_large_photo_taken_sideways_is_shown_upright(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    first = report.snapshot.photos[0]
    sideways = Image.open(io.BytesIO(photo_bytes(7, size=(4000, 3000))))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: rotate 90° clockwise to view
    sideways.save(photo_dir / first.path, "JPEG", exif=exif)

    document = write(report, photo_dir)

    shape = document.inline_shapes[0]
    assert shape.height > shape.width
    assert shape.height <= Cm(11) + 1


def test_a_missing_or_broken_photo_file_is_named_instead_of_failing_the_record(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    missing, broken = report.snapshot.photos[0], report.snapshot.photos[1]
    (photo_dir / missing.path).unlink()
    (photo_dir / broken.path).write_bytes(b"not a jpeg at all")

    document = write(report, photo_dir)
    lines = document_lines(document)

    assert len(document.inline_shapes) == len(report.snapshot.photos) - 2
    assert f"(Không đọc được tệp ảnh: {missing.path})" in lines
    assert f"(Không đọc được tệp ảnh: {broken.path})" in lines
    captions = [line for line in lines if line.startswith("Ảnh ") and ". Tiêu chí" in line]
    assert len(captions) == len(report.snapshot.photos)


def test_each_photo_part_is_the_real_downscaled_jpeg_not_its_stand_in(photo_dir: Path, tmp_path: Path) -> None:
    """The document is built with tiny stand-ins (so memory stays flat); the file must carry the photos."""
    report = inspection_report(photo_dir, 1)
    target = tmp_path / "bb.docx"
    write_record(report, context(photo_dir), target)
    with zipfile.ZipFile(target) as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert len(media) == len(report.snapshot.photos)
        digests = set()
        for name in media:
            data = archive.read(name)
            assert b"kiemtra photo" not in data
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # a stand-in claims a size its data cannot fill
                assert image.format == "JPEG" and max(image.size) <= 1000
            digests.add(hashlib.sha256(data).hexdigest())
        assert len(digests) == len(media)
    assert len(docx.Document(str(target)).inline_shapes) == len(media)
