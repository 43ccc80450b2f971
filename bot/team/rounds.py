"""Inspection rounds (đợt kiểm tra): opened and closed by the lead in the team's group.

An inspection started while a round is open belongs to it. Closing a round ends the drafts still open
in it: they stay stored but can no longer be changed, so the round's reports are final.
"""

from __future__ import annotations

from bot.buttons import GroupAction, GroupToken, group_button
from bot.team.teams import Teams
from bot.texts import formats
from bot.texts.html import esc
from bot.turn import Turn, catalogue_of
from storage.models import Round, Status, Team

ROUND_MIN, ROUND_MAX = 3, 200


class Rounds:
    def __init__(self, teams: Teams) -> None:
        self.teams = teams

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
        opened = await turn.tx.rounds.open(team.id, name, person.id, person.name)
        turn.say(turn.t.ROUND_OPENED.format(name=esc(opened.name), id=opened.id))

    async def _show(self, turn: Turn, team: Team) -> None:
        current = await turn.tx.rounds.open_of(team.id)
        if current is None:
            turn.say(turn.t.ROUND_NONE_OPEN)
            return
        turn.say(
            turn.t.ROUND_SHOW.format(
                name=esc(current.name),
                id=current.id,
                opened=formats.local_time(turn.t, current.opened_at),
                by=esc(current.opened_by_name),
                submitted=len(await turn.tx.inspections.submitted_in_round(current.id)),
                drafts=len(await turn.tx.inspections.drafts_in_round(current.id)),
            )
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
            await tx.inspections.finish(draft.id, Status.CANCELLED)
            t = await catalogue_of(tx, draft.inspector_id)
            turn.say(
                t.DRAFT_CLOSED_BY_ROUND.format(round=esc(current.name), id=draft.id, unit=esc(draft.unit or t.NO_UNIT)),
                chat_id=draft.inspector_id,
            )
        submitted = len(await tx.inspections.submitted_in_round(current.id))
        turn.say(turn.t.ROUND_ENDED.format(name=esc(current.name), id=current.id, submitted=submitted))
