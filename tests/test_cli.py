"""`python -m bot` as an operator meets it: clear one-line errors, and a complete JSON export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.events import Chat, ChatKind, Text
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, Harness
from tests.images import jpeg

ROOT = Path(__file__).resolve().parent.parent


def run_bot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ADMIN_", "CHECKLIST_", "DATA_"))}
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env={**clean, **env}, cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "Thiếu TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "không đúng dạng"),
        ({"TELEGRAM_BOT_TOKEN": "123456:short"}, "không đúng dạng"),
        ({"TELEGRAM_BOT_TOKEN": "123456789:" + "A" * 35, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    result = run_bot(env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_broken_checklist_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "ds.yaml"
    bad.write_text("id: x\nversion: 1\ntitle: Thử\nareas: []\n", encoding="utf-8")
    env = {"TELEGRAM_BOT_TOKEN": "123456789:" + "A" * 35, "CHECKLIST_FILE": str(bad)}
    result = run_bot(env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "ds.yaml: dòng 4, areas: danh sách không được để trống" in result.stderr
    assert "Traceback" not in result.stderr


def test_token_is_read_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=bad\n", encoding="utf-8")
    result = run_bot(env={}, cwd=tmp_path)
    assert result.returncode == 2 and "không đúng dạng" in result.stderr


async def test_export_contains_everything_entered(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path)
    photo = jpeg(label="export")
    try:
        await h.make_team_with_inspector()
        await h.command(ADMIN, "round", "Đợt <1> & 2026", group=True)
        await h.send(ADMIN, Text(text="Quyết định số 125/QĐ-UBND ngày 02/8/2026"), Chat(id=GROUP, kind=ChatKind.GROUP))
        await h.command(INSPECTOR, "inspect")
        await h.text(INSPECTOR, "UBND thị trấn Đu")
        await h.location(INSPECTOR, 21.7, 105.7)
        await h.tap(INSPECTOR, "Một phần")
        await h.text(INSPECTOR, "Chưa đủ <mẫu>")
        await h.tap(INSPECTOR, "Không")
        await h.tap(INSPECTOR, "Đạt")
        await h.photo(INSPECTOR, photo)
        await h.tap(INSPECTOR, "Xong")
        await h.text(INSPECTOR, "1.234")
        await h.tap(INSPECTOR, "Xong")
        await h.text(INSPECTOR, "Ghi chú tự do")
        await h.text(INSPECTOR, "Kiến nghị A")
        await h.tap(INSPECTOR, "Xong")
        await h.text(INSPECTOR, "Điểm mạnh B")
        await h.tap(INSPECTOR, "Xong")
        await h.text(INSPECTOR, "Nguyễn Văn Bình – Chủ tịch UBND thị trấn")
        await h.tap(INSPECTOR, "Xong")
        await h.text(INSPECTOR, "Đơn vị cơ bản nhất trí, xin thêm thời gian")
        await h.tap(INSPECTOR, "Xong")
        await h.tap(INSPECTOR, "Gửi")
    finally:
        await h.store.close()
    result = run_bot("export", "1", "--format", "json", env={"DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["unit"] == "UBND thị trấn Đu" and data["status"] == "submitted"
    assert data["inspectors"] == [{"id": INSPECTOR.id, "name": INSPECTOR.name}]
    assert data["latitude"] == 21.7 and data["submitted_at"]
    values = {a["item_id"]: (a["area_id"], a["value"], a["note"]) for a in data["answers"]}
    assert values == {
        "ke-hoach": ("chi-dao", "partial", "Chưa đủ <mẫu>"),
        "co-du-thao": ("chi-dao", "no", None),
        "bang-niem-yet": ("niem-yet", "pass", None),
        "ty-le": ("niem-yet", "1234", None),
        "ghi-chu": ("niem-yet", "Ghi chú tự do", None),
    }
    import hashlib

    assert [(p["item_id"], p["sha256"], p["size"]) for p in data["photos"]] == [
        ("bang-niem-yet", hashlib.sha256(photo).hexdigest(), len(photo))
    ]
    assert (tmp_path / "photos" / data["photos"][0]["path"]).read_bytes() == photo
    assert data["recommendations"] == ["Kiến nghị A"] and data["strengths"] == ["Điểm mạnh B"]
    assert data["representatives"] == ["Nguyễn Văn Bình – Chủ tịch UBND thị trấn"]
    assert data["opinion"] == ["Đơn vị cơ bản nhất trí, xin thêm thời gian"]
    assert data["round"] == {"id": 1, "name": "Đợt <1> & 2026", "basis": "Quyết định số 125/QĐ-UBND ngày 02/8/2026"}
    assert [(f["item_id"], f["value"], f["note"], f["status"]) for f in data["followups"]] == [
        ("ke-hoach", "partial", "Chưa đủ <mẫu>", "open")
    ]

    missing = run_bot("export", "99", env={"DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert missing.returncode == 1 and "#99" in missing.stderr


def test_the_token_is_redacted_from_every_log_line() -> None:
    import io
    import logging

    from app.logs import RedactToken

    token = "123456789:" + "T" * 35
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(token))
    logger = logging.getLogger("redaction-test")
    logger.addHandler(handler)
    try:
        logger.warning("POST https://api.telegram.org/bot%s/getMe failed", token)
        try:
            raise ConnectionError(f"https://api.telegram.org/bot{token}/sendMessage unreachable")
        except ConnectionError:
            logger.exception("sending failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert token not in output
    assert output.count("<TOKEN>") == 2 and "unreachable" in output
