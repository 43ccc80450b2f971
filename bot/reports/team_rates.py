"""A team's rated answers over all its submitted inspections (/stats and its chart), one checklist at a
time: two checklists in use may share an area id, so each answer is read against its own checklist."""

from __future__ import annotations

from datetime import datetime

from bot.answers import VERDICTS
from bot.checklist.model import Checklist
from bot.checklist.versions import ChecklistVersions
from storage.port import Tx

Rated = list[tuple[int, str, datetime, str, str]]  # rows of `rated_answers_of_team`


async def rated_by_checklist(tx: Tx, versions: ChecklistVersions, team_id: int) -> list[tuple[Checklist, Rated]]:
    """The checklists in use the team answered, in their stable order, each with its answers. With one
    checklist in use every answer counts against it, as before there were several (earlier versions,
    other ids); with several, answers of a checklist no longer in use are left out."""
    if not versions.several:
        rated = await tx.inspections.rated_answers_of_team(team_id, VERDICTS)
        return [(versions.default, rated)] if rated else []
    grouped = []
    for checklist in versions.currents:
        rated = await tx.inspections.rated_answers_of_team(team_id, VERDICTS, checklist.id)
        if rated:
            grouped.append((checklist, rated))
    return grouped
