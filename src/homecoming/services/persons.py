"""Reading persons: their records, derived status, timeline and contradictions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from homecoming.domain.dates import PartialDate
from homecoming.domain.person import Claim, DerivedStatus, derive
from homecoming.domain.record import Category, Fate, RecordFields, Sex, SourceKind
from homecoming.errors import NotFound
from homecoming.store.db import Database
from homecoming.store.models import Person, Record


def record_fields(row: Any) -> RecordFields:
    """The normalised fields of a stored record (a `Record`, or a row of at least its
    `RECORD_FIELDS_COLUMNS`)."""
    return RecordFields(
        family_name=row.family_name,
        given_names=row.given_names,
        patronymic=row.patronymic,
        full_name=row.full_name,
        mother_maiden_name=row.mother_maiden_name,
        sex=Sex(row.sex) if row.sex else None,
        date_of_birth=PartialDate(row.dob_year, row.dob_month, row.dob_day),
        place_of_birth=row.place_of_birth,
        nationality=row.nationality,
        last_residence=row.last_residence,
        rank=row.rank,
        service_number=row.service_number,
        unit=row.unit,
        category=Category(row.category) if row.category else None,
        event_date=PartialDate(row.event_year, row.event_month, row.event_day),
        event_place=row.event_place,
        place_of_detention=row.place_of_detention,
        health=row.health,
        seriously_wounded=row.seriously_wounded,
        distinguishing_marks=row.distinguishing_marks,
        fate=Fate(row.fate) if row.fate else None,
        fate_date=PartialDate(row.fate_year, row.fate_month, row.fate_day),
        photo_ref=row.photo_ref,
        notes=row.notes,
    )


# The columns `record_fields` reads.
RECORD_FIELDS_COLUMNS = (
    Record.family_name,
    Record.given_names,
    Record.patronymic,
    Record.full_name,
    Record.mother_maiden_name,
    Record.sex,
    Record.dob_year,
    Record.dob_month,
    Record.dob_day,
    Record.place_of_birth,
    Record.nationality,
    Record.last_residence,
    Record.rank,
    Record.service_number,
    Record.unit,
    Record.category,
    Record.event_year,
    Record.event_month,
    Record.event_day,
    Record.event_place,
    Record.place_of_detention,
    Record.health,
    Record.seriously_wounded,
    Record.distinguishing_marks,
    Record.fate,
    Record.fate_year,
    Record.fate_month,
    Record.fate_day,
    Record.photo_ref,
    Record.notes,
)


def claim(row: Record) -> Claim:
    """What one stored record claims, with its source."""
    return Claim(
        record_id=row.id,
        source_id=row.source_id,
        source_name=row.source.name,
        source_kind=SourceKind(row.source.kind),
        received_at=row.source.received_at,
        fate=Fate(row.fate) if row.fate else None,
        fate_date=PartialDate(row.fate_year, row.fate_month, row.fate_day),
        date_of_birth=PartialDate(row.dob_year, row.dob_month, row.dob_day),
        sex=row.sex,
        service_number=row.service_number,
    )


@dataclass(frozen=True, slots=True)
class PersonView:
    """One person: the records behind it and what they add up to."""

    id: int
    records: list[Record]
    derived: DerivedStatus

    @property
    def display_name(self) -> str:
        names = [record_fields(r).display_name() for r in self.records]
        return max(names, key=len, default="")

    @property
    def date_of_birth(self) -> PartialDate:
        dates = [PartialDate(r.dob_year, r.dob_month, r.dob_day) for r in self.records]
        return max(
            dates,
            key=lambda d: (d.year is not None, d.month is not None, d.day is not None),
            default=PartialDate(),
        )


def show(db: Database, person_id: int) -> PersonView:
    """A person with its records, derived status and contradictions."""
    with db.glancing() as session:
        # One read: the person's row joined to its records, so a person left without records
        # (linkage moved them all to another) is told from no person without a second read.
        rows = session.execute(
            select(Person.id, Record)
            .outerjoin(Record, Record.person_id == Person.id)
            .options(joinedload(Record.source))
            .where(Person.id == person_id)
            .order_by(Record.id)
        ).all()
    if not rows:
        raise NotFound(f"no person {person_id}; `homecoming persons list` shows who exists")
    return _view(person_id, [record for _, record in rows if record is not None])


def count(db: Database) -> int:
    """How many persons have at least one record."""
    with db.reading() as session:
        return session.scalar(select(func.count(func.distinct(Record.person_id)))) or 0


def page(db: Database, *, limit: int = 50, offset: int = 0) -> list[PersonView]:
    """Persons in id order, a page at a time."""
    with db.reading() as session:
        ids = session.scalars(
            select(Person.id)
            .where(Person.records.any())
            .order_by(Person.id)
            .limit(limit)
            .offset(offset)
        ).all()
        records = _records_of(session, list(ids))
        return [_view(pid, records.get(pid, [])) for pid in ids]


def iterate(
    db: Database, *, batch: int = 2_000, leave_out: frozenset[SourceKind] = frozenset()
) -> Iterator[PersonView]:
    """Every person, in batches, for exports; `leave_out` drops records of those source kinds
    (a person with no other record is left out, and the rest is derived again without them)."""
    offset = 0
    while views := page(db, limit=batch, offset=offset):
        for view in views:
            kept = [r for r in view.records if SourceKind(r.source.kind) not in leave_out]
            if len(kept) == len(view.records):
                yield view
            elif kept:
                yield _view(view.id, kept)
        offset += batch


def _records_of(session: Session, person_ids: list[int]) -> dict[int, list[Record]]:
    rows = session.scalars(
        select(Record)
        .options(joinedload(Record.source))
        .where(Record.person_id.in_(person_ids))
        .order_by(Record.id)
    ).all()
    grouped: dict[int, list[Record]] = {}
    for row in rows:
        assert row.person_id is not None
        grouped.setdefault(row.person_id, []).append(row)
    return grouped


def _view(person_id: int, records: list[Record]) -> PersonView:
    return PersonView(person_id, records, derive([claim(r) for r in records]))


def summary(view: PersonView) -> dict[str, Any]:
    """A person in one line: name, birth date, status, how many records, contradictions."""
    return {
        "id": view.id,
        "name": view.display_name,
        "date_of_birth": view.date_of_birth.iso(),
        "status": view.derived.status.value if view.derived.status else None,
        "records": len(view.records),
        "contradictions": [c.fact for c in view.derived.contradictions],
    }


def detail(view: PersonView) -> dict[str, Any]:
    """A person with every record, the source of each fact, and the contradictions."""
    basis = view.derived.basis
    return {
        **summary(view),
        "status_basis": {"record": basis.record_id, "source": basis.source_name} if basis else None,
        "timeline": [
            {
                "record": c.record_id,
                "source": c.source_name,
                "kind": c.source_kind.value,
                "fate": c.fate.value if c.fate else None,
                "date": c.fate_date.iso(),
                "received": c.received_at.date().isoformat(),
            }
            for c in view.derived.timeline
        ],
        "contradictions": [
            {
                "fact": c.fact,
                "records": list(c.record_ids),
                "values": list(c.values),
                "note": c.note,
            }
            for c in view.derived.contradictions
        ],
        "records_detail": [
            {
                "id": r.id,
                "source": r.source.name,
                "line": r.line_number,
                "name": record_fields(r).display_name(),
                "date_of_birth": record_fields(r).date_of_birth.iso(),
                "unit": r.unit,
                "rank": r.rank,
                "service_number": r.service_number,
                "fate": r.fate,
            }
            for r in view.records
        ],
    }
