"""The soak test's short form, run in CI: ten inspectors, five SIGKILLs of the real bot process.

Why it is in the regular suite although it takes tens of seconds: "every update stored exactly once,
every owed reply delivered" breaks in the seams between the Updater, the inbox, the engine and the
outbox, and only a process killed while traffic flows exercises them; a regression there would
otherwise only show in the field. The short form uses an 8-question checklist (``--short``) so that
both cases fit in about a minute on a 2-core machine; ``python -m scripts.soak`` runs the long form
on the bundled 42-question checklist (see scripts/soak.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.soak import SoakConfig, run_soak

# aiohttp (inside the stand-in) warns about its own internals while parsing the bot's photo uploads,
# depending on how the bytes happen to be chunked; it says nothing about the bot.
pytestmark = pytest.mark.filterwarnings("ignore:unread_data:DeprecationWarning")


@pytest.mark.timeout(200)
async def test_short_soak_with_kills_loses_nothing(tmp_path: Path) -> None:
    report = await run_soak(
        SoakConfig(inspectors=10, kills=5, seed=1, short=True, data_dir=tmp_path / "data", timeout=150)
    )
    assert report.ok, report.render()


@pytest.mark.timeout(200)
async def test_short_soak_with_kills_and_failing_sends_loses_nothing(tmp_path: Path) -> None:
    """A fifth of the bot's sends answered 429, 500, 502 or dropped: replies are retried, never lost."""
    report = await run_soak(
        SoakConfig(inspectors=10, kills=5, seed=2, faults=0.2, short=True, data_dir=tmp_path / "data", timeout=150)
    )
    assert report.ok, report.render()
