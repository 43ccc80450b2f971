"""The record as it prints: rendered to PDF by LibreOffice, the way `/report` and `--format pdf` make it,
and read back page by page with poppler's pdftotext.

Skipped, with the reason printed, where LibreOffice or poppler-utils is not installed (`.ci/run` installs
both from Debian's packages).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.reports.data import InspectionReport
from bot.reports.pdf import PdfError, page_count, soffice, to_pdf
from bot.reports.record import write_record
from storage.models import Remark, RemarkKind
from tests.report_samples import context, inspection_report

pytestmark = [
    pytest.mark.skipif(
        soffice() is None, reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui"
    ),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"),
]
CLOSING = "Biên bản kết thúc"
PAGES_IN_CLOSING = re.compile(r"gồm\s+(\S+)\s+trang")


def pages_of(pdf: Path) -> list[str]:
    """The text of each page, in reading order."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def images_per_page(pdf: Path) -> list[int]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    counts: dict[int, int] = {}
    for line in listing.splitlines()[2:]:
        page = int(line.split()[0])
        counts[page] = counts.get(page, 0) + 1
    return [counts.get(page, 0) for page in range(1, page_count(pdf) + 1)]


def check_closing(pages: list[str]) -> int:
    """The page (from 1) that holds the closing line; it also holds both signature blocks, and the page
    count the closing line states is the real one."""
    found = [number for number, text in enumerate(pages, start=1) if CLOSING in text]
    assert len(found) == 1, found
    page = pages[found[0] - 1]
    assert "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA" in page and "TRƯỞNG ĐOÀN KIỂM TRA" in page
    stated = PAGES_IN_CLOSING.search(" ".join(page.split()))
    assert stated is not None and stated[1] == str(len(pages)), (stated, len(pages))
    return found[0]


async def test_the_printed_record_ends_its_text_with_the_signatures_and_counts_its_pages(tmp_path: Path) -> None:
    photo_dir = tmp_path / "photos"
    photo_dir.mkdir()
    report = inspection_report(photo_dir, 1, photos_per_item=2)
    source = tmp_path / "bien-ban.docx"
    write_record(report, context(photo_dir), source)

    pdf = await to_pdf(source, tmp_path)

    pages = pages_of(pdf)
    assert len(pages) == page_count(pdf) > 2
    signed = check_closing(pages)
    assert "PHỤ LỤC: ẢNH MINH CHỨNG" in pages[signed]  # the appendix starts on the next page
    assert "Căn cứ" in pages[0] and "BIÊN BẢN" in pages[0]
    for page in pages:  # an area's name and verdict go over the page break with its table
        assert not page.strip().splitlines()[-1].strip().startswith("Đánh giá chung"), page
    # Decree 30: no number on the first page, then centred at the top.
    assert pages[0].split()[0] == "UBND"
    assert [page.split()[0] for page in pages[1:]] == [str(number) for number in range(2, len(pages) + 1)]
    # Two photos to a page, the appendix's first page too; only the last may hold one.
    appendix = images_per_page(pdf)[signed:]
    assert sum(appendix) == len(report.snapshot.photos) == 20
    assert appendix[:-1] == [2] * (len(appendix) - 1)


def padded(report: InspectionReport, lines: int) -> InspectionReport:
    """The same record with `lines` more recommendations, moving the closing line down the page."""
    added = [
        Remark(
            kind=RemarkKind.RECOMMENDATION, text=f"Kiến nghị bổ sung số {n}", created_at=report.inspection.created_at
        )
        for n in range(lines)
    ]
    snapshot = report.snapshot.model_copy(update={"photos": [], "remarks": report.snapshot.remarks + added})
    return report.model_copy(update={"snapshot": snapshot})


def test_the_signatures_never_stand_on_a_page_of_their_own(tmp_path: Path) -> None:
    """Wherever the closing line falls on its page, it goes over with the signatures: the record is
    padded a line at a time over more than a page's worth of positions, all rendered in one LibreOffice run."""
    photo_dir = tmp_path / "photos"
    photo_dir.mkdir()
    report = inspection_report(photo_dir, 1)
    sources: list[str] = []
    for lines in range(0, 48, 1):
        source = tmp_path / f"bb-{lines:02d}.docx"
        write_record(padded(report, lines), context(photo_dir), source)
        sources.append(str(source))
    profile = (tmp_path / "profile").as_uri()
    command = [str(soffice()), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*command, "--outdir", str(tmp_path), *sources], capture_output=True, timeout=300, check=True)

    counts = set()
    for name in sources:
        pages = pages_of(Path(name).with_suffix(".pdf"))
        assert check_closing(pages) == len(pages)  # no appendix: the signatures end the record
        above = pages[-1].split(CLOSING)[0].split()[1:]  # after the page number, the record's own text
        assert above, "the closing line opens its page: the text before it is on the previous one"
        counts.add(len(pages))
    assert len(counts) > 1  # the padding did carry the closing line over a page break


async def test_a_rendering_past_its_time_limit_is_stopped_with_a_message(tmp_path: Path) -> None:
    photo_dir = tmp_path / "photos"
    photo_dir.mkdir()
    source = tmp_path / "bien-ban.docx"
    write_record(inspection_report(photo_dir, 1), context(photo_dir), source)
    with pytest.raises(PdfError, match="sau 0 giây"):
        await to_pdf(source, tmp_path, seconds=0.05)
    assert not (tmp_path / "bien-ban.pdf").exists()
