"""Dependencies of the routes, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from homecoming.services.search import SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database


def _database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _search(request: Request) -> SearchService:
    service: SearchService = request.app.state.search
    return service


DatabaseDep = Annotated[Database, Depends(_database)]
SettingsDep = Annotated[Settings, Depends(_settings)]
SearchDep = Annotated[SearchService, Depends(_search)]
