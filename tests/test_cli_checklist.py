"""`python -m bot checklist check | import | export` as an administrator runs them, with no token or settings:
the outline, one-line errors with exit 2, and files that read back as the checklist they came from."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml
from pyxform.xls2xform import convert

from app.checklists import checklist_yaml
from bot.checklist.loader import BUNDLED_CHECKLIST, load_checklist, parse_checklist
from bot.checklist.model import Scoring
from bot.checklist.xlsform import read_xlsform
from tests.test_checklist import GOOD as SMALL
from tests.test_cli import run_bot
from tests.xlsforms import changed, survey_row, write_form


def _one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_prints_the_outline_of_a_form(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.xlsx")
    result = run_bot("checklist", "check", str(form), env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Kiểm tra Bộ phận Một cửa", "Mã kiem-tra-mot-cua, phiên bản 3."]
    assert "1. Bộ phận Một cửa — 6 câu" in lines
    assert "   1.1 TTHC niêm yết tại Bộ phận Một cửa đầy đủ, đúng danh mục đã công bố? — đánh giá, bắt buộc" in lines
    assert (
        "   1.2 Hồ sơ tiếp nhận được số hóa đến mức nào? — chọn một: Chưa số hóa / Một phần / Toàn bộ, bắt buộc"
        in lines
    )
    assert "   1.4 Số hồ sơ trễ hạn — số nguyên từ 0, bắt buộc, chỉ hỏi khi 1.3 = Có" in lines
    assert "   1.5 Tỷ lệ hồ sơ giải quyết đúng hạn (%) — số từ 0 đến 100, bắt buộc" in lines
    assert "   1.6 Ảnh bảng niêm yết TTHC — ảnh, bắt buộc" in lines
    when = "chỉ hỏi khi 2.1 có chọn Hòm thư góp ý hoặc Đường dây nóng"
    assert f"   2.2 Ngày nhận phản ánh gần nhất — ngày, không bắt buộc, {when}" in lines
    assert "3. Kết quả số hóa hồ sơ — 2 câu, chỉ hỏi khi 1.2 ≠ Chưa số hóa" in lines
    assert lines[-1] == "Hợp lệ: 3 mục, 10 câu (8 bắt buộc), 1 câu cần ảnh, 3 câu hoặc mục có điều kiện."


def test_check_of_the_bundled_checklist_with_scores(tmp_path: Path) -> None:
    checklist = load_checklist(BUNDLED_CHECKLIST)
    scoring = Scoring.model_validate({"pass": 1, "partial": 0.5, "fail": 0})
    scored = tmp_path / "ds.yaml"
    scored.write_text(checklist_yaml(checklist.model_copy(update={"scoring": scoring}), scored), encoding="utf-8")
    result = run_bot("checklist", "check", str(scored), env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"phiên bản {checklist.version}. Tính điểm: Đạt 1, Một phần 0,5, Không đạt 0." in result.stdout
    assert f"Hợp lệ: {len(checklist.areas)} mục, {checklist.item_count} câu" in result.stdout


def test_check_errors_are_one_line_naming_where_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "ds.yaml"
    broken.write_text("id: x\nversion: 1\ntitle: Thử\nareas: []\n", encoding="utf-8")
    result = run_bot("checklist", "check", str(broken), env={}, cwd=tmp_path)
    _one_line_error(result, "ds.yaml: dòng 4, areas: danh sách không được để trống")
    survey = changed("so_tre_han", relevant="${co_tre_han} > 1")
    form = write_form(tmp_path / "form.xlsx", survey)
    result = run_bot("checklist", "check", str(form), env={}, cwd=tmp_path)
    _one_line_error(result, f"form.xlsx: trang survey, dòng {survey_row('so_tre_han')}, cột relevant: không đọc được")


def test_import_writes_a_readable_yaml_that_loads_back_equal(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.xlsx")
    result = run_bot("checklist", "import", str(form), "-o", "ds.yaml", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Đã ghi ds.yaml: Kiểm tra Bộ phận Một cửa — 3 mục, 10 câu" in result.stdout
    text = (tmp_path / "ds.yaml").read_text(encoding="utf-8")
    assert parse_checklist(text) == read_xlsform(form)
    assert "  - id: mot_cua\n    title: Bộ phận Một cửa\n" in text and "\\u" not in text
    body = yaml.safe_load(text)
    assert list(body) == ["id", "version", "title", "areas"]
    assert list(body["areas"][0]["items"][3]) == [
        "id",
        "prompt",
        "prompt_en",
        "type",
        "intro",
        "intro_en",
        "min",
        "show_if",
    ]
    assert body["areas"][0]["items"][3]["min"] == 0 and "required" not in body["areas"][0]["items"][0]


def test_export_writes_a_form_pyxform_converts_and_the_reader_takes_back(tmp_path: Path) -> None:
    result = run_bot("checklist", "export", str(BUNDLED_CHECKLIST), "-o", "form.xlsx", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert read_xlsform(tmp_path / "form.xlsx") == load_checklist(BUNDLED_CHECKLIST)
    assert "<h:html" in convert(str(tmp_path / "form.xlsx")).xform


def test_an_output_of_the_wrong_kind_or_that_cannot_be_read_back_is_refused(tmp_path: Path) -> None:
    result = run_bot("checklist", "export", str(BUNDLED_CHECKLIST), "-o", "form.yaml", env={}, cwd=tmp_path)
    _one_line_error(result, "form.yaml: tên tệp ghi ra phải có đuôi .xlsx")
    result = run_bot("checklist", "import", str(write_form(tmp_path / "f.xlsx")), "-o", "ds.xlsx", env={}, cwd=tmp_path)
    _one_line_error(result, "ds.xlsx: tên tệp ghi ra phải có đuôi .yaml hoặc .yml")
    inserting = tmp_path / "ds.yaml"
    inserting.write_text(SMALL.replace("Câu một?", "Câu một năm ${nam}?"), encoding="utf-8")
    result = run_bot("checklist", "export", str(inserting), "-o", "form.xlsx", env={}, cwd=tmp_path)
    _one_line_error(result, "form.xlsx: trang survey, dòng 3, cột label::Vietnamese (vi): chưa chèn được câu trả lời")
    assert not (tmp_path / "form.xlsx").exists()
    assert not (tmp_path / "ds.xlsx").exists() and not (tmp_path / "form.yaml").exists()


def test_checklist_file_may_name_a_form_the_bot_refuses_at_startup_in_one_line(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.xlsx", changed("ghi_chu", type="range"))
    env = {"TELEGRAM_BOT_TOKEN": "123456789:" + "A" * 35, "CHECKLIST_FILE": str(form)}
    result = run_bot(env=env, cwd=tmp_path)
    _one_line_error(result, f"form.xlsx: trang survey, dòng {survey_row('ghi_chu')}, cột type: kiểu «range»")
