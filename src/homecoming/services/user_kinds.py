"""What the users service hands out: principals, user and token views, the login policy;
the password hasher and digests (re-exported by `services/users.py`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from argon2 import PasswordHasher

from homecoming.domain.roles import Role, party_scope
from homecoming.services.scope import Scope
from homecoming.settings import Settings

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
TOKEN_PREFIX = "hc_"
LOGIN_FAILED = "auth.login_failed"
# Written (and counted) before the password is verified, so parallel guesses count too.
LOGIN_ATTEMPT = "auth.login_attempt"
LOGGED_IN = "auth.login"
WRONG_CREDENTIALS = "wrong username or password"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a logged-in user, or the user behind an API token."""

    user_id: int
    username: str
    display_name: str
    role: Role
    party: str | None
    via: str  # "session" or "token"

    @property
    def party_scope(self) -> str | None:
        """The only party whose records this user may see, or None for all."""
        return party_scope(self.role, self.party)

    @property
    def scope(self) -> Scope:
        """The scope the services apply to this user's reads and writes."""
        return Scope.of(self.role, self.party)


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as `homecoming users list` shows it (no password hash)."""

    id: int
    username: str
    display_name: str
    role: Role
    party: str | None
    active: bool
    created_at: dt.datetime
    tokens: int


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as listed: never its secret."""

    id: int
    username: str
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token; `secret` is shown once and kept nowhere."""

    id: int
    name: str
    secret: str


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """How many attempts per window (per username, per address), and how long a session lasts."""

    max_failures: int = 5  # per username, from any address
    window: dt.timedelta = dt.timedelta(minutes=5)
    session_age: dt.timedelta = dt.timedelta(hours=8)
    max_failures_per_address: int = 20  # per address, for any usernames

    @classmethod
    def of(cls, settings: Settings) -> LoginPolicy:
        return cls(
            max_failures=settings.login_max_failures,
            max_failures_per_address=settings.login_max_failures_per_address,
            window=dt.timedelta(seconds=settings.login_failure_window_seconds),
            session_age=dt.timedelta(seconds=settings.session_max_age_seconds),
        )


@dataclass(frozen=True, slots=True)
class Login:
    """A successful login: who, and the session secret for the cookie."""

    principal: Principal
    secret: str
    expires_at: dt.datetime


def password_hasher(settings: Settings) -> PasswordHasher:
    """Argon2id with the configured cost (argon2-cffi's defaults unless lowered for tests)."""
    return PasswordHasher(
        time_cost=settings.password_hash_time_cost,
        memory_cost=settings.password_hash_memory_kib,
    )


def digest(secret: str) -> str:
    """SHA-256 of a random secret, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
