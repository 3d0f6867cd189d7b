"""Families' contact details: read only by roles that hold CONTACTS_READ, every read audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from homecoming.errors import InvalidInput, NotFound
from homecoming.services import audit
from homecoming.store.db import Database
from homecoming.store.models import Contact, Record


@dataclass(frozen=True, slots=True)
class ContactView:
    id: int
    record_id: int
    name: str
    relation: str
    phone: str
    email: str
    address: str


def read_contacts(db: Database, *, record_id: int, actor: str, purpose: str) -> list[ContactView]:
    """The contacts given with one record; the read itself is an audit entry (who, why)."""
    if not purpose.strip():
        raise InvalidInput("say why you read these contact details: purpose is empty")
    with db.transaction() as session:
        if session.get(Record, record_id) is None:
            raise NotFound(f"no record {record_id}")
        rows = session.scalars(
            select(Contact).where(Contact.record_id == record_id).order_by(Contact.id)
        ).all()
        audit.append(
            session,
            actor=actor,
            action="contacts.read",
            subject=f"record:{record_id}",
            details={"contacts": [row.id for row in rows], "purpose": purpose.strip()},
        )
        return [
            ContactView(
                id=row.id,
                record_id=row.record_id,
                name=row.name,
                relation=row.relation,
                phone=row.phone,
                email=row.email,
                address=row.address,
            )
            for row in rows
        ]
