"""Routing: a router answers no at once for a path outside its prefix (`http/routing.py`), and
every route is still found where it was."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Match

from homecoming.api import ROUTERS
from homecoming.api.routers import handovers
from homecoming.web import PAGE_ROUTERS


def test_a_path_outside_a_routers_prefix_asks_none_of_its_routes(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    before = ROUTERS[: ROUTERS.index(handovers.router)]
    for router in before:
        if not router.prefix or handovers.router.prefix.startswith(router.prefix):
            continue
        for route in router.routes:
            if isinstance(route, APIRoute):
                monkeypatch.setattr(route, "matches", _watched(route, asked))
    answer = app_client.post("/handovers", json={})
    assert answer.status_code == 401  # found, then refused: no token
    assert asked == []


def _watched(route: APIRoute, asked: list[str]) -> Any:
    matches = route.matches

    def watched(scope: Any) -> tuple[Match, Any]:
        asked.append(route.path)
        return matches(scope)

    return watched


def test_every_route_is_found_by_its_router(app_client: TestClient) -> None:
    """Each route of the API and the UI, asked for with its own path and method (a path
    parameter given as 1), is taken by the router it belongs to."""
    included = {
        id(getattr(route, "original_router", None)): route
        for route in app_client.app.router.routes  # type: ignore[attr-defined]
    }
    for router in (*ROUTERS, *PAGE_ROUTERS):
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            for method in route.methods or ():
                scope = {"type": "http", "path": path, "root_path": "", "method": method}
                match, _ = included[id(router)].matches(scope)
                assert match is Match.FULL, (method, path)
