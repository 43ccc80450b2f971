"""Report inputs built directly from models (no database, no bot), with real photo files made by Pillow.

Names and notes carry `<b>&` and Vietnamese diacritics on purpose: every document must show them as
typed, neither escaped twice nor read as markup.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from bot.checklist.loader import BUNDLED_CHECKLIST, load_checklist
from bot.checklist.model import NUMERIC, Checklist, Item, ItemType, rules_of
from bot.findings.snapshot import Snapshot
from bot.reports.data import InspectionReport, ReportContext, RoundReport
from storage.models import (
    Answer,
    FollowUp,
    FollowUpStatus,
    Inspection,
    Member,
    Photo,
    Remark,
    RemarkKind,
    Role,
    Round,
    Stage,
    Status,
    Team,
)

START = datetime(2026, 11, 20, 1, 15, tzinfo=UTC)  # 08:15 in Vietnam
TEAM = Team(
    id=1,
    name="Đoàn kiểm tra <b>KSTTHC</b> & số 1",
    group_chat_id=-100123,
    lead_id=501,
    invite_code="abc",
    created_at=START - timedelta(days=30),
)
MEMBERS = [
    Member(team_id=1, user_id=501, role=Role.LEAD, name="Trần Trưởng Đoàn"),
    Member(team_id=1, user_id=502, role=Role.INSPECTOR, name="Nguyễn Văn <An> & Co"),
    Member(team_id=1, user_id=503, role=Role.INSPECTOR, name="Lê Thị Hoa"),
]
ROUND = Round(
    id=3,
    team_id=1,
    name="Kiểm tra KSTTHC huyện Phú Lương 2018",
    opened_by=501,
    opened_by_name="Trần Trưởng Đoàn",
    opened_at=START - timedelta(hours=1),
    closed_by=None,
    closed_at=None,
)
UNITS = ["UBND huyện Phú Lương", "UBND xã Cổ Lũng <b>&</b>", "UBND thị trấn Đu"]


def checklist() -> Checklist:
    return load_checklist(BUNDLED_CHECKLIST)


def photo_bytes(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A distinct JPEG per seed (so hashes differ), with something drawn on it."""
    image = Image.new("RGB", size, ((seed * 53) % 256, (seed * 97) % 256, (seed * 31) % 256))
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 8, size[1] // 8, size[0] // 2, size[1] // 2), fill=(255, 255, 255))
    draw.text((20, 20), f"photo {seed}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _value_for(item_index: int, unit_index: int, item: Item, area_index: int = 0) -> str:
    if item.type is ItemType.RATING:
        if (area_index + unit_index) % 3 == 0:
            return "pass"  # some areas fully met, some not at all, so the results are not all alike
        if (area_index * 2 + unit_index) % 5 == 1:
            return "fail"
        return ("pass", "fail", "partial", "na", "pass")[(item_index + unit_index) % 5]
    if item.type is ItemType.YESNO:
        return "yes" if (item_index + unit_index) % 2 else "no"
    if item.type in NUMERIC:
        return "95"
    if item.type is ItemType.CHOICES:
        return " ".join(option.value for option in (item.options or [])[: 1 + unit_index % 2])
    return "Ghi chú <i>tự do</i> & đủ dấu: Quyết định số 12/QĐ-UBND"


def inspection_report(
    photo_dir: Path,
    unit_index: int = 1,
    *,
    inspection_id: int | None = None,
    photos_per_item: int = 1,
    round_: Round | None = ROUND,
) -> InspectionReport:
    """A submitted inspection of `UNITS[unit_index]` with every item answered, notes on every
    shortcoming, photos (files written under `photo_dir`) and a follow-up per shortcoming."""
    the_checklist = checklist()
    inspection_id = inspection_id or 10 + unit_index
    inspector = MEMBERS[1 + unit_index % 2]
    started = START + timedelta(hours=3 * unit_index)
    inspection = Inspection(
        id=inspection_id,
        team_id=TEAM.id,
        inspector_id=inspector.user_id,
        inspector_name=inspector.name,
        checklist_id=the_checklist.id,
        checklist_version=the_checklist.version,
        unit=UNITS[unit_index % len(UNITS)],
        latitude=21.6,
        longitude=105.8,
        status=Status.SUBMITTED,
        stage=Stage.REVIEW,
        pos=the_checklist.item_count,
        step=99,
        created_at=started,
        updated_at=started + timedelta(hours=2),
        submitted_at=started + timedelta(hours=2),
        round_id=round_.id if round_ else None,
    )
    # An item that opens others by their conditions is answered so that they apply: every item has an
    # answer here, and each counts.
    opening = {
        rule.item: rule.in_[0]
        for area in the_checklist.areas
        for item in area.items
        for rule in rules_of(item.show_if)
        if rule.in_
    }
    answers: dict[str, Answer] = {}
    photos: list[Photo] = []
    followups: list[FollowUp] = []
    for index in range(the_checklist.item_count):
        area_index, area, _, item = the_checklist.at(index)
        value = opening.get(item.id) or _value_for(index, unit_index, item, area_index)
        if item.type is ItemType.PHOTO:
            value = str(photos_per_item)
        note = f"Thiếu mẫu đơn <b>số {index}</b> & tờ khai" if value in ("fail", "partial") else None
        answered = started + timedelta(minutes=2 * index)
        answers[item.id] = Answer(
            item_id=item.id,
            area_id=area.id,
            value=value,
            note=note,
            answered_by=inspector.user_id,
            answered_at=answered,
        )
        if item.takes_photos:
            for copy in range(photos_per_item):
                data = photo_bytes(inspection_id * 1000 + index * 10 + copy)
                digest = hashlib.sha256(data).hexdigest()
                relative = f"{inspection_id}/{digest}.jpg"
                (photo_dir / str(inspection_id)).mkdir(parents=True, exist_ok=True)
                (photo_dir / relative).write_bytes(data)
                photos.append(
                    Photo(
                        id=len(photos) + 1 + inspection_id * 1000,
                        inspection_id=inspection_id,
                        area_id=area.id,
                        item_id=item.id,
                        sender_id=inspector.user_id,
                        sender_name=inspector.name,
                        sha256=digest,
                        size=len(data),
                        width=1600,
                        height=1200,
                        mime="image/jpeg",
                        path=relative,
                        media_group_id=None,
                        received_at=answered + timedelta(seconds=30),
                    )
                )
        if value in ("fail", "partial"):
            followups.append(
                FollowUp(
                    id=inspection_id * 100 + index,
                    team_id=TEAM.id,
                    inspection_id=inspection_id,
                    unit=inspection.unit or "",
                    area_id=area.id,
                    item_id=item.id,
                    value=value,
                    note=note,
                    due_on=date(2026, 12, 20),
                    status=FollowUpStatus.OPEN,
                    version=0,
                    created_at=started + timedelta(hours=2),
                    done_at=None,
                    done_by=None,
                    done_by_name=None,
                    done_note=None,
                )
            )
    remarks = [
        Remark(kind=RemarkKind.RECOMMENDATION, text="Bổ sung trang thiết bị <máy scan> & máy tính", created_at=started),
        Remark(kind=RemarkKind.RECOMMENDATION, text="Tập huấn phần mềm một cửa cho công chức", created_at=started),
        Remark(kind=RemarkKind.STRENGTH, text="Cán bộ một cửa nhiệt tình, đeo thẻ đầy đủ", created_at=started),
    ]
    snapshot = Snapshot(
        inspection=inspection, team=TEAM, checklist=the_checklist, answers=answers, photos=photos, remarks=remarks
    )
    return InspectionReport(snapshot=snapshot, round=round_, members=MEMBERS, followups=followups)


def round_report(photo_dir: Path, units: int = 3, photos_per_item: int = 1) -> RoundReport:
    return RoundReport(
        team=TEAM,
        round=ROUND,
        inspections=[inspection_report(photo_dir, index, photos_per_item=photos_per_item) for index in range(units)],
        superseded={},
    )


def context(photo_dir: Path) -> ReportContext:
    return ReportContext(
        issuer="UBND TỈNH THÁI NGUYÊN",
        place="Thái Nguyên",
        photo_dir=photo_dir,
        generated_at=START + timedelta(days=1),
    )
