"""The record (biên bản kiểm tra) of one inspected unit, as a Word file the team prints and both sides sign.

It follows the order of a biên bản under Decree 30/2020/NĐ-CP: who was present, what was checked, what
was found, what the unit asks and what the team requires, then the signatures. The photo evidence
follows as an appendix so the signed pages stay short. Results come from `bot.reports.results`, so the
record, the round's report and the chat summary state the same verdicts.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from bot.answers import Value
from bot.checklist.kinds import value_label
from bot.checklist.model import Area, Checklist, Item
from bot.findings.results import AreaResult, Finding, achievements, area_results, shortcomings
from bot.reports.data import InspectionReport, ReportContext
from bot.reports.docx_layout import (
    PhotoSpool,
    Signature,
    add_body,
    add_grid,
    add_header_block,
    add_heading,
    add_item,
    add_page_break,
    add_paragraph,
    add_signatures,
    add_title,
    criterion,
    new_document,
    vietnam,
)
from bot.texts import catalogue as texts
from storage.files import stored_file
from storage.models import FollowUp, Member, Photo, RemarkKind, Role

ITEM_COLUMNS = (Mm(14), Mm(83), Mm(28), Mm(40))
UNIT_REPRESENTATIVE = "Ông/Bà: " + "…" * 28 + " Chức vụ: " + "…" * 22  # fits one line at 13 pt
UNIT_SIGNATURE = "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA"
LEAD_SIGNATURE = "TRƯỞNG ĐOÀN KIỂM TRA"


def write_record(report: InspectionReport, ctx: ReportContext, target: Path) -> None:
    inspection = report.inspection
    document = new_document(f"Biên bản kiểm tra {report.unit}", ctx.issuer, ctx.generated_at)
    day = vietnam(inspection.submitted_at or inspection.created_at).date()
    add_header_block(document, ctx.issuer, "BB-ĐKT", ctx.place, day)
    subject = [f"Kiểm tra công tác kiểm soát thủ tục hành chính tại {report.unit}"]
    if report.round is not None:
        subject.append(f"Đợt kiểm tra: {report.round.name}")
    add_title(document, "BIÊN BẢN", subject)
    _opening(document, report)
    _participants(document, report)
    _content(document, report)
    _results(document, report)
    _requests(document, report)
    add_body(document, _closing_sentence(inspection.submitted_at))
    add_signatures(document, Signature(UNIT_SIGNATURE), Signature(LEAD_SIGNATURE, _lead_name(report.members)))
    with tempfile.TemporaryDirectory(prefix="kiemtra-record-") as folder:
        spool = PhotoSpool(Path(folder))
        _appendix(document, report, ctx.photo_dir, spool)
        spool.save(document, target)


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
    """The team from the bot's roster, leader first; the unit's representatives are written in by hand at
    signing, since the bot never asks for them."""
    add_heading(document, "I. THÀNH PHẦN")
    add_body(document, f"1. Đoàn kiểm tra ({report.team.name}):")
    inspector_id = report.inspection.inspector_id
    members = sorted(report.members, key=lambda member: member.role is not Role.LEAD)
    for member in members:
        role = "Trưởng đoàn" if member.role is Role.LEAD else "Thành viên"
        performed = ", người trực tiếp kiểm tra" if member.user_id == inspector_id else ""
        add_item(document, f"Ông/Bà {member.name} – {role}{performed}.")
    if all(member.user_id != inspector_id for member in members):
        add_item(document, f"Ông/Bà {report.inspection.inspector_name} – người trực tiếp kiểm tra.")
    add_body(document, f"2. Đại diện {report.unit}:")
    for _ in range(2):
        add_item(document, UNIT_REPRESENTATIVE)


def _content(document: Document, report: InspectionReport) -> None:
    add_heading(document, "II. NỘI DUNG KIỂM TRA")
    checklist = report.checklist
    add_body(
        document,
        f"Đoàn kiểm tra đã kiểm tra theo bảng kiểm «{checklist.title}» (phiên bản {checklist.version}), "
        f"gồm {len(checklist.areas)} lĩnh vực, kết quả như sau:",
    )
    for result in area_results(report.snapshot):
        add_heading(document, f"{result.number}. {result.area.title}", level=2)
        add_body(document, _verdict_sentence(result))
        _item_table(document, report, result.number, result.area)


def _verdict_sentence(result: AreaResult) -> str:
    """The area's verdict with the counts behind it; 'Không áp dụng' criteria do not count towards it."""
    label = texts.VI.RATING_LABELS[result.verdict]
    if result.rated == 0:
        return f"Đánh giá chung: {label} (không có tiêu chí nào áp dụng với đơn vị)."
    details = [
        f"{texts.VI.RATING_LABELS[value]}: {count}"
        for value, count in (
            (Value.PARTIAL, result.partial),
            (Value.FAIL, result.failed),
            (Value.NA, result.not_applicable),
        )
        if count
    ]
    extra = f" ({'; '.join(details)})" if details else ""
    return f"Đánh giá chung: {label} – đạt {result.passed}/{result.rated} tiêu chí{extra}."


def _item_table(document: Document, report: InspectionReport, area_number: int, area: Area) -> None:
    rows = [
        (f"{area_number}.{number}", criterion(item.prompt), *_answer_cells(report, item))
        for number, item in enumerate(area.items, start=1)
    ]
    add_grid(document, ("TT", "Nội dung kiểm tra", "Kết quả", "Ghi chú"), rows, ITEM_COLUMNS)


def _answer_cells(report: InspectionReport, item: Item) -> tuple[str, str]:
    """The answer in words, and the note with a pointer to the appendix when the item has photos."""
    answer = report.snapshot.answers.get(item.id)
    if answer is None:
        return "—", ""
    notes = [answer.note] if answer.note else []
    photos = len(report.snapshot.photos_of(item.id))
    if photos:
        notes.append(f"{photos} ảnh minh chứng (xem Phụ lục)")
    return value_label(texts.VI, item, answer.value), "; ".join(notes)


def _results(document: Document, report: InspectionReport) -> None:
    snapshot = report.snapshot
    add_heading(document, "III. KẾT QUẢ")
    add_heading(document, "1. Kết quả đạt được", level=2)
    achieved = [f"[Mục {found.area_number}] {criterion(found.item.prompt)}." for found in achievements(snapshot)]
    achieved += snapshot.remarks_of(RemarkKind.STRENGTH)
    _items_or(document, achieved, "Chưa ghi nhận kết quả đạt được.")
    add_heading(document, "2. Tồn tại, hạn chế", level=2)
    _items_or(document, [_shortcoming(found) for found in shortcomings(snapshot)], "Không có tồn tại, hạn chế.")
    add_heading(document, "3. Kiến nghị của đơn vị", level=2)
    _items_or(document, snapshot.remarks_of(RemarkKind.RECOMMENDATION), "Đơn vị không có kiến nghị.")


def _shortcoming(found: Finding) -> str:
    note = f": {found.answer.note}" if found.answer.note else ""
    label = texts.VI.RATING_LABELS[found.answer.value]
    return f"[Mục {found.area_number}] {criterion(found.item.prompt)} – {label}{note}."


def _items_or(document: Document, lines: list[str], empty: str) -> None:
    for line in lines or [empty]:
        add_item(document, line)


def _requests(document: Document, report: InspectionReport) -> None:
    add_heading(document, "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA")
    if not report.followups:
        add_body(document, "Đoàn kiểm tra không có yêu cầu khắc phục đối với đơn vị.")
        return
    add_body(
        document,
        f"Đề nghị {report.unit} khắc phục các tồn tại, hạn chế sau trong thời hạn nêu dưới đây và báo cáo "
        "kết quả khắc phục về Đoàn kiểm tra:",
    )
    for number, followup in enumerate(report.followups, start=1):
        add_body(document, f"{number}. {_request(report, followup)}")


def _request(report: InspectionReport, followup: FollowUp) -> str:
    found = _locate(report.checklist, followup.item_id)
    if found is None:
        what = followup.item_id
    else:
        area_number, _, item = found
        what = f"[Mục {area_number}] {criterion(item.prompt)}"
    note = f" ({followup.note})" if followup.note else ""
    return f"{what}{note}: hoàn thành trước ngày {followup.due_on:%d/%m/%Y}."


def _closing_sentence(submitted_at: datetime | None) -> str:
    """An inspection not yet submitted has no closing time; the line is then left to fill in by hand."""
    closed = _clock(submitted_at) if submitted_at is not None else "…… giờ …… ngày ……"
    return (
        f"Biên bản kết thúc vào hồi {closed}, được lập thành 02 bản có giá trị như nhau, "
        "đơn vị được kiểm tra giữ 01 bản, Đoàn kiểm tra giữ 01 bản."
    )


def _lead_name(members: list[Member]) -> str | None:
    return next((member.name for member in members if member.role is Role.LEAD), None)


def _appendix(document: Document, report: InspectionReport, photo_dir: Path, spool: PhotoSpool) -> None:
    add_page_break(document)
    add_paragraph(document, "PHỤ LỤC: ẢNH MINH CHỨNG", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(
        document,
        f"(Kèm theo Biên bản kiểm tra tại {report.unit}, phiên #{report.inspection.id})",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    photos = _in_checklist_order(report)
    if not photos:
        add_body(document, "Không có ảnh minh chứng.")
    for photo in photos:
        source = stored_file(photo_dir, photo_dir / photo.path)
        if source is None or not spool.add(document, source):
            add_paragraph(document, f"(Không đọc được tệp ảnh: {photo.path})", align=WD_ALIGN_PARAGRAPH.CENTER)
        caption = add_paragraph(document, _caption(report, photo), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        caption.paragraph_format.space_after = Pt(12)


def _in_checklist_order(report: InspectionReport) -> list[Photo]:
    """Photos of an item no longer in the checklist go last rather than being dropped."""
    checklist = report.checklist

    def position(photo: Photo) -> tuple[int, int]:
        found = checklist.find(photo.item_id)
        return (found[0] if found else checklist.item_count, photo.id)

    return sorted(report.snapshot.photos, key=position)


def _caption(report: InspectionReport, photo: Photo) -> str:
    taken = f"{vietnam(photo.received_at):%H:%M %d/%m/%Y} · {photo.sender_name}"
    found = _locate(report.checklist, photo.item_id)
    if found is None:
        return f"Câu: {photo.item_id} · {taken}"
    area_number, area, item = found
    return f"Mục {area_number} · {area.title} — Câu: {criterion(item.prompt)} · {taken}"


def _locate(checklist: Checklist, item_id: str) -> tuple[int, Area, Item] | None:
    """The area number (from 1), area and item of an item id, numbered as the document numbers them."""
    found = checklist.find(item_id)
    if found is None:
        return None
    area_index, area, _, item = checklist.at(found[0])
    return area_index + 1, area, item
