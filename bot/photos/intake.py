"""Photo evidence coming in: recorded against the item it proves, while the inspector is on that item.

At most PHOTOS_PER_ITEM photos on one item: ten is one full Telegram album, enough for a board of
postings photographed in parts. At most PHOTOS_PER_INSPECTION on one inspection: the group receives
them as albums of ten after the summary and, if each photo counts as one of the 20 messages a minute
Telegram lets a group receive, 40 hold the group's other messages back for two minutes (500 held them
for 25); 40 photos is also the record whose appendix was measured at 1.5 s and 4.3 MB (README,
"Measured figures"). An item whose evidence is required still takes its first photo beyond that, so the
cap never keeps an inspection from being submitted: at most 40 plus one per such item (4 in the bundled
checklist).
"""

from __future__ import annotations

from bot.buttons import Action
from bot.checklist.kinds import kind_of
from bot.checklist.model import PhotoRule
from bot.checklist.versions import ChecklistVersions
from bot.conversation import flow, prompts
from bot.conversation.amend import photo_step
from bot.conversation.sharing import Sharing
from bot.events import ChatKind, Incoming, PhotoIn, Reply, Say
from bot.photos.receiving import Decision, PhotoReceiver, Wanted
from bot.texts.catalogue import Messages
from bot.turn import catalogue_for
from storage.models import AmendStage, AmendState, Inspection, NewPhoto, SentFile, Stage
from storage.port import Tx

PHOTOS_PER_ITEM = 10
PHOTOS_PER_INSPECTION = 40


class PhotoIntake:
    def __init__(self, versions: ChecklistVersions, receiver: PhotoReceiver, sharing: Sharing) -> None:
        self.versions = versions
        self.receiver = receiver
        self.sharing = sharing

    async def receive(self, msg: Incoming, photo: PhotoIn) -> list[Reply]:
        if msg.chat.kind is ChatKind.GROUP:
            return []
        refused = f"album:{photo.media_group_id}:refused" if photo.media_group_id else None

        async def decide(tx: Tx) -> Decision:
            t = await catalogue_for(tx, msg)
            correcting = await tx.amendments.state_of(msg.person.id)
            if correcting is not None and correcting.stage is AmendStage.PHOTOS:
                return await self._for_correction(tx, t, msg, photo, correcting, refused)
            inspection = await tx.inspections.draft_of(msg.person.id)
            refusal = await self._refusal(t, tx, inspection, photo)
            if refusal or inspection is None:
                return Decision(t, refusal=Say(chat_id=msg.chat.id, html=refusal or "", coalesce=refused))
            folder = str(inspection.id)
            return Decision(t, Wanted(folder, lambda tx, kept: self._record(tx, t, msg, photo, inspection, kept)))

        return await self.receiver.receive(msg, photo, decide, refused)

    async def _for_correction(
        self, tx: Tx, t: Messages, msg: Incoming, photo: PhotoIn, state: AmendState, refused: str | None
    ) -> Decision:
        """Evidence sent while correcting a submitted inspection (`/amend`): kept aside until the
        correction is saved with its reason."""
        inspection = await tx.inspections.get(state.inspection_id)
        assert inspection is not None and state.pos is not None
        item = (await self.versions.of(tx, inspection)).at(state.pos)[3]
        there = await tx.photos.count(inspection.id, item.id) + len(
            await tx.photos.pending(inspection.id, msg.person.id)
        )
        refusal = t.AMEND_PHOTO_FULL.format(limit=PHOTOS_PER_ITEM) if there >= PHOTOS_PER_ITEM else None
        refusal = refusal or self.receiver.too_big(t, photo)
        if refusal:
            return Decision(t, refusal=Say(chat_id=msg.chat.id, html=refusal, coalesce=refused))
        folder = str(inspection.id)
        return Decision(t, Wanted(folder, lambda tx, kept: self._record_correction(tx, t, msg, photo, state, kept)))

    async def _record_correction(
        self, tx: Tx, t: Messages, msg: Incoming, photo: PhotoIn, state: AmendState, kept: SentFile
    ) -> Say:
        now = await tx.amendments.state_of(msg.person.id)
        if now is None or (now.stage, now.inspection_id, now.pos) != (
            AmendStage.PHOTOS,
            state.inspection_id,
            state.pos,
        ):
            return Say(chat_id=msg.chat.id, html=t.PHOTO_NOT_NOW)
        inspection = await tx.inspections.get(now.inspection_id)
        assert inspection is not None and now.pos is not None
        checklist = await self.versions.of(tx, inspection)
        _, area, _, item = checklist.at(now.pos)
        evidence = NewPhoto(
            **kept.model_dump(),
            inspection_id=inspection.id,
            area_id=area.id,
            item_id=item.id,
            media_group_id=photo.media_group_id,
        )
        await tx.photos.add(evidence, pending_of=msg.person.id)
        shown = [p for p in await tx.photos.of(inspection.id) if p.item_id == item.id]
        text, buttons = photo_step(t, now, checklist, shown, len(await tx.photos.pending(inspection.id, msg.person.id)))
        album = f"album:{photo.media_group_id}" if photo.media_group_id else None
        return Say(chat_id=msg.chat.id, html=text, buttons=buttons, coalesce=album)

    async def _record(
        self, tx: Tx, t: Messages, msg: Incoming, photo: PhotoIn, inspection: Inspection, kept: SentFile
    ) -> Say:
        current = await tx.inspections.draft_of(msg.person.id)
        if current is None or current.id != inspection.id:
            return Say(chat_id=msg.chat.id, html=t.PHOTO_NO_DRAFT)
        _, area, _, item = (await self.versions.of(tx, inspection)).at(inspection.pos)
        await tx.photos.add(
            NewPhoto(
                **kept.model_dump(),
                inspection_id=inspection.id,
                area_id=area.id,
                item_id=item.id,
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
        return Say(chat_id=msg.chat.id, html=text, buttons=buttons, coalesce=album)

    async def _refusal(self, t: Messages, tx: Tx, inspection: Inspection | None, photo: PhotoIn) -> str | None:
        """Everything that can be refused before a single byte is downloaded. The counts are those the
        photo would be recorded with: one person's updates are handled one after another, photo included,
        and only the inspector adds photos to their inspection."""
        if inspection is None:
            return t.PHOTO_NO_DRAFT
        checklist = await self.versions.of(tx, inspection)
        if not flow.accepts_photos(checklist, inspection.stage, inspection.pos):
            return t.PHOTO_NOT_NOW
        if not (await self.sharing.walk(tx, inspection, checklist)).allows(checklist, inspection.pos):
            return t.PHOTO_NOT_YOURS  # the area was given to someone else meanwhile
        item = checklist.at(inspection.pos)[3]
        on_item = await tx.photos.count(inspection.id, item.id)
        if on_item >= PHOTOS_PER_ITEM:
            return t.PHOTO_ITEM_FULL.format(limit=PHOTOS_PER_ITEM)
        needed = item.photo is PhotoRule.REQUIRED and on_item == 0
        if not needed and await tx.photos.count(inspection.id) >= PHOTOS_PER_INSPECTION:
            return t.PHOTO_INSPECTION_FULL.format(limit=PHOTOS_PER_INSPECTION)
        return self.receiver.too_big(t, photo)
