"""The one clock every layer reads: aware UTC, which is how every time is stored and compared."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
