"""List versions, their entries and diffs, seen through the scope; who sees a validation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import InvalidInput, NotFound
from homecoming.exchange.listdiff import DiffEntry, ListDiff, diff_lists
from homecoming.services import agreements, persons
from homecoming.services.exchange_lists.views import Direction, EntryView, ListVersionView
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import (
    AgreementRow,
    ListEntry,
    ListVersion,
)
from homecoming.store.models import Record


def list_versions(
    db: Database,
    *,
    agreement_id: int | None = None,
    party: str | None = None,
    direction: Direction | None = None,
    scope: Scope = EVERY_PARTY,
) -> list[ListVersionView]:
    """List versions, oldest first, optionally of one agreement, party or direction.

    Both parties' lists of an agreement are seen (lists are exchanged), but only of the
    agreements the scope sees; naming another agreement answers NotFound.
    """
    query = select(ListVersion).order_by(ListVersion.id)
    if not scope.everything:
        query = query.join(AgreementRow, AgreementRow.id == ListVersion.agreement_id).where(
            scope.agreements()
        )
    if agreement_id is not None:
        query = query.where(ListVersion.agreement_id == agreement_id)
    if party is not None:
        query = query.where(ListVersion.party == party.upper())
    if direction is not None:
        query = query.where(ListVersion.direction == str(direction))
    with db.reading() as session:
        if agreement_id is not None:
            agreements.load(session, agreement_id, scope=scope)
        return [_version_view(v) for v in session.scalars(query)]


def get_version(db: Database, version_id: int, *, scope: Scope = EVERY_PARTY) -> ListVersionView:
    """One list version, or NotFound (also when its agreement is outside the scope)."""
    with db.reading() as session:
        return _version_view(_version(session, version_id, scope))


def entries(db: Database, version_id: int, *, scope: Scope = EVERY_PARTY) -> list[EntryView]:
    """A version's entries as listed, in line order."""
    with db.reading() as session:
        _version(session, version_id, scope)
        return [_entry_view(e, r) for e, r in _entry_rows(session, version_id)]


def diff_versions(
    db: Database, *, old_id: int, new_id: int, scope: Scope = EVERY_PARTY
) -> ListDiff:
    """Entries added, removed and changed from one version to another of the same list."""
    with db.reading() as session:
        old, new = _version(session, old_id, scope), _version(session, new_id, scope)
        if (old.agreement_id, old.party, old.direction) != (
            new.agreement_id,
            new.party,
            new.direction,
        ):
            raise InvalidInput(
                f"list versions {old_id} and {new_id} are not versions of the same list "
                f"({_version_view(old).label} vs {_version_view(new).label})"
            )
        before = [_diff_of(e, r) for e, r in _entry_rows(session, old_id)]
        after = [_diff_of(e, r) for e, r in _entry_rows(session, new_id)]
    return diff_lists(before, after)


def _diff_of(entry: ListEntry, record: Record) -> DiffEntry:
    return _diff_entry(entry.line, persons.record_fields(record))


def _diff_entry(line: int, fields: Any) -> DiffEntry:
    return DiffEntry(
        line=line,
        name=fields.display_name(),
        date_of_birth=fields.date_of_birth.iso(),
        service_number=fields.service_number,
        fields={
            "rank": fields.rank,
            "unit": fields.unit,
            "category": str(fields.category or ""),
            "seriously_wounded": "yes" if fields.seriously_wounded else "",
        },
    )


def _version(session: Session, version_id: int, scope: Scope = EVERY_PARTY) -> ListVersion:
    row = session.get(ListVersion, version_id)
    agreement = session.get(AgreementRow, row.agreement_id) if row is not None else None
    if agreement is None or not scope.sees_agreement((agreement.party_a, agreement.party_b)):
        raise NotFound(f"no list version {version_id}; `homecoming lists versions` shows them")
    assert row is not None
    return row


def sees_validation(scope: Scope, party: str) -> bool:
    """Validation resolves a list against the registry: a party sees only its own lists'."""
    return scope.acts_for(party)


def _own_validation(scope: Scope, party: str) -> None:
    """Refuse the validation of another party's list (`sees_validation`)."""
    if not sees_validation(scope, party):
        scope.own_party(party, doing="sees validations against the registry (those of lists sent)")


def _entry_rows(session: Session, version_id: int) -> list[tuple[ListEntry, Record]]:
    rows = session.execute(
        select(ListEntry, Record)
        .join(Record, Record.id == ListEntry.record_id)
        .where(ListEntry.list_version_id == version_id)
        .order_by(ListEntry.line)
    ).all()
    return [(e, r) for e, r in rows]


def _version_view(v: ListVersion) -> ListVersionView:
    return ListVersionView(
        id=v.id,
        agreement_id=v.agreement_id,
        party=v.party,
        direction=v.direction,
        number=v.number,
        category=v.category_code,
        source_id=v.source_id,
        content_hash=v.content_hash,
        file_name=v.file_name,
        received_at=v.received_at.isoformat(),
        received_from=v.received_from,
        entries=v.entries,
        created_by=v.created_by,
    )


def _entry_view(entry: ListEntry, record: Record) -> EntryView:
    fields = persons.record_fields(record)
    return EntryView(
        id=entry.id,
        line=entry.line,
        record_id=record.id,
        name=fields.display_name(),
        date_of_birth=fields.date_of_birth.iso(),
        service_number=fields.service_number,
        unit=fields.unit,
        rank=fields.rank,
        category=str(fields.category or ""),
        seriously_wounded=fields.seriously_wounded,
        captured_on=fields.event_date.iso(),
        raw=dict(record.raw),
    )
