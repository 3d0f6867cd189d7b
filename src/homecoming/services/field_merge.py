"""Merging a field desk's log at the centre, and the conflicts a person decides.

`merge_log` verifies the desk's signature (a key the centre trusts), keeps every entry once
(`field_entries`, keyed by desk and entry: merging the same log again changes nothing), and
settles each person it touched with the pure rules of `exchange.fieldmerge`: what stands is
a function of all the desks' claims, never of the order logs arrive in. A written handover
carries the field operator and field time; its audit entry names them and who merged.
Disagreements, unlisted arrivals and outcomes for people no longer in the stage become
`field_conflicts` for a person to decide (`resolve`). One merge is one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.fieldmerge import Claim, Value, decide, latest_per_desk
from homecoming.exchange.reconciliation import Outcome
from homecoming.formats.signed import Keyring, open_sealed
from homecoming.services import agreements, audit, handovers, stages
from homecoming.services.desk import LOG_KIND, LOG_VERSION
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.services.search import SearchService
from homecoming.store.db import Database, lock_row
from homecoming.store.exchange_models import Handover, StageRow
from homecoming.store.field_models import FieldConflict, FieldEntry

DECIDED = frozenset(str(o) for o in Outcome)


@dataclass(frozen=True, slots=True)
class MergeReport:
    desk_id: str
    desk_name: str
    signed_by: str
    agreement_id: int
    stage: int
    entries: int
    new: int
    already: int
    written: int
    conflicts_opened: int
    conflicts_closed: int
    notes: int


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _substitute(data: dict[str, Any] | None) -> handovers.Substitute | None:
    if not data:
        return None
    return handovers.Substitute(
        family_name=str(data.get("family_name", "")),
        given_names=str(data.get("given_names", "")),
        patronymic=str(data.get("patronymic", "")),
        date_of_birth=PartialDate.parse(data.get("date_of_birth") or None),
        service_number=str(data.get("service_number", "")),
    )


def _substitute_name(data: dict[str, Any] | None) -> str:
    sub = _substitute(data)
    if sub is None:
        return ""
    return " ".join(p for p in (sub.family_name, sub.given_names, sub.patronymic) if p)


def merge_log(
    db: Database,
    search: SearchService | None,
    *,
    data_dir: Path,
    data: bytes,
    source: str,
    actor: str,
    scope: Scope = EVERY_PARTY,
) -> MergeReport:
    """Merge one desk log: idempotent, one transaction, conflicts kept for a person."""
    opened = open_sealed(
        data, kind=LOG_KIND, source=source, trusted=Keyring(data_dir).trusted(), identity=None
    )
    log = opened.payload
    if log.get("version") != LOG_VERSION:
        raise InvalidInput(f"{source}: desk log version {log.get('version')!r} is not one we read")
    try:
        desk_id = str(log["desk_id"])
        agreement_id = int(log["agreement_id"])
        number = int(log["stage"])
        entries = [_entry(e, source) for e in log["entries"]]
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"{source}: the desk log lacks or garbles {error}") from None
    substitute_ids = {
        e["key"]: handovers.resolve_substitute(search, sub, scope)
        for e in entries
        if (sub := _substitute(e.get("substitute"))) is not None
    }
    with db.transaction() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        lock_row(session, "exchange_stages", stage.id)
        known = set(
            session.scalars(select(FieldEntry.entry_key).where(FieldEntry.desk_id == desk_id))
        )
        fresh = [e for e in entries if e["key"] not in known]
        rows = []
        for e in fresh:
            row = FieldEntry(
                desk_id=desk_id,
                entry_key=e["key"],
                seq=e["seq"],
                desk_name=str(log.get("desk_name", "")),
                pack_id=str(log.get("pack_id", "")),
                stage_id=stage.id,
                kind=e["kind"],
                party=e["party"],
                person_id=e["person_id"],
                outcome=e["outcome"],
                substitute=e["substitute"],
                text=e["text"],
                operator=e["operator"],
                field_at=e["at"],
                log_sha256=opened.sha256,
                merged_by=actor,
            )
            session.add(row)
            rows.append(row)
        session.flush()
        members = stages.current_members(session, stage.id)
        member_ids = {pid for (_, pid) in members}
        opened_n = closed_n = written = notes = 0
        for row in rows:
            if row.kind == "outcome" and row.person_id not in member_ids:
                _ask(session, stage, "not_in_stage", row, actor)
                opened_n += 1
            elif row.kind == "arrival":
                _ask(session, stage, "arrival", row, actor)
                opened_n += 1
            elif row.kind == "note":
                notes += 1
                audit.append(
                    session,
                    actor=actor,
                    action="field.noted",
                    subject=f"field_entry:{row.id}",
                    details=_field_details(row, opened.signer.fingerprint),
                )
        touched = sorted(
            {r.person_id for r in rows if r.kind == "outcome" and r.person_id in member_ids}
        )
        for person_id in touched:
            assert person_id is not None
            result = _settle(
                session,
                agreement,
                agreement_id,
                stage,
                person_id,
                actor=actor,
                substitute_ids=substitute_ids,
                signer=opened.signer.fingerprint,
            )
            written += result[0]
            opened_n += result[1]
            closed_n += result[2]
        audit.append(
            session,
            actor=actor,
            action="handovers.merged",
            subject=f"agreement:{agreement_id}/stage:{number}",
            details={
                "desk": desk_id,
                "desk_name": str(log.get("desk_name", "")),
                "signed_by": opened.signer.fingerprint,
                "sha256": opened.sha256,
                "entries": len(entries),
                "new": len(rows),
                "written": written,
                "conflicts_opened": opened_n,
                "conflicts_closed": closed_n,
            },
        )
    return MergeReport(
        desk_id=desk_id,
        desk_name=str(log.get("desk_name", "")),
        signed_by=f"{opened.signer.name} ({opened.signer.fingerprint})",
        agreement_id=agreement_id,
        stage=number,
        entries=len(entries),
        new=len(rows),
        already=len(entries) - len(rows),
        written=written,
        conflicts_opened=opened_n,
        conflicts_closed=closed_n,
        notes=notes,
    )


def _entry(raw: dict[str, Any], source: str) -> dict[str, Any]:
    kind = str(raw["kind"])
    if kind not in ("outcome", "arrival", "note"):
        raise InvalidInput(f"{source}: entry {raw.get('key')!r} has an unknown kind {kind!r}")
    outcome = raw.get("outcome") if kind == "outcome" else None
    if kind == "outcome" and outcome not in DECIDED:
        raise InvalidInput(f"{source}: entry {raw['key']!r} has an unknown outcome {outcome!r}")
    person = raw.get("person_id")
    substitute = raw.get("substitute") if kind == "outcome" else raw.get("fields")
    if kind == "outcome":
        try:
            handovers.check_outcome(
                Outcome(str(outcome)), str(raw.get("evidence", "")), _substitute(substitute)
            )
        except InvalidInput as refused:
            raise InvalidInput(f"{source}: entry {raw['key']!r}: {refused.message}") from None
    return {
        "key": str(raw["key"]),
        "seq": int(raw["seq"]),
        "kind": kind,
        "party": str(raw.get("party", "")).upper(),
        "person_id": int(person) if person is not None else None,
        "outcome": outcome,
        "substitute": substitute or None,
        "text": str(raw.get("evidence", "") if kind == "outcome" else raw.get("text", "")),
        "operator": str(raw["operator"]),
        "at": _aware(dt.datetime.fromisoformat(str(raw["at"]))),
    }


def _field_details(row: FieldEntry, signer: str) -> dict[str, Any]:
    return {
        "desk": row.desk_id,
        "desk_name": row.desk_name,
        "entry": row.entry_key,
        "field_operator": row.operator,
        "field_time": _aware(row.field_at).isoformat(),
        "signed_by": signer,
    }


def _ask(session: Session, stage: StageRow, kind: str, row: FieldEntry, actor: str) -> None:
    conflict = FieldConflict(
        stage_id=stage.id, kind=kind, person_id=row.person_id, entry_id=row.id, opened_by=actor
    )
    session.add(conflict)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="field.conflict_opened",
        subject=f"field_conflict:{conflict.id}",
        details={"kind": kind, "person": row.person_id, **_field_details(row, "")},
    )


def _claims(session: Session, stage_id: int, person_id: int) -> list[tuple[Claim, FieldEntry]]:
    rows = session.scalars(
        select(FieldEntry)
        .where(
            FieldEntry.stage_id == stage_id,
            FieldEntry.person_id == person_id,
            FieldEntry.kind == "outcome",
        )
        .order_by(FieldEntry.id)
    ).all()
    return [
        (
            Claim(
                desk=r.desk_id,
                seq=r.seq,
                outcome=str(r.outcome),
                substitute=_substitute_name(r.substitute),
                at=_aware(r.field_at),
            ),
            r,
        )
        for r in rows
    ]


def _value(row: Handover | None) -> Value | None:
    if row is None:
        return None
    return (row.outcome, " ".join(row.substitute_name.casefold().split()))


def _standing(
    session: Session, stage_id: int, person_id: int
) -> tuple[Value | None, dt.datetime | None]:
    """The centre's own outcome (recorded there, or decided), and when a person last decided."""
    central = session.scalars(
        select(Handover)
        .where(
            Handover.stage_id == stage_id,
            Handover.person_id == person_id,
            Handover.field_entry_id.is_(None),
        )
        .order_by(Handover.id.desc())
    ).first()
    decided = session.scalars(
        select(FieldConflict)
        .where(
            FieldConflict.stage_id == stage_id,
            FieldConflict.person_id == person_id,
            FieldConflict.kind == "outcome",
            FieldConflict.resolution.in_(DECIDED),
        )
        .order_by(FieldConflict.resolved_at.desc())
    ).first()
    decided_at = _aware(decided.resolved_at) if decided and decided.resolved_at else None
    if (
        decided is not None
        and decided_at is not None
        and (central is None or _aware(central.recorded_at) <= decided_at)
    ):
        latest = _value(handovers.latest(session, stage_id, person_id))
        sub = latest[1] if latest is not None and latest[0] == decided.resolution else ""
        return (str(decided.resolution), sub), decided_at
    return _value(central), decided_at


def _settle(
    session: Session,
    agreement: Agreement,
    agreement_id: int,
    stage: StageRow,
    person_id: int,
    *,
    actor: str,
    substitute_ids: dict[str, int | None],
    signer: str,
) -> tuple[int, int, int]:
    """Bring one person in line with the claims: (written, opened, closed)."""
    standing, decided_at = _standing(session, stage.id, person_id)
    pairs = _claims(session, stage.id, person_id)
    by_claim = {id(c): r for c, r in pairs}
    finals = latest_per_desk(c for c, _ in pairs)
    entry_of = {(c.desk, c.seq): by_claim[id(c)] for c, _ in pairs}
    open_claims = [
        c
        for c in finals
        if decided_at is None or _aware(entry_of[(c.desk, c.seq)].merged_at) > decided_at
    ]
    previous = handovers.latest(session, stage.id, person_id)
    decision = decide(standing, open_claims, _value(previous))
    written = opened = closed = 0
    if decision.write is not None:
        entry = entry_of[(decision.write.desk, decision.write.seq)]
        member = next(
            m
            for (_, pid), m in stages.current_members(session, stage.id).items()
            if pid == person_id
        )
        handovers.write(
            session,
            agreement=agreement,
            agreement_id=agreement_id,
            stage=stage,
            member=member,
            outcome=Outcome(str(entry.outcome)),
            previous=previous,
            evidence=entry.text,
            substitute=_substitute(entry.substitute),
            substitute_id=substitute_ids.get(entry.entry_key),
            actor=actor,
            action="handover.merged",
            recorded_by=entry.operator,
            recorded_at=_aware(entry.field_at),
            field_entry_id=entry.id,
            details=_field_details(entry, signer),
        )
        written = 1
    current = session.scalars(
        select(FieldConflict).where(
            FieldConflict.stage_id == stage.id,
            FieldConflict.person_id == person_id,
            FieldConflict.kind == "outcome",
            FieldConflict.resolved_at.is_(None),
        )
    ).first()
    if decision.conflict and current is None:
        conflict = FieldConflict(
            stage_id=stage.id, kind="outcome", person_id=person_id, opened_by=actor
        )
        session.add(conflict)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="field.conflict_opened",
            subject=f"field_conflict:{conflict.id}",
            details={
                "kind": "outcome",
                "person": person_id,
                "claims": [
                    {
                        "desk": c.desk,
                        "outcome": c.outcome,
                        "field_operator": entry_of[(c.desk, c.seq)].operator,
                        "field_time": c.at.isoformat(),
                    }
                    for c in open_claims
                ],
                "centre": standing[0] if standing else None,
            },
        )
        opened = 1
    elif not decision.conflict and current is not None:
        current.resolved_at = dt.datetime.now(dt.UTC)
        current.resolved_by = actor
        current.resolution = "agreed"
        current.reason = "the desks' latest entries now agree"
        audit.append(
            session,
            actor=actor,
            action="field.conflict_closed",
            subject=f"field_conflict:{current.id}",
            details={"person": person_id, "resolution": "agreed"},
        )
        closed = 1
    return written, opened, closed


@dataclass(frozen=True, slots=True)
class ClaimView:
    desk_id: str
    desk_name: str
    entry: str
    outcome: str
    substitute: str
    note: str
    operator: str
    field_at: str
    merged_at: str


@dataclass(frozen=True, slots=True)
class ConflictView:
    """Something a person decides, with every claim behind it."""

    id: int
    agreement_id: int
    stage: int
    kind: str  # outcome / arrival / not_in_stage
    person_id: int | None
    current: str | None  # the outcome the centre's handovers show now
    opened_at: str
    opened_by: str
    resolved_at: str | None
    resolved_by: str | None
    resolution: str | None
    reason: str
    claims: list[ClaimView] = field(default_factory=list)


def _claim_view(row: FieldEntry) -> ClaimView:
    fields = row.substitute or {}
    name = " ".join(
        str(fields.get(k, ""))
        for k in ("family_name", "given_names", "patronymic")
        if fields.get(k)
    )
    born = str(fields.get("date_of_birth", "") or "")
    return ClaimView(
        desk_id=row.desk_id,
        desk_name=row.desk_name,
        entry=row.entry_key,
        outcome=row.outcome or row.kind,
        substitute=f"{name}, {born}" if name and born else name,
        note=row.text,
        operator=row.operator,
        field_at=_aware(row.field_at).isoformat(),
        merged_at=_aware(row.merged_at).isoformat(),
    )


def _conflict_view(session: Session, row: FieldConflict) -> ConflictView:
    stage = session.get(StageRow, row.stage_id)
    assert stage is not None
    if row.kind == "outcome" and row.person_id is not None:
        entries = [r for _, r in _claims(session, stage.id, row.person_id)]
        finals = {
            (c.desk, c.seq)
            for c in latest_per_desk(c for c, _ in _claims(session, stage.id, row.person_id))
        }
        claims = [_claim_view(r) for r in entries if (r.desk_id, r.seq) in finals]
    else:
        entry = session.get(FieldEntry, row.entry_id) if row.entry_id is not None else None
        claims = [_claim_view(entry)] if entry is not None else []
    latest = handovers.latest(session, stage.id, row.person_id) if row.person_id else None
    return ConflictView(
        id=row.id,
        agreement_id=stage.agreement_id,
        stage=stage.number,
        kind=row.kind,
        person_id=row.person_id,
        current=latest.outcome if latest is not None else None,
        opened_at=_aware(row.opened_at).isoformat(),
        opened_by=row.opened_by,
        resolved_at=_aware(row.resolved_at).isoformat() if row.resolved_at else None,
        resolved_by=row.resolved_by,
        resolution=row.resolution,
        reason=row.reason,
        claims=claims,
    )


def list_conflicts(
    db: Database,
    *,
    agreement_id: int | None = None,
    number: int | None = None,
    include_resolved: bool = False,
    scope: Scope = EVERY_PARTY,
) -> list[ConflictView]:
    """What waits for a person to decide (and, with include_resolved, what was decided)."""
    with db.reading() as session:
        query = select(FieldConflict).join(StageRow, StageRow.id == FieldConflict.stage_id)
        if agreement_id is not None:
            agreements.load(session, agreement_id, scope=scope)
            query = query.where(StageRow.agreement_id == agreement_id)
        if number is not None:
            query = query.where(StageRow.number == number)
        if not include_resolved:
            query = query.where(FieldConflict.resolved_at.is_(None))
        rows = session.scalars(query.order_by(FieldConflict.id)).all()
        views = []
        for row in rows:
            stage = session.get(StageRow, row.stage_id)
            if stage is not None and scope.sees_agreement(
                agreements.load(session, stage.agreement_id).parties
            ):
                views.append(_conflict_view(session, row))
        return views


def resolve(
    db: Database,
    search: SearchService | None,
    *,
    conflict_id: int,
    actor: str,
    reason: str,
    outcome: Outcome | None = None,
    evidence: str = "",
    substitute: handovers.Substitute | None = None,
    scope: Scope = EVERY_PARTY,
) -> ConflictView:
    """A person decides: the outcome that stands (conflicts about outcomes), or that an
    unlisted arrival or a stray entry has been dealt with (with the reason, always)."""
    if not reason.strip():
        raise InvalidInput("a decision needs its reason (--reason): it is kept with it")
    if outcome is not None:
        handovers.check_outcome(outcome, evidence, substitute)
    substitute_id = (
        handovers.resolve_substitute(search, substitute, scope) if substitute is not None else None
    )
    with db.transaction() as session:
        row = session.get(FieldConflict, conflict_id)
        if row is None:
            raise NotFound(
                f"no conflict {conflict_id}: `homecoming handovers conflicts` lists them"
            )
        stage = session.get(StageRow, row.stage_id)
        assert stage is not None
        agreement = agreements.load(session, stage.agreement_id, scope=scope)
        lock_row(session, "exchange_stages", stage.id)
        if row.resolved_at is not None:
            raise Conflict(
                f"conflict {conflict_id} was already resolved by {row.resolved_by} "
                f"({row.resolution}: {row.reason})"
            )
        if row.kind == "outcome":
            if outcome is None:
                raise InvalidInput(
                    f"conflict {conflict_id} is about person {row.person_id}'s outcome: "
                    "decide it with --outcome"
                )
            assert row.person_id is not None
            previous = handovers.latest(session, stage.id, row.person_id)
            wanted = (
                str(outcome),
                " ".join(handovers.substitute_name(substitute).casefold().split()),
            )
            if _value(previous) != wanted:
                member = stages.current_members(session, stage.id).get(
                    (previous.party if previous else "", row.person_id)
                ) or next(
                    m
                    for (_, pid), m in stages.current_members(session, stage.id).items()
                    if pid == row.person_id
                )
                handovers.write(
                    session,
                    agreement=agreement,
                    agreement_id=stage.agreement_id,
                    stage=stage,
                    member=member,
                    outcome=outcome,
                    previous=previous,
                    evidence=evidence,
                    substitute=substitute,
                    substitute_id=substitute_id,
                    actor=actor,
                    action="handover.decided",
                    details={"conflict": conflict_id, "reason": reason.strip()},
                )
            row.resolution = str(outcome)
        else:
            if outcome is not None:
                raise InvalidInput(
                    f"conflict {conflict_id} is an {row.kind.replace('_', ' ')}: there is no "
                    "outcome to choose; add the person to the stage (`homecoming stages add`) "
                    "and record them, then resolve it with --reason alone"
                )
            row.resolution = "acknowledged"
        row.resolved_at = dt.datetime.now(dt.UTC)
        row.resolved_by = actor
        row.reason = reason.strip()
        audit.append(
            session,
            actor=actor,
            action="field.conflict_resolved",
            subject=f"field_conflict:{conflict_id}",
            details={"person": row.person_id, "resolution": row.resolution},
        )
        session.flush()
        view = _conflict_view(session, row)
    return view


def field_log(
    db: Database, *, agreement_id: int, number: int, scope: Scope = EVERY_PARTY
) -> list[ClaimView]:
    """Every field entry merged for a stage (outcomes, arrivals, notes), in merge order."""
    with db.reading() as session:
        agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        rows = session.scalars(
            select(FieldEntry).where(FieldEntry.stage_id == stage.id).order_by(FieldEntry.id)
        ).all()
        return [_claim_view(r) for r in rows]


def person_outcomes(db: Database, *, agreement_id: int, number: int) -> dict[int, str]:
    """The latest outcome per person of a stage (what the tally counts)."""
    with db.reading() as session:
        stage = agreements.stage_row(session, agreement_id, number)
        return {r.person_id: r.outcome for r in handovers.latest_rows(session, stage.id)}
