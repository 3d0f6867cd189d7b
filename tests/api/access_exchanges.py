"""Route-by-role table: agreements, lists, stages, handovers, reconciliation."""

from __future__ import annotations

from homecoming.domain.roles import Role

from .access_tables import RouteTable

READERS = frozenset(
    {Role.ADMINISTRATOR, Role.REGISTRAR, Role.NEGOTIATOR, Role.TRACING_OFFICER, Role.AUDITOR}
)
WRITERS = frozenset({Role.ADMINISTRATOR, Role.NEGOTIATOR})
RECORDERS = frozenset({Role.ADMINISTRATOR, Role.NEGOTIATOR, Role.REGISTRAR})
OVERRIDERS = frozenset({Role.ADMINISTRATOR})

EXCHANGE_ROUTES: RouteTable = {
    ("GET", "/agreements"): (READERS, "/agreements", 200),
    ("POST", "/agreements"): (WRITERS, "/agreements", 422),
    ("GET", "/agreements/{agreement_id}"): (READERS, "/agreements/999", 404),
    ("GET", "/lists"): (READERS, "/lists", 200),
    ("POST", "/lists"): (WRITERS, "/lists", 422),
    ("GET", "/lists/{version_id}"): (READERS, "/lists/999", 404),
    ("GET", "/lists/{version_id}/diff/{other_id}"): (READERS, "/lists/998/diff/999", 404),
    ("POST", "/lists/{version_id}/validate"): (WRITERS, "/lists/999/validate", 404),
    ("GET", "/lists/{version_id}/report"): (READERS, "/lists/999/report", 404),
    ("POST", "/lists/findings/{finding_id}/decisions"): (
        WRITERS,
        "/lists/findings/999/decisions",
        422,
    ),
    ("POST", "/stages/{agreement_id}/plan"): (WRITERS, "/stages/999/plan", 404),
    ("GET", "/stages/{agreement_id}/{number}"): (READERS, "/stages/999/1", 404),
    ("POST", "/stages/{agreement_id}/{number}/changes"): (WRITERS, "/stages/999/1/changes", 422),
    ("POST", "/stages/{agreement_id}/{number}/overrides"): (
        OVERRIDERS,
        "/stages/999/1/overrides",
        422,
    ),
    ("GET", "/stages/{agreement_id}/{number}/export"): (
        READERS,
        "/stages/999/1/export?party=UA",
        404,
    ),
    ("POST", "/handovers"): (RECORDERS, "/handovers", 422),
    ("GET", "/handovers"): (READERS, "/handovers?agreement_id=999&stage=1", 404),
    ("GET", "/handovers/tally"): (READERS, "/handovers/tally?agreement_id=999&stage=1", 404),
    ("POST", "/handovers/declared-counts"): (WRITERS, "/handovers/declared-counts", 422),
    ("GET", "/reconciliation/{agreement_id}"): (READERS, "/reconciliation/999", 404),
}
