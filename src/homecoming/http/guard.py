"""The capability guard: `requires(Capability.X)` lets through only users whose role holds it.

The API's routes and the UI's pages name their capability with it (the UI's `page_requires`
is the same check over the page's session user); `route_capabilities` reads it back, so that
start-up refuses an unguarded route and the tests build the route × role table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import Depends
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from homecoming.domain.roles import Capability, allows
from homecoming.errors import Forbidden
from homecoming.http.deps import CurrentUser
from homecoming.services.users import Principal


class Requires:
    """A dependency that lets through only users whose role holds `capability`."""

    def __init__(self, capability: Capability) -> None:
        self.capability = capability

    async def __call__(self, user: CurrentUser) -> Principal:
        if not allows(user.role, self.capability):
            raise Forbidden(
                f"a {user.role.value} may not use this ({self.capability.value}); "
                "an administrator can change your role"
            )
        return user


def requires(capability: Capability) -> Any:
    """`user: Annotated[Principal, requires(Capability.X)]`, or in a router's dependencies."""
    return Depends(Requires(capability))


def route_capabilities(route: APIRoute) -> set[Capability]:
    """The capabilities a route requires, found in its dependency tree."""
    return {call.capability for call in _calls(route.dependant) if isinstance(call, Requires)}


def unguarded(routes: Iterable[object], public: frozenset[str]) -> list[str]:
    """The paths of those routes, outside `public`, that name no capability."""
    return [
        route.path
        for route in routes
        if isinstance(route, APIRoute)
        and route.path not in public
        and not route_capabilities(route)
    ]


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)
