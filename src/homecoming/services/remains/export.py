"""The remains cases as rows for a file (columns, one row per case)."""

from __future__ import annotations

from homecoming.services import audit
from homecoming.services.remains.casework import cases
from homecoming.store.db import Database

EXPORT_COLUMNS = (
    "reference",
    "handover",
    "day",
    "from_party",
    "bag_label",
    "persons",
    "same_as",
    "other_side",
    "returned_in",
    "last_step",
    "identified",
)


def export_rows(db: Database, *, actor: str) -> list[dict[str, str]]:
    """Every case, one row each (no names, no genetic data), audited as an export."""
    views = cases(db, limit=10**9)
    rows = [
        {
            "reference": v.reference,
            "handover": str(v.handover_id),
            "day": v.day,
            "from_party": v.from_party,
            "bag_label": v.bag_label,
            "persons": str(v.persons),
            "same_as": v.same_as or "",
            "other_side": "yes" if v.other_side else "no",
            "returned_in": str(v.returned_in or ""),
            "last_step": v.last_step,
            "identified": " ".join(v.identified),
        }
        for v in views
    ]
    with db.transaction() as session:
        audit.append(session, actor=actor, action="remains.exported", details={"cases": len(rows)})
    return rows
