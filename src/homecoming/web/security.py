"""Who is looking at a page, and may they: the API's session cookie, capabilities and CSRF.

Pages use the same signed session cookie as the API (`http/cookies.py`) and the same table of
capabilities (`domain/roles.py`); `page_requires(Capability.X)` is `http.guard.requires`
for pages (it subclasses `Requires`, so start-up and the tests see which capability a page needs).
Differences, because a browser form is not a script: the CSRF token travels in a hidden
`csrf_token` field (or htmx's `X-CSRF-Token` header), and a missing or ended session sends
the browser to the login page instead of answering 401.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request

from homecoming.domain.roles import Capability, allows
from homecoming.errors import Forbidden, Unauthorized
from homecoming.http import cookies
from homecoming.http.deps import DatabaseDep, SettingsDep, session_secret
from homecoming.http.guard import Requires
from homecoming.services import users
from homecoming.services.users import Principal

CSRF_FIELD = "csrf_token"
# Before login there is no session to bind a token to: the login form carries a random
# value that must equal this cookie's (and a cross-site post is refused outright).
LOGIN_CSRF_COOKIE = "login_csrf"


class LoginRequired(Unauthorized):
    """No live session: the page handler sends the browser to the login page."""

    def __init__(self, message: str, *, next_path: str) -> None:
        super().__init__(message)
        self.next_path = next_path


def login_url(next_path: str) -> str:
    """The login page, coming back to `next_path` afterwards."""
    return f"/ui/login?next={quote(safe_next(next_path), safe='/')}"


def safe_next(path: str | None, *, login: bool = False) -> str:
    """A local UI path to return to; anything else (another site, //host) is the dashboard.

    The login page itself is a target only when asked for (the language switch on it).
    """
    if not path or not path.startswith("/ui/") or any(s in path for s in ("\\", "//", "/..")):
        return "/ui/"
    if path.startswith("/ui/login") and not login:
        return "/ui/"
    return path


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


async def _page_user(request: Request, db: DatabaseDep, settings: SettingsDep) -> Principal:
    """The user of a live session; unsafe methods must also carry the session's CSRF token."""
    secret = session_secret(request, settings)
    here = _here(request) if request.method in cookies.SAFE_METHODS else "/ui/"
    if secret is None:
        raise LoginRequired("log in to continue", next_path=here)
    if request.method not in cookies.SAFE_METHODS:
        await check_form_csrf(request, cookies.csrf_token(settings.secret_key, secret))
    try:
        return users.authenticate_session(db, secret)
    except Unauthorized as ended:
        raise LoginRequired(ended.message, next_path=here) from ended


async def check_form_csrf(request: Request, expected: str) -> None:
    """Refuse a form (or htmx request) whose token is not this session's."""
    given = request.headers.get(cookies.CSRF_HEADER, "")
    if not given:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden(
            "this form has expired or did not come from Homecoming's own pages: "
            "reload the page and send it again"
        )


PageUser = Annotated[Principal, Depends(_page_user)]


class _PageRequires(Requires):
    """`requires` for pages: the same capability check over the page's session user."""

    async def __call__(self, user: PageUser) -> Principal:
        if not allows(user.role, self.capability):
            raise Forbidden(
                f"a {user.role.value} may not use this page ({self.capability.value}); "
                "an administrator can change your role"
            )
        return user


def page_requires(capability: Capability) -> Any:
    """`user: Annotated[Principal, page_requires(Capability.X)]` on a page route."""
    return Depends(_PageRequires(capability))


def page_csrf(request: Request, key: str) -> str:
    """The CSRF token for this browser's session ('' when logged out)."""
    cookie = request.cookies.get(cookies.SESSION_COOKIE)
    secret = cookies.session_secret(key, cookie) if cookie else None
    return cookies.csrf_token(key, secret) if secret else ""


def new_login_token() -> str:
    """A fresh random value for the login form and its cookie."""
    return secrets.token_urlsafe(24)


def check_login_csrf(request: Request, given: str) -> None:
    """Refuse a login posted from another site, or without the login form's own token."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden("log in from Homecoming's own pages, not from another site")
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden(
            "the login form has expired (or cookies are blocked): reload the page and try again"
        )
