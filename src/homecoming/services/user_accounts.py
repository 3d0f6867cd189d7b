"""User accounts: add, list, disable and enable, change a role, reset a password.

Re-exported by `services/users.py`, which keeps API tokens and browser logins.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.domain.roles import Role, check_party
from homecoming.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from homecoming.services import audit
from homecoming.services.user_kinds import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    USERNAME,
    Principal,
    UserInfo,
    _now,
)
from homecoming.store.db import Database
from homecoming.store.models import ApiToken, Party, User, UserSession

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


def _subject(username: str) -> str:
    return f"user:{username[:100]}"


def _end_sessions(session: Session, user_id: int) -> int:
    live = session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    ).all()
    for row in live:
        row.ended_at = _now()
    return len(live)
