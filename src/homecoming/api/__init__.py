"""The JSON API: one router per resource, mounted by `homecoming.app` beside the web UI."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI

from homecoming.api.routers import (
    agreements,
    audit,
    auth,
    cases,
    crossing,
    exchange_day,
    handovers,
    health,
    history,
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
    wounded,
)
from homecoming.http.guard import unguarded

# Routes anyone may call; every other route must name a capability (checked at start-up).
PUBLIC_PATHS = frozenset({"/health", "/auth/login"})

ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
    for module in (
        health,
        auth,
        persons,
        history,
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
        crossing,
        wounded,
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


def install(app: FastAPI) -> None:
    """Mount every router of the API, refusing to start if a route names no capability."""
    refuse_unguarded_routes(ROUTERS)
    for router in ROUTERS:
        app.include_router(router)


def refuse_unguarded_routes(routers: Iterable[APIRouter]) -> None:
    """Fail at start-up when a route outside PUBLIC_PATHS names no capability."""
    missing = unguarded((route for router in routers for route in router.routes), PUBLIC_PATHS)
    if missing:
        raise RuntimeError(
            f"routes without a capability: {missing}; add requires(Capability...) to them"
        )
