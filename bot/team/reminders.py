"""Reminders derived from the database: the daily digest of follow-ups coming due, and one nudge for a
draft left untouched for a day.

`tick(now)` is run by the channel's scheduler every minute (and once at start). Each reminder has a
key naming what and when ("digest:<team>:<day>", "draft:<inspection>:<last change>") that is recorded
in the same transaction as the message it owes, so a restart neither drops a reminder that is due
nor sends one twice.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.checklist import conditions
from bot.checklist.versions import ChecklistVersions
from bot.events import Owed, Say
from bot.team.followups import FollowUps
from bot.texts import formats
from bot.texts.html import esc
from bot.turn import catalogue_of, owe
from storage.port import Store, Tx

DIGEST_WINDOW_DAYS = 3
DRAFT_IDLE = timedelta(hours=24)


class Reminders:
    def __init__(self, store: Store, versions: ChecklistVersions, followups: FollowUps, digest_at: time) -> None:
        self.store = store
        self.versions = versions
        self.followups = followups
        self.digest_at = digest_at

    async def tick(self, now: datetime) -> list[Owed]:
        async with self.store.transaction() as tx:
            out = await self._digests(tx, now) + await self._idle_drafts(tx, now)
            await owe(tx, list(out))
        return out

    async def _digests(self, tx: Tx, now: datetime) -> list[Owed]:
        """Once a day per team, at DIGEST_TIME or at the first tick after it (the bot may have been down)."""
        local = now.astimezone(formats.VIETNAM)
        if local.time().replace(tzinfo=None) < self.digest_at:
            return []
        out: list[Owed] = []
        for team in await tx.teams.all():
            if not await tx.delivery.remember_reminder(f"digest:{team.id}:{local.date().isoformat()}"):
                continue
            text = await self.followups.digest(tx, team, local.date(), DIGEST_WINDOW_DAYS)
            if text is not None:
                out.append(Say(chat_id=team.group_chat_id, html=text))
        return out

    async def _idle_drafts(self, tx: Tx, now: datetime) -> list[Owed]:
        """One reminder per idle spell: touching the draft starts a new spell, with a new key. In the
        inspector's language, as far as it is known without a message of theirs (a /lang choice)."""
        out: list[Owed] = []
        for draft in await tx.inspections.idle_drafts(now - DRAFT_IDLE):
            if not await tx.delivery.remember_reminder(f"draft:{draft.id}:{draft.updated_at.isoformat()}"):
                continue
            checklist = await self.versions.of(tx, draft)
            t = await catalogue_of(tx, draft.inspector_id)
            done, total = conditions.progress(checklist, await tx.inspections.answers(draft.id))
            out.append(
                Say(
                    chat_id=draft.inspector_id,
                    html=t.DRAFT_REMINDER.format(
                        id=draft.id,
                        unit=esc(draft.unit or t.NO_UNIT),
                        when=formats.local_time(t, draft.updated_at),
                        done=done,
                        total=total,
                    ),
                )
            )
        return out
