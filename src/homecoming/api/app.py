"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from homecoming import __version__
from homecoming.api import problems
from homecoming.api.routers import audit, health, persons, search, sources
from homecoming.services.search import SNAPSHOT_NAME, SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for these settings; /docs and /openapi.json describe it."""
    settings = settings or Settings()
    app = FastAPI(
        title="Homecoming",
        version=__version__,
        description="Registry, exchange lists and tracing for staged prisoner exchanges.",
    )
    app.state.settings = settings
    app.state.db = Database(settings.effective_database_url)
    app.state.search = SearchService(app.state.db, snapshot=settings.data_dir / SNAPSHOT_NAME)
    problems.install(app)
    for module in (health, persons, search, sources, audit):
        app.include_router(module.router)
    return app
