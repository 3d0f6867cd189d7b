"""Route-by-role table: agreements, lists, stages, handovers, reconciliation."""

from __future__ import annotations

from .access_tables import RouteTable

EXCHANGE_ROUTES: RouteTable = {}
