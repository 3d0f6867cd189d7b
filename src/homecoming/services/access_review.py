"""The access review: who read families' contact details, when and why, for a period.

Read from the audit log (every read of contacts is an entry with its purpose) and the
disclosure log (every export or transfer of personal data).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from homecoming.services import disclosures
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry

PERSONAL_READS = ("contacts.read",)


@dataclass(frozen=True, slots=True)
class AccessRead:
    """One read of personal data: who, when, what, why."""

    audit_entry: int
    at: dt.datetime
    actor: str
    action: str
    subject: str
    purpose: str
    items: int


@dataclass(frozen=True, slots=True)
class AccessReview:
    since: dt.datetime
    until: dt.datetime
    reads: list[AccessRead]
    disclosures: list[disclosures.DisclosureView]

    @property
    def by_actor(self) -> dict[str, int]:
        return dict(Counter(read.actor for read in self.reads).most_common())

    def as_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "by_actor": self.by_actor,
            "reads": [{**asdict(r), "at": r.at.isoformat()} for r in self.reads],
            "disclosures": [d.as_json() for d in self.disclosures],
        }


def review(db: Database, *, since: dt.datetime, until: dt.datetime) -> AccessReview:
    """Reads of contact details and disclosures in [since, until)."""
    since, until = _aware(since), _aware(until)
    with db.reading() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.action.in_(PERSONAL_READS),
                AuditEntry.at >= since,
                AuditEntry.at < until,
            )
            .order_by(AuditEntry.id)
        ).all()
        reads = [_read(row) for row in rows]
    shared = disclosures.list_disclosures(db, since=since, until=until)
    return AccessReview(since, until, reads, shared)


def _read(row: AuditEntry) -> AccessRead:
    details = row.details or {}
    purpose = str(details.get("purpose", ""))
    if "redacted_by_audit_entry" in details:
        purpose = "(erased)"
    return AccessRead(
        audit_entry=row.id,
        at=_aware(row.at),
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        purpose=purpose,
        items=len(details.get("contacts", [])),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
