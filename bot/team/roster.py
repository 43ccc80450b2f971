"""`/members` in the team's group: who is in the team, and the lead removing someone.

Removing asks once more. The list is a column of names with a button each, read on a phone: a slip of
the thumb would otherwise remove the wrong inspector, close their open draft and lock them out until the
lead sends /newcode, which changes the link and code for everyone. One more press costs little.

A removed person stops being a member at once: the team's commands and buttons refuse them, /inspect
no longer starts an inspection for the team, and the link and code they joined with do not let them
back (`Teams.join`). What they submitted stays, under their name. Their open draft for the team is
closed and kept stored as cancelled, as a round's drafts are when the round ends: an inspection by
someone no longer in the team must not reach the group later, and its answers stay for the record.
Both the person and the group are told.

Every join and removal bumps the roster's version, which every button carries with the person's place
in the list: a press on an older list, a replayed confirmation and forged data all change nothing.
"""

from __future__ import annotations

import re

from bot.buttons import GroupAction, GroupToken, group_button
from bot.events import Button
from bot.findings import trail
from bot.team.teams import Teams
from bot.texts.html import esc
from bot.turn import Turn, catalogue_of
from storage.models import Inspection, Member, Role, Status, Team, TrailKind

# Telegram refuses a keyboard of more than 100 buttons; a team is a handful of people.
MAX_BUTTONS = 50
NAME_IN_BUTTON = 40
REMOVED_DETAIL = "người kiểm tra bị đưa ra khỏi đoàn"  # why the trail says the draft was closed
ASK, REMOVE, KEEP = "r", "y", "n"
_ARG = re.compile(r"^(?P<version>\d{1,9})(?P<step>[ryn])(?P<place>\d{1,3})$")


def _button(label: str, team: Team, step: str, place: int) -> Button:
    return group_button(label, GroupAction.MEMBER, team.id, f"{team.roster_version}{step}{place}")


class Roster:
    def __init__(self, teams: Teams) -> None:
        self.teams = teams

    async def command(self, turn: Turn, team: Team) -> None:
        if not await self.teams.may_lead(turn.tx, team, turn.msg.person.id):
            turn.say(turn.t.LEAD_ONLY)
            return
        members = await turn.tx.teams.members(team.id)
        lines = [turn.t.MEMBERS_TITLE.format(team=esc(team.name), count=len(members))]
        for number, member in enumerate(members, start=1):
            line = turn.t.MEMBER_LEAD if member.role is Role.LEAD else turn.t.MEMBER_LINE
            lines.append(line.format(number=number, name=esc(member.name)))
        removable = [(place, m) for place, m in enumerate(members) if m.role is not Role.LEAD]
        if not removable:
            lines += ["", turn.t.MEMBERS_ALONE]
        else:
            lines += ["", turn.t.MEMBERS_HINT]
            if len(removable) > MAX_BUTTONS:
                lines.append(turn.t.MEMBERS_MORE.format(shown=MAX_BUTTONS))
        rows = [
            [_button(turn.t.MEMBER_REMOVE.format(name=member.name[:NAME_IN_BUTTON]), team, ASK, place)]
            for place, member in removable[-MAX_BUTTONS:]
        ]
        turn.say("\n".join(lines), rows)

    async def tap(self, turn: Turn, team: Team, token: GroupToken) -> None:
        if not await self.teams.lead_pressed(turn, team, token.subject):
            return
        match = _ARG.match(token.arg)
        if match is None or int(match["version"]) != team.roster_version:
            turn.toast(turn.t.GROUP_STALE)
            return
        members, place, step = await turn.tx.teams.members(team.id), int(match["place"]), match["step"]
        if place >= len(members) or members[place].role is Role.LEAD:
            turn.toast(turn.t.GROUP_STALE)  # forged: the list a version names never offered it
            return
        member = members[place]
        if step == ASK:
            await self._ask(turn, team, member, place)
            return
        turn.retire_buttons()
        if step == KEEP:
            turn.say(turn.t.MEMBER_KEPT.format(name=esc(member.name)))
        else:
            await self._remove(turn, team, member)

    async def _ask(self, turn: Turn, team: Team, member: Member, place: int) -> None:
        """The list keeps its buttons: the lead who keeps this person may remove another from it."""
        text = turn.t.REMOVE_CONFIRM.format(name=esc(member.name), team=esc(team.name))
        draft = await self._draft(turn, team, member)
        if draft is not None and draft.seat_of is None:
            text += "\n" + turn.t.REMOVE_DRAFT.format(id=draft.id, unit=esc(draft.unit or turn.t.NO_UNIT))
        rows = [[_button(turn.t.REMOVE_YES, team, REMOVE, place)], [_button(turn.t.REMOVE_NO, team, KEEP, place)]]
        turn.say(text, rows)

    async def _draft(self, turn: Turn, team: Team, member: Member) -> Inspection | None:
        """Their open inspection for this team: their own, or someone else's they joined (`seat_of`)."""
        draft = await turn.tx.inspections.draft_of(member.user_id)
        return draft if draft is not None and draft.team_id == team.id else None

    async def _remove(self, turn: Turn, team: Team, member: Member) -> None:
        tx = turn.tx
        draft = await self._draft(turn, team, member)
        await tx.teams.remove_member(team.id, member.user_id, turn.msg.person.id)
        t = await catalogue_of(tx, member.user_id)
        told = t.REMOVED_YOU.format(team=esc(team.name))
        said = turn.t.MEMBER_REMOVED.format(name=esc(member.name))
        if draft is not None and draft.seat_of is not None:
            # Someone else's inspection they helped with goes on without them; their answers stay.
            await tx.sharing.leave(draft.id, member.user_id)
            await tx.trail.add(draft.id, member.user_id, member.name, TrailKind.LEAVE, REMOVED_DETAIL)
        elif draft is not None:
            await trail.finish(tx, draft, Status.CANCELLED, turn.msg.person, REMOVED_DETAIL)
            told += "\n" + t.REMOVED_YOUR_DRAFT.format(id=draft.id, unit=esc(draft.unit or t.NO_UNIT))
            said += "\n" + turn.t.MEMBER_REMOVED_DRAFT.format(id=draft.id, unit=esc(draft.unit or turn.t.NO_UNIT))
        turn.say(told, chat_id=member.user_id)
        turn.say(said)
