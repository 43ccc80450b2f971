"""What the Telegram and Zalo stand-ins share: an aiohttp server on an OS-chosen port of 127.0.0.1, and
how an injected fault delays a call or drops its connection."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import ClassVar, Protocol, Self, TypeVar

from aiohttp import web


class LocalServer:
    """Serves the routes `add_routes` declares while started, as an async context manager."""

    MAX_REQUEST_BYTES: ClassVar[int]

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    def add_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        """Listen on an OS-chosen port of 127.0.0.1."""
        app = web.Application(client_max_size=self.MAX_REQUEST_BYTES)
        self.add_routes(app)
        # handler_cancellation: a killed polling client releases its long poll at once.
        runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._port


class Injected(Protocol):
    """The part of a stand-in's fault that does not depend on its API's way of failing."""

    times: int
    delay: float
    drop: bool


FaultT = TypeVar("FaultT", bound=Injected)


def next_fault(waiting: list[FaultT] | None) -> FaultT | None:
    """Uses up one of the `times` of the first fault waiting for a method."""
    if not waiting:
        return None
    fault = waiting[0]
    fault.times -= 1
    if fault.times <= 0:
        waiting.pop(0)
    return fault


async def delay_or_drop(request: web.Request, name: str, fault: Injected, triggered: list[tuple[str, str]]) -> None:
    """Waits the fault's delay; a dropped connection is closed without an answer, as a flaky network does."""
    if fault.delay > 0:
        await asyncio.sleep(fault.delay)
    if fault.drop:
        triggered.append((name, "connection dropped"))
        if request.transport is not None:
            request.transport.close()
        raise asyncio.CancelledError  # nothing may be written to a closed connection
