"""`python -m bot report`: the lead's documents from the command line, opened with the libraries that read them."""

from __future__ import annotations

import csv
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from bot.events import Chat, ChatKind, Command
from bot.reports.pdf import MISSING, page_count, soffice
from tests.engine_harness import ADMIN, GROUP, Harness
from tests.test_cli import run_bot
from tests.test_engine_reports import submit


async def round_with_two_units(data_dir: Path) -> None:
    h = await Harness.open(data_dir)
    try:
        await h.make_team_with_inspector()
        await h.send(ADMIN, Command(name="round", args="Đợt <b>&</b> tháng 11"), Chat(id=GROUP, kind=ChatKind.GROUP))
        await submit(h, "UBND xã <Cổ Lũng> & Co")
        await submit(h, "UBND xã Phấn Mễ", rating="Đạt")
    finally:
        await h.store.close()


async def test_report_files_from_the_command_line(tmp_path: Path) -> None:
    await round_with_two_units(tmp_path)
    env = {"DATA_DIR": str(tmp_path)}

    record = run_bot("report", "1", "--format", "docx", "-o", str(tmp_path / "out" / "bb.docx"), env=env, cwd=tmp_path)
    assert record.returncode == 0, record.stderr
    assert "Đã ghi" in record.stdout
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "out" / "bb.docx")).paragraphs)
    assert "BIÊN BẢN" in text and "UBND xã <Cổ Lũng> & Co" in text and "Ghi chú về UBND xã <Cổ Lũng> & Co" in text

    result = run_bot(
        "report", "--round", "1", "--format", "docx", "-o", str(tmp_path / "bc.docx"), env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    round_doc = docx.Document(str(tmp_path / "bc.docx"))
    assert len(round_doc.inline_shapes) == 1  # the chart
    assert "Đợt <b>&</b> tháng 11" in "\n".join(p.text for p in round_doc.paragraphs)

    result = run_bot(
        "report", "--round", "1", "--format", "xlsx", "-o", str(tmp_path / "bt.xlsx"), env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "bt.xlsx")["Trả lời"]
    units = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert units == {"UBND xã <Cổ Lũng> & Co", "UBND xã Phấn Mễ"}

    result = run_bot("report", "2", "--format", "zip", "-o", str(tmp_path / "a.zip"), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
        assert [row["đơn vị"] for row in manifest] == ["UBND xã Phấn Mễ"]
        assert hashlib.sha256(archive.read(manifest[0]["tệp"])).hexdigest() == manifest[0]["sha256"]


async def test_report_of_something_missing_or_asked_wrongly(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path)}
    result = run_bot("report", "1", "--format", "docx", "-o", str(tmp_path / "x.docx"), env=env, cwd=tmp_path)
    assert result.returncode == 1 and "Không có cơ sở dữ liệu" in result.stderr
    await round_with_two_units(tmp_path)
    result = run_bot("report", "9", "--format", "docx", "-o", str(tmp_path / "x.docx"), env=env, cwd=tmp_path)
    assert result.returncode == 1 and "Không có phiên kiểm tra đã gửi #9" in result.stderr
    result = run_bot("report", "--round", "7", "--format", "zip", "-o", str(tmp_path / "x.zip"), env=env, cwd=tmp_path)
    assert result.returncode == 1 and "Không có đợt kiểm tra #7" in result.stderr
    result = run_bot(
        "report", "1", "--round", "1", "--format", "zip", "-o", str(tmp_path / "x.zip"), env=env, cwd=tmp_path
    )
    assert result.returncode == 2 and "không cả hai" in result.stderr
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.zip").exists()
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui")
async def test_pdf_of_the_record_and_of_the_round_report(tmp_path: Path) -> None:
    await round_with_two_units(tmp_path)
    env = {"DATA_DIR": str(tmp_path), "REPORT_BASIS": "Kế hoạch số 30/KH-UBND ngày 05/8/2026", "REPORT_COPIES": "4"}
    record = run_bot("report", "1", "--format", "pdf", "-o", str(tmp_path / "bb.pdf"), env=env, cwd=tmp_path)
    assert record.returncode == 0, record.stderr
    assert (tmp_path / "bb.pdf").read_bytes().startswith(b"%PDF") and page_count(tmp_path / "bb.pdf") >= 2
    word = run_bot("report", "1", "--format", "docx", "-o", str(tmp_path / "bb.docx"), env=env, cwd=tmp_path)
    assert word.returncode == 0, word.stderr
    lines = [p.text for p in docx.Document(str(tmp_path / "bb.docx")).paragraphs]
    assert "Căn cứ Kế hoạch số 30/KH-UBND ngày 05/8/2026." in lines  # the round has no basis of its own
    closing = next(line for line in lines if line.startswith("Biên bản kết thúc"))
    assert f"gồm {page_count(tmp_path / 'bb.pdf')} trang" in closing and "lập thành 04 bản" in closing
    assert "mỗi bên giữ 02 bản" in closing
    report = run_bot("report", "--round", "1", "--format", "pdf", "-o", str(tmp_path / "bc.pdf"), env=env, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert page_count(tmp_path / "bc.pdf") >= 2


async def test_pdf_without_libreoffice_says_in_one_line_how_to_install_it(tmp_path: Path) -> None:
    await round_with_two_units(tmp_path)
    python_only = tmp_path / "bin"
    python_only.mkdir()
    (python_only / "python3").symlink_to(sys.executable)
    env = {"DATA_DIR": str(tmp_path), "PATH": str(python_only)}
    result = run_bot("report", "1", "--format", "pdf", "-o", str(tmp_path / "bb.pdf"), env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [MISSING]
    assert "apt-get install -y libreoffice-writer-nogui" in result.stderr
    assert not (tmp_path / "bb.pdf").exists()
    word = run_bot("report", "1", "--format", "docx", "-o", str(tmp_path / "bb.docx"), env=env, cwd=tmp_path)
    assert word.returncode == 0, word.stderr  # the Word file needs no LibreOffice
