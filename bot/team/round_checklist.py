"""Which checklist a round's inspections answer, when several are in use (CHECKLIST_DIR).

The round starts on the default checklist, so nothing waits for the lead; the lead may pick another
with a button until the round's first inspection starts. After that the choice is fixed: every
inspection of a round answers the same questions, so its report compares like with like.
"""

from __future__ import annotations

import hashlib
import re

from bot.buttons import GroupAction, GroupToken, group_button
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from bot.events import Button
from bot.team.teams import Teams
from bot.texts import formats
from bot.texts.html import esc
from bot.turn import Turn
from storage.models import Round, Team

LABEL_MAX = 60  # a checklist's title on its button; the whole title is in the message that confirms it
TOAST_TITLE_MAX = 60  # Telegram shows at most 200 characters in a toast
# A button's argument: the checklist's place among those in use, and the start of its id's digest, so a
# button shown before CHECKLIST_DIR changed (and the bot restarted) is stale rather than another checklist.
_CHOICE = re.compile(r"^(\d{1,3})c([0-9a-f]{8})$")


def _digest(checklist: Checklist) -> str:
    return hashlib.sha256(checklist.id.encode()).hexdigest()[:8]


class RoundChecklist:
    def __init__(self, versions: ChecklistVersions, teams: Teams) -> None:
        self.versions = versions
        self.teams = teams

    def ask(self, turn: Turn, opened: Round, heading: str) -> None:
        """Under the message that opens the round: which checklist, the default until the lead picks."""
        default = esc(self.versions.default.title_in(turn.t.lang))
        turn.say(heading + turn.t.ROUND_ASK_CHECKLIST.format(default=default), self.rows(turn, opened))

    def rows(self, turn: Turn, chosen: Round) -> list[list[Button]]:
        """One button per checklist in use, the default first."""
        return [
            [
                group_button(
                    formats.cut(checklist.title_in(turn.t.lang), LABEL_MAX),
                    GroupAction.ROUND_CHECKLIST,
                    chosen.id,
                    f"{place}c{_digest(checklist)}",
                )
            ]
            for place, checklist in enumerate(self.versions.currents)
        ]

    async def line(self, turn: Turn, chosen: Round) -> str:
        """The round's checklist as `/round` names it, with its line break."""
        title = (await self.versions.of_round(turn.tx, chosen)).title_in(turn.t.lang)
        return turn.t.ROUND_SHOW_CHECKLIST.format(title=esc(title)) + "\n"

    async def tap(self, turn: Turn, team: Team, token: GroupToken) -> None:
        """The lead picks the round's checklist."""
        chosen = await turn.tx.rounds.get(token.subject)
        if not await self.teams.lead_pressed(turn, team, chosen.team_id if chosen else None) or not chosen:
            return
        picked = self._picked(token.arg)
        if not chosen.is_open or picked is None:
            turn.toast(turn.t.GROUP_STALE)
            return
        in_use = await self.versions.of_round(turn.tx, chosen)
        if picked.id == in_use.id:
            turn.toast(turn.t.ROUND_CHECKLIST_KEPT, alert=False)
            return
        if await self._started(turn, chosen):
            turn.toast(
                turn.t.ROUND_CHECKLIST_LOCKED.format(title=formats.cut(in_use.title_in(turn.t.lang), TOAST_TITLE_MAX))
            )
            return
        await turn.tx.rounds.set_checklist(chosen.id, picked.id)
        turn.say(turn.t.ROUND_CHECKLIST_CHOSEN.format(name=esc(chosen.name), title=esc(picked.title_in(turn.t.lang))))

    def _picked(self, arg: str) -> Checklist | None:
        """The checklist a button names, if it still names the same one."""
        match = _CHOICE.match(arg)
        if match is None or int(match[1]) >= len(self.versions.currents):
            return None
        checklist = self.versions.currents[int(match[1])]
        return checklist if _digest(checklist) == match[2] else None

    async def _started(self, turn: Turn, chosen: Round) -> bool:
        """Whether an inspection of the round is under way or submitted: its checklist is then settled."""
        tx = turn.tx
        return bool(
            await tx.inspections.drafts_in_round(chosen.id) or await tx.inspections.submitted_in_round(chosen.id)
        )
