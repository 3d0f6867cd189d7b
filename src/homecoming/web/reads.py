"""Read-only summaries the dashboard and the audit page show, seen through the party scope.

The services offer persons, sources and chain verification; these few counts and lists are
what the pages add on top. They only read, in one short read transaction each.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from homecoming.services import access
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry, Party, Record, Source

AUDIT_PAGE = 50


@dataclass(frozen=True, slots=True)
class RegistryCounts:
    """How much the registry holds, as one scope sees it."""

    persons: int
    records: int
    sources: int


def registry_counts(db: Database, *, party: str | None) -> RegistryCounts:
    """Persons, records and sources this scope sees."""
    with db.reading() as session:
        records = select(func.count(Record.id))
        sources = select(func.count(Source.id))
        if party is not None:
            records = records.join(Source).where(Source.party_code == party)
            sources = sources.where(Source.party_code == party)
        record_count = session.scalar(records) or 0
        source_count = session.scalar(sources) or 0
    persons = access.count_persons(db, party=party)
    return RegistryCounts(persons=persons, records=record_count, sources=source_count)


def records_by_fate(db: Database, *, party: str | None) -> list[tuple[str | None, int]]:
    """How many records claim each status (None: the record claims none), most first."""
    query = select(Record.fate, func.count(Record.id)).group_by(Record.fate)
    if party is not None:
        query = query.join(Source).where(Source.party_code == party)
    with db.reading() as session:
        rows = [(fate, int(n)) for fate, n in session.execute(query)]
    return sorted(rows, key=lambda row: (-row[1], row[0] or ""))


def recent_sources(db: Database, *, party: str | None, limit: int = 8) -> list[Source]:
    """The newest sources this scope sees."""
    return access.sources(db, party=party)[:limit]


def audit_entries(
    db: Database, *, before: int | None = None, limit: int = AUDIT_PAGE
) -> list[AuditEntry]:
    """Audit entries newest first, a page at a time (`before`: the oldest id already shown)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    with db.reading() as session:
        return list(session.scalars(query))


def parties(db: Database) -> list[tuple[str, str]]:
    """Every registered party as (code, name), by code."""
    with db.reading() as session:
        rows = session.execute(select(Party.code, Party.name).order_by(Party.code))
        return [(code, name) for code, name in rows]
