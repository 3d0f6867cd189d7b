"""Shared names of the route-by-role tables (`test_access.py` and `access_*.py`)."""

from __future__ import annotations

from homecoming.domain.roles import Role

# (method, path): (who may call it, the request to send, what an allowed caller gets).
# The request's path may name `{shared}`, `{ua_only}`, ... from the `two_parties` fixture.
RouteTable = dict[tuple[str, str], tuple[frozenset[Role], str, int]]

EVERYONE = frozenset(Role)
AUDIT = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})
