"""Dependencies of the API's routes and the UI's pages, as Annotated aliases.

The request's database, settings and search index (set on `app.state` by `homecoming.app`), the
user of a bearer token or a session cookie (`current_user`), and the id path parameters.
`guard.requires(capability)` checks what that user may do.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import APIKeyCookie, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from homecoming.errors import Unauthorized
from homecoming.http import cookies
from homecoming.http.marks import marks_of
from homecoming.services.search import SearchService
from homecoming.services.tokens import PrincipalCache
from homecoming.services.users import Principal
from homecoming.settings import Settings
from homecoming.store.db import Database

# Sent with every file of personal data (a family's photo): never cached, never sniffed into
# another type than the one sent.
PERSONAL_FILE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


# The dependencies below are async where they do no I/O (or only the cheap reads of the
# principal cache): FastAPI runs a plain `def` dependency in a worker thread, and each such
# hop costs more than the dependency itself.
async def _database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _search(request: Request) -> SearchService:
    service: SearchService = request.app.state.search
    return service


# Row ids in paths: positive and within a 32-bit integer, as both databases store them.
MAX_ID = 2_147_483_647
_FIRST = {"first": {"summary": "the first one", "value": 1}}
IdPath = Annotated[
    int, Path(ge=1, le=MAX_ID, description="A row id", examples=[1], openapi_examples=_FIRST)
]
StageNumber = Annotated[
    int,
    Path(
        ge=1,
        le=1000,
        description="The stage's number within its agreement",
        examples=[1],
        openapi_examples=_FIRST,
    ),
]

DatabaseDep = Annotated[Database, Depends(_database)]
SettingsDep = Annotated[Settings, Depends(_settings)]
SearchDep = Annotated[SearchService, Depends(_search)]


# Declared so that /docs offers "Authorize" and the OpenAPI document names both schemes: the
# session cookie as a dependency, the bearer scheme by the guard itself (`http/guard.py`).
BEARER = HTTPBearer(auto_error=False, description="A token from `homecoming users token`")
_SESSION = APIKeyCookie(
    name=cookies.SESSION_COOKIE, auto_error=False, description="Set by POST /auth/login"
)
SessionCookieDep = Annotated[str | None, Depends(_SESSION)]


def _principals(request: Request) -> PrincipalCache:
    cache: PrincipalCache = request.app.state.principals
    return cache


def bearer_token(request: Request) -> str | None:
    """The credentials of an `Authorization: Bearer …` header, as `HTTPBearer` reads them
    (None without one, or for another scheme)."""
    scheme, credentials = get_authorization_scheme_param(request.headers.get("authorization"))
    if not (scheme and credentials) or scheme.lower() != "bearer":
        return None
    return credentials


async def current_user(request: Request, bearer: str | None) -> Principal:
    """A bearer token, else a signed session cookie (with the CSRF check on unsafe methods).

    In the event loop: a remembered principal costs the authentication mark, read off the
    loop and shared with the requests waiting at the same time (`http/marks.py`).
    The settings are read off the app, not solved as a dependency of their own: every guarded
    request solves this one, and FastAPI's solving of each dependency costs more than the read.
    """
    if bearer is not None and bearer.strip():
        mark = (await marks_of(request)).authentication
        return _principals(request).token(bearer.strip(), mark=mark)
    if "authorization" in request.headers:
        raise Unauthorized("send an API token as `Authorization: Bearer <token>`")
    settings: Settings = request.app.state.settings
    secret = session_secret(request, settings)
    if secret is None:
        raise Unauthorized(
            "log in (POST /auth/login) or send an API token as `Authorization: Bearer <token>`"
        )
    if request.method not in cookies.SAFE_METHODS:
        cookies.check_csrf(request, settings.secret_key, secret)
    mark = (await marks_of(request)).authentication
    return _principals(request).session(secret, mark=mark)


def session_secret(request: Request, settings: Settings) -> str | None:
    """The secret in a validly signed session cookie, if the request carries one."""
    cookie = request.cookies.get(cookies.SESSION_COOKIE)
    return cookies.session_secret(settings.secret_key, cookie) if cookie else None
