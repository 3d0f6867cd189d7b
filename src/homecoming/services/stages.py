"""Stages: a CP-SAT suggestion of who goes in which stage, then a negotiator's changes.

Membership is rows (`stage_members`: add / remove), never updates. A change that would break
parity is refused (Conflict) unless a user allowed to override records a reason with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from homecoming.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.parity import (
    Counts,
    ParityFinding,
    breaches,
    check_running,
    check_stage,
)
from homecoming.exchange.planning import TIME_LIMIT_SECONDS, Candidate, Plan, plan_stages
from homecoming.services import agreements, audit, disclosures, exchange_lists, persons
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database, Prepared, connection_of, lock_row
from homecoming.store.exchange_models import ListEntry, ListVersion, StageMember, StageRow
from homecoming.store.models import Person, Record

# GCIII Art. 17 and the category: what the other party receives about each person.
AGREED_FIELDS = (
    "family_name",
    "given_names",
    "patronymic",
    "date_of_birth",
    "rank",
    "service_number",
    "category",
)


@dataclass(frozen=True, slots=True)
class MemberChange:
    """One person to add to or remove from one side of a stage."""

    party: str
    person_id: int
    category: str | None = None  # needed to add someone not on an accepted list entry
    entry_id: int | None = None


@dataclass(frozen=True, slots=True)
class MemberView:
    party: str
    person_id: int
    name: str
    category: str
    origin: str
    entry_id: int | None
    override_reason: str | None


@dataclass(frozen=True, slots=True)
class StageView:
    """A stage: the plan, who is in it on each side, its counts and parity findings."""

    id: int
    agreement_id: int
    number: int
    day: str
    planned: dict[str, int]
    members: list[MemberView]
    counts: dict[str, dict[str, int]]  # party -> category -> count
    findings: list[ParityFinding] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PlanView:
    """What the solver suggested and wrote, stage by stage."""

    stages: list[StageView]
    left_out: int
    solver_status: str
    seconds: float


def plan(
    db: Database,
    *,
    agreement_id: int,
    actor: str,
    time_limit: float = TIME_LIMIT_SECONDS,
    scope: Scope = EVERY_PARTY,
) -> PlanView:
    """Compose every stage that has no members yet, from the accepted list entries."""
    with db.reading() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        rows = _stages(session, agreement_id)
        current = {row.number: _current(session, row.id) for row in rows}
    closed = {n: _counts(m) for n, m in current.items() if m}
    taken = {(p, pid) for members in current.values() for (p, pid) in members}
    accepted = exchange_lists.accepted_entries(db, agreement_id=agreement_id)
    candidates, by_key = _candidates(agreement, accepted, taken)
    suggestion = plan_stages(agreement, candidates, closed=closed, time_limit=time_limit)
    _write_plan(db, agreement_id, suggestion, by_key, actor)
    return PlanView(
        stages=[show(db, agreement_id=agreement_id, number=r.number, scope=scope) for r in rows],
        left_out=len(suggestion.left_out),
        solver_status=suggestion.solver_status,
        seconds=round(suggestion.seconds, 3),
    )


def _candidates(
    agreement: Agreement,
    accepted: Sequence[exchange_lists.AcceptedEntry],
    taken: set[tuple[str, int]],
) -> tuple[list[Candidate], dict[int, exchange_lists.AcceptedEntry]]:
    day = agreement.age_day()
    seen: set[tuple[str, int]] = set(taken)
    candidates = []
    by_key = {}
    for entry in accepted:
        if (entry.party, entry.person_id) in seen:
            continue
        seen.add((entry.party, entry.person_id))
        captured = entry.captured_on
        days = (
            (day - dt.date(captured.year, captured.month or 1, captured.day or 1)).days
            if captured.year
            else 0
        )
        candidates.append(
            Candidate(
                key=entry.entry_id,
                party=entry.party,
                category=entry.category,
                seriously_wounded=entry.seriously_wounded,
                captivity_days=max(days, 0),
                age=entry.date_of_birth.age_on(day) or 0,
            )
        )
        by_key[entry.entry_id] = entry
    return candidates, by_key


def _write_plan(
    db: Database,
    agreement_id: int,
    suggestion: Plan,
    by_key: dict[int, exchange_lists.AcceptedEntry],
    actor: str,
) -> None:
    with db.transaction() as session:
        for number, parties in suggestion.members.items():
            if not any(parties.values()):
                continue
            stage = agreements.stage_row(session, agreement_id, number)
            lock_row(session, "exchange_stages", stage.id)
            if _current(session, stage.id):
                raise Conflict(f"stage {number} was composed meanwhile; plan again")
            for keys in parties.values():
                for key in keys:
                    entry = by_key[key]
                    session.add(
                        StageMember(
                            stage_id=stage.id,
                            party=entry.party,
                            person_id=entry.person_id,
                            list_entry_id=entry.entry_id,
                            category_code=entry.category,
                            action="add",
                            origin="plan",
                            reason="CP-SAT suggestion",
                            changed_by=actor,
                        )
                    )
        audit.append(
            session,
            actor=actor,
            action="stages.planned",
            subject=f"agreement:{agreement_id}",
            details={
                "solver": suggestion.solver_status,
                "seconds": round(suggestion.seconds, 3),
                "counts": {
                    str(n): {f"{p}/{c}": v for (p, c), v in sorted(counts.items())}
                    for n, counts in suggestion.counts.items()
                },
                "left_out": len(suggestion.left_out),
            },
        )


def change(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    actor: str,
    add: Sequence[MemberChange] = (),
    remove: Sequence[MemberChange] = (),
    reason: str = "",
    override_reason: str | None = None,
    may_override: bool = False,
    scope: Scope = EVERY_PARTY,
) -> StageView:
    """Add and remove people in one step; refused if it breaks parity without an override.

    In a party's scope only that party's side changes, and everyone added must have a
    record from that party's sources (no one else's person can be named into a stage).
    """
    if not add and not remove:
        raise InvalidInput("name at least one person to add (--add) or remove (--remove)")
    if override_reason is not None and not may_override:
        raise Forbidden("only a user allowed to override parity may record an override")
    if override_reason is not None and not override_reason.strip():
        raise InvalidInput("an override needs its reason")
    with db.transaction() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        for item in (*add, *remove):
            scope.own_party(item.party, doing="changes a stage's side")
        stage = agreements.stage_row(session, agreement_id, number)
        lock_row(session, "exchange_stages", stage.id)
        current = _current(session, stage.id)
        rows = _rows_for(session, agreement, agreement_id, stage, current, add, remove, scope)
        after = dict(current)
        for row in rows:
            key = (row.party, row.person_id)
            if row.action == "add":
                after[key] = row
            else:
                after.pop(key, None)
        found = _stage_findings(session, agreement, agreement_id, number, _counts(after))
        broken = breaches(found)
        if broken and override_reason is None:
            raise Conflict(
                "this change would break the agreement: "
                + "; ".join(f.message for f in broken)
                + ". Change both sides together, or record an override with its reason"
            )
        for row in rows:
            row.reason = reason
            row.override_reason = override_reason.strip() if broken and override_reason else None
            session.add(row)
        audit.append(
            session,
            actor=actor,
            action="stage.changed",
            subject=f"stage:{stage.id}",
            details={
                "agreement": agreement_id,
                "stage": number,
                "added": [[r.party, r.person_id] for r in rows if r.action == "add"],
                "removed": [[r.party, r.person_id] for r in rows if r.action == "remove"],
                "reason": reason,
                "override": override_reason if broken else None,
                "breaches": [f.message for f in broken],
            },
        )
    return show(db, agreement_id=agreement_id, number=number, scope=scope)


def _rows_for(
    session: Session,
    agreement: Agreement,
    agreement_id: int,
    stage: StageRow,
    current: dict[tuple[str, int], StageMember],
    add: Sequence[MemberChange],
    remove: Sequence[MemberChange],
    scope: Scope,
) -> list[StageMember]:
    rows = []
    elsewhere = _members_elsewhere(session, agreement_id, stage.id)
    for item in remove:
        held = current.get((item.party, item.person_id))
        if held is None:
            raise NotFound(
                f"person {item.person_id} is not on {item.party}'s side of stage {stage.number}"
            )
        rows.append(_member(stage.id, item, held.category_code, held.list_entry_id, "remove"))
    for item in add:
        agreement.other(item.party)
        exists = session.get(Person, item.person_id) is not None
        scope.person(session, item.person_id, exists=exists)
        if item.entry_id is not None:
            _check_entry(session, agreement_id, item)
        if (item.party, item.person_id) in current:
            raise Conflict(f"person {item.person_id} is already in stage {stage.number}")
        if item.person_id in elsewhere:
            raise Conflict(
                f"person {item.person_id} is already in stage {elsewhere[item.person_id]}; "
                "remove them there first"
            )
        category = item.category or _listed_category(session, item)
        if category is None:
            raise InvalidInput(
                f"say which category person {item.person_id} is added under (--category)"
            )
        agreement.category(category)
        rows.append(_member(stage.id, item, category, item.entry_id, "add"))
    return rows


def _check_entry(session: Session, agreement_id: int, item: MemberChange) -> None:
    """A member's list entry must be one of this agreement's, on the member's side."""
    entry = session.get(ListEntry, item.entry_id)
    version = session.get(ListVersion, entry.list_version_id) if entry is not None else None
    if version is None or (version.agreement_id, version.party) != (agreement_id, item.party):
        raise NotFound(
            f"no list entry {item.entry_id} on {item.party}'s lists of agreement {agreement_id}"
        )


def _member(
    stage_id: int, item: MemberChange, category: str, entry_id: int | None, action: str
) -> StageMember:
    return StageMember(
        stage_id=stage_id,
        party=item.party,
        person_id=item.person_id,
        list_entry_id=entry_id,
        category_code=category,
        action=action,
        origin="negotiator",
        reason="",
        changed_by="",
    )


def _listed_category(session: Session, item: MemberChange) -> str | None:
    from homecoming.store.exchange_models import EntryResolution

    query = (
        select(EntryResolution.category_code)
        .where(EntryResolution.person_id == item.person_id)
        .order_by(EntryResolution.id.desc())
    )
    if item.entry_id is not None:
        query = query.where(EntryResolution.list_entry_id == item.entry_id)
    return session.scalars(query).first()


def _members_elsewhere(session: Session, agreement_id: int, stage_id: int) -> dict[int, int]:
    found = {}
    for row in _stages(session, agreement_id):
        if row.id != stage_id:
            for _, person_id in _current(session, row.id):
                found[person_id] = row.number
    return found


def _stage_findings(
    session: Session, agreement: Agreement, agreement_id: int, number: int, counts: Counts
) -> list[ParityFinding]:
    all_counts = [
        counts if row.number == number else _counts(_current(session, row.id))
        for row in _stages(session, agreement_id)
    ]
    return check_stage(agreement, number, counts) + check_running(agreement, all_counts)


def show(db: Database, *, agreement_id: int, number: int, scope: Scope = EVERY_PARTY) -> StageView:
    """A stage with its members, counts and parity findings (names as the scope sees them)."""
    with db.reading() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        current = _current(session, stage.id)
        counts = _counts(current)
        names = member_names(session, current.values(), scope=scope)
        members = [
            MemberView(
                party=m.party,
                person_id=m.person_id,
                name=names.get(m.person_id, ""),
                category=m.category_code,
                origin=m.origin,
                entry_id=m.list_entry_id,
                override_reason=m.override_reason,
            )
            for m in sorted(current.values(), key=lambda m: (m.party, m.category_code, m.id))
        ]
        findings = _stage_findings(session, agreement, agreement_id, number, counts)
    by_party: dict[str, dict[str, int]] = {p: {} for p in agreement.parties}
    for (party, category), n in sorted(counts.items()):
        by_party.setdefault(party, {})[category] = n
    return StageView(
        id=stage.id,
        agreement_id=agreement_id,
        number=number,
        day=stage.day.isoformat(),
        planned=dict(stage.counts),
        members=members,
        counts=by_party,
        findings=findings,
    )


def current_members(session: Session, stage_id: int) -> dict[tuple[str, int], StageMember]:
    """(party, person) -> the row that put them in the stage, for everyone in it now."""
    return _current(session, stage_id)


def current_member(
    session: Session, stage_id: int, party: str, person_id: int
) -> StageMember | None:
    """The row that put this person in the stage for `party`, if they are in it now.

    The same answer as `current_members(...).get((party, person_id))`, reading only the
    person's own rows instead of the whole stage's. Read by Core and returned outside the
    session (the rows are never updated): an ORM load costs several times the read.
    """
    last = _LAST_MEMBER_ROW.first(
        connection_of(session), {"stage_id": stage_id, "party": party, "person_id": person_id}
    )
    return StageMember(**last._asdict()) if last is not None and last.action == "add" else None


# Built once (every handover reads it): building a statement costs more than running it.
_MEMBERS = cast(Table, StageMember.__table__)
_LAST_MEMBER_ROW = Prepared(
    select(_MEMBERS)
    .where(
        _MEMBERS.c.stage_id == bindparam("stage_id"),
        _MEMBERS.c.party == bindparam("party"),
        _MEMBERS.c.person_id == bindparam("person_id"),
    )
    .order_by(_MEMBERS.c.id.desc())
    .limit(1)
)


def _current(session: Session, stage_id: int) -> dict[tuple[str, int], StageMember]:
    rows = session.scalars(
        select(StageMember).where(StageMember.stage_id == stage_id).order_by(StageMember.id)
    ).all()
    current: dict[tuple[str, int], StageMember] = {}
    for row in rows:
        key = (row.party, row.person_id)
        if row.action == "add":
            current[key] = row
        else:
            current.pop(key, None)
    return current


def _counts(members: dict[tuple[str, int], StageMember]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for (party, _), row in members.items():
        counts[party, row.category_code] = counts.get((party, row.category_code), 0) + 1
    return counts


def _stages(session: Session, agreement_id: int) -> list[StageRow]:
    return list(
        session.scalars(
            select(StageRow).where(StageRow.agreement_id == agreement_id).order_by(StageRow.number)
        )
    )


def member_names(
    session: Session, members: Iterable[StageMember], *, scope: Scope = EVERY_PARTY
) -> dict[int, str]:
    """Each member's name as their list entry gave it, else their fullest record's.

    Lists are exchanged, so a list entry's name is seen by both parties; a member without
    one is named only from records the scope sees (else the name stays empty).
    """
    rows = list(members)
    names: dict[int, str] = {}
    entry_ids = [m.list_entry_id for m in rows if m.list_entry_id is not None]
    for start in range(0, len(entry_ids), 2_000):
        for entry, record in session.execute(
            select(ListEntry, Record)
            .join(Record, Record.id == ListEntry.record_id)
            .where(ListEntry.id.in_(entry_ids[start : start + 2_000]))
        ):
            names[entry.id] = persons.record_fields(record).display_name()
    by_person = {m.person_id: names.get(m.list_entry_id or -1, "") for m in rows}
    missing = [p for p, n in by_person.items() if not n]
    if missing:
        for record in session.scalars(
            select(Record).where(Record.person_id.in_(missing), scope.records())
        ):
            name = persons.record_fields(record).display_name()
            if record.person_id is not None and len(name) > len(by_person[record.person_id]):
                by_person[record.person_id] = name
    return by_person


def export_rows(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    party: str,
    fields: Sequence[str] = AGREED_FIELDS,
    scope: Scope = EVERY_PARTY,
) -> list[dict[str, object]]:
    """Who `party` hands over in the stage, carrying only the agreed fields.

    In a party's scope only that party's own side is exported.
    """
    unknown = [f for f in fields if f not in AGREED_FIELDS]
    if unknown:
        raise InvalidInput(
            f"{', '.join(unknown)} are not agreed fields ({', '.join(AGREED_FIELDS)})"
        )
    with db.reading() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        if party.upper() not in agreement.parties:
            raise InvalidInput(
                f"party {party!r} is not a side of agreement {agreement_id}: give one of "
                f"{', '.join(agreement.parties)}"
            )
        scope.own_party(party, doing="exports a stage's side")
        stage = agreements.stage_row(session, agreement_id, number)
        members = [m for (p, _), m in _current(session, stage.id).items() if p == party.upper()]
        records = listed_records(session, members, scope=scope)
        rows = []
        for member in sorted(members, key=lambda m: (m.category_code, m.id)):
            record = records.get(member.person_id)
            values = persons.record_fields(record) if record is not None else None
            row: dict[str, object] = {"stage": number, "category": member.category_code}
            for name in fields:
                if name != "category":
                    row[name] = getattr(values, name) if values is not None else ""
            rows.append(row)
    return rows


def disclose_side(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    party: str,
    actor: str,
    recipient: str = "",
    legal_basis: str = "",
    scope: Scope = EVERY_PARTY,
    file: str = "",
) -> list[dict[str, object]]:
    """`export_rows` for handing to someone, logged as a disclosure (who, to whom, why)."""
    rows = export_rows(db, agreement_id=agreement_id, number=number, party=party, scope=scope)
    disclosures.record(
        db,
        actor=actor,
        kind="stage_list",
        what=f"agreement {agreement_id} stage {number}: who {party.upper()} hands over",
        recipient=recipient or "the other party",
        legal_basis=legal_basis or "the exchange agreement",
        items=len(rows),
        details={"file": file} if file else {},
    )
    return rows


def listed_records(
    session: Session, members: Sequence[StageMember], *, scope: Scope = EVERY_PARTY
) -> dict[int, Record]:
    """Each member's record as listed (their list entry's), else their first record in scope."""
    found: dict[int, Record] = {}
    by_entry = {m.list_entry_id: m.person_id for m in members if m.list_entry_id is not None}
    entry_ids = list(by_entry)
    for start in range(0, len(entry_ids), 2_000):
        for entry_id, record in session.execute(
            select(ListEntry.id, Record)
            .join(Record, Record.id == ListEntry.record_id)
            .where(ListEntry.id.in_(entry_ids[start : start + 2_000]))
        ):
            found[by_entry[entry_id]] = record
    missing = [m.person_id for m in members if m.person_id not in found]
    for start in range(0, len(missing), 2_000):
        for record in session.scalars(
            select(Record)
            .where(Record.person_id.in_(missing[start : start + 2_000]), scope.records())
            .order_by(Record.id)
        ):
            if record.person_id is not None:
                found.setdefault(record.person_id, record)
    return found
