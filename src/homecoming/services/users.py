"""Users, their API tokens and browser sessions; each change one transaction and one audit entry.

Passwords are kept only as Argon2id hashes, tokens and session secrets only as SHA-256
digests (they are 32 random bytes: a slow hash adds nothing). No audit entry carries a
password, a token or a hash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import math
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.domain.roles import Role, check_party, party_scope
from homecoming.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    TooManyRequests,
    Unauthorized,
)
from homecoming.services import audit
from homecoming.services.scope import Scope
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import ApiToken, AuditEntry, Party, User, UserSession

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


# --- accounts ---------------------------------------------------------------------------------


def add_user(
    db: Database,
    *,
    username: str,
    role: Role,
    password: str,
    hasher: PasswordHasher,
    actor: str,
    party: str | None = None,
    display_name: str = "",
) -> UserInfo:
    """Create a user with an Argon2 hash of the password; audited without it."""
    _check_username(username)
    _check_password(password)
    check_party(role, party)
    password_hash = hasher.hash(password)  # slow on purpose: before the transaction
    with db.transaction() as session:
        _refuse_taken(session, username)
        _require_party(session, party)
        user = User(
            username=username,
            display_name=display_name,
            role=role.value,
            party_code=party,
            password_hash=password_hash,
            active=True,
            created_by=actor,
        )
        session.add(user)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="user.created",
            subject=_subject(username),
            details={"role": role.value, "party": party, "display_name": display_name},
        )
        return _info(user, tokens=0)


def list_users(db: Database) -> list[UserInfo]:
    """Every user by username, with how many live API tokens each has."""
    live = (
        select(ApiToken.user_id, func.count().label("n"))
        .where(ApiToken.revoked_at.is_(None))
        .group_by(ApiToken.user_id)
        .subquery()
    )
    with db.reading() as session:
        rows = session.execute(
            select(User, live.c.n)
            .outerjoin(live, live.c.user_id == User.id)
            .order_by(User.username)
        ).all()
        return [_info(user, tokens=n or 0) for user, n in rows]


def get_user(db: Database, *, username: str) -> UserInfo:
    """One user, with how many live API tokens they have."""
    with db.reading() as session:
        user = _user_named(session, username)
        return _info(user, tokens=_live_tokens(session, user.id))


def set_active(db: Database, *, username: str, active: bool, actor: str) -> UserInfo:
    """Enable or disable a user; a disabled user's sessions end and tokens stop working."""
    with db.transaction() as session:
        user = _user_named(session, username)
        if user.active != active:
            if not active:
                if username == actor:
                    raise Conflict("you cannot disable your own account; ask another administrator")
                _keep_an_administrator(session, user, f"disabling {username!r}")
                _end_sessions(session, user.id)
            user.active = active
            audit.append(
                session,
                actor=actor,
                action="user.enabled" if active else "user.disabled",
                subject=_subject(username),
                details={},
            )
        return _info(user, tokens=_live_tokens(session, user.id))


def change_role(
    db: Database, *, username: str, role: Role, party: str | None, actor: str
) -> UserInfo:
    """Give a user another role (and party, for a negotiator); audited with both."""
    check_party(role, party)
    with db.transaction() as session:
        user = _user_named(session, username)
        before = (user.role, user.party_code)
        if before != (role.value, party):
            if role is not Role.ADMINISTRATOR:
                _keep_an_administrator(session, user, f"making {username!r} a {role.value}")
            _require_party(session, party)
            user.role, user.party_code = role.value, party
            audit.append(
                session,
                actor=actor,
                action="user.role_changed",
                subject=_subject(username),
                details={
                    "role": role.value,
                    "party": party,
                    "was": before[0],
                    "was_party": before[1],
                },
            )
        return _info(user, tokens=_live_tokens(session, user.id))


def reset_password(
    db: Database, *, username: str, password: str, hasher: PasswordHasher, actor: str
) -> None:
    """Set a new password; the user's browser sessions end (API tokens go on working)."""
    _check_password(password)
    password_hash = hasher.hash(password)  # slow on purpose: before the transaction
    with db.transaction() as session:
        user = _user_named(session, username)
        user.password_hash = password_hash
        ended = _end_sessions(session, user.id)
        audit.append(
            session,
            actor=actor,
            action="user.password_reset",
            subject=_subject(username),
            details={"sessions_ended": ended},
        )


def _keep_an_administrator(session: Session, user: User, change: str) -> None:
    """Refuse a change that would leave no active administrator to undo it."""
    if user.role != Role.ADMINISTRATOR.value or not user.active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMINISTRATOR.value, User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise Conflict(f"{change} would leave no active administrator; make someone else one first")


def _live_tokens(session: Session, user_id: int) -> int:
    query = select(func.count()).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    return session.scalar(query) or 0


def _check_username(username: str) -> None:
    if not USERNAME.match(username):
        raise InvalidInput(
            f"username {username!r}: 2-64 characters, lower-case letters, digits, '.', '_', '-'"
        )


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters; "
            "a few random words make a good one"
        )


def _refuse_taken(session: Session, username: str) -> None:
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} exists already: `homecoming users list` shows them")


def _require_party(session: Session, party: str | None) -> None:
    if party and session.get(Party, party) is None:
        raise NotFound(f"no party {party!r}: add it first with `homecoming parties add {party}`")


def _user_named(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}: `homecoming users list` shows who exists")
    return user


def _info(user: User, *, tokens: int) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        party=user.party_code,
        active=user.active,
        created_at=user.created_at,
        tokens=tokens,
    )


def _principal(user: User, via: str) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        party=user.party_code,
        via=via,
    )


# --- API tokens -------------------------------------------------------------------------------


def issue_token(db: Database, *, username: str, name: str, actor: str) -> IssuedToken:
    """A new bearer token for a user; only its digest is stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.transaction() as session:
        user = _user_named(session, username)
        token = ApiToken(user_id=user.id, name=name, token_hash=digest(secret), created_by=actor)
        session.add(token)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="token.issued",
            subject=_subject(username),
            details={"token": token.id, "name": name},
        )
        return IssuedToken(id=token.id, name=name, secret=secret)


def revoke_token(
    db: Database, *, token_id: int, actor: str, username: str | None = None
) -> TokenInfo:
    """Revoke a token for good (of `username` only, if given); it stays listed, marked revoked."""
    with db.transaction() as session:
        token = session.get(ApiToken, token_id)
        if token is None or (username is not None and token.user.username != username):
            owner = f" of {username!r}" if username is not None else ""
            raise NotFound(f"no token {token_id}{owner}: `homecoming users tokens` lists them")
        if token.revoked_at is not None:
            raise Conflict(f"token {token_id} was revoked already, at {token.revoked_at}")
        token.revoked_at, token.revoked_by = _now(), actor
        audit.append(
            session,
            actor=actor,
            action="token.revoked",
            subject=_subject(token.user.username),
            details={"token": token.id, "name": token.name},
        )
        return _token_info(token)


def list_tokens(db: Database, *, username: str | None = None) -> list[TokenInfo]:
    """Tokens (never their secrets), of one user or of all."""
    query = select(ApiToken).join(ApiToken.user).order_by(ApiToken.id)
    if username:
        query = query.where(User.username == username)
    with db.reading() as session:
        return [_token_info(t) for t in session.scalars(query)]


def authenticate_token(db: Database, secret: str) -> Principal:
    """The active user behind a live token, or Unauthorized."""
    with db.reading() as session:
        user = session.scalar(
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
        )
        if user is None or not user.active:
            raise Unauthorized("this API token is unknown, revoked, or its user is disabled")
        return _principal(user, "token")


def _token_info(token: ApiToken) -> TokenInfo:
    return TokenInfo(
        id=token.id,
        username=token.user.username,
        name=token.name,
        created_at=token.created_at,
        revoked_at=token.revoked_at,
    )


# --- browser logins ---------------------------------------------------------------------------


def login(
    db: Database,
    *,
    username: str,
    password: str,
    client: str,
    hasher: PasswordHasher,
    policy: LoginPolicy,
) -> Login:
    """Check a password and open a session; failures are audited (never the password).

    The attempt is counted first, in one transaction that holds the audit log's lock: parallel
    guesses queue there and each sees the ones before it, so no more than the allowed number
    ever reach the (slow) password check, whatever address each claims.
    """
    with db.transaction() as session:
        _count_attempt(session, username, client, policy)
        user = session.scalar(select(User).where(User.username == username))
    refusal = _refusal(user, password, hasher)  # Argon2 outside any transaction
    with db.transaction() as session:
        if refusal is not None or user is None:
            _audit_failure(session, username, client, refusal or "unknown user")
            result = None
        else:
            result = _open_session(session, user, client, policy, hasher, password)
    if result is None:
        raise Unauthorized(WRONG_CREDENTIALS)
    return result


def authenticate_session(db: Database, secret: str) -> Principal:
    """The active user of a live session, or Unauthorized."""
    return authenticate_session_until(db, secret)[0]


def authenticate_session_until(db: Database, secret: str) -> tuple[Principal, dt.datetime]:
    """The active user of a live session and when the session expires, or Unauthorized."""
    with db.reading() as session:
        found = session.execute(
            select(User, UserSession.expires_at)
            .join(UserSession, UserSession.user_id == User.id)
            .where(
                UserSession.token_hash == digest(secret),
                UserSession.ended_at.is_(None),
                UserSession.expires_at > _now(),
            )
        ).first()
        if found is None or not found[0].active:
            raise Unauthorized("this session has ended: log in again")
        return _principal(found[0], "session"), _aware(found[1])


def logout(db: Database, *, secret: str) -> None:
    """End the session for good (a copied cookie stops working too)."""
    with db.transaction() as session:
        row = session.scalar(select(UserSession).where(UserSession.token_hash == digest(secret)))
        if row is None or row.ended_at is not None:
            return
        row.ended_at = _now()
        audit.append(
            session,
            actor=row.user.username,
            action="auth.logout",
            subject=_subject(row.user.username),
            details={"session": row.id},
        )


def _refusal(user: User | None, password: str, hasher: PasswordHasher) -> str | None:
    if user is None:
        _spend_like_a_verify(hasher, password)  # the same time for unknown users
        return "unknown user"
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return "wrong password"
    return None if user.active else "user disabled"


_DUMMY_HASHES: dict[tuple[int, int], str] = {}


def _spend_like_a_verify(hasher: PasswordHasher, password: str) -> None:
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(secrets.token_urlsafe(16))
    with contextlib.suppress(VerificationError):
        hasher.verify(_DUMMY_HASHES[key], password)


def _count_attempt(session: Session, username: str, client: str, policy: LoginPolicy) -> None:
    """Record this attempt, then refuse it (rolled back) if it is one too many."""
    audit.append(
        session,
        actor="anonymous",
        action=LOGIN_ATTEMPT,
        subject=_subject(username),
        details={"client": client},
    )
    now = _now()
    by_user, by_address = _recent_attempts(session, username, client, since=now - policy.window)
    for attempts, limit, who in (
        (by_user, policy.max_failures, f"for {username!r}"),
        (by_address, policy.max_failures_per_address, "from this address"),
    ):
        earlier = attempts[:-1]  # the last one is this attempt
        if len(earlier) >= limit:
            wait = max(math.ceil((earlier[-limit] + policy.window - now).total_seconds()), 1)
            raise TooManyRequests(
                f"too many failed logins {who}: try again in {wait} seconds",
                retry_after=wait,
            )


def _recent_attempts(
    session: Session, username: str, client: str, *, since: dt.datetime
) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """Attempts since `since` for this username and from this client, each after its last
    success (a success from an address clears that address; of a user, that user)."""
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.at, AuditEntry.subject, AuditEntry.details)
        .where(AuditEntry.action.in_((LOGIN_ATTEMPT, LOGGED_IN)), AuditEntry.at >= since)
        .order_by(AuditEntry.id)
    ).all()
    by_user: list[dt.datetime] = []
    by_address: list[dt.datetime] = []
    for action, at, subject, details in rows:
        mine, here = subject == _subject(username), details.get("client") == client
        if action == LOGGED_IN:
            by_user = [] if mine else by_user
            by_address = [] if here else by_address
            continue
        if mine:
            by_user.append(_aware(at))
        if here:
            by_address.append(_aware(at))
    return by_user, by_address


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything Homecoming stores is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _audit_failure(session: Session, username: str, client: str, reason: str) -> None:
    audit.append(
        session,
        actor="anonymous",
        action=LOGIN_FAILED,
        subject=_subject(username),
        details={"client": client, "reason": reason},
    )


def _subject(username: str) -> str:
    return f"user:{username[:100]}"


def _open_session(
    session: Session,
    user: User,
    client: str,
    policy: LoginPolicy,
    hasher: PasswordHasher,
    password: str,
) -> Login:
    user = session.merge(user, load=True)
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)  # the configured cost changed
    secret = secrets.token_urlsafe(32)
    expires = _now() + policy.session_age
    row = UserSession(user_id=user.id, token_hash=digest(secret), client=client, expires_at=expires)
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=user.username,
        action=LOGGED_IN,
        subject=_subject(user.username),
        details={"client": client, "session": row.id},
    )
    return Login(principal=_principal(user, "session"), secret=secret, expires_at=expires)


def _end_sessions(session: Session, user_id: int) -> int:
    live = session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    ).all()
    for row in live:
        row.ended_at = _now()
    return len(live)
