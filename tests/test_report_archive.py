"""The evidence archive, opened with zipfile and re-checked the way a reader of DOC-TOI.txt would."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.reports.archive import (
    PART_OVERHEAD,
    PHOTO_OVERHEAD,
    archive_name,
    archive_photos,
    plan_parts,
    slug,
    write_archive,
)
from bot.reports.data import InspectionReport, RoundReport
from bot.texts.formats import VIETNAM
from storage.models import Photo
from tests import report_samples as samples

MANIFEST_HEADER = [
    "tệp",
    "sha256",
    "kích thước (byte)",
    "người gửi",
    "mã người gửi",
    "thời gian",
    "rộng",
    "cao",
    "phiên",
    "đơn vị",
    "lĩnh vực",
    "mã câu",
]
NAME = re.compile(r"^[a-z0-9-]{1,60}-\d+/\d\d-[a-z0-9_-]+/[a-z0-9_-]+-\d+\.[a-z0-9]+$")


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    return tmp_path / "photos"


@pytest.fixture
def report(photo_dir: Path) -> RoundReport:
    return samples.round_report(photo_dir, units=3)


def written(report: RoundReport, photo_dir: Path, target: Path, **options: object) -> zipfile.ZipFile:
    write_archive(report, samples.context(photo_dir), target, **options)  # type: ignore[arg-type]
    return zipfile.ZipFile(target)


def manifest(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    raw = archive.read("manifest.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == MANIFEST_HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def readme(archive: zipfile.ZipFile) -> str:
    return archive.read("DOC-TOI.txt").decode("utf-8-sig")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def with_unit(unit: InspectionReport, name: str) -> InspectionReport:
    inspection = unit.inspection.model_copy(update={"unit": name})
    return unit.model_copy(update={"snapshot": unit.snapshot.model_copy(update={"inspection": inspection})})


def with_photos(unit: InspectionReport, photos: list[Photo]) -> InspectionReport:
    return unit.model_copy(update={"snapshot": unit.snapshot.model_copy(update={"photos": photos})})


# --- names ----------------------------------------------------------------------------------------


def test_slug_drops_diacritics_and_punctuation() -> None:
    assert slug("UBND xã Cổ Lũng <b>&</b>") == "ubnd-xa-co-lung-b-b"
    assert slug("UBND thị trấn Đu") == "ubnd-thi-tran-du"
    assert slug("Ủy ban nhân dân huyện Định Hóa, tỉnh Thái Nguyên – khu vực miền núi phía Bắc") == (
        "uy-ban-nhan-dan-huyen-dinh-hoa-tinh-thai-nguyen-khu-vuc-mien"
    )
    assert slug("«»") == "don-vi"


def test_archive_name_places_each_photo_by_unit_area_and_item(photo_dir: Path) -> None:
    unit = samples.inspection_report(photo_dir, 1)
    photo = unit.snapshot.photos[0]

    expected = f"ubnd-xa-co-lung-b-b-11/03-cong-bo-cong-khai/niem-yet-dung-danh-muc-{photo.id}.jpg"
    assert archive_name(unit, photo) == expected
    png = photo.model_copy(update={"mime": "image/png"})
    assert archive_name(unit, png).endswith(f"-{photo.id}.png")
    odd = photo.model_copy(update={"mime": "application/octet-stream", "path": "11/abc.WEBP"})
    assert archive_name(unit, odd).endswith(f"-{photo.id}.webp")
    photo_area = unit.checklist.areas[3]
    later = photo.model_copy(update={"area_id": photo_area.id, "item_id": photo_area.items[0].id})
    assert archive_name(unit, later).split("/")[1] == f"04-{photo_area.id}"


# --- contents -------------------------------------------------------------------------------------


def test_every_photo_is_the_original_file_with_its_hash(tmp_path: Path, photo_dir: Path, report: RoundReport) -> None:
    archive = written(report, photo_dir, tmp_path / "anh.zip")
    rows = manifest(archive)
    expected = archive_photos(report)

    assert [row["tệp"] for row in rows] == [archive_name(unit, photo) for unit, photo in expected]
    assert len(rows) == 30
    for row, (unit, photo) in zip(rows, expected, strict=True):
        member = archive.read(row["tệp"])
        original = (photo_dir / photo.path).read_bytes()
        assert row["sha256"] == sha256(member) == sha256(original) == photo.sha256
        assert archive.getinfo(row["tệp"]).compress_type == zipfile.ZIP_STORED
        assert row["kích thước (byte)"] == str(len(member))
        assert NAME.match(row["tệp"])
        assert (row["phiên"], row["đơn vị"], row["mã câu"]) == (str(unit.inspection.id), unit.unit, photo.item_id)
    assert {row["đơn vị"] for row in rows} == set(samples.UNITS)
    assert {row["người gửi"] for row in rows} == {"Nguyễn Văn <An> & Co", "Lê Thị Hoa"}
    assert rows[0]["thời gian"] == "2026-11-20T08:33:30+07:00"
    assert rows[0]["lĩnh vực"] == "3. Công bố, công khai TTHC"


def test_sha256sums_checks_out(tmp_path: Path, photo_dir: Path, report: RoundReport) -> None:
    archive = written(report, photo_dir, tmp_path / "anh.zip")
    lines = archive.read("SHA256SUMS").decode("ascii").splitlines()

    photos = [name for name in archive.namelist() if name not in ("manifest.csv", "SHA256SUMS", "DOC-TOI.txt")]
    assert [line.split("  ", 1)[1] for line in lines] == photos
    for line in lines:
        digest, name = line.split("  ", 1)
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert sha256(archive.read(name)) == digest


def test_the_text_files_are_stamped_in_vietnam_time_like_the_photos(
    tmp_path: Path, photo_dir: Path, report: RoundReport
) -> None:
    archive = written(report, photo_dir, tmp_path / "anh.zip")
    made = samples.context(photo_dir).generated_at.astimezone(VIETNAM)  # 08:15 on the 21st in Vietnam
    for name in ("manifest.csv", "SHA256SUMS", "DOC-TOI.txt"):
        assert archive.getinfo(name).date_time == (made.year, made.month, made.day, made.hour, made.minute, 0)
    first = archive_photos(report)[0][1]
    taken = first.received_at.astimezone(VIETNAM)
    assert archive.getinfo(archive_name(*archive_photos(report)[0])).date_time[3:5] == (taken.hour, taken.minute)


def test_readme_explains_how_to_recheck(tmp_path: Path, photo_dir: Path, report: RoundReport) -> None:
    text = readme(written(report, photo_dir, tmp_path / "anh.zip"))

    assert samples.ROUND.name in text
    assert "sha256sum -c SHA256SUMS" in text and "Get-FileHash" in text
    assert "Số ảnh trong tệp này: 30" in text
    assert "Phần" not in text and "Thiếu tệp" not in text


def test_missing_or_changed_files_are_reported_not_fatal(tmp_path: Path, photo_dir: Path, report: RoundReport) -> None:
    unit = report.inspections[0]
    lost, altered, escaping = unit.snapshot.photos[:3]
    (photo_dir / lost.path).unlink()
    (photo_dir / altered.path).write_bytes(b"not the photo that was received")
    (photo_dir.parent / "secret.jpg").write_bytes(b"a file outside the photo folder")
    outside = escaping.model_copy(update={"path": "../secret.jpg"})
    photos = [outside if photo.id == escaping.id else photo for photo in unit.snapshot.photos]
    changed = report.model_copy(update={"inspections": [with_photos(unit, photos), *report.inspections[1:]]})

    archive = written(changed, photo_dir, tmp_path / "anh.zip")
    rows = {row["sha256"]: row for row in manifest(archive)}
    text = readme(archive)
    sums = archive.read("SHA256SUMS").decode()

    assert len(rows) == 30
    for photo in (lost, escaping):
        assert rows[photo.sha256]["tệp"] == ""
        assert f"Thiếu tệp: ảnh #{photo.id} của phiên #{unit.inspection.id}" in text
        assert photo.sha256 not in sums
    altered_name = archive_name(unit, altered)
    assert rows[altered.sha256]["tệp"] == altered_name  # the hash recorded on receipt, so the check fails
    assert f"Không khớp SHA-256 đã ghi khi nhận ảnh: {altered_name}" in text
    assert f"{altered.sha256}  {altered_name}" in sums
    assert "Số ảnh trong tệp này: 28" in text


def test_text_typed_as_a_formula_is_neutralised_in_the_manifest(
    tmp_path: Path, photo_dir: Path, report: RoundReport
) -> None:
    unit = with_unit(report.inspections[0], "=HYPERLINK(1) Xã Yên Đổ")
    archive = written(report.model_copy(update={"inspections": [unit]}), photo_dir, tmp_path / "anh.zip")

    assert {row["đơn vị"] for row in manifest(archive)} == {"'=HYPERLINK(1) Xã Yên Đổ"}


def test_empty_round_gives_an_archive_with_the_text_files(tmp_path: Path, photo_dir: Path) -> None:
    empty = RoundReport(team=samples.TEAM, round=samples.ROUND, inspections=[])

    archive = written(empty, photo_dir, tmp_path / "anh.zip")

    assert sorted(archive.namelist()) == ["DOC-TOI.txt", "SHA256SUMS", "manifest.csv"]
    assert manifest(archive) == []


# --- parts ----------------------------------------------------------------------------------------


def test_plan_parts_three_photos_a_part() -> None:
    cost = 100_000 + PHOTO_OVERHEAD
    sizes = [(photo_id, 100_000) for photo_id in range(1, 11)]

    parts = plan_parts(sizes, PART_OVERHEAD + 3 * cost)

    assert parts == [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]


def test_plan_parts_fills_a_part_up_to_the_limit_exactly() -> None:
    cost = 100_000 + PHOTO_OVERHEAD
    sizes = [(photo_id, 100_000) for photo_id in range(1, 7)]

    assert plan_parts(sizes, PART_OVERHEAD + 3 * cost - 1) == [[1, 2], [3, 4], [5, 6]]


def test_plan_parts_puts_an_oversized_photo_alone() -> None:
    limit = PART_OVERHEAD + 3 * (1000 + PHOTO_OVERHEAD)
    sizes = [(1, 1000), (2, 1000), (3, limit), (4, 1000), (5, 10 * limit), (6, 1000)]

    assert plan_parts(sizes, limit) == [[1, 2], [3], [4], [5], [6]]


def test_plan_parts_of_nothing_is_one_empty_part() -> None:
    assert plan_parts([], 50_000_000) == [[]]


@given(
    st.lists(st.integers(min_value=0, max_value=5_000_000), max_size=60),
    st.integers(min_value=PART_OVERHEAD, max_value=20_000_000),
)
def test_plan_parts_covers_every_photo_once_in_order_within_the_limit(sizes: list[int], limit: int) -> None:
    photos = list(enumerate(sizes, start=1))
    size_of = dict(photos)

    parts = plan_parts(photos, limit)

    assert [photo_id for part in parts for photo_id in part] == [photo_id for photo_id, _ in photos]
    totals = [PART_OVERHEAD + sum(size_of[i] + PHOTO_OVERHEAD for i in part) for part in parts]
    for part, total in zip(parts, totals, strict=True):
        assert total <= limit or len(part) == 1
    for part, following in itertools.pairwise(parts):
        # Greedy: a part was closed only because the next photo did not fit in it.
        assert sum(size_of[i] + PHOTO_OVERHEAD for i in [*part, following[0]]) + PART_OVERHEAD > limit


def with_long_names(report: RoundReport) -> RoundReport:
    """Unit and sender names as long as they get, so the per-photo text is as large as it gets."""
    unit_name = ("Ủy ban nhân dân xã Quảng Nguyên Đức " * 6)[:200]
    sender = ("Ngữ Thị Hưởng Ưởng " * 7)[:128]
    units = []
    for unit in report.inspections:
        photos = [photo.model_copy(update={"sender_name": sender}) for photo in unit.snapshot.photos]
        units.append(with_photos(with_unit(unit, unit_name), photos))
    return report.model_copy(update={"inspections": units})


def test_overhead_allowances_cover_the_real_archive(tmp_path: Path, photo_dir: Path, report: RoundReport) -> None:
    report = with_long_names(report)
    photos = [photo for _, photo in archive_photos(report)]

    def overhead(chosen: list[Photo]) -> int:
        target = tmp_path / f"anh-{len(chosen)}.zip"
        written(report, photo_dir, target, photo_ids=[photo.id for photo in chosen])
        return target.stat().st_size - sum(photo.size for photo in chosen)

    fixed = overhead([])
    assert fixed <= PART_OVERHEAD
    assert overhead(photos[:1]) - fixed <= PHOTO_OVERHEAD
    assert overhead(photos) - fixed <= len(photos) * PHOTO_OVERHEAD


def test_written_parts_stay_under_the_limit(tmp_path: Path, photo_dir: Path, report: RoundReport) -> None:
    report = with_long_names(report)
    photos = archive_photos(report)
    biggest = max(photo.size for _, photo in photos)
    limit = PART_OVERHEAD + 3 * (biggest + PHOTO_OVERHEAD)
    parts = plan_parts([(photo.id, photo.size) for _, photo in photos], limit)

    assert len(parts) == 10
    seen: list[str] = []
    for index, part in enumerate(parts, start=1):
        target = tmp_path / f"anh-{index}.zip"
        archive = written(report, photo_dir, target, photo_ids=part, part=(index, len(parts)))
        rows = manifest(archive)
        assert target.stat().st_size <= limit
        assert [int(row["tệp"].rsplit("-", 1)[1].split(".")[0]) for row in rows] == part
        assert f"Phần {index}/{len(parts)}" in readme(archive)
        seen += [row["tệp"] for row in rows]
    assert seen == [archive_name(unit, photo) for unit, photo in photos]
