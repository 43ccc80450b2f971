"""DATABASE_URL: one setting says where the database is; the default is the SQLite file in DATA_DIR."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.settings import Settings
from storage.sqlite.database import SqliteDatabase
from tests.engine_harness import Harness

ROOT = Path(__file__).resolve().parent.parent


def test_the_default_is_the_sqlite_file_in_data_dir(tmp_path: Path) -> None:
    database = Settings(_env_file=None, DATA_DIR=tmp_path).database
    assert isinstance(database, SqliteDatabase) and database.path == tmp_path / "kiemtra.sqlite3"


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///somewhere/else.sqlite3", Path("somewhere/else.sqlite3")),
        ("sqlite:////srv/kt.db", Path("/srv/kt.db")),
    ],
)
def test_a_sqlite_url_names_the_file(url: str, path: Path) -> None:
    database = Settings(_env_file=None, DATABASE_URL=url).database
    assert isinstance(database, SqliteDatabase) and database.path == path


@pytest.mark.parametrize("url", ["postgresql://kiemtra@localhost/kiemtra", "sqlite://host/x.db", "sqlite:///"])
def test_other_urls_are_refused_when_the_settings_are_read(url: str) -> None:
    with pytest.raises(ValidationError, match=r"DATABASE_URL|sqlite:///"):
        Settings(_env_file=None, DATABASE_URL=url)


async def _make_database(directory: Path) -> None:
    harness = await Harness.open(directory)
    await harness.store.close()


def test_the_command_line_uses_the_database_the_url_names(tmp_path: Path) -> None:
    elsewhere = tmp_path / "db"
    asyncio.run(_make_database(elsewhere))
    env = {
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{elsewhere}/kiemtra.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"OK: cơ sở dữ liệu {elsewhere}/kiemtra.sqlite3 toàn vẹn." in result.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env={**env, "DATABASE_URL": "mysql://x"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "DATABASE_URL" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
