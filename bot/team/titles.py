"""`/chucvu` and `/xungho` in a private chat: how the record names a member of the team.

A biên bản lists the team as "Ông Nguyễn Văn Thắng – Phó Giám đốc Sở Nội vụ – Trưởng đoàn". The bot knows
the name and the role; the position and agency, and whether to write Ông or Bà, only the person can say.
They say it once, here, and every later record uses it. Each answer previews the line the record prints.
"""

from __future__ import annotations

from bot.buttons import GroupAction, GroupToken, group_button
from bot.findings.people import member_line
from bot.texts.html import esc
from bot.turn import Turn
from storage.models import Member, Role, Salutation, Title

POSITION_MIN, POSITION_MAX = 3, 150
_TYPED_SALUTATIONS = {"ông": Salutation.MR, "ong": Salutation.MR, "bà": Salutation.MRS, "ba": Salutation.MRS}


class Titles:
    async def position(self, turn: Turn, args: str) -> None:
        """`/chucvu <chức vụ, cơ quan>` sets it; alone, shows what the record prints and how to change it."""
        text = args.strip()
        if not text:
            await self._show(turn, turn.t.TITLE_SHOW)
            return
        position = " ".join(text.split())
        if "\n" in text or not POSITION_MIN <= len(position) <= POSITION_MAX:
            turn.say(turn.t.POSITION_RULE)
            return
        title = await turn.tx.people.title_of(turn.msg.person.id)
        await self._save(turn, title.model_copy(update={"position": position}))

    async def salutation(self, turn: Turn, args: str) -> None:
        """`/xungho Ông|Bà` sets it; alone, asks with two buttons."""
        chosen = _TYPED_SALUTATIONS.get(args.strip().lower())
        if chosen is None:
            await self._show(turn, turn.t.SALUTATION_ASK)
            return
        await self._choose(turn, chosen)

    async def tap(self, turn: Turn, token: GroupToken) -> None:
        """A salutation button: only its own person's, and only one of the two choices."""
        chosen = next((s for s in Salutation if s.name.lower() == token.arg), None)
        if token.subject != turn.msg.person.id or chosen is None:
            turn.toast(turn.t.FOREIGN_BUTTON)
            return
        turn.retire_buttons()
        await self._choose(turn, chosen)

    async def _choose(self, turn: Turn, salutation: Salutation) -> None:
        title = await turn.tx.people.title_of(turn.msg.person.id)
        await self._save(turn, title.model_copy(update={"salutation": salutation}))

    async def _save(self, turn: Turn, title: Title) -> None:
        await turn.tx.people.set_title(turn.msg.person.id, title)
        turn.say(turn.t.TITLE_SAVED.format(line=esc(await self._line(turn, title))))

    async def _show(self, turn: Turn, template: str) -> None:
        person = turn.msg.person
        title = await turn.tx.people.title_of(person.id)
        buttons = [
            group_button(turn.t.SALUTATION_LABELS[choice.value], GroupAction.TITLE, person.id, choice.name.lower())
            for choice in Salutation
        ]
        turn.say(template.format(line=esc(await self._line(turn, title))), [buttons])

    async def _line(self, turn: Turn, title: Title) -> str:
        """The person as the record of their latest team lists them (a member when they are in none yet)."""
        person = turn.msg.person
        team = await turn.tx.teams.latest_of(person.id)
        member = await turn.tx.teams.membership(team.id, person.id) if team else None
        role = member.role if member else Role.INSPECTOR
        shown = Member(
            team_id=team.id if team else 0,
            user_id=person.id,
            role=role,
            name=member.name if member else person.name,
            position=title.position,
            salutation=title.salutation,
        )
        return member_line(shown)
