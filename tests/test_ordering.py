"""The update processor knows, for each photo of an album, whether more of that album still wait, so the
album's one acknowledgement goes out as soon as its last photo is kept instead of after a fixed pause."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

from telegram import Update

from handlers.lanes import Pacing
from handlers.telegram.ordering import PerPersonUpdateProcessor

PERSON = 8_100_001


def photo_update(update_id: int, album: str | None) -> Update:
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": PERSON, "type": "private"},
        "from": {"id": PERSON, "is_bot": False, "first_name": "Lan"},
        "photo": [{"file_id": f"f{update_id}", "file_unique_id": f"u{update_id}", "width": 8, "height": 8}],
    }
    if album is not None:
        message["media_group_id"] = album
    return Update.de_json({"update_id": update_id, "message": message}, None)


async def member(_: Hashable) -> bool:
    return True


async def test_each_photo_of_an_album_knows_whether_more_are_waiting() -> None:
    dropped: list[Update] = []
    processor = PerPersonUpdateProcessor(Pacing(member), lambda _: asyncio.sleep(0), dropped.append)
    seen: list[tuple[str, bool]] = []
    done = asyncio.Event()

    async def handle(name: str, album: str) -> None:
        await asyncio.sleep(0.01)  # the others queue up meanwhile, as an album's photos do
        seen.append((name, processor.more_in_album(album)))
        if len(seen) == 5:
            done.set()

    updates = [(1, "A"), (2, "A"), (3, "B"), (4, "A"), (5, None)]
    for number, album in updates:
        name = f"photo {number}"
        job = handle(name, album) if album else handle(name, "none")
        await processor.do_process_update(photo_update(number, album), job)
    await asyncio.wait_for(done.wait(), 5)

    # One person's updates run in order: photo 1 and 2 see album A's later photo 4 still queued.
    assert seen == [("photo 1", True), ("photo 2", True), ("photo 3", False), ("photo 4", False), ("photo 5", False)]
    assert not processor.more_in_album("A") and not dropped
