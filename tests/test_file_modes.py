"""What the bot keeps is readable by the bot's own user only, whatever the umask of whoever starts it.

The database (with its -wal and -shm), every backup and a restored DATA_DIR are 0600 files; the photo
folder (evidence: faces, ID cards, documents on a counter) and Zalo's export folder (built records and
workbooks) are 0700, so nothing inside them can be reached by another local user.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import operator
from bot.upkeep import daily_backup
from tests.e2e import running_bot
from tests.engine_harness import Harness
from tests.standin import BotApiStandIn
from tests.test_e2e_zalo import zalo  # noqa: F401  (the Zalo stand-in fixture)
from tests.test_maintenance import data_dir_with_photos, run_bot, settings_for
from tests.zalo_e2e import running_zalo_bot
from tests.zalo_standin import ZaloStandIn


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual 022: without the bot's own care, files come out readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def companions(database: Path) -> list[Path]:
    return [database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")]


async def test_the_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path)
    try:
        await h.make_team_with_inspector()
        files = companions(tmp_path / "kiemtra.sqlite3")
        assert all(path.exists() for path in files)  # the -wal and -shm exist while the store is open
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    finally:
        await h.store.close()


async def test_a_database_left_readable_by_an_older_version_is_tightened_at_open(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path)
    await h.make_team_with_inspector()
    files = companions(tmp_path / "kiemtra.sqlite3")
    await h.store.close()
    for path in files:
        path.touch()
        path.chmod(0o644)

    again = await Harness.open(tmp_path)
    try:
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    finally:
        await again.store.close()


async def test_backups_and_what_they_restore_are_private(tmp_path: Path) -> None:
    live = tmp_path / "live"
    await data_dir_with_photos(live, 2)

    made = run_bot("backup", str(tmp_path / "b.tar"), data_dir=live, cwd=tmp_path)
    nightly = await daily_backup(settings_for(live).database, live / "photos", live / "backups", 2)
    restored = run_bot("restore", str(tmp_path / "b.tar"), data_dir=tmp_path / "new", cwd=tmp_path)

    assert made.returncode == 0 and restored.returncode == 0, made.stderr + restored.stdout + restored.stderr
    assert (mode(tmp_path / "b.tar"), mode(nightly)) == (0o600, 0o600)
    new = tmp_path / "new"
    assert mode(new / "kiemtra.sqlite3") == 0o600
    assert {mode(path) for path in (new / "photos").rglob("*") if path.is_file()} == {0o600}
    assert {mode(path) for path in [new / "photos", *(new / "photos").rglob("*")] if path.is_dir()} == {0o700}
    assert (await operator.check(settings_for(new))).problems == []  # the bot's own user still reads it all


async def test_the_photo_folder_is_private_once_the_bot_runs(tg: BotApiStandIn, tmp_path: Path) -> None:
    (tmp_path / "photos" / "1").mkdir(parents=True)  # as an older version left it
    (tmp_path / "photos").chmod(0o755)

    async with running_bot(tg, tmp_path):
        assert mode(tmp_path / "photos") == 0o700


async def test_zalos_export_folder_is_private_once_the_bot_runs(zalo: ZaloStandIn, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "exports").mkdir(mode=0o755)

    async with running_zalo_bot(zalo, tmp_path):
        assert (mode(tmp_path / "exports"), mode(tmp_path / "photos")) == (0o700, 0o700)
