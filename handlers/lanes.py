"""One person's updates run in order; different people run side by side; a flood touches only its sender.

Processing everything one after another would let a slow reply to one inspector hold up everyone;
processing everything at once would let an album's photos and the "Xong" press overtake each other.
A lane per person gives both. Each lane has a policy: how many updates may wait in it (what comes
beyond is dropped at once, never queued, so a flood of any size costs others nothing but the moment
it takes to drop it) and a leaky bucket for its pace. Members of a team and strangers get different
policies (`Pacing`). The sender is told once to slow down. A dropped update is finished in the inbox
through its `dropped` callback; one not yet run when the lanes stop stays in the inbox and runs after
the next start.
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
Dropped = Callable[[], None]


@dataclass(frozen=True)
class Policy:
    """`burst` updates at once, then one every `seconds / burst`; at most `waiting` queued behind."""

    burst: int
    seconds: float
    waiting: int


# A member sends an album of ten photos and a few taps at once; a sustained stream runs at 2 a second.
MEMBER = Policy(burst=20, seconds=10.0, waiting=100)
# Someone in no team needs a handful of messages (/start with a link, /help, /myid, /join CODE).
STRANGER = Policy(burst=3, seconds=30.0, waiting=5)


class Pacing:
    """Which policy a person's lane gets: a member's, or a stranger's. A member stays one for the life of
    the process; a stranger is asked about again with each new lane (a flood keeps its lane, and so costs
    one question), so someone who has just joined gets a member's pace at once."""

    def __init__(self, knows: Callable[[Hashable], Coroutine[Any, Any, bool]]) -> None:
        self.knows = knows
        self._members: set[Hashable] = set()

    def known(self, person: Hashable) -> Policy | None:
        """A member's policy when `person` is known to be one, without asking anyone."""
        return MEMBER if person in self._members else None

    async def policy(self, person: Hashable) -> Policy:
        if person in self._members or await self.knows(person):
            self._members.add(person)
            return MEMBER
        return STRANGER


@dataclass
class _Lane:
    policy: Policy
    limiter: AsyncLimiter
    settled: bool  # False while the policy is a guess, until the worker has asked who this is
    queue: deque[tuple[Job, Dropped]] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None
    warned: bool = False


class Lanes:
    def __init__(self, pacing: Pacing, on_flood: Callable[[Hashable], Coroutine[Any, Any, None]] | None = None) -> None:
        self.pacing = pacing
        self.on_flood = on_flood
        self.stopping = False
        self._lanes: dict[Hashable, _Lane] = {}
        self._warnings: set[asyncio.Task[None]] = set()

    def submit(self, key: Hashable, job: Job, dropped: Dropped) -> None:
        """Queues `job` behind `key`'s earlier ones, or drops it (closed unrun, `dropped` called) when
        the lane is full or the lanes are stopping. It never waits, so jobs queue in the order they come."""
        lane = self._lanes.get(key)
        if lane is None:
            known = self.pacing.known(key)
            # Someone not known yet gets a member's room until the worker has asked who they are (a new
            # member's first album must not be cut); a stranger's lane is cut to a stranger's then.
            policy = known or MEMBER
            lane = self._lanes[key] = _Lane(policy, AsyncLimiter(policy.burst, policy.seconds), known is not None)
        if self.stopping or len(lane.queue) >= lane.policy.waiting:
            self._drop(key, lane, job, dropped)
            return
        lane.queue.append((job, dropped))
        if lane.worker is None:
            lane.worker = asyncio.create_task(self._work(key, lane), name=f"lane:{key}")

    def _drop(self, key: Hashable, lane: _Lane, job: Job, dropped: Dropped) -> None:
        job.close()
        dropped()
        self._warn(key, lane)

    async def _settle(self, key: Hashable, lane: _Lane) -> None:
        policy = await self.pacing.policy(key)
        lane.settled = True
        if policy != lane.policy:
            lane.policy, lane.limiter = policy, AsyncLimiter(policy.burst, policy.seconds)
        while len(lane.queue) > policy.waiting:
            self._drop(key, lane, *lane.queue.pop())

    async def _work(self, key: Hashable, lane: _Lane) -> None:
        try:
            if not lane.settled:
                await self._settle(key, lane)
            while lane.queue and not self.stopping:
                if not lane.limiter.has_capacity():
                    self._warn(key, lane)
                await lane.limiter.acquire()
                job, _ = lane.queue.popleft()
                try:
                    await job
                except Exception:  # one bad update must not hold up the person's next ones
                    log.exception("an update of %s could not be handled", key)
        finally:
            for job, _ in lane.queue:
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
