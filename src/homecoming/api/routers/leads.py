"""/leads: possible answers to inquiries, for tracing officers to verify or reject."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_tracing import DecisionIn, DecisionOut, LeadOut
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import leads
from homecoming.services.users import Principal
from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.lead_rules import Decision, LeadState

router = Router(prefix="/leads", tags=["leads"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.INQUIRIES_READ)]
Verifier = Annotated[Principal, requires(Capability.LEADS_VERIFY)]


def _out(view: leads.LeadView) -> LeadOut:
    return LeadOut(**view.to_dict())


@router.get("")
def lead_queue(
    db: DatabaseDep,
    user: Reader,
    state: LeadState | None = LeadState.PENDING,
    inquiry: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[LeadOut]:
    """The queue, strongest first: the inquiry and the evidence side by side."""
    found = leads.queue(db, state=state, inquiry=inquiry, limit=limit, offset=offset)
    return [_out(v) for v in found]


@router.get("/{lead_id}", responses={404: problem("No such lead")})
def show_lead(db: DatabaseDep, user: Reader, lead_id: IdPath) -> LeadOut:
    """One lead, with the name explanation."""
    return _out(leads.show(db, lead_id))


@router.post(
    "/{lead_id}/decisions",
    status_code=201,
    responses={404: problem("No such lead"), 409: problem("Already decided so")},
)
def decide(db: DatabaseDep, user: Verifier, lead_id: IdPath, body: DecisionIn) -> DecisionOut:
    """Verify, reject (with a reason) or reopen: a decision row, never an update."""
    result = leads.decide(
        db,
        lead_id=lead_id,
        decision=Decision(body.decision),
        reason=body.reason,
        actor=user.username,
    )
    return DecisionOut(
        lead=_out(result.lead),
        status=FamilyStatus(result.status),
        previous_status=FamilyStatus(result.previous_status),
        notification_id=result.notification_id,
    )
