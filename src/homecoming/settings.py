"""One settings object, read from HOMECOMING_* environment variables or passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Refused outside development (see _refuse_default_secret).
DEFAULT_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    """Where data lives and how the service runs."""

    model_config = SettingsConfigDict(env_prefix="HOMECOMING_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means the SQLite file under the data directory.",
    )
    secret_key: str = DEFAULT_SECRET
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "HOMECOMING_SECRET_KEY is the development default; set a long random secret "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`) "
                "before running with HOMECOMING_ENVIRONMENT=production"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'homecoming.sqlite3').as_posix()}"
