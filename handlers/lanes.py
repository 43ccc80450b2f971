"""One person's updates run in order; different people run side by side; a flood slows only its sender.

Processing everything one after another would let a slow reply to one inspector hold up everyone;
processing everything at once would let an album's photos and the "Xong" press overtake each other.
A lane per person gives both responsiveness and order. A lane may also have a leaky bucket: someone
(or some script) sending a hundred messages a second is then processed at a steady pace, told once to
slow down, and nobody else waits for them. Nothing is dropped: every update is already committed to
the inbox, so one not run before a stop is run after the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Hashable
from dataclasses import dataclass, field
from typing import Any

from aiolimiter import AsyncLimiter

THROTTLE_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Bucket:
    """`burst` updates at once, refilled over `seconds`."""

    burst: int
    seconds: float


@dataclass
class _Lane:
    """A person's lock, rate limiter and how many jobs hold or await it; dropped when unused."""

    lock: asyncio.Lock
    limiter: AsyncLimiter | None
    users: int = 0
    warned: bool = False


@dataclass
class Lanes:
    bucket: Bucket | None = None
    on_flood: Callable[[Hashable], Coroutine[Any, Any, None]] | None = None
    stopping: bool = False
    _lanes: dict[Hashable, _Lane] = field(default_factory=dict)
    _warnings: set[asyncio.Task[None]] = field(default_factory=set)

    def _lane(self, key: Hashable) -> _Lane:
        lane = self._lanes.get(key)
        if lane is None:
            limiter = AsyncLimiter(self.bucket.burst, self.bucket.seconds) if self.bucket else None
            lane = self._lanes[key] = _Lane(asyncio.Lock(), limiter)
        return lane

    async def run(self, key: Hashable, job: Coroutine[Any, Any, Any]) -> None:
        """Runs `job` after every job of `key` queued before it; one still held back by the bucket when the
        lanes stop is closed unrun."""
        lane = self._lane(key)
        lane.users += 1
        started = False
        try:
            async with lane.lock:
                if lane.limiter is None or await self._throttle(key, lane):
                    started = True
                    await job
        finally:
            if not started:
                job.close()  # cancelled or stopped while waiting: never run, still in the inbox
            lane.users -= 1
            if lane.users == 0:
                del self._lanes[key]

    async def _throttle(self, key: Hashable, lane: _Lane) -> bool:
        """Waits for the bucket; False when the lanes stop meanwhile (a flood's backlog must not hold up
        a restart)."""
        assert lane.limiter is not None
        if not lane.limiter.has_capacity() and not lane.warned:
            lane.warned = True
            if self.on_flood is not None:
                warning = asyncio.create_task(self.on_flood(key))
                self._warnings.add(warning)
                warning.add_done_callback(self._warnings.discard)
        while not lane.limiter.has_capacity():
            if self.stopping:
                return False
            await asyncio.sleep(THROTTLE_POLL_SECONDS)
        await lane.limiter.acquire()
        return True

    def stop(self) -> None:
        """Jobs held back by a bucket are let go unrun; they stay in the inbox for the next run."""
        self.stopping = True

    async def drain(self, tasks: set[asyncio.Task[None]], grace: float) -> None:
        """Stops, lets the jobs in `tasks` finish for at most `grace` seconds, cancels the rest."""
        self.stop()
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=grace)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task
