"""The summary and review renderer, on hand-built snapshots."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.checklist.loader import parse_checklist
from bot.findings.snapshot import Snapshot
from bot.findings.summary import TEXT_SHOWN, photo_album, render_review, render_summary
from bot.texts.catalogue import VI
from bot.texts.html import esc
from handlers.split import split_html, visible_length
from storage.models import Answer, Inspection, Photo, Remark, RemarkKind, Round, Stage, Status, Team
from tests.engine_harness import SMALL_CHECKLIST

AT = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam


def snapshot(note: str = "Thiếu <mẫu> & tờ khai", unit: str = "UBND xã <b>&", photos: int = 2) -> Snapshot:
    checklist = parse_checklist(SMALL_CHECKLIST)
    inspection = Inspection(
        id=12,
        team_id=1,
        inspector_id=200,
        inspector_name="Lê <Thị> Hoa",
        checklist_id=checklist.id,
        checklist_version=1,
        unit=unit,
        latitude=None,
        longitude=None,
        status=Status.SUBMITTED,
        stage=Stage.REVIEW,
        pos=6,
        step=30,
        created_at=AT,
        updated_at=AT,
        submitted_at=AT,
    )
    team = Team(id=1, name="Đoàn & số 1", group_chat_id=-5, lead_id=100, invite_code="c", created_at=AT)

    def answer(item: str, area: str, value: str, note: str | None = None) -> Answer:
        return Answer(item_id=item, area_id=area, value=value, note=note, answered_by=200, answered_at=AT)

    answers = {
        "ke-hoach": answer("ke-hoach", "chi-dao", "fail", note),
        "co-du-thao": answer("co-du-thao", "chi-dao", "no"),
        "bang-niem-yet": answer("bang-niem-yet", "niem-yet", "partial"),
        "ty-le": answer("ty-le", "niem-yet", "98.5"),
    }
    stored = [
        Photo(
            id=i,
            inspection_id=12,
            area_id="niem-yet",
            item_id="bang-niem-yet",
            sender_id=200,
            sender_name="Lê <Thị> Hoa",
            sha256="0" * 64,
            size=100,
            width=10,
            height=10,
            mime="image/jpeg",
            path=f"12/{i}.jpg",
            media_group_id=None,
            received_at=AT,
        )
        for i in range(1, photos + 1)
    ]
    remarks = [
        Remark(kind=RemarkKind.RECOMMENDATION, text="Cấp máy scan <A4>", created_at=AT),
        Remark(kind=RemarkKind.STRENGTH, text="Cán bộ nhiệt tình", created_at=AT),
    ]
    return Snapshot(
        inspection=inspection, team=team, checklist=checklist, answers=answers, photos=stored, remarks=remarks
    )


def test_summary_names_everything_and_escapes_user_text() -> None:
    text = render_summary(VI, snapshot())
    assert "#12" in text
    assert "UBND xã &lt;b&gt;&amp;" in text and "<b>&" not in text.replace("<b>&lt;", "")
    assert "Lê &lt;Thị&gt; Hoa" in text and "Đoàn &amp; số 1" in text
    assert "09:30 – 09:30 ngày 25/11/2026" in text
    assert "Thiếu &lt;mẫu&gt; &amp; tờ khai" in text and "<b>Không đạt</b>" in text and "<b>Một phần</b>" in text
    assert "Cấp máy scan &lt;A4&gt;" in text and "Cán bộ nhiệt tình" in text
    assert "Tỷ lệ hồ sơ đúng hạn (%): <b>98,5 %</b>" in text and "Ảnh minh chứng: 2" in text
    for heading in ("Kết quả đạt được khác", "Tồn tại, hạn chế", "Kiến nghị của đơn vị"):
        assert heading in text


def test_shortcomings_come_first_and_the_round_is_named() -> None:
    """On a phone the group reads what needs acting on before what went well."""
    named = Round(
        id=3, team_id=1, name="Đợt <1> & 2026", opened_by=100, opened_by_name="A", opened_at=AT, closed_by=None,
        closed_at=None,
    )  # fmt: skip
    text = render_summary(VI, snapshot().model_copy(update={"round": named}))
    assert "🗂 Đợt: Đợt &lt;1&gt; &amp; 2026" in text
    assert text.index("Tồn tại, hạn chế") < text.index("Kết quả theo lĩnh vực") < text.index("Kết quả đạt được khác")
    base = snapshot()
    passed = base.answers["ke-hoach"].model_copy(update={"value": "pass", "note": None})
    text = render_summary(VI, base.model_copy(update={"answers": {**base.answers, "ke-hoach": passed}}))
    assert "✅ Đạt 1/1 tiêu chí" in text and "kế hoạch" not in text  # criteria met are counted, not listed


def test_the_units_representatives_and_opinion_take_a_line_each() -> None:
    voice = [
        Remark(kind=RemarkKind.REPRESENTATIVE, text="Ông Nguyễn Văn Bình – Chủ tịch UBND xã", created_at=AT),
        Remark(kind=RemarkKind.REPRESENTATIVE, text="Lê Thị <Mai> – Công chức", created_at=AT),
        Remark(kind=RemarkKind.OPINION, text="Đơn vị nhất trí.", created_at=AT),
    ]
    base = snapshot()
    text = render_summary(VI, base.model_copy(update={"remarks": base.remarks + voice}))
    assert "👤 Đại diện đơn vị: Ông Nguyễn Văn Bình, Lê Thị &lt;Mai&gt;" in text
    assert "💬 Ý kiến của đơn vị: Đơn vị nhất trí." in text
    assert "Đại diện đơn vị" not in render_summary(VI, base)


def test_counts_per_area() -> None:
    text = render_summary(VI, snapshot())
    assert "<b>1/2. Chỉ đạo, điều hành</b>\n   ✅ Đạt 0/1 tiêu chí · ❌ 1" in text
    assert "<b>2/2. Công khai, niêm yết TTHC</b>\n   ✅ Đạt 0/1 tiêu chí · 🟡 1 · 📷 2" in text


def test_a_huge_note_is_cut_in_the_summary_which_stays_one_message() -> None:
    """The record has the note in full; the group reads its start."""
    note = "Ghi chú dài <b> & " + "rất " * 1500
    text = render_summary(VI, snapshot(note=note))
    parts = split_html(text)
    assert len(parts) == 1 and visible_length(parts[0]) <= 4096
    assert f": {esc(note[: TEXT_SHOWN - 1].rstrip())}…" in text


def test_review_asks_to_submit() -> None:
    assert "Gửi kết quả" in render_review(VI, snapshot())


def test_album_captions_name_the_item() -> None:
    album = photo_album(VI, snapshot(photos=3), Path("/data/photos"))
    assert len(album) == 3
    assert album[0].path == Path("/data/photos/12/1.jpg")
    assert "Tiêu chí 2.1: Bảng niêm yết TTHC dễ quan sát" in album[0].caption
    assert "Lê &lt;Thị&gt; Hoa" in album[0].caption


def test_times_are_shown_in_vietnam_time() -> None:
    from datetime import timedelta

    from bot.texts.formats import time_range

    evening = datetime(2026, 11, 25, 16, 50, tzinfo=UTC)  # 23:50 in Vietnam
    assert time_range(VI, evening, evening + timedelta(minutes=20)) == "23:50 ngày 25/11/2026 – 00:10 ngày 26/11/2026"
    assert time_range(VI, AT, None) == "09:30 ngày 25/11/2026"
