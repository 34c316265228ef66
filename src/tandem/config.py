"""Settings, read from the environment with the prefix ``TANDEM_``."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LANGUAGES: tuple[str, ...] = ("zh_CN", "en")


class ConfigurationError(RuntimeError):
    """The settings cannot work; the message says which one and how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANDEM_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    var_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    data_key: str = ""  # Fernet key for personal data (ID numbers); separate from secret_key
    default_language: Literal["zh_CN", "en"] = "zh_CN"
    upload_dir: Path | None = None
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)
    page_size: int = Field(default=25, gt=0, le=500)
    timezone: str = "Asia/Shanghai"  # how times are shown; they are stored in UTC
    base_url: str = "http://127.0.0.1:8000"  # for links in e-mails
    session_idle_minutes: int = Field(default=8 * 60, gt=0)
    session_max_days: int = Field(default=14, gt=0)
    invitation_days: int = Field(default=7, gt=0)
    reset_hours: int = Field(default=2, gt=0)
    smtp_host: str = ""  # empty: e-mails stay in the outbox page (development)
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_tls: bool = False
    smtp_starttls: bool = False
    mail_sender: str = "tandem@localhost"

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'tandem.db'}"
        if self.upload_dir is None:
            self.upload_dir = self.var_dir / "uploads"
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolved_secret_key(self) -> str:
        """The signing key: explicit in production, generated once into ``var/`` otherwise."""
        if self.secret_key:
            return self.secret_key
        if self.env == "production":
            raise ConfigurationError(
                "TANDEM_SECRET_KEY must be set in production: generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        key_file = self.var_dir / "secret_key"
        if key_file.exists():
            return key_file.read_text(encoding="utf-8").strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key, encoding="utf-8")
        key_file.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
