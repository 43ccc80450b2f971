"""Follow-ups (đề nghị khắc phục): what the team asks a unit to fix, chased until it is fixed.

Every Không đạt / Một phần answer of a submitted inspection becomes one, due FOLLOWUP_DAYS later. In
the team's group the lead lists them, marks one fixed (a note, then optionally photos as proof) or
moves its due date. Each change is recorded with who and when; a follow-up's `version` makes the
buttons of older messages about it stale, so a double tap cannot apply a change twice.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.answers import SHORTCOMINGS
from bot.buttons import GroupAction, GroupToken, group_button
from bot.checklist import conditions
from bot.checklist.kinds import kind_of
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from bot.events import Person
from bot.team.teams import Teams
from bot.texts import catalogue as texts
from bot.texts import formats
from bot.texts.catalogue import Messages
from bot.texts.html import esc
from bot.texts.plain import all_words_in
from bot.turn import Turn
from storage.clock import utcnow
from storage.models import Answer, FollowUp, FollowUpStatus, GroupPrompt, Inspection, PromptStage, Team
from storage.port import Tx

MAX_BUTTONS = 30
BUTTONS_PER_ROW = 5
DUE_STEPS = (7, 30)
# A prompt the lead walked away from must not swallow a reply they send to the bot next week.
PROMPT_LIFETIME = timedelta(hours=1)
NOTE_MAX = 1000
# A follow-up button's argument: the version it was shown at, then for a due-date button what to do.
_ARG = re.compile(r"^(?P<version>\d{1,9})(?:d(?P<days>\d{1,3})|(?P<typed>t))?$")


def due_phrase(t: Messages, due_on: date, today: date) -> str:
    left = (due_on - today).days
    if left > 0:
        return t.DUE_AHEAD.format(due=formats.day(due_on), days=left)
    if left == 0:
        return t.DUE_TODAY.format(due=formats.day(due_on))
    return t.DUE_OVERDUE.format(due=formats.day(due_on), days=-left)


def mention(person_id: int, name: str) -> str:
    """A link that names the person, so Telegram's selective force-reply opens for them alone."""
    return f'<a href="tg://user?id={person_id}">{esc(name)}</a>'


class FollowUps:
    def __init__(self, versions: ChecklistVersions, teams: Teams, days: int) -> None:
        self.versions = versions
        self.teams = teams
        self.days = days

    # --- created on submit ---------------------------------------------------------------------

    async def create_for(self, tx: Tx, inspection: Inspection) -> int:
        """Called in the submitting transaction, so the follow-ups exist exactly when the result does."""
        checklist = await self.versions.of(tx, inspection)
        submitted = inspection.submitted_at or utcnow()
        due_on = formats.local_date(submitted) + timedelta(days=self.days)
        # A shortcoming a gate set aside is none.
        answers, _ = conditions.in_force(checklist, await tx.inspections.answers(inspection.id))
        count = 0
        for pos in range(checklist.item_count):
            _, _, _, item = checklist.at(pos)
            answer = answers.get(item.id)
            if answer is not None and kind_of(item).rated and answer.value in SHORTCOMINGS:
                await tx.followups.add(inspection, answer, due_on)
                count += 1
        return count

    async def after_correction(
        self, tx: Tx, inspection: Inspection, before: Answer | None, after: Answer, person: Person, reason: str
    ) -> str:
        """A correction after submit that makes a shortcoming Đạt (or anything not a shortcoming) closes its
        follow-up with the correction's reason; one that makes a shortcoming of a criterion met opens one,
        or opens again the one an earlier correction closed. Returns the line the group is told, or ''."""
        checklist = await self.versions.of(tx, inspection)
        closed = await self._close_ruled_out(tx, inspection, checklist, person, reason)
        changed = await self._follow_correction(tx, inspection, checklist, before, after, person, reason)
        return "\n".join(line for line in (closed, changed) if line)

    async def _follow_correction(
        self,
        tx: Tx,
        inspection: Inspection,
        checklist: Checklist,
        before: Answer | None,
        after: Answer,
        person: Person,
        reason: str,
    ) -> str:
        found = checklist.find(after.item_id)
        if found is None or not kind_of(found[2]).rated:
            return ""
        was = before is not None and before.value in SHORTCOMINGS
        now = after.value in SHORTCOMINGS
        existing = next((f for f in await tx.followups.of(inspection.id) if f.item_id == after.item_id), None)
        if was and not now and existing is not None and existing.status is FollowUpStatus.OPEN:
            await tx.followups.mark_done(existing.id, reason, person.id, person.name)
            return texts.VI.AMEND_FOLLOWUP_CLOSED.format(id=existing.id)
        if not now or was:
            return ""
        due_on = formats.local_date(utcnow()) + timedelta(days=self.days)
        if existing is None:
            await tx.followups.add(inspection, after, due_on)
            existing = next(f for f in await tx.followups.of(inspection.id) if f.item_id == after.item_id)
        else:
            await tx.followups.reopen(existing.id, after, due_on, person.id, person.name, reason)
        return texts.VI.AMEND_FOLLOWUP_OPENED.format(id=existing.id, due=formats.day(due_on))

    async def _close_ruled_out(
        self, tx: Tx, inspection: Inspection, checklist: Checklist, person: Person, reason: str
    ) -> str:
        """A correction of a gate answer that rules items out closes their open follow-ups with its reason:
        a criterion that no longer applies has nothing to remedy."""
        out = conditions.ruled_out(checklist, await tx.inspections.answers(inspection.id))
        lines = []
        for followup in await tx.followups.of(inspection.id):
            if followup.item_id in out and followup.status is FollowUpStatus.OPEN:
                await tx.followups.mark_done(followup.id, reason, person.id, person.name)
                lines.append(texts.VI.AMEND_FOLLOWUP_CLOSED.format(id=followup.id))
        return "\n".join(lines)

    # --- describing them -----------------------------------------------------------------------

    async def _checklist_of(self, tx: Tx, followup: FollowUp) -> Checklist:
        inspection = await tx.inspections.get(followup.inspection_id)
        assert inspection is not None
        return await self.versions.of(tx, inspection)

    async def describe(self, t: Messages, tx: Tx, followup: FollowUp, today: date) -> str:
        """'#7 [Mục 3] Niêm yết đủ nội dung — Không đạt: thiếu phí · 12 ngày · hạn … (còn 5 ngày)'."""
        checklist = await self._checklist_of(tx, followup)
        found = checklist.find(followup.item_id)
        what = followup.item_id
        if found is not None:
            pos, _, item = found
            what = f"[{t.AREA_NUMBER.format(area=checklist.at(pos)[0] + 1)}] {item.prompt_in(t.lang).rstrip(' ?')}"
        note = f": {esc(followup.note)}" if followup.note else ""
        age = t.FOLLOWUP_AGE.format(days=(today - formats.local_date(followup.created_at)).days)
        return (
            f"#{followup.id} {esc(what)} — <b>{t.RATING_LABELS.get(followup.value, followup.value)}</b>{note}"
            f" · {age} · {due_phrase(t, followup.due_on, today)}"
        )

    async def by_unit(self, t: Messages, tx: Tx, followups: list[FollowUp], today: date) -> list[str]:
        lines: list[str] = []
        unit = None
        for followup in followups:
            if followup.unit != unit:
                unit = followup.unit
                lines += ["", t.FOLLOWUP_UNIT.format(unit=esc(unit), id=followup.inspection_id)]
            lines.append(f"• {await self.describe(t, tx, followup, today)}")
        return lines

    # --- /followups ----------------------------------------------------------------------------

    async def command(self, turn: Turn, team: Team, args: str) -> None:
        today = formats.local_date(utcnow())
        followups = await turn.tx.followups.open_of_team(team.id)
        followups = [f for f in followups if all_words_in(args, f.unit)]
        if not followups:
            turn.say(turn.t.FOLLOWUPS_NONE)
            return
        lines = [turn.t.FOLLOWUPS_TITLE.format(count=len(followups))]
        lines += await self.by_unit(turn.t, turn.tx, followups, today)
        shown = followups[:MAX_BUTTONS]
        lines += ["", turn.t.FOLLOWUPS_HINT]
        if len(followups) > len(shown):
            lines += ["", turn.t.FOLLOWUPS_MORE.format(shown=len(shown))]
        buttons = [group_button(f"#{f.id}", GroupAction.FOLLOWUP, f.id, str(f.version)) for f in shown]
        rows = [buttons[start : start + BUTTONS_PER_ROW] for start in range(0, len(buttons), BUTTONS_PER_ROW)]
        turn.say("\n".join(lines), rows)

    # --- buttons -------------------------------------------------------------------------------

    async def tap(self, turn: Turn, team: Team, token: GroupToken) -> None:
        followup = await turn.tx.followups.get(token.subject)
        if not await self.teams.lead_pressed(turn, team, followup.team_id if followup else None) or not followup:
            return
        arg = _ARG.match(token.arg)
        if arg is None or int(arg["version"]) != followup.version:
            turn.toast(turn.t.GROUP_STALE)
            return
        if token.action is GroupAction.FOLLOWUP_NO_PHOTO:
            await turn.tx.followups.clear_prompt(turn.msg.chat.id, turn.msg.person.id)
            await turn.tx.followups.bump(followup.id)
            turn.retire_buttons()
            return
        if followup.status is not FollowUpStatus.OPEN:
            turn.toast(turn.t.FOLLOWUP_NOT_OPEN)
            return
        if token.action is GroupAction.FOLLOWUP:
            await self._details(turn, followup)
        elif token.action is GroupAction.FOLLOWUP_DONE:
            await self._ask(turn, followup, PromptStage.NOTE, turn.t.FOLLOWUP_ASK_NOTE)
        elif arg["typed"]:
            await self._ask(turn, followup, PromptStage.DUE, turn.t.FOLLOWUP_ASK_DATE)
        elif arg["days"] and int(arg["days"]) in DUE_STEPS:
            await self._move_due(turn, followup, followup.due_on + timedelta(days=int(arg["days"])))
        else:
            turn.toast(turn.t.GROUP_STALE)

    async def _details(self, turn: Turn, followup: FollowUp) -> None:
        today = formats.local_date(utcnow())
        t = turn.t
        lines = [f"📌 <b>{esc(followup.unit)}</b>", await self.describe(t, turn.tx, followup, today)]
        history = await turn.tx.followups.events(followup.id)
        lines += [
            f"<i>{formats.short_time(event.at)} · {esc(event.person_name)}: {t.FOLLOWUP_EVENTS[event.kind.value]}</i>"
            for event in history[-5:]
        ]
        version = str(followup.version)
        turn.say(
            "\n".join(lines),
            [
                [group_button(turn.t.FOLLOWUP_DONE, GroupAction.FOLLOWUP_DONE, followup.id, version)],
                [
                    group_button(
                        t.DUE_PLUS.format(days=days), GroupAction.FOLLOWUP_DUE, followup.id, f"{version}d{days}"
                    )
                    for days in DUE_STEPS
                ],
                [group_button(turn.t.FOLLOWUP_TYPE_DATE, GroupAction.FOLLOWUP_DUE, followup.id, f"{version}t")],
            ],
        )

    async def _ask(self, turn: Turn, followup: FollowUp, stage: PromptStage, template: str) -> None:
        person = turn.msg.person
        await turn.tx.followups.set_prompt(turn.msg.chat.id, person.id, followup.id, stage)
        await turn.tx.followups.bump(followup.id)
        turn.retire_buttons()
        turn.say(template.format(who=mention(person.id, person.name), id=followup.id), answer_from=person.id)

    async def _move_due(self, turn: Turn, followup: FollowUp, due_on: date) -> None:
        person = turn.msg.person
        await turn.tx.followups.set_due(followup.id, due_on, person.id, person.name)
        await turn.tx.followups.clear_prompt(turn.msg.chat.id, person.id)
        turn.retire_buttons()
        turn.say(
            turn.t.FOLLOWUP_NEW_DUE.format(
                id=followup.id, unit=esc(followup.unit), due=formats.day(due_on), who=esc(person.name)
            )
        )

    # --- answers typed in the group ------------------------------------------------------------

    async def current_prompt(self, tx: Tx, chat_id: int, person_id: int) -> GroupPrompt | None:
        prompt = await tx.followups.prompt_of(chat_id, person_id)
        if prompt is not None and utcnow() - prompt.created_at > PROMPT_LIFETIME:
            await tx.followups.clear_prompt(chat_id, person_id)
            return None
        return prompt

    async def text(self, turn: Turn, text: str) -> None:
        """A reply in the group: the answer to what the bot asked this person, or nothing for the bot."""
        chat, person = turn.msg.chat, turn.msg.person
        prompt = await self.current_prompt(turn.tx, chat.id, person.id)
        if prompt is None or prompt.followup_id is None:
            return
        followup = await turn.tx.followups.get(prompt.followup_id)
        if followup is None:
            await turn.tx.followups.clear_prompt(chat.id, person.id)
            return
        text = text.strip()
        if prompt.stage is PromptStage.NOTE:
            if not text:
                turn.say(turn.t.FOLLOWUP_WAITING_TEXT.format(id=followup.id))
                return
            note = text[:NOTE_MAX]
            await turn.tx.followups.mark_done(followup.id, note, person.id, person.name)
            await turn.tx.followups.set_prompt(chat.id, person.id, followup.id, PromptStage.PHOTO)
            done = await turn.tx.followups.get(followup.id)
            assert done is not None
            finish = group_button(
                turn.t.FOLLOWUP_NO_PHOTO, GroupAction.FOLLOWUP_NO_PHOTO, followup.id, str(done.version)
            )
            turn.say(
                turn.t.FOLLOWUP_CLOSED.format(
                    id=followup.id, unit=esc(followup.unit), who=esc(person.name), note=esc(note)
                )
                + "\n"
                + turn.t.FOLLOWUP_ASK_PHOTO.format(who=mention(person.id, person.name)),
                [[finish]],
            )
        elif prompt.stage is PromptStage.DUE:
            due_on = formats.parse_day(text)
            if due_on is None or due_on < formats.local_date(utcnow()):
                turn.say(turn.t.FOLLOWUP_BAD_DATE.format(text=esc(text[:40])), answer_from=person.id)
                return
            await self._move_due(turn, followup, due_on)
        else:
            turn.say(turn.t.FOLLOWUP_WAITING_PHOTO.format(id=followup.id))

    # --- the daily digest ----------------------------------------------------------------------

    async def digest(self, tx: Tx, team: Team, today: date, within_days: int) -> str | None:
        """Follow-ups due within `within_days` or overdue, by unit, for the team's group (so in Vietnamese);
        None when there is nothing to chase."""
        due = await tx.followups.open_of_team(team.id, due_by=today + timedelta(days=within_days))
        if not due:
            return None
        lines = [texts.VI.DIGEST_TITLE.format(count=len(due))]
        lines += await self.by_unit(texts.VI, tx, due, today)
        lines += ["", texts.VI.DIGEST_FOOTER]
        return "\n".join(lines)
