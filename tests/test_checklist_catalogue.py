"""Which checklists a bot offers (CHECKLIST_DIR and CHECKLIST_FILE), read from real files, and what an
administrator reads when one cannot be used."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.settings import Settings
from bot.checklist.catalogue import BUNDLED_DIR, BUNDLED_ID, load_catalogue
from bot.checklist.loader import BUNDLED_CHECKLIST, ChecklistError, load_checklist
from tests.test_cli import run_bot


def checklist(checklist_id: str, title: str = "Bảng kiểm thử") -> str:
    return f"""id: {checklist_id}
version: 1
title: {title}
areas:
  - id: a
    title: Mục một
    items:
      - {{id: i, prompt: "Câu hỏi một?", type: rating}}
"""


def folder_with(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "bang-kiem"
    folder.mkdir()
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return folder


def test_the_bundled_file_is_named_after_its_id() -> None:
    assert load_checklist(BUNDLED_CHECKLIST).id == BUNDLED_ID
    assert [c.id for c in load_catalogue(BUNDLED_DIR).currents] == [BUNDLED_ID]


def test_every_checklist_file_of_the_folder_by_name_and_nothing_else(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        c_yml=checklist("ca"),
        b_YAML=checklist("be"),
        a_yaml=checklist("an"),
        ghi_chu_txt="không phải bảng kiểm",
    )
    (folder / ".an.yaml.swp").write_text("rác", encoding="utf-8")  # an editor's leftovers
    (folder / "~$bieu-mau.xlsx").write_bytes(b"\x00lock")
    (folder / "con.yaml").mkdir()
    assert [c.id for c in load_catalogue(folder).currents] == ["an", "be", "ca"]


def test_the_bundled_checklist_comes_first_when_the_folder_has_it(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, a_yaml=checklist("an"), z_yaml=checklist("zo"))
    shutil.copy(BUNDLED_CHECKLIST, folder / "m.yaml")
    checklists = load_catalogue(folder)
    assert [c.id for c in checklists.currents] == [BUNDLED_ID, "an", "zo"]
    assert checklists.default.id == BUNDLED_ID and checklists.several


def test_checklist_file_is_the_default_and_counted_once(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, a_yaml=checklist("an"), b_yaml=checklist("be"))
    assert [c.id for c in load_catalogue(folder, folder / "b.yaml").currents] == ["be", "an"]
    settings = Settings.model_construct(checklist_dir=folder, checklist_file=folder / "b.yaml")
    assert [c.id for c in settings.checklists().currents] == ["be", "an"]


def test_checklist_file_alone_is_the_only_checklist_as_before(tmp_path: Path) -> None:
    own = tmp_path / "rieng.yaml"
    own.write_text(checklist("rieng"), encoding="utf-8")
    settings = Settings.model_construct(checklist_dir=None, checklist_file=own)
    checklists = settings.checklists()
    assert [c.id for c in checklists.currents] == ["rieng"] and not checklists.several
    assert [c.id for c in Settings.model_construct(checklist_dir=None, checklist_file=None).checklists().currents] == [
        BUNDLED_ID
    ]


def test_two_files_with_one_id_are_refused_naming_both(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, a_yaml=checklist("chung"), b_yml=checklist("chung", "Bảng kiểm khác"))
    with pytest.raises(ChecklistError) as refused:
        load_catalogue(folder)
    assert str(refused.value) == (
        f"{folder / 'a.yaml'} và {folder / 'b.yml'}: cùng mã bảng kiểm «chung»; mỗi bảng kiểm cần một mã riêng"
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a_yaml": checklist("an"), "b_yaml": "id: be\nversion: 1\ntitle: Thử\nareas: []\n"}, "b.yaml: dòng 4, areas"),
        ({"ghi_chu_txt": "x"}, "không có bảng kiểm nào (tệp .yaml, .yml hoặc .xlsx)"),
    ],
)
def test_a_folder_that_cannot_be_used_is_one_line(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    with pytest.raises(ChecklistError, match=re.escape(expected)):
        load_catalogue(folder_with(tmp_path, **files))
    with pytest.raises(ChecklistError, match="không đọc được thư mục bảng kiểm"):
        load_catalogue(tmp_path / "khong-co")


def test_the_bot_stops_at_start_on_two_checklists_with_one_id(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, a_yaml=checklist("chung"), b_yaml=checklist("chung"))
    env = {"TELEGRAM_BOT_TOKEN": "123456789:" + "A" * 35, "CHECKLIST_DIR": str(folder)}
    result = run_bot(env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Lỗi: {folder / 'a.yaml'} và {folder / 'b.yaml'}: cùng mã bảng kiểm «chung»; mỗi bảng kiểm cần một mã riêng"
    ]
