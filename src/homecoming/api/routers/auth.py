"""/auth: log in with a password (session cookie), log out, and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from homecoming.api.schemas import GUARDED, LoggedIn, LoginForm, Me, problem
from homecoming.domain.roles import Capability, capabilities_of
from homecoming.errors import Forbidden, InvalidInput, RowProblem
from homecoming.http import cookies
from homecoming.http.deps import DatabaseDep, SettingsDep, session_secret
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import users
from homecoming.services.users import Principal

router = Router(prefix="/auth", tags=["auth"])

_LOGIN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LoginForm.model_json_schema()},
            "application/x-www-form-urlencoded": {"schema": LoginForm.model_json_schema()},
        },
    }
}


@router.post(
    "/login",
    openapi_extra=_LOGIN_BODY,
    responses={
        401: problem("Wrong username or password"),
        403: problem("A login posted from another site"),
        422: problem("No username or password"),
        429: problem("Too many failed logins from this address: wait Retry-After seconds"),
    },
)
async def login(
    request: Request, response: Response, db: DatabaseDep, settings: SettingsDep
) -> LoggedIn:
    """Check the password and set the session cookie (HttpOnly) and the `csrf` cookie."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        # Another site's form would log this browser in as someone else (login CSRF).
        raise Forbidden("log in from Homecoming's own pages, not from another site")
    form = await _login_form(request)
    client = request.client.host if request.client else "unknown"
    done = await run_in_threadpool(  # Argon2 is slow on purpose: keep it off the event loop
        lambda: users.login(
            db,
            username=form.username,
            password=form.password,
            client=client,
            hasher=users.password_hasher(settings),
            policy=users.LoginPolicy.of(settings),
        )
    )
    csrf = cookies.set_cookies(
        response,
        request,
        key=settings.secret_key,
        secret=done.secret,
        age=settings.session_max_age_seconds,
    )
    return LoggedIn(**_me(done.principal).model_dump(), csrf_token=csrf)


@router.post("/logout", status_code=204, responses=GUARDED)
def logout(
    request: Request,
    response: Response,
    db: DatabaseDep,
    settings: SettingsDep,
    _user: Annotated[Principal, requires(Capability.ACCOUNT_SELF)],
) -> None:
    """End this browser session and clear its cookies (API tokens are revoked by the CLI)."""
    secret = session_secret(request, settings)
    if secret is not None:
        users.logout(db, secret=secret)
    cookies.clear_cookies(response, request)


@router.get("/me", responses=GUARDED)
def me(user: Annotated[Principal, requires(Capability.ACCOUNT_SELF)]) -> Me:
    """Who is asking, with their role, party and capabilities."""
    return _me(user)


async def _login_form(request: Request) -> LoginForm:
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("application/json"):
            return LoginForm.model_validate_json(await request.body())
        fields = await request.form()
        return LoginForm.model_validate({k: v for k, v in fields.items() if isinstance(v, str)})
    except ValidationError as error:
        raise InvalidInput(
            "send a username and a password, as JSON or as a form",
            [
                RowProblem(0, ".".join(["body", *map(str, e["loc"])]), e["msg"])
                for e in error.errors()
            ],
        ) from error


def _me(user: Principal) -> Me:
    return Me(
        username=user.username,
        display_name=user.display_name,
        role=user.role.value,
        party=user.party,
        capabilities=[c.value for c in capabilities_of(user.role)],
        via=user.via,
    )
