"""Reconciliation of an agreement: per stage and category, agreed vs listed vs delivered on both
sides, each party's own declared count beside ours, mismatches by name, and the running total."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import InvalidInput
from homecoming.exchange.reconciliation import (
    CROSSED,
    Mismatch,
    Outcome,
    Reconciliation,
    StageFacts,
    reconcile,
)
from homecoming.services import agreements, audit, handovers, stages
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import DeclaredCount, StageRow


@dataclass(frozen=True, slots=True)
class DeclaredView:
    id: int
    stage: int
    declared_by: str
    handing_party: str
    category: str
    count: int
    note: str
    recorded_by: str


def reconciliation(
    db: Database, *, agreement_id: int, scope: Scope = EVERY_PARTY
) -> Reconciliation:
    """The agreement's figures, stage by stage and in total (names as the scope sees them)."""
    with db.reading() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        rows = session.scalars(
            select(StageRow).where(StageRow.agreement_id == agreement_id).order_by(StageRow.number)
        ).all()
        facts = [_stage_facts(session, row, scope) for row in rows]
    return reconcile(agreement, facts)


def _stage_facts(session: Session, stage: StageRow, scope: Scope) -> StageFacts:
    members = stages.current_members(session, stage.id)
    latest = {(r.party, r.person_id): r for r in handovers.latest_rows(session, stage.id)}
    names = stages.member_names(session, members.values(), scope=scope)
    listed: dict[tuple[str, str], int] = {}
    delivered: dict[tuple[str, str], int] = {}
    mismatches = []
    for key, member in members.items():
        cell = (member.party, member.category_code)
        listed[cell] = listed.get(cell, 0) + 1
        row = latest.get(key)
        outcome = Outcome(row.outcome) if row is not None else None
        if outcome in CROSSED:
            delivered[cell] = delivered.get(cell, 0) + 1
        if outcome is not Outcome.DELIVERED:
            note = ""
            if row is not None and outcome is Outcome.SUBSTITUTED:
                note = f"substituted by {row.substitute_name} (person {row.substitute_person_id})"
            elif row is not None and row.evidence:
                note = row.evidence
            mismatches.append(
                Mismatch(
                    stage=stage.number,
                    party=member.party,
                    category=member.category_code,
                    person_id=member.person_id,
                    name=names.get(member.person_id, ""),
                    outcome=str(outcome) if outcome else "not recorded",
                    note=note,
                )
            )
    declared = {}
    for d in session.scalars(
        select(DeclaredCount).where(DeclaredCount.stage_id == stage.id).order_by(DeclaredCount.id)
    ):
        declared[d.declared_by, d.handing_party, d.category_code] = d.count  # the latest counts
    return StageFacts(
        number=stage.number,
        listed=listed,
        delivered=delivered,
        declared=declared,
        mismatches=sorted(mismatches, key=lambda m: (m.party, m.category, m.name)),
    )


def declare_count(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    declared_by: str,
    handing_party: str,
    category: str,
    count: int,
    actor: str,
    note: str = "",
    scope: Scope = EVERY_PARTY,
) -> DeclaredView:
    """Keep a party's own count of what one side handed over, beside ours (a row each time).

    In a party's scope, only that party's own count is declared.
    """
    if count < 0:
        raise InvalidInput("a declared count cannot be negative")
    with db.transaction() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        scope.own_party(declared_by, doing="declares counts")
        agreement.other(declared_by.upper())
        agreement.other(handing_party.upper())
        agreement.category(category)
        stage = agreements.stage_row(session, agreement_id, number)
        row = DeclaredCount(
            stage_id=stage.id,
            declared_by=declared_by.upper(),
            handing_party=handing_party.upper(),
            category_code=category,
            count=count,
            note=note,
            recorded_by=actor,
        )
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="count.declared",
            subject=f"stage:{stage.id}",
            details={
                "agreement": agreement_id,
                "stage": number,
                "declared_by": row.declared_by,
                "handing_party": row.handing_party,
                "category": category,
                "count": count,
                "note": note,
            },
        )
        return DeclaredView(
            row.id,
            number,
            row.declared_by,
            row.handing_party,
            category,
            count,
            note,
            actor,
        )


def as_dict(result: Reconciliation) -> dict[str, object]:
    """The reconciliation as JSON-able data (CLI --json, API)."""
    return {
        "running": dict(result.running),
        "delivered_total": dict(result.delivered_total),
        "lines": [
            {
                "stage": line.stage,
                "category": line.category,
                "label": line.label,
                "balanced": line.balanced,
                "sides": [
                    {
                        "party": s.party,
                        "agreed": s.agreed,
                        "listed": s.listed,
                        "delivered": s.delivered,
                        "declared": [
                            {"by": d.by, "count": d.count, "differs_by": d.differs_by}
                            for d in s.declared
                        ],
                    }
                    for s in line.sides
                ],
            }
            for line in result.lines
        ],
        "mismatches": [
            {
                "stage": m.stage,
                "party": m.party,
                "category": m.category,
                "person_id": m.person_id,
                "name": m.name,
                "outcome": m.outcome,
                "note": m.note,
            }
            for m in result.mismatches
        ],
    }
