"""What merging and deciding share: reading a desk's entries and claims, and settling a person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.errors import InvalidInput
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.fieldmerge import Claim, Value, decide, latest_per_desk
from homecoming.exchange.reconciliation import Outcome
from homecoming.services import audit, handovers, stages
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
