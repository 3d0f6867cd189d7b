"""The queue of leads, one lead's detail, decisions on it, and the family's status after."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.domain.record import Fate, SourceKind
from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.services import audit, handovers, inquiries, notifications
from homecoming.services.leads.matching import _insert_leads
from homecoming.services.persons import record_fields
from homecoming.store.db import Database
from homecoming.store.models import Record, Source
from homecoming.store.tracing_models import Inquiry, Lead, LeadDecision, Sighting
from homecoming.tracing.evidence import CLOSED, Origin, origin_of, read
from homecoming.tracing.evidence import next_status as next_family_status
from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.lead_rules import (
    Decision,
    LeadKind,
    LeadState,
    state_after,
)


@dataclass(frozen=True, slots=True)
class LeadView:
    """A lead with the inquiry and the evidence side by side, and the name explanation."""

    id: int
    inquiry_id: int
    reference: str
    kind: str
    state: str
    score: float
    name_score: float
    reason: str
    reasons: list[str]
    explanation: dict[str, Any]
    fate: str | None
    sought: dict[str, str]
    evidence: dict[str, str]
    record_id: int | None
    person_id: int | None
    sighting_id: int | None
    debrief_answer_id: int | None
    created_at: str
    decisions: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def queue(
    db: Database,
    *,
    state: LeadState | None = LeadState.PENDING,
    inquiry: int | str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[LeadView]:
    """Leads to look at, strongest first (or one inquiry's, in any state)."""
    query = select(Lead)
    with db.reading() as session:
        if inquiry is not None:
            query = query.where(Lead.inquiry_id == inquiries.find(session, inquiry).id)
        if state is not None:
            query = query.where(Lead.state == state.value)
        rows = session.scalars(
            query.order_by(Lead.score.desc(), Lead.id).limit(limit).offset(offset)
        ).all()
        return [_view(session, row) for row in rows]


def show(db: Database, lead_id: int) -> LeadView:
    with db.reading() as session:
        return _view(session, _get(session, lead_id))


def _get(session: Session, lead_id: int) -> Lead:
    row = session.get(Lead, lead_id)
    if row is None:
        raise NotFound(f"no lead {lead_id}; `homecoming leads list` shows the queue")
    return row


def _side(fields: Any, extra: dict[str, str] | None = None) -> dict[str, str]:
    values = {
        "name": fields.display_name(),
        "date_of_birth": fields.date_of_birth.iso(),
        "sex": fields.sex.value if fields.sex else "",
        "unit": fields.unit,
        "rank": fields.rank,
        "service_number": fields.service_number,
        "place_of_detention": fields.place_of_detention,
        "event_date": fields.event_date.iso(),
        "event_place": fields.event_place,
        "fate": fields.fate.value if fields.fate else "",
        "fate_date": fields.fate_date.iso(),
    }
    values.update(extra or {})
    return {k: v for k, v in values.items() if v}


def _view(session: Session, row: Lead) -> LeadView:
    inquiry = session.get(Inquiry, row.inquiry_id)
    assert inquiry is not None
    own = session.get(Record, inquiry.record_id)
    assert own is not None
    sought = _side(record_fields(own), {"call_sign": inquiry.call_sign})
    evidence: dict[str, str] = {}
    if row.record_id is not None:
        record = session.get(Record, row.record_id)
        assert record is not None
        source = session.get(Source, record.source_id)
        assert source is not None
        extra = {"source": source.name, "source_kind": source.kind}
        if row.sighting_id is not None:
            sighting = session.get(Sighting, row.sighting_id)
            assert sighting is not None
            extra |= {
                "as_heard": sighting.as_heard,
                "call_sign": sighting.call_sign,
                "nickname": sighting.nickname,
                "seen_when": sighting.seen_when,
                "condition": sighting.condition,
            }
        evidence = _side(record_fields(record), extra)
    elif row.debrief_answer_id is not None:
        from homecoming.store.tracing_models import DebriefAnswer

        answer = session.get(DebriefAnswer, row.debrief_answer_id)
        assert answer is not None
        evidence = {
            k: v
            for k, v in {
                "debrief_answer": answer.answer,
                "testimony": str(answer.testimony_id),
                "photo": str(answer.photo_id),
                "place_of_detention": answer.facility,
                "seen_when": answer.seen_when,
                "notes": answer.notes,
            }.items()
            if v
        }
    if row.kind in (LeadKind.BELONGINGS, LeadKind.IDENTIFICATION):
        evidence = {k: str(v) for k, v in row.explanation.items() if v}
    decisions = session.scalars(
        select(LeadDecision).where(LeadDecision.lead_id == row.id).order_by(LeadDecision.id)
    ).all()
    return LeadView(
        id=row.id,
        inquiry_id=inquiry.id,
        reference=inquiry.reference,
        kind=row.kind,
        state=row.state,
        score=row.score,
        name_score=row.name_score,
        reason=row.reason,
        reasons=list(row.reasons),
        explanation=dict(row.explanation),
        fate=row.fate,
        sought=sought,
        evidence=evidence,
        record_id=row.record_id,
        person_id=row.person_id,
        sighting_id=row.sighting_id,
        debrief_answer_id=row.debrief_answer_id,
        created_at=row.created_at.isoformat(),
        decisions=[
            {
                "decision": d.decision,
                "reason": d.reason,
                "by": d.decided_by,
                "at": d.decided_at.isoformat(),
            }
            for d in decisions
        ],
    )


@dataclass(frozen=True, slots=True)
class Decided:
    """What a decision changed: the lead, the inquiry's status, a notification prepared."""

    lead: LeadView
    status: str
    previous_status: str
    notification_id: int | None


def decide(db: Database, *, lead_id: int, decision: Decision, reason: str, actor: str) -> Decided:
    """Verify, reject (with a reason) or reopen a lead: a decision row, never an update.

    Verifying evidence of a fate the family has not been told moves the case's status and
    prepares the message to the family (sent only after a second person approves it).
    """
    with db.transaction() as session:
        status, previous, notification_id = decide_in(
            session, lead_id=lead_id, decision=decision, reason=reason, actor=actor
        )
    return Decided(show(db, lead_id), status, previous, notification_id)


def decide_in(
    session: Session, *, lead_id: int, decision: Decision, reason: str, actor: str
) -> tuple[str, str, int | None]:
    """Decide in the caller's transaction (exchange day verifies a batch in one): the status,
    the status before, and the message prepared, if any."""
    if decision is Decision.REJECT and not reason.strip():
        raise InvalidInput("say why the lead is rejected (e.g. 'different date of birth')")
    row = _get(session, lead_id)
    current = LeadState(row.state)
    if decision is Decision.VERIFY and current is LeadState.VERIFIED:
        raise Conflict(f"lead {lead_id} is already verified")
    if decision is Decision.REJECT and current is LeadState.REJECTED:
        raise Conflict(f"lead {lead_id} is already rejected")
    if decision is Decision.REOPEN and current is LeadState.PENDING:
        raise Conflict(f"lead {lead_id} is pending: there is nothing to reopen")
    if decision is Decision.VERIFY and row.record_id is not None:
        # The family would be told what an operator has since taken back.
        handovers.refuse_corrected(
            session,
            row.record_id,
            what=f"lead {lead_id}",
            then="Reject this lead; the correction's own record has a lead of its own if it "
            "answers this inquiry",
        )
    session.add(
        LeadDecision(lead_id=row.id, decision=decision.value, reason=reason, decided_by=actor)
    )
    session.flush()
    earlier = session.scalars(
        select(LeadDecision.decision)
        .where(LeadDecision.lead_id == row.id)
        .order_by(LeadDecision.id)
    ).all()
    row.state = state_after([Decision(d) for d in earlier]).value
    inquiry = session.get(Inquiry, row.inquiry_id)
    assert inquiry is not None
    previous = inquiry.status
    status = refresh_status(session, inquiry)
    notification_id = None
    if decision is Decision.VERIFY and status != previous:
        notification_id = notifications.prepare_in(
            session, inquiry=inquiry, lead_id=row.id, actor=actor
        )
    audit.append(
        session,
        actor=actor,
        action=f"lead.{row.state if decision is not Decision.REOPEN else 'reopened'}",
        subject=f"lead:{row.id}",
        details={
            "inquiry": inquiry.id,
            "decision": decision.value,
            "reason": reason,
            "status": status,
            "previous_status": previous,
            "notification": notification_id,
        },
    )
    return status, previous, notification_id


def _origin(kind: str | None, party: str | None, lead_kind: str, inquiry: Inquiry) -> Origin:
    if lead_kind == LeadKind.IDENTIFICATION:
        return Origin.FORENSIC  # remains identified and confirmed by a second person
    if kind:
        return origin_of(SourceKind(kind), source_party=party, family_party=inquiry.party_code)
    # A recognition at a debrief, or of belongings, has no record: a witness's word.
    return Origin.TESTIMONY


def add_remains_lead(
    session: Session,
    *,
    inquiry: Inquiry,
    kind: LeadKind,
    fate: Fate | None,
    reason: str,
    explanation: dict[str, Any],
    actor: str,
) -> int:
    """A lead from remains: an identification (deceased) or a recognition of belongings."""
    (lead_id,) = _insert_leads(
        session,
        [
            {
                "inquiry_id": inquiry.id,
                "kind": kind.value,
                "record_id": None,
                "sighting_id": None,
                "debrief_answer_id": None,
                "person_id": None,
                "score": 1.0 if kind is LeadKind.IDENTIFICATION else 0.5,
                "name_score": 0.0,
                "reason": reason[:100],
                "reasons": [],
                "explanation": explanation,
                "fate": fate.value if fate else None,
                "state": LeadState.PENDING.value,
                "created_by": actor,
            }
        ],
    )
    return lead_id


def refresh_status(session: Session, inquiry: Inquiry) -> str:
    """Derive the family-facing status from the verified leads; open or close the case."""
    if inquiry.status == FamilyStatus.WITHDRAWN.value:
        return inquiry.status
    verified = session.execute(
        select(Lead.fate, Source.kind, Source.party_code, Lead.kind)
        .outerjoin(Record, Record.id == Lead.record_id)
        .outerjoin(Source, Source.id == Record.source_id)
        .where(Lead.inquiry_id == inquiry.id, Lead.state == LeadState.VERIFIED.value)
    ).all()
    readings = [
        read(_origin(kind, party, lead_kind, inquiry), Fate(fate) if fate else None).family
        for fate, kind, party, lead_kind in verified
    ]
    status = next_family_status(FamilyStatus.REGISTERED, readings)
    inquiry.status = status.value
    inquiries.set_open(session, inquiry, open_=status not in CLOSED)
    return inquiry.status
