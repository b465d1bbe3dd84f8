"""Settings read once from the environment or `.env` when the process starts."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError
from bot.languages import SUPPORTED_LOCALES

OFFICIAL_API_URL = "https://api.telegram.org"
DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///./data/blk-bot.sqlite3"

# Telegram tokens look like "123456789:AA...": a numeric bot id, a colon and a secret.
_TOKEN_RE = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{20,}$")
# What Telegram accepts as a webhook's secret_token.
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Settings(BaseSettings):
    """Every knob of the bot; see the configuration table in the README."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_url: str = OFFICIAL_API_URL
    database_url: str = DEFAULT_SQLITE_URL
    redis_url: str | None = None
    # Webhook mode (`blk-bot run --webhook URL` or WEBHOOK_URL): Telegram POSTs updates to
    # this https URL; the bot listens on WEBHOOK_LISTEN ("host:port") at the URL's path,
    # behind a TLS-terminating proxy, and accepts only requests carrying WEBHOOK_SECRET.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = Field(
        default="0.0.0.0:8080", pattern=r"^(\[[0-9a-fA-F:]+\]|[\w.-]*):\d{1,5}$"
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    data_key: SecretStr | None = None
    dev_mode: bool = False
    dev_key_file: Path = Path("./data/dev-data-key")
    default_locale: str = "id"
    timezone: str = "Asia/Jakarta"
    # Messages per second the bot sends (outbox and answers together). With REDIS_URL set,
    # all the bot's processes share this budget through Redis; without, it is one process's.
    outbox_rate: float = Field(default=29.5, gt=0, le=1000)
    # How many processes serve the bot (webhook mode): while Redis cannot be reached, each
    # sends at most OUTBOX_RATE / INSTANCES on its own.
    instances: int = Field(default=1, ge=1, le=64)
    # Every process tries the leader lock this often; its holder runs the periodic jobs
    # (reminders, escalation, retention, ...), so they move on within this when it dies.
    leader_check_seconds: float = Field(default=5, gt=0, le=300)
    # A message claimed by a process that died is sent again after this many seconds.
    outbox_lease_seconds: float = Field(default=60, ge=1)
    # While Telegram answers 5xx or cannot be reached the sender pauses and probes with one
    # message, waiting twice as long after each failed probe, up to this many seconds.
    outbox_probe_max_seconds: float = Field(default=120, ge=1)
    # A broadcast message not delivered this many hours after it was queued expires.
    broadcast_expiry_hours: float = Field(default=24, gt=0)
    # An answer to a person's message or button press not delivered within this many
    # minutes (Telegram unavailable) is dropped: much later it would answer a question the
    # person no longer has in front of them.
    reply_expiry_minutes: float = Field(default=60, gt=0)
    # An update that fails this many times for a reason other than a passing database
    # fault (a bug) is recorded as handled, so it cannot hold up every chat behind it.
    update_attempts: int = Field(default=3, ge=1)
    # Settled outbox rows (sent, failed, ...; payload already blanked) are deleted after
    # this many hours; a broadcast's rows once the broadcast closed that long ago.
    outbox_keep_hours: float = Field(default=24, gt=0)
    # `blk-bot run` checks this often that it still holds the database's instance lock
    # (PostgreSQL drops it with a lost connection); taken again, or the bot stops if another
    # process has it.
    instance_lock_check_seconds: float = Field(default=15, gt=0, le=300)
    # TOML with the eligibility rules; the packaged bot/data/eligibility.toml when unset.
    eligibility_rules: Path | None = None
    # TOML with the check-in and completion settings; the packaged
    # bot/data/training_rules.toml when unset.
    training_rules: Path | None = None
    # TOML with the PHK pathway's offers and JKP facts; the packaged bot/data/phk.toml if unset.
    phk_content_file: Path | None = None
    # TOML with the FAQ (topics, questions, answers, keywords); the packaged bot/data/faq.toml
    # when unset, so coordinators can change answers without touching code.
    faq_file: Path | None = None
    # TOML with questions as people typed them, each with the entry that answers it; the
    # packaged bot/data/faq_examples.toml when unset.
    faq_examples_file: Path | None = None
    registration_code_prefix: str = Field(default="BLK", max_length=5)
    # The programme has not published a retention period; operators set theirs here.
    data_retention_months: int = Field(default=24, ge=1, le=120)
    # One retention run erases at most this many registrations, PHK answers and idle
    # conversations together; the rest waits for the next run (every 6 hours).
    retention_max_per_run: int = Field(default=500, ge=1)
    # Retention and pruning by age run only while the clock is within this many hours of
    # Telegram's newest message date (bot/clock_sanity.py).
    clock_tolerance_hours: float = Field(default=24, gt=0)
    # Reminders before a batch: N days before its first day at a time of day in the BLK's
    # own zone ("3,1" and 08:00), and N hours before the start ("2").
    reminder_days_before: Annotated[tuple[int, ...], NoDecode] = (3, 1)
    reminder_time: time = time(8, 0)
    reminder_hours_before: Annotated[tuple[int, ...], NoDecode] = (2,)
    # A registration left unanswered this long gets one nudge.
    abandoned_registration_hours: int = Field(default=24, ge=1)
    # A question to coordinators ("Tanya petugas") still unanswered this long goes to the
    # admins, once.
    ticket_escalation_hours: int = Field(default=24, ge=1)
    # Questions one person may have waiting for an answer at once; more are refused.
    ticket_open_limit: int = Field(default=3, ge=1)
    # Largest CSV staff may send to the bot, checked before and while it is downloaded
    # (Telegram lets bots download files up to 20 MB).
    import_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, le=20 * 1024 * 1024)
    # The NIK step's lookups: per account per 24 h, and NIKs refused as taken per hour across
    # all accounts; past either, every NIK is refused for now (bot/registration/nik_checks.py).
    nik_checks_per_day: int = Field(default=5, ge=1)
    nik_taken_per_hour: int = Field(default=20, ge=1)
    # Per person: more than FLOOD_MAX_UPDATES messages and button presses within
    # FLOOD_WINDOW_SECONDS get one "slow down", then nothing for FLOOD_COOLDOWN_SECONDS.
    flood_max_updates: int = Field(default=20, ge=1)
    flood_window_seconds: float = Field(default=10, gt=0)
    flood_cooldown_seconds: float = Field(default=30, ge=0)
    # Log lines as text, or one JSON object per line for a log collector.
    log_format: Literal["text", "json"] = "text"
    # "host:port" where `run` serves /healthz and /metrics in polling mode; off when unset.
    ops_listen: str | None = Field(default=None, pattern=r"^(\[[0-9a-fA-F:]+\]|[\w.-]*):\d{1,5}$")
    # Follow-up surveys: days after a batch's completion each wave is sent ("0,90,180"),
    # and days without an answer before a wave's one reminder (0: no reminder).
    survey_after_days: Annotated[tuple[int, ...], NoDecode] = (0, 90, 180)
    survey_reminder_days: int = Field(default=7, ge=0)

    @field_validator("survey_after_days", mode="before")
    @classmethod
    def _survey_waves(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(sorted({int(p) for p in value.replace(";", ",").split(",") if p.strip()}))
        return (value,) if isinstance(value, int) else value

    @field_validator("survey_after_days")
    @classmethod
    def _survey_waves_not_negative(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(days < 0 for days in value):
            raise ValueError("days must be whole numbers of 0 or more")
        return tuple(sorted(set(value)))

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return frozenset(int(p) for p in parts if p)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("reminder_days_before", "reminder_hours_before", mode="before")
    @classmethod
    def _split_offsets(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return tuple(int(p) for p in parts if p)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("reminder_days_before", "reminder_hours_before")
    @classmethod
    def _positive_offsets(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(offset < 1 for offset in value):
            raise ValueError("offsets must be whole numbers of 1 or more")
        return tuple(sorted(set(value), reverse=True))

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def require_webhook_secret(self) -> str:
        """The secret Telegram sends with every update (setWebhook's secret_token), or why
        webhook mode cannot start."""
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not _SECRET_RE.match(secret):
            raise ConfigError(
                "WEBHOOK_SECRET is not set or malformed: webhook mode needs 1-256 letters, "
                "digits, _ or -, e.g. WEBHOOK_SECRET=$(openssl rand -hex 32) in .env"
            )
        return secret

    def require_token(self) -> str:
        """Return the token or explain in one line why the bot cannot start."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError("BOT_TOKEN is not set: get one from @BotFather and put it in .env")
        token = self.bot_token.get_secret_value().strip()
        if not _TOKEN_RE.match(token):
            raise ConfigError("BOT_TOKEN is malformed: expected something like 123456789:AAE...")
        return token


def load_settings() -> Settings:
    """Build settings, turning pydantic's multi-line report into one line."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]).upper() or "settings"
        raise ConfigError(f"{field} is invalid: {first['msg']}") from None
