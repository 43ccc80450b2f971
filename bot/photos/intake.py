"""Photo evidence coming in: checked, kept byte for byte, and recorded against the item it proves."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.checklist.kinds import kind_of
from bot.checklist.versions import ChecklistVersions
from bot.conversation import flow, prompts
from bot.conversation.callbacks import Action
from bot.conversation.turn import catalogue_for, owe
from bot.events import ChatKind, Incoming, PhotoIn, Reply, Say
from bot.photos.images import PhotoInfo, PhotoRejected, examine, keep
from bot.texts.catalogue import Messages
from storage.models import Inspection, NewPhoto, Stage
from storage.port import Store, Tx

log = logging.getLogger(__name__)

# A 12-megapixel photo takes about 36 MB to decode; several albums at once must not add up unbounded.
PARALLEL_DECODES = 2


class PhotoIntake:
    def __init__(self, store: Store, versions: ChecklistVersions, photo_dir: Path, max_photo_bytes: int) -> None:
        self.store = store
        self.versions = versions
        self.photo_dir = photo_dir
        self.max_photo_bytes = max_photo_bytes
        self._decoding = asyncio.Semaphore(PARALLEL_DECODES)

    async def receive(self, msg: Incoming, photo: PhotoIn) -> list[Reply]:
        """Three phases so that no download or image decoding happens while the database is locked."""
        if msg.chat.kind is ChatKind.GROUP:
            return []
        refused_key = f"album:{photo.media_group_id}:refused" if photo.media_group_id else None
        async with self.store.transaction() as tx:
            if await tx.delivery.was_processed(msg.key):
                return []
            t = await catalogue_for(tx, msg)
            inspection = await tx.inspections.draft_of(msg.person.id)
            refusal = await self._refusal(t, tx, inspection, photo)
            if refusal or inspection is None:
                await tx.delivery.claim_update(msg.key)
                return await owed(tx, Say(chat_id=msg.chat.id, html=refusal or "", coalesce=refused_key))
            checklist = await self.versions.of(tx, inspection)
            _, area, _, item = checklist.at(inspection.pos)

        try:
            data = await photo.fetch()
        except Exception:
            # Not claimed: should the channel deliver this update again, the download is retried.
            log.warning("photo download failed for %s", msg.key, exc_info=True)
            async with self.store.transaction() as tx:
                return await owed(tx, Say(chat_id=msg.chat.id, html=t.PHOTO_FETCH_FAILED))
        try:
            info = await self.examine(data)
            path = await asyncio.to_thread(keep, self.photo_dir, str(inspection.id), info, data)
        except PhotoRejected as rejected:
            async with self.store.transaction() as tx:
                if not await tx.delivery.claim_update(msg.key):
                    return []
                return await owed(tx, Say(chat_id=msg.chat.id, html=rejected.wording(t), coalesce=refused_key))

        async with self.store.transaction() as tx:
            if not await tx.delivery.claim_update(msg.key):
                return []
            current = await tx.inspections.draft_of(msg.person.id)
            if current is None or current.id != inspection.id:
                return await owed(tx, Say(chat_id=msg.chat.id, html=t.PHOTO_NO_DRAFT))
            await tx.photos.add(
                NewPhoto(
                    inspection_id=inspection.id,
                    area_id=area.id,
                    item_id=item.id,
                    sender_id=msg.person.id,
                    sender_name=msg.person.name,
                    sha256=info.sha256,
                    size=info.size,
                    width=info.width,
                    height=info.height,
                    mime=info.mime,
                    path=path,
                    media_group_id=photo.media_group_id,
                )
            )
            total = await tx.photos.count(inspection.id, item.id)
            if kind_of(item).answered_by_photos and await tx.inspections.answer(inspection.id, item.id) is not None:
                # Photos added after "Xong" (by going back) keep the recorded count true.
                await tx.inspections.save_answer(inspection.id, area.id, item.id, str(total), msg.person.id)
            if photo.media_group_id:
                text = t.ALBUM_RECEIVED.format(count=await tx.photos.album_count(photo.media_group_id), total=total)
            else:
                text = t.PHOTO_RECEIVED.format(total=total)
            collecting = current.stage is Stage.PHOTOS and current.pos == inspection.pos
            buttons = [[prompts.button(current, t.DONE, Action.DONE)]] if collecting else []
            text += "\n" + (t.PHOTO_MORE if collecting else t.PHOTO_EARLY)
            album = f"album:{photo.media_group_id}" if photo.media_group_id else None
            return await owed(tx, Say(chat_id=msg.chat.id, html=text, buttons=buttons, coalesce=album))

    async def examine(self, data: bytes) -> PhotoInfo:
        """Size, then a full decode in a worker thread, at most PARALLEL_DECODES at a time."""
        if len(data) > self.max_photo_bytes:
            limit = self.max_photo_bytes // 2**20
            raise PhotoRejected(lambda t: t.PHOTO_TOO_BIG.format(limit=limit))
        async with self._decoding:
            return await asyncio.to_thread(examine, data)

    def too_big(self, t: Messages, photo: PhotoIn) -> str | None:
        """Refusals that need no download: a document that is not an image, or one declared too big."""
        if photo.as_document and photo.mime_type and not photo.mime_type.startswith("image/"):
            return t.PHOTO_NOT_IMAGE
        if photo.declared_size and photo.declared_size > self.max_photo_bytes:
            return t.PHOTO_TOO_BIG.format(limit=self.max_photo_bytes // 2**20)
        return None

    async def _refusal(self, t: Messages, tx: Tx, inspection: Inspection | None, photo: PhotoIn) -> str | None:
        """Everything that can be refused before a single byte is downloaded."""
        if inspection is None:
            return t.PHOTO_NO_DRAFT
        if not flow.accepts_photos(await self.versions.of(tx, inspection), inspection.stage, inspection.pos):
            return t.PHOTO_NOT_NOW
        return self.too_big(t, photo)


async def owed(tx: Tx, reply: Say) -> list[Reply]:
    replies: list[Reply] = [reply]
    await owe(tx, replies)
    return replies
