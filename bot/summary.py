"""The inspection as people read it: the review before submitting and the summary in the team group.

Both are built from one `Snapshot` so that what the inspector confirms is exactly what the team lead
receives. Output is Telegram HTML; every user-supplied string passes through `esc`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot import texts
from bot.checklist import Area, Checklist, Item, ItemType
from bot.events import OutPhoto
from bot.html import esc
from storage.models import Answer, Inspection, Photo, Remark, RemarkKind, Team


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True)

    inspection: Inspection
    team: Team
    checklist: Checklist
    answers: dict[str, Answer]
    photos: list[Photo]
    remarks: list[Remark]

    def remarks_of(self, kind: RemarkKind) -> list[str]:
        return [remark.text for remark in self.remarks if remark.kind is kind]

    def photos_of(self, item_id: str) -> list[Photo]:
        return [photo for photo in self.photos if photo.item_id == item_id]


def value_label(item: Item, value: str) -> str:
    if item.type is ItemType.RATING:
        return texts.RATING_LABELS.get(value, value)
    if item.type is ItemType.YESNO:
        return texts.YESNO_LABELS.get(value, value)
    if item.type is ItemType.PHOTO:
        return f"{value} ảnh"
    return value


def area_counts(snapshot: Snapshot, area: Area) -> Counter[str]:
    counts: Counter[str] = Counter()
    for item in area.items:
        answer = snapshot.answers.get(item.id)
        if answer and item.type is ItemType.RATING:
            counts[answer.value] += 1
    return counts


def _area_line(index: int, total: int, snapshot: Snapshot, area: Area) -> str:
    counts = area_counts(snapshot, area)
    rated = " · ".join(f"{texts.RATING_ICONS[key]} {counts[key]}" for key in ("pass", "partial", "fail", "na"))
    photos = sum(len(snapshot.photos_of(item.id)) for item in area.items)
    extra = f" · 📷 {photos}" if photos else ""
    return f"<b>{index}/{total}. {esc(area.title)}</b>\n   {rated}{extra}"


def _strip_question(prompt: str) -> str:
    return prompt.rstrip(" ?")


def _shortcomings(snapshot: Snapshot) -> list[str]:
    lines: list[str] = []
    for number, area in enumerate(snapshot.checklist.areas, start=1):
        for item in area.items:
            answer = snapshot.answers.get(item.id)
            if not answer or answer.value not in ("fail", "partial"):
                continue
            note = f": {esc(answer.note)}" if answer.note else ""
            lines.append(
                f"• [Mục {number}] {esc(_strip_question(item.prompt))} — "
                f"<b>{texts.RATING_LABELS[answer.value]}</b>{note}"
            )
    return lines


def _achievements(snapshot: Snapshot) -> list[str]:
    lines = [
        f"• {esc(_strip_question(item.prompt))}"
        for area in snapshot.checklist.areas
        for item in area.items
        if (answer := snapshot.answers.get(item.id)) and answer.value == "pass"
    ]
    lines += [f"• {esc(text)}" for text in snapshot.remarks_of(RemarkKind.STRENGTH)]
    return lines


def _figures(snapshot: Snapshot) -> list[str]:
    """Numbers, yes/no facts and free-text notes: recorded, but neither strengths nor shortcomings."""
    lines = []
    for area in snapshot.checklist.areas:
        for item in area.items:
            answer = snapshot.answers.get(item.id)
            if answer and item.type in (ItemType.NUMBER, ItemType.YESNO, ItemType.TEXT):
                lines.append(f"• {esc(_strip_question(item.prompt))}: <b>{esc(value_label(item, answer.value))}</b>")
    return lines


def _section(title: str, lines: list[str], empty: str) -> list[str]:
    return ["", f"<b>{title}</b>", *(lines or [f"<i>{empty}</i>"])]


def _header(snapshot: Snapshot, title: str) -> list[str]:
    inspection = snapshot.inspection
    lines = [
        f"<b>{title} #{inspection.id}</b>",
        f"🏛 Đơn vị: <b>{esc(inspection.unit or '(chưa nhập)')}</b>",
        f"👤 Người kiểm tra: {esc(inspection.inspector_name)}",
        f"👥 Đoàn: {esc(snapshot.team.name)}",
        f"🕘 Thời gian: {texts.time_range(inspection.created_at, inspection.submitted_at)}",
    ]
    if inspection.latitude is not None and inspection.longitude is not None:
        lines.append(f"📍 Vị trí: {inspection.latitude:.5f}, {inspection.longitude:.5f}")
    return lines


def _body(snapshot: Snapshot) -> list[str]:
    areas = snapshot.checklist.areas
    lines = ["", "<b>Kết quả theo mục</b> (✅ Đạt · 🟡 Một phần · ❌ Không đạt · ➖ Không áp dụng)"]
    lines += [_area_line(i, len(areas), snapshot, area) for i, area in enumerate(areas, start=1)]
    lines += _section("Kết quả đạt được", _achievements(snapshot), "Chưa ghi nhận.")
    lines += _section("Tồn tại, hạn chế", _shortcomings(snapshot), "Không có.")
    figures = _figures(snapshot)
    if figures:
        lines += _section("Số liệu, thông tin ghi nhận", figures, "")
    recommendations = [f"• {esc(text)}" for text in snapshot.remarks_of(RemarkKind.RECOMMENDATION)]
    lines += _section("Kiến nghị của đơn vị", recommendations, "Không có.")
    lines += ["", f"📷 Ảnh minh chứng: {len(snapshot.photos)}"]
    return lines


def render_summary(snapshot: Snapshot) -> str:
    return "\n".join(_header(snapshot, "📋 KẾT QUẢ KIỂM TRA") + _body(snapshot))


def render_review(snapshot: Snapshot) -> str:
    footer = ["", "Kiểm tra lại rồi bấm <b>«Gửi kết quả»</b>. Sau khi gửi, phiên không sửa được nữa."]
    return "\n".join(_header(snapshot, "🔎 XEM LẠI PHIÊN") + _body(snapshot) + footer)


def photo_album(snapshot: Snapshot, photo_dir: Path) -> list[OutPhoto]:
    """Evidence in checklist order, each captioned with the item it proves."""
    order = {
        item.id: pos
        for pos, (_, _, _, item) in enumerate(map(snapshot.checklist.at, range(snapshot.checklist.item_count)))
    }
    photos = sorted(snapshot.photos, key=lambda photo: (order.get(photo.item_id, 1 << 30), photo.id))
    album = []
    for photo in photos:
        found = snapshot.checklist.find(photo.item_id)
        where = ""
        if found:
            pos, _, item = found
            area_index, _, item_index, _ = snapshot.checklist.at(pos)
            where = f"Mục {area_index + 1} · Câu {item_index + 1}: {_strip_question(item.prompt)}"
        caption = f"#{snapshot.inspection.id} · {where}\n{texts.short_time(photo.received_at)} · {photo.sender_name}"
        album.append(
            OutPhoto(
                path=photo_dir / photo.path,
                caption=esc(caption[:900]),
                mime=photo.mime,
                size=photo.size,
                width=photo.width,
                height=photo.height,
            )
        )
    return album
