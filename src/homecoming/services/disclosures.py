"""The disclosure log: every export or transfer that takes personal data out of the system."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import InvalidInput
from homecoming.services import audit
from homecoming.store.db import Database
from homecoming.store.models import Disclosure

OWN_USE = "the bureau (own use)"


@dataclass(frozen=True, slots=True)
class DisclosureView:
    id: int
    at: dt.datetime
    actor: str
    kind: str
    what: str
    recipient: str
    legal_basis: str
    encrypted: bool
    items: int
    details: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "at": self.at.isoformat()}


def check(*, recipient: str, legal_basis: str) -> None:
    """A disclosure to another party names its legal basis."""
    if recipient.strip() and recipient.strip() != OWN_USE and not legal_basis.strip():
        raise InvalidInput(
            f"data for {recipient!r} needs its legal basis: add --legal-basis (e.g. 'ICRC"
            " mandate, GC III art. 123' or 'the family's consent')"
        )


def record_in(
    session: Session,
    *,
    actor: str,
    kind: str,
    what: str,
    recipient: str,
    legal_basis: str = "",
    encrypted: bool = False,
    items: int = 0,
    details: dict[str, Any] | None = None,
) -> Disclosure:
    """Log one disclosure in the caller's transaction, with its audit entry."""
    recipient = recipient.strip() or OWN_USE
    check(recipient=recipient, legal_basis=legal_basis)
    row = Disclosure(
        at=dt.datetime.now(dt.UTC),
        actor=actor,
        kind=kind,
        what=what,
        recipient=recipient,
        legal_basis=legal_basis.strip(),
        encrypted=encrypted,
        items=items,
        details=details or {},
    )
    session.add(row)
    session.flush()
    entry = audit.append(
        session,
        actor=actor,
        action="disclosure.recorded",
        subject=f"disclosure:{row.id}",
        details={
            "kind": kind,
            "what": what,
            "recipient": recipient,
            "legal_basis": row.legal_basis,
            "encrypted": encrypted,
            "items": items,
        },
    )
    row.audit_entry_id = entry.id
    return row


def record(db: Database, **values: Any) -> DisclosureView:
    """Log one disclosure in its own transaction."""
    with db.transaction() as session:
        return _view(record_in(session, **values))


def list_disclosures(
    db: Database, *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[DisclosureView]:
    """Disclosures in a period (newest first)."""
    query = select(Disclosure).order_by(Disclosure.id.desc())
    if since is not None:
        query = query.where(Disclosure.at >= since)
    if until is not None:
        query = query.where(Disclosure.at < until)
    with db.reading() as session:
        return [_view(row) for row in session.scalars(query)]


def _view(row: Disclosure) -> DisclosureView:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
    return DisclosureView(
        id=row.id,
        at=at,
        actor=row.actor,
        kind=row.kind,
        what=row.what,
        recipient=row.recipient,
        legal_basis=row.legal_basis,
        encrypted=row.encrypted,
        items=row.items,
        details=dict(row.details),
    )
