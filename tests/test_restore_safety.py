"""`python -m bot restore` given crafted backups: every member is checked, and a bad one refuses the lot.

Each archive is a real backup of a real DATA_DIR (made by the bot) with one member added by hand, the
way someone who got hold of a backup would tamper with it. Whatever is wrong, the operator sees one
line naming the member, nothing is written outside the target, and the target holds no database.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import operator
from tests.test_maintenance import data_dir_with_photos, run_bot, settings_for

Member = Callable[[Path], tuple[tarfile.TarInfo, bytes | None]]


@pytest.fixture(scope="module")
def backup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of a DATA_DIR holding one inspection with two photos, made once for the module."""
    folder = tmp_path_factory.mktemp("live")
    asyncio.run(data_dir_with_photos(folder / "data", 2))
    return asyncio.run(operator.backup(settings_for(folder / "data"), folder / "kiemtra.tar"))


def tampered(backup: Path, target: Path, extra: tarfile.TarInfo, data: bytes | None, *, replace: bool = False) -> Path:
    """The backup with `extra` appended (its data as given, possibly shorter than it claims); with
    `replace`, instead of the member of the same name."""
    with tarfile.open(backup) as original, tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as crafted:
        for member in original:
            if not (replace and member.name == extra.name):
                crafted.addfile(member, original.extractfile(member))
        if data is None or len(data) == extra.size:
            crafted.addfile(extra, io.BytesIO(data) if data is not None else None)
        else:  # a header that claims more than follows: the size alone must refuse it
            crafted.fileobj.write(extra.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
            crafted.fileobj.write(data)
            crafted.offset += tarfile.BLOCKSIZE * 4 + len(data)
    return target


def entry(name: str, kind: bytes = tarfile.REGTYPE, *, link: str = "", size: int = 0) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size, info.mode = kind, link, size, 0o644
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        info.devmajor, info.devminor = 1, 3
    return info


def file_entry(name: str, data: bytes = b"planted") -> tuple[tarfile.TarInfo, bytes]:
    return entry(name, size=len(data)), data


@dataclass(frozen=True)
class Case:
    member: Member
    reason: str
    replaces: bool = False  # the crafted member takes the place of the real one of that name


CASES: dict[str, Case] = {
    "relative symlink to the database": Case(
        lambda _: (entry("photos/1/evidence.jpg", tarfile.SYMTYPE, link="../../kiemtra.sqlite3"), None),
        "là liên kết tượng trưng (symlink)",
    ),
    "absolute symlink": Case(
        lambda _: (entry("photos/1/passwd.jpg", tarfile.SYMTYPE, link="/etc/passwd"), None),
        "là liên kết tượng trưng (symlink)",
    ),
    "hard link to the database": Case(
        lambda _: (entry("photos/1/copy.jpg", tarfile.LNKTYPE, link="kiemtra.sqlite3"), None),
        "là liên kết cứng (hard link)",
    ),
    "character device": Case(lambda _: (entry("photos/1/null.jpg", tarfile.CHRTYPE), None), "là tệp thiết bị"),
    "block device": Case(lambda _: (entry("photos/1/disk.jpg", tarfile.BLKTYPE), None), "là tệp thiết bị"),
    "fifo": Case(lambda _: (entry("photos/1/pipe.jpg", tarfile.FIFOTYPE), None), "là ống FIFO"),
    "absolute name": Case(lambda root: file_entry(f"{root}/escaped.jpg"), "là đường dẫn tuyệt đối"),
    "name climbing out": Case(lambda _: file_entry("photos/../../escaped.jpg"), "«..»"),
    "name with a dot part": Case(lambda _: file_entry("./kiemtra.sqlite3"), "«..»"),
    "file beside the database": Case(lambda _: file_entry("kiemtra.sqlite3-wal"), "không phải kiemtra.sqlite3"),
    "file elsewhere": Case(lambda _: file_entry("backups/cron.sh"), "không phải kiemtra.sqlite3"),
    "database as a folder": Case(
        lambda _: (entry("kiemtra.sqlite3", tarfile.DIRTYPE), None), "phải là tệp thường", replaces=True
    ),
    "photos as a file": Case(lambda _: file_entry("photos"), "phải là thư mục"),
    "the database twice": Case(lambda _: file_entry("kiemtra.sqlite3", b"SQLite format 3\x00"), "xuất hiện hai lần"),
    "photo over the bound": Case(
        lambda _: (entry("photos/1/huge.jpg", size=256 * 2**20 + 1), b"\xff\xd8" * 1024),
        "quá giới hạn 256 MB của một ảnh",
    ),
    "database bigger than the free space": Case(
        # Claimed above what the disk has free, whatever that is today: the bound is the free space.
        lambda root: (entry("kiemtra.sqlite3", size=2 * shutil.disk_usage(root).free + 2**30), b"SQLite" * 100),
        "còn trống",
        replaces=True,
    ),
}


def tree(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*")}


@pytest.mark.parametrize("case", list(CASES))
def test_a_crafted_member_refuses_the_whole_backup(case: str, backup: Path, tmp_path: Path) -> None:
    crafted = CASES[case]
    extra, data = crafted.member(tmp_path)
    archive = tampered(backup, tmp_path / "crafted.tar", extra, data, replace=crafted.replaces)
    before = tree(tmp_path)
    target = tmp_path / "new"

    result = run_bot("restore", str(archive), "--data-dir", str(target), data_dir=tmp_path / "unused", cwd=tmp_path)

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Lỗi: Bản sao lưu {archive} bị từ chối, không khôi phục gì: «{extra.name}» ")
    assert crafted.reason in line
    assert tree(tmp_path) == before  # nothing escaped, and the target was not even created
    assert not (tmp_path / "escaped.jpg").exists() and not target.exists()


def test_a_refused_backup_leaves_an_existing_empty_target_as_it_was(backup: Path, tmp_path: Path) -> None:
    target = tmp_path / "new"
    (target / "photos").mkdir(parents=True)
    extra, data = entry("photos/1/evidence.jpg", tarfile.SYMTYPE, link="../../kiemtra.sqlite3"), None
    archive = tampered(backup, tmp_path / "crafted.tar", extra, data)

    result = run_bot("restore", str(archive), data_dir=target, cwd=tmp_path)

    assert result.returncode == 2 and "«photos/1/evidence.jpg» là liên kết tượng trưng" in result.stderr
    assert tree(target) == {"photos"}


def test_the_bots_own_backup_still_restores_and_checks(backup: Path, tmp_path: Path) -> None:
    result = run_bot("restore", str(backup), data_dir=tmp_path / "new", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: 2 ảnh" in result.stdout
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["kiemtra.sqlite3", "photos"]
