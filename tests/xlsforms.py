"""An XLSForm as a team that runs field surveys would keep one, built with openpyxl.

The XLSForm tests import it field by field and refuse it one change at a time; the end-to-end tests run
it as a whole inspection. It has three groups (the last asked only when something was digitised), a
rating list, a yes/no list, an ordinary list, a select_multiple, a relevant on a question and on a group,
constraints, an image, a note, a geopoint and a metadata row, in Vietnamese and English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl import Workbook

VI, EN = "label::Vietnamese (vi)", "label::English (en)"
HINT_VI, HINT_EN = "hint::Vietnamese (vi)", "hint::English (en)"

Row = Mapping[str, str | int]

SETTINGS: Row = {"form_id": "kiem-tra-mot-cua", "version": 3, "form_title": "Kiểm tra Bộ phận Một cửa"}

SURVEY: list[Row] = [
    {"type": "start", "name": "bat_dau"},
    {"type": "geopoint", "name": "vi_tri", VI: "Vị trí trụ sở", EN: "Location of the office"},
    {"type": "begin_group", "name": "mot_cua", VI: "Bộ phận Một cửa", EN: "One-stop counter"},
    {
        "type": "select_one danh_gia",
        "name": "niem_yet",
        VI: "TTHC niêm yết tại Bộ phận Một cửa đầy đủ, đúng danh mục đã công bố?",
        EN: "Are all published procedures posted at the counter?",
        HINT_VI: "Đối chiếu với quyết định công bố danh mục TTHC mới nhất.",
        HINT_EN: "Compare with the latest published list.",
        "required": "yes",
    },
    {
        "type": "select_one muc_do",
        "name": "so_hoa",
        VI: "Hồ sơ tiếp nhận được số hóa đến mức nào?",
        EN: "How far are received dossiers digitised?",
        "required": "yes",
    },
    {
        "type": "select_one co_khong",
        "name": "co_tre_han",
        VI: "Trong kỳ có hồ sơ giải quyết trễ hạn không?",
        EN: "Were any dossiers settled late in the period?",
        "required": "yes",
    },
    {
        "type": "note",
        "name": "huong_dan_tre_han",
        VI: "Đếm theo sổ theo dõi và phần mềm một cửa.",
        EN: "Count from the register and the one-stop software.",
    },
    {
        "type": "integer",
        "name": "so_tre_han",
        VI: "Số hồ sơ trễ hạn",
        EN: "Number of late dossiers",
        "required": "yes",
        "relevant": "${co_tre_han} = 'yes'",
        "constraint": ". >= 0",
    },
    {
        "type": "decimal",
        "name": "ty_le_dung_han",
        VI: "Tỷ lệ hồ sơ giải quyết đúng hạn (%)",
        EN: "Share of dossiers settled on time (%)",
        "required": "yes",
        "constraint": ". >= 0 and . <= 100",
    },
    {
        "type": "image",
        "name": "anh_niem_yet",
        VI: "Ảnh bảng niêm yết TTHC",
        EN: "Photo of the procedure notice board",
        "required": "yes",
    },
    {"type": "end_group"},
    {"type": "begin_group", "name": "phan_anh", VI: "Tiếp nhận phản ánh, kiến nghị", EN: "Feedback"},
    {
        "type": "select_multiple kenh",
        "name": "kenh",
        VI: "Đơn vị nhận phản ánh qua những kênh nào?",
        EN: "Through which channels does the unit take feedback?",
        "required": "yes",
    },
    {
        "type": "date",
        "name": "ngay_gan_nhat",
        VI: "Ngày nhận phản ánh gần nhất",
        EN: "Date of the latest feedback",
        "relevant": "selected(${kenh}, 'hom_thu') or selected(${kenh}, 'duong_day_nong')",
    },
    {"type": "end_group"},
    {
        "type": "begin_group",
        "name": "ket_qua_so_hoa",
        VI: "Kết quả số hóa hồ sơ",
        EN: "Digitised records",
        "relevant": "${so_hoa} != 'chua'",
    },
    {
        "type": "select_one danh_gia",
        "name": "tai_su_dung",
        VI: "Kết quả số hóa được lưu và tái sử dụng đúng quy định?",
        EN: "Are digitised records kept and reused as required?",
        "required": "yes",
    },
    {"type": "text", "name": "ghi_chu", VI: "Ghi chú khác", EN: "Other notes"},
    {"type": "end_group"},
]

CHOICES: list[Row] = [
    {"list_name": "danh_gia", "name": "pass", VI: "Đạt", EN: "Pass"},
    {"list_name": "danh_gia", "name": "fail", VI: "Không đạt", EN: "Fail"},
    {"list_name": "danh_gia", "name": "partial", VI: "Một phần", EN: "Partial"},
    {"list_name": "danh_gia", "name": "na", VI: "Không áp dụng", EN: "N/A"},
    {"list_name": "co_khong", "name": "yes", VI: "Có", EN: "Yes"},
    {"list_name": "co_khong", "name": "no", VI: "Không", EN: "No"},
    {"list_name": "muc_do", "name": "chua", VI: "Chưa số hóa", EN: "Not digitised"},
    {"list_name": "muc_do", "name": "mot_phan", VI: "Một phần", EN: "Partly"},
    {"list_name": "muc_do", "name": "toan_bo", VI: "Toàn bộ", EN: "Fully"},
    {"list_name": "kenh", "name": "hom_thu", VI: "Hòm thư góp ý", EN: "Suggestion box"},
    {"list_name": "kenh", "name": "duong_day_nong", VI: "Đường dây nóng", EN: "Hotline"},
    {"list_name": "kenh", "name": "cong_dvc", VI: "Cổng dịch vụ công", EN: "Public service portal"},
]


def write_form(
    path: Path,
    survey: Iterable[Row] = SURVEY,
    choices: Iterable[Row] = CHOICES,
    settings: Row | None = SETTINGS,
) -> Path:
    """The form as an .xlsx at `path`: each sheet's columns are the keys its rows use, in order of use."""
    workbook = Workbook()
    sheets = [("survey", list(survey)), ("choices", list(choices))]
    if settings is not None:
        sheets.append(("settings", [settings]))
    for index, (title, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        assert sheet is not None
        sheet.title = title
        columns = list(dict.fromkeys(column for row in rows for column in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    workbook.save(path)
    return path


def survey_row(name: str, survey: Iterable[Row] = SURVEY) -> int:
    """The spreadsheet row of the survey row named `name` (the header is row 1)."""
    return next(number for number, row in enumerate(survey, start=2) if row.get("name") == name)


def changed(row_name: str, survey: Iterable[Row] = SURVEY, /, **cells: str) -> list[Row]:
    """The survey with the row named `row_name` changed (a cell given as "" is emptied)."""
    return [
        {k: v for k, v in {**row, **cells}.items() if v != ""} if row.get("name") == row_name else row for row in survey
    ]


def inserted(before: str, row: Row, survey: Iterable[Row] = SURVEY) -> list[Row]:
    """The survey with `row` put before the row named `before`."""
    rows = list(survey)
    at = next(index for index, existing in enumerate(rows) if existing.get("name") == before)
    return [*rows[:at], row, *rows[at:]]
