"""The web UI: server-rendered pages (Jinja2 + htmx) under /ui, in Ukrainian and English.

`install(app)` mounts the pages, their static files, and the error pages; every page names
its capability with `page_requires` (refused at start-up otherwise). The HTML routes are
left out of the OpenAPI document, which describes the API only.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from homecoming.errors import HomecomingError
from homecoming.http.guard import unguarded
from homecoming.web.errors import page_error, page_from_problem
from homecoming.web.pages import (
    account,
    audit,
    cases,
    crossing,
    dashboard,
    exchange_day,
    exchange_stages,
    exchanges,
    family,
    family_push,
    gallery,
    imports,
    privacy,
    registry,
    remains,
    review,
    tracing,
    wounded,
)
from homecoming.web.templating import STATIC, STATIC_PREFIX

PREFIX = "/ui"
# Pages anyone may open: the login form, the language switch, and the family page (its own
# reference-and-code check, services/family.py).
PUBLIC_PAGES = frozenset(
    {
        "/ui/login",
        "/ui/lang",
        "/family",
        "/family/case",
        "/family/leave",
        "/family/lang",
        "/family/contacts",
        "/family/consent",
        "/family/sw.js",
        "/family/push",
        "/family/push/{subscription_id}/remove",
    }
)
Handler = Callable[[Request, Any], Awaitable[Response] | Response]


# One router per area, each under /ui and outside the OpenAPI document.
PAGE_ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
    for module in (
        account,
        dashboard,
        registry,
        wounded,
        imports,
        exchanges,
        exchange_stages,
        crossing,
        exchange_day,
        review,
        tracing,
        gallery,
        cases,
        privacy,
        remains,
        audit,
        family,
        family_push,
    )
)


def page_routes() -> list[APIRoute]:
    """Every page route of the UI."""
    return [r for router in PAGE_ROUTERS for r in router.routes if isinstance(r, APIRoute)]


def install(app: FastAPI) -> None:
    """Mount the UI into the API's app: pages, static files, `/` → the dashboard, error pages."""
    refuse_unguarded_pages(page_routes())
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC), name="ui-static")
    app.add_api_route("/", _to_dashboard, include_in_schema=False)
    # Every error handler the API installed (problems.install) keeps answering the API; on
    # /ui the same error becomes a page. FastAPI's defaults stand in where none is installed.
    app.exception_handlers.setdefault(StarletteHTTPException, http_exception_handler)
    app.exception_handlers.setdefault(RequestValidationError, request_validation_exception_handler)
    for error_type, api_handler in list(app.exception_handlers.items()):
        if isinstance(error_type, type):
            app.add_exception_handler(error_type, _page_or_api(api_handler))


def _page_or_api(api_handler: Handler) -> Handler:
    """Errors on /ui become pages (from the API's own problem document); elsewhere unchanged."""

    async def handle(request: Request, error: Exception) -> Response:
        on_page = request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/")
        if on_page and isinstance(error, HomecomingError):
            return page_error(request, error)
        answer = api_handler(request, error)
        response: Response = await answer if inspect.isawaitable(answer) else answer
        return page_from_problem(request, response) if on_page else response

    return handle


async def _to_dashboard() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


def refuse_unguarded_pages(routes: Iterable[object]) -> None:
    """Fail at start-up when a page outside PUBLIC_PAGES names no capability."""
    missing = unguarded(routes, PUBLIC_PAGES)
    if missing:
        raise RuntimeError(f"pages without a capability: {missing}; add page_requires(...)")
