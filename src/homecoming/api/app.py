"""The FastAPI application factory."""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from homecoming import __version__, web
from homecoming.api import problems
from homecoming.api.deps import PUBLIC_PATHS, route_capabilities
from homecoming.api.routers import (
    agreements,
    audit,
    auth,
    cases,
    exchange_day,
    handovers,
    health,
    inquiries,
    judgements,
    leads,
    lists,
    names,
    notifications,
    parties,
    persons,
    privacy,
    reconciliation,
    records,
    remains,
    review,
    search,
    sources,
    stages,
    testimonies,
    users,
)
from homecoming.services import leads as tracing_leads
from homecoming.services.search import SNAPSHOT_NAME, SearchService
from homecoming.services.tokens import PrincipalCache
from homecoming.settings import SERVE_SETTINGS_VARIABLE, Settings
from homecoming.store.db import Database

ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
    for module in (
        health,
        auth,
        persons,
        records,
        search,
        names,
        parties,
        sources,
        review,
        judgements,
        agreements,
        lists,
        stages,
        exchange_day,
        handovers,
        reconciliation,
        inquiries,
        testimonies,
        leads,
        notifications,
        cases,
        remains,
        audit,
        privacy,
        users,
    )
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for these settings; /docs and /openapi.json describe it."""
    settings = settings or Settings()
    app = FastAPI(
        lifespan=_closing_the_database,
        title="Homecoming",
        version=__version__,
        description="Registry, exchange lists and tracing for staged prisoner exchanges. "
        "Every route but /health and /auth/login needs a user: a session cookie from "
        "POST /auth/login (writes also send X-CSRF-Token), or `Authorization: Bearer <token>`.",
    )
    app.state.settings = settings
    app.state.db = Database(settings.effective_database_url)
    app.state.search = SearchService(
        app.state.db, snapshot=settings.data_dir / SNAPSHOT_NAME, warm=True
    )
    app.state.principals = PrincipalCache(app.state.db)
    tracing_leads.use_search_service(app.state.db, app.state.search)  # tracing shares the one index
    problems.install(app)
    refuse_unguarded_routes(ROUTERS)
    for router in ROUTERS:
        app.include_router(router)
    web.install(app)  # the pages under /ui, after the API so its error handlers are in place
    return app


def served_app() -> FastAPI:
    """The app of one `homecoming serve` worker, for the settings the command passed on."""
    given = os.environ.get(SERVE_SETTINGS_VARIABLE)
    app = create_app(Settings.model_validate_json(given) if given else None)
    # The index loads (from the snapshot serve saved) in the background: no search waits long.
    threading.Thread(target=app.state.search.index, daemon=True).start()
    return app


@asynccontextmanager
async def _closing_the_database(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.db.dispose()


def refuse_unguarded_routes(routers: Iterable[APIRouter]) -> None:
    """Fail at start-up when a route outside PUBLIC_PATHS names no capability."""
    unguarded = [
        route.path
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        and route.path not in PUBLIC_PATHS
        and not route_capabilities(route)
    ]
    if unguarded:
        raise RuntimeError(
            f"routes without a capability: {unguarded}; add requires(Capability...) to them"
        )
