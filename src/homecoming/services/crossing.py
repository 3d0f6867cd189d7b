"""The crossing as it really happens: an arrival on no list (kept as evidence with its identity
check), a list received at the crossing that differs from the agreed one (kept with the
diff), a person brought and taken back, a person handed over and sent back.

Each is one transaction that locks the stage's row (like a handover), writes a
`crossing_events` row and its audit entry. Taking back and sending back also write the
handover row the tallies read (`not_delivered`), so the counts stay exact.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, Fate, RecordFields, SourceKind
from homecoming.errors import Conflict, InvalidInput, NotFound, RowProblem
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.crossing import CrossingKind, check_methods, require_reason
from homecoming.exchange.listdiff import DiffEntry, ListDiff, diff_lists
from homecoming.exchange.reconciliation import CROSSED, Outcome
from homecoming.services import agreements, audit, handovers, persons, registry, stages
from homecoming.services.handovers import Substitute
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.services.search import SearchService
from homecoming.store.db import Database, lock_row
from homecoming.store.exchange_models import StageRow
from homecoming.store.models import Record, Source
from homecoming.store.negotiation_models import CrossingEvent


@dataclass(frozen=True, slots=True)
class CrossingView:
    id: int
    stage: int
    party: str
    kind: str
    person_id: int | None
    record_id: int | None
    handover_id: int | None
    checked_by: str
    check_methods: list[str]
    details: dict[str, Any]
    reason: str
    recorded_by: str
    recorded_at: str

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class ListCheck:
    """A list received at the crossing against the agreed one; `event` when they differ."""

    diff: ListDiff
    event: CrossingView | None = None
    agreed: int = 0
    received: int = 0


# --- an arrival on no list ----------------------------------------------------------------


def record_unlisted_arrival(
    db: Database,
    search: SearchService | None,
    *,
    agreement_id: int,
    number: int,
    party: str,
    arrival: Substitute,
    checked_by: str,
    methods: Iterable[str],
    actor: str,
    notes: str = "",
    scope: Scope = EVERY_PARTY,
) -> CrossingView:
    """Someone handed over by `party` who is on no list: their identity check, the evidence
    (a `handover` record, released, joined to the registry's person when one matches)."""
    party = party.upper()
    chosen = check_methods(methods)
    if not checked_by.strip():
        raise InvalidInput("say who checked the identity (--checked-by)")
    if not arrival.family_name.strip():
        raise InvalidInput("an arrival is recorded under the name they gave (--name)")
    person_id = handovers.resolve_substitute(search, arrival, scope)
    with db.transaction() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        agreement.other(party)
        stage = agreements.stage_row(session, agreement_id, number)
        lock_row(session, "exchange_stages", stage.id)
        if person_id is not None and stages.current_member(session, stage.id, party, person_id):
            raise Conflict(
                f"person {person_id} is on {party}'s side of stage {number}: record their "
                "handover (`homecoming handovers record`), not an arrival on no list"
            )
        methods_text = ", ".join(chosen)
        fields = RecordFields(
            family_name=arrival.family_name.strip(),
            given_names=arrival.given_names.strip(),
            patronymic=arrival.patronymic.strip(),
            date_of_birth=arrival.date_of_birth,
            service_number=arrival.service_number.strip(),
            fate=Fate.RELEASED,
            fate_date=PartialDate.from_date(stage.day),
            notes=(
                f"{agreement.name}, stage {number}: arrived on no list; identity checked by "
                f"{checked_by.strip()} ({methods_text})"
            ),
        )
        record_id = _land(session, agreement, stage, party, fields, person_id, actor)
        landed = session.get(Record, record_id)
        assert landed is not None
        row = CrossingEvent(
            stage_id=stage.id,
            party=party,
            kind=str(CrossingKind.ARRIVED_UNLISTED),
            person_id=landed.person_id,
            record_id=record_id,
            checked_by=checked_by.strip(),
            check_methods=[str(m) for m in chosen],
            details={"notes": notes.strip(), "known_person": person_id is not None},
            reason="",
            recorded_by=actor,
        )
        view = _write(session, row, agreement_id, number, actor)
    return view


def _land(
    session: Session,
    agreement: Agreement,
    stage: StageRow,
    party: str,
    fields: RecordFields,
    person_id: int | None,
    actor: str,
) -> int:
    """One record on the stage's sheet of arrivals on no list (a `handover` source)."""
    name = f"{agreement.name}: stage {stage.number}, arrivals on no list from {party}"
    source = session.scalars(
        select(Source).where(Source.kind == str(SourceKind.HANDOVER), Source.name == name)
    ).first()
    if source is None:
        source = Source(
            kind=str(SourceKind.HANDOVER),
            name=name,
            party_code=party,
            received_at=dt.datetime.combine(stage.day, dt.time(12), dt.UTC),
            received_from="operators at the crossing",
            file_name="",
            content_hash="",
            row_count=0,
            created_by="crossing",
        )
        session.add(source)
        session.flush()
    last = session.scalar(select(func.max(Record.line_number)).where(Record.source_id == source.id))
    line = (last or 1) + 1
    evidence = Evidence(line=line, raw={"crossing": fields.notes}, fields=fields)
    (record_id,) = registry.add_evidence(
        session, source_id=source.id, evidence=[evidence], person_ids=[person_id], actor=actor
    )
    source.row_count = line - 1
    return record_id


# --- a list that differs from the agreed one -----------------------------------------------


def check_received_list(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    party: str,
    rows: Iterable[Evidence | list[RowProblem]],
    file_name: str,
    content_hash: str,
    actor: str,
    scope: Scope = EVERY_PARTY,
) -> ListCheck:
    """Compare the list `party` brought to the crossing with the stage's agreed side; when
    they differ, keep the difference as an event. Any bad row refuses the whole file."""
    party = party.upper()
    received: list[Evidence] = []
    problems: list[RowProblem] = []
    for item in rows:
        if isinstance(item, list):
            problems.extend(item)
        else:
            received.append(item)
    if problems:
        raise InvalidInput(
            f"{len({p.line for p in problems})} row(s) of {file_name} are invalid; nothing "
            "was recorded",
            problems,
        )
    if not received:
        raise InvalidInput(f"{file_name} has no entries")
    with db.transaction() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        agreement.other(party)
        stage = agreements.stage_row(session, agreement_id, number)
        lock_row(session, "exchange_stages", stage.id)
        members = sorted(
            (m for (p, _), m in stages.current_members(session, stage.id).items() if p == party),
            key=lambda m: m.id,
        )
        records = stages.listed_records(session, members)
        agreed = [
            _entry(i, persons.record_fields(records[m.person_id]))
            for i, m in enumerate(members, 1)
            if m.person_id in records
        ]
        diff = diff_lists(agreed, [_entry(e.line, e.fields) for e in received])
        if not (diff.added or diff.removed or diff.changed):
            return ListCheck(diff, None, len(agreed), len(received))
        row = CrossingEvent(
            stage_id=stage.id,
            party=party,
            kind=str(CrossingKind.LIST_DIFFERS),
            check_methods=[],
            details={
                "file_name": file_name,
                "content_hash": content_hash,
                "agreed": len(agreed),
                "received": len(received),
                **diff_json(diff),
            },
            reason="",
            recorded_by=actor,
        )
        view = _write(session, row, agreement_id, number, actor)
    return ListCheck(diff, view, len(agreed), len(received))


def _entry(line: int, fields: RecordFields) -> DiffEntry:
    return DiffEntry(
        line=line,
        name=fields.display_name(),
        date_of_birth=fields.date_of_birth.iso(),
        service_number=fields.service_number,
        fields={"rank": fields.rank, "unit": fields.unit},
    )


def diff_json(diff: ListDiff) -> dict[str, Any]:
    """The diff as kept with the event: names and lines, and each changed field."""

    def one(e: DiffEntry) -> dict[str, Any]:
        return {"line": e.line, "name": e.name, "date_of_birth": e.date_of_birth}

    return {
        "added": [one(e) for e in diff.added],
        "removed": [one(e) for e in diff.removed],
        "changed": [
            {
                "agreed_line": c.old.line,
                "received_line": c.new.line,
                "name": c.new.name,
                "changes": [
                    {"field": f.field, "agreed": f.old, "received": f.new} for f in c.changes
                ],
            }
            for c in diff.changed
        ],
    }


# --- taken back, sent back ------------------------------------------------------------------


def record_taken_back(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    party: str,
    person_id: int,
    reason: str,
    actor: str,
    scope: Scope = EVERY_PARTY,
) -> CrossingView:
    """A listed person brought to the crossing and taken back by the side handing over."""
    return _not_handed_over(
        db,
        kind=CrossingKind.TAKEN_BACK,
        agreement_id=agreement_id,
        number=number,
        party=party,
        person_id=person_id,
        reason=require_reason(reason, what="a person taken back"),
        actor=actor,
        scope=scope,
    )


def record_returned(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    party: str,
    person_id: int,
    reason: str,
    actor: str,
    scope: Scope = EVERY_PARTY,
) -> CrossingView:
    """A person handed over and then sent back across (the handover no longer stands)."""
    return _not_handed_over(
        db,
        kind=CrossingKind.RETURNED,
        agreement_id=agreement_id,
        number=number,
        party=party,
        person_id=person_id,
        reason=require_reason(reason, what="a person sent back"),
        actor=actor,
        scope=scope,
    )


def _not_handed_over(
    db: Database,
    *,
    kind: CrossingKind,
    agreement_id: int,
    number: int,
    party: str,
    person_id: int,
    reason: str,
    actor: str,
    scope: Scope,
) -> CrossingView:
    party = party.upper()
    with db.transaction() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        lock_row(session, "exchange_stages", stage.id)
        member = stages.current_member(session, stage.id, party, person_id)
        if member is None:
            raise NotFound(
                f"person {person_id} is not on {party}'s side of stage {number}; "
                "`homecoming stages show` lists who is"
            )
        previous = handovers.latest(session, stage.id, person_id)
        crossed = previous is not None and Outcome(previous.outcome) in CROSSED
        if kind is CrossingKind.TAKEN_BACK and crossed:
            raise Conflict(
                f"person {person_id} is recorded as {previous.outcome if previous else ''}: "
                "one handed over and then sent back is `returned`, not taken back"
            )
        if kind is CrossingKind.RETURNED and not (
            previous is not None and previous.outcome == Outcome.DELIVERED
        ):
            raise Conflict(
                f"person {person_id} is not recorded as handed over in stage {number}: only a "
                "person handed over can be sent back (one never handed over was taken back)"
            )
        what = (
            "brought to the crossing and taken back"
            if kind is CrossingKind.TAKEN_BACK
            else ("handed over, then sent back")
        )
        handover = handovers.write(
            session,
            agreement=agreement,
            agreement_id=agreement_id,
            stage=stage,
            member=member,
            outcome=Outcome.NOT_DELIVERED,
            previous=previous,
            evidence=f"{what}: {reason}",
            substitute=None,
            substitute_id=None,
            actor=actor,
            action="handover.corrected" if previous is not None else "handover.recorded",
            details={"crossing": str(kind)},
        )
        row = CrossingEvent(
            stage_id=stage.id,
            party=party,
            kind=str(kind),
            person_id=person_id,
            record_id=handover.record_id,
            handover_id=handover.id,
            check_methods=[],
            details={},
            reason=reason,
            recorded_by=actor,
        )
        view = _write(session, row, agreement_id, number, actor)
    return view


# --- reading --------------------------------------------------------------------------------


def list_events(
    db: Database, *, agreement_id: int, number: int, scope: Scope = EVERY_PARTY
) -> list[CrossingView]:
    """A stage's crossing events in the order recorded."""
    with db.reading() as session:
        agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        rows: Sequence[CrossingEvent] = session.scalars(
            select(CrossingEvent)
            .where(CrossingEvent.stage_id == stage.id)
            .order_by(CrossingEvent.id)
        ).all()
        return [_view(r, number) for r in rows]


def _write(
    session: Session, row: CrossingEvent, agreement_id: int, number: int, actor: str
) -> CrossingView:
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action=f"crossing.{row.kind}",
        subject=f"crossing_event:{row.id}",
        details={
            "agreement": agreement_id,
            "stage": number,
            "party": row.party,
            "person": row.person_id,
            "record": row.record_id,
            "handover": row.handover_id,
            "checked_by": row.checked_by,
            "methods": list(row.check_methods),
            "added": len(row.details.get("added", [])),
            "removed": len(row.details.get("removed", [])),
            "changed": len(row.details.get("changed", [])),
        },
    )
    return _view(row, number)


def _view(row: CrossingEvent, number: int) -> CrossingView:
    return CrossingView(
        id=row.id,
        stage=number,
        party=row.party,
        kind=row.kind,
        person_id=row.person_id,
        record_id=row.record_id,
        handover_id=row.handover_id,
        checked_by=row.checked_by,
        check_methods=list(row.check_methods),
        details=dict(row.details),
        reason=row.reason,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at.isoformat(),
    )
