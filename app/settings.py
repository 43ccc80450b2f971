"""Settings read from the environment and `.env`: the only place that reads them.

The names are a contract with the people who deploy the bot, so they are spelled out as aliases
rather than derived from attribute names. Each channel gets the part it needs as a model of its own
(`zalo()`), checked here, so no layer below the composition root reads the environment.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import urlparse

from pydantic import AliasChoices, BeforeValidator, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.checklist.catalogue import BUNDLED_DIR, load_catalogue
from bot.checklist.versions import ChecklistVersions
from bot.reports.data import DEFAULT_RECIPIENTS
from bot.reports.service import ReportService
from handlers.telegram.config import TelegramConfig, Webhook
from handlers.zalo.config import ZaloConfig
from storage.port import Database, Store, StoreError
from storage.url import database_at, sqlite_url

TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
# Zalo tokens are `<bot id>:<access token>`; the secret travels in a header, so printable ASCII only.
ZALO_TOKEN_PATTERN = re.compile(r"^\d+:\S+$")
ZALO_SECRET_PATTERN = re.compile(r"^[!-~]{8,256}$")
DATABASE_FILE = "kiemtra.sqlite3"


class BotMode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line meant for the operator."""


def _split_ids(value: object) -> object:
    """`ADMIN_IDS=1,2, 3` is friendlier to type in a .env file than a JSON list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


def _split_recipients(value: object) -> object:
    """`REPORT_RECIPIENTS=Chủ tịch UBND tỉnh (để báo cáo); Sở Nội vụ; Lưu: VT` — one line of a .env file."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()] or list(DEFAULT_RECIPIENTS)
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_base_url: str = Field(default="https://api.telegram.org/bot", validation_alias="TELEGRAM_BASE_URL")
    telegram_base_file_url: str = Field(
        default="https://api.telegram.org/file/bot", validation_alias="TELEGRAM_BASE_FILE_URL"
    )
    data_dir: Path = Field(default=Path("./data"), validation_alias="DATA_DIR")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    admin_ids: Annotated[frozenset[int], NoDecode, BeforeValidator(_split_ids)] = Field(
        default=frozenset(), validation_alias="ADMIN_IDS"
    )
    checklist_file: Path | None = Field(default=None, validation_alias=AliasChoices("CHECKLIST_FILE"))
    checklist_dir: Path | None = Field(default=None, validation_alias="CHECKLIST_DIR")
    max_photo_mb: int = Field(default=20, ge=1, le=2000, validation_alias="MAX_PHOTO_MB")
    backup_keep: int = Field(default=7, ge=1, validation_alias="BACKUP_KEEP")
    bot_mode: BotMode = Field(default=BotMode.POLLING, validation_alias="BOT_MODE")
    webhook_url: str | None = Field(default=None, validation_alias="WEBHOOK_URL")
    webhook_secret: str | None = Field(default=None, validation_alias="WEBHOOK_SECRET")
    webhook_listen: str = Field(default="0.0.0.0", validation_alias="WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, validation_alias="WEBHOOK_PORT")
    followup_days: int = Field(default=30, ge=1, le=365, validation_alias="FOLLOWUP_DAYS")
    digest_time: time = Field(default=time(8, 0), validation_alias="DIGEST_TIME")
    report_issuer: str = Field(default="UBND TỈNH ……", min_length=1, max_length=120, validation_alias="REPORT_ISSUER")
    report_place: str = Field(default="……", min_length=1, max_length=60, validation_alias="REPORT_PLACE")
    report_basis: str | None = Field(default=None, max_length=1000, validation_alias="REPORT_BASIS")
    report_copies: int = Field(default=2, ge=2, le=20, validation_alias="REPORT_COPIES")
    report_recipients: Annotated[list[str], NoDecode, BeforeValidator(_split_recipients)] = Field(
        default_factory=lambda: list(DEFAULT_RECIPIENTS), validation_alias="REPORT_RECIPIENTS"
    )
    zalo_bot_token: str | None = Field(default=None, validation_alias="ZALO_BOT_TOKEN")
    zalo_base_url: str = Field(default="https://bot-api.zaloplatforms.com", validation_alias="ZALO_BASE_URL")
    zalo_webhook_secret: str | None = Field(default=None, validation_alias="ZALO_WEBHOOK_SECRET")
    public_base_url: str | None = Field(default=None, validation_alias="PUBLIC_BASE_URL")
    public_listen: str = Field(default="0.0.0.0", validation_alias="PUBLIC_LISTEN")
    public_port: int = Field(default=8080, ge=1, le=65535, validation_alias="PUBLIC_PORT")
    link_ttl_hours: int = Field(default=24, ge=1, le=24 * 30, validation_alias="LINK_TTL_HOURS")

    @field_validator("digest_time")
    @classmethod
    def _wall_clock(cls, value: time) -> time:
        """DIGEST_TIME is read as Vietnam time; a time zone written into it would be misleading."""
        if value.tzinfo is not None:
            raise ValueError("DIGEST_TIME chỉ ghi giờ:phút theo giờ Việt Nam, ví dụ 08:00")
        return value

    @field_validator("database_url")
    @classmethod
    def _served(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                database_at(value)
            except StoreError as error:
                raise ValueError(str(error)) from None
        return value

    @property
    def database(self) -> Database:
        """DATABASE_URL, or the SQLite file in DATA_DIR."""
        return database_at(self.database_url or sqlite_url(self.data_dir / DATABASE_FILE))

    def report_service(self, store: Store, checklists: ChecklistVersions) -> ReportService:
        """What builds the documents, with what the agency set for all of them (REPORT_*)."""
        return ReportService(
            store,
            checklists,
            issuer=self.report_issuer,
            place=self.report_place,
            photo_dir=self.photo_dir,
            basis=(self.report_basis or "").strip() or None,
            copies=self.report_copies,
            recipients=self.report_recipients,
        )

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"

    def checklists(self) -> ChecklistVersions:
        """Every checklist of CHECKLIST_DIR (the bundled folder unless set) and CHECKLIST_FILE, read now.
        CHECKLIST_FILE alone, as before there was a folder, is the only checklist."""
        folder = self.checklist_dir or (None if self.checklist_file else BUNDLED_DIR)
        return load_catalogue(folder, self.checklist_file)

    def require_webhook(self) -> tuple[str, str, str]:
        """(public URL, secret, local path); checked only in webhook mode."""
        url = (self.webhook_url or "").strip()
        parsed = urlparse(url)
        if parsed.scheme != "https" or not parsed.netloc:
            raise ConfigError("BOT_MODE=webhook cần WEBHOOK_URL dạng https://tên-miền/đường-dẫn.")
        secret = (self.webhook_secret or "").strip()
        if not SECRET_PATTERN.match(secret):
            raise ConfigError("BOT_MODE=webhook cần WEBHOOK_SECRET gồm 16–256 ký tự A-Z, a-z, 0-9, _ hoặc -.")
        return url, secret, parsed.path.lstrip("/")

    @property
    def telegram_enabled(self) -> bool:
        return bool((self.telegram_bot_token or "").strip())

    @property
    def zalo_enabled(self) -> bool:
        return bool((self.zalo_bot_token or "").strip())

    @property
    def zalo_webhook(self) -> bool:
        """Zalo's updates arrive by webhook when a secret is set; otherwise the bot polls for them."""
        return bool((self.zalo_webhook_secret or "").strip())

    @property
    def backup_dir(self) -> Path:
        """Where the nightly backups go."""
        return self.data_dir / "backups"

    @property
    def export_dir(self) -> Path:
        """Reports built for channels that send links instead of files (Zalo)."""
        return self.data_dir / "exports"

    def require_channels(self) -> None:
        """The bot runs Telegram, Zalo or both, depending on which tokens are set; each is checked here."""
        if not self.telegram_enabled and not self.zalo_enabled:
            raise ConfigError(
                "Thiếu TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN: đặt ít nhất một trong hai (xem .env.example)."
            )
        if self.telegram_enabled:
            self.require_token()
        if self.zalo_enabled:
            self.require_zalo()

    def require_zalo(self) -> str:
        """The Zalo token, after checking what Zalo needs beside it: the public address of the bot's own
        web server (Zalo fetches photos and people open reports from there) and, for a webhook, its secret."""
        token = (self.zalo_bot_token or "").strip()
        if not ZALO_TOKEN_PATTERN.match(token):
            raise ConfigError(
                "ZALO_BOT_TOKEN không đúng dạng <mã bot>:<chuỗi> do Zalo Bot Platform cấp; hãy kiểm tra lại."
            )
        parsed = urlparse(self.public_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(
                "Dùng Zalo cần PUBLIC_BASE_URL: địa chỉ công khai của bot, ví dụ https://kiemtra.example.vn."
            )
        if self.zalo_webhook:
            if parsed.scheme != "https":
                raise ConfigError(
                    "ZALO_WEBHOOK_SECRET cần PUBLIC_BASE_URL dạng https://: Zalo chỉ gửi tới địa chỉ HTTPS."
                )
            if not ZALO_SECRET_PATTERN.match((self.zalo_webhook_secret or "").strip()):
                raise ConfigError(
                    "ZALO_WEBHOOK_SECRET phải gồm 8–256 ký tự chữ, số hoặc dấu (không dấu cách, không tiếng Việt)."
                )
        return token

    def telegram(self) -> TelegramConfig:
        """What the Telegram channel needs, after the token's (and in webhook mode the webhook's) checks."""
        webhook = None
        if self.bot_mode is BotMode.WEBHOOK:
            url, secret, path = self.require_webhook()
            webhook = Webhook(url=url, secret=secret, path=path, listen=self.webhook_listen, port=self.webhook_port)
        return TelegramConfig(
            token=self.require_token(),
            base_url=self.telegram_base_url,
            base_file_url=self.telegram_base_file_url,
            photo_dir=self.photo_dir,
            webhook=webhook,
        )

    def zalo(self) -> ZaloConfig:
        """What the Zalo channel needs, after `require_zalo`'s checks."""
        token = self.require_zalo()
        return ZaloConfig(
            token=token,
            base_url=self.zalo_base_url,
            webhook_secret=(self.zalo_webhook_secret or "").strip() or None,
            public_url=self.public_url,
            listen=self.public_listen,
            port=self.public_port,
            link_ttl=timedelta(hours=self.link_ttl_hours),
            data_dir=self.data_dir,
            photo_dir=self.photo_dir,
            export_dir=self.export_dir,
            max_photo_bytes=self.max_photo_mb * 2**20,
        )

    @property
    def public_url(self) -> str:
        """PUBLIC_BASE_URL without a trailing slash, so paths can be appended as they are."""
        return (self.public_base_url or "").strip().rstrip("/")

    def require_token(self) -> str:
        """Checked only when the bot runs: exports and other admin commands need no token."""
        token = (self.telegram_bot_token or "").strip()
        if not token:
            raise ConfigError("Thiếu TELEGRAM_BOT_TOKEN: đặt biến môi trường hoặc ghi vào .env (xem .env.example).")
        if not TOKEN_PATTERN.match(token):
            raise ConfigError("TELEGRAM_BOT_TOKEN không đúng dạng <số>:<chuỗi> do @BotFather cấp; hãy kiểm tra lại.")
        return token


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        raise ConfigError(f"Cấu hình sai ở {name}: {first['msg']}") from None
