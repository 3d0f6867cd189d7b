"""Route-by-role table: the review queue and judgements."""

from __future__ import annotations

from .access_tables import RouteTable

REVIEW_ROUTES: RouteTable = {}
