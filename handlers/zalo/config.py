"""What the Zalo channel needs to run, checked and handed over by the composition root."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict


class ZaloConfig(BaseModel):
    """`webhook_secret` None means polling; `public_url` is the address of the bot's own web server."""

    model_config = ConfigDict(frozen=True)

    token: str
    base_url: str
    webhook_secret: str | None
    public_url: str
    listen: str
    port: int
    link_ttl: timedelta
    data_dir: Path
    photo_dir: Path
    export_dir: Path
    max_photo_bytes: int
