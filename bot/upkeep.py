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
import contextlib
import hashlib
import logging
import os
import re
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

from bot.texts.formats import VIETNAM
from storage.files import PRIVATE_FILE, PRIVATE_FOLDER, create_temporary, fsync_directory, stored_file
from storage.port import BackupError, Database, StoredPhoto

log = logging.getLogger(__name__)

PHOTOS_NAME = "photos"
BACKUP_TIME = time(2, 30, tzinfo=VIETNAM)
# Only files named like this are ever pruned, so anything an operator puts in backups/ is left alone.
BACKUP_NAME = re.compile(r"^kiemtra-\d{8}-\d{6}\.tar$")
# The largest photo file a restore accepts. The bot keeps photos of at most MAX_PHOTO_MB (20 by default),
# and Telegram's Bot API hands out no file over 20 MB, so a member this big cannot be a photo the bot
# stored; the bound still leaves room for an operator who raised MAX_PHOTO_MB for a self-hosted Bot API.
# The database has no bound of its own (it grows with the years); all members together must fit in the
# free space of the target disk, so a crafted or compressed archive cannot fill it.
MAX_PHOTO_FILE = 256 * 2**20
COPY_CHUNK = 1 << 20
_ACCEPTED_TYPES = (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.DIRTYPE)
_REFUSED_TYPES = {
    tarfile.SYMTYPE: "liên kết tượng trưng (symlink)",
    tarfile.LNKTYPE: "liên kết cứng (hard link)",
    tarfile.CHRTYPE: "tệp thiết bị",
    tarfile.BLKTYPE: "tệp thiết bị",
    tarfile.FIFOTYPE: "ống FIFO",
}

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
        source = stored_file(photo_dir, photo_dir / photo.path)
        if source is None:
            # One lost file must not stop every future backup, and a link in its place must not put
            # whatever it leads to in the backup (a restore would refuse it); `check` reports both.
            log.warning(
                "Photo #%d (%s) is missing or not a regular file; it is not in the backup", photo.id, photo.path
            )
            continue
        archive.add(source, arcname=f"{PHOTOS_NAME}/{photo.path}")
        added.add(photo.path)


# --- restore -------------------------------------------------------------------------------------


def restore_backup(archive: Path, database: Database, photo_dir: Path) -> None:
    """Unpacks a backup into an empty DATA_DIR.

    It refuses a folder that already holds data, because mixing a restored database with other
    photos, or with a leftover `-wal` file that SQLite would replay into it, corrupts both histories.
    A refused or failed restore leaves the folder as it found it: everything is unpacked into a
    temporary folder first, and a DATA_DIR the restore had to create is removed again.
    """
    if not archive.is_file():
        raise BackupError(f"Không có tệp sao lưu {archive}.")
    data_dir = photo_dir.parent
    if database.exists() or (photo_dir.is_dir() and any(photo_dir.iterdir())):
        raise BackupError(f"{data_dir} đã có dữ liệu; chỉ khôi phục vào một DATA_DIR mới hoặc trống.")
    created = not data_dir.exists()
    try:
        _restore_into(archive, database, photo_dir)
    except BaseException as error:
        if created:
            with contextlib.suppress(OSError):  # not empty: the restore got as far as moving files in
                data_dir.rmdir()
        if isinstance(error, OSError):
            raise BackupError(f"Không khôi phục được vào {data_dir}: {error.strerror or error}") from error
        raise


def _restore_into(archive: Path, database: Database, photo_dir: Path) -> None:
    photo_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=photo_dir.parent) as work:
        unpacked = Path(work)
        _unpack(archive, unpacked, database.copy_name)
        copy = unpacked / database.copy_name
        if not copy.is_file():
            raise BackupError(f"{archive} không chứa {database.copy_name}; đây không phải bản sao lưu của bot.")
        if (unpacked / PHOTOS_NAME).is_dir():
            if photo_dir.exists():
                photo_dir.rmdir()  # known to be empty
            os.replace(unpacked / PHOTOS_NAME, photo_dir)
        # The database goes last: its presence is what marks the folder as restored.
        database.restore_from(copy)


class _Refused(Exception):
    """One member of the archive is not something a backup made by the bot holds."""

    def __init__(self, member: tarfile.TarInfo, reason: str) -> None:
        super().__init__(reason)
        self.member = member.name
        self.reason = reason


def _unpack(archive: Path, destination: Path, copy_name: str) -> None:
    """Checks and writes each member itself, rather than trusting `tarfile.extractall`.

    Python's extraction filters have had bypasses (CVE-2025-4517, fixed only in 3.11.13 and 3.12.11),
    and even the "data" filter keeps a relative symlink that stays inside the folder, such as
    `photos/1/x.jpg -> ../../kiemtra.sqlite3`, which would later send the database out as a photo. The
    bot's own backups hold nothing but the database copy and photo files (see the module docstring),
    so anything else refuses the whole archive; `destination` is a fresh temporary folder, deleted by
    the caller on any failure, so a refused archive leaves nothing behind.
    """
    free = shutil.disk_usage(destination).free
    seen: set[str] = set()
    claimed = 0
    try:
        # "r:*" also accepts a backup the operator compressed afterwards (.tar.gz, .tar.xz).
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:  # one header at a time: nothing is read ahead of the check
                parts = _checked(member, copy_name, seen)
                claimed += member.size
                if claimed > free:
                    raise _Refused(member, f"làm tổng dung lượng vượt quá {free / 2**20:.0f} MB còn trống ở đích")
                _write(tar, member, destination, parts)
    except _Refused as refused:
        raise BackupError(
            f"Bản sao lưu {archive} bị từ chối, không khôi phục gì: «{refused.member}» {refused.reason}."
        ) from None
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} không phải bản sao lưu hợp lệ: {error}") from None


def _checked(member: tarfile.TarInfo, copy_name: str, seen: set[str]) -> list[str]:
    """The member's path parts, when it is one of what `make_backup` writes; `_Refused` otherwise."""
    if member.type not in _ACCEPTED_TYPES:
        kind = _REFUSED_TYPES.get(member.type, "một loại thành phần không được hỗ trợ")
        raise _Refused(member, f"là {kind}; bản sao lưu chỉ được chứa tệp thường và thư mục")
    if member.name.startswith("/"):
        raise _Refused(member, "là đường dẫn tuyệt đối")
    parts = member.name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise _Refused(member, "có «.», «..» hoặc «//» trong đường dẫn")
    if parts == [copy_name]:
        if not member.isfile():
            raise _Refused(member, "phải là tệp thường")
    elif parts[0] != PHOTOS_NAME:
        raise _Refused(member, f"không phải {copy_name} và không nằm trong {PHOTOS_NAME}/")
    elif len(parts) == 1 and not member.isdir():
        raise _Refused(member, "phải là thư mục")
    elif member.size > MAX_PHOTO_FILE:
        raise _Refused(
            member, f"dài {member.size / 2**20:.0f} MB, quá giới hạn {MAX_PHOTO_FILE // 2**20} MB của một ảnh"
        )
    if member.name in seen:
        raise _Refused(member, "xuất hiện hai lần")
    seen.add(member.name)
    return parts


def _write(tar: tarfile.TarFile, member: tarfile.TarInfo, destination: Path, parts: list[str]) -> None:
    """Creates the file anew (O_EXCL) and never through a link (O_NOFOLLOW), streaming its bytes; files
    0600 and folders 0700, like everything the bot keeps (see storage.files).

    Every folder on the way was made by this restore inside a fresh temporary folder, and no member can
    be a link, so no path component can lead anywhere else either.
    """
    folder = destination
    try:
        # One level at a time: mkdir(parents=True) would give the folders above the last the umask's mode.
        for part in parts if member.isdir() else parts[:-1]:
            folder = folder / part
            folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        if member.isdir():
            return
        source = tar.extractfile(member)
        assert source is not None  # a regular file always has data, even an empty one
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        descriptor = os.open(folder / parts[-1], flags, PRIVATE_FILE)
        with source, os.fdopen(descriptor, "wb") as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)
    except (FileExistsError, NotADirectoryError) as error:  # e.g. a file "photos/1" then "photos/1/x.jpg"
        raise _Refused(member, f"trùng với một thành phần khác ({error.strerror})") from None


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
    named = photo_dir / photo.path
    source = stored_file(photo_dir, named)
    if source is None:
        # A link or anything else in a photo's place is never read: it could lead to any file.
        return (
            f"{label}: thiếu tệp."
            if not os.path.lexists(named)
            else f"{label}: không phải tệp thường trong thư mục ảnh."
        )
    size = source.stat().st_size
    if size != photo.size:
        return f"{label}: tệp có {size} byte, cơ sở dữ liệu ghi {photo.size} byte."
    with open(source, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    if digest != photo.sha256:
        return f"{label}: nội dung đã bị thay đổi (SHA-256 không khớp)."
    return None


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
