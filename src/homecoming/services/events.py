"""Evidence that landed, announced after its transaction commits, so tracing can re-match.

Every service that writes evidence (imports, list versions, handovers, visit reports,
testimonies) calls `records_landed` after commit with the new records' ids. Tracing is
imported late, on the first announcement, so the registry stays light to import and the
flow stays one way: evidence -> tracing.
"""

from __future__ import annotations

from collections.abc import Sequence

from homecoming.store.db import Database


def records_landed(db: Database, record_ids: Sequence[int], *, actor: str) -> None:
    """Re-match the open inquiries these new records may answer (a new lead, or none)."""
    if not record_ids:
        return
    from homecoming.services import leads

    leads.rematch_for_records(db, record_ids, actor=actor)
