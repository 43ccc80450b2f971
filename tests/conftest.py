"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.e2e import GROUP_ID
from tests.standin import BotApiStandIn


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[BotApiStandIn]:
    """A fresh Bot API stand-in with the team's group chat already existing."""
    async with BotApiStandIn() as standin:
        standin.add_group(GROUP_ID, "Đoàn kiểm tra KSTTHC số 1")
        yield standin
