"""Long polling, for development: Zalo answers getUpdates with one update at a time, and forgets it.

With no offset to confirm an update, the only safe order is: receive, commit to the inbox, then ask
for the next one. Errors (Zalo down, another instance polling with the same token) are logged and
retried with a growing pause, so a flaky network never ends the bot.
"""

from __future__ import annotations

import asyncio
import logging

from handlers.zalo.client import Json, ZaloClient, ZaloError, ZaloUnreachable
from handlers.zalo.inbox import ZaloInbox

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 30
MAX_PAUSE_SECONDS = 60.0


async def poll(client: ZaloClient, inbox: ZaloInbox, seconds: int = POLL_TIMEOUT_SECONDS) -> None:
    """Runs until cancelled."""
    failures = 0
    while True:
        try:
            updates = await client.get_updates(seconds)
        except (ZaloError, ZaloUnreachable) as error:
            failures += 1
            pause = min(2.0 ** min(failures, 6), MAX_PAUSE_SECONDS)
            log.warning("Zalo getUpdates failed (%s); polling again in %.0f s", error, pause)
            await asyncio.sleep(pause)
            continue
        failures = 0
        for update in updates:
            await _keep(inbox, update)


async def _keep(inbox: ZaloInbox, update: Json) -> None:
    """Zalo will not hand this update out again, so committing it is retried until it works."""
    while True:
        try:
            await inbox.take(update)
            return
        except Exception:
            log.exception("a Zalo update could not be stored; trying again")
            await asyncio.sleep(1.0)
