"""Signed, expiring links to files on the bot's own web server.

Zalo takes a photo only as a URL it downloads, and cannot carry a document at all, so the evidence
photos and the team lead's reports are served by the bot. Each link names one file and an expiry
time, signed with HMAC-SHA256 under a key that never leaves DATA_DIR: the paths are not secret, the
signature is what makes a link unguessable, and a forged, altered or expired link is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from handlers.errors import ChannelRefused

KEY_FILE = "link-secret"
KEY_BYTES = 32

Clock = Callable[[], float]


def load_key(data_dir: Path) -> bytes:
    """The signing key, created once (readable by the bot's user only) and kept across restarts, so the
    links already sent keep working until they expire."""
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{KEY_FILE}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) < KEY_BYTES:
        raise ChannelRefused(
            f"Tệp khóa {path} bị hỏng: xóa tệp rồi chạy lại bot (các liên kết đã gửi sẽ hết hiệu lực)."
        )
    return key


class LinkSigner:
    def __init__(self, key: bytes, base_url: str, ttl_seconds: int, clock: Clock = time.time) -> None:
        self.key = key
        self.base_url = base_url.rstrip("/")
        self.ttl_seconds = ttl_seconds
        self.clock = clock

    def _signature(self, path: str, expires: int) -> str:
        digest = hmac.new(self.key, f"{path}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def url(self, path: str) -> str:
        """The public URL of `path` (as the server sees it, starting with /), valid for the link lifetime."""
        expires = int(self.clock()) + self.ttl_seconds
        return f"{self.base_url}{quote(path)}?exp={expires}&sig={self._signature(path, expires)}"

    def valid(self, path: str, expires: str, signature: str) -> bool:
        if not expires.isdigit() or len(expires) > 12:
            return False
        expected = self._signature(path, int(expires))
        return hmac.compare_digest(expected.encode(), signature.encode()) and int(expires) > self.clock()
