"""The inspection as people read it: the review before submitting and the summary in the team group.

Both are built from one `Snapshot` so that what the inspector confirms is exactly what the team lead
receives, each in the catalogue it is rendered with: the review in the inspector's language, the summary
in Vietnamese for the group. Output is Telegram HTML; every user-supplied string passes through `esc`.

Both are read on a phone, so what needs acting on comes first: the shortcomings, then each area as a
count of the criteria it met ("Đạt 22/26 tiêu chí"; the record lists them all), the strengths the inspector
noted, the figures (numbers as typed: "97,5 %"), the unit's recommendations, its representatives and its
opinion. Both stay a few messages long whatever was entered. Each list shows its first LIST_SHOWN entries
and then how many more there are, and each note, text answer or remark is cut at TEXT_SHOWN characters;
the representatives and the opinion take one line each. With the bundled checklist the longest summary
stays within Telegram's 3 messages of 4,096 characters (`tests/test_limits.py` fills every field to its
cap). Uncapped, one inspection of 500 photos and 500 remarks filled 1,003 messages, holding the group's
later messages back for 50 minutes at 20 a minute.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.answers import SHORTCOMINGS, VERDICTS, Value
from bot.checklist.kinds import kind_of, value_label
from bot.checklist.model import Area
from bot.events import OutPhoto
from bot.findings.people import stored_representative
from bot.findings.results import Score, ruled_out_of, scores
from bot.findings.snapshot import Snapshot, answerer_ids_by_area
from bot.texts import catalogue as texts
from bot.texts import formats
from bot.texts.catalogue import Messages
from bot.texts.html import esc
from storage.models import Answer, RemarkKind

LIST_SHOWN = 8
TEXT_SHOWN = 200


def area_counts(snapshot: Snapshot, area: Area) -> Counter[str]:
    counts: Counter[str] = Counter()
    for item in area.items:
        answer = snapshot.answers.get(item.id)
        if answer and kind_of(item).rated:
            counts[answer.value] += 1
    return counts


def _area_line(t: Messages, index: int, total: int, snapshot: Snapshot, area: Area, score: Score | None) -> str:
    """'Đạt 3/4 tiêu chí · 🟡 1', the criteria met folded into a count (the record lists them), then the
    area's score under a scoring checklist and how many items its answers ruled out."""
    counts = area_counts(snapshot, area)
    rated = sum(counts[key] for key in VERDICTS if key != Value.NA)
    ruled = len(ruled_out_of(snapshot, area))
    if rated:
        shown = t.SUMMARY_AREA_MET.format(passed=counts[Value.PASS], rated=rated)
        short = [f"{texts.RATING_ICONS[key]} {counts[key]}" for key in (Value.PARTIAL, Value.FAIL) if counts[key]]
        if score is not None and score.rate is not None:
            short.append(t.SUMMARY_AREA_SCORE.format(score=formats.percent(score.rate)))
        shown = " · ".join([shown, *short])
    elif ruled == len(area.items):
        shown, ruled = t.SUMMARY_AREA_SKIPPED, 0
    else:
        shown = t.SUMMARY_AREA_NONE
    if ruled:
        shown += " · " + t.SUMMARY_AREA_RULED.format(count=ruled)
    photos = sum(len(snapshot.photos_of(item.id)) for item in area.items)
    extra = f" · 📷 {photos}" if photos else ""
    return f"<b>{index}/{total}. {esc(area.title_in(t.lang))}</b>\n   {shown}{extra}"


def _mark(t: Messages, answer: Answer) -> str:
    """' (đã sửa)' after an answer corrected after submit, so nobody takes it for the one signed on site."""
    return f" {t.AMENDED_MARK}" if answer.amended else ""


def _corrections(t: Messages, snapshot: Snapshot) -> list[str]:
    """The criteria corrected after submit, by number, so a shortcoming corrected away is not silently gone."""
    numbers = []
    for area_number, area in enumerate(snapshot.checklist.areas, start=1):
        for item_number, item in enumerate(area.items, start=1):
            answer = snapshot.answers.get(item.id)
            if answer is not None and answer.amended:
                numbers.append(f"{area_number}.{item_number}")
    return ["", t.SUMMARY_CORRECTED.format(items=", ".join(numbers))] if numbers else []


def _strip_question(prompt: str) -> str:
    return prompt.rstrip(" ?")


def _brief(text: str) -> str:
    """What a person typed, escaped, and cut at TEXT_SHOWN characters where it is longer."""
    return esc(formats.cut(text, TEXT_SHOWN))


def _shortcomings(t: Messages, snapshot: Snapshot) -> list[str]:
    lines: list[str] = []
    for number, area in enumerate(snapshot.checklist.areas, start=1):
        for item in area.items:
            answer = snapshot.answers.get(item.id)
            if not answer or not kind_of(item).rated or answer.value not in SHORTCOMINGS:
                continue
            note = f": {_brief(answer.note)}" if answer.note else ""
            lines.append(
                f"• [{t.AREA_NUMBER.format(area=number)}] {esc(_strip_question(item.prompt_in(t.lang)))} — "
                f"<b>{t.RATING_LABELS[answer.value]}</b>{_mark(t, answer)}{note}"
            )
    return lines


def _unit_voice(t: Messages, snapshot: Snapshot) -> list[str]:
    """The unit's representatives and opinion, a line each, only where the inspector entered them."""
    lines = []
    people = [stored_representative(text).name for text in snapshot.remarks_of(RemarkKind.REPRESENTATIVE)]
    if people:
        lines.append(t.SUMMARY_REPRESENTATIVES.format(names=_brief(", ".join(people))))
    opinion = snapshot.remarks_of(RemarkKind.OPINION)
    if opinion:
        lines.append(t.SUMMARY_OPINION.format(opinion=_brief(" ".join(opinion))))
    return ["", *lines] if lines else []


def _figures(t: Messages, snapshot: Snapshot) -> list[str]:
    """Numbers, yes/no facts and free-text notes: recorded, but neither strengths nor shortcomings."""
    lines = []
    for area in snapshot.checklist.areas:
        for item in area.items:
            answer = snapshot.answers.get(item.id)
            if answer and kind_of(item).figure:
                prompt = esc(_strip_question(item.prompt_in(t.lang)))
                lines.append(f"• {prompt}: <b>{_brief(value_label(t, item, answer.value))}</b>{_mark(t, answer)}")
    return lines


def _section(t: Messages, title: str, lines: list[str], empty: str) -> list[str]:
    shown = lines[:LIST_SHOWN]
    if len(lines) > LIST_SHOWN:
        shown.append(t.SUMMARY_MORE.format(count=len(lines) - LIST_SHOWN))
    return ["", f"<b>{title}</b>", *(shown or [f"<i>{empty}</i>"])]


def _inspectors(t: Messages, snapshot: Snapshot) -> str:
    """The owner, or, where others answered too, each person with the areas they answered, so the lead
    knows whom to ask about what: "Nguyễn Văn An (lĩnh vực 1–3, 5); Lê Thị Hoa (lĩnh vực 4)"."""
    if not snapshot.shared:
        return t.SUMMARY_INSPECTOR.format(name=esc(snapshot.inspection.inspector_name))
    numbers = {area.id: number for number, area in enumerate(snapshot.checklist.areas, start=1)}
    areas: dict[int, list[int]] = {}
    for area_id, people in answerer_ids_by_area(snapshot).items():
        for person in people:
            areas.setdefault(person, []).append(numbers[area_id])
    said = [
        (t.SUMMARY_PERSON_AREA if len(answered) == 1 else t.SUMMARY_PERSON_AREAS).format(
            name=esc(snapshot.name_of(person)), areas=formats.spans(answered)
        )
        for person, answered in areas.items()
    ]
    return t.SUMMARY_INSPECTORS.format(people="; ".join(said))


def _header(t: Messages, snapshot: Snapshot, title: str) -> list[str]:
    inspection = snapshot.inspection
    lines = [
        f"<b>{title} #{inspection.id}</b>",
        t.SUMMARY_UNIT.format(unit=esc(inspection.unit or t.UNIT_MISSING)),
        _inspectors(t, snapshot),
        t.SUMMARY_TEAM.format(team=esc(snapshot.team.name)),
        t.SUMMARY_TIME.format(time=formats.time_range(t, inspection.created_at, inspection.submitted_at)),
    ]
    if snapshot.round is not None:
        lines.append(t.SUMMARY_ROUND.format(round=esc(snapshot.round.name)))
    if inspection.latitude is not None and inspection.longitude is not None:
        lines.append(t.SUMMARY_PLACE.format(latitude=inspection.latitude, longitude=inspection.longitude))
    return lines


def _body(t: Messages, snapshot: Snapshot) -> list[str]:
    areas = snapshot.checklist.areas
    scored = scores(snapshot)
    by_area: list[Score | None] = list(scored[0]) if scored else [None] * len(areas)
    lines = _section(t, t.SECTION_SHORTCOMINGS, _shortcomings(t, snapshot), t.NOTHING)
    lines += ["", t.SUMMARY_AREAS]
    if scored is not None and scored[1].rate is not None:
        lines.append(t.SUMMARY_SCORE.format(score=formats.percent(scored[1].rate)))
    lines += [_area_line(t, i, len(areas), snapshot, area, by_area[i - 1]) for i, area in enumerate(areas, start=1)]
    strengths = [f"• {_brief(text)}" for text in snapshot.remarks_of(RemarkKind.STRENGTH)]
    if strengths:
        lines += _section(t, t.SECTION_ACHIEVEMENTS, strengths, "")
    figures = _figures(t, snapshot)
    if figures:
        lines += _section(t, t.SECTION_FIGURES, figures, "")
    recommendations = [f"• {_brief(text)}" for text in snapshot.remarks_of(RemarkKind.RECOMMENDATION)]
    lines += _section(t, t.SECTION_RECOMMENDATIONS, recommendations, t.NOTHING)
    lines += _unit_voice(t, snapshot)
    lines += ["", t.SUMMARY_PHOTOS.format(count=len(snapshot.photos))]
    lines += _corrections(t, snapshot)
    return lines


def render_summary(t: Messages, snapshot: Snapshot) -> str:
    return "\n".join(_header(t, snapshot, t.SUMMARY_TITLE) + _body(t, snapshot))


def render_review(t: Messages, snapshot: Snapshot) -> str:
    footer = ["", t.REVIEW_FOOTER]
    return "\n".join(_header(t, snapshot, t.REVIEW_TITLE) + _body(t, snapshot) + footer)


def photo_album(t: Messages, snapshot: Snapshot, photo_dir: Path) -> list[OutPhoto]:
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
            place = t.AREA_ITEM.format(area=area_index + 1, item=item_index + 1)
            where = f"{place}: {_strip_question(item.prompt_in(t.lang))}"
        caption = f"#{snapshot.inspection.id} · {where}\n{formats.short_time(photo.received_at)} · {photo.sender_name}"
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
