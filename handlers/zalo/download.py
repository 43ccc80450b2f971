"""Photos people send, fetched from Zalo's CDN while the link still works.

Zalo hands the bot a URL, not a file id, and the URL expires, so the photo is fetched as soon as the
engine has decided it wants it. Any failure, an expired link (4xx) included, raises: the engine then
tells the person the photo could not be fetched and asks for it again.
"""

from __future__ import annotations

import httpx

DOWNLOAD_TIMEOUT = 60.0


class PhotoDownloader:
    def __init__(self, max_bytes: int, timeout: float = DOWNLOAD_TIMEOUT) -> None:
        self.max_bytes = max_bytes
        self._http = httpx.AsyncClient(timeout=timeout, follow_redirects=True)

    async def close(self) -> None:
        await self._http.aclose()

    async def fetch(self, url: str) -> bytes:
        """The photo's bytes; past the size limit only one byte more is read, enough for the engine to
        refuse the photo as too big without holding all of it in memory."""
        async with self._http.stream("GET", url) as response:
            response.raise_for_status()
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > self.max_bytes:
                    return bytes(data[: self.max_bytes + 1])
            return bytes(data)
