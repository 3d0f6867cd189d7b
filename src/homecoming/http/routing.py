"""The routers of the API and the UI: each tells at once that a path outside its prefix is
none of its routes.

The app finds a request's route by asking each included router in turn, and FastAPI's router
asks every route of its own (a pattern match each) before it answers no: `POST /handovers`,
whose router is the sixteenth, was compared with the hundred or so routes before it (130 µs of
a request, measured in process; the pages under /ui with every route of the API). Every route
of a router starts with its prefix, so a path that does not is answered at once. The answer
for a path under the prefix is FastAPI's, as before.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.routing import Match
from starlette.types import Scope


class Router(APIRouter):
    """An APIRouter that answers no at once for a path outside its prefix.

    For a router included at the app's root without a prefix of the include's own (as
    `api.install` and `web.install` include theirs): its routes' paths then start with its
    prefix as the request's path (less the root path) does.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self.prefix and not _route_path(scope).startswith(self.prefix):
            return Match.NONE, {}
        return super().matches(scope)


def _route_path(scope: Scope) -> str:
    """The request's path less the root path it is served under (as Starlette's routes
    read it)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root) :]
    return path
