"""One person's updates run in order; different people run side by side; a flood touches only its sender.

Processing everything one after another would let a slow reply to one inspector hold up everyone;
processing everything at once would let an album's photos and the "Xong" press overtake each other.
A lane per person gives both. Each lane has a policy: how many updates may wait in it (what comes
beyond is dropped at once, never queued, so a flood of any size costs others nothing but the moment
it takes to drop it) and a leaky bucket for its pace. The sender is told once to slow down. A dropped
update is finished in the inbox by the caller; one not yet run when the lanes stop stays in the inbox
and runs after the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Hashable
from dataclasses import dataclass, field
from typing import Any

from aiolimiter import AsyncLimiter

log = logging.getLogger(__name__)

Job = Coroutine[Any, Any, Any]


@dataclass(frozen=True)
class Policy:
    """`burst` updates at once, then one every `seconds / burst`; at most `waiting` queued behind."""

    burst: int
    seconds: float
    waiting: int


@dataclass
class _Lane:
    policy: Policy
    limiter: AsyncLimiter
    queue: deque[Job] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None
    warned: bool = False


class Lanes:
    def __init__(self, on_flood: Callable[[Hashable], Coroutine[Any, Any, None]] | None = None) -> None:
        self.on_flood = on_flood
        self.stopping = False
        self._lanes: dict[Hashable, _Lane] = {}
        self._warnings: set[asyncio.Task[None]] = set()

    def submit(self, key: Hashable, job: Job, policy: Policy) -> bool:
        """Queues `job` behind `key`'s earlier ones; False, with `job` closed unrun, when the lane is full
        or the lanes are stopping."""
        lane = self._lanes.get(key)
        if lane is None or lane.policy != policy:  # a stranger who just joined gets a member's pace at once
            limiter = AsyncLimiter(policy.burst, policy.seconds)
            if lane is None:
                lane = self._lanes[key] = _Lane(policy, limiter)
            else:
                lane.policy, lane.limiter = policy, limiter
        if self.stopping or len(lane.queue) >= policy.waiting:
            job.close()
            self._warn(key, lane)
            return False
        lane.queue.append(job)
        if lane.worker is None:
            lane.worker = asyncio.create_task(self._work(key, lane), name=f"lane:{key}")
        return True

    def waiting(self, key: Hashable) -> int:
        lane = self._lanes.get(key)
        return len(lane.queue) if lane is not None else 0

    async def _work(self, key: Hashable, lane: _Lane) -> None:
        try:
            while lane.queue and not self.stopping:
                if not lane.limiter.has_capacity():
                    self._warn(key, lane)
                await lane.limiter.acquire()
                job = lane.queue.popleft()
                try:
                    await job
                except Exception:  # one bad update must not hold up the person's next ones
                    log.exception("an update of %s could not be handled", key)
        finally:
            for job in lane.queue:
                job.close()  # still in the inbox: run after the next start
            lane.queue.clear()
            lane.worker = None
            if self._lanes.get(key) is lane:
                del self._lanes[key]

    def _warn(self, key: Hashable, lane: _Lane) -> None:
        if lane.warned or self.on_flood is None or self.stopping:
            return
        lane.warned = True
        warning = asyncio.create_task(self.on_flood(key))
        self._warnings.add(warning)
        warning.add_done_callback(self._warnings.discard)

    async def drain(self, grace: float) -> None:
        """No job starts any more; those running may finish for `grace` seconds, then are cancelled."""
        self.stopping = True
        workers = [lane.worker for lane in self._lanes.values() if lane.worker is not None]
        if workers:
            _, late = await asyncio.wait(workers, timeout=grace)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError):
                    await task


# A member sends an album of ten photos and a few taps at once; a sustained stream runs at 2 a second.
MEMBER = Policy(burst=20, seconds=10.0, waiting=100)
# Someone in no team needs a handful of messages (/start with a link, /help, /myid, /join CODE).
STRANGER = Policy(burst=3, seconds=30.0, waiting=5)
# How long a stranger stays one before asking again: long enough that a flood costs a read a second,
# short enough that someone who has just joined gets a member's pace with their next message.
STRANGER_FOR_SECONDS = 1.0


class Pacing:
    """Which policy a person's lane gets: a member's, or a stranger's. A member stays one for the life
    of the process; a stranger is asked about again after a while."""

    def __init__(self, knows: Callable[[Hashable], Coroutine[Any, Any, bool]]) -> None:
        self.knows = knows
        self._members: set[Hashable] = set()
        self._strangers: dict[Hashable, float] = {}

    async def policy(self, person_id: Hashable) -> Policy:
        if person_id in self._members:
            return MEMBER
        now = asyncio.get_running_loop().time()
        if now - self._strangers.get(person_id, -STRANGER_FOR_SECONDS) < STRANGER_FOR_SECONDS:
            return STRANGER
        if await self.knows(person_id):
            self._members.add(person_id)
            self._strangers.pop(person_id, None)
            return MEMBER
        self._strangers[person_id] = now
        return STRANGER
