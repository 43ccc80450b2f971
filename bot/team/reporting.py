"""`/report` and `/stats` in the team's group: choosing a document, and asking for it to be delivered.

The engine only decides which document goes to which chat; the file itself is built when the reply
is delivered (see `bot.reports.service`), outside any transaction, from what is stored by then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from bot.buttons import GroupAction, GroupToken, group_button
from bot.checklist.versions import ChecklistVersions
from bot.events import Button, ReportFile, ReportKind, ReportRequest
from bot.findings.statistics import Counted, Tally, by_checklist, counted, scored, tally
from bot.reports.archive import plan_parts
from bot.reports.data import latest_per_unit
from bot.texts import formats
from bot.texts.catalogue import Messages
from bot.texts.html import esc
from bot.turn import Turn
from storage.models import Inspection, Round, Status, Team
from storage.port import Tx

# Telegram lets a bot upload documents of at most 50 MB; the archive is split below that, with room
# for the multipart encoding.
TELEGRAM_UPLOAD_LIMIT = 50 * 2**20
ARCHIVE_PART_LIMIT = 48 * 2**20
RECENT_WITHOUT_ROUND = 10
CHOICES = ("rec", "rnd", "xls", "zip")  # button arguments: record, round report, workbook, archive


def _choices(t: Messages) -> dict[str, str]:
    return dict(zip(CHOICES, (t.REPORT_RECORD, t.REPORT_ROUND, t.REPORT_WORKBOOK, t.REPORT_ARCHIVE), strict=True))


def _request(turn: Turn, request: ReportRequest) -> None:
    turn.out.append(ReportFile(chat_id=turn.msg.chat.id, request=request))


class Reports:
    def __init__(self, versions: ChecklistVersions, part_limit: int = ARCHIVE_PART_LIMIT) -> None:
        self.versions = versions
        self.part_limit = part_limit

    # --- /report -------------------------------------------------------------------------------

    async def command(self, turn: Turn, team: Team, args: str) -> None:
        tx = turn.tx
        wanted = args.strip()
        if wanted:
            chosen = await tx.rounds.get(int(wanted)) if wanted.isdigit() and len(wanted) <= 12 else None
            if chosen is None or chosen.team_id != team.id:
                turn.say(turn.t.REPORT_NO_ROUND.format(id=esc(wanted[:20])))
                return
        else:
            chosen = await tx.rounds.latest_of(team.id)
        if chosen is None:
            await self._choose_unit(
                turn, await tx.inspections.submitted_of_team(team.id, RECENT_WITHOUT_ROUND), with_intro=True
            )
            return
        submitted = await tx.inspections.submitted_in_round(chosen.id)
        turn.say(
            turn.t.REPORT_MENU.format(
                name=esc(chosen.name),
                id=chosen.id,
                state=turn.t.ROUND_OPEN_STATE if chosen.is_open else turn.t.ROUND_CLOSED_STATE,
                submitted=len(submitted),
            ),
            [[group_button(label, GroupAction.REPORT, chosen.id, key)] for key, label in _choices(turn.t).items()],
        )

    async def _choose_unit(self, turn: Turn, inspections: list[Inspection], *, with_intro: bool = False) -> None:
        if not inspections:
            turn.say(turn.t.REPORT_NOTHING)
            return
        rows: list[list[Button]] = [
            [group_button(f"#{i.id} · {(i.unit or '')[:40]}", GroupAction.RECORD, i.id)] for i in inspections
        ]
        turn.say(turn.t.REPORT_MENU_NO_ROUND if with_intro else turn.t.REPORT_CHOOSE_UNIT, rows)

    async def tap(self, turn: Turn, team: Team, token: GroupToken) -> None:
        """Any member may ask for a document; the button must belong to this group's team."""
        tx = turn.tx
        if token.action is GroupAction.RECORD:
            inspection = await tx.inspections.get(token.subject)
            if inspection is None or inspection.team_id != team.id or inspection.status is not Status.SUBMITTED:
                turn.toast(turn.t.OTHER_TEAM_BUTTON)
                return
            turn.toast(turn.t.REPORT_COMING.format(what=turn.t.REPORT_WHAT["record"]), alert=False)
            _request(turn, ReportRequest(kind=ReportKind.RECORD, inspection_id=inspection.id))
            _request(turn, ReportRequest(kind=ReportKind.RECORD, inspection_id=inspection.id, pdf=True))
            return
        chosen = await tx.rounds.get(token.subject)
        if chosen is None or chosen.team_id != team.id or token.arg not in CHOICES:
            turn.toast(turn.t.OTHER_TEAM_BUTTON)
            return
        submitted = await tx.inspections.submitted_in_round(chosen.id)
        if not submitted:
            turn.toast(turn.t.REPORT_NOTHING)
            return
        if token.arg == "rec":
            await self._choose_unit(turn, submitted)
            return
        await self._round_files(turn, tx, chosen, token.arg)

    async def _round_files(self, turn: Turn, tx: Tx, chosen: Round, choice: str) -> None:
        if choice == "rnd":
            kinds = [ReportKind.CHART, ReportKind.ROUND]
        elif choice == "xls":
            kinds = [ReportKind.WORKBOOK]
        else:
            await self._archive(turn, tx, chosen)
            return
        turn.toast(turn.t.REPORT_COMING.format(what=turn.t.REPORT_WHAT[kinds[-1].value]), alert=False)
        for kind in kinds:
            _request(turn, ReportRequest(kind=kind, round_id=chosen.id))

    async def _archive(self, turn: Turn, tx: Tx, chosen: Round) -> None:
        """The photos of each part are fixed now, so every part stays under Telegram's limit."""
        sizes: list[tuple[int, int]] = []
        kept, _ = latest_per_unit(await tx.inspections.submitted_in_round(chosen.id))
        for inspection in kept:  # the photos the archive will hold; replaced inspections are left out
            sizes += [(photo.id, photo.size) for photo in await tx.photos.of(inspection.id)]
        parts = plan_parts(sizes, self.part_limit)
        turn.toast(turn.t.REPORT_COMING.format(what=turn.t.REPORT_WHAT["archive"]), alert=False)
        for number, photo_ids in enumerate(parts, start=1):
            part = (number, len(parts)) if len(parts) > 1 else None
            _request(turn, ReportRequest(kind=ReportKind.ARCHIVE, round_id=chosen.id, photo_ids=photo_ids, part=part))

    # --- /stats --------------------------------------------------------------------------------

    async def stats(self, turn: Turn, team: Team) -> None:
        """Pass rates per area over all the team's submitted inspections, by unit and by month; with a
        checklist that scores, the average scores beside them."""
        t = turn.t
        found = await counted(turn.tx, self.versions, team.id)
        if not found:
            turn.say(t.STATS_NONE)
            return
        with_scores = scored(found)
        grouped = by_checklist(self.versions, found)
        lines = [t.STATS_TITLE.format(count=len(found)), "", t.STATS_AREAS]
        for checklist, group in grouped:
            if len(grouped) > 1:
                lines.append(t.STATS_CHECKLIST.format(title=esc(checklist.title_in(t.lang))))
            for number, area in enumerate(checklist.areas, start=1):
                total = tally(group, area.id)
                rate = f"<b>{formats.percent(total.pass_rate)}</b> ({total.passed}/{total.rated})"
                lines.append(f"{number}. {esc(area.title_in(t.lang))}: {rate}" + _score(t, total, with_scores))
        if with_scores:
            lines += ["", t.STATS_SCORE.format(score=formats.percent(tally(found).score))]
        for title, groups in ((t.STATS_UNITS, _by(found, _unit)), (t.STATS_MONTHS, _by(found, _month))):
            lines += ["", title]
            for what, group in groups:
                total = tally(group)
                line = t.STATS_LINE.format(what=esc(what), count=total.count, rate=formats.percent(total.pass_rate))
                lines.append(line + _score(t, total, with_scores))
        turn.say("\n".join(lines))
        for checklist, _ in grouped:
            _request(turn, ReportRequest(kind=ReportKind.STATS, team_id=team.id, checklist_id=checklist.id))


def _score(t: Messages, total: Tally, with_scores: bool) -> str:
    return f" · {t.SUMMARY_AREA_SCORE.format(score=formats.percent(total.score))}" if with_scores else ""


def _by(found: list[Counted], key: Callable[[Inspection], tuple[str, str]]) -> list[tuple[str, list[Counted]]]:
    """The inspections grouped under what `key` names them by, in the order of what it sorts them by."""
    groups: dict[tuple[str, str], list[Counted]] = defaultdict(list)
    for inspection in found:
        groups[key(inspection.inspection)].append(inspection)
    return [(name, groups[(order, name)]) for order, name in sorted(groups)]


def _unit(inspection: Inspection) -> tuple[str, str]:
    return inspection.unit or "", inspection.unit or ""


def _month(inspection: Inspection) -> tuple[str, str]:
    """Months in calendar order, named as people write them: 11/2026."""
    local = (inspection.submitted_at or inspection.created_at).astimezone(formats.VIETNAM)
    return f"{local:%Y-%m}", f"{local:%m/%Y}"
