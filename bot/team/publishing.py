"""Summaries for the team: posted to the group on submit, and again on request with /summary."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.checklist.versions import ChecklistVersions
from bot.events import Abilities, Photos
from bot.findings.snapshot import Snapshot, read_snapshot
from bot.findings.summary import photo_album, render_summary
from bot.texts import catalogue as texts
from bot.texts.html import esc
from bot.texts.plain import all_words_in
from bot.turn import Turn
from storage.models import Inspection, Team
from storage.port import Tx


class Publisher:
    def __init__(self, versions: ChecklistVersions, photo_dir: Path, abilities: Mapping[str, Abilities]) -> None:
        self.versions = versions
        self.photo_dir = photo_dir
        self.abilities = abilities

    async def snapshot(self, tx: Tx, inspection: Inspection) -> Snapshot:
        return await read_snapshot(tx, self.versions, inspection)

    async def publish(self, turn: Turn, snapshot: Snapshot, chat_id: int | None = None) -> None:
        """The summary, then the evidence photos, to the team's group or to the chat that asked; a lead
        on a channel without groups (Zalo) gets them in their private chat too. In Vietnamese: it is the
        team's record, read by everyone in the group."""
        targets = [snapshot.team.group_chat_id if chat_id is None else chat_id]
        if chat_id is None and not await self._lead_has_groups(turn, snapshot.team.lead_id):
            targets.append(snapshot.team.lead_id)
        album = photo_album(texts.VI, snapshot, self.photo_dir)
        for target in targets:
            turn.say(render_summary(texts.VI, snapshot), chat_id=target)
            if album:
                turn.out.append(Photos(chat_id=target, photos=album))

    async def _lead_has_groups(self, turn: Turn, lead_id: int) -> bool:
        """A lead the bot has never heard from is taken to read the group, as the team's leads always could."""
        lead = await turn.tx.people.identity_of(lead_id)
        abilities = self.abilities.get(lead.channel) if lead is not None else None
        return abilities is None or abilities.groups

    async def on_request(self, turn: Turn, team: Team, args: str) -> None:
        """`/summary [words of the unit's name]` in the team's group."""
        inspections = [
            i for i in await turn.tx.inspections.submitted_of_team(team.id) if all_words_in(args, i.unit or "")
        ]
        if not inspections:
            turn.say(turn.t.NO_MATCH.format(words=esc(args.strip())) if args.strip() else turn.t.NO_SUBMITTED)
            return
        await self.publish(turn, await self.snapshot(turn.tx, inspections[0]), chat_id=turn.msg.chat.id)
