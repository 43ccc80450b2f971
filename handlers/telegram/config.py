"""What the Telegram channel needs to run, checked and handed over by the composition root."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class Webhook(BaseModel):
    """Telegram posts updates to `url`; the bot's own server listens on `listen:port` under `path`."""

    model_config = ConfigDict(frozen=True)

    url: str
    secret: str
    path: str
    listen: str
    port: int


class TelegramConfig(BaseModel):
    """`webhook` None means long polling; `photo_dir` is the only folder photos are uploaded from."""

    model_config = ConfigDict(frozen=True)

    token: str
    base_url: str
    base_file_url: str
    photo_dir: Path
    webhook: Webhook | None = None
