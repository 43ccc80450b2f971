"""Backups, restore and `check` against real SQLite files and real photos made by the engine."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import operator
from app.schedule import FORGET_DELIVERED, NIGHTLY_BACKUP, plan
from app.settings import Settings
from bot.photos.intake import PHOTOS_PER_ITEM
from bot.upkeep import BackupError, backup_name, daily_backup, prune_backups
from storage.sqlite.database import check_database, copy_database
from tests.engine_harness import INSPECTOR, Harness
from tests.images import jpeg

ROOT = Path(__file__).resolve().parent.parent


def settings_for(data_dir: Path, keep: int = 7) -> Settings:
    """Built from arguments only, so a developer's .env or environment cannot leak into a test."""
    return Settings.model_construct(data_dir=data_dir, backup_keep=keep)


def run_bot(*args: str, data_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ADMIN_", "CHECKLIST_", "DATA_"))}
    env = {**clean, "PYTHONPATH": str(ROOT), "DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


async def open_photo_question(h: Harness) -> None:
    """Leaves the inspector at the required-photo question, where every photo sent is stored."""
    await h.to_required_photo()


async def photo_question_again(h: Harness) -> None:
    """The question's photos are at their cap: the draft is cancelled (its photos stay stored) and a new
    inspection taken to the same question."""
    await h.command(INSPECTOR, "cancel")
    await h.tap(INSPECTOR, "Hủy phiên")
    await h.command(INSPECTOR, "inspect")
    await h.text(INSPECTOR, "UBND xã Cổ Lũng")
    for label in ("Bỏ qua", "Đạt", "Có", "Đạt"):
        await h.tap(INSPECTOR, label)


async def data_dir_with_photos(directory: Path, count: int) -> list[bytes]:
    h = await Harness.open(directory)
    photos = [jpeg(label=f"photo {i}") for i in range(count)]
    try:
        await open_photo_question(h)
        for photo in photos:
            await h.photo(INSPECTOR, photo)
    finally:
        await h.store.close()
    return photos


def photo_rows(database: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(database)) as connection, connection:
        return list(connection.execute("SELECT sha256, path FROM photos ORDER BY id"))


def photo_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "photos").rglob("*") if p.is_file())


class PairWriter(threading.Thread):
    """Commits two rows per transaction from its own connection, as fast as it can.

    A copy that holds one row of a pair without the other would be a torn, inconsistent copy.
    """

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.commits = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        connection = sqlite3.connect(self.database, timeout=5, isolation_level=None)
        try:
            self._write(connection)
        except BaseException as error:
            self.error = error
        finally:
            connection.close()

    def _write(self, connection: sqlite3.Connection) -> None:
        while not self.stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            for side in "ab":
                connection.execute(
                    "INSERT INTO processed_updates (key, processed_at) VALUES (?, ?)",
                    (f"{side}:{self.commits}:" + "x" * 200, "2025-03-01T00:00:00+00:00"),
                )
            connection.execute("COMMIT")
            self.commits += 1
            time.sleep(0.0002)  # leave the GIL to the engine's writer now and then


def pad(database: Path) -> None:
    """About 8 MB, so that each copy takes long enough for writers to commit during it."""
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.executemany(
            "INSERT INTO processed_updates (key, processed_at) VALUES (?, ?)",
            ((f"pad:{i}:" + "x" * 400, "2025-03-01T00:00:00+00:00") for i in range(20_000)),
        )


def pair_counts(database: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(database)) as connection, connection:
        a, b = (
            connection.execute("SELECT COUNT(*) FROM processed_updates WHERE key LIKE ?", (f"{side}:%",)).fetchone()[0]
            for side in "ab"
        )
    return a, b


async def test_backup_while_other_connections_write_is_consistent(tmp_path: Path) -> None:
    live = tmp_path / "live"
    h = await Harness.open(live)
    stop, warmed_up = asyncio.Event(), asyncio.Event()
    photos_sent = 0

    async def keep_sending_photos() -> None:
        nonlocal photos_sent
        while not stop.is_set():
            if photos_sent and photos_sent % PHOTOS_PER_ITEM == 0:
                await photo_question_again(h)
            await h.photo(INSPECTOR, jpeg(160, 120, label=f"{photos_sent}"))
            photos_sent += 1
            if photos_sent == 3:
                warmed_up.set()

    pairs = PairWriter(live / "kiemtra.sqlite3")
    archives: list[tuple[int, int, Path]] = []
    try:
        await open_photo_question(h)
        pad(live / "kiemtra.sqlite3")
        pairs.start()
        sender = asyncio.create_task(keep_sending_photos())
        await asyncio.wait_for(warmed_up.wait(), 10)
        for number in range(3):
            photos_before, pairs_before = photos_sent, pairs.commits
            archive = await operator.backup(settings_for(live), tmp_path / f"b{number}.tar")
            archives.append((photos_before, pairs_before, archive))
    finally:
        stop.set()
        pairs.stop.set()
        await sender
        # Joined off the event loop: the writer may be waiting for a lock only the engine can release.
        await asyncio.to_thread(pairs.join)
        await h.store.close()

    assert pairs.error is None
    assert not list(tmp_path.glob(".*.part")) and not list(tmp_path.glob(".backup-*"))
    for number, (photos_before, pairs_before, archive) in enumerate(archives):
        restored = tmp_path / f"restored{number}"
        operator.restore(settings_for(restored), archive)
        assert sorted(p.name for p in restored.iterdir()) == ["kiemtra.sqlite3", "photos"]
        assert (await operator.check(settings_for(restored))).problems == []
        a, b = pair_counts(restored / "kiemtra.sqlite3")
        assert a == b and pairs_before <= a <= pairs.commits
        rows = photo_rows(restored / "kiemtra.sqlite3")
        assert photos_before <= len(rows) <= photos_sent
        assert [p.relative_to(restored / "photos").as_posix() for p in photo_files(restored)] == sorted(
            path for _, path in rows
        )
        for _, path in rows:
            assert (restored / "photos" / path).read_bytes() == (live / "photos" / path).read_bytes()


async def test_database_copy_stands_alone_and_replaces_atomically(tmp_path: Path) -> None:
    await data_dir_with_photos(tmp_path / "live", 1)
    target = tmp_path / "copies" / "kiemtra.sqlite3"
    await asyncio.to_thread(copy_database, tmp_path / "live" / "kiemtra.sqlite3", target)
    assert [p.name for p in target.parent.iterdir()] == ["kiemtra.sqlite3"]  # no -wal, -shm or temp file
    read_only = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        assert read_only.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert read_only.execute("SELECT COUNT(*) FROM photos").fetchone() == (1,)
    finally:
        read_only.close()
    assert check_database(target) == []


async def test_backup_restore_into_new_data_dir_then_cli_check_passes(tmp_path: Path) -> None:
    live, fresh = tmp_path / "live", tmp_path / "fresh"
    photos = await data_dir_with_photos(live, 3)
    archive = tmp_path / "kiemtra.tar"

    made = run_bot("backup", str(archive), data_dir=live, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "Đã sao lưu" in made.stdout
    with tarfile.open(archive) as tar:
        names = sorted(tar.getnames())
    assert "kiemtra.sqlite3" in names
    assert sorted(n for n in names if n.endswith(".jpg")) == sorted(
        f"photos/{p}" for _, p in photo_rows(live / "kiemtra.sqlite3")
    )

    restored = run_bot("restore", str(archive), data_dir=fresh, cwd=tmp_path)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert sorted(p.read_bytes() for p in photo_files(fresh)) == sorted(photos)

    checked = run_bot("check", data_dir=fresh, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "OK: 3 ảnh" in checked.stdout and "OK: cơ sở dữ liệu" in checked.stdout

    again = run_bot("restore", str(archive), data_dir=fresh, cwd=tmp_path)
    assert again.returncode == 2 and again.stderr.startswith("Lỗi: ") and "đã có dữ liệu" in again.stderr
    existing = run_bot("backup", str(archive), data_dir=live, cwd=tmp_path)
    assert existing.returncode == 2 and "đã tồn tại" in existing.stderr


async def test_check_reports_tampered_and_missing_photos(tmp_path: Path) -> None:
    await data_dir_with_photos(tmp_path, 3)
    files = photo_files(tmp_path)
    tampered, missing = files[0], files[1]
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, different bytes: only the SHA-256 can tell
    tampered.write_bytes(bytes(data))
    missing.unlink()

    problems = (await operator.check(settings_for(tmp_path))).problems
    assert len(problems) == 2
    assert any(tampered.name in p and "SHA-256 không khớp" in p for p in problems)
    assert any(missing.name in p and "thiếu tệp" in p for p in problems)

    result = run_bot("check", data_dir=tmp_path, cwd=tmp_path)
    assert result.returncode == 1
    assert "OK: cơ sở dữ liệu" in result.stdout and "Phát hiện 2 vấn đề" in result.stdout
    assert tampered.name in result.stdout and missing.name in result.stdout


async def test_check_reports_a_missing_or_damaged_database(tmp_path: Path) -> None:
    assert (await operator.check(settings_for(tmp_path))).problems == [
        f"Không có cơ sở dữ liệu ở {tmp_path / 'kiemtra.sqlite3'}."
    ]
    (tmp_path / "kiemtra.sqlite3").write_bytes(b"not a database" * 100)
    problems = (await operator.check(settings_for(tmp_path))).problems
    assert problems and all("cơ sở dữ liệu" in p or "danh sách ảnh" in p for p in problems)
    result = run_bot("check", data_dir=tmp_path, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_restore_refuses_unsafe_archives(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar"
    payload = tmp_path / "payload"
    payload.write_text("x", encoding="utf-8")
    with tarfile.open(evil, "w") as tar:
        tar.add(payload, arcname="../escaped")
    with pytest.raises(BackupError, match=r"bị từ chối, không khôi phục gì: «\.\./escaped»"):
        operator.restore(settings_for(tmp_path / "new"), evil)
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "new").exists()

    garbage = tmp_path / "garbage.tar"
    garbage.write_bytes(b"not a tar file at all" * 100)
    with pytest.raises(BackupError, match="không phải bản sao lưu hợp lệ"):
        operator.restore(settings_for(tmp_path / "new"), garbage)

    empty = tmp_path / "empty.tar"
    with tarfile.open(empty, "w"):
        pass
    with pytest.raises(BackupError, match=r"không chứa kiemtra\.sqlite3"):
        operator.restore(settings_for(tmp_path / "other"), empty)


def test_pruning_keeps_exactly_the_newest(tmp_path: Path) -> None:
    start = datetime(2025, 3, 1, 19, 30, tzinfo=UTC)
    names = [backup_name(start + timedelta(days=day)) for day in range(10)]
    for name in reversed(names):  # creation order must not matter, only the time in the name
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "my-own-copy.tar").write_bytes(b"")

    removed = prune_backups(tmp_path, keep=3)

    assert sorted(p.name for p in removed) == names[:7]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[7:], "my-own-copy.tar"])
    assert prune_backups(tmp_path, keep=3) == []
    assert names[0] == "kiemtra-20250302-023000.tar"  # Vietnam time in the name


async def test_daily_backup_writes_into_backups_and_prunes(tmp_path: Path) -> None:
    await data_dir_with_photos(tmp_path, 1)
    settings = settings_for(tmp_path, keep=2)
    start = datetime(2025, 3, 1, 19, 30, tzinfo=UTC)
    for day in range(3):
        await daily_backup(
            settings.database, settings.photo_dir, settings.backup_dir, 2, now=start + timedelta(days=day)
        )
    kept = sorted(p.name for p in settings.backup_dir.iterdir())
    assert kept == [backup_name(start + timedelta(days=1)), backup_name(start + timedelta(days=2))]


async def test_scheduled_job_runs_a_backup_at_half_past_two_vietnam_time(tmp_path: Path) -> None:
    await data_dir_with_photos(tmp_path, 2)
    settings = settings_for(tmp_path, keep=1)

    async def no_reminders() -> None:
        pass

    store = await settings.database.open()
    try:
        job = plan(settings, store, no_reminders, 60).job(NIGHTLY_BACKUP)
    finally:
        await store.close()
    # 02:30 in Vietnam (UTC+7) is 19:30 UTC the evening before; exactly then, the next one is a day later.
    noon_utc = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert job.trigger.get_next_fire_time(None, noon_utc) == datetime(2025, 3, 1, 19, 30, tzinfo=UTC)
    early = datetime(2025, 3, 1, 19, 0, tzinfo=UTC)
    assert job.trigger.get_next_fire_time(None, early) == datetime(2025, 3, 1, 19, 30, tzinfo=UTC)
    exactly = datetime(2025, 3, 1, 19, 30, tzinfo=UTC)
    assert job.trigger.get_next_fire_time(exactly, exactly + timedelta(seconds=1)) == exactly + timedelta(days=1)
    await job.func()  # exactly what the scheduler runs at 02:30

    (archive,) = settings.backup_dir.iterdir()
    operator.restore(settings_for(tmp_path / "restored"), archive)
    assert (await operator.check(settings_for(tmp_path / "restored"))).problems == []
    assert len(photo_files(tmp_path / "restored")) == 2


async def test_scheduled_job_forgets_week_old_updates_and_finished_replies(tmp_path: Path) -> None:
    """Not only at start: a bot that runs for months must not keep every update it ever processed."""
    h = await Harness.open(tmp_path)
    now = datetime.now(UTC)
    old, recent = ((now - timedelta(days=days)).isoformat(timespec="microseconds") for days in (8, 6))
    with closing(sqlite3.connect(tmp_path / "kiemtra.sqlite3")) as connection, connection:
        connection.executemany(
            "INSERT INTO processed_updates (key, processed_at) VALUES (?, ?)", [("tg:1", old), ("tg:2", recent)]
        )
        connection.executemany(
            "INSERT INTO outbox (chat_id, body, not_before, status, created_at) VALUES (1, ?, ?, ?, ?)",
            [
                ("sent long ago", old, "sent", old),
                ("failed long ago", old, "failed", old),
                ("still owed", old, "pending", old),
                ("sent lately", recent, "sent", recent),
            ],
        )

    async def no_reminders() -> None:
        pass

    try:
        job = plan(settings_for(tmp_path), h.store, no_reminders, 60).job(FORGET_DELIVERED)
        assert job.trigger.interval == timedelta(hours=1)
        await job.func()  # exactly what the scheduler runs, right after start and then every hour
    finally:
        await h.store.close()

    with closing(sqlite3.connect(tmp_path / "kiemtra.sqlite3")) as connection:
        assert list(connection.execute("SELECT key FROM processed_updates WHERE key LIKE 'tg:%'")) == [("tg:2",)]
        assert list(connection.execute("SELECT body FROM outbox ORDER BY id")) == [("still owed",), ("sent lately",)]
