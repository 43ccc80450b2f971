"""Every channel has the same shape: a folder in handlers/ whose channel.py holds one `Channel`."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from handlers.channel import Channel
from handlers.telegram.channel import TelegramChannel
from handlers.terminal.channel import TerminalChannel
from handlers.zalo.channel import ZaloChannel

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = ("name", "abilities", "open", "start", "stop", "close", "steps", "failure")


@pytest.mark.parametrize("channel", [TelegramChannel, ZaloChannel, TerminalChannel])
def test_each_channel_class_is_a_channel(channel: type) -> None:
    folder = Path(inspect.getfile(channel)).parent
    assert folder.parent == ROOT / "handlers" and Path(inspect.getfile(channel)).name == "channel.py"
    for member in MEMBERS:
        assert hasattr(channel, member), f"{channel.__name__} lacks {member}"
    for method in ("open", "start", "stop", "close"):
        assert inspect.iscoroutinefunction(getattr(channel, method)), f"{channel.__name__}.{method} is not async"
    assert {name for name in dir(Channel) if not name.startswith("_")} >= set(MEMBERS)


def test_channel_names_are_distinct() -> None:
    names = [TelegramChannel.name, ZaloChannel.name, TerminalChannel.name]
    assert names == ["telegram", "zalo", "terminal"]
