"""An aiohttp server on an OS-chosen port of 127.0.0.1: what the Telegram and Zalo stand-ins share."""

from __future__ import annotations

from types import TracebackType
from typing import ClassVar, Self

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
