"""The evidence archive: the original photo files of a round in a ZIP that anyone can re-check.

Photos are copied byte for byte, never re-encoded, and listed with the SHA-256 the bot computed when it
received them, so `sha256sum -c` (or PowerShell's Get-FileHash) shows that no file changed since. The
archive is streamed file by file from disk, and can be cut into parts that each fit under the chat's
upload limit (`plan_parts`); a part says which one it is in its DOC-TOI.txt.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from bot.events import clean_text
from bot.reports.data import InspectionReport, ReportContext, RoundReport
from bot.texts.formats import VIETNAM
from storage.files import stored_file
from storage.models import Photo

MANIFEST = "manifest.csv"
README = "DOC-TOI.txt"
CHECKSUMS = "SHA256SUMS"
# What a part holds besides the photo bytes, bounded generously so that a planned part never exceeds
# the limit: per photo its ZIP headers (local and central, the name twice; names stay under 200 bytes
# because unit slugs are cut to 60 characters and ids to 40), its manifest.csv row (long Vietnamese
# unit, sender and area names take up to 3 bytes a character) and its SHA256SUMS line; per part the
# three text files' headers, DOC-TOI.txt and the manifest's header.
PHOTO_OVERHEAD = 4096
PART_OVERHEAD = 32768
SLUG_LENGTH = 60
CHUNK = 1 << 20
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic", "image/gif": "gif"}
MANIFEST_COLUMNS = (
    "tệp",
    "sha256",
    "kích thước (byte)",
    "người gửi",
    "mã người gửi",
    "thời gian",
    "rộng",
    "cao",
    "phiên",
    "đơn vị",
    "lĩnh vực",
    "mã câu",
)


def slug(text: str) -> str:
    """'UBND xã Cổ Lũng' -> 'ubnd-xa-co-lung': a folder name every unzip tool and OS accepts."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(char for char in plain if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only)[:SLUG_LENGTH].strip("-") or "don-vi"


def area_number(report: InspectionReport, area_id: str) -> int:
    """1-based position of the area in the inspection's checklist; 0 for an area it no longer has."""
    for number, area in enumerate(report.checklist.areas, start=1):
        if area.id == area_id:
            return number
    return 0


def archive_name(report: InspectionReport, photo: Photo) -> str:
    number = area_number(report, photo.area_id)
    folder = f"{slug(report.unit)}-{report.inspection.id}/{number:02d}-{photo.area_id}"
    return f"{folder}/{photo.item_id}-{photo.id}.{_extension(photo)}"


def _extension(photo: Photo) -> str:
    known = EXTENSIONS.get(photo.mime.lower())
    if known:
        return known
    suffix = PurePosixPath(photo.path).suffix.lstrip(".").lower()
    return suffix if suffix.isalnum() else "bin"


def ordered_photos(report: InspectionReport) -> list[Photo]:
    """One inspection's photos in checklist order, then in the order they were received."""
    checklist = report.checklist
    order = {checklist.at(pos)[3].id: pos for pos in range(checklist.item_count)}
    return sorted(report.snapshot.photos, key=lambda photo: (order.get(photo.item_id, checklist.item_count), photo.id))


def archive_photos(report: RoundReport) -> list[tuple[InspectionReport, Photo]]:
    """Every photo of the round in archive order: the order `plan_parts` expects its sizes in."""
    return [(unit, photo) for unit in report.inspections for photo in ordered_photos(unit)]


def plan_parts(sizes: list[tuple[int, int]], limit: int) -> list[list[int]]:
    """Photo ids per part, consecutive in archive order, each part's ZIP staying within `limit` bytes.

    A photo too big for any part gets a part of its own, for the caller to refuse with a message.
    """
    parts: list[list[int]] = [[]]
    used = PART_OVERHEAD
    for photo_id, size in sizes:
        cost = size + PHOTO_OVERHEAD
        if parts[-1] and used + cost > limit:
            parts.append([])
            used = PART_OVERHEAD
        parts[-1].append(photo_id)
        used += cost
    return parts


@dataclass(frozen=True)
class _Entry:
    """One photo as the archive lists it; `name` is empty when the file is missing."""

    unit: InspectionReport
    photo: Photo
    name: str


def write_archive(
    report: RoundReport,
    ctx: ReportContext,
    target: Path,
    photo_ids: Collection[int] | None = None,
    part: tuple[int, int] | None = None,
) -> None:
    """`photo_ids` limits the archive to one part's photos (None: all); `part` is (k, n) for DOC-TOI.txt."""
    wanted = None if photo_ids is None else set(photo_ids)
    chosen = [(unit, photo) for unit, photo in archive_photos(report) if wanted is None or photo.id in wanted]
    try:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
            entries, changed = _add_photos(archive, chosen, ctx.photo_dir)
            written = ctx.generated_at
            _add_text(archive, MANIFEST, _manifest(entries), written, bom=True)
            _add_text(archive, CHECKSUMS, _checksums(entries), written, bom=False)
            _add_text(archive, README, _readme(report, ctx, entries, changed, part), written, bom=True)
    except BaseException:
        target.unlink(missing_ok=True)  # a half-written archive must not be sent as evidence
        raise


def _add_photos(
    archive: zipfile.ZipFile, chosen: list[tuple[InspectionReport, Photo]], photo_dir: Path
) -> tuple[list[_Entry], list[str]]:
    """Copies each photo in; returns the entries and the names whose bytes no longer match their SHA-256."""
    entries: list[_Entry] = []
    changed: list[str] = []
    for unit, photo in chosen:
        source = stored_file(photo_dir, photo_dir / photo.path)
        if source is None:
            entries.append(_Entry(unit, photo, ""))
            continue
        name = archive_name(unit, photo)
        if _copy(archive, source, name, photo) != photo.sha256:
            changed.append(name)
        entries.append(_Entry(unit, photo, name))
    return entries, changed


def _copy(archive: zipfile.ZipFile, source: Path, name: str, photo: Photo) -> str:
    """Streams one file into the archive, uncompressed, and returns the SHA-256 of what was copied."""
    info = zipfile.ZipInfo(name, date_time=_stamp(photo.received_at))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.file_size = source.stat().st_size
    digest = hashlib.sha256()
    with source.open("rb") as reader, archive.open(info, "w") as writer:
        for chunk in iter(lambda: reader.read(CHUNK), b""):
            digest.update(chunk)
            writer.write(chunk)
    return digest.hexdigest()


def _stamp(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A ZIP entry's time has no zone and unzip tools show it as it is: Vietnam time, as the team reads it."""
    local = moment.astimezone(VIETNAM)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)


def _add_text(archive: zipfile.ZipFile, name: str, text: str, written: datetime, *, bom: bool) -> None:
    """Text files are small and compress well; a BOM lets Excel and old Notepad see UTF-8. Control
    characters an older database may hold in names and notes are dropped (`clean_text`): a lone
    surrogate cannot be written as UTF-8 at all, and the others only garble the manifest in Excel.
    They are stamped with the moment the archive was made, in Vietnam time like the photos."""
    data = clean_text(text).encode("utf-8-sig" if bom else "utf-8")
    info = zipfile.ZipInfo(name, date_time=_stamp(written))
    info.external_attr = 0o644 << 16
    archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def _manifest(entries: list[_Entry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS)
    writer.writerows(_manifest_row(entry) for entry in entries)
    return buffer.getvalue()


def _manifest_row(entry: _Entry) -> list[str | int]:
    photo, unit = entry.photo, entry.unit
    number = area_number(unit, photo.area_id)
    title = unit.checklist.areas[number - 1].title if number else ""
    return [
        entry.name,
        photo.sha256,
        photo.size,
        _cell_text(photo.sender_name),
        photo.sender_id,
        photo.received_at.astimezone(VIETNAM).isoformat(timespec="seconds"),
        photo.width,
        photo.height,
        unit.inspection.id,
        _cell_text(unit.unit),
        f"{number}. {title}" if number else photo.area_id,
        photo.item_id,
    ]


def _cell_text(text: str) -> str:
    """A spreadsheet opening the CSV must not run a typed name as a formula (=, +, -, @ at the start),
    judged on the text as it will be written: a control character in front of "=" is dropped later."""
    clean = clean_text(text)
    return f"'{clean}" if clean[:1] in ("=", "+", "-", "@") else clean


def _checksums(entries: list[_Entry]) -> str:
    return "".join(f"{entry.photo.sha256}  {entry.name}\n" for entry in entries if entry.name)


def _readme(
    report: RoundReport,
    ctx: ReportContext,
    entries: list[_Entry],
    changed: list[str],
    part: tuple[int, int] | None,
) -> str:
    present = sum(1 for entry in entries if entry.name)
    lines = [
        f"ẢNH MINH CHỨNG – {report.title}",
        f"Đoàn kiểm tra: {report.team.name}",
        f"Cơ quan: {ctx.issuer}",
        f"Lập lúc: {ctx.generated_at.astimezone(VIETNAM):%H:%M ngày %d/%m/%Y} (giờ Việt Nam)",
    ]
    if part is not None:
        lines.append(f"Phần {part[0]}/{part[1]}: mỗi phần là một tệp ZIP riêng, kiểm tra từng phần như nhau.")
    lines += [f"Số ảnh trong tệp này: {present}", "", *_explanation()]
    problems = [f"Thiếu tệp: {_describe(entry)}" for entry in entries if not entry.name]
    problems += [f"Không khớp SHA-256 đã ghi khi nhận ảnh: {name}" for name in changed]
    if problems:
        lines += ["", "LƯU Ý", *problems]
    return "\r\n".join(lines) + "\r\n"


def _explanation() -> Iterator[str]:
    yield "Tệp này gồm:"
    yield "- Ảnh gốc do thành viên đoàn gửi qua bot, giữ nguyên từng byte (không nén lại, không chỉnh sửa),"
    yield "  xếp theo thư mục <đơn vị>-<số phiên>/<số lĩnh vực>-<mã lĩnh vực>/<mã câu>-<số ảnh>."
    yield f"- {MANIFEST}: mỗi ảnh một dòng – ai gửi, lúc nào, phiên, đơn vị, lĩnh vực, câu hỏi, mã SHA-256"
    yield "  (mở bằng Excel)."
    yield f"- {CHECKSUMS}: danh sách mã SHA-256 để máy tự kiểm tra."
    yield ""
    yield "Cách kiểm tra ảnh chưa bị sửa:"
    yield "Bot tính mã SHA-256 của mỗi ảnh ngay khi nhận. Tệp hôm nay cho ra đúng mã đó nghĩa là"
    yield "không một byte nào của ảnh bị thay đổi. Giải nén toàn bộ, rồi trong thư mục vừa giải nén:"
    yield f"- Linux: sha256sum -c {CHECKSUMS}    (macOS: shasum -a 256 -c {CHECKSUMS})"
    yield "  Mỗi ảnh khớp hiện chữ OK."
    yield "- Windows, mở PowerShell tại thư mục đó và chạy:"
    yield (
        f"  Get-Content {CHECKSUMS} | ForEach-Object {{ $h, $f = $_ -split '  ', 2; "
        'if ((Get-FileHash -Algorithm SHA256 $f).Hash -eq $h) { "OK   $f" } else { "SAI  $f" } }'
    )
    yield "  Hoặc kiểm tra từng ảnh: Get-FileHash -Algorithm SHA256 <tệp ảnh>, rồi so với cột sha256 trong"
    yield f"  {MANIFEST} (chữ hoa hay chữ thường đều như nhau)."


def _describe(entry: _Entry) -> str:
    photo = entry.photo
    return (
        f"ảnh #{photo.id} của phiên #{entry.unit.inspection.id} ({entry.unit.unit}), câu {photo.item_id}, "
        f"do {photo.sender_name} gửi; đường dẫn lưu trữ {photo.path}"
    )
