"""Users, their API tokens and browser sessions; each change one transaction and one audit entry.

Passwords are kept only as Argon2id hashes, tokens and session secrets only as SHA-256
digests (they are 32 random bytes: a slow hash adds nothing). No audit entry carries a
password, a token or a hash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import (
    Conflict,
    NotFound,
    TooManyRequests,
    Unauthorized,
)
from homecoming.services import audit
from homecoming.services.user_accounts import (
    _principal,
    _subject,
    _user_named,
    add_user,
    change_role,
    get_user,
    list_users,
    reset_password,
    set_active,
)
from homecoming.services.user_kinds import (
    LOGGED_IN,
    LOGIN_ATTEMPT,
    LOGIN_FAILED,
    MAX_PASSWORD,
    MIN_PASSWORD,
    TOKEN_PREFIX,
    USERNAME,
    WRONG_CREDENTIALS,
    IssuedToken,
    Login,
    LoginPolicy,
    Principal,
    TokenInfo,
    UserInfo,
    _now,
    digest,
    password_hasher,
)
from homecoming.store.db import Database
from homecoming.store.models import ApiToken, AuditEntry, User, UserSession

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


__all__ = [
    "LOGGED_IN",
    "LOGIN_ATTEMPT",
    "LOGIN_FAILED",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "TOKEN_PREFIX",
    "USERNAME",
    "WRONG_CREDENTIALS",
    "IssuedToken",
    "Login",
    "LoginPolicy",
    "Principal",
    "TokenInfo",
    "UserInfo",
    "add_user",
    "authenticate_session",
    "authenticate_session_until",
    "authenticate_token",
    "change_role",
    "digest",
    "get_user",
    "issue_token",
    "list_tokens",
    "list_users",
    "login",
    "logout",
    "password_hasher",
    "reset_password",
    "revoke_token",
    "set_active",
]
