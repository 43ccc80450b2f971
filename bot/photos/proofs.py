"""Photos that prove a follow-up was fixed, sent by the lead in the team's group as a reply to the bot.

The same three phases as inspection photos (check, download and decode, record) so nothing is
downloaded or decoded while the database is locked, and the same checks on what is an image.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.conversation.callbacks import GroupAction, group_button
from bot.events import Incoming, PhotoIn, Reply, Say
from bot.photos.images import PhotoRejected, keep
from bot.photos.intake import PhotoIntake, owed
from bot.team.followups import FollowUps
from bot.texts import catalogue as texts
from storage.models import NewProof, PromptStage
from storage.port import Store

log = logging.getLogger(__name__)


class ProofIntake:
    def __init__(self, store: Store, followups: FollowUps, photos: PhotoIntake, photo_dir: Path) -> None:
        self.store = store
        self.followups = followups
        self.photos = photos
        self.photo_dir = photo_dir

    async def receive(self, msg: Incoming, photo: PhotoIn) -> list[Reply]:
        """In the team's group, so in Vietnamese whoever sends the proof."""
        chat, person, t = msg.chat, msg.person, texts.VI
        album = f"proof:{photo.media_group_id}" if photo.media_group_id else None
        async with self.store.transaction() as tx:
            if await tx.delivery.was_processed(msg.key):
                return []
            prompt = await self.followups.current_prompt(tx, chat.id, person.id)
            if prompt is None or prompt.stage is not PromptStage.PHOTO:
                # People share photos in their group; only an awaited proof is the bot's business.
                await tx.delivery.claim_update(msg.key)
                if prompt is None:
                    return []
                waiting = t.FOLLOWUP_WAITING_TEXT if prompt.stage is PromptStage.NOTE else t.FOLLOWUP_WAITING_DATE
                return await owed(tx, Say(chat_id=chat.id, html=waiting.format(id=prompt.followup_id), coalesce=album))
            refusal = self.photos.too_big(t, photo)
            if refusal:
                await tx.delivery.claim_update(msg.key)
                return await owed(tx, Say(chat_id=chat.id, html=refusal, coalesce=album))
            followup_id = prompt.followup_id

        try:
            data = await photo.fetch()
        except Exception:
            log.warning("proof photo download failed for %s", msg.key, exc_info=True)
            async with self.store.transaction() as tx:
                return await owed(tx, Say(chat_id=chat.id, html=t.PHOTO_FETCH_FAILED))
        try:
            info = await self.photos.examine(data)
            path = await asyncio.to_thread(keep, self.photo_dir, f"followups/{followup_id}", info, data)
        except PhotoRejected as rejected:
            async with self.store.transaction() as tx:
                if not await tx.delivery.claim_update(msg.key):
                    return []
                return await owed(tx, Say(chat_id=chat.id, html=rejected.wording(t), coalesce=album))

        async with self.store.transaction() as tx:
            if not await tx.delivery.claim_update(msg.key):
                return []
            proof = NewProof(
                sender_id=person.id,
                sender_name=person.name,
                sha256=info.sha256,
                size=info.size,
                width=info.width,
                height=info.height,
                mime=info.mime,
                path=path,
            )
            await tx.followups.add_photo(followup_id, proof)
            followup = await tx.followups.get(followup_id)
            assert followup is not None
            count = len(await tx.followups.photos(followup_id))
            done = group_button(t.DONE, GroupAction.FOLLOWUP_NO_PHOTO, followup_id, str(followup.version))
            text = t.FOLLOWUP_PROOF_SAVED.format(id=followup_id, count=count)
            return await owed(tx, Say(chat_id=chat.id, html=text, buttons=[[done]], coalesce=album))
