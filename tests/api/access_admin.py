"""Route-by-role table: users, records and their contacts, imports."""

from __future__ import annotations

from .access_tables import RouteTable

ADMIN_ROUTES: RouteTable = {}
