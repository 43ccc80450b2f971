"""Photos that prove a follow-up was fixed, sent by the lead in the team's group as a reply to the bot,
received the same way as evidence (`bot.photos.receiving`)."""

from __future__ import annotations

from bot.buttons import GroupAction, group_button
from bot.events import Incoming, PhotoIn, Reply, Say
from bot.photos.receiving import Decision, PhotoReceiver, Wanted
from bot.team.followups import FollowUps
from bot.texts import catalogue as texts
from storage.models import PromptStage, SentFile
from storage.port import Tx


class ProofIntake:
    def __init__(self, followups: FollowUps, receiver: PhotoReceiver) -> None:
        self.followups = followups
        self.receiver = receiver

    async def receive(self, msg: Incoming, photo: PhotoIn) -> list[Reply]:
        """In the team's group, so in Vietnamese whoever sends the proof."""
        chat, t = msg.chat, texts.VI
        album = f"proof:{photo.media_group_id}" if photo.media_group_id else None

        async def decide(tx: Tx) -> Decision:
            prompt = await self.followups.current_prompt(tx, chat.id, msg.person.id)
            if prompt is None or prompt.followup_id is None:
                return Decision(t)  # people share photos in their group; only an awaited proof is ours
            if prompt.stage is not PromptStage.PHOTO:
                waiting = t.FOLLOWUP_WAITING_TEXT if prompt.stage is PromptStage.NOTE else t.FOLLOWUP_WAITING_DATE
                return Decision(
                    t, refusal=Say(chat_id=chat.id, html=waiting.format(id=prompt.followup_id), coalesce=album)
                )
            refusal = self.receiver.too_big(t, photo)
            if refusal:
                return Decision(t, refusal=Say(chat_id=chat.id, html=refusal, coalesce=album))
            followup_id = prompt.followup_id
            folder = f"followups/{followup_id}"
            return Decision(t, Wanted(folder, lambda tx, kept: self._record(tx, msg, followup_id, kept, album)))

        return await self.receiver.receive(msg, photo, decide, album)

    async def _record(self, tx: Tx, msg: Incoming, followup_id: int, kept: SentFile, album: str | None) -> Say:
        t = texts.VI
        await tx.followups.add_photo(followup_id, kept)
        followup = await tx.followups.get(followup_id)
        assert followup is not None
        count = len(await tx.followups.photos(followup_id))
        done = group_button(t.DONE, GroupAction.FOLLOWUP_NO_PHOTO, followup_id, str(followup.version))
        text = t.FOLLOWUP_PROOF_SAVED.format(id=followup_id, count=count)
        return Say(chat_id=msg.chat.id, html=text, buttons=[[done]], coalesce=album)
