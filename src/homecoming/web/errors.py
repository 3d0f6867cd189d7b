"""Errors on pages: a friendly page with the error's own message, or back to the login page."""

from __future__ import annotations

import contextlib
import json

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from homecoming.errors import HomecomingError, InvalidInput, RowProblem, Unauthorized
from homecoming.http.deps import session_secret
from homecoming.services import users
from homecoming.services.users import Principal
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.web.labels import N_
from homecoming.web.security import LoginRequired, login_url
from homecoming.web.templating import render

# The page's heading per status (the message itself comes from the error).
TITLES: dict[int, str] = {
    400: N_("The request could not be used"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    409: N_("Conflict"),
    422: N_("Some input was not valid"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}


def page_error(request: Request, error: HomecomingError) -> Response:
    """The answer a page gives for an error: the login page for 401, else an error page."""
    if isinstance(error, Unauthorized):
        target = error.next_path if isinstance(error, LoginRequired) else "/ui/"
        url = login_url(target)
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)
    status, message, problems = _described(error)
    response = _error_page(request, status, message, problems)
    for name, value in (getattr(error, "headers", None) or {}).items():
        response.headers[name] = value
    return response


def page_from_problem(request: Request, answer: Response) -> Response:
    """The API's problem document for an error, shown as a page with its status and detail."""
    try:
        body = json.loads(bytes(answer.body))
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    found = body.get("errors")
    errors: list[object] = found if isinstance(found, list) else []
    problems = [
        RowProblem(int(e.get("line") or 0), str(e.get("field", "")), str(e.get("reason", "")))
        for e in errors
        if isinstance(e, dict)
    ]
    message = str(body.get("detail") or body.get("title") or "")
    status = answer.status_code
    response = _error_page(request, status, message, problems)
    for name in ("Allow", "Retry-After", "X-Request-ID"):
        if name in answer.headers:
            response.headers[name] = answer.headers[name]
    return response


def _error_page(
    request: Request, status: int, message: str, problems: list[RowProblem]
) -> Response:
    title = TITLES.get(status, TITLES[400] if status < 500 else TITLES[500])
    return render(
        request,
        "error.html",
        user=_user_if_any(request),
        status=status,
        title=title,
        message=message,
        problems=problems,
    )


def _described(error: HomecomingError) -> tuple[int, str, list[RowProblem]]:
    problems = error.problems if isinstance(error, InvalidInput) else []
    return error.status_code, error.message, problems


def _user_if_any(request: Request) -> Principal | None:
    """Who is logged in, for the header of the error page; None when nobody (or unknown)."""
    settings: Settings = request.app.state.settings
    db: Database = request.app.state.db
    secret = session_secret(request, settings)
    if secret is None:
        return None
    with contextlib.suppress(HomecomingError):
        return users.authenticate_session(db, secret)
    return None
