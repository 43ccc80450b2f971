"""Which channels run, and the one-line errors for what Zalo needs beside its token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.settings import ConfigError, Settings

TELEGRAM = "123456789:" + "A" * 35
ZALO = "7319205417300000001:abc-xyz"


def settings(**values: Any) -> Settings:
    base: dict[str, Any] = {"TELEGRAM_BOT_TOKEN": None, "ZALO_BOT_TOKEN": None}
    return Settings(_env_file=None, **{**base, **values})


def test_defaults() -> None:
    plain = settings()
    assert plain.zalo_base_url == "https://bot-api.zaloplatforms.com"
    assert (plain.public_listen, plain.public_port, plain.link_ttl_hours) == ("0.0.0.0", 8080, 24)
    assert plain.export_dir == Path("data/exports")


def test_no_channel_is_one_error() -> None:
    with pytest.raises(ConfigError, match="Thiếu TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN"):
        settings().require_channels()
    with pytest.raises(ConfigError):
        settings(TELEGRAM_BOT_TOKEN="  ", ZALO_BOT_TOKEN=" ").require_channels()


def test_each_channel_alone_or_both() -> None:
    telegram = settings(TELEGRAM_BOT_TOKEN=TELEGRAM)
    telegram.require_channels()
    assert telegram.telegram_enabled and not telegram.zalo_enabled
    zalo = settings(ZALO_BOT_TOKEN=ZALO, PUBLIC_BASE_URL="http://192.168.1.5:8080/")
    zalo.require_channels()
    assert zalo.zalo_enabled and not zalo.telegram_enabled and not zalo.zalo_webhook
    assert zalo.public_url == "http://192.168.1.5:8080"
    settings(TELEGRAM_BOT_TOKEN=TELEGRAM, ZALO_BOT_TOKEN=ZALO, PUBLIC_BASE_URL="https://a.vn").require_channels()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"ZALO_BOT_TOKEN": "no-colon"}, "ZALO_BOT_TOKEN không đúng dạng"),
        ({}, "cần PUBLIC_BASE_URL"),
        ({"PUBLIC_BASE_URL": "kiemtra.example.vn"}, "cần PUBLIC_BASE_URL"),
        ({"PUBLIC_BASE_URL": "http://a.vn", "ZALO_WEBHOOK_SECRET": "long-enough-secret"}, "https://"),
        ({"PUBLIC_BASE_URL": "https://a.vn", "ZALO_WEBHOOK_SECRET": "short"}, "8–256"),
        ({"PUBLIC_BASE_URL": "https://a.vn", "ZALO_WEBHOOK_SECRET": "có dấu tiếng Việt"}, "8–256"),
        ({"TELEGRAM_BOT_TOKEN": "bad", "PUBLIC_BASE_URL": "https://a.vn"}, "TELEGRAM_BOT_TOKEN không đúng dạng"),
    ],
)
def test_what_zalo_needs_is_checked(values: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        settings(**{"ZALO_BOT_TOKEN": ZALO, **values}).require_channels()


def test_a_webhook_needs_https_and_a_secret() -> None:
    hooked = settings(ZALO_BOT_TOKEN=ZALO, PUBLIC_BASE_URL="https://a.vn", ZALO_WEBHOOK_SECRET="long-enough-secret")
    assert hooked.require_zalo() == ZALO and hooked.zalo_webhook
