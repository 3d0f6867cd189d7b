"""Every route × every role: allowed answers 2xx (or 404), denied 403, anonymous 401.

The expected table is written out here and in `access_*.py` beside this file (one per
feature), independently of `domain/roles.py`; a route that appears in the app but in no
table fails the test, so new routes must be added.
"""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from homecoming.api import PUBLIC_PATHS, ROUTERS, refuse_unguarded_routes
from homecoming.domain.roles import ACCESS, READ_ONLY, Capability, Role, allows
from homecoming.http.guard import route_capabilities

from .access_admin import ADMIN_ROUTES
from .access_exchanges import EXCHANGE_ROUTES
from .access_remains import REMAINS_ROUTES
from .access_review import REVIEW_ROUTES
from .access_tables import AUDIT, EVERYONE, RouteTable
from .access_tracing import TRACING_ROUTES

# (method, path): (who may call it, the request to send, what an allowed caller gets)
ROUTES: RouteTable = {
    ("GET", "/auth/me"): (EVERYONE, "/auth/me", 200),
    ("POST", "/auth/logout"): (EVERYONE, "/auth/logout", 204),
    ("GET", "/persons"): (EVERYONE, "/persons", 200),
    ("GET", "/persons/{person_id}"): (EVERYONE, "/persons/{shared}", 200),
    ("GET", "/search"): (EVERYONE, "/search?q=Oleksandr+Nekhir", 200),
    ("GET", "/sources"): (EVERYONE, "/sources", 200),
    ("GET", "/audit/verify"): (AUDIT, "/audit/verify", 200),
    ("GET", "/disclosures"): (AUDIT, "/disclosures", 200),
    ("GET", "/access-review"): (AUDIT, "/access-review", 200),
    **ADMIN_ROUTES,
    **REVIEW_ROUTES,
    **EXCHANGE_ROUTES,
    **TRACING_ROUTES,
    **REMAINS_ROUTES,
}


def _guarded_routes() -> list[APIRoute]:
    return [
        route
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and route.path not in PUBLIC_PATHS
    ]


def test_the_table_names_every_guarded_route() -> None:
    found = {(method, route.path) for route in _guarded_routes() for method in route.methods or ()}
    assert found == set(ROUTES)


@pytest.mark.parametrize(("method", "path"), list(ROUTES))
def test_route_by_role(
    app_client: TestClient,
    two_parties: dict[str, int],
    tokens: dict[str, str],
    accounts: tuple[tuple[str, Role, str | None], ...],
    method: str,
    path: str,
) -> None:
    allowed, url, ok = ROUTES[(method, path)]
    url = url.format(**two_parties)
    anonymous = app_client.request(method, url)
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers["content-type"] == "application/problem+json"
    wrong = []
    for username, role, _party in accounts:
        response = app_client.request(
            method, url, headers={"Authorization": f"Bearer {tokens[username]}"}
        )
        expected = ok if role in allowed else 403
        if response.status_code != expected:
            wrong.append((username, response.status_code, expected, response.text[:200]))
    assert not wrong, wrong


def test_roles_table_matches_the_expected_routes() -> None:
    for route in _guarded_routes():
        (capability,) = route_capabilities(route)
        for method in route.methods or ():
            assert ACCESS[capability] == ROUTES[(method, route.path)][0], route.path


def test_contacts_and_read_only_roles() -> None:
    assert {r for r in Role if allows(r, Capability.CONTACTS_READ)} == {
        Role.ADMINISTRATOR,
        Role.FAMILY_LIAISON,
    }
    assert all(c in READ_ONLY for c in Capability if allows(Role.AUDITOR, c))


def test_a_route_without_a_capability_stops_the_app() -> None:
    router = APIRouter(prefix="/exchanges")

    @router.get("/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="/exchanges/forgotten"):
        refuse_unguarded_routes([*ROUTERS, router])


def test_public_routes_need_no_user(app_client: TestClient) -> None:
    assert app_client.get("/health").status_code == 200
    assert app_client.get("/openapi.json").status_code == 200
    assert app_client.get("/docs").status_code == 200
