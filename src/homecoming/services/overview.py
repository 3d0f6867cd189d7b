"""Read-only summaries the web UI shows, seen through the scope (was `web/reads.py`).

The other services offer persons, sources, exchanges, tracing and chain verification; these
few counts and lists are what the pages add on top (the dashboard's cards, the handover desk's
roster, who on it fits what the operator types, the stage's tally, the debrief's testimonies).
They only read, in one short read transaction each, and return views; the pages shape them
for display.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.domain.record import service_number_key
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.reconciliation import Outcome
from homecoming.names.parse import tokenize
from homecoming.names.token import name_token
from homecoming.services import access, agreements, handovers, persons, stages
from homecoming.services.scope import Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import (
    AgreementRow,
    Handover,
    StageRow,
)
from homecoming.store.models import AuditEntry, Party, Record, Source
from homecoming.store.tracing_models import Inquiry, Lead, Notification, Testimony

AUDIT_PAGE = 50
CANDIDATES = 12  # people offered at the handover desk for one query


@dataclass(frozen=True, slots=True)
class RegistryCounts:
    """How much the registry holds, as one scope sees it."""

    persons: int
    records: int
    sources: int


def registry_counts(db: Database, *, scope: Scope) -> RegistryCounts:
    """Persons, records and sources this scope sees."""
    with db.reading() as session:
        records = select(func.count(Record.id))
        sources = select(func.count(Source.id))
        if not scope.everything:
            records = records.join(Source).where(scope.sources())
            sources = sources.where(scope.sources())
        record_count = session.scalar(records) or 0
        source_count = session.scalar(sources) or 0
    persons = access.count_persons(db, scope=scope)
    return RegistryCounts(persons=persons, records=record_count, sources=source_count)


def records_by_fate(db: Database, *, scope: Scope) -> list[tuple[str | None, int]]:
    """How many records claim each status (None: the record claims none), most first."""
    query = select(Record.fate, func.count(Record.id)).group_by(Record.fate)
    if not scope.everything:
        query = query.join(Source).where(scope.sources())
    with db.reading() as session:
        rows = [(fate, int(n)) for fate, n in session.execute(query)]
    return sorted(rows, key=lambda row: (-row[1], row[0] or ""))


def recent_sources(db: Database, *, scope: Scope, limit: int = 8) -> list[Source]:
    """The newest sources this scope sees."""
    return access.sources(db, scope=scope)[:limit]


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


# --- exchanges ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One member of a stage as the handover desk sees them: who, and what is recorded."""

    party: str
    person_id: int
    name: str
    category: str
    date_of_birth: str
    service_number: str
    outcome: str | None  # the latest handover outcome, None while nothing is recorded


def stage_roster(
    db: Database, *, agreement_id: int, number: int, scope: Scope, side: str | None = None
) -> list[RosterEntry]:
    """Everyone in a stage (on one `side`, or both), with their listed facts and latest outcome."""
    with db.reading() as session:
        agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        members = [
            m
            for (party, _), m in stages.current_members(session, stage.id).items()
            if side is None or party == side
        ]
        names = stages.member_names(session, members, scope=scope)
        latest = {r.person_id: r.outcome for r in handovers.latest_rows(session, stage.id)}
        records = stages.listed_records(session, members, scope=scope)
    roster = []
    for m in sorted(members, key=lambda m: (m.party, names.get(m.person_id, ""), m.person_id)):
        record = records.get(m.person_id)
        fields = persons.record_fields(record) if record is not None else None
        roster.append(
            RosterEntry(
                party=m.party,
                person_id=m.person_id,
                name=names.get(m.person_id, "") or f"#{m.person_id}",
                category=m.category_code,
                date_of_birth=fields.date_of_birth.iso() if fields else "",
                service_number=fields.service_number if fields else "",
                outcome=latest.get(m.person_id),
            )
        )
    return roster


def matching(roster: Sequence[RosterEntry], q: str) -> list[RosterEntry]:
    """Members whose name (in either alphabet, word beginnings) or service number fit `q`.

    Without a query, the people nobody has recorded yet. Unrecorded people come first.
    """
    words = [w for w in tokenize(q) if w]
    number = service_number_key(q)
    if not words and not number:
        found = [r for r in roster if r.outcome is None]
    else:
        wanted = [_forms(w) for w in words]
        found = [
            r
            for r in roster
            if (len(number) >= 3 and number in service_number_key(r.service_number))
            or (wanted and _name_fits(wanted, r.name))
        ]
    return sorted(found, key=lambda r: (r.outcome is not None, r.name))[:CANDIDATES]


def _forms(word: str) -> frozenset[str]:
    token = name_token(word)
    return frozenset({*token.forms, token.primary, word.casefold()} - {""})


def _name_fits(wanted: list[frozenset[str]], name: str) -> bool:
    have = [_forms(w) for w in tokenize(name)]
    return all(
        any(form.startswith(prefix) for forms_ in have for form in forms_ for prefix in query)
        for query in wanted
    )


# The handover desk's tally, in the order the desk's buttons show the outcomes.
TALLY_OUTCOMES = tuple(o.value for o in Outcome)


@dataclass(frozen=True, slots=True)
class TallyCell:
    """One side of one category: listed, crossed, each outcome, and who is still to come."""

    party: str
    listed: int
    crossed: int
    outcomes: dict[str, int]
    pending: int


@dataclass(frozen=True, slots=True)
class TallyRow:
    """One category of the stage, a cell per side."""

    code: str
    label: str
    cells: list[TallyCell]


@dataclass(frozen=True, slots=True)
class TallyTable:
    """The stage's tally: the categories anyone is listed or recorded in, and each side's total
    of crossed persons over the categories that count towards it."""

    rows: list[TallyRow]
    totals: dict[str, int]


def tally_table(
    db: Database, *, agreement: Agreement, agreement_id: int, number: int, scope: Scope
) -> TallyTable:
    """The stage's tally as a table: per category and side, crossed of listed, and the rest."""
    result = handovers.tally(db, agreement_id=agreement_id, number=number, scope=scope)
    stage = stages.show(db, agreement_id=agreement_id, number=number, scope=scope)
    rows = []
    for spec in agreement.categories:
        cells: list[TallyCell] = []
        for party in agreement.parties:
            outcomes = result.counts.get(party, {}).get(spec.code, {})
            cells.append(
                TallyCell(
                    party=party,
                    listed=stage.counts.get(party, {}).get(spec.code, 0),
                    crossed=result.crossed(party, spec.code),
                    outcomes={o: outcomes.get(o, 0) for o in TALLY_OUTCOMES},
                    pending=result.pending.get(party, {}).get(spec.code, 0),
                )
            )
        if any(c.listed or any(c.outcomes.values()) for c in cells):
            rows.append(TallyRow(code=spec.code, label=spec.label, cells=cells))
    totals = {
        party: sum(result.crossed(party, spec.code) for spec in agreement.categories if spec.total)
        for party in agreement.parties
    }
    return TallyTable(rows=rows, totals=totals)


@dataclass(frozen=True, slots=True)
class RecentHandover:
    """One recording at the crossing, for the dashboard."""

    id: int
    agreement_id: int
    agreement: str
    stage: int
    party: str
    person_id: int
    name: str
    category: str
    outcome: str
    corrects_id: int | None
    recorded_by: str
    recorded_at: dt.datetime


def recent_handovers(db: Database, *, scope: Scope, limit: int = 10) -> list[RecentHandover]:
    """The latest handover rows (corrections included), of agreements this scope sees."""
    query = (
        select(Handover, StageRow.number, AgreementRow.id, AgreementRow.name)
        .join(StageRow, StageRow.id == Handover.stage_id)
        .join(AgreementRow, AgreementRow.id == StageRow.agreement_id)
        .where(scope.agreements())
        .order_by(Handover.id.desc())
        .limit(limit)
    )
    with db.reading() as session:
        rows = session.execute(query).all()
        names = person_names(session, [h.person_id for h, *_ in rows], scope=scope)
    return [
        RecentHandover(
            id=h.id,
            agreement_id=agreement_id,
            agreement=name,
            stage=number,
            party=h.party,
            person_id=h.person_id,
            name=names.get(h.person_id, ""),
            category=h.category_code,
            outcome=h.outcome,
            corrects_id=h.corrects_id,
            recorded_by=h.recorded_by,
            recorded_at=h.recorded_at,
        )
        for h, number, agreement_id, name in rows
    ]


def person_name(db: Database, person_id: int, *, scope: Scope) -> str:
    """A person's fullest name among the records this scope sees (`#id` when none)."""
    with db.reading() as session:
        return person_names(session, [person_id], scope=scope).get(person_id, f"#{person_id}")


def person_names(session: Session, person_ids: list[int], *, scope: Scope) -> dict[int, str]:
    """Each person's fullest name among the records this scope sees."""
    names: dict[int, str] = {}
    wanted = sorted(set(person_ids))
    for start in range(0, len(wanted), 2_000):
        for record in session.scalars(
            select(Record).where(
                Record.person_id.in_(wanted[start : start + 2_000]), scope.records()
            )
        ):
            name = persons.record_fields(record).display_name()
            if record.person_id is not None and len(name) > len(names.get(record.person_id, "")):
                names[record.person_id] = name
    return names


# --- tracing and review --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TracingCounts:
    """What waits for tracing officers and liaisons."""

    open_inquiries: int
    inquiries: int
    by_status: dict[str, int]
    pending_leads: int
    awaiting_approval: int


def tracing_counts(db: Database) -> TracingCounts:
    """Open inquiries (by status), pending leads, notifications waiting for a second person."""
    with db.reading() as session:
        by_status = {
            str(status): int(n)
            for status, n in session.execute(
                select(Inquiry.status, func.count(Inquiry.id))
                .where(Inquiry.open.is_(True))
                .group_by(Inquiry.status)
            )
        }
        total = session.scalar(select(func.count(Inquiry.id))) or 0
        pending = session.scalar(select(func.count(Lead.id)).where(Lead.state == "pending")) or 0
        waiting = (
            session.scalar(
                select(func.count(Notification.id)).where(Notification.state == "prepared")
            )
            or 0
        )
    return TracingCounts(
        open_inquiries=sum(by_status.values()),
        inquiries=int(total),
        by_status=by_status,
        pending_leads=int(pending),
        awaiting_approval=int(waiting),
    )


@dataclass(frozen=True, slots=True)
class TestimonyItem:
    """A testimony to bind debrief answers to."""

    id: int
    witness: str
    place: str
    taken_at: dt.datetime


def recent_testimonies(db: Database, *, limit: int = 30) -> list[TestimonyItem]:
    """The newest testimonies, for the debrief gallery's picker."""
    with db.reading() as session:
        rows = session.scalars(select(Testimony).order_by(Testimony.id.desc()).limit(limit)).all()
        return [TestimonyItem(t.id, t.witness, t.place, t.taken_at) for t in rows]
