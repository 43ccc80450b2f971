"""Backups, restore and health checks of everything the bot keeps under DATA_DIR.

A backup is one uncompressed tar file (the photos are already compressed images) laid out exactly like
DATA_DIR itself:

    kiemtra.sqlite3                      standalone copy of the database (no -wal file needed)
    photos/<inspection>/<sha256>.<ext>   every photo the copied database refers to

so unpacking it into an empty folder gives a working DATA_DIR. `restore_backup` does that with the
safety checks an operator should not have to remember. The database is copied first and only the
photos it refers to are archived afterwards; since the bot writes a photo file before committing its
row and never deletes photos, every row in the copy has its file.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path, PurePosixPath

from bot.texts.formats import VIETNAM
from storage.files import create_temporary, fsync_directory
from storage.port import BackupError, Database, StoredPhoto

log = logging.getLogger(__name__)

PHOTOS_NAME = "photos"
BACKUP_TIME = time(2, 30, tzinfo=VIETNAM)
# Only files named like this are ever pruned, so anything an operator puts in backups/ is left alone.
BACKUP_NAME = re.compile(r"^kiemtra-\d{8}-\d{6}\.tar$")

__all__ = [
    "BACKUP_NAME",
    "BACKUP_TIME",
    "PHOTOS_NAME",
    "BackupError",
    "Health",
    "backup_name",
    "daily_backup",
    "health",
    "make_backup",
    "nightly_backup",
    "prune_backups",
    "restore_backup",
]


# --- backup --------------------------------------------------------------------------------------


async def make_backup(database: Database, photo_dir: Path, target: Path) -> Path:
    """Writes the tar file described in the module docstring; it appears complete or not at all.

    All the work happens in one worker thread so the bot keeps answering inspectors meanwhile.
    """
    try:
        await asyncio.to_thread(_make_backup, database, photo_dir, target)
    except OSError as error:  # a full disk or a read-only folder is the operator's to fix: one line
        raise BackupError(f"Không ghi được bản sao lưu {target}: {error.strerror or error}") from error
    return target


def _make_backup(database: Database, photo_dir: Path, target: Path) -> None:
    # An existing file is never replaced: a mistyped target could be the live database or the only
    # good backup.
    if target.exists():
        raise BackupError(f"{target} đã tồn tại; hãy chọn tên tệp khác.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # The snapshot sits next to the target (same disk), not in /tmp, which may be small or in memory.
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=target.parent) as work:
        snapshot = database.copy_to(Path(work) / database.copy_name)
        _write_archive(Path(work) / database.copy_name, snapshot.photos(), photo_dir, target)


def _write_archive(snapshot: Path, photos: list[StoredPhoto], photo_dir: Path, target: Path) -> None:
    descriptor, temporary = create_temporary(target)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            # tarfile streams each member from disk, so memory use does not grow with the photos.
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
                archive.add(snapshot, arcname=snapshot.name)
                _add_photos(archive, photos, photo_dir)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(target.parent)


def _add_photos(archive: tarfile.TarFile, photos: list[StoredPhoto], photo_dir: Path) -> None:
    added: set[str] = set()
    for photo in photos:
        if photo.path in added:  # the same picture sent twice to one inspection is one file
            continue
        source = _photo_file(photo_dir, photo)
        if source is None or not source.is_file():
            # One lost file must not stop every future backup; `check` reports it to the operator.
            log.warning("Photo #%d (%s) is missing and is not in the backup", photo.id, photo.path)
            continue
        archive.add(source, arcname=f"{PHOTOS_NAME}/{photo.path}")
        added.add(photo.path)


# --- restore -------------------------------------------------------------------------------------


def restore_backup(archive: Path, database: Database, photo_dir: Path) -> None:
    """Unpacks a backup into an empty DATA_DIR.

    It refuses a folder that already holds data, because mixing a restored database with other
    photos, or with a leftover `-wal` file that SQLite would replay into it, corrupts both histories.
    """
    if not archive.is_file():
        raise BackupError(f"Không có tệp sao lưu {archive}.")
    data_dir = photo_dir.parent
    if database.exists() or (photo_dir.is_dir() and any(photo_dir.iterdir())):
        raise BackupError(f"{data_dir} đã có dữ liệu; chỉ khôi phục vào một DATA_DIR mới hoặc trống.")
    try:
        _restore_into(archive, database, photo_dir)
    except OSError as error:
        raise BackupError(f"Không khôi phục được vào {data_dir}: {error.strerror or error}") from error


def _restore_into(archive: Path, database: Database, photo_dir: Path) -> None:
    photo_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=photo_dir.parent) as work:
        unpacked = Path(work)
        _unpack(archive, unpacked)
        copy = unpacked / database.copy_name
        if not copy.is_file():
            raise BackupError(f"{archive} không chứa {database.copy_name}; đây không phải bản sao lưu của bot.")
        if (unpacked / PHOTOS_NAME).is_dir():
            if photo_dir.exists():
                photo_dir.rmdir()  # known to be empty
            os.replace(unpacked / PHOTOS_NAME, photo_dir)
        # The database goes last: its presence is what marks the folder as restored.
        database.restore_from(copy)


def _unpack(archive: Path, destination: Path) -> None:
    try:
        # "r:*" also accepts a backup the operator compressed afterwards (.tar.gz, .tar.xz).
        with tarfile.open(archive, "r:*") as tar:
            # The "data" filter refuses absolute paths, `..`, links out of the folder and device files.
            tar.extractall(destination, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} không phải bản sao lưu hợp lệ: {error}") from None


# --- check ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    """Kept apart so the command line can say "OK" for the part that is healthy."""

    database: list[str]
    photos: list[str]
    photo_count: int | None  # None when the photo rows could not even be read

    @property
    def problems(self) -> list[str]:
        return self.database + self.photos


async def health(database: Database, photo_dir: Path) -> Health:
    """Reads every photo file in full, so it runs in a worker thread."""
    return await asyncio.to_thread(_health, database, photo_dir)


def _health(database: Database, photo_dir: Path) -> Health:
    try:
        database_problems = database.problems()
    except BackupError as error:  # no database there at all
        return Health([str(error)], [], None)
    try:
        photos = database.photos()
    except BackupError as error:
        return Health([*database_problems, str(error)], [], None)
    return Health(database_problems, _verify_photos(photo_dir, photos), len(photos))


def _verify_photos(photo_dir: Path, photos: list[StoredPhoto]) -> list[str]:
    return [problem for photo in photos if (problem := _verify_photo(photo_dir, photo))]


def _verify_photo(photo_dir: Path, photo: StoredPhoto) -> str | None:
    """The SHA-256 is the evidence's seal: a photo whose bytes changed is no longer evidence."""
    label = f"Ảnh #{photo.id} ({photo.owner}, {PHOTOS_NAME}/{photo.path})"
    source = _photo_file(photo_dir, photo)
    if source is None:
        return f"{label}: đường dẫn không hợp lệ."
    if not source.is_file():
        return f"{label}: thiếu tệp."
    size = source.stat().st_size
    if size != photo.size:
        return f"{label}: tệp có {size} byte, cơ sở dữ liệu ghi {photo.size} byte."
    with open(source, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    if digest != photo.sha256:
        return f"{label}: nội dung đã bị thay đổi (SHA-256 không khớp)."
    return None


def _photo_file(photo_dir: Path, photo: StoredPhoto) -> Path | None:
    """None for a path that would leave the photo folder; a database row must not point elsewhere."""
    relative = PurePosixPath(photo.path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return None
    return photo_dir.joinpath(*relative.parts)


# --- daily backups -------------------------------------------------------------------------------


def backup_name(moment: datetime) -> str:
    """Vietnam time in the name, because that is what the operator reads; it also sorts by age."""
    return f"kiemtra-{moment.astimezone(VIETNAM):%Y%m%d-%H%M%S}.tar"


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Deletes all but the `keep` newest daily backups and returns what it deleted."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    if not folder.is_dir():
        return []
    backups = sorted((p for p in folder.iterdir() if BACKUP_NAME.match(p.name) and p.is_file()), key=lambda p: p.name)
    doomed = backups[:-keep]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


async def daily_backup(
    database: Database, photo_dir: Path, folder: Path, keep: int, now: datetime | None = None
) -> Path:
    """Prunes only after the new backup exists, so a failing backup never removes the good ones."""
    target = await make_backup(database, photo_dir, folder / backup_name(now or datetime.now(UTC)))
    await asyncio.to_thread(prune_backups, folder, keep)
    return target


async def nightly_backup(database: Database, photo_dir: Path, folder: Path, keep: int) -> None:
    """One scheduled backup; a failure is logged, never raised: the bot must keep serving inspectors."""
    try:
        path = await daily_backup(database, photo_dir, folder, keep)
    except Exception:
        log.exception("Daily backup failed")
        return
    log.info("Daily backup written to %s", path)
