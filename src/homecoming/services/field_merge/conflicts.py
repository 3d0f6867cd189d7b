"""The conflicts a person decides: listing, resolving, a stage's field log and outcomes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.exchange.fieldmerge import latest_per_desk
from homecoming.exchange.reconciliation import Outcome
from homecoming.services import agreements, audit, handovers, stages
from homecoming.services.field_merge.settling import (
    _aware,
    _claims,
    _value,
)
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.services.search import SearchService
from homecoming.store.db import Database, lock_row
from homecoming.store.exchange_models import StageRow
from homecoming.store.field_models import FieldConflict, FieldEntry


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
