"""Receiving a photo, whatever it proves: checked, downloaded, decoded, kept, then recorded.

Three phases, so that no download or image decoding happens while the database is locked: a first
transaction decides whether the photo is wanted at all (and refuses what it can without a byte), the
download and the decode run outside any transaction, and a last one records the kept file. The update
is claimed (recorded as processed) only once its outcome is stored, so a crash or a failed download
leaves it to be delivered and tried again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.events import Incoming, PhotoIn, Reply, Say
from bot.images import PhotoInfo, PhotoRejected, examine, in_decoder, keep
from bot.texts.catalogue import Messages
from bot.turn import owe
from storage.clock import utcnow
from storage.models import SentFile
from storage.port import Store, Tx

log = logging.getLogger(__name__)

# A download is held in memory until it is kept (at most MAX_PHOTO_MB each): a few at a time for everyone.
PARALLEL_DOWNLOADS = 4
# An album's acknowledgement, once none of its photos waits on the channel any more, still waits this
# long for any that Telegram had not handed over yet (a phone sends an album as one request, so its
# photos come in the same or the next getUpdates batch).
ALBUM_SETTLE = timedelta(seconds=0.3)


@dataclass(frozen=True)
class Wanted:
    """Where a wanted photo is kept (a folder under the photo directory), and how it is recorded once
    kept: in the last transaction, returning the acknowledgement."""

    folder: str
    record: Callable[[Tx, SentFile], Awaitable[Say]]


@dataclass(frozen=True)
class Decision:
    """What the first transaction decided, in the catalogue the sender is answered in: the photo is
    `wanted`, or refused with `refusal` (None: not the bot's business, say nothing)."""

    t: Messages
    wanted: Wanted | None = None
    refusal: Say | None = None


async def owed(tx: Tx, reply: Say) -> list[Reply]:
    replies: list[Reply] = [reply]
    await owe(tx, replies)
    return replies


class PhotoReceiver:
    def __init__(self, store: Store, photo_dir: Path, max_photo_bytes: int) -> None:
        self.store = store
        self.photo_dir = photo_dir
        self.max_photo_bytes = max_photo_bytes
        self._downloading = asyncio.Semaphore(PARALLEL_DOWNLOADS)

    async def receive(
        self, msg: Incoming, photo: PhotoIn, decide: Callable[[Tx], Awaitable[Decision]], refused: str | None
    ) -> list[Reply]:
        """`refused` names the burst a refusal belongs to, so an album refused gets one answer."""
        async with self.store.transaction() as tx:
            if await tx.delivery.was_processed(msg.key):
                return []
            decision = await decide(tx)
            if decision.wanted is None:
                await tx.delivery.claim_update(msg.key)
                return await owed(tx, decision.refusal) if decision.refusal else []
        t, wanted = decision.t, decision.wanted
        try:
            async with self._downloading:
                data = await photo.fetch()
        except Exception:
            # Not claimed: should the channel deliver this update again, the download is retried.
            log.warning("photo download failed for %s", msg.key, exc_info=True)
            async with self.store.transaction() as tx:
                return await owed(tx, Say(chat_id=msg.chat.id, html=t.PHOTO_FETCH_FAILED))
        try:
            info = await self.examine(data)
            path = await asyncio.to_thread(keep, self.photo_dir, wanted.folder, info, data)
        except PhotoRejected as rejected:
            async with self.store.transaction() as tx:
                if not await tx.delivery.claim_update(msg.key):
                    return []
                return await owed(tx, Say(chat_id=msg.chat.id, html=rejected.wording(t), coalesce=refused))
        kept = SentFile(
            **info.model_dump(exclude={"extension"}), path=path, sender_id=msg.person.id, sender_name=msg.person.name
        )
        async with self.store.transaction() as tx:
            if not await tx.delivery.claim_update(msg.key):
                return []
            acknowledgement = await wanted.record(tx, kept)
            if photo.more_in_album is not None and not photo.more_in_album():
                acknowledgement = acknowledgement.model_copy(update={"held_until": utcnow() + ALBUM_SETTLE})
            return await owed(tx, acknowledgement)

    async def examine(self, data: bytes) -> PhotoInfo:
        """Size, then the decode, in the decoding thread (`bot.images`)."""
        if len(data) > self.max_photo_bytes:
            limit = self.max_photo_bytes // 2**20
            raise PhotoRejected(lambda t: t.PHOTO_TOO_BIG.format(limit=limit))
        return await in_decoder(examine, data)

    def too_big(self, t: Messages, photo: PhotoIn) -> str | None:
        """Refusals that need no download: a document that is not an image, or one declared too big."""
        if photo.as_document and photo.mime_type and not photo.mime_type.startswith("image/"):
            return t.PHOTO_NOT_IMAGE
        if photo.declared_size and photo.declared_size > self.max_photo_bytes:
            return t.PHOTO_TOO_BIG.format(limit=self.max_photo_bytes // 2**20)
        return None
