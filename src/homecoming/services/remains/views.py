"""What the remains services return (bags, handovers, steps, cases) and the reads they share."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import NotFound
from homecoming.store.db import Database
from homecoming.store.remains_models import (
    BelongingPhoto,
    DnaReference,
    RemainsCase,
    RemainsHandover,
    RemainsStep,
)
from homecoming.store.tracing_models import Inquiry
from homecoming.tracing.remains import (
    FOUR_EYES,
    Step,
    parse_case_reference,
)

PHOTO_DIR = "belongings"


@dataclass(frozen=True, slots=True)
class Bag:
    """One bag or case as received."""

    label: str
    persons: int = 1  # more than one: one bag holding several persons
    same_as: str = ""  # the label of another bag of the same person (one person, several bags)
    other_side: bool = False  # the handing side's own dead, to be sent back
    tag: str = ""  # a tag returned with the remains, as written


@dataclass(frozen=True, slots=True)
class HandoverView:
    id: int
    day: str
    from_party: str
    to_party: str
    agreement_id: int | None
    category: str
    stage: int | None
    place: str
    declared: int | None
    received: int  # persons, counted once however many bags
    bags: int
    other_side: int  # the handing side's own dead among them
    sent_back: int  # cases of this handover since sent back
    returns: int  # for a handover that sends remains back: how many cases it returns
    reconciliation: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class StepView:
    id: int
    step: str
    individual: int
    inquiry: str | None
    method: str
    institution: str
    lab_reference: str
    notes: str
    recorded_by: str
    recorded_at: str
    confirmed_by: str | None
    confirmed_at: str | None
    needs_confirmation: bool
    lead_id: int | None


@dataclass(frozen=True, slots=True)
class CaseView:
    id: int
    reference: str
    handover_id: int
    from_party: str
    day: str
    bag_label: str
    persons: int
    same_as: str | None
    other_side: bool
    returned_in: int | None
    tag: str
    notes: str
    last_step: str
    identified: list[str]  # inquiry references identified (confirmed) in this case
    steps: list[StepView] = field(default_factory=list)
    photos: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _handover(session: Session, handover_id: int) -> RemainsHandover:
    row = session.get(RemainsHandover, handover_id)
    if row is None:
        raise NotFound(f"no remains handover {handover_id}; `homecoming remains list` shows them")
    return row


def _case(session: Session, reference: str | int) -> RemainsCase:
    number = parse_case_reference(reference) if isinstance(reference, str) else None
    row = None
    if isinstance(reference, str) and not reference.strip().isdigit():
        row = session.scalar(
            select(RemainsCase).where(RemainsCase.reference == reference.strip().upper())
        )
    elif number is not None or isinstance(reference, int):
        row = session.get(RemainsCase, number if number is not None else reference)
    if row is None:
        raise NotFound(f"no remains case {reference!r}; `homecoming remains cases` lists them")
    return row


def _step_view(session: Session, row: RemainsStep) -> StepView:
    inquiry = session.get(Inquiry, row.inquiry_id) if row.inquiry_id else None
    return StepView(
        id=row.id,
        step=row.step,
        individual=row.individual,
        inquiry=inquiry.reference if inquiry else None,
        method=row.method,
        institution=row.institution,
        lab_reference=row.lab_reference,
        notes=row.notes,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at.isoformat(),
        confirmed_by=row.confirmed_by,
        confirmed_at=row.confirmed_at.isoformat() if row.confirmed_at else None,
        needs_confirmation=Step(row.step) in FOUR_EYES and row.confirmed_by is None,
        lead_id=row.lead_id,
    )


def _case_view(session: Session, row: RemainsCase, *, full: bool) -> CaseView:
    handover = _handover(session, row.handover_id)
    steps = session.scalars(
        select(RemainsStep).where(RemainsStep.case_id == row.id).order_by(RemainsStep.id)
    ).all()
    identified = sorted(
        {
            inq.reference
            for s in steps
            if s.step == Step.IDENTIFIED and s.confirmed_by and s.inquiry_id
            if (inq := session.get(Inquiry, s.inquiry_id)) is not None
        }
    )
    same = session.get(RemainsCase, row.same_as_id) if row.same_as_id else None
    photos = []
    if full:
        photos = [
            _photo_dict(session, p)
            for p in session.scalars(select(BelongingPhoto).where(BelongingPhoto.case_id == row.id))
        ]
    return CaseView(
        id=row.id,
        reference=row.reference,
        handover_id=row.handover_id,
        from_party=handover.from_party,
        day=handover.day.isoformat(),
        bag_label=row.bag_label,
        persons=row.persons_count,
        same_as=same.reference if same else None,
        other_side=row.other_side,
        returned_in=row.returned_in_id,
        tag=row.tag_text,
        notes=row.notes,
        last_step=steps[-1].step if steps else "",
        identified=identified,
        steps=[_step_view(session, s) for s in steps] if full else [],
        photos=photos,
    )


def show(db: Database, reference: str | int) -> CaseView:
    with db.reading() as session:
        return _case_view(session, _case(session, reference), full=True)


def _references(session: Session, inquiry_id: int) -> list[DnaReference]:
    return list(
        session.scalars(
            select(DnaReference)
            .where(DnaReference.inquiry_id == inquiry_id)
            .order_by(DnaReference.id)
        )
    )


def _photo_dict(session: Session, row: BelongingPhoto) -> dict[str, Any]:
    case = session.get(RemainsCase, row.case_id)
    assert case is not None
    return {
        "id": row.id,
        "case": case.reference,
        "description": row.description,
        "media_type": row.media_type,
        "consent": row.consent,
        "path": row.path,
    }
