"""Route-by-role table: the review queue and judgements."""

from __future__ import annotations

from homecoming.domain.roles import Role

from .access_tables import RouteTable

REVIEWERS = frozenset({Role.ADMINISTRATOR, Role.REGISTRAR, Role.AUDITOR})
JUDGES = frozenset({Role.ADMINISTRATOR, Role.REGISTRAR})

REVIEW_ROUTES: RouteTable = {
    ("GET", "/review"): (REVIEWERS, "/review", 200),
    ("GET", "/review/{pair_id}"): (REVIEWERS, "/review/999999", 404),
    ("POST", "/review/{pair_id}/decision"): (JUDGES, "/review/999999/decision", 422),
    ("GET", "/judgements"): (REVIEWERS, "/judgements", 200),
    ("POST", "/judgements"): (JUDGES, "/judgements", 422),
    ("POST", "/judgements/{judgement_id}/undo"): (JUDGES, "/judgements/999999/undo", 422),
}
