"""Route-by-role table: remains (handovers by count, cases, steps, references, catalogue).

Writes send no body (422) or name an id that does not exist (404), so no caller in the
table changes what the next one sees.
"""

from __future__ import annotations

from homecoming.domain.roles import Role

from .access_tables import RouteTable

READ = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.FORENSIC_EXPERT,
        Role.TRACING_OFFICER,
        Role.FAMILY_LIAISON,
        Role.AUDITOR,
    }
)
RECORD = frozenset({Role.ADMINISTRATOR, Role.FORENSIC_EXPERT, Role.FAMILY_LIAISON})
FORENSIC = frozenset({Role.ADMINISTRATOR, Role.FORENSIC_EXPERT})

REMAINS_ROUTES: RouteTable = {
    ("GET", "/remains"): (READ, "/remains", 200),
    ("POST", "/remains/handovers"): (RECORD, "/remains/handovers", 422),
    ("POST", "/remains/handovers/{handover_id}/declared"): (
        RECORD,
        "/remains/handovers/999/declared",
        422,
    ),
    ("GET", "/remains/cases"): (READ, "/remains/cases", 200),
    ("GET", "/remains/cases/{case}"): (READ, "/remains/cases/RC-2025-000999", 404),
    ("POST", "/remains/cases/{case}/steps"): (RECORD, "/remains/cases/999/steps", 422),
    ("POST", "/remains/steps/{step_id}/confirm"): (FORENSIC, "/remains/steps/999/confirm", 404),
    ("GET", "/remains/references/queue"): (READ, "/remains/references/queue", 200),
    ("GET", "/remains/references/{inquiry}"): (READ, "/remains/references/HC-2026-000999", 404),
    ("POST", "/remains/references"): (RECORD, "/remains/references", 422),
    ("GET", "/remains/catalogue"): (READ, "/remains/catalogue", 200),
    ("GET", "/remains/photos/{photo_id}"): (READ, "/remains/photos/999", 404),
    ("POST", "/remains/catalogue/{photo_id}/recognitions"): (
        RECORD,
        "/remains/catalogue/999/recognitions",
        422,
    ),
}
