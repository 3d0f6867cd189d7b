"""DNA reference metadata given by families, and the cases waiting for enough of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from homecoming.errors import InvalidInput
from homecoming.services import audit, inquiries
from homecoming.services.persons import record_fields
from homecoming.services.remains.views import _references
from homecoming.store.db import Database
from homecoming.store.models import Record
from homecoming.store.remains_models import (
    DnaReference,
)
from homecoming.store.tracing_models import Inquiry
from homecoming.tracing.remains import (
    Relation,
    references_enough,
)


@dataclass(frozen=True, slots=True)
class ReferenceView:
    id: int
    inquiry: str
    relation: str
    taken_on: str
    place: str
    institution: str
    institution_reference: str
    investigator_order: str
    consent: bool
    recorded_by: str


def add_reference(
    db: Database,
    *,
    inquiry: str,
    relation: Relation,
    taken_on: dt.date,
    institution: str,
    institution_reference: str,
    place: str = "",
    investigator_order: str = "",
    consent: bool,
    actor: str,
) -> ReferenceView:
    """A family's reference sample, metadata only; refused without the donor's consent."""
    if not consent:
        raise InvalidInput(
            "a reference sample is recorded only with the donor's consent: add --consent once "
            "the donor has signed"
        )
    if not institution.strip() or not institution_reference.strip():
        raise InvalidInput("name the institution and its reference for the sample")
    with db.transaction() as session:
        row = inquiries.find(session, inquiry)
        ref = DnaReference(
            inquiry_id=row.id,
            relation=relation.value,
            taken_on=taken_on,
            place=place,
            institution=institution,
            institution_reference=institution_reference,
            investigator_order=investigator_order,
            consent=True,
            recorded_by=actor,
        )
        session.add(ref)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="remains.reference_added",
            subject=f"inquiry:{row.id}",
            details={"reference": ref.id, "relation": relation.value},
        )
        return _reference_view(ref, row.reference)


def _reference_view(row: DnaReference, inquiry: str) -> ReferenceView:
    return ReferenceView(
        id=row.id,
        inquiry=inquiry,
        relation=row.relation,
        taken_on=row.taken_on.isoformat(),
        place=row.place,
        institution=row.institution,
        institution_reference=row.institution_reference,
        investigator_order=row.investigator_order,
        consent=row.consent,
        recorded_by=row.recorded_by,
    )


def references(db: Database, *, inquiry: str) -> dict[str, Any]:
    """A case's reference samples and whether they are enough (parents and children first)."""
    with db.reading() as session:
        row = inquiries.find(session, inquiry)
        refs = _references(session, row.id)
        return {
            "inquiry": row.reference,
            "enough": references_enough(Relation(r.relation) for r in refs),
            "references": [dataclasses.asdict(_reference_view(r, row.reference)) for r in refs],
        }


def reference_queue(db: Database, *, limit: int = 200) -> list[dict[str, Any]]:
    """Open inquiries whose references are not enough, those with none first."""
    with db.reading() as session:
        rows = session.scalars(
            select(Inquiry).where(Inquiry.open.is_(True)).order_by(Inquiry.id)
        ).all()
        queue = []
        for row in rows:
            relations = [Relation(r.relation) for r in _references(session, row.id)]
            if references_enough(relations):
                continue
            record = session.get(Record, row.record_id)
            assert record is not None
            queue.append(
                {
                    "inquiry": row.reference,
                    "name": record_fields(record).display_name(),
                    "status": row.status,
                    "references": len(relations),
                    "relations": [r.value for r in relations],
                }
            )
    queue.sort(key=lambda q: (q["references"], q["inquiry"]))
    return queue[:limit]
