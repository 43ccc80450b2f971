"""Inspection rounds (đợt kiểm tra): opened and closed by the lead in the team's group.

An inspection started while a round is open belongs to it and answers the round's checklist
(`bot.team.round_checklist`). Closing a round ends the drafts still open in it: they stay stored but
can no longer be changed, so the round's reports are final.
"""

from __future__ import annotations

from bot.buttons import GroupAction, GroupToken, group_button
from bot.checklist.versions import ChecklistVersions
from bot.findings import trail
from bot.reports.data import basis_lines
from bot.team.followups import mention
from bot.team.round_checklist import RoundChecklist
from bot.team.teams import Teams
from bot.texts import formats
from bot.texts.html import esc
from bot.turn import Turn, catalogue_of
from storage.models import GroupPrompt, Round, Status, Team

ROUND_DETAIL = "đợt kiểm tra kết thúc"  # why the trail says a draft was closed with its round

ROUND_MIN, ROUND_MAX = 3, 200
BASIS_MIN, BASIS_MAX = 10, 1000


class Rounds:
    def __init__(self, versions: ChecklistVersions, teams: Teams) -> None:
        self.versions = versions
        self.teams = teams
        self.checklist = RoundChecklist(versions, teams)

    async def command(self, turn: Turn, team: Team, args: str) -> None:
        """`/round` shows the open round; `/round <name>` opens one."""
        if not args.strip():
            await self._show(turn, team)
            return
        if not await self.teams.may_lead(turn.tx, team, turn.msg.person.id):
            turn.say(turn.t.LEAD_ONLY)
            return
        name = " ".join(args.split())
        if "\n" in args.strip() or not ROUND_MIN <= len(name) <= ROUND_MAX:
            turn.say(turn.t.ROUND_NAME_RULE)
            return
        current = await turn.tx.rounds.open_of(team.id)
        if current is not None:
            turn.say(turn.t.ROUND_ALREADY_OPEN.format(name=esc(current.name), id=current.id))
            return
        person = turn.msg.person
        opened = await turn.tx.rounds.open(team.id, name, person.id, person.name, self.versions.default.id)
        heading = turn.t.ROUND_OPENED.format(name=esc(opened.name), id=opened.id) + "\n\n"
        if not self.versions.several:
            await self._ask_basis(turn, opened, heading)
            return
        self.checklist.ask(turn, opened, heading)
        await self._ask_basis(turn, opened)

    async def _ask_basis(self, turn: Turn, chosen: Round, before: str = "") -> None:
        """Asked in the group, so the answer is a reply to this message (the bot sees only those)."""
        person = turn.msg.person
        await turn.tx.rounds.ask_basis(turn.msg.chat.id, person.id, chosen.id)
        text = before + turn.t.ROUND_ASK_BASIS.format(who=mention(person.id, person.name))
        turn.say(text, [[group_button(turn.t.SKIP, GroupAction.ROUND_BASIS, chosen.id, "skip")]])

    async def basis_reply(self, turn: Turn, prompt: GroupPrompt, text: str) -> None:
        """The lead's reply with the basis asked for by `_ask_basis`."""
        chosen = await turn.tx.rounds.get(prompt.round_id) if prompt.round_id is not None else None
        chat, person = turn.msg.chat, turn.msg.person
        if chosen is None:
            await turn.tx.followups.clear_prompt(chat.id, person.id)
            return
        basis = "\n".join(basis_lines(text))
        if not BASIS_MIN <= len(basis) <= BASIS_MAX:
            turn.say(turn.t.ROUND_BASIS_RULE, answer_from=person.id)
            return
        await turn.tx.rounds.set_basis(chosen.id, basis)
        await turn.tx.followups.clear_prompt(chat.id, person.id)
        turn.say(turn.t.ROUND_BASIS_SAVED.format(name=esc(chosen.name), basis=esc(basis)))

    async def tap_basis(self, turn: Turn, team: Team, token: GroupToken) -> None:
        """ "Nhập căn cứ" under /round asks again; "Bỏ qua" under the question leaves the round without one."""
        chosen = await turn.tx.rounds.get(token.subject)
        if not await self.teams.lead_pressed(turn, team, chosen.team_id if chosen else None) or not chosen:
            return
        if token.arg == "ask":
            turn.retire_buttons()
            await self._ask_basis(turn, chosen)
            return
        prompt = await turn.tx.followups.prompt_of(turn.msg.chat.id, turn.msg.person.id)
        if token.arg != "skip" or prompt is None or prompt.round_id != chosen.id:
            turn.toast(turn.t.GROUP_STALE)
            return
        await turn.tx.followups.clear_prompt(turn.msg.chat.id, turn.msg.person.id)
        turn.retire_buttons()
        turn.say(turn.t.ROUND_BASIS_SKIPPED.format(name=esc(chosen.name)))

    async def _show(self, turn: Turn, team: Team) -> None:
        current = await turn.tx.rounds.open_of(team.id)
        if current is None:
            turn.say(turn.t.ROUND_NONE_OPEN)
            return
        submitted = len(await turn.tx.inspections.submitted_in_round(current.id))
        drafts = len(await turn.tx.inspections.drafts_in_round(current.id))
        checklist, rows = "", [[group_button(turn.t.ROUND_BASIS_BUTTON, GroupAction.ROUND_BASIS, current.id, "ask")]]
        if self.versions.several:
            checklist = await self.checklist.line(turn, current)
            if not submitted and not drafts:  # still the lead's to change
                rows += self.checklist.rows(turn, current)
        turn.say(
            turn.t.ROUND_SHOW.format(
                name=esc(current.name),
                id=current.id,
                opened=formats.local_time(turn.t, current.opened_at),
                by=esc(current.opened_by_name),
                basis=esc(current.basis) if current.basis else turn.t.ROUND_NO_BASIS,
                checklist=checklist,
                submitted=submitted,
                drafts=drafts,
            ),
            rows,
        )

    async def ask_end(self, turn: Turn, team: Team) -> None:
        """`/endround`: nothing closes without a second, deliberate press."""
        if not await self.teams.may_lead(turn.tx, team, turn.msg.person.id):
            turn.say(turn.t.LEAD_ONLY)
            return
        current = await turn.tx.rounds.open_of(team.id)
        if current is None:
            turn.say(turn.t.ENDROUND_NONE)
            return
        drafts = await turn.tx.inspections.drafts_in_round(current.id)
        text = turn.t.ENDROUND_CONFIRM.format(
            name=esc(current.name),
            id=current.id,
            submitted=len(await turn.tx.inspections.submitted_in_round(current.id)),
        )
        if drafts:
            who = ", ".join(f"#{d.id} {d.inspector_name}" for d in drafts[:5]) + ("…" if len(drafts) > 5 else "")
            text += "\n" + turn.t.ENDROUND_DRAFTS.format(drafts=len(drafts), who=esc(who))
        turn.say(
            text,
            [
                [group_button(turn.t.END_ROUND, GroupAction.END_ROUND, current.id, "yes")],
                [group_button(turn.t.KEEP_ROUND, GroupAction.END_ROUND, current.id, "no")],
            ],
        )

    async def tap_end(self, turn: Turn, team: Team, token: GroupToken) -> None:
        current = await turn.tx.rounds.get(token.subject)
        if not await self.teams.lead_pressed(turn, team, current.team_id if current else None) or not current:
            return
        if not current.is_open or token.arg not in ("yes", "no"):
            turn.toast(turn.t.GROUP_STALE)
            return
        turn.retire_buttons()
        if token.arg == "no":
            turn.say(turn.t.ROUND_KEPT.format(name=esc(current.name)))
            return
        await self._close(turn, current)

    async def _close(self, turn: Turn, current: Round) -> None:
        tx = turn.tx
        await tx.rounds.close(current.id, turn.msg.person.id)
        for draft in await tx.inspections.drafts_in_round(current.id):
            await trail.finish(tx, draft, Status.CANCELLED, turn.msg.person, ROUND_DETAIL)
            # Everyone on a shared draft is told, as when its owner cancels it.
            joined = [p.user_id for p in await tx.sharing.participants(draft.id) if p.left_at is None]
            for person_id in (draft.inspector_id, *joined):
                t = await catalogue_of(tx, person_id)
                unit = esc(draft.unit or t.NO_UNIT)
                turn.say(
                    t.DRAFT_CLOSED_BY_ROUND.format(round=esc(current.name), id=draft.id, unit=unit), chat_id=person_id
                )
        submitted = len(await tx.inspections.submitted_in_round(current.id))
        turn.say(turn.t.ROUND_ENDED.format(name=esc(current.name), id=current.id, submitted=submitted))
