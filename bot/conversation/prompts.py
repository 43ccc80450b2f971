"""The message for wherever the cursor stands: the question, its buttons and where we are.

Every function takes the catalogue of the person being asked, and shows the checklist's wording in
their language where the checklist has it.
"""

from __future__ import annotations

from bot.buttons import Action, Token
from bot.checklist.kinds import kind_of
from bot.checklist.model import Checklist, Item, PhotoRule
from bot.events import Button
from bot.texts.catalogue import Messages
from bot.texts.html import esc
from storage.models import Answer, Inspection, Stage

CHOICE_PAIRED = 18  # the longest answer that still shares a row of buttons with another


def button(inspection: Inspection, label: str, action: Action, arg: str = "") -> Button:
    token = Token(action=action, inspection_id=inspection.id, step=inspection.step, arg=arg)
    return Button(label=label, data=token.encode())


def position(t: Messages, checklist: Checklist, pos: int) -> str:
    """'Mục 3/8 · Câu 2/5' keeps people oriented on a small screen."""
    area_index, area, item_index, _ = checklist.at(pos)
    return t.POSITION.format(
        area=area_index + 1, areas=len(checklist.areas), item=item_index + 1, items=len(area.items)
    )


def number(checklist: Checklist, pos: int) -> str:
    """'3.2': area and question, short enough to lead a line of what was answered."""
    area_index, _, item_index, _ = checklist.at(pos)
    return f"{area_index + 1}.{item_index + 1}"


def nav_row(t: Messages, inspection: Inspection, skippable: bool) -> list[Button]:
    row = [button(inspection, t.BACK, Action.BACK)]
    if skippable:
        row.append(button(inspection, t.SKIP, Action.SKIP))
    return row


def item_header(t: Messages, checklist: Checklist, pos: int) -> str:
    _, area, _, _ = checklist.at(pos)
    return f"<b>{position(t, checklist, pos)}</b> · {esc(area.title_in(t.lang))}"


def question(
    t: Messages, checklist: Checklist, inspection: Inspection, answer: Answer | None, guidance: bool = False
) -> tuple[str, list[list[Button]]]:
    """The question at the cursor, its buttons and how to answer it; `guidance`: with its help and basis
    opened below it (the «❓» button pressed), in place of the button."""
    pos = inspection.pos
    _, _, _, item = checklist.at(pos)
    lines = [item_header(t, checklist, pos), ""]
    intro = item.intro_in(t.lang)
    if intro:
        lines += [f"<i>{esc(intro)}</i>", ""]
    lines.append(esc(item.prompt_in(t.lang)))
    if item.photo is PhotoRule.REQUIRED:
        lines.append(t.QUESTION_PHOTO_REQUIRED)
    elif item.photo is PhotoRule.OPTIONAL:
        lines.append(t.QUESTION_PHOTO_OPTIONAL)
    kind = kind_of(item)
    hint = kind.hint(t, item)
    if hint:
        lines.append(hint)
    current = answer.value if answer else None
    if current is not None:
        lines.append(t.ANSWERED.format(value=esc(kind.label(t, item, current))))
    if guidance:
        lines += ["", *guidance_lines(t, item)]
    rows = choice_rows([button(inspection, label, Action.VALUE, arg) for arg, label in kind.buttons(t, item, current)])
    if kind.toggled:
        rows.append([button(inspection, t.DONE, Action.DONE)])
    if item.guided and not guidance:
        rows.append([button(inspection, t.HELP_BUTTON, Action.HELP)])
    rows.append(nav_row(t, inspection, not item.required))
    return "\n".join(lines), rows


def choice_rows(choices: list[Button]) -> list[list[Button]]:
    """Two answers a row where both fit a phone's width, else one a row."""
    if any(len(choice.label) > CHOICE_PAIRED for choice in choices):
        return [[choice] for choice in choices]
    return [choices[i : i + 2] for i in range(0, len(choices), 2)]


def guidance_lines(t: Messages, item: Item) -> list[str]:
    """What the «❓» button opens: what to look at and how to judge, then the legal text it rests on."""
    lines = []
    help_text = item.help_in(t.lang)
    if help_text:
        lines.append(esc(help_text))
    if item.basis:
        lines.append(t.HELP_BASIS.format(basis=esc(item.basis)))
    return lines


def photo_request(
    t: Messages, checklist: Checklist, inspection: Inspection, count: int
) -> tuple[str, list[list[Button]]]:
    pos = inspection.pos
    _, _, _, item = checklist.at(pos)
    rule = t.PHOTO_RULE_REQUIRED if item.photo is PhotoRule.REQUIRED else t.PHOTO_RULE_OPTIONAL
    lines = [item_header(t, checklist, pos), "", t.ASK_PHOTOS.format(rule=rule, prompt=esc(item.prompt_in(t.lang)))]
    if count:
        lines.append(t.PHOTOS_SO_FAR.format(count=count))
    return "\n".join(lines), [[button(inspection, t.DONE, Action.DONE)], nav_row(t, inspection, False)]


def note_request(
    t: Messages, checklist: Checklist, inspection: Inspection, answer: Answer | None
) -> tuple[str, list[list[Button]]]:
    pos = inspection.pos
    _, _, _, item = checklist.at(pos)
    chosen = t.RATING_LABELS.get(answer.value, "") if answer else ""
    lines = [item_header(t, checklist, pos), f"{esc(item.prompt_in(t.lang))} → <b>{chosen}</b>", "", t.ASK_NOTE]
    return "\n".join(lines), [nav_row(t, inspection, True)]


def stage_of_location(t: Messages, inspection: Inspection) -> tuple[str, list[list[Button]]]:
    text = t.ASK_LOCATION.format(unit=esc(inspection.unit or ""))
    return text, [nav_row(t, inspection, True)]


def remarks_request(t: Messages, inspection: Inspection, count: int) -> tuple[str, list[list[Button]]]:
    text = t.ASK_RECOMMENDATIONS if inspection.stage is Stage.RECOMMENDATIONS else t.ASK_STRENGTHS
    first = button(inspection, t.DONE, Action.DONE) if count else button(inspection, t.SKIP, Action.SKIP)
    if count:
        text += "\n" + t.REMARKS_SO_FAR.format(count=count)
    return text, [[first], [button(inspection, t.BACK, Action.BACK)]]


AGREE = "agree"  # the opinion button's argument: the unit agrees with the findings


def unit_voice_request(t: Messages, inspection: Inspection, count: int) -> tuple[str, list[list[Button]]]:
    """The unit's representatives, then its opinion on the findings: the record's own words from the unit.
    Its usual opinion, agreement, is one tap."""
    representatives = inspection.stage is Stage.REPRESENTATIVES
    text = t.ASK_REPRESENTATIVES if representatives else t.ASK_OPINION
    first = button(inspection, t.DONE, Action.DONE) if count else button(inspection, t.SKIP, Action.SKIP)
    rows = [[first], [button(inspection, t.BACK, Action.BACK)]]
    if count:
        text += "\n" + t.REMARKS_SO_FAR.format(count=count)
    elif not representatives:
        rows.insert(0, [button(inspection, t.OPINION_AGREE, Action.VALUE, AGREE)])
    return text, rows


def review_buttons(t: Messages, inspection: Inspection) -> list[list[Button]]:
    return [
        [button(inspection, t.SUBMIT, Action.SUBMIT)],
        [button(inspection, t.BACK, Action.BACK), button(inspection, t.CANCEL, Action.CANCEL_ASK)],
    ]
