"""Signed links to the bot's files: valid until they expire, useless when forged or altered."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from handlers.errors import ChannelRefused
from handlers.zalo.links import KEY_FILE, LinkSigner, load_key

KEY = bytes(range(32))


class FakeClock:
    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def parts(url: str) -> tuple[str, str, str]:
    split = urlsplit(url)
    query = parse_qs(split.query)
    return split.path, query["exp"][0], query["sig"][0]


def test_a_link_works_until_it_expires() -> None:
    clock = FakeClock()
    signer = LinkSigner(KEY, "https://kiemtra.example.vn/", ttl_seconds=3600, clock=clock)
    url = signer.url("/files/x/abc/bao-cao-dot-1.docx")
    assert url.startswith("https://kiemtra.example.vn/files/x/abc/bao-cao-dot-1.docx?exp=")
    path, expires, signature = parts(url)
    assert signer.valid(path, expires, signature)
    clock.now += 3599
    assert signer.valid(path, expires, signature)
    clock.now += 1
    assert not signer.valid(path, expires, signature)


def test_a_tampered_link_is_refused() -> None:
    signer = LinkSigner(KEY, "https://kiemtra.example.vn", ttl_seconds=3600, clock=FakeClock())
    path, expires, signature = parts(signer.url("/files/p/12/abc.jpg"))
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert not signer.valid(path, expires, flipped)
    assert not signer.valid("/files/p/12/abd.jpg", expires, signature)
    assert not signer.valid(path, str(int(expires) + 3600), signature)
    assert not signer.valid(path, "", signature)
    assert not signer.valid(path, "-1", signature)
    assert not signer.valid(path, expires, "")
    other = LinkSigner(bytes(32), "https://kiemtra.example.vn", ttl_seconds=3600, clock=FakeClock())
    assert not other.valid(path, expires, signature)


def test_unicode_paths_are_quoted_and_still_verify() -> None:
    signer = LinkSigner(KEY, "https://kiemtra.example.vn", ttl_seconds=60, clock=FakeClock())
    url = signer.url("/files/x/abc/biên bản.docx")
    assert " " not in url and "ê" not in url
    path, expires, signature = parts(url)
    assert not signer.valid(path, expires, signature)  # the server checks the decoded path
    assert signer.valid("/files/x/abc/biên bản.docx", expires, signature)


def test_the_key_is_created_once_readable_by_the_bot_only(tmp_path: Path) -> None:
    key = load_key(tmp_path / "data")
    path = tmp_path / "data" / KEY_FILE
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(tmp_path / "data") == key
    assert [entry.name for entry in path.parent.iterdir()] == [KEY_FILE]


@pytest.mark.parametrize("content", ["abcd", "not hex at all", ""])
def test_a_damaged_key_file_stops_the_bot_with_one_line(tmp_path: Path, content: str) -> None:
    (tmp_path / KEY_FILE).write_text(content, encoding="ascii")
    with pytest.raises(ChannelRefused, match="bị hỏng"):
        load_key(tmp_path)
