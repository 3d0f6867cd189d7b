"""A party's list version landing in the registry as evidence (one transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.domain.record import Evidence, SourceKind
from homecoming.errors import AlreadyImported, InvalidInput, RowProblem
from homecoming.formats import tabular
from homecoming.services import agreements, audit, registry
from homecoming.services.exchange_lists.reading import _diff_entry, _version_view
from homecoming.services.exchange_lists.views import Direction, ListVersionView
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import (
    ListEntry,
    ListVersion,
)
from homecoming.store.models import Source


def import_upload(
    db: Database,
    *,
    data: bytes,
    file_name: str,
    agreement_id: int,
    party: str,
    direction: Direction,
    actor: str,
    received_from: str = "",
    category: str | None = None,
    scope: Scope = EVERY_PARTY,
) -> ListVersionView:
    """`import_version` of an uploaded CSV or XLSX file (the API's and the web UI's form),
    received now."""
    rows = registry.evidence_from_rows(tabular.read_data(data, name=file_name), file_name=file_name)
    return import_version(
        db,
        agreement_id=agreement_id,
        party=party,
        direction=direction,
        rows=rows,
        file_name=file_name,
        content_hash=tabular.content_hash(data),
        actor=actor,
        received_from=received_from,
        received_at=dt.datetime.now(dt.UTC),
        category=category,
        scope=scope,
    )


def import_version(
    db: Database,
    *,
    agreement_id: int,
    party: str,
    direction: Direction,
    rows: Iterable[Evidence | list[RowProblem]],
    file_name: str,
    content_hash: str,
    actor: str,
    received_from: str = "",
    received_at: dt.datetime | None = None,
    category: str | None = None,
    scope: Scope = EVERY_PARTY,
) -> ListVersionView:
    """Land a list version exactly as received: every row or none, numbered after the last."""
    party = party.upper()
    with db.transaction() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        agreement.other(party)  # refuses a party not in the agreement
        if category is not None:
            agreement.category(category)
        _refuse_same_file(session, agreement_id, party, direction, content_hash, file_name)
        evidence, problems = _collect(rows)
        if problems:
            raise InvalidInput(
                f"{len({p.line for p in problems})} row(s) of {file_name} are invalid; the list "
                "was not imported. A list version is kept exactly as received: ask the sender "
                "for a corrected file",
                problems,
            )
        if not evidence:
            raise InvalidInput(f"{file_name} has no entries")
        number = _next_number(session, agreement_id, party, direction)
        received = received_at or dt.datetime.now(dt.UTC)
        source = Source(
            kind=str(SourceKind.PARTY_LIST),
            name=f"{agreement.name}: {party} {direction} v{number}",
            party_code=party,
            received_at=received,
            received_from=received_from,
            file_name=file_name,
            content_hash=content_hash,
            row_count=len(evidence),
            created_by=actor,
        )
        session.add(source)
        session.flush()
        record_ids = registry.add_evidence(
            session, source_id=source.id, evidence=evidence, actor=actor
        )
        version = ListVersion(
            agreement_id=agreement_id,
            party=party,
            direction=str(direction),
            number=number,
            category_code=category,
            source_id=source.id,
            content_hash=content_hash,
            file_name=file_name,
            received_at=received,
            received_from=received_from,
            entries=len(evidence),
            created_by=actor,
        )
        session.add(version)
        session.flush()
        session.add_all(
            ListEntry(
                list_version_id=version.id,
                line=e.line,
                record_id=rid,
                entry_key=_diff_entry(e.line, e.fields).key()[:400],
            )
            for e, rid in zip(evidence, record_ids, strict=True)
        )
        audit.append(
            session,
            actor=actor,
            action="list_version.imported",
            subject=f"list_version:{version.id}",
            details={
                "agreement": agreement_id,
                "party": party,
                "direction": str(direction),
                "number": number,
                "category": category,
                "source": source.id,
                "file_name": file_name,
                "content_hash": content_hash,
                "entries": len(evidence),
            },
        )
        view = _version_view(version)
    return view


def _collect(
    rows: Iterable[Evidence | list[RowProblem]],
) -> tuple[list[Evidence], list[RowProblem]]:
    evidence: list[Evidence] = []
    problems: list[RowProblem] = []
    for item in rows:
        if isinstance(item, list):
            problems.extend(item)
        else:
            evidence.append(item)
    return evidence, problems


def _refuse_same_file(
    session: Session,
    agreement_id: int,
    party: str,
    direction: Direction,
    content_hash: str,
    file_name: str,
) -> None:
    if not content_hash:
        return
    earlier = session.scalars(
        select(ListVersion).where(
            ListVersion.agreement_id == agreement_id,
            ListVersion.party == party,
            ListVersion.direction == str(direction),
            ListVersion.content_hash == content_hash,
        )
    ).first()
    if earlier is not None:
        raise AlreadyImported(
            f"{file_name} is already {party} {direction} v{earlier.number} (list version "
            f"{earlier.id}); a new version needs a changed file"
        )


def _next_number(session: Session, agreement_id: int, party: str, direction: Direction) -> int:
    last = session.scalar(
        select(func.max(ListVersion.number)).where(
            ListVersion.agreement_id == agreement_id,
            ListVersion.party == party,
            ListVersion.direction == str(direction),
        )
    )
    return (last or 0) + 1
