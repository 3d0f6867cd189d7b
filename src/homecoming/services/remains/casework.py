"""Cases by bag and their identification, step by step; a confirmed one becomes a lead."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.domain.record import Fate
from homecoming.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecoming.services import audit, inquiries, leads, notifications
from homecoming.services.remains.views import (
    CaseView,
    StepView,
    _case,
    _case_view,
    _references,
    _step_view,
)
from homecoming.store.db import Database
from homecoming.store.models import utcnow
from homecoming.store.remains_models import (
    RemainsCase,
    RemainsStep,
)
from homecoming.store.tracing_models import Inquiry, LeadDecision
from homecoming.tracing.lead_rules import LeadKind, LeadState
from homecoming.tracing.remains import (
    FOUR_EYES,
    Done,
    Step,
    missing_before,
)


def cases(
    db: Database,
    *,
    handover_id: int | None = None,
    unidentified: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[CaseView]:
    query = select(RemainsCase).order_by(RemainsCase.id)
    if handover_id is not None:
        query = query.where(RemainsCase.handover_id == handover_id)
    with db.reading() as session:
        rows = session.scalars(query).all()
        views = [_case_view(session, r, full=False) for r in rows]
    if unidentified:
        views = [v for v in views if not v.identified and not v.other_side]
    return views[offset : offset + limit]


def record_step(
    db: Database,
    *,
    case: str,
    step: Step,
    individual: int = 1,
    inquiry: str | None = None,
    method: str = "",
    institution: str = "",
    lab_reference: str = "",
    notes: str = "",
    actor: str,
) -> StepView:
    """One identification step, a row with who and when; refused when it comes too early."""
    with db.transaction() as session:
        row = _case(session, case)
        if not 1 <= individual <= row.persons_count:
            raise InvalidInput(
                f"{row.reference} holds {row.persons_count} person(s): --individual is 1 to "
                f"{row.persons_count}"
            )
        if row.other_side and step is not Step.EXAMINED:
            raise InvalidInput(f"{row.reference} is the other side's own dead: send it back")
        case_inquiry = inquiries.find(session, inquiry) if inquiry else None
        done = [
            Done(Step(s.step), s.individual, s.inquiry_id, s.confirmed_by is not None, s.method)
            for s in _same_person_steps(session, row)
        ]
        problem = missing_before(
            step,
            individual=individual,
            inquiry_id=case_inquiry.id if case_inquiry else None,
            method=method,
            done=done,
        )
        if problem:
            raise InvalidInput(f"{row.reference}: {problem}")
        if step is Step.DNA_MATCH and case_inquiry is not None:
            refs = _references(session, case_inquiry.id)
            if not refs:
                raise InvalidInput(
                    f"{case_inquiry.reference} has no DNA reference on record: add one with "
                    "`homecoming remains reference-add` before recording a match"
                )
        if step is Step.DNA_MATCH and not lab_reference:
            raise InvalidInput("a DNA match names the laboratory's reference: --lab-reference")
        added = RemainsStep(
            case_id=row.id,
            step=step.value,
            individual=individual,
            inquiry_id=case_inquiry.id if case_inquiry else None,
            method=method,
            institution=institution,
            lab_reference=lab_reference,
            notes=notes,
            recorded_by=actor,
        )
        session.add(added)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action=f"remains.step.{step.value}",
            subject=f"remains_case:{row.id}",
            details={
                "case": row.reference,
                "step": added.id,
                "individual": individual,
                "inquiry": case_inquiry.id if case_inquiry else None,
                "method": method,
            },
        )
        return _step_view(session, added)


def _same_person_steps(session: Session, row: RemainsCase) -> list[RemainsStep]:
    """Steps of this case and of the bags holding the same person."""
    ids = {row.id}
    if row.same_as_id:
        ids.add(row.same_as_id)
    ids |= set(session.scalars(select(RemainsCase.id).where(RemainsCase.same_as_id.in_(list(ids)))))
    return list(
        session.scalars(
            select(RemainsStep).where(RemainsStep.case_id.in_(sorted(ids))).order_by(RemainsStep.id)
        )
    )


@dataclass(frozen=True, slots=True)
class Confirmed:
    step: StepView
    inquiry_status: str | None
    notification_id: int | None


def confirm_step(db: Database, *, step_id: int, actor: str) -> Confirmed:
    """A second person confirms a match or an identification (never the one who recorded it).

    A confirmed identification is a verified lead on the family's case: the case closes as
    deceased and the only message prepared asks the family to let us speak in person.
    """
    with db.transaction() as session:
        row = session.get(RemainsStep, step_id)
        if row is None:
            raise NotFound(f"no remains step {step_id}; `homecoming remains show RC-…` lists them")
        if Step(row.step) not in FOUR_EYES:
            raise InvalidInput(f"a {row.step} step needs no second person")
        if row.confirmed_by is not None:
            raise Conflict(f"step {step_id} was confirmed by {row.confirmed_by}")
        if row.recorded_by == actor:
            raise Forbidden(
                f"{actor} recorded step {step_id}: a second person must confirm it (four eyes)"
            )
        row.confirmed_by = actor
        row.confirmed_at = utcnow()
        status = notification = None
        case = session.get(RemainsCase, row.case_id)
        assert case is not None
        if row.step == Step.IDENTIFIED and row.inquiry_id is not None:
            inquiry = session.get(Inquiry, row.inquiry_id)
            assert inquiry is not None
            status, notification = _identified(session, inquiry, row, case, actor)
        audit.append(
            session,
            actor=actor,
            action=f"remains.confirmed.{row.step}",
            subject=f"remains_case:{row.case_id}",
            details={
                "case": case.reference,
                "step": row.id,
                "recorded_by": row.recorded_by,
                "inquiry": row.inquiry_id,
                "status": status,
                "notification": notification,
            },
        )
        return Confirmed(_step_view(session, row), status, notification)


def _identified(
    session: Session, inquiry: Inquiry, row: RemainsStep, case: RemainsCase, actor: str
) -> tuple[str, int | None]:
    lead_id = leads.add_remains_lead(
        session,
        inquiry=inquiry,
        kind=LeadKind.IDENTIFICATION,
        fate=Fate.DECEASED,
        reason=f"identified ({row.method}) in remains case {case.reference}",
        explanation={
            "remains_case": case.reference,
            "method": row.method,
            "institution": row.institution,
            "lab_reference": row.lab_reference,
            "recorded_by": row.recorded_by,
            "confirmed_by": actor,
        },
        actor=row.recorded_by,
    )
    row.lead_id = lead_id
    from homecoming.store.tracing_models import Lead

    lead = session.get(Lead, lead_id)
    assert lead is not None
    lead.state = LeadState.VERIFIED.value
    session.add(
        LeadDecision(
            lead_id=lead_id,
            decision="verify",
            reason=f"identification confirmed by a second person ({actor})",
            decided_by=actor,
        )
    )
    session.flush()
    previous = inquiry.status
    status = leads.refresh_status(session, inquiry)
    notification = None
    if status != previous:
        notification = notifications.prepare_in(
            session, inquiry=inquiry, lead_id=lead_id, actor=actor
        )
    return status, notification
