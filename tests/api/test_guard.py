"""The API's guard (`http/guard.py`): the user and the capability check in one dependency, which
the OpenAPI document still reads as both authentication schemes."""

from __future__ import annotations

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from homecoming.api import ROUTERS
from homecoming.http.guard import Requires, route_capabilities


def test_a_guarded_route_solves_its_user_as_one_dependency_and_names_both_schemes(
    app_client: TestClient,
) -> None:
    # FastAPI's solving of each dependency costs more than most of them do: the guard reads the
    # bearer token itself, and only the session cookie's scheme is solved under it.
    routes = [
        route
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and route_capabilities(route)
    ]
    assert len(routes) > 100
    for route in routes:
        guards = [d for d in route.dependant.dependencies if _is_guard(d)]
        assert len(guards) == 1, route.path
        (cookie,) = guards[0].dependencies
        assert cookie.dependencies == [], route.path
    # The OpenAPI document still names both schemes on every guarded operation, in this order.
    document = app_client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "description": "A token from `homecoming users token`",
        "scheme": "bearer",
    }
    assert schemes["APIKeyCookie"]["in"] == "cookie"
    guarded = {route.path for route in routes}
    both = [{"HTTPBearer": []}, {"APIKeyCookie": []}]
    for path, operations in document["paths"].items():
        for method, spec in operations.items():
            assert spec.get("security") == (both if path in guarded else None), (path, method)


def _is_guard(dependant: Dependant) -> bool:
    return isinstance(dependant.call, Requires)
