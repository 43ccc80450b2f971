"""`python -m bench.reports`: what the team lead's documents cost to build, in time and in memory.

Why: the bot builds the record (biên bản, DOCX), the round's workbook (XLSX) and the evidence archive (ZIP)
on the same small server that answers the inspectors, from 12-megapixel phone photos. The issue asks for a
record in under 3 s and under 10 MB, with memory flat as photos grow. This measures what the bot does:
SQLite is filled through `storage.repository` with the bundled checklist, and each document is built by
`ReportService.build`, the call the bot's delivery makes (reading included). Beside each figure is a
baseline measured in the same run: python-docx inserting the original photos without downscaling (the
naive record), the csv module writing the same rows (the workbook), `shutil.copyfile` of the same photo
files (the archive's I/O floor).

Every case runs in a fresh process (`--case NAME`, spec on stdin) that imports the same modules and sets up
before the clock starts; memory is the rise of peak RSS over the RSS right after setup, because Pillow's
decoders allocate in C where tracemalloc cannot see them; tracemalloc's peak (Python objects only) is
measured afterwards in one more build, so that its overhead stays out of the time and RSS figures. Photos
are generated once with Pillow (a gradient and noise at three scales, so they compress like photos at full
size and shrunk) and cached in the temp dir; the databases are filled once per scenario and not timed.
Photo files are read from the OS page cache and outputs are not fsynced, in ours and in the baselines alike.

`--quick` is a smoke run of every case on tiny scenarios (about 15 s); its figures judge nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import hashlib
import io
import json
import math
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.run import filesystem_of
from bot.checklist.loader import BUNDLED_CHECKLIST, load_checklist
from bot.checklist.model import Checklist, Item, ItemType, rules_of
from bot.checklist.versions import ChecklistVersions
from storage.models import NewInspection, NewPhoto, RemarkKind, Status
from storage.port import Tx
from storage.sqlite.store import SqliteStore as Store

RECORD_AIM_SECONDS = 3.0
RECORD_AIM_MB = 10.0
# "Flat": less than 1 MB more peak memory per 10 more photos (a 12 MP original alone is 3 MB as a file
# and 36 MB decoded); fixed here before the first run, not fitted to any result.
FLAT_AIM_MB_PER_10 = 1.0

RECORD_SIDE = (4000, 3000)  # 12 MP, a phone's main camera
ARCHIVE_SIDE = (3264, 2448)  # 8 MP, ~2 MB at these qualities
QUALITIES = (80, 85, 90)  # a spread of file sizes, ~2.2–4 MB at 12 MP
CACHE_VERSION = "v2"
PAD = 256  # the noise texture is this much larger than a photo; each photo is a different crop of it

ARCHIVE_PHOTOS_PER_UNIT = 10


@dataclass(frozen=True)
class Plan:
    record_counts: tuple[int, ...]  # photos in the records measured, to show how memory grows
    record_headline: int  # the count the aims are judged on
    inspections: int  # in the workbook's round
    archive_photos: int


FULL = Plan(record_counts=(10, 20, 40, 80), record_headline=40, inspections=1000, archive_photos=200)
QUICK = Plan(record_counts=(2, 4), record_headline=4, inspections=30, archive_photos=6)

ISSUER = "UBND TỈNH THÁI NGUYÊN"
PLACE = "Thái Nguyên"
LEAD = (501, "Trần Trưởng Đoàn")
INSPECTORS = ((502, "Nguyễn Văn An"), (503, "Lê Thị Hoa"), (504, "Phạm Minh Đức"))
CASE_TIMEOUT = 1800.0

HEADERS = ("case", "size", "first s", "median s", "peak RSS +MB", "tracemalloc MB", "file MB")


# --- photos -----------------------------------------------------------------------------------------


def _texture(side: tuple[int, int]) -> Any:
    """Gradient plus noise at three scales, so a photo compresses like a phone photo both at full size
    (2–4 MB) and shrunk to 1000 px for the record (~110 KB); fine noise alone would shrink to ~20 KB."""
    from PIL import Image

    width, height = side[0] + PAD, side[1] + PAD
    base = Image.linear_gradient("L").resize((width, height))
    channels = []
    for channel in range(3):
        coarse = Image.effect_noise((width // 16, height // 16), 70).resize((width, height), Image.Resampling.BICUBIC)
        middle = Image.effect_noise((width // 4, height // 4), 60).resize((width, height), Image.Resampling.BILINEAR)
        fine = Image.effect_noise((width, height), 30 + 5 * channel)
        channels.append(Image.blend(Image.blend(Image.blend(base, coarse, 0.3), middle, 0.35), fine, 0.25))
    return Image.merge("RGB", channels)


def make_photos(folder: Path, side: tuple[int, int], indices: list[int]) -> None:
    """Writes photo-NNNN.jpg and its photo-NNNN.json (sha256, size, width, height) for each index.

    Every photo is another crop of one texture, so no two files share bytes; every fourth carries an
    EXIF orientation (taken upright), which the record has to turn.
    """
    from PIL import Image, ImageDraw

    texture = _texture(side)
    folder.mkdir(parents=True, exist_ok=True)
    for index in indices:
        left, top = (index * 37) % PAD, (index * 53) % PAD
        image = texture.crop((left, top, left + side[0], top + side[1]))
        draw = ImageDraw.Draw(image)
        shift = (index * 97) % (side[0] // 2)
        draw.rectangle((100 + shift, 100, 900 + shift, 600), fill=(240, 240, 240))
        draw.text((120 + shift, 120), f"anh {index}", fill=(0, 0, 0))
        exif = Image.Exif()
        exif[0x0110] = "Bench Phone"  # Model
        exif[0x0112] = 6 if index % 4 == 3 else 1  # Orientation
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=QUALITIES[index % len(QUALITIES)], exif=exif)
        data = buffer.getvalue()
        stem = folder / f"photo-{index:04d}"
        stem.with_suffix(".jpg").write_bytes(data)
        meta = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "width": side[0], "height": side[1]}
        stem.with_suffix(".json").write_text(json.dumps(meta))


@dataclass(frozen=True)
class PhotoFile:
    path: Path
    sha256: str
    size: int
    width: int
    height: int


def photo_set(cache: Path, side: tuple[int, int], count: int) -> list[PhotoFile]:
    """`count` cached photos of `side`, generated first (two processes, one per core) if missing."""
    folder = cache / f"{side[0]}x{side[1]}"
    missing = [i for i in range(count) if not (folder / f"photo-{i:04d}.json").is_file()]
    if missing:
        print(f"… generating {len(missing)} photos {side[0]}×{side[1]} in {folder}", file=sys.stderr, flush=True)
        halves = [missing[0::2], missing[1::2]]
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.reports", "--case", "make-photos"],
                stdin=subprocess.PIPE,
                text=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
            for half in halves
            if half
        ]
        for process, half in zip(processes, [h for h in halves if h], strict=True):
            assert process.stdin is not None
            process.stdin.write(json.dumps({"folder": str(folder), "side": list(side), "indices": half}))
            process.stdin.close()
        if any(process.wait(timeout=CASE_TIMEOUT) != 0 for process in processes):
            raise RuntimeError("photo generation failed (see above)")
    files = []
    for index in range(count):
        meta = json.loads((folder / f"photo-{index:04d}.json").read_text())
        files.append(PhotoFile(path=folder / f"photo-{index:04d}.jpg", **meta))
    return files


# --- filling the database (parent process, not timed) ----------------------------------------------


@dataclass
class UnitPlan:
    """One submitted inspection: its unit's name and the photo files it carries."""

    name: str
    photos: list[PhotoFile] = field(default_factory=list)


def _opening(checklist: Checklist) -> dict[str, str]:
    """For each item a condition tests, the answer that opens the items it governs: then every item is
    answered and counts, which gives the largest documents the checklist can."""
    rules = (rule for area in checklist.areas for item in area.items for rule in rules_of(item.show_if))
    return {rule.item: rule.in_[0] for rule in rules if rule.in_}


def _value(item: Item, unit: int, position: int) -> str:
    """Mostly "Đạt", with the shortcomings a real round has, so notes and follow-ups exist."""
    kind = item.type
    if kind is ItemType.RATING:
        turn = (unit * 7 + position * 3) % 10
        return "fail" if turn == 0 else "partial" if turn in (1, 2) else "na" if turn == 3 else "pass"
    if kind is ItemType.YESNO:
        return "yes" if (unit + position) % 2 else "no"
    if kind is ItemType.NUMBER:
        return str(90 + (unit + position) % 10)
    if kind is ItemType.INTEGER:
        return str((unit + position) % 10 + 1)
    if kind is ItemType.CHOICES:
        return " ".join(option.value for option in (item.options or [])[: 1 + (unit + position) % 2])
    if kind is ItemType.TEXT:
        return f"Quyết định số {unit % 90 + 10}/QĐ-UBND về ban hành danh mục TTHC; sổ theo dõi hồ sơ đầy đủ"
    return "0"  # photo items: replaced by the number of photos attached


def _link(source: Path, target: Path) -> None:
    """The bot keeps a photo at photos/<inspection>/<sha256>.jpg; a hard link costs no disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


async def _add_inspection(
    tx: Tx, checklist: Checklist, team_id: int, round_id: int, number: int, plan: UnitPlan, photo_dir: Path
) -> int:
    inspector_id, inspector_name = INSPECTORS[number % len(INSPECTORS)]
    inspection = await tx.inspections.create(
        NewInspection(
            team_id=team_id,
            inspector_id=inspector_id,
            inspector_name=inspector_name,
            checklist_id=checklist.id,
            checklist_version=checklist.version,
            round_id=round_id,
        )
    )
    await tx.inspections.set_unit(inspection.id, plan.name)
    await tx.inspections.set_location(inspection.id, 21.59 + number / 10000, 105.84 + number / 10000)
    photo_items = [(area.id, item.id) for area in checklist.areas for item in area.items if item.takes_photos]
    attached: dict[str, int] = {}
    for index, photo in enumerate(plan.photos):
        area_id, item_id = photo_items[index % len(photo_items)]
        relative = f"{inspection.id}/{photo.sha256}.jpg"
        _link(photo.path, photo_dir / relative)
        await tx.photos.add(
            NewPhoto(
                inspection_id=inspection.id,
                area_id=area_id,
                item_id=item_id,
                sender_id=inspector_id,
                sender_name=inspector_name,
                sha256=photo.sha256,
                size=photo.size,
                width=photo.width,
                height=photo.height,
                mime="image/jpeg",
                path=relative,
                media_group_id=None,
            )
        )
        attached[item_id] = attached.get(item_id, 0) + 1
    shortcomings = []
    opening = _opening(checklist)
    for position in range(checklist.item_count):
        _, area, _, item = checklist.at(position)
        value = opening.get(item.id) or _value(item, number, position)
        if item.type is ItemType.PHOTO:
            value = str(attached.get(item.id, 0))
        await tx.inspections.save_answer(inspection.id, area.id, item.id, value, inspector_id)
        if value in ("fail", "partial"):
            note = f"Chưa niêm yết đủ {position % 5 + 1} thủ tục; mẫu đơn, tờ khai cũ (hết hiệu lực)"
            await tx.inspections.save_note(inspection.id, item.id, note)
            shortcomings.append(item.id)
    await tx.inspections.add_remark(
        inspection.id, RemarkKind.RECOMMENDATION, "Bổ sung máy scan, máy tính cho Bộ phận Một cửa"
    )
    await tx.inspections.add_remark(inspection.id, RemarkKind.STRENGTH, "Công chức Một cửa nhiệt tình, đeo thẻ đầy đủ")
    await tx.inspections.finish(inspection.id, Status.SUBMITTED)
    submitted = await tx.inspections.get(inspection.id)
    assert submitted is not None
    for item_id in shortcomings:
        answer = await tx.inspections.answer(inspection.id, item_id)
        assert answer is not None
        await tx.followups.add(submitted, answer, date(2026, 12, 31))
    return inspection.id


async def _fill(data_dir: Path, checklist: Checklist, round_name: str, plans: list[UnitPlan]) -> tuple[int, list[int]]:
    """A team, a round and one submitted inspection per plan; returns the round id and inspection ids."""
    store = await Store.open(data_dir / "kiemtra.sqlite3")
    ids: list[int] = []
    try:
        async with store.transaction() as tx:
            await tx.inspections.register_checklist(checklist.id, checklist.version, checklist.canonical_json())
            team = await tx.teams.create("Đoàn kiểm tra KSTTHC số 1", -100123, *LEAD, "bench", "BENCH1")
            for user_id, name in INSPECTORS:
                await tx.teams.add_member(team.id, user_id, name, datetime.now(UTC))
            opened = await tx.rounds.open(team.id, round_name, *LEAD, checklist.id)
        for start in range(0, len(plans), 50):  # a commit every 50 inspections
            async with store.transaction() as tx:
                for number in range(start, min(start + 50, len(plans))):
                    ids.append(
                        await _add_inspection(
                            tx, checklist, team.id, opened.id, number, plans[number], data_dir / "photos"
                        )
                    )
    finally:
        await store.close()
    return opened.id, ids


def fill(data_dir: Path, round_name: str, plans: list[UnitPlan]) -> tuple[int, list[int]]:
    started = time.perf_counter()
    print(f"… filling {data_dir.name}: {len(plans)} inspection(s)", file=sys.stderr, flush=True)
    result = asyncio.run(_fill(data_dir, load_checklist(BUNDLED_CHECKLIST), round_name, plans))
    print(f"  done in {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    return result


# --- one case, in a fresh process -------------------------------------------------------------------


def _proc_kb(name: str) -> int | None:
    """VmRSS (now) or VmHWM (peak since start or the last reset) of this process, in KB (Linux)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{name}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else None


def _maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux


def _reset_peak() -> bool:
    """Lowers this process's peak RSS to its current RSS (Linux ≥ 4.0), so an import spike during setup
    is not counted as the build's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


Build = Callable[[Path], Awaitable[Path | None]]


async def measure(build: Build, out: Path, repeats: int, trace: bool) -> dict[str, Any]:
    """Times `repeats` builds, then reads the peak RSS; one more build under tracemalloc if `trace`.

    ru_maxrss has a catch: a child inherits its parent's peak across fork and exec, so when the value
    before the build already exceeds the RSS, it cannot show the build's own peak; VmHWM (the same
    kernel counter without the inherited part) is then used and the figure is marked.
    """
    gc.collect()
    reset = _reset_peak()
    rss_before = _proc_kb("VmRSS") or _maxrss_kb()
    maxrss_before = _maxrss_kb()
    seconds: list[float] = []
    file_bytes = 0
    for attempt in range(repeats):
        folder = out / f"build-{attempt}"
        folder.mkdir(parents=True)
        started = time.perf_counter()
        path = await build(folder)
        seconds.append(time.perf_counter() - started)
        # The document's size, or for a baseline writing several files, what it wrote in all.
        written = [path] if path is not None else [p for p in folder.rglob("*") if p.is_file()]
        file_bytes = sum(p.stat().st_size for p in written)
        shutil.rmtree(folder)
    maxrss_after = _maxrss_kb()
    hwm_after = _proc_kb("VmHWM")
    inherited = maxrss_before > rss_before + 1024 and hwm_after is not None
    peak = hwm_after if inherited and hwm_after is not None else maxrss_after
    traced = None
    if trace:
        folder = out / "traced"
        folder.mkdir(parents=True)
        tracemalloc.start()
        await build(folder)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        shutil.rmtree(folder)
    return {
        "seconds": seconds,
        "rss_before_kb": rss_before,
        "maxrss_before_kb": maxrss_before,
        "maxrss_after_kb": maxrss_after,
        "hwm_after_kb": hwm_after,
        "peak_rise_kb": max(0, peak - rss_before),
        "peak_source": "VmHWM" if inherited else "ru_maxrss",
        "peak_reset": reset,
        "tracemalloc_peak_bytes": traced,
        "file_bytes": file_bytes,
    }


def _photo_paths(data_dir: Path, sql: str, key: int) -> list[Path]:
    with sqlite3.connect(data_dir / "kiemtra.sqlite3") as connection:
        rows = connection.execute(sql, (key,)).fetchall()
    return [data_dir / "photos" / str(row[0]) for row in rows]


def naive_record(paths: list[Path], target: Path) -> None:
    """The naive record: python-docx given the original files, 15 cm wide, with a caption each."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_heading("PHỤ LỤC: ẢNH MINH CHỨNG", level=1)
    for number, path in enumerate(paths, start=1):
        document.add_picture(str(path), width=Cm(15))
        document.add_paragraph(f"Ảnh {number}: {path.name}")
    document.save(str(target))


def csv_rows(data_dir: Path, round_id: int, checklist: Checklist, folder: Path) -> Path:
    """The workbook's answer and photo rows, read with one query each and written with the csv module."""
    from bot.checklist.kinds import value_label
    from bot.texts.catalogue import VI

    labels = {
        item.id: (f"{number}. {area.title}", item)
        for number, area in enumerate(checklist.areas, start=1)
        for item in area.items
    }
    answers = folder / "tra-loi.csv"
    with sqlite3.connect(data_dir / "kiemtra.sqlite3") as connection:
        rows = connection.execute(
            """SELECT r.name, i.id, i.unit, a.item_id, a.value, a.note, COALESCE(m.name, i.inspector_name),
                      a.answered_at,
                      (SELECT COUNT(*) FROM photos p WHERE p.inspection_id = i.id AND p.item_id = a.item_id)
               FROM answers a JOIN inspections i ON i.id = a.inspection_id JOIN rounds r ON r.id = i.round_id
               LEFT JOIN members m ON m.team_id = i.team_id AND m.user_id = a.answered_by
               WHERE i.round_id = ? AND i.status = 'submitted' ORDER BY i.submitted_at, i.id""",
            (round_id,),
        )
        with answers.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            for name, inspection_id, unit, item_id, value, note, person, at, photos in rows:
                area, item = labels[item_id]
                writer.writerow(
                    [name, inspection_id, unit, area, item_id, item.prompt, value_label(VI, item, value), value, note,
                     person, at, photos]
                )  # fmt: skip
        photos = connection.execute(
            """SELECT p.inspection_id, i.unit, p.area_id, p.item_id, p.sender_name, p.received_at, p.width,
                      p.height, p.size, p.sha256, p.path
               FROM photos p JOIN inspections i ON i.id = p.inspection_id
               WHERE i.round_id = ? AND i.status = 'submitted' ORDER BY i.id, p.id""",
            (round_id,),
        )
        with (folder / "anh.csv").open("w", newline="", encoding="utf-8-sig") as handle:
            csv.writer(handle).writerows(photos)
    return answers


def copy_files(paths: list[Path], folder: Path) -> None:
    """The archive's floor: the same files copied as they are, nothing computed."""
    for number, path in enumerate(paths):
        shutil.copyfile(path, folder / f"{number:04d}-{path.name}")


async def run_case(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Setup (imports, store, service) happens here, before `measure` takes the starting RSS."""
    from bot.events import ReportKind, ReportRequest
    from bot.reports.service import ReportService

    data_dir, out = Path(spec["data_dir"]), Path(spec["out"])
    repeats, trace = int(spec["repeats"]), bool(spec["trace"])
    checklist = load_checklist(BUNDLED_CHECKLIST)
    store = await Store.open(data_dir / "kiemtra.sqlite3")
    service = ReportService(
        store, ChecklistVersions(checklist), issuer=ISSUER, place=PLACE, photo_dir=data_dir / "photos"
    )
    build: Build
    try:
        if name in ("record", "workbook", "archive"):
            kind = {"record": ReportKind.RECORD, "workbook": ReportKind.WORKBOOK, "archive": ReportKind.ARCHIVE}[name]
            request = ReportRequest(kind=kind, inspection_id=spec.get("inspection_id"), round_id=spec.get("round_id"))

            async def build(folder: Path) -> Path | None:
                return (await service.build(request, folder)).path

        elif name == "workbook-read":

            async def build(folder: Path) -> Path | None:
                await service.round_report(spec["round_id"])
                return None

        elif name == "record-naive":
            paths = _photo_paths(
                data_dir, "SELECT path FROM photos WHERE inspection_id = ? ORDER BY id", spec["inspection_id"]
            )

            async def build(folder: Path) -> Path | None:
                await asyncio.to_thread(naive_record, paths, folder / "naive.docx")
                return folder / "naive.docx"

        elif name == "workbook-csv":

            async def build(folder: Path) -> Path | None:
                await asyncio.to_thread(csv_rows, data_dir, spec["round_id"], checklist, folder)
                return None

        elif name == "archive-copy":
            paths = _photo_paths(
                data_dir,
                """SELECT p.path FROM photos p JOIN inspections i ON i.id = p.inspection_id
                   WHERE i.round_id = ? ORDER BY i.id, p.id""",
                spec["round_id"],
            )

            async def build(folder: Path) -> Path | None:
                await asyncio.to_thread(copy_files, paths, folder)
                return None

        else:
            raise SystemExit(f"unknown case {name!r}")
        return await measure(build, out, repeats, trace)
    finally:
        await store.close()


def case_main(name: str) -> int:
    spec = json.loads(sys.stdin.read())
    if name == "make-photos":
        make_photos(Path(spec["folder"]), (spec["side"][0], spec["side"][1]), spec["indices"])
        return 0
    # Every measured case imports the same modules, so they all start from about the same RSS.
    import docx  # noqa: F401
    import PIL.JpegImagePlugin  # noqa: F401

    import bot.reports.service  # noqa: F401

    result = asyncio.run(run_case(name, spec))
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# --- the parent: scenarios, cases, the table -------------------------------------------------------


@dataclass
class Case:
    """One measured run: what it is, the fresh process's figures, and what went wrong."""

    label: str
    name: str
    size: str
    spec: dict[str, Any]
    result: dict[str, Any] | None = None
    error: str | None = None

    @property
    def seconds(self) -> list[float]:
        return list(self.result["seconds"]) if self.result else []

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else math.nan

    @property
    def slowest(self) -> float:
        return max(self.seconds) if self.seconds else math.nan

    @property
    def rss_mb(self) -> float:
        return float(self.result["peak_rise_kb"]) / 1024 if self.result else math.nan

    @property
    def traced_mb(self) -> float:
        if not self.result or self.result["tracemalloc_peak_bytes"] is None:
            return math.nan
        return float(self.result["tracemalloc_peak_bytes"]) / 2**20

    @property
    def file_mb(self) -> float:
        return float(self.result["file_bytes"]) / 2**20 if self.result and self.result["file_bytes"] else math.nan


def run(case: Case, workdir: Path, repeats: int, trace: bool) -> Case:
    out = workdir / "out" / re.sub(r"[^a-z0-9]+", "-", case.label.lower()).strip("-")
    spec = {**case.spec, "out": str(out), "repeats": repeats, "trace": trace}
    print(f"… {case.label}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.reports", "--case", case.name],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=CASE_TIMEOUT,
            cwd=Path(__file__).resolve().parent.parent,
        )
    except subprocess.TimeoutExpired:
        case.error = f"timed out after {CASE_TIMEOUT:.0f} s"
    else:
        line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith("RESULT ")), None)
        if done.returncode != 0 or line is None:
            tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            case.error = f"exit {done.returncode}: {tail}"
            print(done.stderr, file=sys.stderr)
        else:
            case.result = json.loads(line.removeprefix("RESULT "))
    shutil.rmtree(out, ignore_errors=True)
    print(f"  done in {time.perf_counter() - started:.1f}s" + (f" — {case.error}" if case.error else ""),
          file=sys.stderr, flush=True)  # fmt: skip
    return case


def _num(value: float, digits: int = 2) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:,.0f}" if value >= 1000 else f"{value:.{digits}f}"


def _ratio(ours: float, base: float) -> str:
    if math.isnan(ours) or math.isnan(base) or base <= 0:
        return "—"
    return f"×{ours / base:.2f}" if ours / base < 10 else f"×{ours / base:,.0f}"


WIDTHS = (50, 28, 8, 9, 12, 15, 8)


def _line(cells: tuple[str, ...]) -> str:
    first, size, *rest = cells
    return f"{first:<{WIDTHS[0]}} {size:<{WIDTHS[1]}} " + " ".join(
        f"{cell:>{width}}" for cell, width in zip(rest, WIDTHS[2:], strict=True)
    )


def _row(label: str, case: Case) -> str:
    if case.error:
        return _line((label, case.size, "FAILED", "", "", "", "")) + f"  {case.error}"
    mark = "†" if case.result and case.result["peak_source"] != "ru_maxrss" else ""
    first = case.seconds[0] if case.seconds else math.nan
    return _line(
        (
            label,
            case.size,
            _num(first),
            _num(case.median),
            _num(case.rss_mb, 1) + mark,
            _num(case.traced_mb, 1),
            _num(case.file_mb, 1),
        )
    )


def _ratio_row(ours: Case, base: Case) -> str:
    first = (ours.seconds or [math.nan])[0], (base.seconds or [math.nan])[0]
    return _line(
        (
            "  ours ÷ baseline",
            "",
            _ratio(*first),
            _ratio(ours.median, base.median),
            _ratio(ours.rss_mb, base.rss_mb),
            _ratio(ours.traced_mb, base.traced_mb),
            _ratio(ours.file_mb, base.file_mb),
        )
    )


@dataclass(frozen=True)
class Aim:
    name: str
    met: bool | None
    detail: str


def slope_per_10(cases: list[tuple[int, Case]]) -> float:
    """Least-squares growth of the peak RSS rise, in MB per 10 more photos."""
    points = [(count, case.rss_mb) for count, case in cases if not math.isnan(case.rss_mb)]
    if len(points) < 2:
        return math.nan
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return 10 * sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else math.nan


def aims(headline: Case, headline_count: int, growth: list[tuple[int, Case]]) -> list[Aim]:
    result = []
    name = f"record with {headline_count} photos in < {RECORD_AIM_SECONDS:g} s"
    if headline.error:
        result.append(Aim(name, None, f"not measured: {headline.error}"))
    else:
        slowest = headline.slowest
        detail = (
            f"slowest of {len(headline.seconds)} build(s) {slowest:.2f} s (first {headline.seconds[0]:.2f} s, "
            f"median {headline.median:.2f} s)"
        )
        if slowest >= RECORD_AIM_SECONDS:
            detail += f": {slowest / RECORD_AIM_SECONDS:.1f}× the aim"
        result.append(Aim(name, slowest < RECORD_AIM_SECONDS, detail))
    name = f"record with {headline_count} photos in < {RECORD_AIM_MB:g} MB (peak RSS rise; Pillow's C memory included)"
    if headline.error:
        result.append(Aim(name, None, f"not measured: {headline.error}"))
    else:
        detail = f"+{headline.rss_mb:.1f} MB peak RSS; tracemalloc peak {_num(headline.traced_mb, 1)} MB"
        if headline.rss_mb >= RECORD_AIM_MB:
            detail += f": {headline.rss_mb / RECORD_AIM_MB:.1f}× the aim"
        result.append(Aim(name, headline.rss_mb < RECORD_AIM_MB, detail))
    name = f"memory flat as photos grow (< {FLAT_AIM_MB_PER_10:g} MB more per 10 more photos)"
    slope = slope_per_10(growth)
    if math.isnan(slope):
        result.append(Aim(name, None, "not measured (needs two photo counts)"))
    else:
        points = ", ".join(f"{count}: +{case.rss_mb:.1f}" for count, case in growth if not case.error)
        detail = f"{slope:+.2f} MB per 10 photos (peak RSS rise in MB by photo count: {points})"
        result.append(Aim(name, slope < FLAT_AIM_MB_PER_10, detail))
    return result


def _verdict(aim: Aim) -> str:
    return "not run" if aim.met is None else ("met" if aim.met else "MISSED")


def aims_text(found: list[Aim]) -> str:
    lines = []
    for aim in found:
        mark = "not run" if aim.met is None else ("met   " if aim.met else "MISSED")
        lines.append(f"  [{mark}] {aim.name}: {aim.detail}")
    return "\n".join(lines)


def _sizes(photos: list[PhotoFile]) -> str:
    sizes = [photo.size / 2**20 for photo in photos]
    return f"{min(sizes):.1f}–{max(sizes):.1f} MB (mean {statistics.mean(sizes):.1f} MB)"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: tiny scenarios, one build each")
    parser.add_argument("--repeats", type=int, help="timed builds per case (default 3; --quick 1)")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc build")
    parser.add_argument(
        "--photo-cache", type=Path, help="where generated photos are kept between runs (default: system temp dir)"
    )
    parser.add_argument("--data-root", type=Path, help="where the DATA_DIRs go (default: system temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the DATA_DIRs (path is printed)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure as JSON")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # internal: one measured case, spec on stdin
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 3)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


@dataclass
class Results:
    """Every case of one run, and what the scenarios held."""

    plan: Plan
    record: dict[int, tuple[Case, Case]]  # photo count -> (ours, naive baseline)
    workbook: Case
    reading: Case
    wb_csv: Case
    archive: Case
    copies: Case
    record_photos: list[PhotoFile]
    archive_photos: list[PhotoFile]

    @property
    def cases(self) -> list[Case]:
        pairs = [case for pair in self.record.values() for case in pair]
        return [*pairs, self.workbook, self.reading, self.wb_csv, self.archive, self.copies]


def measure_all(plan: Plan, cache: Path, workdir: Path, repeats: int, trace: bool) -> Results:
    """Photos (cached), one filled DATA_DIR per scenario, then every case in turn, one process each."""
    checklist = load_checklist(BUNDLED_CHECKLIST)
    record_photos = photo_set(cache, RECORD_SIDE, max(plan.record_counts))
    archive_photos = photo_set(cache, ARCHIVE_SIDE, plan.archive_photos)
    small = photo_set(cache, (640, 480), 1)[0]

    record_dir = workdir / "record"
    units = [UnitPlan(f"UBND xã Số {count}", record_photos[:count]) for count in plan.record_counts]
    _, record_ids = fill(record_dir, "Kiểm tra KSTTHC huyện Phú Lương 2026", units)
    wb_dir = workdir / "workbook"
    units = [UnitPlan(f"UBND xã Số {n}", [small] if n % 2 else []) for n in range(plan.inspections)]
    wb_round, _ = fill(wb_dir, "Kiểm tra KSTTHC toàn tỉnh 2026", units)
    ar_dir = workdir / "archive"
    step = ARCHIVE_PHOTOS_PER_UNIT
    units = [
        UnitPlan(f"UBND xã Số {n}", archive_photos[start : start + step])
        for n, start in enumerate(range(0, len(archive_photos), step))
    ]
    ar_round, _ = fill(ar_dir, "Kiểm tra KSTTHC huyện Đại Từ 2026", units)

    def measured(label: str, name: str, size: str, spec: dict[str, Any]) -> Case:
        return run(Case(label, name, size, spec), workdir, repeats, trace)

    record: dict[int, tuple[Case, Case]] = {}
    for count, inspection_id in zip(plan.record_counts, record_ids, strict=True):
        spec = {"data_dir": str(record_dir), "inspection_id": inspection_id}
        size = f"{count} photos 12 MP"
        record[count] = (
            measured(f"record DOCX, {count} photos", "record", size, spec),
            measured(f"record naive, {count} photos", "record-naive", size, spec),
        )
    wb_spec = {"data_dir": str(wb_dir), "round_id": wb_round}
    wb_size = f"{plan.inspections:,} insp., {plan.inspections * checklist.item_count:,} answers"
    ar_spec = {"data_dir": str(ar_dir), "round_id": ar_round}
    ar_size = f"{len(archive_photos)} photos, {sum(p.size for p in archive_photos) / 2**20:,.0f} MB"
    return Results(
        plan=plan,
        record=record,
        workbook=measured("workbook XLSX", "workbook", wb_size, wb_spec),
        reading=measured("workbook read", "workbook-read", wb_size, wb_spec),
        wb_csv=measured("workbook csv", "workbook-csv", wb_size, wb_spec),
        archive=measured("archive ZIP", "archive", ar_size, ar_spec),
        copies=measured("archive copy", "archive-copy", ar_size, ar_spec),
        record_photos=record_photos[: max(plan.record_counts)],
        archive_photos=archive_photos,
    )


def render(results: Results, repeats: int, trace: bool, where: Path) -> tuple[str, list[Aim]]:
    plan = results.plan
    ours_head, naive_head = results.record[plan.record_headline]
    growth = [(count, ours) for count, (ours, _) in results.record.items()]
    found = aims(ours_head, plan.record_headline, growth)
    verdicts = ", ".join(_verdict(aim) for aim in found[:2])
    header = _line(HEADERS)
    traced = "then one more under tracemalloc" if trace else "no tracemalloc build (--no-trace)"
    lines = [
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, Pillow {version('Pillow')}, "
        f"python-docx {version('python-docx')}, openpyxl {version('openpyxl')}; DATA_DIR on "
        f"{filesystem_of(where)} ({where})",
        f"Record photos: {RECORD_SIDE[0]}×{RECORD_SIDE[1]} JPEG, {_sizes(results.record_photos)}; "
        f"archive photos: {ARCHIVE_SIDE[0]}×{ARCHIVE_SIDE[1]}, {_sizes(results.archive_photos)}.",
        f"Each case: a fresh process; {repeats} timed build(s) (ours: ReportService.build, reading SQLite "
        f"included), {traced}.",
        "peak RSS +MB: rise of the peak RSS (ru_maxrss) over the RSS right after setup; † from VmHWM, see "
        "`measure`. tracemalloc MB: Python objects only, not Pillow's C buffers.",
        "",
        header,
        "-" * len(header),
        _row(f"record DOCX, {plan.record_headline} photos (ReportService)", ours_head)
        + f"  aims < {RECORD_AIM_SECONDS:g} s, < {RECORD_AIM_MB:g} MB: {verdicts}",
        _row("  baseline: python-docx, original photos", naive_head),
        _ratio_row(ours_head, naive_head),
        "",
        "record DOCX as photos grow:",
    ]
    lines += [_row(f"  ours, {count} photos", ours) for count, (ours, _) in results.record.items()]
    lines.append(
        f"  ours: peak RSS {_num(slope_per_10(growth), 2)} MB more per 10 more photos; "
        f"aim < {FLAT_AIM_MB_PER_10:g} MB: {_verdict(found[2])}"
    )
    lines += [
        _row(f"  baseline (python-docx, originals), {count} photos", naive)
        for count, (_, naive) in results.record.items()
    ]
    lines += [
        "",
        _row(f"workbook XLSX, {plan.inspections:,} inspections", results.workbook),
        _row("  of which reading (round_report)", results.reading),
        _row("  baseline: csv module, same rows", results.wb_csv),
        _ratio_row(results.workbook, results.wb_csv),
        "",
        _row(f"archive ZIP, {len(results.archive_photos)} photos", results.archive),
        _row("  baseline: shutil.copyfile, same files", results.copies),
        _ratio_row(results.archive, results.copies),
        "",
        "Aims (issue; judged on this machine, ours as shipped"
        + ("; --quick: tiny scenarios, these verdicts mean nothing):" if plan is QUICK else "):"),
    ]
    lines.append(aims_text(found))
    failures = [case for case in results.cases if case.error]
    lines.append(f"\nEvery case ran: {'yes' if not failures else f'NO ({len(failures)} failed, see above)'}.")
    return "\n".join(lines), found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.case:
        return case_main(args.case)
    started = time.perf_counter()
    plan = QUICK if args.quick else FULL
    cache = args.photo_cache or Path(tempfile.gettempdir()) / f"kiemtra-bench-photos-{CACHE_VERSION}"
    if args.data_root is not None:
        args.data_root.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="kiemtra-bench-reports-", dir=args.data_root))
    trace = not args.no_trace
    try:
        results = measure_all(plan, cache, workdir, args.repeats, trace)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    text, found = render(results, args.repeats, trace, workdir.parent)
    print()
    print(text)
    print(f"Whole run: {time.perf_counter() - started:.0f} s.")
    if args.keep:
        print(f"DATA_DIRs kept in {workdir}")
    if args.json is not None:
        document = {
            "cases": [
                {"label": case.label, "size": case.size, "result": case.result, "error": case.error}
                for case in results.cases
            ],
            "aims": [{"name": aim.name, "met": aim.met, "detail": aim.detail} for aim in found],
        }
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if any(case.error for case in results.cases) else 0


if __name__ == "__main__":
    sys.exit(main())
