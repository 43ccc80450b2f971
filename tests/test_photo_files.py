"""Photos are read only as regular files inside the photo folder, by every part of the bot that reads them.

Someone who can write into DATA_DIR/photos plants `photos/1/<sha>.jpg -> ../../kiemtra.sqlite3`: the
evidence ZIP, the record, the Telegram upload, the Zalo file server, the backup and `check` must each
treat that "photo" as unreadable rather than send the database along.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tarfile
import zipfile
from contextlib import closing
from pathlib import Path

import docx
import httpx

from storage.files import stored_file
from tests.e2e import ADMIN, GROUP_ID, Phone, create_team, rows, running_bot
from tests.standin import BotApiStandIn
from tests.test_cli import run_bot
from tests.test_cli_reports import round_with_two_units
from tests.test_e2e_inspection import join, submit_quick_inspection
from tests.test_maintenance import data_dir_with_photos, settings_for
from tests.test_zalo_server import Running

SQLITE_HEADER = b"SQLite format 3\x00"


def plant_link(data_dir: Path, stored: str, target: str = "../../kiemtra.sqlite3") -> Path:
    """Replaces the stored photo `stored` (relative to photos/) with a link to `target`."""
    path = data_dir / "photos" / stored
    path.unlink()
    path.symlink_to(target)
    assert path.read_bytes().startswith(SQLITE_HEADER)  # the link does lead to the database
    return path


def stored_paths(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as connection:
        return [row[0] for row in connection.execute("SELECT path FROM photos ORDER BY id")]


def test_only_a_regular_file_reached_without_links_is_a_stored_file(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    (folder / "1").mkdir(parents=True)
    photo = folder / "1" / "a.jpg"
    photo.write_bytes(b"\xff\xd8photo")
    secret = tmp_path / "kiemtra.sqlite3"
    secret.write_bytes(SQLITE_HEADER)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "a.jpg").write_bytes(b"\xff\xd8other")
    (folder / "1" / "to-db.jpg").symlink_to("../../kiemtra.sqlite3")
    (folder / "1" / "to-photo.jpg").symlink_to("a.jpg")  # even a link to a real photo is not one
    (folder / "2").symlink_to(outside)
    os.mkfifo(folder / "1" / "pipe.jpg")

    assert stored_file(folder, photo) == photo.resolve()
    assert stored_file(folder, folder / "1/a.jpg") == photo.resolve()
    for refused in (
        folder / "1" / "to-db.jpg",
        folder / "1" / "to-photo.jpg",
        folder / "2" / "a.jpg",
        folder / "1" / "pipe.jpg",
        folder / "1" / "missing.jpg",
        folder / "1",
        folder,
        folder / "1" / ".." / ".." / "kiemtra.sqlite3",
        folder / "/etc/passwd",
        secret,
    ):
        assert stored_file(folder, refused) is None, refused

    # DATA_DIR itself may be a link (a mounted disk); only what lies below the photo folder must not be.
    mounted = tmp_path / "mounted"
    mounted.symlink_to(folder)
    assert stored_file(mounted, mounted / "1" / "a.jpg") == photo.resolve()


async def test_a_link_to_the_database_is_neither_zipped_nor_shown_in_the_record(tmp_path: Path) -> None:
    await round_with_two_units(tmp_path)
    first, second = stored_paths(tmp_path / "kiemtra.sqlite3")
    plant_link(tmp_path, first)
    env = {"DATA_DIR": str(tmp_path)}

    zipped = run_bot("report", "--round", "1", "--format", "zip", "-o", str(tmp_path / "a.zip"), env=env, cwd=tmp_path)
    record = run_bot("report", "1", "--format", "docx", "-o", str(tmp_path / "bb.docx"), env=env, cwd=tmp_path)

    assert zipped.returncode == 0, zipped.stderr
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert not any(SQLITE_HEADER in archive.read(name) for name in archive.namelist())
        listed = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
        readme = archive.read("DOC-TOI.txt").decode("utf-8-sig")
    assert [row["tệp"] == "" for row in listed] == [True, False]  # the linked one is listed as missing
    assert f"đường dẫn lưu trữ {first}" in readme and "Số ảnh trong tệp này: 1" in readme
    assert record.returncode == 0, record.stderr
    document = docx.Document(str(tmp_path / "bb.docx"))
    assert f"(Không đọc được tệp ảnh: {first})" in [p.text for p in document.paragraphs]
    assert len(document.inline_shapes) == 0
    assert second.startswith("2/")


async def test_a_link_to_the_database_is_not_uploaded_to_the_telegram_group(tg: BotApiStandIn, tmp_path: Path) -> None:
    async with running_bot(tg, tmp_path):
        phone = await join(tg, await create_team(tg))
        await submit_quick_inspection(tg, phone, "UBND xã Cổ Lũng")
        await tg.wait_idle()
        stored = stored_paths(tmp_path / "kiemtra.sqlite3")[0]
        plant_link(tmp_path, stored)
        lead = Phone(tg, ADMIN, GROUP_ID)
        mark = tg.mark(GROUP_ID)
        await lead.say("/summary", "KẾT QUẢ KIỂM TRA #1")
        await tg.wait_idle()

    again = tg.sent(GROUP_ID)[mark:]
    assert "KẾT QUẢ KIỂM TRA #1" in again[0].text and not [m for m in again if m.kind == "photo"]
    assert all(SQLITE_HEADER not in (m.photo or b"") for m in tg.sent(GROUP_ID))
    failed = await rows(
        tmp_path, """SELECT status, last_error FROM outbox WHERE body LIKE '%"kind":"photos"%' ORDER BY id"""
    )
    # The album on submit went out; the one asked for again did not (failed, or waiting for a retry
    # that meets the same refusal), and the outbox says which file it refused.
    assert failed[0][0] == "sent" and failed[-1][0] in ("failed", "pending")
    assert stored in str(failed[-1][1])


async def test_the_zalo_file_server_refuses_a_link_planted_among_the_photos(tmp_path: Path) -> None:
    running = Running(tmp_path)
    (running.photos / "12").mkdir(parents=True)
    (tmp_path / "kiemtra.sqlite3").write_bytes(SQLITE_HEADER + b"secret data")
    (running.photos / "12" / "abc.jpg").symlink_to("../../kiemtra.sqlite3")
    (running.photos / "13").symlink_to(tmp_path)
    await running.server.start()
    try:
        async with httpx.AsyncClient() as http:
            linked = await http.get(running.signer.url("/files/p/12/abc.jpg"))
            through_folder = await http.get(running.signer.url("/files/p/13/kiemtra.sqlite3"))
    finally:
        await running.server.stop()
    assert (linked.status_code, through_folder.status_code) == (404, 404)
    assert SQLITE_HEADER not in linked.content + through_folder.content


async def test_backup_leaves_a_planted_link_out_and_check_names_it(tmp_path: Path) -> None:
    live = tmp_path / "live"
    await data_dir_with_photos(live, 2)
    first, _ = stored_paths(live / "kiemtra.sqlite3")
    plant_link(live, first)

    backed_up = run_bot("backup", str(tmp_path / "b.tar"), env={"DATA_DIR": str(live)}, cwd=tmp_path)
    checked = run_bot("check", env={"DATA_DIR": str(live)}, cwd=tmp_path)

    assert backed_up.returncode == 0, backed_up.stderr
    with tarfile.open(tmp_path / "b.tar") as archive:
        assert all(member.isfile() for member in archive)
        assert f"photos/{first}" not in archive.getnames()
    assert checked.returncode == 1
    assert f"LỖI: Ảnh #1 (phiên #1, photos/{first}): không phải tệp thường trong thư mục ảnh." in checked.stdout
    restored = run_bot("restore", str(tmp_path / "b.tar"), env={"DATA_DIR": str(tmp_path / "new")}, cwd=tmp_path)
    assert restored.returncode == 1 and "thiếu tệp" in restored.stdout  # restored; the linked photo is missing
    assert settings_for(tmp_path / "new").database.exists()
