"""Every document of a checklist with conditions, legal bases and scores, read back as people read it: the
basis beside each criterion and finding, "Không áp dụng theo điều kiện" where the unit's answers ruled items
out (never a shortcoming, never counted, an answer stored before that counting for nothing), the scores as
percentages; and the same documents of the checklist without `scoring` saying nothing about scores.

The inspections are stored in a real SQLite file (`tests.v2_checklists`) and read back through the report
service, so the conditions are applied where the bot applies them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.document import Document
from docx.shared import Pt
from openpyxl.workbook.workbook import Workbook

from bot.checklist.loader import parse_checklist
from bot.checklist.versions import ChecklistVersions
from bot.events import ReportKind, ReportRequest
from bot.reports.data import ReportContext, RoundReport
from bot.reports.export import export_json
from bot.reports.pdf import soffice, to_pdf
from bot.reports.record import write_record
from bot.reports.round_doc import write_round_report
from bot.reports.round_results import round_verdict_counts
from bot.reports.service import ReportService
from bot.reports.workbook import write_workbook
from storage.models import NewAmendment
from tests.engine_harness import ADMIN, Harness
from tests.images import png
from tests.test_report_pdf import check_closing, pages_of
from tests.test_report_record import between, document_lines
from tests.v2_checklists import (
    AREA_2_RULED_OUT,
    AREA_4,
    CHECKLIST,
    FIRST,
    LEAD,
    SECOND,
    SET_ASIDE_NOTE,
    Visit,
    checklist,
    report_service,
    seed_visits,
)

RULED_OUT = "Không áp dụng theo điều kiện"
SHORTCOMINGS = [
    "1. Chỉ đạo, điều hành",
    "(1) Kế hoạch ban hành muộn (tiêu chí 1.1, không đạt; căn cứ: Nghị định 63/2010/NĐ-CP).",
    "3. Công khai TTHC",
    "(2) Thiếu mẫu đơn, tờ khai (tiêu chí 3.1, một phần; căn cứ: Thông tư 02/2017/TT-VPCP).",
]
AREA_2_VERDICT = (
    "Đánh giá chung: Không áp dụng (không có tiêu chí nào áp dụng với đơn vị; 3 nội dung không áp dụng theo điều kiện)."
)
AREA_4_VERDICT = "Đánh giá chung: Không áp dụng theo điều kiện (lĩnh vực không kiểm tra đối với đơn vị)."
SCALE = (
    "điểm đạt được trên tổng điểm tối đa của các tiêu chí áp dụng, theo trọng số của từng tiêu chí; Đạt: 1; "
    "Một phần: 0,5; Không đạt: 0"
)
# The one line of a record that says "điểm" without meaning a score.
REQUESTS_LINE = "1. Đề nghị UBND xã Cổ Lũng khắc phục các tồn tại, hạn chế nêu tại điểm 2 mục III:"
CHART = png(800, 1100)


def table_with(document: Document, header: list[str]) -> list[list[str]]:
    """The rows under the header row `header` of the table that has it, as their cells' text."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0] == header:
            return rows[1:]
    raise AssertionError(f"no table headed {header}")


def criteria(document: Document) -> dict[str, list[str]]:
    """The rows of the record's criteria tables, by their number ("2.3")."""
    rows: dict[str, list[str]] = {}
    for table in document.tables:
        if table.rows[0].cells[0].text == "TT" and table.rows[0].cells[1].text == "Nội dung kiểm tra":
            rows |= {row.cells[0].text: [cell.text for cell in row.cells] for row in table.rows[1:]}
    return rows


def said_about_scores(lines: list[str]) -> list[str]:
    """The lines that mention a score or a percentage."""
    return [line for line in lines if "điểm" in line.lower() or "%" in line]


async def record_of(tmp_path: Path, scored: bool = True) -> Document:
    async with report_service(tmp_path, checklist(scored)) as (_, service):
        unit = await service.inspection_report(1)
        target = tmp_path / "bien-ban.docx"
        write_record(unit, service.context(), target)
    return docx.Document(str(target))


async def round_of(tmp_path: Path, scored: bool = True) -> tuple[RoundReport, ReportContext]:
    async with report_service(tmp_path, checklist(scored)) as (_, service):
        return await service.round_report(1), service.context()


# --- the record ------------------------------------------------------------------------------------


async def test_the_record_cites_the_basis_and_leaves_ruled_out_items_out_of_the_findings(tmp_path: Path) -> None:
    document = await record_of(tmp_path)
    lines = document_lines(document)
    rows = criteria(document)

    assert rows["1.1"] == [
        "1.1",
        "Đã ban hành kế hoạch KSTTHC năm\n(Căn cứ: Nghị định 63/2010/NĐ-CP)",
        "Không đạt",
        "Tồn tại (1)",
    ]
    basis = next(cell for table in document.tables for cell in table.column_cells(1) if "(Căn cứ:" in cell.text)
    assert basis.paragraphs[1].runs[0].italic and basis.paragraphs[1].runs[0].font.size == Pt(11)
    assert rows["1.3"][1] == "Trong kỳ, đơn vị có nhận phản ánh, kiến nghị không"  # an item without a basis
    # Area 2's gate answered "Không": its three other items, one answered "Không đạt" before, are out by rule.
    assert rows["2.1"][2] == "Không"
    assert [rows[number][2:] for number in ("2.2", "2.3", "2.4")] == [[RULED_OUT, ""]] * 3
    assert rows["2.2"][1].endswith("(Căn cứ: Điều 10 Nghị định 63/2010/NĐ-CP)")
    assert AREA_2_VERDICT in lines
    # Nobody sent feedback: area 4 is out as a whole, in one line and no table.
    assert AREA_4_VERDICT in lines and not [number for number in rows if number.startswith("4.")]
    # The answers of the new types, as people write them.
    assert (rows["3.2"][2], rows["3.3"][2], rows["3.4"][2]) == ("Bảng, Màn hình cảm ứng", "02/11/2026", "97,5 %")

    assert between(lines, "2. Tồn tại, hạn chế", "3. Kiến nghị") == SHORTCOMINGS
    achieved = between(lines, "1. Kết quả đạt được", "2. Tồn tại")
    assert achieved == ["- Chỉ đạo, điều hành: Đã cử công chức đầu mối KSTTHC."]  # its basis is in its area's table
    assert "- Tồn tại (1), (2): hoàn thành trước ngày 20/12/2026." in lines
    assert not [line for line in lines if SET_ASIDE_NOTE in line]


async def test_the_record_scores_each_area_and_the_unit(tmp_path: Path) -> None:
    lines = document_lines(document := await record_of(tmp_path))

    assert "Đánh giá chung: Một phần – đạt 1/2 tiêu chí (Không đạt: 1); điểm: 33 %." in lines
    assert "Đánh giá chung: Một phần – đạt 0/1 tiêu chí (Một phần: 1); điểm: 50 %." in lines
    assert AREA_2_VERDICT in lines  # nothing scored there: no score said
    assert table_with(document, ["TT", "Lĩnh vực", "Kết quả", "Điểm"]) == [
        ["1", "Chỉ đạo, điều hành", "Một phần (1/2)", "33 %"],
        ["2", "Đánh giá tác động TTHC", "Không áp dụng", "—"],
        ["3", "Công khai TTHC", "Một phần (0/1)", "50 %"],
        ["4", "Tiếp nhận, xử lý phản ánh, kiến nghị", RULED_OUT, "—"],
        ["", "Chung", "Đạt 1/3 tiêu chí", "42 %"],  # 36 % if the answer set aside counted
    ]
    assert f"Điểm chung: 42 % ({SCALE})." in lines


async def test_a_record_without_scoring_says_nothing_about_scores(tmp_path: Path) -> None:
    document = await record_of(tmp_path, scored=False)
    lines = document_lines(document)

    assert said_about_scores(lines) == ["97,5 %", REQUESTS_LINE]  # the figure, and "tại điểm 2 mục III"
    assert "Đánh giá chung: Một phần – đạt 1/2 tiêu chí (Không đạt: 1)." in lines
    assert not [table for table in document.tables if "Điểm" in [cell.text for cell in table.rows[0].cells]]
    assert AREA_2_VERDICT in lines and AREA_4_VERDICT in lines  # the rules and the bases stay
    assert between(lines, "2. Tồn tại, hạn chế", "3. Kiến nghị") == SHORTCOMINGS


async def test_a_correction_that_rules_a_shortcoming_out_takes_it_and_its_request_away(tmp_path: Path) -> None:
    """Submitted with a draft regulation and its impact assessment failed; corrected after submit: the
    unit drafted nothing. The failed criterion, its finding and what the team asked about it go."""
    drafted = Visit(FIRST.unit, [answer for answer in FIRST.answers if answer != ("co-du-thao", "no", None)])
    async with report_service(tmp_path, checklist(), (drafted,)) as (store, service):
        before = await service.inspection_report(1)
        assert {f.item_id for f in before.followups} == {"ke-hoach", "danh-gia-tac-dong", "niem-yet-dung"}
        async with store.transaction() as tx:
            correction = NewAmendment(
                inspection_id=1,
                area_id="danh-gia",
                item_id="co-du-thao",
                old_value="yes",
                new_value="no",
                old_note=None,
                new_note=None,
                reason="Đơn vị không dự thảo văn bản nào",
                person_id=LEAD[0],
                person_name=LEAD[1],
            )
            await tx.amendments.add(correction)
        unit = await service.inspection_report(1)
        target = tmp_path / "bien-ban.docx"
        write_record(unit, service.context(), target)
    lines = document_lines(docx.Document(str(target)))

    assert unit.snapshot.set_aside.keys() == {"danh-gia-tac-dong"}
    assert between(lines, "2. Tồn tại, hạn chế", "3. Kiến nghị") == SHORTCOMINGS
    assert between(lines, REQUESTS_LINE, "2. Báo cáo") == ["- Tồn tại (1), (2): hoàn thành trước ngày 20/12/2026."]
    assert "Đơn vị không dự thảo văn bản nào" in lines  # the annex of corrections says why
    assert not [line for line in lines if SET_ASIDE_NOTE in line]


# --- the workbook ----------------------------------------------------------------------------------


def workbook_of(report: RoundReport, context: ReportContext, tmp_path: Path) -> Workbook:
    target = tmp_path / "bang-tinh.xlsx"
    write_workbook(report, context, target)
    return openpyxl.load_workbook(target)


def every_cell(book: Workbook) -> Iterator[object]:
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            yield from row


async def test_the_workbook_lists_ruled_out_items_as_such_with_the_basis_and_the_scores(tmp_path: Path) -> None:
    book = workbook_of(*await round_of(tmp_path), tmp_path)

    assert book.sheetnames == ["Trả lời", "Tổng hợp", "Điểm", "Số liệu", "Ảnh"]
    header, *rows = list(book["Trả lời"].values)
    assert header[6] == "Trả lời" and header[9] == "Mã trả lời" and header[-1] == "Căn cứ"
    first = {row[4]: row for row in rows if row[1] == 1}
    for item in AREA_2_RULED_OUT + AREA_4:  # every item the unit was not asked, with nothing in force
        assert first[item][6] == RULED_OUT and first[item][7:16] == (None,) * 9, first[item]
    assert first["danh-gia-tac-dong"][-1] == "Điều 10 Nghị định 63/2010/NĐ-CP"
    assert (first["ke-hoach"][6], first["ke-hoach"][-1]) == ("Không đạt", "Nghị định 63/2010/NĐ-CP")
    assert first["dau-moi"][-1] == "Thông tư 02/2017/TT-VPCP" and first["co-du-thao"][-1] is None
    assert first["hinh-thuc"][6:10] == ("Bảng, Màn hình cảm ứng", None, None, "bang man-hinh")
    assert first["ngay-cap-nhat"][6] == "02/11/2026" and first["ty-le"][6:9] == ("97,5 %", 97.5, "%")
    second = {row[4]: row for row in rows if row[1] == 2}
    assert second["so-du-thao"][6:9] == ("2 văn bản", 2, "văn bản") and second["danh-gia-tac-dong"][6] == "Đạt"
    assert SET_ASIDE_NOTE not in every_cell(book)
    # The pass rate of area 2 at the first unit: nothing applicable (the answer set aside is not a "Không đạt").
    summary = {row[0]: row for row in book["Tổng hợp"].iter_rows(min_row=3, max_row=4, values_only=True)}
    assert summary[1][2:7] == (0.5, None, 0, None, 1 / 3)

    scores = book["Điểm"]
    assert [cell.value for cell in scores[2]] == ["Phiên", "Đơn vị", *(f"Lĩnh vực {n}" for n in range(1, 5)), "Chung"]
    values = [[cell.value for cell in row] for row in scores.iter_rows(min_row=3, max_row=5)]
    assert values[0][:2] == [1, "UBND xã Cổ Lũng"] and values[0][2:] == pytest.approx([1 / 3, None, 0.5, None, 2.5 / 6])
    assert values[1][2:] == pytest.approx([1, 0.75, 1, 0.5, 0.85])
    assert values[2][1] == "Trung bình các đơn vị"
    assert values[2][2:] == pytest.approx([(1 / 3 + 1) / 2, 0.75, 0.75, 0.5, (2.5 / 6 + 0.85) / 2])
    assert {cell.number_format for cell in scores[3][2:]} == {"0%"}
    assert f"Tỷ lệ {SCALE}" in every_cell(book)


async def test_a_workbook_without_scoring_has_no_score_sheet_nor_any_score(tmp_path: Path) -> None:
    book = workbook_of(*await round_of(tmp_path, scored=False), tmp_path)

    assert book.sheetnames == ["Trả lời", "Tổng hợp", "Số liệu", "Ảnh"]
    assert not [cell for cell in every_cell(book) if isinstance(cell, str) and "điểm" in cell.lower()]
    assert sum(cell == RULED_OUT for cell in every_cell(book)) == len(AREA_2_RULED_OUT + AREA_4)


async def test_a_basis_that_reads_as_a_formula_stays_text(tmp_path: Path) -> None:
    """The bases are the team's file, typed by people like any answer."""
    formula = '=HYPERLINK("http://x","bấm")'
    typed = parse_checklist(CHECKLIST.replace("basis: Nghị định 20/2008/NĐ-CP", f"basis: '{formula}'"))
    async with report_service(tmp_path, typed) as (_, service):
        report = await service.round_report(1)
        target = tmp_path / "bang-tinh.xlsx"
        write_workbook(report, service.context(), target)
    sheet = openpyxl.load_workbook(target)["Trả lời"]
    (cell,) = [row[-1] for row in sheet.iter_rows(min_row=2) if row[4].value == "so-theo-doi" and row[1].value == 2]
    assert (cell.value, cell.data_type) == (formula, "s")


# --- the round's report ----------------------------------------------------------------------------


def round_document(report: RoundReport, context: ReportContext, tmp_path: Path) -> Document:
    target = tmp_path / "bao-cao.docx"
    write_round_report(report, context, target, CHART)
    return docx.Document(str(target))


async def test_the_round_report_counts_nothing_ruled_out_and_scores_each_unit(tmp_path: Path) -> None:
    report, context = await round_of(tmp_path)
    document = round_document(report, context, tmp_path)
    lines = document_lines(document)

    # Area 2 at the first unit: not applicable, not "KĐ 0/1" for the answer set aside.
    assert table_with(document, ["Đơn vị", "1", "2", "3", "4"]) == [
        ["UBND xã Cổ Lũng", "MP 1/2", "KAD", "MP 0/1", "KAD"],
        ["UBND xã Phấn Mễ", "Đ 2/2", "MP 1/2", "Đ 1/1", "MP 1/2"],
    ]
    assert table_with(document, ["Đơn vị", "1", "2", "3", "4", "Chung"]) == [
        ["UBND xã Cổ Lũng", "33 %", "—", "50 %", "—", "42 %"],
        ["UBND xã Phấn Mễ", "100 %", "75 %", "100 %", "50 %", "85 %"],
        ["Trung bình", "67 %", "75 %", "75 %", "50 %", "63 %"],
    ]
    assert f"Điểm của từng đơn vị theo lĩnh vực ({SCALE}):" in lines
    assert table_with(
        document, ["Đơn vị", "Số dự thảo có quy định TTHC (văn bản)", "Tỷ lệ hồ sơ giải quyết đúng hạn (%)"]
    ) == [
        ["UBND xã Cổ Lũng", RULED_OUT, "97,5 %"],
        ["UBND xã Phấn Mễ", "2 văn bản", "100 %"],
    ]
    assert between(lines, "1. UBND xã Cổ Lũng:", "2. UBND xã Phấn Mễ:") == [
        "- Chỉ đạo, điều hành (lĩnh vực 1): Kế hoạch ban hành muộn;",
        "- Công khai TTHC (lĩnh vực 3): Thiếu mẫu đơn, tờ khai.",
    ]
    assert not [line for line in lines if SET_ASIDE_NOTE in line]
    assert "- Chỉ đạo, điều hành: Đã cử công chức đầu mối KSTTHC;" in lines
    # The chart draws the same: area 2 is one unit partly met and one not applicable.
    assert round_verdict_counts(report)[1][1] == {"pass": 0, "partial": 1, "fail": 0, "na": 1}


async def test_a_round_report_without_scoring_says_nothing_about_scores(tmp_path: Path) -> None:
    report, context = await round_of(tmp_path, scored=False)
    document = round_document(report, context, tmp_path)
    lines = document_lines(document)

    assert [line for line in lines if "điểm" in line.lower()] == [
        "Số liệu do các đơn vị cung cấp tại thời điểm kiểm tra:"
    ]
    assert [line for line in lines if "%" in line] == ["Tỷ lệ hồ sơ giải quyết đúng hạn (%)", "97,5 %", "100 %"]
    assert not [table for table in document.tables if table.rows[0].cells[-1].text == "Chung"]


# --- the JSON export -------------------------------------------------------------------------------


async def test_the_export_marks_ruled_out_items_keeps_the_answer_set_aside_and_gives_the_scores(tmp_path: Path) -> None:
    async with report_service(tmp_path, checklist()) as (store, _):
        exported = json.loads(await export_json(store, 1) or "")
    answers = {answer["item_id"]: answer for answer in exported["answers"]}

    assert exported["ruled_out"] == AREA_2_RULED_OUT + AREA_4
    kept = answers["danh-gia-tac-dong"]
    assert (kept["value"], kept["note"], kept["ruled_out"]) == ("fail", SET_ASIDE_NOTE, True)
    assert not [item for item, answer in answers.items() if answer["ruled_out"] and item != "danh-gia-tac-dong"]
    assert answers["hinh-thuc"]["value_label"] == "Bảng, Màn hình cảm ứng"
    assert exported["scores"] == [
        {"area_id": "chi-dao", "earned": 1.0, "possible": 3.0, "rate": pytest.approx(1 / 3)},
        {"area_id": "danh-gia", "earned": 0.0, "possible": 0.0, "rate": None},
        {"area_id": "niem-yet", "earned": 1.5, "possible": 3.0, "rate": 0.5},
        {"area_id": "phan-anh", "earned": 0.0, "possible": 0.0, "rate": None},
        {"area_id": None, "earned": 2.5, "possible": 6.0, "rate": pytest.approx(2.5 / 6)},
    ]


async def test_an_export_without_scoring_has_no_scores(tmp_path: Path) -> None:
    async with report_service(tmp_path, checklist(scored=False)) as (store, _):
        exported = json.loads(await export_json(store, 1) or "")

    assert "scores" not in exported and exported["ruled_out"] == AREA_2_RULED_OUT + AREA_4


# --- /stats ----------------------------------------------------------------------------------------


async def stats_of(tmp_path: Path, scored: bool) -> str:
    """/stats in the group of a team that submitted both units, and its chart built as the bot builds it."""
    the_checklist = checklist(scored)
    h = await Harness.open(tmp_path, the_checklist)
    try:
        await h.make_team_with_inspector()
        async with h.store.transaction() as tx:
            await seed_visits(tx, the_checklist, 1, [FIRST, SECOND])
        replies = await h.command(ADMIN, "stats", group=True)
        service = ReportService(
            h.store, ChecklistVersions(the_checklist), issuer="UBND", place="Thái Nguyên", photo_dir=tmp_path
        )
        (tmp_path / "out").mkdir()
        chart = await service.build(ReportRequest(kind=ReportKind.STATS, team_id=1), tmp_path / "out")
        assert chart.as_photo and chart.path.read_bytes().startswith(b"\x89PNG")
        return h.texts(replies)
    finally:
        await h.store.close()


async def test_stats_leave_ruled_out_answers_out_and_average_the_scores(tmp_path: Path) -> None:
    lines = (await stats_of(tmp_path, scored=True)).splitlines()

    assert lines[0].endswith("2 phiên đã gửi")
    # Area 2: one of two criteria met at the second unit; the first unit's answer set aside counts for nothing.
    assert lines[3:7] == [
        "1. Chỉ đạo, điều hành: <b>75 %</b> (3/4) · điểm 67 %",
        "2. Đánh giá tác động TTHC: <b>50 %</b> (1/2) · điểm 75 %",
        "3. Công khai TTHC: <b>50 %</b> (1/2) · điểm 75 %",
        "4. Tiếp nhận, xử lý phản ánh, kiến nghị: <b>50 %</b> (1/2) · điểm 50 %",
    ]
    assert lines[8].startswith("🏅 Điểm trung bình: <b>63 %</b>")
    assert "• UBND xã Cổ Lũng (1 phiên): <b>33 %</b> · điểm 42 %" in lines
    assert "• UBND xã Phấn Mễ (1 phiên): <b>71 %</b> · điểm 85 %" in lines
    assert next(line for line in lines if "(2 phiên)" in line).endswith(": <b>60 %</b> · điểm 63 %")  # the month


async def test_stats_without_scoring_say_nothing_about_scores(tmp_path: Path) -> None:
    text = await stats_of(tmp_path, scored=False)

    assert "2. Đánh giá tác động TTHC: <b>50 %</b> (1/2)\n" in text
    assert "• UBND xã Cổ Lũng (1 phiên): <b>33 %</b>\n" in text
    assert "điểm" not in text.lower() and "🏅" not in text


# --- printed ---------------------------------------------------------------------------------------


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
async def test_the_printed_record_keeps_its_layout_with_bases_rules_and_scores(tmp_path: Path) -> None:
    await record_of(tmp_path)
    pdf = await to_pdf(tmp_path / "bien-ban.docx", tmp_path)

    pages = pages_of(pdf)
    check_closing(pages)
    text = " ".join(" ".join(pages).split())
    assert "(1) Kế hoạch ban hành muộn (tiêu chí 1.1, không đạt; căn cứ: Nghị định 63/2010/NĐ-CP)." in text
    assert AREA_4_VERDICT in text and f"Điểm chung: 42 % ({SCALE})." in text
    assert "(Căn cứ: Điều 10 Nghị định 63/2010/NĐ-CP)" in text
