"""Teams: an administrator turns a group chat into a team; people join through its invitation link."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from bot.texts import catalogue as texts
from bot.texts.html import esc
from bot.turn import Turn
from storage.models import Role, Team
from storage.port import Tx

TEAM_MIN, TEAM_MAX = 3, 100
JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_LENGTH = 6


class Teams:
    def __init__(self, admins: frozenset[int], invite_link: Callable[[str], str]) -> None:
        self.admins = admins
        self.invite_link = invite_link

    async def create(self, turn: Turn, args: str) -> None:
        """`/newteam <name>` in a group: the group becomes the team's, the administrator its lead."""
        person = turn.msg.person
        if person.id not in self.admins:
            turn.say(turn.t.NEWTEAM_NOT_ADMIN)
            return
        existing = await turn.tx.teams.by_group(turn.msg.chat.id)
        if existing:
            turn.say(
                turn.t.TEAM_EXISTS.format(
                    team=esc(existing.name), link=esc(self.invite_link(existing.invite_code)), code=existing.join_code
                )
            )
            return
        name = " ".join(args.split())
        if not name:
            turn.say(turn.t.NEWTEAM_USAGE)
            return
        if not TEAM_MIN <= len(name) <= TEAM_MAX:
            turn.say(turn.t.NEWTEAM_NAME_RULE)
            return
        join_code = await self._new_join_code(turn)
        team = await turn.tx.teams.create(
            name, turn.msg.chat.id, person.id, person.name, secrets.token_urlsafe(16), join_code
        )
        turn.say(
            turn.t.TEAM_CREATED.format(
                team=esc(team.name),
                lead=esc(person.name),
                link=esc(self.invite_link(team.invite_code)),
                code=team.join_code,
            )
        )

    async def _new_join_code(self, turn: Turn) -> str:
        """Six characters read aloud or typed on a phone: no 0/O or 1/I to mix up."""
        while True:
            code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))
            if not await turn.tx.teams.join_code_taken(code):
                return code

    async def join(self, turn: Turn, code: str, *, short: bool = False) -> None:
        """`/start <code>` from the invitation link, or `/join <CODE>` where there are no links (Zalo)."""
        person = turn.msg.person
        team = await (turn.tx.teams.by_join_code(code) if short else turn.tx.teams.by_invite(code))
        if team is None:
            turn.say(turn.t.BAD_JOIN_CODE if short else turn.t.BAD_INVITE)
            return
        if await turn.tx.teams.membership(team.id, person.id):
            turn.say(turn.t.ALREADY_MEMBER.format(team=esc(team.name)))
            return
        await turn.tx.teams.add_member(team.id, person.id, person.name)
        turn.say(turn.t.JOINED.format(name=esc(person.name), team=esc(team.name)))
        turn.say(texts.VI.JOINED_GROUP.format(name=esc(person.name)), chat_id=team.group_chat_id)

    async def is_member(self, tx: Tx, team: Team, person_id: int) -> bool:
        """Team commands and buttons answer the team's members; the bot's administrators may look in."""
        return person_id in self.admins or await tx.teams.membership(team.id, person_id) is not None

    async def lead_pressed(self, turn: Turn, team: Team, subject_team_id: int | None) -> bool:
        """A button about a round or a follow-up counts when the thing is this group's team's (None: it
        does not exist) and the lead pressed it; otherwise the presser is told why, and it is False."""
        if subject_team_id != team.id:
            turn.toast(turn.t.OTHER_TEAM_BUTTON)
            return False
        if not await self.may_lead(turn.tx, team, turn.msg.person.id):
            turn.toast(turn.t.LEAD_ONLY)
            return False
        return True

    async def may_lead(self, tx: Tx, team: Team, person_id: int) -> bool:
        """Rounds and follow-ups are the lead's to change; the bot's administrators may stand in."""
        if person_id in self.admins:
            return True
        member = await tx.teams.membership(team.id, person_id)
        return member is not None and member.role is Role.LEAD
