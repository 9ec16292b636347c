"""Settings from the environment or ``.env``, validated once at start-up."""

from __future__ import annotations

import re
import sys
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from knowledge.edition import parse_zonas

TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/mixco.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_header_timeout: float = Field(default=10.0, gt=0, le=300)
    """Seconds a client has to send a request's head (line and headers) before it is closed."""
    webhook_body_timeout: float = Field(default=20.0, gt=0, le=300)
    """Seconds a client has to send a request's body once its head arrived."""
    webhook_max_connections: int = Field(default=200, ge=2, le=100_000)
    """Open connections at most; keep it well under the open-file limit (``ulimit -n``)."""
    web_port: int = Field(default=8081, ge=1, le=65535)
    """Where ``python -m bot web`` serves the plan explorer (the webhook server serves it itself)."""
    webapp_url: str | None = None
    """The plan explorer's public HTTPS address (where ``/app/`` is served); set, the bot offers
    "Ver el plan" buttons that open it as a Telegram Mini App."""
    webapp_auth_max_age: int = Field(default=3600, ge=60, le=86_400)
    """Seconds the staff console accepts a Mini App's signed ``initData`` after Telegram made it
    (a replay within them is accepted too: see handlers.webapp.auth)."""
    broadcast_rate: float = Field(default=25.0, gt=0, le=1000)
    """Broadcast messages per second: about 30 is Telegram's free limit; paid broadcasts reach 1,000."""
    broadcast_lease_seconds: float = Field(default=30.0, gt=0, le=3600)
    """How long a worker holds a delivery it claimed; a crashed instance's deliveries wait this long."""
    broadcast_max_attempts: int = Field(default=5, ge=1, le=100)
    """Tries of one delivery (timeouts, 5xx) before it is recorded as failed."""
    broadcast_max_in_flight: int | None = Field(default=None, ge=1, le=1000)
    """Requests on their way at most; None: the rate, at most 100 (1 sends strictly one at a time)."""
    broadcast_retry_base_delay: float = Field(default=1.0, gt=0, le=3600)
    """Seconds before the first retry of a delivery; each later one waits twice as long."""
    broadcast_idle_poll: float = Field(default=1.0, gt=0, le=60)
    """Seconds between looks for due deliveries while none are waiting."""
    broadcast_progress_interval: float = Field(default=2.0, gt=0, le=3600)
    """Seconds between edits of the staff member's preview with a broadcast's progress."""
    notify_window_minutes: float = Field(default=10.0, ge=0, le=1440)
    """A follower gets at most one status notice per project per this many minutes (db.status_notices)."""
    report_mode_minutes: float = Field(default=10.0, gt=0, le=1440)
    """How long after "📣 Reportar avance" the person's messages make the report's draft."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    query_log_days: int = Field(default=90, ge=1, le=3650)
    plan_max_bytes: int = Field(default=5_000_000, ge=100_000, le=1_000_000_000)
    """The largest plan file ``load`` reads: the bundled document is 82 KB, its JSON export 207 KB."""
    query_log_salt: SecretStr | None = None
    """None: a random salt kept in the database (``bot.storage.query_log_salt``)."""
    plan_check_interval: float = Field(default=5.0, ge=0.1, le=3600)
    """Seconds between two looks at the plan's revision: an edition another process loads (the
    staff console of ``python -m bot web``, another instance, ``python -m bot load``) answers
    here within them (``bot.editions.follow_editions``)."""
    plan_zonas: Annotated[tuple[int, ...] | None, NoDecode] = None
    """The municipality's zonas ("1-11", "1,2,3") for a plan whose document does not say how many
    it has; what the document says wins. None: such a document is refused."""

    def secrets(self) -> tuple[str, ...]:
        """The values no log line may show (bot.observability redacts them)."""
        values = (self.telegram_token, self.webhook_secret, self.query_log_salt)
        return tuple(value.get_secret_value() for value in values if value is not None)

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("el token no tiene la forma 123456789:ABC… que entrega @BotFather")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("deben ser números de usuario de Telegram separados por comas")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("plan_zonas", mode="before")
    @classmethod
    def _zonas(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_zonas(value) if value.strip() else None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("use sqlite+aiosqlite:///ruta.db o postgresql+asyncpg://usuario@host/base")
        return value

    @field_validator("query_log_salt", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webapp_url", mode="before")
    @classmethod
    def _webapp_url(cls, value: object) -> object:
        """Telegram opens Mini Apps only over HTTPS; the pages' paths are added after a "/"."""
        if not isinstance(value, str):
            return value
        url = value.strip()
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError("debe ser una dirección https://, por ejemplo https://plan.example.org/app/")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("sin usuario, ? ni #: solo la dirección donde se sirve /app/")
        return url if url.endswith("/") else url + "/"

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("solo letras, números, _ y -, de 1 a 256 caracteres")
        return value


def load_settings() -> Settings | None:
    """The settings, or None after printing one line per invalid setting."""
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "?"
            print(f"Configuración inválida: {name}: {error['msg']}", file=sys.stderr)
        return None


def file_base_url(api_base_url: str) -> str:
    """Where files are downloaded: ``…/bot`` → ``…/file/bot`` (Telegram's and its emulators' layout)."""
    base = api_base_url.rstrip("/")
    return f"{base[: -len('/bot')]}/file/bot" if base.endswith("/bot") else f"{base}/file"
