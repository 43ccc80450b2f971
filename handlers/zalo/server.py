"""The bot's own small web server: signed file links for Zalo, and Zalo's webhook.

It listens on PUBLIC_LISTEN:PUBLIC_PORT, usually behind a reverse proxy that gives it PUBLIC_BASE_URL.
`/files/<root>/<path>` serves a photo or a built report to whoever holds a valid signed link (Zalo's
servers fetching a photo for sendPhoto, a team lead opening a report). `/zalo/webhook` takes Zalo's
updates: the secret header is checked first, and the update is committed to the inbox before the
answer, so a 200 means it is safe.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from handlers.zalo.client import Json
from handlers.zalo.convert import unwrap
from handlers.zalo.links import LinkSigner
from storage.files import stored_file

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
FILES = "/files"
PHOTOS = "p"
EXPORTS = "x"

Take = Callable[[Json], Awaitable[bool]]


def file_path(root: str, folder: Path, path: Path) -> str:
    """The server path of a file inside one of the served folders; FileNotFoundError for one outside."""
    try:
        relative = path.resolve().relative_to(folder.resolve())
    except ValueError:
        raise FileNotFoundError(f"{path} is not in {folder}") from None
    return f"{FILES}/{root}/{relative.as_posix()}"


class PublicServer:
    def __init__(self, signer: LinkSigner, folders: dict[str, Path], listen: str, port: int) -> None:
        self.signer = signer
        self.folders = folders
        self.listen = listen
        self.port = port
        self.app = web.Application()
        self.app.router.add_get(FILES + "/{root}/{tail:.+}", self._file)
        self._runner: web.AppRunner | None = None

    def accept_webhook(self, secret: str, take: Take) -> None:
        """Must be called before `start`."""

        async def webhook(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                log.warning("Zalo webhook call with a wrong or missing secret from %s", request.remote)
                return web.Response(status=403)
            try:
                body = await request.json()
            except ValueError:
                return web.Response(status=400)
            update = unwrap(body)
            if update is not None:
                await take(update)
            return web.json_response({"ok": True})

        self.app.router.add_post(WEBHOOK_PATH, webhook)

    async def start(self) -> None:
        runner = web.AppRunner(self.app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, self.listen, self.port).start()
        self._runner = runner
        log.info("web server for links and Zalo's webhook listening on %s:%d", self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _file(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        if not self.signer.valid(request.path, query.get("exp", ""), query.get("sig", "")):
            return web.Response(status=403)
        folder = self.folders.get(request.match_info["root"])
        path = None if folder is None else stored_file(folder, folder / request.match_info["tail"])
        if path is None:  # missing, outside the folder, or a link planted in it
            return web.Response(status=404)
        headers = {}
        if request.match_info["root"] == EXPORTS:
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(path.name)}"
        return web.FileResponse(path, headers=headers)
