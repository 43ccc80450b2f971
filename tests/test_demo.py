"""`python -m bot demo` as a newcomer or a script meets it: a whole inspection typed into a terminal (here,
piped from a list of answers), through the real engine, with the bundled checklist and what is stored."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.texts.catalogue import VI
from handlers.terminal.console import PROMPT
from tests.images import jpeg, png

ROOT = Path(__file__).resolve().parent.parent
# Every question of the bundled checklist carries its «❓» guidance, so its menu takes a line per entry.
RATING_MENU = "1. Đạt\n2. Không đạt\n3. Một phần\n4. Không áp dụng\n5. ❓ Hướng dẫn\n6. ⬅️ Quay lại"
PHOTO = "anh-thu.jpg"
OTHER_PHOTO = "bo phan mot cua.png"  # a space in the name, as people name files
MISSING_PHOTO = "anh-chua-chup.jpg"

# The bundled checklist from start to submit, one line per step, answered as a person would: by number,
# by label, with a wrong reply, notes, photos by path and drawn samples.
ANSWERS = [
    "UBND xã Cổ Lũng",
    "2",  # the location step: «Bỏ qua»
    # Mục 1
    "5",  # «❓ Hướng dẫn»: what to look at and the legal basis, then the same menu without it
    "1",  # Đạt, by number
    "Không đạt",  # by label…
    "Chưa có quyết định cử cán bộ đầu mối",  # …and the note a shortcoming asks for
    "có lẽ",  # names no choice: the question and its menu come again
    "đạt",  # a label in any case
    "3",  # Một phần
    "Dự toán chưa tách riêng kinh phí KSTTHC",
    # Mục 2
    "Có",
    "4",  # Không áp dụng
    "1",
    "1",
    "Dự thảo quy định cấp giấy phép xây dựng",  # an optional text question
    # Mục 3
    "1",
    PHOTO,  # optional evidence, a photo given by its path
    "xong",
    "1",
    "1",  # optional evidence, none: «Xong» by number
    "1",
    "1",
    "1",
    "1",  # several choices: each number puts one in or out…
    "3",
    "xong",  # …and «Xong» moves on
    "Một phần",
    "Bảng niêm yết đặt sau cửa, khó thấy",
    "mẫu",  # the first drawn sample
    "xong",
    "mẫu",  # required evidence: two samples
    "mẫu",
    "1",
    # Mục 4
    "1",
    "1",
    "1",
    "1",
    "95,5",
    "Có",  # there were late files: their two questions follow
    "1",  # a number question: one file overdue, not «❓ Hướng dẫn»
    "Không đạt",
    "Không có Phiếu xin lỗi cho hồ sơ quá hạn",
    "1",
    "1",
    "1",
    "1",
    "1",
    MISSING_PHOTO,  # a file that is not there is said so, and nothing is sent
    OTHER_PHOTO,
    "1",
    # Mục 5
    "1",
    "1",
    "1",
    # Mục 6
    "1",
    "1",
    "Không",  # no feedback in the period: its two questions are not asked
    # Mục 7
    "1",
    "1",
    "1",
    "1",
    # Mục 8
    "1",
    "1",
    "1",
    "bỏ qua",  # the optional closing note
    "Đề nghị tỉnh tập huấn phần mềm một cửa",  # the unit's recommendation
    "xong",
    "bỏ qua",  # no other strengths
    "bỏ qua",  # the unit's representatives: lines to fill in by hand
    "bỏ qua",  # the unit's opinion: likewise
    "gửi",
]


def play(
    cwd: Path, answers: list[str], *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ADMIN_", "CHECKLIST_", "DATA_"))}
    clean.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo", *args],
        input="\n".join(answers) + "\n",
        env=clean,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def flat(text: str) -> str:
    """The demo wraps long lines for an 80-column terminal; assertions look past where it wrapped."""
    return " ".join(text.split())


def after(output: str, line: str) -> str:
    """What the demo printed in answer to one echoed line of input."""
    return output.split(f"{PROMPT}{line}\n", 1)[1].split(PROMPT, 1)[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_whole_inspection_from_an_answers_file(tmp_path: Path) -> None:
    (tmp_path / PHOTO).write_bytes(jpeg(1280, 960, label="bang niem yet"))
    (tmp_path / OTHER_PHOTO).write_bytes(png(1024, 768))
    data = (tmp_path / "du-lieu").resolve()

    result = play(tmp_path, ANSWERS, "--sample-photos", "--data-dir", str(data))

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert RATING_MENU in out
    guidance = flat(after(out, "5"))
    assert "Căn cứ: Nghị định 63/2010/NĐ-CP" in guidance and "Xem kế hoạch" in guidance
    assert "❓" not in after(out, "5")
    wrong = after(out, "có lẽ")
    assert "Văn bản chỉ đạo, hướng dẫn về KSTTHC" in flat(wrong) and RATING_MENU in wrong
    assert flat(VI.DEMO_NO_SUCH_FILE.format(path=MISSING_PHOTO)) in flat(after(out, MISSING_PHOTO))
    summary = flat(out.split(VI.DEMO_GROUP_HEADER, 1)[1])
    for entered in (
        "UBND xã Cổ Lũng",
        "Chưa có quyết định cử cán bộ đầu mối",
        "Đề nghị tỉnh tập huấn phần mềm một cửa",
    ):
        assert entered in summary
    export = data / "phien-1.json"
    assert flat(VI.DEMO_EXPORTED.format(id=1, path=export)) in flat(out)

    document = json.loads(export.read_text(encoding="utf-8"))
    assert document["status"] == "submitted" and document["unit"] == "UBND xã Cổ Lũng"
    answers = {answer["item_id"]: (answer["value"], answer["note"]) for answer in document["answers"]}
    assert answers["ke-hoach-kstthc"] == ("pass", None)
    assert answers["can-bo-dau-moi"] == ("fail", "Chưa có quyết định cử cán bộ đầu mối")
    assert answers["pho-bien-van-ban"] == ("pass", None)
    assert answers["du-toan-kinh-phi"] == ("partial", "Dự toán chưa tách riêng kinh phí KSTTHC")
    assert answers["co-du-thao-quy-dinh-tthc"] == ("yes", None)
    assert answers["danh-gia-tac-dong-tthc"] == ("na", None)
    assert answers["ghi-chu-du-thao"] == ("Dự thảo quy định cấp giấy phép xây dựng", None)
    assert answers["hinh-thuc-niem-yet"] == ("partial", "Bảng niêm yết đặt sau cửa, khó thấy")
    assert answers["anh-khu-vuc-niem-yet"] == ("2", None)
    assert answers["ty-le-dung-han"] == ("95.5", None)
    assert answers["phuong-tien-niem-yet"] == ("bang man-hinh", None)
    assert answers["co-ho-so-qua-han"] == ("yes", None)
    assert answers["so-ho-so-qua-han"] == ("1", None)
    assert answers["phieu-xin-loi"] == ("fail", "Không có Phiếu xin lỗi cho hồ sơ quá hạn")
    assert answers["co-phat-sinh-phan-anh"] == ("no", None)
    assert "xu-ly-dung-han" not in answers and "cong-khai-ket-qua-xu-ly" not in answers  # not asked
    assert "ghi-chu-khac" not in answers
    assert len(answers) == 39
    assert document["recommendations"] == ["Đề nghị tỉnh tập huấn phần mềm một cửa"]
    assert document["strengths"] == []

    samples = sorted((data / "anh-mau").glob("*.jpg"))
    expected = {
        ("niem-yet-dung-danh-muc", sha256(tmp_path / PHOTO)),
        ("hinh-thuc-niem-yet", sha256(samples[0])),
        ("anh-khu-vuc-niem-yet", sha256(samples[1])),
        ("anh-khu-vuc-niem-yet", sha256(samples[2])),
        ("anh-bo-phan-mot-cua", sha256(tmp_path / OTHER_PHOTO)),
    }
    with sqlite3.connect(data / "kiemtra.sqlite3") as db:
        assert db.execute("SELECT status FROM inspections WHERE id = 1").fetchone() == ("submitted",)
        photos = db.execute("SELECT item_id, sha256, path FROM photos WHERE inspection_id = 1").fetchall()
        assert db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone() == (0,)
    assert {(item, digest) for item, digest, _ in photos} == expected
    assert all(sha256(data / "photos" / path) == digest for _, digest, path in photos)
    assert {(photo["item_id"], photo["sha256"]) for photo in document["photos"]} == expected


def test_input_that_ends_midway_keeps_the_draft(tmp_path: Path) -> None:
    (tmp_path / PHOTO).write_bytes(jpeg(label="bang niem yet"))
    data = (tmp_path / "du-lieu").resolve()
    cut = ANSWERS.index(PHOTO) + 1

    result = play(tmp_path, ANSWERS[:cut], "--data-dir", str(data))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert flat(result.stdout).endswith(flat(VI.DEMO_NOT_FINISHED.format(data_dir=data)))
    with sqlite3.connect(data / "kiemtra.sqlite3") as db:
        assert db.execute("SELECT status FROM inspections WHERE id = 1").fetchone() == ("draft",)
        assert db.execute("SELECT COUNT(*) FROM answers WHERE inspection_id = 1").fetchone() == (10,)
        assert db.execute("SELECT sha256 FROM photos").fetchall() == [(sha256(tmp_path / PHOTO),)]


def test_without_a_data_dir_a_temporary_one_is_used_and_kept(tmp_path: Path) -> None:
    """No settings are read either: a .env that would stop the bot does not stop the demo."""
    temporary, work = tmp_path / "tmp", tmp_path / "work"
    temporary.mkdir()
    work.mkdir()
    (work / ".env").write_text("ADMIN_IDS=abc\nMAX_PHOTO_MB=0\n", encoding="utf-8")

    result = play(work, ["UBND xã Cổ Lũng"], env={"TMPDIR": str(temporary)})

    assert result.returncode == 1, result.stderr
    (used,) = temporary.glob("kiemtra-demo-*")
    assert (used / "kiemtra.sqlite3").is_file()
    assert flat(result.stdout).endswith(flat(VI.DEMO_NOT_FINISHED.format(data_dir=used.resolve())))
    assert list(work.iterdir()) == [work / ".env"]


def test_a_second_member_takes_an_area_with_as_on_the_same_data_dir(tmp_path: Path) -> None:
    (tmp_path / PHOTO).write_bytes(jpeg(label="bang niem yet"))
    (tmp_path / OTHER_PHOTO).write_bytes(png(1024, 768))
    data = (tmp_path / "du-lieu").resolve()
    area_two = slice(ANSWERS.index("Có"), ANSWERS.index("Dự thảo quy định cấp giấy phép xây dựng") + 1)
    nobody = play(tmp_path, [], "--as", "Trần Thị Bình", "--data-dir", str(data))
    assert nobody.returncode == 1 and flat(VI.DEMO_NOTHING_SHARED) in flat(nobody.stdout)

    started = play(tmp_path, [ANSWERS[0], "/team"], "--data-dir", str(data))
    assert started.returncode == 1 and "Đã gửi lời mời" in started.stdout

    helper = play(tmp_path, ["2", "Bắt đầu", *ANSWERS[area_two]], "--as", "Trần Thị Bình", "--data-dir", str(data))
    assert helper.returncode == 0, helper.stdout[-2000:] + helper.stderr
    assert "Bạn đã tham gia phiên #1 của Người dùng thử" in flat(helper.stdout)
    assert "Mục 2/8 · Câu 1/" in helper.stdout
    assert flat(VI.DEMO_PART_DONE.format(data_dir=data)) in flat(helper.stdout)

    rest = [*ANSWERS[1 : area_two.start], *ANSWERS[area_two.stop :]]
    owner = play(tmp_path, ["/resume", *rest], "--sample-photos", "--data-dir", str(data))
    assert owner.returncode == 0, owner.stdout[-2000:] + owner.stderr
    assert "Mục 2/8" not in owner.stdout.split("/resume", 1)[1]  # the owner's walk skips Bình's area
    with sqlite3.connect(data / "kiemtra.sqlite3") as db:
        authors = dict(db.execute("SELECT area_id, COUNT(DISTINCT answered_by) FROM answers GROUP BY area_id"))
        by_binh = db.execute(
            "SELECT COUNT(*) FROM answers a JOIN participants p ON p.user_id = a.answered_by WHERE p.name = ?",
            ("Trần Thị Bình",),
        ).fetchone()
        assert db.execute("SELECT status FROM inspections WHERE id = 1").fetchone() == ("submitted",)
    assert set(authors.values()) == {1} and by_binh == (5,)
