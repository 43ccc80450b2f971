"""The record (biên bản kiểm tra) of one inspected unit, as a Word file both sides sign on site, unedited.

It follows the order of a biên bản under Decree 30/2020/NĐ-CP: the basis of the inspection, when and where,
who was present on both sides, what was checked and what it came to, what the unit asks, what the team
requires, the unit's own opinion, the closing line and the signatures; the photo evidence follows as an
appendix. Each finding is said once, where the findings are, under its area's name and with a number that
the checklist table and the team's requests point to. Results come from `bot.findings.results`, so the
record, the round's report and the chat summary state the same verdicts.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot.answers import Value
from bot.checklist.kinds import number_text, value_label
from bot.checklist.model import Area, Checklist, Item, ItemType, Scoring, criterion
from bot.findings.people import described, member_line, stored_representative, without_salutation
from bot.findings.results import (
    AreaResult,
    Finding,
    Score,
    achievements,
    area_results,
    ruled_out_of,
    scores,
    shortcomings,
)
from bot.findings.snapshot import answerers_by_area
from bot.findings.trail import answer_words, item_words, photo_change
from bot.reports.archive import ordered_photos
from bot.reports.data import InspectionReport, ReportContext, item_basis
from bot.reports.docx_layout import (
    SMALL_SIZE,
    PhotoSpool,
    Signature,
    add_aside,
    add_basis,
    add_body,
    add_cell_aside,
    add_field,
    add_fill_line,
    add_grid,
    add_header_block,
    add_heading,
    add_item,
    add_list,
    add_page_break,
    add_paragraph,
    add_person_blank,
    add_run,
    add_signatures,
    add_title,
    new_document,
    vietnam,
)
from bot.texts import catalogue as texts
from bot.texts.formats import percent, spans
from storage.files import stored_file
from storage.models import Answer, FollowUp, Member, Photo, RemarkKind, Role

ITEM_COLUMNS = (Mm(13), Mm(79), Mm(33), Mm(40))
SCORE_COLUMNS = (Mm(13), Mm(68), Mm(62), Mm(22))
CORRECTION_COLUMNS = (Mm(10), Mm(38), Mm(30), Mm(30), Mm(35), Mm(22))
CORRECTIONS_TITLE = "PHỤ LỤC: CÁC NỘI DUNG ĐÃ SỬA SAU KHI GỬI KẾT QUẢ"
UNIT_SIGNATURE = "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA"
LEAD_SIGNATURE = "TRƯỞNG ĐOÀN KIỂM TRA"
BLANK_REPRESENTATIVES = 2
BLANK_OPINION_LINES = 3
UNKNOWN_PAGES = "…"
# How the documents say that the unit's own answers took an item or an area out of the inspection.
RULED_OUT = texts.VI.SKIPPED_BY_RULE[:1].upper() + texts.VI.SKIPPED_BY_RULE[1:]


@dataclass(frozen=True)
class Numbers:
    """What the record numbers so that one part can point to another: each shortcoming ("tồn tại (3)") and
    each photo ("Ảnh 5"), both in checklist order."""

    shortcomings: dict[str, int]  # item id -> its number among the shortcomings
    photos: dict[int, int]  # photo id -> its number in the appendix

    @classmethod
    def of(cls, report: InspectionReport) -> Numbers:
        found = shortcomings(report.snapshot)
        photos = record_photos(report)
        return cls(
            shortcomings={finding.item.id: number for number, finding in enumerate(found, start=1)},
            photos={photo.id: number for number, photo in enumerate(photos, start=1)},
        )


def record_photos(report: InspectionReport) -> list[Photo]:
    """The photos the record shows, in checklist order: not those of an item the unit's answers ruled out
    since, which are kept stored, like its answer, but are evidence of nothing the record states."""
    return [photo for photo in ordered_photos(report) if photo.item_id not in report.snapshot.ruled_out]


def write_record(report: InspectionReport, ctx: ReportContext, target: Path, pages: int | None = None) -> None:
    """`pages`: the page count a rendering of this same record found, written where the closing line
    counts its pages; Word and LibreOffice compute it again as they lay the pages out."""
    title = f"Biên bản kiểm tra công tác kiểm soát thủ tục hành chính tại {report.unit}"
    document = new_document(title, ctx.issuer, ctx.generated_at, report.round.name if report.round else "")
    add_header_block(document, ctx.issuer, "BB-ĐKT", ctx.place, record_day(report))
    subject = [f"Kiểm tra công tác kiểm soát thủ tục hành chính tại {report.unit}"]
    if report.round is not None:
        subject.append(f"Đợt kiểm tra: {report.round.name}")
    add_title(document, "BIÊN BẢN", subject)
    add_basis(document, ctx.basis_of(report.round))
    _opening(document, report)
    _participants(document, report)
    numbers = Numbers.of(report)
    _content(document, report, numbers)
    _results(document, report, numbers)
    _requests(document, report, numbers)
    _opinion(document, report)
    closing = _closing(document, report, ctx.copies, pages)
    unit_signer = _first_representative(report)
    lead = Signature(LEAD_SIGNATURE, _lead_name(report.members))
    add_signatures(document, closing, Signature(UNIT_SIGNATURE, unit_signer), lead)
    with tempfile.TemporaryDirectory(prefix="kiemtra-record-") as folder:
        spool = PhotoSpool(Path(folder))
        _corrections(document, report)
        _appendix(document, report, ctx.photo_dir, spool)
        spool.save(document, target)


def record_day(report: InspectionReport) -> date:
    inspection = report.inspection
    return vietnam(inspection.submitted_at or inspection.created_at).date()


def _clock(moment: datetime) -> str:
    """'08 giờ 15 ngày 20/11/2026', the way a biên bản states an hour."""
    local = vietnam(moment)
    return f"{local:%H} giờ {local:%M} ngày {local:%d/%m/%Y}"


def _opening(document: Document, report: InspectionReport) -> None:
    inspection = report.inspection
    add_body(
        document,
        f"Hôm nay, vào hồi {_clock(inspection.created_at)}, tại {report.unit}, Đoàn kiểm tra tiến hành kiểm tra "
        "công tác kiểm soát thủ tục hành chính.",
    )
    if inspection.latitude is not None and inspection.longitude is not None:
        add_body(
            document, f"Vị trí ghi nhận khi kiểm tra (tọa độ): {inspection.latitude:.5f}, {inspection.longitude:.5f}."
        )


def _participants(document: Document, report: InspectionReport) -> None:
    """The team from the bot's roster, lead first, each with the position they gave (/chucvu); the unit's
    representatives as the inspector typed them at the end of the visit, or lines to write them in."""
    add_heading(document, "I. THÀNH PHẦN")
    add_body(document, f"1. Đoàn kiểm tra ({report.team.name}):")
    snapshot = report.snapshot
    inspected = snapshot.participants()
    members = sorted(report.members, key=lambda member: member.role is not Role.LEAD)
    lines = [member_line(member, inspected=member.user_id in inspected) for member in members]
    # Whoever answered was there, even if no longer on the roster (removed since, or never a member).
    on_roster = {member.user_id for member in members}
    absent = [person for person in inspected if person not in on_roster]
    lines += [described(snapshot.name_of(person), None, "người trực tiếp kiểm tra") for person in absent]
    add_list(document, lines)
    add_body(document, f"2. Đại diện {report.unit}:")
    people = [stored_representative(text) for text in report.snapshot.remarks_of(RemarkKind.REPRESENTATIVE)]
    if not people:
        for _ in range(BLANK_REPRESENTATIVES):
            add_person_blank(document, "- Ông/Bà:", "Chức vụ:")
        return
    add_list(document, [described(person.name, None, person.position) for person in people])


def _content(document: Document, report: InspectionReport, numbers: Numbers) -> None:
    add_heading(document, "II. NỘI DUNG KIỂM TRA")
    checklist = report.checklist
    add_body(
        document,
        f"Đoàn kiểm tra đã kiểm tra theo bảng kiểm «{checklist.title}» (phiên bản {checklist.version}), "
        f"gồm {len(checklist.areas)} lĩnh vực, kết quả như sau:",
    )
    snapshot = report.snapshot
    answerers = answerers_by_area(snapshot) if snapshot.shared else {}
    scored = scores(snapshot)
    for result in area_results(snapshot):
        area = result.area
        add_heading(document, f"{result.number}. {area.title}", level=2)
        if area.id in answerers:
            names = ", ".join(answerers[area.id])
            add_body(document, f"Người kiểm tra: {names}.").paragraph_format.keep_with_next = True
        if _all_ruled_out(report, area):
            add_body(document, f"Đánh giá chung: {RULED_OUT} (lĩnh vực không kiểm tra đối với đơn vị).")
            continue
        score = scored[0][result.number - 1] if scored else None
        ruled = len(ruled_out_of(snapshot, area))
        # The area's name and verdict go over a page break with its table, never left at a page's foot.
        add_body(document, _verdict_sentence(result, ruled, score)).paragraph_format.keep_with_next = True
        _item_table(document, report, result.number, area, numbers)


def _all_ruled_out(report: InspectionReport, area: Area) -> bool:
    """An area the unit's answers took out as a whole: the record says so in one line, with no table."""
    return len(ruled_out_of(report.snapshot, area)) == len(area.items)


def _verdict_sentence(result: AreaResult, ruled: int, score: Score | None) -> str:
    """The area's verdict with the counts behind it, and its score under a checklist that scores;
    'Không áp dụng' criteria and items ruled out by the unit's answers do not count towards either."""
    label = texts.VI.RATING_LABELS[result.verdict]
    if result.rated == 0:
        extra = f"; {ruled} nội dung {texts.VI.SKIPPED_BY_RULE}" if ruled else ""
        return f"Đánh giá chung: {label} (không có tiêu chí nào áp dụng với đơn vị{extra})."
    details = [
        f"{texts.VI.RATING_LABELS[value]}: {count}"
        for value, count in (
            (Value.PARTIAL, result.partial),
            (Value.FAIL, result.failed),
            (Value.NA, result.not_applicable),
        )
        if count
    ]
    details += [f"{RULED_OUT}: {ruled}"] if ruled else []
    extra = f" ({'; '.join(details)})" if details else ""
    points = f"; điểm: {percent(score.rate)}" if score is not None and score.rate is not None else ""
    return f"Đánh giá chung: {label} – đạt {result.passed}/{result.rated} tiêu chí{extra}{points}."


def _item_table(document: Document, report: InspectionReport, area_number: int, area: Area, numbers: Numbers) -> None:
    """Every criterion with its result. A shortcoming's row points to the finding by number instead of
    repeating it; a typed answer fills the width of the row, where a sentence has room."""
    rows = [
        (f"{area_number}.{number}", criterion(item.prompt), *_answer_cells(report, item, numbers))
        for number, item in enumerate(area.items, start=1)
    ]
    table = add_grid(document, ("TT", "Nội dung kiểm tra", "Kết quả", "Ghi chú"), rows, ITEM_COLUMNS)
    for row_index, item in enumerate(area.items, start=1):
        basis = item_basis(item)
        if basis is not None:
            add_cell_aside(table.rows[row_index].cells[1], f"(Căn cứ: {basis})")
        if item.type is ItemType.TEXT and report.snapshot.answers.get(item.id) is not None:
            _widen(table, row_index)


def _widen(table: Table, row_index: int) -> None:
    """The question (and its basis), then the answer typed in italics under it, across the three wide
    columns."""
    row = table.rows[row_index]
    merged = row.cells[1].merge(row.cells[3])
    for paragraph in merged.paragraphs[1:]:
        if not paragraph.text:
            paragraph._p.getparent().remove(paragraph._p)
    for run in merged.paragraphs[-1].runs:
        run.italic = True


def _answer_cells(report: InspectionReport, item: Item, numbers: Numbers) -> tuple[str, str]:
    """The answer in words, and what the row points to: its finding's number, its photos' numbers. An
    item the unit's answers ruled out says so, whatever was answered to it before."""
    if item.id in report.snapshot.ruled_out:
        return RULED_OUT, ""
    answer = report.snapshot.answers.get(item.id)
    if answer is None:
        return "—", ""
    notes = []
    if item.id in numbers.shortcomings:
        notes.append(f"Tồn tại ({numbers.shortcomings[item.id]})")
    photo_numbers = [numbers.photos[photo.id] for photo in report.snapshot.photos_of(item.id)]
    if photo_numbers:
        notes.append(photo_span(sorted(photo_numbers)))
    return value_label(texts.VI, item, answer.value) + amended_mark(answer), "; ".join(notes)


def amended_mark(answer: Answer) -> str:
    """' (đã sửa)' after a value corrected after submit; the annex says what it was and why."""
    return f" {texts.VI.AMENDED_MARK}" if answer.amended else ""


def photo_span(numbers: list[int]) -> str:
    """'Ảnh 3', 'Ảnh 3, 5', 'Ảnh 3–6, 9' for three or more consecutive ones."""
    return "Ảnh " + spans(numbers)


def _results(document: Document, report: InspectionReport, numbers: Numbers) -> None:
    snapshot = report.snapshot
    add_heading(document, "III. KẾT QUẢ")
    _scores(document, report)
    add_heading(document, "1. Kết quả đạt được", level=2)
    achieved = [met_line(area, met) for area, met in met_by_area(achievements(snapshot))]
    add_list(document, [*achieved, *snapshot.remarks_of(RemarkKind.STRENGTH)] or ["Chưa ghi nhận kết quả đạt được."])
    add_heading(document, "2. Tồn tại, hạn chế", level=2)
    _shortcomings(document, report, numbers)
    add_heading(document, "3. Kiến nghị của đơn vị", level=2)
    add_list(document, snapshot.remarks_of(RemarkKind.RECOMMENDATION) or ["Đơn vị không có kiến nghị."])


def _scores(document: Document, report: InspectionReport) -> None:
    """Under a checklist that scores: each area's score and the unit's, in a table, and the overall score
    said with what it means. Nothing at all otherwise."""
    snapshot = report.snapshot
    scored, scoring = scores(snapshot), snapshot.checklist.scoring
    if scored is None or scoring is None:
        return
    by_area, overall = scored
    results = area_results(snapshot)
    add_body(document, "Điểm đánh giá theo lĩnh vực:").paragraph_format.keep_with_next = True
    rows = [
        (str(result.number), result.area.title, _result_words(report, result), percent(score.rate))
        for result, score in zip(results, by_area, strict=True)
    ]
    passed, rated = sum(result.passed for result in results), sum(result.rated for result in results)
    rows.append(("", "Chung", f"Đạt {passed}/{rated} tiêu chí", percent(overall.rate)))
    table = add_grid(document, ("TT", "Lĩnh vực", "Kết quả", "Điểm"), rows, SCORE_COLUMNS)
    for row in table.rows[1:]:
        row.cells[-1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for cell in table.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    add_body(document, f"Điểm chung: {percent(overall.rate)} ({score_meaning(scoring)}).")


def score_meaning(scoring: Scoring) -> str:
    """What a score is, said once wherever scores are shown: the scale is the team's, in its file."""
    worth = "; ".join(
        f"{texts.VI.RATING_LABELS[value]}: {number_text(f'{points:g}', 'vi')}"
        for value, points in ((Value.PASS, scoring.pass_), (Value.PARTIAL, scoring.partial), (Value.FAIL, scoring.fail))
    )
    return f"điểm đạt được trên tổng điểm tối đa của các tiêu chí áp dụng, theo trọng số của từng tiêu chí; {worth}"


def _result_words(report: InspectionReport, result: AreaResult) -> str:
    if _all_ruled_out(report, result.area):
        return RULED_OUT
    label = texts.VI.RATING_LABELS[result.verdict]
    return f"{label} ({result.passed}/{result.rated})" if result.rated else label


def met_by_area(found: list[Finding]) -> list[tuple[Area, list[str]]]:
    """Criteria met, grouped under their area in checklist order, each stated once as a fact. Their legal
    texts are in the area's table beside each criterion: repeated here, one basis shared by thirty
    criteria would fill the paragraph."""
    grouped: dict[str, list[str]] = defaultdict(list)
    areas: dict[str, Area] = {}
    for finding in found:
        areas[finding.area.id] = finding.area
        grouped[finding.area.id].append(criterion(finding.item.prompt))
    return [(areas[key], texts_of_area) for key, texts_of_area in grouped.items()]


def met_line(area: Area, met: list[str]) -> str:
    """'<area>: <criterion>; <criterion>'."""
    return f"{area.title}: {'; '.join(met)}"


def _shortcomings(document: Document, report: InspectionReport, numbers: Numbers) -> None:
    """Each finding once, under its area's name: the inspector's note where there is one, with the
    criterion it answers, and the legal text that criterion rests on, as a small reference."""
    found = shortcomings(report.snapshot)
    if not found:
        add_item(document, "Không có tồn tại, hạn chế.")
        return
    area_id = None
    for finding in found:
        if finding.area.id != area_id:
            area_id = finding.area.id
            heading = add_paragraph(document, f"{finding.area_number}. {finding.area.title}", italic=True)
            heading.paragraph_format.keep_with_next = True
        text = finding_text(finding)
        paragraph = add_body(document, f"({numbers.shortcomings[finding.item.id]}) {text}")
        label = texts.VI.RATING_LABELS[finding.answer.value].lower()
        basis = item_basis(finding.item)
        where = f"tiêu chí {_criterion_number(report.checklist, finding.item)}, {label}"
        add_aside(paragraph, f" ({where}; căn cứ: {basis})" if basis else f" ({where})")
        if not text.endswith((".", "!", "?")):
            add_run(paragraph, ".")


def finding_text(finding: Finding) -> str:
    """The note as the finding, as typed; without one, the criterion said as what is missing, never the
    positive criterion followed by a contradicting verdict."""
    note = (finding.answer.note or "").strip()
    return note or falls_short(finding.item, {finding.answer.value})


def falls_short(item: Item, values: set[str]) -> str:
    """A criterion worded as what is missing, for the verdicts `values` (failed, partly met, or both at
    several units): the criterion itself is worded as what a unit should have done."""
    if values == {Value.PARTIAL}:
        said = "Mới đạt một phần"
    elif Value.PARTIAL in values:
        said = "Chưa đạt đầy đủ"
    else:
        said = "Chưa đạt"
    return f"{said} tiêu chí «{criterion(item.prompt)}»"


def _criterion_number(checklist: Checklist, item: Item) -> str:
    found = checklist.find(item.id)
    if found is None:
        return item.id
    area_index, _, item_index, _ = checklist.at(found[0])
    return f"{area_index + 1}.{item_index + 1}"


def _requests(document: Document, report: InspectionReport, numbers: Numbers) -> None:
    """What the team requires points to the findings by number, grouped by due date."""
    add_heading(document, "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA")
    followups = [f for f in report.followups if f.item_id in numbers.shortcomings or not _withdrawn(report, f)]
    if not followups:
        add_body(document, "Đoàn kiểm tra không có yêu cầu khắc phục đối với đơn vị.")
        return
    add_body(document, f"1. Đề nghị {report.unit} khắc phục các tồn tại, hạn chế nêu tại điểm 2 mục III:")
    by_due: dict[date, list[str]] = defaultdict(list)
    for followup in followups:
        by_due[followup.due_on].append(_pointer(report, followup, numbers))
    for due_on, pointers in sorted(by_due.items()):
        add_item(document, f"Tồn tại {', '.join(pointers)}: hoàn thành trước ngày {due_on:%d/%m/%Y}.")
    last = max(by_due)
    add_body(document, f"2. Báo cáo kết quả khắc phục về Đoàn kiểm tra trước ngày {last:%d/%m/%Y}.")


def _withdrawn(report: InspectionReport, followup: FollowUp) -> bool:
    """A follow-up whose shortcoming a correction after submit took away, or whose item a corrected
    answer ruled out: no longer asked of the unit, and the annex of corrections says why."""
    if followup.item_id in report.snapshot.ruled_out:
        return True
    answer = report.snapshot.answers.get(followup.item_id)
    return answer is not None and answer.amended


def _pointer(report: InspectionReport, followup: FollowUp, numbers: Numbers) -> str:
    """'(3)'; a follow-up whose item is no longer among the findings is named instead."""
    number = numbers.shortcomings.get(followup.item_id)
    if number is not None:
        return f"({number})"
    found = report.checklist.find(followup.item_id)
    return f"«{criterion(found[2].prompt)}»" if found else f"«{followup.item_id}»"


def _opinion(document: Document, report: InspectionReport) -> None:
    """What the unit's representative said about the findings, as typed; otherwise lines to write it in.
    It goes over a page break with the closing line and the signatures, so the signature page carries
    what the unit signs under as well as the closing line."""
    add_heading(document, "V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA")
    opinion = report.snapshot.remarks_of(RemarkKind.OPINION)
    written = [add_body(document, text) for text in opinion]
    written += [add_fill_line(document) for _ in range(0 if opinion else BLANK_OPINION_LINES)]
    for paragraph in written:
        paragraph.paragraph_format.keep_with_next = True


def closing_words(report: InspectionReport, copies: int) -> tuple[str, str]:
    """The closing line around its page count: 'Biên bản kết thúc lúc …, gồm' and 'trang, …'."""
    submitted = report.inspection.submitted_at
    closed = _clock(submitted) if submitted is not None else "…… giờ …… ngày ……"
    with_photos = " (kể cả phụ lục ảnh)" if record_photos(report) else ""
    if copies % 2 == 0:
        kept = f"mỗi bên giữ {copies // 2:02d} bản"
    else:
        kept = f"đơn vị được kiểm tra giữ 01 bản, Đoàn kiểm tra giữ {copies - 1:02d} bản"
    return (
        f"Biên bản kết thúc lúc {closed}, gồm ",
        f" trang{with_photos}, được lập thành {copies:02d} bản có giá trị như nhau, {kept}; các thành viên đã "
        "đọc lại và nhất trí ký tên.",
    )


def _closing(document: Document, report: InspectionReport, copies: int, pages: int | None) -> Paragraph:
    """The page count is a field that Word and LibreOffice fill in; `pages` is what it shows until then."""
    before, after = closing_words(report, copies)
    paragraph = add_body(document, before)
    # No "00" picture switch: LibreOffice ignores it, and the PDF and the Word file must read alike.
    add_field(paragraph, "NUMPAGES", str(pages) if pages else UNKNOWN_PAGES)
    add_run(paragraph, after)
    return paragraph


def _first_representative(report: InspectionReport) -> str | None:
    """Who signs for the unit: the first representative named, without the 'Ông'/'Bà' typed before them."""
    named = report.snapshot.remarks_of(RemarkKind.REPRESENTATIVE)
    if not named:
        return None
    return without_salutation(stored_representative(named[0]).name)


def _lead_name(members: list[Member]) -> str | None:
    return next((member.name for member in members if member.role is Role.LEAD), None)


def _annex_heading(document: Document, report: InspectionReport, title: str) -> None:
    """An annex starts a page, and names the record it belongs to, as the printed record is stapled."""
    add_page_break(document)
    add_paragraph(document, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(
        document,
        f"(Kèm theo Biên bản kiểm tra số …/BB-ĐKT ngày {record_day(report):%d/%m/%Y} của Đoàn kiểm tra "
        f"tại {report.unit})",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )


def _corrections(document: Document, report: InspectionReport) -> None:
    """Every correction made after submit, oldest first, with what it was, what it became and why: the
    signed record said the first, the tables above say the last. No corrections, no annex."""
    amendments = report.snapshot.amendments
    if not amendments:
        return
    _annex_heading(document, report, CORRECTIONS_TITLE)
    checklist = report.checklist
    rows = [
        (
            str(number),
            item_words(checklist, amendment.item_id),
            _stated(checklist, amendment.item_id, amendment.old_value, amendment.old_note),
            _with_photos(
                _stated(checklist, amendment.item_id, amendment.new_value, amendment.new_note),
                photo_change(amendment.photos_added, amendment.photos_withdrawn),
            ),
            amendment.reason,
            f"{amendment.person_name}, {vietnam(amendment.at):%H:%M %d/%m/%Y}",
        )
        for number, amendment in enumerate(amendments, start=1)
    ]
    header = ("TT", "Tiêu chí", "Trước khi sửa", "Sau khi sửa", "Lý do sửa", "Người sửa, thời gian")
    add_grid(document, header, rows, CORRECTION_COLUMNS, size=SMALL_SIZE)


def _with_photos(stated: str, change: str) -> str:
    return f"{stated} ({change})" if change else stated


def _stated(checklist: Checklist, item_id: str, value: str | None, note: str | None) -> str:
    said = answer_words(checklist, item_id, value)
    return f"{said}: {note}" if note else said


def _appendix(document: Document, report: InspectionReport, photo_dir: Path, spool: PhotoSpool) -> None:
    """Two photos to a page, each numbered as the table cites it. No photos, no appendix."""
    photos = record_photos(report)
    if not photos:
        return
    _annex_heading(document, report, "PHỤ LỤC: ẢNH MINH CHỨNG")
    for number, photo in enumerate(photos, start=1):
        source = stored_file(photo_dir, photo_dir / photo.path)
        if source is None or not spool.add(document, source):
            missing = add_paragraph(
                document, f"(Không đọc được tệp ảnh: {photo.path})", align=WD_ALIGN_PARAGRAPH.CENTER
            )
            missing.paragraph_format.keep_with_next = True
        caption = add_paragraph(document, _caption(report, photo, number), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        caption.paragraph_format.space_after = Pt(12)


def _caption(report: InspectionReport, photo: Photo, number: int) -> str:
    """'Ảnh 3. Tiêu chí 3.2: <criterion> (09:10 20/11/2026, <sender>)': the number points to the table's row."""
    taken = f"{vietnam(photo.received_at):%H:%M %d/%m/%Y}, {photo.sender_name}"
    found = report.checklist.find(photo.item_id)
    if found is None:
        return f"Ảnh {number}. Câu {photo.item_id} ({taken})"
    item = found[2]
    return f"Ảnh {number}. Tiêu chí {_criterion_number(report.checklist, item)}: {criterion(item.prompt)} ({taken})"
