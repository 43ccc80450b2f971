"""Teams: an administrator turns a group chat into a team; people join through its invitation link, or
with its join code where there are no links (Zalo).

Neither can be guessed. The invitation link carries 128 random bits. The join code is typed on a phone,
so it is 8 characters from 32 that cannot be mistaken for one another (A-Z and 2-9 without I, O, 0, 1),
shown as two groups of four: 32^8 ≈ 1.1 × 10^12 codes. Each person may give 5 wrong codes or links an
hour (counted in the database, so a restart forgets nothing), 43,800 a year: finding one given team's
code takes on average half the codes, about 12.5 million years; finding any of 1,000 teams' codes still
takes about 12,500 years, or 12.5 years for someone with 1,000 accounts. Without a limit, at the 100
guesses a second Zalo's webhook took, the 6 hexadecimal characters of the first teams (1.7 × 10^7 codes)
fell in about 23 hours and the 6 characters of later ones (1.1 × 10^9) in 62 days, or 1.5 hours for any
of 1,000 teams; a migration replaced them all.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.texts import catalogue as texts
from bot.texts import formats
from bot.texts.html import esc
from bot.turn import Turn
from storage.clock import utcnow
from storage.models import Role, Team
from storage.port import Tx

TEAM_MIN, TEAM_MAX = 3, 100
JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_LENGTH = 8
WRONG_CODES_PER_HOUR = 5
WRONG_CODES_WINDOW = timedelta(hours=1)
# Joins told to the group together after one told at once; the names in that message, the rest counted.
JOINS_FOLDED = timedelta(minutes=1)
JOINS_NAMED = 30


def shown_code(code: str) -> str:
    """`K7M2-QX9P`: two groups of four are easier to read out and to type than eight in a row."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def typed_code(text: str) -> str:
    """A code as typed: any case, with or without the dash, spaces anywhere."""
    return "".join(text.split()).replace("-", "").upper()


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
                    team=esc(existing.name),
                    link=esc(self.invite_link(existing.invite_code)),
                    code=shown_code(existing.join_code),
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
        team = await turn.tx.teams.create(name, turn.msg.chat.id, person.id, person.name, *await self._new_codes(turn))
        turn.say(
            turn.t.TEAM_CREATED.format(
                team=esc(team.name),
                lead=esc(person.name),
                link=esc(self.invite_link(team.invite_code)),
                code=shown_code(team.join_code),
            )
        )

    async def _new_codes(self, turn: Turn) -> tuple[str, str]:
        """The invitation link's code and the join code, the latter read aloud or typed on a phone: no 0/O
        or 1/I to mix up."""
        while True:
            code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))
            if not await turn.tx.teams.join_code_taken(code):
                return secrets.token_urlsafe(16), code

    async def renew(self, turn: Turn, team: Team) -> None:
        """`/newcode`: a link or code that went too far (or one a removed member still has) stops working;
        members who joined with it stay."""
        if not await self.may_lead(turn.tx, team, turn.msg.person.id):
            turn.say(turn.t.LEAD_ONLY)
            return
        renewed = await turn.tx.teams.new_codes(team.id, *await self._new_codes(turn))
        turn.say(
            turn.t.NEWCODE_DONE.format(
                team=esc(renewed.name),
                link=esc(self.invite_link(renewed.invite_code)),
                code=shown_code(renewed.join_code),
            )
        )

    async def join(self, turn: Turn, code: str, *, short: bool = False) -> None:
        """`/start <code>` from the invitation link, or `/join <CODE>` where there are no links (Zalo).

        Once someone has given WRONG_CODES_PER_HOUR wrong ones within the hour, nothing they send is
        looked up (so a lucky guess cannot get in) or counted (so the time they are told stays true)."""
        person, now = turn.msg.person, utcnow()
        failures = await turn.tx.teams.join_failures_since(person.id, now - WRONG_CODES_WINDOW)
        if len(failures) >= WRONG_CODES_PER_HOUR:
            self._locked(turn, failures)
            return
        team = await (turn.tx.teams.by_join_code(typed_code(code)) if short else turn.tx.teams.by_invite(code))
        if team is None:
            await turn.tx.teams.record_join_failure(person.id, now, now - WRONG_CODES_WINDOW)
            if len(failures) + 1 >= WRONG_CODES_PER_HOUR:
                self._locked(turn, [*failures, now])
            else:
                turn.say(turn.t.BAD_JOIN_CODE if short else turn.t.BAD_INVITE)
            return
        if await turn.tx.teams.membership(team.id, person.id):
            turn.say(turn.t.ALREADY_MEMBER.format(team=esc(team.name)))
            return
        removed = await turn.tx.teams.removed_at(team.id, person.id)
        if removed is not None and (team.codes_at is None or removed >= team.codes_at):
            # The right code, but one they had before the lead removed them: only a newer one lets them back.
            turn.say(turn.t.REJOIN_REFUSED.format(team=esc(team.name)))
            return
        await turn.tx.teams.add_member(team.id, person.id, person.name, now)
        turn.say(turn.t.JOINED.format(name=esc(person.name), team=esc(team.name)))
        await self._tell_group_joined(turn, team, person.name, now)

    async def _tell_group_joined(self, turn: Turn, team: Team, name: str, now: datetime) -> None:
        """At most one notice at once per minute: a whole class joining from a projected link must not
        hold the group's results back (Telegram sends 20 messages a minute to a group). Who joins in the
        minute after a notice is told in one message at the minute's end."""
        told = team.joins_told_at
        if told is None or now >= told + JOINS_FOLDED:
            await turn.tx.teams.joins_told(team.id, now)
            turn.say(texts.VI.JOINED_GROUP.format(name=esc(name)), chat_id=team.group_chat_id, notice=True)
            return
        names = await turn.tx.teams.joined_after(team.id, told)
        shown = ", ".join(esc(n) for n in names[:JOINS_NAMED])
        if len(names) > JOINS_NAMED:
            shown += " " + texts.VI.JOINED_GROUP_MORE.format(count=len(names) - JOINS_NAMED)
        turn.say(
            texts.VI.JOINED_GROUP_MANY.format(count=len(names), names=shown),
            chat_id=team.group_chat_id,
            coalesce=f"joined:{team.id}:{told.isoformat()}",
            notice=True,
            held_until=told + JOINS_FOLDED,
        )

    def _locked(self, turn: Turn, failures: list[datetime]) -> None:
        """When they may try again: an hour after the oldest of their last wrong codes. Guesses sent in a
        burst get this answer once, when the burst has settled."""
        again = failures[-WRONG_CODES_PER_HOUR] + WRONG_CODES_WINDOW
        text = turn.t.JOIN_LOCKED.format(limit=WRONG_CODES_PER_HOUR, time=formats.local_time(turn.t, again))
        turn.say(text, coalesce=f"join-locked:{turn.msg.person.id}")

    async def is_member(self, tx: Tx, team: Team, person_id: int) -> bool:
        """Team commands and buttons answer the team's members; the bot's administrators may look in."""
        return person_id in self.admins or await tx.teams.membership(team.id, person_id) is not None

    async def lead_pressed(self, turn: Turn, team: Team, subject_team_id: int | None) -> bool:
        """A button about a round, a follow-up or a member counts when the thing is this group's team's
        (None: it does not exist) and the lead pressed it; otherwise the presser is told why, and it is False."""
        if subject_team_id != team.id:
            turn.toast(turn.t.OTHER_TEAM_BUTTON)
            return False
        if not await self.may_lead(turn.tx, team, turn.msg.person.id):
            turn.toast(turn.t.LEAD_ONLY)
            return False
        return True

    async def may_lead(self, tx: Tx, team: Team, person_id: int) -> bool:
        """Rounds, follow-ups, members and codes are the lead's to change; the bot's administrators may stand in."""
        if person_id in self.admins:
            return True
        member = await tx.teams.membership(team.id, person_id)
        return member is not None and member.role is Role.LEAD
