"""Reads seen through a user's scope: a negotiator sees only their own party's records.

`EVERY_PARTY` sees every party (every role but the negotiator). In a party's scope, a person
is made of only the records whose source is that party's; a person with none is not found.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from homecoming.domain.normalise import ALIAS_INDEX, header_key
from homecoming.domain.person import derive
from homecoming.domain.record import SourceKind
from homecoming.errors import NotFound
from homecoming.search.index import Hit, Query
from homecoming.services import persons
from homecoming.services.registry import PFIF_CONTACT_FIELDS
from homecoming.services.scope import Scope
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import Contact, Record, Source


def show_person(db: Database, person_id: int, *, scope: Scope) -> persons.PersonView:
    """A person as this scope sees it: only its visible records, or NotFound."""
    view = persons.show(db, person_id)
    if scope.everything:
        return view
    visible = [r for r in view.records if r.source.party_code == scope.party]
    if not visible:
        raise NotFound(f"no person {person_id}; `homecoming persons list` shows who exists")
    return _view(person_id, visible)


def count_persons(db: Database, *, scope: Scope) -> int:
    """How many persons this scope sees."""
    if scope.everything:
        return persons.count(db)
    with db.reading() as session:
        query = select(func.count(func.distinct(Record.person_id))).where(scope.records())
        return session.scalar(query) or 0


def page_persons(
    db: Database, *, scope: Scope, limit: int = 50, offset: int = 0
) -> list[persons.PersonView]:
    """Persons this scope sees, in id order, each made of its visible records only."""
    if scope.everything:
        return persons.page(db, limit=limit, offset=offset)
    visible = scope.records()
    with db.reading() as session:
        ids = session.scalars(
            select(Record.person_id)
            .where(visible, Record.person_id.is_not(None))
            .distinct()
            .order_by(Record.person_id)
            .limit(limit)
            .offset(offset)
        ).all()
        rows = session.scalars(
            select(Record)
            .options(joinedload(Record.source))
            .where(visible, Record.person_id.in_(ids))
            .order_by(Record.id)
        ).all()
    grouped: dict[int, list[Record]] = {pid: [] for pid in ids if pid is not None}
    for row in rows:
        assert row.person_id is not None
        grouped[row.person_id].append(row)
    return [_view(pid, records) for pid, records in grouped.items()]


def search(
    service: SearchService,
    query: Query,
    *,
    scope: Scope,
    limit: int = 10,
    head: tuple[int, str] | None = None,
) -> list[Hit]:
    """Search; in a party scope, persons are ranked by that party's records only (`head`:
    the audit log's head read during the request, `SearchService.index`)."""
    return service.search(dataclasses.replace(query, party=scope.party), limit=limit, head=head)


def sources(db: Database, *, scope: Scope) -> list[Source]:
    """Sources newest first; in a party scope, only that party's."""
    query = select(Source).where(scope.sources()).order_by(Source.id.desc())
    with db.reading() as session:
        return list(session.scalars(query).all())


def _view(person_id: int, records: list[Record]) -> persons.PersonView:
    return persons.PersonView(person_id, records, derive([persons.claim(r) for r in records]))


@dataclasses.dataclass(frozen=True, slots=True)
class RecordView:
    """A record as a reader may see it: raw cells without anyone's contact details."""

    record: Record
    raw: dict[str, str]
    withheld: list[str]  # raw columns left out: contact details, or what a family told
    has_contacts: bool
    notes: str  # the record's notes as this reader may see them


def show_record(db: Database, record_id: int, *, scope: Scope) -> RecordView:
    """One record with its source, or NotFound (also when the scope may not see it)."""
    party = scope.party
    with db.reading() as session:
        row = session.scalar(
            select(Record).options(joinedload(Record.source)).where(Record.id == record_id)
        )
        if row is None or (party is not None and row.source.party_code != party):
            raise NotFound(f"no record {record_id}; /persons/{{id}} lists a person's records")
        contacts = session.scalars(select(Contact).where(Contact.record_id == record_id)).all()
    values = {
        text.strip().casefold()
        for contact in contacts
        for text in (contact.name, contact.phone, contact.email, contact.address)
        if text.strip()
    }
    raw, withheld = _without_contacts(row.raw, values)
    notes = row.notes
    if row.source.kind == str(SourceKind.FAMILY_INQUIRY) and not scope.inquiries:
        # Before issue 22 an inquiry's circumstances landed in its record's notes.
        withheld += [column for column in raw if ALIAS_INDEX.get(header_key(column)) == "notes"]
        raw = {k: v for k, v in raw.items() if k not in withheld}
        notes = ""
    return RecordView(
        record=row, raw=raw, withheld=withheld, has_contacts=bool(contacts), notes=notes
    )


def _without_contacts(raw: dict[str, Any], values: set[str]) -> tuple[dict[str, str], list[str]]:
    """Leave out cells that feed a contact field or repeat a stored contact's details."""
    kept: dict[str, str] = {}
    withheld: list[str] = []
    for column, cell in raw.items():
        text = "" if cell is None else str(cell)
        target = ALIAS_INDEX.get(header_key(column), "")
        if (
            target.startswith("contact_")
            or column in PFIF_CONTACT_FIELDS
            or (text.strip() and text.strip().casefold() in values)
        ):
            withheld.append(column)
        else:
            kept[column] = text
    return kept, withheld
