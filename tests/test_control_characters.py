"""Control characters people type (or that Zalo's JSON carries) never reach storage, and the documents
still build from a database that already holds some.

A vertical tab in a note made the record fail for good (python-docx: "All strings must be XML
compatible"), a \\x01 in a text answer the workbook (openpyxl: IllegalCharacterError), and a lone
surrogate from Zalo could not even be stored (UTF-8 cannot encode it).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import docx
import openpyxl

from bot.events import Chat, ChatKind, Command, Person
from handlers.zalo.convert import to_incoming
from storage.sqlite.store import SqliteStore as Store
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, Harness
from tests.images import jpeg
from tests.test_cli import run_bot
from tests.test_cli_reports import round_with_two_units
from tests.test_zalo_convert import nowhere, update

# C0 but tab and newlines, DEL, C1, the two characters XML forbids outright, and a lone surrogate.
FORBIDDEN = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x80\x85\x9f\ufffe\uffff\ud800\udfff"


def dirty(text: str) -> str:
    """`text` with a forbidden character after every word."""
    marks = iter(FORBIDDEN * 10)
    return " ".join(word + next(marks) for word in text.split(" "))


def clean_everywhere(values: Sequence[object]) -> bool:
    return not any(char in str(value) for value in values for char in FORBIDDEN)


def table(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(database)) as connection:
        return list(connection.execute(sql))


async def test_typed_text_is_stored_without_control_characters(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path)
    lead = Person(id=ADMIN.id, name=dirty("Trần Quản Trị"), username="quan\x07tri")
    inspector = Person(id=INSPECTOR.id, name=dirty("Nguyễn Văn An"))
    group = Chat(id=GROUP, kind=ChatKind.GROUP)
    try:
        created = await h.send(lead, Command(name="newteam", args=dirty("Đoàn kiểm tra số 1")), group)
        code = h.texts(created).split("start=")[1].split()[0]
        await h.send(inspector, Command(name="start", args=code + "\x0b"))
        await h.send(lead, Command(name="round", args=dirty("Đợt tháng 11")), group)
        await h.command(inspector, "inspect")
        await h.text(inspector, dirty("UBND xã Cổ Lũng"))
        await h.tap(inspector, "Bỏ qua")
        await h.tap(inspector, "Không đạt")
        await h.text(inspector, "Thiếu\tmẫu đơn\n" + dirty("tờ khai ban hành muộn"))
        await h.tap(inspector, "Có")
        await h.tap(inspector, "Đạt")
        await h.photo(inspector, jpeg())
        await h.tap(inspector, "Xong")
        await h.text(inspector, "9\x0b0")
        await h.tap(inspector, "Xong")
        await h.text(inspector, dirty("Ghi chú tự do của đoàn"))
        await h.text(inspector, dirty("Kiến nghị bổ sung máy scan"))
        await h.tap(inspector, "Xong")
        await h.text(inspector, dirty("Cán bộ nhiệt tình"))
        await h.tap(inspector, "Xong")
        await h.text(inspector, dirty("Nguyễn Văn Bình – Chủ tịch UBND xã"))
        await h.tap(inspector, "Xong")
        await h.text(inspector, dirty("Đơn vị nhất trí"))
        await h.tap(inspector, "Xong")
        sent = await h.tap(inspector, "Gửi")
    finally:
        await h.store.close()

    assert "Đã gửi kết quả" in h.texts(sent)
    summary = h.texts([reply for reply in sent if getattr(reply, "chat_id", None) == GROUP])
    assert "UBND xã Cổ Lũng" in summary and "Nguyễn Văn An" in summary and clean_everywhere([summary])
    database = tmp_path / "kiemtra.sqlite3"
    assert table(database, "SELECT name FROM teams") == [("Đoàn kiểm tra số 1",)]
    assert table(database, "SELECT name FROM members ORDER BY user_id") == [("Trần Quản Trị",), ("Nguyễn Văn An",)]
    assert table(database, "SELECT name, opened_by_name FROM rounds") == [("Đợt tháng 11", "Trần Quản Trị")]
    assert table(database, "SELECT unit, inspector_name FROM inspections") == [("UBND xã Cổ Lũng", "Nguyễn Văn An")]
    answers = dict(table(database, "SELECT item_id, value || '|' || coalesce(note, '') FROM answers"))
    assert answers["ke-hoach"] == "fail|Thiếu\tmẫu đơn\ntờ khai ban hành muộn"  # tab and newline kept
    assert answers["ty-le"] == "90|" and answers["ghi-chu"] == "Ghi chú tự do của đoàn|"
    assert table(database, "SELECT kind, text FROM remarks ORDER BY id") == [
        ("recommendation", "Kiến nghị bổ sung máy scan"),
        ("strength", "Cán bộ nhiệt tình"),
        ("representative", "Nguyễn Văn Bình – Chủ tịch UBND xã"),
        ("opinion", "Đơn vị nhất trí"),
    ]
    assert table(database, "SELECT sender_name FROM photos") == [("Nguyễn Văn An",)]


async def test_a_lone_surrogate_in_zalo_json_is_dropped_before_the_engine(tmp_path: Path) -> None:
    body = json.loads('{"text": "UBND x\\u00e3 \\ud83d\\ude00 C\\u1ed5 L\\u0169ng\\ud800", "name": "An\\udc00"}')
    store = await Store.open(tmp_path / "kiemtra.sqlite3")
    try:
        async with store.transaction() as tx:
            raw = update(text=body["text"])
            raw["message"]["from"]["display_name"] = body["name"]
            incoming = await to_incoming(tx, raw, nowhere)
    finally:
        await store.close()
    assert incoming is not None
    assert incoming.event.model_dump()["text"] == "UBND xã 😀 Cổ Lũng"  # a real pair stays
    assert incoming.person.name == "An"


async def stored_with_control_characters(data_dir: Path) -> None:
    """A round of two units, then control characters written straight into what people typed, as a
    database from before intake cleaned them may hold."""
    await round_with_two_units(data_dir)
    with closing(sqlite3.connect(data_dir / "kiemtra.sqlite3")) as connection, connection:
        connection.execute("UPDATE inspections SET unit = 'UBND xã\x0b Cổ\x01 Lũng\x85' WHERE id = 1")
        connection.execute("UPDATE answers SET note = 'Thiếu\x0b mẫu\x1b đơn' WHERE note IS NOT NULL")
        connection.execute("UPDATE answers SET value = '\x01=1+1\x7f' WHERE item_id = 'ty-le'")
        connection.execute("UPDATE rounds SET name = 'Đợt\x0c tháng 11'")
        connection.execute("UPDATE members SET name = name || '\x08'")
        # Starts like a formula once cleaned: the manifest must neutralise what it shows, not what was stored.
        connection.execute("UPDATE photos SET sender_name = '\x1f+Nguyễn\x1f Văn An'")
        connection.execute("UPDATE remarks SET text = 'Kiến\x02 nghị'")


async def test_documents_build_from_a_database_that_holds_control_characters(tmp_path: Path) -> None:
    await stored_with_control_characters(tmp_path)
    env = {"DATA_DIR": str(tmp_path)}
    outputs = {
        "record": ("1", "--format", "docx", "-o", str(tmp_path / "bb.docx")),
        "round": ("--round", "1", "--format", "docx", "-o", str(tmp_path / "bc.docx")),
        "workbook": ("--round", "1", "--format", "xlsx", "-o", str(tmp_path / "bt.xlsx")),
        "archive": ("--round", "1", "--format", "zip", "-o", str(tmp_path / "a.zip")),
    }

    results = {name: run_bot("report", *args, env=env, cwd=tmp_path) for name, args in outputs.items()}

    assert {name: (r.returncode, r.stderr) for name, r in results.items()} == {name: (0, "") for name in outputs}
    record = docx.Document(str(tmp_path / "bb.docx"))
    record_text = [p.text for p in record.paragraphs] + [c.text for t in record.tables for r in t.rows for c in r.cells]
    assert any("UBND xã Cổ Lũng" in line for line in record_text)
    assert any("Thiếu mẫu đơn" in line for line in record_text)
    assert clean_everywhere(record_text) and record.core_properties.title == (
        "Biên bản kiểm tra công tác kiểm soát thủ tục hành chính tại UBND xã Cổ Lũng"
    )
    report = docx.Document(str(tmp_path / "bc.docx"))
    report_text = [p.text for p in report.paragraphs] + [c.text for t in report.tables for r in t.rows for c in r.cells]
    assert any("Đợt tháng 11" in line for line in report_text) and clean_everywhere(report_text)
    book = openpyxl.load_workbook(tmp_path / "bt.xlsx")
    cells = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert {"=1+1", "UBND xã Cổ Lũng", "Thiếu mẫu đơn", "+Nguyễn Văn An"} <= set(cells)
    assert clean_everywhere(cells)
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        manifest = archive.read("manifest.csv").decode("utf-8-sig")
        note = archive.read("DOC-TOI.txt").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(manifest)))
    assert {row["đơn vị"] for row in rows} == {"UBND xã Cổ Lũng", "UBND xã Phấn Mễ"}
    assert {row["người gửi"] for row in rows} == {"'+Nguyễn Văn An"}
    assert "Đợt tháng 11" in note and clean_everywhere([manifest, note])
