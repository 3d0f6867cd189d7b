"""Route-by-role table: inquiries, testimonies, leads, notifications."""

from __future__ import annotations

from .access_tables import RouteTable

TRACING_ROUTES: RouteTable = {}
