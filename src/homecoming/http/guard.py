"""The capability guard: `requires(Capability.X)` lets through only users whose role holds it.

The API's routes and the UI's pages name their capability with it (the UI's `page_requires`
is the same check over the page's session user); `route_capabilities` reads it back, so that
start-up refuses an unguarded route and the tests build the route × role table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security.base import SecurityBase

from homecoming.domain.roles import Capability, allows
from homecoming.errors import Forbidden
from homecoming.http.deps import BEARER, SessionCookieDep, bearer_token, current_user
from homecoming.services.users import Principal


class Requires:
    """A dependency that lets through only users whose role holds `capability`: the API's
    (`requires`) and the pages' (`web.security.page_requires`) are its subclasses."""

    def __init__(self, capability: Capability) -> None:
        self.capability = capability


class _Guard(Requires, SecurityBase):
    """`requires` for the API: the request's user (`deps.current_user`) and the check, in one
    dependency.

    FastAPI's solving of each dependency costs more than what most of them do, on every
    request: this one is solved with one dependency under it (the session cookie's scheme)
    where the user as a dependency of its own and its two schemes were four. For the OpenAPI
    document it is the bearer scheme itself (`deps.BEARER`'s model and name), so every route
    still names both schemes, in the same order.
    """

    def __init__(self, capability: Capability) -> None:
        super().__init__(capability)
        self.model = BEARER.model
        self.scheme_name = BEARER.scheme_name

    async def __call__(self, request: Request, _cookie: SessionCookieDep) -> Principal:
        user = await current_user(request, bearer_token(request))
        if not allows(user.role, self.capability):
            raise Forbidden(
                f"a {user.role.value} may not use this ({self.capability.value}); "
                "an administrator can change your role"
            )
        return user


def requires(capability: Capability) -> Any:
    """`user: Annotated[Principal, requires(Capability.X)]`, or in a router's dependencies."""
    return Depends(_Guard(capability))


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
