"""The one entry point over HTTP: one FastAPI app that mounts the API and the web UI.

Both edges share `homecoming.http` (dependencies, cookies and CSRF, the capability guard,
problem details) and neither imports the other: this module builds the app and mounts both.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from homecoming import __version__, api, web
from homecoming.http import problems
from homecoming.http.marks import MarksReader
from homecoming.services import leads as tracing_leads
from homecoming.services.search import SNAPSHOT_NAME, SearchService
from homecoming.services.tokens import PrincipalCache
from homecoming.settings import SERVE_SETTINGS_VARIABLE, Settings
from homecoming.store.db import Database


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for these settings; /docs and /openapi.json describe it."""
    settings = settings or Settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="Homecoming",
        version=__version__,
        description="Registry, exchange lists and tracing for staged prisoner exchanges. "
        "Every route but /health and /auth/login needs a user: a session cookie from "
        "POST /auth/login (writes also send X-CSRF-Token), or `Authorization: Bearer <token>`.",
    )
    app.state.settings = settings
    app.state.follows_the_store = False  # a server's worker does (`served_app`)
    app.state.db = Database(settings.effective_database_url)
    app.state.search = SearchService(
        app.state.db, snapshot=settings.data_dir / SNAPSHOT_NAME, warm=True
    )
    app.state.principals = PrincipalCache(app.state.db)
    app.state.marks = MarksReader(app.state.db)  # each request's audit marks, one read shared
    tracing_leads.subscribe(app.state.db, app.state.search)  # landed records re-match, one index
    problems.install(app)
    app.add_middleware(_Requests, search=app.state.search)
    api.install(app)  # the routes
    web.install(app)  # the pages under /ui, after the problem handlers, which it wraps
    return app


class _Requests:
    """Tells the search service of each request, so its background warm-up gives way."""

    def __init__(self, app: ASGIApp, search: SearchService) -> None:
        self.app = app
        self.search = search

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.search.in_use()
        await self.app(scope, receive, send)


def served_app() -> FastAPI:
    """The app of one `homecoming serve` worker, for the settings the command passed on."""
    given = os.environ.get(SERVE_SETTINGS_VARIABLE)
    app = create_app(Settings.model_validate_json(given) if given else None)
    # The drainer process `homecoming serve` runs re-matches what lands, after the responses.
    app.state.db.leave_to_drainer()
    app.state.search.freeze_when_warm = True  # a process of its own (SearchService._warm_up)
    # The index loads (from the snapshot serve saved) in the background: no search waits long.
    threading.Thread(target=app.state.search.index, daemon=True).start()
    # And follows the store, searches or not, while it serves (`_lifespan`): an erasure
    # leaves this worker's memory too.
    app.state.follows_the_store = True
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    following = app.state.search.follow() if app.state.follows_the_store else None
    yield
    if following is not None:
        following.set()
    app.state.marks.close()
    app.state.db.dispose()
