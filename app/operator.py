"""What an operator runs on the server beside the bot: export, history, report, backup, restore and check.

Each takes the settings, opens what it needs and closes it again; the command line (`app.cli`) only
prints what these return. The team lead's documents come out the same as in the group chat, without
Telegram's 50 MB limit.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.settings import Settings
from bot.checklist.versions import stored
from bot.events import ReportKind, ReportRequest
from bot.findings.trail import read_history, render_history
from bot.reports.archive import write_archive
from bot.reports.export import export_json
from bot.reports.service import ReportService, ReportUnavailable
from bot.reports.workbook import write_workbook
from bot.upkeep import Health, health, make_backup, restore_backup

_ROUND_KINDS = {
    "docx": ReportKind.ROUND,
    "pdf": ReportKind.ROUND,
    "xlsx": ReportKind.WORKBOOK,
    "zip": ReportKind.ARCHIVE,
}


async def export(settings: Settings, inspection_id: int) -> str | None:
    """The inspection as JSON, or None when there is no such inspection (or no database at all)."""
    if not settings.database.exists():
        return None
    store = await settings.database.open()
    try:
        return await export_json(store, inspection_id)
    finally:
        await store.close()


async def history(settings: Settings, inspection_id: int) -> str | None:
    """The inspection's trail in time order, one line each, or None when there is no such inspection."""
    if not settings.database.exists():
        return None
    store = await settings.database.open()
    try:
        async with store.reading() as tx:
            inspection = await tx.inspections.get(inspection_id)
            if inspection is None:
                return None
            entries = await read_history(tx, inspection, await stored(tx, inspection))
    finally:
        await store.close()
    return render_history(inspection, entries)


async def write_report(
    settings: Settings, inspection_id: int | None, round_id: int | None, fmt: str, output: Path
) -> str | None:
    """Writes the file; returns why it could not, in one line for the operator, or None."""
    if not settings.database.exists():
        return f"Không có cơ sở dữ liệu ở {settings.database.name}."
    store = await settings.database.open()
    try:
        service = settings.report_service(store, settings.checklists())
        await _write(service, inspection_id, round_id, fmt, output)
    except ReportUnavailable as missing:
        return str(missing)
    finally:
        await store.close()
    return None


async def _write(
    service: ReportService, inspection_id: int | None, round_id: int | None, fmt: str, output: Path
) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    pdf = fmt == "pdf"
    if round_id is not None:
        await _build(service, ReportRequest(kind=_ROUND_KINDS[fmt], round_id=round_id, pdf=pdf), output)
        return
    assert inspection_id is not None
    if fmt in ("docx", "pdf"):
        await _build(service, ReportRequest(kind=ReportKind.RECORD, inspection_id=inspection_id, pdf=pdf), output)
        return
    single = await service.single_report(inspection_id)
    if fmt == "xlsx":
        write_workbook(single, service.context(), output)
    else:
        write_archive(single, service.context(), output)


async def _build(service: ReportService, request: ReportRequest, output: Path) -> None:
    """Built beside `output` and moved into place, so a file with that name is always complete."""
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".report-") as folder:
        built = await service.build(request, Path(folder))
        built.path.replace(output)


async def backup(settings: Settings, target: Path) -> Path:
    return await make_backup(settings.database, settings.photo_dir, target)


def restore(settings: Settings, archive: Path) -> None:
    restore_backup(archive, settings.database, settings.photo_dir)


async def check(settings: Settings) -> Health:
    return await health(settings.database, settings.photo_dir)
