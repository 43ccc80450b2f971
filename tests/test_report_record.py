"""The record (biên bản) of one unit, read back from the Word file the way an office would read it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from PIL import Image

from bot.checklist.model import criterion
from bot.findings.results import area_results, shortcomings
from bot.reports.data import InspectionReport
from bot.reports.record import write_record
from bot.texts.catalogue import VI
from bot.texts.formats import VIETNAM
from storage.models import RemarkKind
from tests.report_samples import context, inspection_report, photo_bytes

UNIT = "UBND xã Cổ Lũng <b>&</b>"  # sample unit 1, with markup characters typed into its name
FONT = "Times New Roman"


def document_lines(document: Document | Table) -> list[str]:
    """Every paragraph's text in reading order, table cells included (row by row)."""
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    for inner in cell.iter_inner_content():
                        lines += document_lines(inner) if isinstance(inner, Table) else [inner.text]
        else:
            lines.append(block.text)
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
    assert "Ông/Bà Nguyễn Văn <An> & Co – Thành viên." in text
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
        "Biên bản kết thúc vào hồi 13 giờ 15 ngày 20/11/2026, được lập thành 02 bản có giá trị như nhau, "
        "đơn vị được kiểm tra giữ 01 bản, Đoàn kiểm tra giữ 01 bản." in lines
    )


def test_team_members_are_listed_and_the_unit_side_left_to_fill_in(photo_dir: Path) -> None:
    lines = document_lines(write(inspection_report(photo_dir, 1), photo_dir))

    members = between(lines, "I. THÀNH PHẦN", "II. NỘI DUNG KIỂM TRA")
    assert members[1:4] == [
        "- Ông/Bà Trần Trưởng Đoàn – Trưởng đoàn.",
        "- Ông/Bà Nguyễn Văn <An> & Co – Thành viên.",
        "- Ông/Bà Lê Thị Hoa – Thành viên, người trực tiếp kiểm tra.",
    ]
    assert members[4] == f"2. Đại diện {UNIT}:"
    assert [line for line in members if line.startswith("- Ông/Bà: …")] == [members[5], members[6]]
    assert "Chức vụ: …" in members[5]


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
    assert lines[first_item + 1 : first_item + 4] == [
        "Đã ban hành kế hoạch kiểm soát TTHC năm nay",
        "Không đạt",
        "Thiếu mẫu đơn <b>số 0</b> & tờ khai",
    ]


def test_results_list_strengths_every_shortcoming_with_its_note_and_the_recommendations(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    lines = document_lines(write(report, photo_dir))

    achieved = between(lines, "1. Kết quả đạt được", "2. Tồn tại, hạn chế")
    assert "- Cán bộ một cửa nhiệt tình, đeo thẻ đầy đủ" in achieved
    assert any(line.startswith("- [Mục 6] Có sổ hoặc hộp thư") for line in achieved)
    short = between(lines, "2. Tồn tại, hạn chế", "3. Kiến nghị của đơn vị")
    found = shortcomings(report.snapshot)
    assert len(short) == len(found) > 0
    for line, finding in zip(short, found, strict=True):
        label = VI.RATING_LABELS[finding.answer.value]
        assert (
            line == f"- [Mục {finding.area_number}] {criterion(finding.item.prompt)} – {label}: {finding.answer.note}."
        )
    asked = between(lines, "3. Kiến nghị của đơn vị", "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA")
    assert asked == [f"- {text}" for text in report.snapshot.remarks_of(RemarkKind.RECOMMENDATION)]
    assert "- Bổ sung trang thiết bị <máy scan> & máy tính" in asked


def test_requests_name_each_followup_and_its_due_date(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1)
    lines = document_lines(write(report, photo_dir))

    requests = between(lines, "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA", "Biên bản kết thúc")
    numbered = [line for line in requests if line[0].isdigit()]
    assert len(numbered) == len(report.followups) > 0
    for number, (line, followup) in enumerate(zip(numbered, report.followups, strict=True), start=1):
        assert line.startswith(f"{number}. [Mục ")
        assert f"({followup.note}): hoàn thành trước ngày 20/12/2026." in line


def test_a_unit_without_followups_or_round_gets_a_plain_record(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 2, round_=None).model_copy(update={"followups": []})
    lines = document_lines(write(report, photo_dir))

    assert not [line for line in lines if line.startswith("Đợt kiểm tra")]
    requests = between(lines, "IV. YÊU CẦU CỦA ĐOÀN KIỂM TRA", "Biên bản kết thúc")
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
    measured = (section.page_width, section.page_height, section.top_margin, section.bottom_margin)
    measured += (section.left_margin, section.right_margin)
    assert [round(length.mm, 1) for length in measured if length is not None] == [210, 297, 20, 20, 30, 15]


def test_appendix_shows_every_photo_in_checklist_order_with_its_caption(photo_dir: Path) -> None:
    report = inspection_report(photo_dir, 1, photos_per_item=2)
    document = write(report, photo_dir)
    lines = document_lines(document)

    assert len(document.inline_shapes) == len(report.snapshot.photos) == 20
    appendix = lines[lines.index("PHỤ LỤC: ẢNH MINH CHỨNG") :]
    captions = [line for line in appendix if line.startswith("Mục ")]
    assert len(captions) == len(report.snapshot.photos)
    assert [int(caption.split(" ")[1]) for caption in captions] == sorted(int(c.split(" ")[1]) for c in captions)
    first = report.snapshot.photos[0]
    taken = first.received_at.astimezone(VIETNAM)
    assert captions[0] == (
        "Mục 3 · Công bố, công khai TTHC — Câu: TTHC niêm yết tại Bộ phận Một cửa khớp danh mục Chủ tịch UBND tỉnh "
        f"đã công bố · {taken:%H:%M %d/%m/%Y} · Lê Thị Hoa"
    )
    assert all(caption.endswith(" · Lê Thị Hoa") for caption in captions)


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
    captions = [line for line in lines if line.startswith("Mục ")]
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
