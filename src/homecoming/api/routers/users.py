"""/users: accounts, roles and API tokens (administrators). Every change is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from starlette.concurrency import run_in_threadpool

from homecoming.api.schemas import GUARDED, Responses, problem
from homecoming.api.schemas_admin import (
    IssuedTokenOut,
    PasswordReset,
    RoleChange,
    TokenCreate,
    TokenOut,
    UserCreate,
    UserOut,
)
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep, IdPath, SettingsDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import users
from homecoming.services.users import Principal, TokenInfo, UserInfo

router = Router(prefix="/users", tags=["users"], responses=GUARDED)
Admin = Annotated[Principal, requires(Capability.USERS_MANAGE)]
Username = Annotated[str, Path(min_length=1, max_length=64, examples=["olena.k"])]
NO_USER: Responses = {404: problem("No such user (or token)")}
REFUSED: Responses = {409: problem("Refused: it would lock everyone out, or it exists already")}


@router.get("")
def list_users(db: DatabaseDep, _admin: Admin) -> list[UserOut]:
    """Every user by username, with role, party, whether active, and live API tokens."""
    return [user_out(u) for u in users.list_users(db)]


@router.post("", status_code=201, responses={**REFUSED, 404: problem("No such party")})
async def add_user(
    db: DatabaseDep, settings: SettingsDep, admin: Admin, body: UserCreate
) -> UserOut:
    """Create a user; a negotiator needs a party, no other role may have one."""
    info = await run_in_threadpool(  # Argon2 is slow on purpose: keep it off the event loop
        lambda: users.add_user(
            db,
            username=body.username,
            role=body.role,
            party=body.party.upper() if body.party else None,
            display_name=body.display_name,
            password=body.password,
            hasher=users.password_hasher(settings),
            actor=admin.username,
        )
    )
    return user_out(info)


@router.get("/{username}", responses=NO_USER)
def show_user(db: DatabaseDep, _admin: Admin, username: Username) -> UserOut:
    """One user."""
    return user_out(users.get_user(db, username=username))


@router.post("/{username}/disable", responses={**NO_USER, **REFUSED})
def disable_user(db: DatabaseDep, admin: Admin, username: Username) -> UserOut:
    """Disable a user: their sessions end and their API tokens stop working (not yourself)."""
    return user_out(users.set_active(db, username=username, active=False, actor=admin.username))


@router.post("/{username}/enable", responses=NO_USER)
def enable_user(db: DatabaseDep, admin: Admin, username: Username) -> UserOut:
    """Enable a disabled user again."""
    return user_out(users.set_active(db, username=username, active=True, actor=admin.username))


@router.put("/{username}/role", responses={**NO_USER, **REFUSED})
def change_role(db: DatabaseDep, admin: Admin, username: Username, body: RoleChange) -> UserOut:
    """Give a user another role; the last active administrator keeps theirs."""
    info = users.change_role(
        db,
        username=username,
        role=body.role,
        party=body.party.upper() if body.party else None,
        actor=admin.username,
    )
    return user_out(info)


@router.put("/{username}/password", status_code=204, responses=NO_USER)
async def reset_password(
    db: DatabaseDep, settings: SettingsDep, admin: Admin, username: Username, body: PasswordReset
) -> None:
    """Set a new password; the user's browser sessions end, their API tokens go on working."""
    await run_in_threadpool(
        lambda: users.reset_password(
            db,
            username=username,
            password=body.password,
            hasher=users.password_hasher(settings),
            actor=admin.username,
        )
    )


@router.get("/{username}/tokens", responses=NO_USER)
def list_tokens(db: DatabaseDep, _admin: Admin, username: Username) -> list[TokenOut]:
    """A user's API tokens, live and revoked (never their secrets)."""
    users.get_user(db, username=username)  # 404 for a user who does not exist
    return [token_out(t) for t in users.list_tokens(db, username=username)]


@router.post("/{username}/tokens", status_code=201, responses=NO_USER)
def issue_token(
    db: DatabaseDep, admin: Admin, username: Username, body: TokenCreate
) -> IssuedTokenOut:
    """Issue an API token; its secret is in this answer only, never stored or shown again."""
    issued = users.issue_token(db, username=username, name=body.name, actor=admin.username)
    return IssuedTokenOut(id=issued.id, username=username, name=issued.name, secret=issued.secret)


@router.post(
    "/{username}/tokens/{token_id}/revoke",
    responses={**NO_USER, 409: problem("The token was revoked already")},
)
def revoke_token(db: DatabaseDep, admin: Admin, username: Username, token_id: IdPath) -> TokenOut:
    """Revoke one of the user's tokens for good; it stays listed, marked revoked."""
    info = users.revoke_token(db, token_id=token_id, username=username, actor=admin.username)
    return token_out(info)


def user_out(info: UserInfo) -> UserOut:
    return UserOut(
        id=info.id,
        username=info.username,
        display_name=info.display_name,
        role=info.role,
        party=info.party,
        active=info.active,
        created_at=info.created_at.isoformat(),
        tokens=info.tokens,
    )


def token_out(info: TokenInfo) -> TokenOut:
    return TokenOut(
        id=info.id,
        username=info.username,
        name=info.name,
        created_at=info.created_at.isoformat(),
        revoked_at=info.revoked_at.isoformat() if info.revoked_at else None,
    )
