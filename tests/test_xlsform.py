"""XLSForm in and out: a team's form read field by field, every form the bot cannot honour refused at its
sheet, row and column, and a checklist written as a form that pyxform converts and that reads back equal."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from bot.checklist.loader import BUNDLED_CHECKLIST, ChecklistError, load_checklist, parse_checklist
from bot.checklist.model import AllOf, AnyOf, Rule
from bot.checklist.xlsform import read_xlsform, write_xlsform
from bot.checklist.xlsform.columns import Refusal
from bot.checklist.xlsform.expressions import Clause, parse_relevant
from tests.xlsforms import CHOICES, EN, HINT_EN, SETTINGS, SURVEY, VI, Row, changed, inserted, survey_row, write_form

IMPORTED = """
id: kiem-tra-mot-cua
version: 3
title: Kiểm tra Bộ phận Một cửa
areas:
  - id: mot_cua
    title: Bộ phận Một cửa
    title_en: One-stop counter
    items:
      - id: niem_yet
        prompt: TTHC niêm yết tại Bộ phận Một cửa đầy đủ, đúng danh mục đã công bố?
        prompt_en: Are all published procedures posted at the counter?
        type: rating
        help: Đối chiếu với quyết định công bố danh mục TTHC mới nhất.
        help_en: Compare with the latest published list.
      - id: so_hoa
        prompt: Hồ sơ tiếp nhận được số hóa đến mức nào?
        prompt_en: How far are received dossiers digitised?
        type: choice
        options:
          - {value: chua, label: Chưa số hóa, label_en: Not digitised}
          - {value: mot_phan, label: Một phần, label_en: Partly}
          - {value: toan_bo, label: Toàn bộ, label_en: Fully}
      - id: co_tre_han
        prompt: Trong kỳ có hồ sơ giải quyết trễ hạn không?
        prompt_en: Were any dossiers settled late in the period?
        type: yesno
      - id: so_tre_han
        prompt: Số hồ sơ trễ hạn
        prompt_en: Number of late dossiers
        type: integer
        intro: Đếm theo sổ theo dõi và phần mềm một cửa.
        intro_en: Count from the register and the one-stop software.
        min: 0
        show_if: {item: co_tre_han, in: ["yes"]}
      - id: ty_le_dung_han
        prompt: Tỷ lệ hồ sơ giải quyết đúng hạn (%)
        prompt_en: Share of dossiers settled on time (%)
        type: number
        min: 0
        max: 100
      - id: anh_niem_yet
        prompt: Ảnh bảng niêm yết TTHC
        prompt_en: Photo of the procedure notice board
        type: photo
  - id: phan_anh
    title: Tiếp nhận phản ánh, kiến nghị
    title_en: Feedback
    items:
      - id: kenh
        prompt: Đơn vị nhận phản ánh qua những kênh nào?
        prompt_en: Through which channels does the unit take feedback?
        type: choices
        options:
          - {value: hom_thu, label: Hòm thư góp ý, label_en: Suggestion box}
          - {value: duong_day_nong, label: Đường dây nóng, label_en: Hotline}
          - {value: cong_dvc, label: Cổng dịch vụ công, label_en: Public service portal}
      - id: ngay_gan_nhat
        prompt: Ngày nhận phản ánh gần nhất
        prompt_en: Date of the latest feedback
        type: date
        required: false
        show_if: {item: kenh, in: [hom_thu, duong_day_nong]}
  - id: ket_qua_so_hoa
    title: Kết quả số hóa hồ sơ
    title_en: Digitised records
    show_if: {item: so_hoa, not_in: [chua]}
    items:
      - id: tai_su_dung
        prompt: Kết quả số hóa được lưu và tái sử dụng đúng quy định?
        prompt_en: Are digitised records kept and reused as required?
        type: rating
      - id: ghi_chu
        prompt: Ghi chú khác
        prompt_en: Other notes
        type: text
        required: false
"""

# Every field of the v2 model, and conditions of every shape a relevant can say.
EVERYTHING = """
id: moi-tinh-nang
version: 7
title: Bảng kiểm đủ mọi trường
title_en: A checklist with every field
scoring: {pass: 2, partial: 1, fail: 0}
areas:
  - id: chung
    title: Thông tin chung
    title_en: General
    items:
      - id: 1-co-du-thao
        prompt: Đơn vị có dự thảo văn bản có quy định TTHC?
        prompt_en: Did the unit draft procedure rules?
        type: yesno
        help: Xem sổ công văn đi trong kỳ.
        basis: Nghị định 63/2010/NĐ-CP
      - id: muc-do
        prompt: Mức độ số hóa?
        type: choice
        options:
          - {value: A, label: Chưa, label_en: Not yet}
          - {value: b.2, label: Một phần}
          - {value: c-3, label: Toàn bộ}
      - id: kenh
        prompt: Những kênh nhận phản ánh?
        type: choices
        required: false
        options:
          - {value: hom-thu, label: Hòm thư}
          - {value: dien-thoai, label: Điện thoại}
          - {value: cong, label: Cổng dịch vụ công}
  - id: danh-gia
    title: Đánh giá tác động
    show_if:
      all:
        - {item: 1-co-du-thao, in: ["yes"]}
        - any:
            - {item: muc-do, in: [A, b.2]}
            - {item: kenh, not_in: [hom-thu, cong]}
    items:
      - id: danh-gia-tthc
        prompt: "= 100% quy định được đánh giá tác động?"
        prompt_en: Were all rules assessed?
        type: rating
        photo: optional
        weight: 2.5
        help: Đối chiếu bản đánh giá.
        help_en: Compare with the assessment.
        basis: Thông tư 02/2017/TT-VPCP
        intro: Mở hồ sơ dự thảo.
        intro_en: Open the draft file.
      - id: ty-le
        prompt: Tỷ lệ ý kiến được tiếp thu (%)?
        type: number
        min: 0
        max: 100
        unit: "%"
        show_if:
          any:
            - {item: danh-gia-tthc, in: [fail, partial]}
            - all:
                - {item: muc-do, not_in: [A]}
                - {item: kenh, in: [dien-thoai]}
      - id: so-y-kien
        prompt: Số ý kiến nhận được?
        type: integer
        min: -5
        unit: ý kiến
        show_if: {item: kenh, not_in: [cong]}
      - id: so-cuoc-hop
        prompt: Số cuộc họp tối đa?
        type: integer
        max: 12.5
      - id: ngay-ban-hanh
        prompt: Ngày ban hành?
        type: date
        required: false
        photo: required
      - id: anh-bien-ban
        prompt: Ảnh biên bản họp
        type: photo
        required: false
      - id: anh-bat-buoc-tuy-chon
        prompt: Ảnh kèm theo (nếu có)
        type: photo
        photo: optional
      - id: ghi-chu
        prompt: Ghi chú
        type: text
        required: false
        show_if: {item: danh-gia-tthc, not_in: [na]}
"""


def _refusal(path: Path) -> str:
    with pytest.raises(ChecklistError) as caught:
        read_xlsform(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message and "Traceback" not in message
    return message


def test_a_teams_form_is_read_field_by_field(tmp_path: Path) -> None:
    checklist = read_xlsform(write_form(tmp_path / "form.xlsx"))
    assert checklist == parse_checklist(IMPORTED)
    so_tre_han = checklist.find("so_tre_han")
    assert so_tre_han is not None and so_tre_han[2].min == 0 and so_tre_han[2].max is None
    assert checklist.item_count == 10  # the start row and the geopoint ask nothing here
    assert checklist.areas[2].show_if == Rule.model_validate({"item": "so_hoa", "not_in": ["chua"]})


def test_the_loader_reads_a_spreadsheet_as_a_checklist_file(tmp_path: Path) -> None:
    """CHECKLIST_FILE may name the team's .xlsx: the bot loads checklists through load_checklist."""
    assert load_checklist(write_form(tmp_path / "Form.XLSX")) == parse_checklist(IMPORTED)


def test_layout_columns_and_kobo_bookkeeping_change_nothing(tmp_path: Path) -> None:
    survey = [{**row, "appearance": "minimal", "$kuid": "x1"} if row.get("name") == "so_hoa" else row for row in SURVEY]
    survey = changed("ty_le_dung_han", survey, constraint_message="Từ 0 đến 100", required_message="Bắt buộc")
    survey = changed("anh_niem_yet", survey, parameters="max-pixels=1024")
    assert read_xlsform(write_form(tmp_path / "form.xlsx", survey)) == parse_checklist(IMPORTED)


def test_questions_outside_a_group_form_an_area_titled_as_the_form(tmp_path: Path) -> None:
    survey = [
        {"type": "select_one co_khong", "name": "mo_dau", VI: "Có niêm yết?", "required": "yes"},
        {"type": "text", "name": "ghi", VI: "Ghi chú", "relevant": "${mo_dau} = 'no'"},
        *SURVEY[2:11],
        {"type": "integer", "name": "cuoi", VI: "Số quầy"},
    ]
    checklist = read_xlsform(write_form(tmp_path / "form.xlsx", survey))
    assert [area.id for area in checklist.areas] == ["chung", "mot_cua", "chung-2"]
    assert checklist.areas[0].title == checklist.areas[2].title == "Kiểm tra Bộ phận Một cửa"
    assert [item.id for item in checklist.areas[0].items] == ["mo_dau", "ghi"]
    assert checklist.areas[0].items[1].show_if == Rule.model_validate({"item": "mo_dau", "in": ["no"]})


def _told(message: str, sheet: str, row: int, column: str, expected: str) -> bool:
    """The message names the cell, then says what is wrong there."""
    where = f"trang {sheet}, dòng {row}, cột {column}: "
    return where in message and expected in message.split(where, 1)[1]


REPEAT = {"type": "begin_repeat", "name": "lap", VI: "Từng hồ sơ"}
CALCULATE = {"type": "calculate", "name": "tong", "calculation": "${so_tre_han} * 2"}


@pytest.mark.parametrize(
    ("survey", "row", "column", "expected"),
    [
        (inserted("ghi_chu", REPEAT), "lap", "type", "chưa dùng được nhóm lặp (repeat)"),
        (inserted("ghi_chu", CALCULATE), "tong", "type", "bot không tính toán (calculate)"),
        (
            changed("so_tre_han", relevant="${co_tre_han} = 'yes' and ${ty_le_dung_han} > 50"),
            "so_tre_han",
            "relevant",
            "không đọc được biểu thức «${co_tre_han} = 'yes' and ${ty_le_dung_han} > 50»; chỉ dùng ${x} = 'v'",
        ),
        (
            changed("ty_le_dung_han", constraint=". > 0"),
            "ty_le_dung_han",
            "constraint",
            "không đọc được biểu thức «. > 0»",
        ),
        (changed("ghi_chu", type="range"), "ghi_chu", "type", "kiểu «range» chưa dùng được; dùng một trong: text"),
        (
            changed("ghi_chu", type="select_one_from_file dv.csv"),
            "ghi_chu",
            "type",
            "kiểu «select_one_from_file dv.csv»",
        ),
        (
            changed("so_hoa", relevant="${co_tre_han} = 'yes'"),
            "so_hoa",
            "relevant",
            f"«co_tre_han» (dòng {survey_row('co_tre_han')}) được hỏi sau; điều kiện chỉ dùng câu hỏi hỏi trước",
        ),
        (
            changed("so_tre_han", relevant="${so_tre_han} = '1'"),
            "so_tre_han",
            "relevant",
            "điều kiện không thể dùng chính câu",
        ),
        (changed("so_tre_han", relevant="${khong_co} = '1'"), "so_tre_han", "relevant", "không có câu hỏi nào tên"),
        (
            changed("so_tre_han", relevant="${huong_dan_tre_han} = '1'"),
            "so_tre_han",
            "relevant",
            f"«huong_dan_tre_han» (dòng {survey_row('huong_dan_tre_han')}) là note, không phải câu hỏi được hỏi",
        ),
        (
            changed("so_tre_han", relevant="${co_tre_han} = 'maybe'"),
            "so_tre_han",
            "relevant",
            "'maybe' không phải lựa chọn",
        ),
        (
            changed("ngay_gan_nhat", relevant="${kenh} = 'hom_thu'"),
            "ngay_gan_nhat",
            "relevant",
            "chọn được nhiều lựa chọn: dùng selected(${kenh}, 'hom_thu')",
        ),
        (
            changed("tai_su_dung", relevant="${ty_le_dung_han} = '5'"),
            "tai_su_dung",
            "relevant",
            "là câu number; điều kiện chỉ dùng câu select_one hoặc select_multiple",
        ),
        (changed("so_tre_han", required="${co_tre_han} = 'yes'"), "so_tre_han", "required", "ghi yes hoặc no"),
        (changed("ghi_chu", constraint=". >= 1"), "ghi_chu", "constraint", "không dùng cho câu text"),
        (changed("ghi_chu", default="Không"), "ghi_chu", "default", "bot không điền sẵn câu trả lời"),
        (changed("ghi_chu", **{"media::image": "a.png"}), "ghi_chu", "media::image", "bot không gửi kèm ảnh"),
        (
            changed("ghi_chu", **{"label::Français (fr)": "Notes"}),
            "ghi_chu",
            "label::Français (fr)",
            "chỉ dùng tiếng Việt",
        ),
        (
            changed("ghi_chu", **{"bind::esri:fieldType": "null"}),
            "ghi_chu",
            "bind::esri:fieldType",
            "cột không dùng được",
        ),
        (
            changed("ghi_chu", **{"bind::kiemtra:weight": "2"}),
            "ghi_chu",
            "bind::kiemtra:weight",
            "không dùng cho câu text",
        ),
        (
            changed("anh_niem_yet", parameters="max-pixels=1024 app=x"),
            "anh_niem_yet",
            "parameters",
            "chỉ dùng được max-pixels",
        ),
        (changed("ghi_chu", **{VI: ""}), "ghi_chu", EN, "chỉ có bản tiếng Anh; ghi câu hỏi tiếng Việt vào cột label"),
        (changed("ghi_chu", **{VI: "Ghi chú về ${so_hoa}"}), "ghi_chu", VI, "chưa chèn được câu trả lời"),
        (
            changed("niem_yet", **{HINT_EN: "Only in English", "hint::Vietnamese (vi)": ""}),
            "niem_yet",
            HINT_EN,
            "chỉ có bản tiếng Anh",
        ),
        (changed("ghi_chu", name="Ghi_Chú"), "Ghi_Chú", "name", "«Ghi_Chú» không đổi được thành mã"),
        (
            changed("ghi_chu", name="Niem_Yet"),
            "Niem_Yet",
            "name",
            f"mã «niem_yet» trùng với câu hỏi ở dòng {survey_row('niem_yet')}",
        ),
        (
            changed("ghi_chu", type="select_one khong_co"),
            "ghi_chu",
            "type",
            "không có danh sách «khong_co» ở trang choices",
        ),
        (changed("ghi_chu", type="select_one muc_do or_other"), "ghi_chu", "type", "chưa dùng được or_other"),
        (changed("ghi_chu", type="geopoint"), "ghi_chu", "type", f"đã có geopoint ở dòng {survey_row('vi_tri')}"),
        (changed("ghi_chu", type="note"), "ghi_chu", "type", "note cần một câu hỏi ngay sau nó"),
        (
            changed("huong_dan_tre_han", relevant="${co_tre_han} = 'yes'"),
            "huong_dan_tre_han",
            "relevant",
            "không dùng cho note",
        ),
        (
            inserted("tai_su_dung", {"type": "begin_group", "name": "con", VI: "Nhóm con"}),
            "con",
            "type",
            "nhóm lồng trong nhóm",
        ),
    ],
)
def test_what_does_not_map_is_refused_at_its_cell(
    tmp_path: Path, survey: list[dict[str, str]], row: str, column: str, expected: str
) -> None:
    message = _refusal(write_form(tmp_path / "form.xlsx", survey))
    assert _told(message, "survey", survey_row(row, survey), column, expected)


@pytest.mark.parametrize(
    ("settings", "column", "expected"),
    [
        ({**SETTINGS, "version": "1.2"}, "version", "«1.2» không phải số nguyên"),
        ({**SETTINGS, "version": ""}, "version", "thiếu version"),
        ({**SETTINGS, "form_id": "Kiểm tra"}, "form_id", "không đổi được thành mã"),
        ({**SETTINGS, "default_language": "English (en)"}, "default_language", "ghi Vietnamese (vi)"),
        ({**SETTINGS, "allow_choice_duplicates": "yes"}, "allow_choice_duplicates", "cột không dùng được"),
        ({**SETTINGS, "kiemtra:scoring_pass": "nhiều"}, "kiemtra:scoring_pass", "«nhiều» không phải một số"),
        ({**SETTINGS, "kiemtra:scoring_fail": "200"}, "kiemtra:scoring_fail", "phải ≤ 100"),
        ({**SETTINGS, "form_title": "Ab"}, "form_title", "quá ngắn (ít nhất 3 ký tự)"),
    ],
)
def test_settings_that_do_not_map_are_refused(
    tmp_path: Path, settings: dict[str, str], column: str, expected: str
) -> None:
    message = _refusal(write_form(tmp_path / "form.xlsx", settings={k: v for k, v in settings.items() if v != ""}))
    assert _told(message, "settings", 2, column, expected)


@pytest.mark.parametrize(
    ("choices", "row", "column", "expected"),
    [
        (
            [*CHOICES, {"list_name": "kenh", "name": "hom thu", VI: "Hòm thư"}],
            len(CHOICES) + 2,
            "name",
            "không dấu cách",
        ),
        (
            [*CHOICES, {"list_name": "kenh", "name": "cong_dvc", VI: "Cổng"}],
            len(CHOICES) + 2,
            "name",
            "trùng với lựa chọn ở dòng",
        ),
        ([*CHOICES, {"list_name": "kenh", "name": "khac", EN: "Other"}], len(CHOICES) + 2, EN, "chỉ có bản tiếng Anh"),
        (
            [*CHOICES, {"list_name": "kenh", "name": "khac", VI: "K" * 61}],
            len(CHOICES) + 2,
            VI,
            "quá dài (nhiều nhất 60 ký tự)",
        ),
        (
            [*CHOICES, {"list_name": "kenh", "name": "khac", VI: "Khác", "image": "k.png"}],
            len(CHOICES) + 2,
            "image",
            "bot không gửi kèm ảnh",
        ),
    ],
)
def test_choices_that_do_not_map_are_refused(
    tmp_path: Path, choices: list[dict[str, str]], row: int, column: str, expected: str
) -> None:
    message = _refusal(write_form(tmp_path / "form.xlsx", choices=choices))
    assert _told(message, "choices", row, column, expected)


def test_a_form_pyxform_refuses_is_refused_with_its_reason(tmp_path: Path) -> None:
    """An XLSForm name may not start with a digit; the id it would become could, so pyxform says no."""
    survey = changed("ghi_chu", name="1_ghi_chu")
    message = _refusal(write_form(tmp_path / "form.xlsx", survey))
    assert (
        "pyxform không chuyển được biểu mẫu này" in message and f"[row : {survey_row('1_ghi_chu', survey)}]" in message
    )


def test_files_that_are_no_workbook(tmp_path: Path) -> None:
    assert "không đọc được tệp" in _refusal(tmp_path / "none.xlsx")
    (tmp_path / "text.xlsx").write_text("id: x\n", encoding="utf-8")
    assert "không đọc được bảng tính Excel" in _refusal(tmp_path / "text.xlsx")
    assert "không có trang settings" in _refusal(write_form(tmp_path / "form.xlsx", settings=None))


def test_and_binds_tighter_than_or_and_brackets_group() -> None:
    def rule(clause: Clause) -> Rule:
        return Rule.model_validate({"item": clause.name, "not_in" if clause.negated else "in": [clause.value]})

    a, b, c = (Rule.model_validate({"item": x, "in": ["v"]}) for x in "abc")
    assert parse_relevant("${a} = 'v' or ${b} = 'v' and ${c} = 'v'", rule) == AnyOf(any=[a, AllOf(all=[b, c])])
    assert parse_relevant("(${a} = 'v' or ${b} = 'v') and ${c} = 'v'", rule) == AllOf(all=[AnyOf(any=[a, b]), c])
    assert parse_relevant('selected( ${a} , "v" )', rule) == a
    two = Rule.model_validate({"item": "a", "not_in": ["v", "w"]})
    assert parse_relevant("not(selected(${a}, 'v')) and ${a} != 'w'", rule) == two
    with pytest.raises(Refusal, match="không đọc được"):
        parse_relevant("${a} = 'v' and", rule)


@pytest.mark.parametrize("text", [IMPORTED, EVERYTHING, BUNDLED_CHECKLIST.read_text(encoding="utf-8")])
def test_export_then_import_gives_the_same_checklist(tmp_path: Path, text: str) -> None:
    checklist = parse_checklist(text)
    path = tmp_path / "out.xlsx"
    write_xlsform(checklist, path)
    assert read_xlsform(path) == checklist
    assert "<h:html" in convert(str(path)).xform  # pyxform converts it, with no ODK Validate (no Java)


def test_an_area_may_share_its_id_with_an_item(tmp_path: Path) -> None:
    """XLSForm names are one namespace, the checklist's areas and items two."""
    shared = EVERYTHING.replace("  - id: danh-gia\n", "  - id: kenh\n")
    path = tmp_path / "out.xlsx"
    write_xlsform(parse_checklist(shared), path)
    assert read_xlsform(path) == parse_checklist(shared)


def test_the_export_says_our_own_fields_in_our_namespace(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsform(parse_checklist(EVERYTHING), path)
    xform = convert(str(path)).xform
    assert 'xmlns:kiemtra="urn:kiemtra-bot:checklist"' in xform
    assert 'kiemtra:basis="Thông tư 02/2017/TT-VPCP"' in xform and 'kiemtra:weight="2.5"' in xform
    assert 'kiemtra:unit="%"' in xform and 'kiemtra:photo="optional"' in xform


def test_conditions_come_back_in_their_simplest_form(tmp_path: Path) -> None:
    """Two tests of one item joined by `or` are one test with two values: the same condition, said once."""
    split = EVERYTHING.replace(
        "show_if: {item: kenh, not_in: [cong]}",
        "show_if: {any: [{item: muc-do, in: [A]}, {item: muc-do, in: [c-3]}]}",
    )
    checklist = parse_checklist(split)
    path = tmp_path / "out.xlsx"
    write_xlsform(checklist, path)
    found = read_xlsform(path).find("so-y-kien")
    assert found is not None and found[2].show_if == Rule.model_validate({"item": "muc-do", "in": ["A", "c-3"]})


def test_the_form_a_team_made_comes_back_from_its_own_export(tmp_path: Path) -> None:
    checklist = read_xlsform(write_form(tmp_path / "form.xlsx"))
    write_xlsform(checklist, tmp_path / "again.xlsx")
    assert read_xlsform(tmp_path / "again.xlsx") == checklist


def test_column_names_may_be_written_in_any_case(tmp_path: Path) -> None:
    def shouted(rows: list[Row]) -> list[Row]:
        return [
            {key.partition("::")[0].upper() + key[len(key.partition("::")[0]) :]: v for key, v in row.items()}
            for row in rows
        ]

    path = write_form(tmp_path / "form.xlsx", shouted(SURVEY), shouted(CHOICES), shouted([SETTINGS])[0])
    assert read_xlsform(path) == parse_checklist(IMPORTED)
