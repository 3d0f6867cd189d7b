"""Log in, log out, pick a language."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from homecoming.domain.roles import Capability
from homecoming.errors import HomecomingError
from homecoming.http import cookies
from homecoming.http.deps import DatabaseDep, SettingsDep, session_secret
from homecoming.http.routing import Router
from homecoming.services import users
from homecoming.services.users import Principal
from homecoming.web.i18n import LANG_COOKIE, LANGUAGES
from homecoming.web.security import (
    LOGIN_CSRF_COOKIE,
    check_login_csrf,
    new_login_token,
    page_requires,
    safe_next,
)
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
LANG_COOKIE_AGE = 365 * 24 * 3600


@router.get("/login")
def login_page(request: Request, next: str = "/ui/") -> HTMLResponse:
    """The login form (in the browser's language until the user picks one)."""
    return _login_form(request, next_path=safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/ui/",
) -> Response:
    """Check the password, set the session cookies and go where the user was heading."""
    check_login_csrf(request, csrf_token)
    target = safe_next(next)
    if not username.strip() or not password:
        return _login_form(request, next_path=target, username=username, error="missing")
    client = request.client.host if request.client else "unknown"
    try:
        done = await run_in_threadpool(  # Argon2 is slow on purpose: off the event loop
            lambda: users.login(
                db,
                username=username.strip(),
                password=password,
                client=client,
                hasher=users.password_hasher(settings),
                policy=users.LoginPolicy.of(settings),
            )
        )
    except HomecomingError as refused:
        status = refused.status_code
        kind = "throttled" if status == 429 else "wrong"
        return _login_form(request, next_path=target, username=username, error=kind, status=status)
    response = RedirectResponse(target, status_code=303)
    cookies.set_cookies(
        response,
        request,
        key=settings.secret_key,
        secret=done.secret,
        age=settings.session_max_age_seconds,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/ui/login")
    return response


@router.post("/logout")
def logout(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    _user: Annotated[Principal, page_requires(Capability.ACCOUNT_SELF)],
) -> Response:
    """End this session for good and return to the login page."""
    secret = session_secret(request, settings)
    if secret is not None:
        users.logout(db, secret=secret)
    response = RedirectResponse("/ui/login", status_code=303)
    cookies.clear_cookies(response, request)
    return response


@router.get("/lang")
def pick_language(
    request: Request,
    to: Annotated[str, Query(max_length=8)] = "uk",
    next: str = "/ui/",
) -> Response:
    """Remember the language picked (a cookie) and go back to the page."""
    target = safe_next(next, login=True)
    response = RedirectResponse(target, status_code=303)
    if to in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            to,
            max_age=LANG_COOKIE_AGE,
            samesite="lax",
            secure=request.url.scheme == "https",
            httponly=True,
        )
    return response


def _login_form(
    request: Request,
    *,
    next_path: str,
    username: str = "",
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    token = new_login_token()
    response = render(
        request,
        "login.html",
        user=None,
        status=status,
        next_path=next_path,
        username=username,
        error=error,
        login_token=token,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/ui/login",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response
