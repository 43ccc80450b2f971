"""The message for wherever the cursor stands: the question, its buttons and where we are."""

from __future__ import annotations

from bot import texts
from bot.callbacks import Action, Token
from bot.checklist import Checklist, ItemType, PhotoRule
from bot.events import Button
from bot.flow import VALUES
from bot.html import esc
from bot.summary import value_label
from storage.models import Answer, Inspection, Stage


def button(inspection: Inspection, label: str, action: Action, arg: str = "") -> Button:
    token = Token(action=action, inspection_id=inspection.id, step=inspection.step, arg=arg)
    return Button(label=label, data=token.encode())


def position(checklist: Checklist, pos: int) -> str:
    """'Mục 3/8 · Câu 2/5' keeps people oriented on a small screen."""
    area_index, area, item_index, _ = checklist.at(pos)
    return f"Mục {area_index + 1}/{len(checklist.areas)} · Câu {item_index + 1}/{len(area.items)}"


def nav_row(inspection: Inspection, skippable: bool) -> list[Button]:
    row = [button(inspection, texts.BACK, Action.BACK)]
    if skippable:
        row.append(button(inspection, texts.SKIP, Action.SKIP))
    return row


def item_header(checklist: Checklist, pos: int) -> str:
    _, area, _, _ = checklist.at(pos)
    return f"<b>{position(checklist, pos)}</b> · {esc(area.title)}"


def question(checklist: Checklist, inspection: Inspection, answer: Answer | None) -> tuple[str, list[list[Button]]]:
    pos = inspection.pos
    _, _, _, item = checklist.at(pos)
    lines = [item_header(checklist, pos), "", esc(item.prompt)]
    if item.photo is PhotoRule.REQUIRED:
        lines.append("<i>📷 Cần ảnh minh chứng.</i>")
    elif item.photo is PhotoRule.OPTIONAL:
        lines.append("<i>📷 Có thể kèm ảnh minh chứng.</i>")
    if item.type is ItemType.NUMBER:
        lines.append("<i>Nhập một số.</i>")
    elif item.type is ItemType.TEXT:
        lines.append("<i>Nhập câu trả lời.</i>")
    if answer:
        lines.append(f"Đã trả lời: <b>{esc(value_label(item, answer.value))}</b>")
    rows: list[list[Button]] = []
    if item.type in VALUES:
        labels = texts.RATING_LABELS if item.type is ItemType.RATING else texts.YESNO_LABELS
        choices = [button(inspection, labels[value], Action.VALUE, value) for value in VALUES[item.type]]
        rows += [choices[i : i + 2] for i in range(0, len(choices), 2)]
    rows.append(nav_row(inspection, not item.required))
    return "\n".join(lines), rows


def photo_request(checklist: Checklist, inspection: Inspection, count: int) -> tuple[str, list[list[Button]]]:
    pos = inspection.pos
    _, _, _, item = checklist.at(pos)
    rule = "bắt buộc ít nhất 1 ảnh" if item.photo is PhotoRule.REQUIRED else "không bắt buộc"
    lines = [
        item_header(checklist, pos),
        "",
        f"📷 <b>Ảnh minh chứng</b> ({rule}) cho: {esc(item.prompt)}",
        "Gửi một hoặc nhiều ảnh (có thể gửi cả album), xong thì bấm «Xong».",
    ]
    if count:
        lines.append(f"Đã có {count} ảnh.")
    return "\n".join(lines), [[button(inspection, texts.DONE, Action.DONE)], nav_row(inspection, False)]


def note_request(checklist: Checklist, inspection: Inspection, answer: Answer | None) -> tuple[str, list[list[Button]]]:
    pos = inspection.pos
    _, _, _, item = checklist.at(pos)
    chosen = texts.RATING_LABELS.get(answer.value, "") if answer else ""
    lines = [item_header(checklist, pos), f"{esc(item.prompt)} → <b>{chosen}</b>", "", texts.ASK_NOTE]
    return "\n".join(lines), [nav_row(inspection, True)]


def stage_of_location(inspection: Inspection) -> tuple[str, list[list[Button]]]:
    text = texts.ASK_LOCATION.format(unit=esc(inspection.unit or ""))
    return text, [nav_row(inspection, True)]


def remarks_request(inspection: Inspection, count: int) -> tuple[str, list[list[Button]]]:
    text = texts.ASK_RECOMMENDATIONS if inspection.stage is Stage.RECOMMENDATIONS else texts.ASK_STRENGTHS
    first = button(inspection, texts.DONE, Action.DONE) if count else button(inspection, texts.SKIP, Action.SKIP)
    if count:
        text += f"\nĐã ghi {count} ý."
    return text, [[first], [button(inspection, texts.BACK, Action.BACK)]]


def review_buttons(inspection: Inspection) -> list[list[Button]]:
    return [
        [button(inspection, texts.SUBMIT, Action.SUBMIT)],
        [button(inspection, texts.BACK, Action.BACK), button(inspection, texts.CANCEL, Action.CANCEL_ASK)],
    ]
