"""One settings object, read from HOMECOMING_* environment variables or passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Refused outside development (see _refuse_default_secret).
DEFAULT_SECRET = "development-only-secret-change-me"
# OWASP's floor for Argon2id (19 MiB, 2 iterations): less is refused in production.
MIN_PRODUCTION_HASH_MEMORY_KIB = 19_456
MIN_PRODUCTION_HASH_TIME_COST = 2
# `homecoming serve` hands its resolved settings to its worker processes in this variable.
SERVE_SETTINGS_VARIABLE = "HOMECOMING_SERVE_SETTINGS"


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
    session_max_age_seconds: int = Field(
        default=8 * 3600, ge=60, description="How long a browser login lasts."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Login attempts per username (any address) before a pause."
    )
    login_max_failures_per_address: int = Field(
        default=20, ge=1, description="Login attempts per address (any username) before a pause."
    )
    login_failure_window_seconds: int = Field(
        default=300, ge=1, description="The window in which failed logins are counted."
    )
    # argon2-cffi's defaults; tests lower them to stay fast.
    password_hash_time_cost: int = Field(default=3, ge=1, description="Argon2 iterations.")
    password_hash_memory_kib: int = Field(
        default=65536, ge=64, description="Argon2 memory per hash, in KiB."
    )
    # Messages to families (tracing): approved notifications wait in the outbox until sent.
    smtp_host: str = Field(default="", description="SMTP server; empty: nothing is sent.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port.")
    smtp_sender: str = Field(default="tracing@localhost", description="The From address.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP link with STARTTLS.")
    # Web Push and SMS nudges: "there is news on your case: open the family page", nothing more.
    push_subject: str = Field(
        default="mailto:tracing@localhost",
        description="Who runs this server, told to push services with each push (VAPID 'sub': "
        "a mailto: or https: address).",
    )
    sms_gateway_url: str = Field(
        default="", description="The SMS gateway's HTTP endpoint; empty: no SMS is sent."
    )
    sms_gateway_token: str = Field(default="", description="Bearer token for the SMS gateway.")
    sms_sender: str = Field(default="", description="The sender name or number of the texts.")
    # Case management: every open case hears from us at least this often.
    case_contact_interval_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Days after which an open case with no contact joins the 'no news yet' queue.",
    )
    # The family page (/family): a case reference and an access code open it, no account.
    family_max_failures: int = Field(
        default=5, ge=1, description="Family page attempts per case reference before a pause."
    )
    family_max_failures_per_address: int = Field(
        default=10, ge=1, description="Family page attempts per address before a pause."
    )
    family_failure_window_seconds: int = Field(
        default=900, ge=1, description="The window in which family page attempts are counted."
    )
    family_visit_seconds: int = Field(
        default=1800, ge=60, description="How long the family page stays open after the code."
    )
    family_page_url: str = Field(
        default="http://127.0.0.1:8000/family",
        description="The family page's address, as printed on the letter families are given.",
    )
    office_phone: str = Field(default="", description="The phone families call (family page).")
    office_email: str = Field(default="", description="The e-mail families write to.")
    office_address: str = Field(default="", description="Where families can come in person.")
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies (comma-separated addresses) whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed; empty: none, the connecting address is the client.",
    )
    max_upload_mb: int = Field(
        default=100, ge=1, description="The largest request body (an uploaded file), in MiB."
    )

    # Retention (`homecoming retention run`): days after which personal data is erased.
    retention_days_by_source_kind: dict[str, int] = Field(
        default_factory=dict,
        description="Days a source kind's records are kept after receipt, as JSON, e.g. "
        '{"testimony": 3650}; a kind not named is kept.',
    )
    retention_days_by_inquiry_state: dict[str, int] = Field(
        default_factory=lambda: {"withdrawn": 365},
        description="Days an inquiry in a state is kept after its last change, as JSON; "
        "default: withdrawn inquiries 365 days.",
    )

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "HOMECOMING_SECRET_KEY is the development default; set a long random secret "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`) "
                "before running with HOMECOMING_ENVIRONMENT=production"
            )
        return self

    @model_validator(mode="after")
    def _refuse_cheap_password_hashes(self) -> Settings:
        if self.environment == "production" and (
            self.password_hash_memory_kib < MIN_PRODUCTION_HASH_MEMORY_KIB
            or self.password_hash_time_cost < MIN_PRODUCTION_HASH_TIME_COST
        ):
            raise ValueError(
                "HOMECOMING_PASSWORD_HASH_MEMORY_KIB / _TIME_COST are below "
                f"{MIN_PRODUCTION_HASH_MEMORY_KIB} KiB / {MIN_PRODUCTION_HASH_TIME_COST}: "
                "cheap hashes are for tests; unset them in production"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'homecoming.sqlite3').as_posix()}"
