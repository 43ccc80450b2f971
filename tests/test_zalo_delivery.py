"""Zalo delivery: what a failed call means for the reply, and built reports cleaned up when their links expire."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from handlers.outbox import backoff
from handlers.zalo.client import ZaloError, ZaloUnreachable
from handlers.zalo.delivery import UnknownChat, ZaloSteps, prune_exports


def steps() -> ZaloSteps:
    return ZaloSteps(None, None, None, None, None, photo_dir=Path(), export_dir=Path())  # type: ignore[arg-type]


@pytest.mark.parametrize("code", [429, 408, 500, 502, 503])
def test_zalos_trouble_is_retried_with_backoff(code: int) -> None:
    failure = steps().failure(ZaloError(code, "x"), attempts=3)
    assert failure is not None and failure.retry_in == backoff(3)


def test_network_trouble_is_retried() -> None:
    failure = steps().failure(ZaloUnreachable("sendMessage: ConnectError"), attempts=0)
    assert failure is not None and failure.retry_in == backoff(0)


@pytest.mark.parametrize("error", [ZaloError(400, "chat not found"), ZaloError(401, "x"), ZaloError(404, "x")])
def test_a_refused_request_is_final(error: Exception) -> None:
    failure = steps().failure(error, attempts=0)
    assert failure is not None and failure.retry_in is None and not failure.skipped


def test_an_unknown_chat_is_final_and_other_errors_are_not_zalos() -> None:
    failure = steps().failure(UnknownChat("chat 5 is not a Zalo chat"), attempts=0)
    assert failure is not None and failure.retry_in is None
    assert steps().failure(RuntimeError("bug"), attempts=0) is None


def test_reports_whose_links_expired_are_deleted(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    old, fresh = exports / "old", exports / "fresh"
    for folder in (old, fresh):
        folder.mkdir(parents=True)
        (folder / "bao-cao.docx").write_bytes(b"PK")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert prune_exports(exports, timedelta(hours=24)) == 1
    assert sorted(entry.name for entry in exports.iterdir()) == ["fresh"]
    assert prune_exports(tmp_path / "missing", timedelta(hours=24)) == 0
