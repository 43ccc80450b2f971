"""The bot's web server: files only through valid signed links, and a webhook that checks its secret."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from handlers.zalo.links import LinkSigner
from handlers.zalo.server import EXPORTS, PHOTOS, SECRET_HEADER, WEBHOOK_PATH, PublicServer, file_path
from tests.test_zalo_links import FakeClock

SECRET = "hook-secret-0123"
KEY = bytes(32)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Running:
    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.clock = FakeClock()
        self.signer = LinkSigner(KEY, self.base, ttl_seconds=60, clock=self.clock)
        self.photos, self.exports = tmp_path / "photos", tmp_path / "exports"
        self.server = PublicServer(self.signer, {PHOTOS: self.photos, EXPORTS: self.exports}, "127.0.0.1", self.port)
        self.taken: list[dict[str, Any]] = []

    async def take(self, update: dict[str, Any]) -> bool:
        self.taken.append(update)
        return True


@pytest_asyncio.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    running = Running(tmp_path)
    running.server.accept_webhook(SECRET, running.take)
    await running.server.start()
    yield running
    await running.server.stop()


async def test_a_signed_link_serves_the_file_until_it_expires(running: Running) -> None:
    photo = running.photos / "12" / "abc.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8photo")
    report = running.exports / "Zx9" / "biên bản.docx"
    report.parent.mkdir(parents=True)
    report.write_bytes(b"PK docx")
    photo_url = running.signer.url(file_path(PHOTOS, running.photos, photo))
    report_url = running.signer.url(file_path(EXPORTS, running.exports, report))
    async with httpx.AsyncClient() as http:
        got = await http.get(photo_url)
        assert got.status_code == 200 and got.content == b"\xff\xd8photo"
        got = await http.get(report_url)
        assert got.status_code == 200 and got.content == b"PK docx"
        assert "attachment" in got.headers["content-disposition"]
        running.clock.now += 60
        assert (await http.get(photo_url)).status_code == 403


async def test_unsigned_forged_and_wandering_links_are_refused(running: Running, tmp_path: Path) -> None:
    (tmp_path / "kiemtra.sqlite3").write_bytes(b"secret data")
    running.photos.mkdir()
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"{running.base}/files/p/12/abc.jpg")).status_code == 403
        signed = running.signer.url("/files/p/12/abc.jpg")
        assert (await http.get(signed.replace("abc", "abd"))).status_code == 403
        assert (await http.get(signed)).status_code == 404  # a valid link to a file that is gone
        outside = running.signer.url("/files/p/../kiemtra.sqlite3")
        assert (await http.get(outside)).status_code in (403, 404)
        unknown_root = running.signer.url("/files/q/kiemtra.sqlite3")
        assert (await http.get(unknown_root)).status_code == 404
    with pytest.raises(FileNotFoundError):
        file_path(PHOTOS, running.photos, tmp_path / "kiemtra.sqlite3")


async def test_the_webhook_takes_an_update_only_with_the_right_secret(running: Running) -> None:
    update = {"event_name": "message.text.received", "message": {"message_id": "m1", "text": "hi"}}
    url = running.base + WEBHOOK_PATH
    async with httpx.AsyncClient() as http:
        assert (await http.post(url, json=update)).status_code == 403
        assert (await http.post(url, json=update, headers={SECRET_HEADER: "wrong"})).status_code == 403
        assert (await http.post(url, json=update, headers={SECRET_HEADER: SECRET + "x"})).status_code == 403
        assert running.taken == []
        assert (await http.post(url, content=b"{not json", headers={SECRET_HEADER: SECRET})).status_code == 400
        assert (await http.post(url, json=update, headers={SECRET_HEADER: SECRET})).status_code == 200
        enveloped = {"ok": True, "result": update}
        assert (await http.post(url, json=enveloped, headers={SECRET_HEADER: SECRET})).status_code == 200
    assert running.taken == [update, update]
