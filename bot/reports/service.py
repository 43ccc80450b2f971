"""Reading what a report needs and building its file; shared by the bot's delivery and the command line.

Data is read in one snapshot on the given store (the bot gives it a connection of its own), then the
file is built in a worker thread, so a 1,000-inspection workbook never holds up an inspector. A PDF is
the Word file rendered by LibreOffice in a process of its own (`bot.reports.pdf`), one at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from bot.checklist.versions import ChecklistVersions
from bot.events import ReportKind, ReportRequest
from bot.findings.snapshot import read_snapshot
from bot.findings.statistics import by_checklist, counted, tally
from bot.reports.archive import slug, write_archive
from bot.reports.data import DEFAULT_RECIPIENTS, InspectionReport, ReportContext, RoundReport, latest_per_unit
from bot.reports.pdf import TIMEOUT_SECONDS, PdfError, page_count, soffice, to_pdf
from bot.texts import catalogue as texts
from bot.texts.html import esc
from storage.clock import utcnow
from storage.models import Inspection, Status
from storage.port import Store, Tx

log = logging.getLogger(__name__)


class ReportUnavailable(Exception):
    """What was asked for does not exist (any more); the message is for the person who asked."""


class BuiltFile(BaseModel):
    path: Path
    filename: str
    caption: str  # Telegram HTML
    as_photo: bool = False


class ReportService:
    def __init__(
        self,
        store: Store,
        checklists: ChecklistVersions,
        *,
        issuer: str,
        place: str,
        photo_dir: Path,
        basis: str | None = None,
        copies: int = 2,
        recipients: list[str] | None = None,
        pdf_timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.store = store
        self.versions = checklists
        self.issuer = issuer
        self.place = place
        self.photo_dir = photo_dir
        self.basis = basis
        self.copies = copies
        self.recipients = recipients or DEFAULT_RECIPIENTS
        self.pdf_timeout = pdf_timeout
        self._rendering = asyncio.Semaphore(1)  # LibreOffice takes some 200 MB: one document at a time

    def context(self) -> ReportContext:
        return ReportContext(
            issuer=self.issuer,
            place=self.place,
            photo_dir=self.photo_dir,
            generated_at=utcnow(),
            basis=self.basis,
            copies=self.copies,
            recipients=self.recipients,
        )

    # --- reading -------------------------------------------------------------------------------

    async def _inspection_report(self, tx: Tx, inspection: Inspection) -> InspectionReport:
        snapshot = await read_snapshot(tx, self.versions, inspection)
        return InspectionReport(
            snapshot=snapshot,
            round=await tx.rounds.get(inspection.round_id) if inspection.round_id is not None else None,
            members=await tx.teams.members(snapshot.team.id),
            followups=await tx.followups.of(inspection.id),
        )

    async def inspection_report(self, inspection_id: int) -> InspectionReport:
        async with self.store.reading() as tx:
            inspection = await tx.inspections.get(inspection_id)
            if inspection is None or inspection.status is not Status.SUBMITTED:
                raise ReportUnavailable(f"Không có phiên kiểm tra đã gửi #{inspection_id}.")
            return await self._inspection_report(tx, inspection)

    async def single_report(self, inspection_id: int) -> RoundReport:
        """One inspection shaped as a round, for its workbook and its evidence archive."""
        unit = await self.inspection_report(inspection_id)
        return RoundReport(team=unit.team, round=None, inspections=[unit])

    async def round_report(self, round_id: int) -> RoundReport:
        async with self.store.reading() as tx:
            chosen = await tx.rounds.get(round_id)
            if chosen is None:
                raise ReportUnavailable(f"Không có đợt kiểm tra #{round_id}.")
            team = await tx.teams.get(chosen.team_id)
            assert team is not None
            kept, superseded = latest_per_unit(await tx.inspections.submitted_in_round(round_id))
            units = [await self._inspection_report(tx, inspection) for inspection in kept]
        units.sort(key=lambda unit: (unit.inspection.submitted_at or unit.inspection.created_at, unit.inspection.id))
        return RoundReport(team=team, round=chosen, inspections=units, superseded=superseded)

    # The builders import matplotlib, python-docx and openpyxl, about 90 MB between them: a bot that is
    # only taking answers never loads them, and one that made a document once keeps them.

    async def _stats_file(self, team_id: int, checklist_id: str | None, folder: Path) -> BuiltFile:
        """The team's pass rates per area over all its submitted inspections of one checklist (None: the
        first it answered), as a chart; the checklist is named when several are in use."""
        from bot.reports.chart import pass_rate_chart

        async with self.store.reading() as tx:
            team = await tx.teams.get(team_id)
            found = await counted(tx, self.versions, team_id)
        if team is None:
            raise ReportUnavailable("Không có đoàn này.")
        groups = by_checklist(self.versions, found)
        picked = next(((c, group) for c, group in groups if checklist_id in (None, c.id)), None)
        if picked is None:
            raise ReportUnavailable("Đoàn chưa có phiên kiểm tra nào đã gửi theo bảng kiểm này.")
        checklist, group = picked
        labels = [f"{number}. {area.title}" for number, area in enumerate(checklist.areas, start=1)]
        values = [tally(group, area.id).pass_rate for area in checklist.areas]
        title = f"Tỷ lệ đạt theo lĩnh vực · {team.name}" + (f" · {checklist.title}" if self.versions.several else "")
        path = folder / f"thong-ke-doan-{team_id}.png"
        path.write_bytes(await asyncio.to_thread(pass_rate_chart, title, labels, values))
        caption = texts.VI.CAPTION_STATS.format(team=esc(team.name))
        return BuiltFile(path=path, filename=path.name, caption=caption, as_photo=True)

    # --- building ------------------------------------------------------------------------------

    async def build(self, request: ReportRequest, folder: Path) -> BuiltFile:
        """Writes the requested file into `folder` and says how to present it."""
        kind = request.kind
        if kind is ReportKind.RECORD:
            assert request.inspection_id is not None
            return await self._record(request, await self.inspection_report(request.inspection_id), folder)
        if kind is ReportKind.STATS:
            assert request.team_id is not None
            return await self._stats_file(request.team_id, request.checklist_id, folder)
        assert request.round_id is not None
        report = await self.round_report(request.round_id)
        return await self._round_file(request, report, folder)

    async def _record(self, request: ReportRequest, unit: InspectionReport, folder: Path) -> BuiltFile:
        """The Word file carries the page count of its own rendering where LibreOffice is there to render it
        (Word counts again when it prints); the PDF is that rendering."""
        from bot.reports.record import write_record

        context = self.context()
        stem = f"bien-ban-{unit.inspection.id}-{slug(unit.unit)}"
        caption = texts.VI.CAPTION_RECORD.format(id=unit.inspection.id, unit=esc(unit.unit))

        def write(target: Path, pages: int | None = None) -> None:
            write_record(unit, context, target, pages)

        if request.pdf:
            return await self._pdf(folder, stem, write, caption)
        path = folder / f"{stem}.docx"
        await asyncio.to_thread(write, path)
        pages = await self._pages(path, folder)
        if pages is not None:
            await asyncio.to_thread(write, path, pages)
        return BuiltFile(path=path, filename=path.name, caption=caption)

    async def _pdf(self, folder: Path, stem: str, write: Callable[[Path], None], caption: str) -> BuiltFile:
        """The Word file built by `write`, rendered to `stem`.pdf; a missing LibreOffice or a rendering
        that fails is a message for the person who asked."""
        scratch = folder / "pdf"
        scratch.mkdir()
        source = scratch / f"{stem}.docx"
        await asyncio.to_thread(write, source)
        try:
            async with self._rendering:
                rendered = await to_pdf(source, scratch, self.pdf_timeout)
        except PdfError as error:
            raise ReportUnavailable(str(error)) from None
        path = rendered.replace(folder / rendered.name)
        return BuiltFile(path=path, filename=path.name, caption=f"{caption} {texts.VI.CAPTION_PDF}")

    async def _pages(self, docx: Path, folder: Path) -> int | None:
        """How many pages LibreOffice lays `docx` out on; None without it, or when it fails (the Word file
        then keeps a field that Word fills in)."""
        if soffice() is None:
            return None
        scratch = folder / "pages"
        scratch.mkdir()
        try:
            async with self._rendering:
                return page_count(await to_pdf(docx, scratch, self.pdf_timeout))
        except PdfError as error:
            log.warning("counting the pages of %s failed: %s", docx.name, error)
            return None

    async def _round_file(self, request: ReportRequest, report: RoundReport, folder: Path) -> BuiltFile:
        from bot.reports.chart import round_chart
        from bot.reports.round_doc import write_round_report
        from bot.reports.workbook import write_workbook

        assert report.round is not None
        name, base = esc(report.round.name), f"dot-{report.round.id}"
        if request.kind is ReportKind.CHART:
            path = folder / f"bieu-do-{base}.png"
            path.write_bytes(await asyncio.to_thread(round_chart, report))
            return BuiltFile(
                path=path, filename=path.name, caption=texts.VI.CAPTION_CHART.format(name=name), as_photo=True
            )
        if request.kind is ReportKind.ROUND:
            chart = await asyncio.to_thread(round_chart, report)
            context = self.context()
            caption = texts.VI.CAPTION_ROUND.format(name=name)

            def write(target: Path) -> None:
                write_round_report(report, context, target, chart)

            if request.pdf:
                return await self._pdf(folder, f"bao-cao-{base}", write, caption)
            path = folder / f"bao-cao-{base}.docx"
            await asyncio.to_thread(write, path)
            return BuiltFile(path=path, filename=path.name, caption=caption)
        if request.kind is ReportKind.WORKBOOK:
            path = folder / f"bang-tinh-{base}.xlsx"
            await asyncio.to_thread(write_workbook, report, self.context(), path)
            return BuiltFile(path=path, filename=path.name, caption=texts.VI.CAPTION_WORKBOOK.format(name=name))
        part = request.part
        suffix = f"-phan-{part[0]}-{part[1]}" if part else ""
        path = folder / f"anh-minh-chung-{base}{suffix}.zip"
        await asyncio.to_thread(write_archive, report, self.context(), path, request.photo_ids, part)
        caption = texts.VI.CAPTION_ARCHIVE.format(name=name)
        if part:
            caption += " " + texts.VI.CAPTION_PART.format(part=part[0], parts=part[1])
        return BuiltFile(path=path, filename=path.name, caption=caption)
