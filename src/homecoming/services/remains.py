"""Remains: handovers of bodies by count, cases by bag, identification step by step, DNA
reference metadata for families, and the belongings catalogue (docs/remains.md).

Every write is one transaction with its audit entry. A confirmed identification becomes a
verified lead of kind `identification` on the family's inquiry, which closes it as deceased
(the status table's `forensic` row) and prepares only the message asking to speak in person.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.domain.record import Fate
from homecoming.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecoming.services import audit, inquiries, leads, notifications
from homecoming.services.persons import record_fields
from homecoming.store.db import Database
from homecoming.store.exchange_models import AgreementRow
from homecoming.store.models import Party, Record, utcnow
from homecoming.store.remains_models import (
    BelongingPhoto,
    DnaReference,
    RemainsCase,
    RemainsHandover,
    RemainsStep,
)
from homecoming.store.tracing_models import Inquiry, LeadDecision
from homecoming.tracing.lead_rules import LeadKind, LeadState
from homecoming.tracing.remains import (
    FOUR_EYES,
    Done,
    Relation,
    Step,
    case_reference,
    missing_before,
    parse_case_reference,
    reconciliation_line,
    references_enough,
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


# --- handovers --------------------------------------------------------------------------------


def _party(session: Session, code: str) -> str:
    code = code.strip().upper()
    if session.get(Party, code) is None:
        raise NotFound(f"unknown party {code!r}: register it first (`homecoming parties add`)")
    return code


def _remains_category(session: Session, agreement_id: int, category: str) -> str:
    row = session.get(AgreementRow, agreement_id)
    if row is None:
        raise NotFound(f"no agreement {agreement_id}; `homecoming agreements list` shows them")
    remains = [c for c in row.definition.get("categories", []) if c.get("remains")]
    codes = [str(c["code"]) for c in remains]
    if not codes:
        raise InvalidInput(
            f"agreement {agreement_id} has no remains category: add one with `remains = true`"
        )
    if category and category not in codes:
        raise InvalidInput(f"{category!r} is not a remains category of agreement {agreement_id}")
    return category or codes[0]


def receive(
    db: Database,
    *,
    day: dt.date,
    from_party: str,
    to_party: str,
    bags: list[Bag],
    declared: int | None = None,
    agreement_id: int | None = None,
    category: str = "",
    stage: int | None = None,
    place: str = "",
    note: str = "",
    actor: str,
) -> HandoverView:
    """Record remains received at a crossing: one case (RC-…) per bag, all or nothing."""
    if not bags:
        raise InvalidInput("a handover of remains holds at least one bag")
    if declared is not None and declared < 0:
        raise InvalidInput("a declared count cannot be negative")
    labels = [b.label for b in bags]
    repeated = sorted(label for label, n in Counter(labels).items() if n > 1)
    if repeated:
        raise InvalidInput(f"bag labels must be distinct within a handover: {repeated}")
    for bag in bags:
        if bag.persons < 1:
            raise InvalidInput(f"bag {bag.label!r}: persons must be 1 or more")
        if bag.same_as and bag.same_as not in labels:
            raise InvalidInput(f"bag {bag.label!r}: same_as {bag.same_as!r} is not a bag here")
        if bag.same_as == bag.label:
            raise InvalidInput(f"bag {bag.label!r} cannot be the same person as itself")
    with db.transaction() as session:
        giving, taking = _party(session, from_party), _party(session, to_party)
        if giving == taking:
            raise InvalidInput("remains go from one party to the other: --from and --to differ")
        if agreement_id is not None:
            category = _remains_category(session, agreement_id, category)
        row = RemainsHandover(
            agreement_id=agreement_id,
            category_code=category,
            stage_number=stage,
            day=day,
            from_party=giving,
            to_party=taking,
            place=place,
            declared=declared,
            note=note,
            recorded_by=actor,
        )
        session.add(row)
        session.flush()
        number = session.scalar(select(func.count()).select_from(RemainsCase)) or 0
        made: dict[str, RemainsCase] = {}
        for bag in bags:
            number += 1
            case = RemainsCase(
                reference=case_reference(day.year, number),
                handover_id=row.id,
                bag_label=bag.label,
                persons_count=bag.persons,
                other_side=bag.other_side,
                tag_text=bag.tag,
                notes="",
                created_by=actor,
            )
            session.add(case)
            made[bag.label] = case
        session.flush()
        for bag in bags:
            case = made[bag.label]
            if bag.same_as:
                case.same_as_id = made[bag.same_as].id
            session.add(RemainsStep(case_id=case.id, step=Step.RECEIVED.value, recorded_by=actor))
        view = _handover_view(session, row)
        audit.append(
            session,
            actor=actor,
            action="remains.received",
            subject=f"remains_handover:{row.id}",
            details={
                "from": giving,
                "to": taking,
                "day": day.isoformat(),
                "bags": len(bags),
                "received": view.received,
                "declared": declared,
                "other_side": view.other_side,
                "first_case": made[bags[0].label].reference,
                "last_case": made[bags[-1].label].reference,
            },
        )
    return view


def declare(db: Database, *, handover_id: int, count: int, actor: str) -> HandoverView:
    """The handing side's declared count for a handover (audited with the previous one)."""
    if count < 0:
        raise InvalidInput("a declared count cannot be negative")
    with db.transaction() as session:
        row = _handover(session, handover_id)
        previous = row.declared
        row.declared = count
        audit.append(
            session,
            actor=actor,
            action="remains.declared",
            subject=f"remains_handover:{row.id}",
            details={"declared": count, "previous": previous, "by": row.from_party},
        )
        return _handover_view(session, row)


def send_back(
    db: Database, *, cases: list[str], day: dt.date, place: str = "", actor: str
) -> HandoverView:
    """Send the other side's own dead back: a handover the other way, by count."""
    if not cases:
        raise InvalidInput("name the cases to send back (RC-…)")
    with db.transaction() as session:
        rows = [_case(session, ref) for ref in cases]
        sources = {_handover(session, c.handover_id).from_party for c in rows}
        targets = {_handover(session, c.handover_id).to_party for c in rows}
        if len(sources) != 1 or len(targets) != 1:
            raise InvalidInput("cases sent back together come from one party")
        for case in rows:
            if not case.other_side:
                raise InvalidInput(
                    f"{case.reference} is not marked as the other side's own dead: mark it "
                    "with `homecoming remains step … --other-side` after examination"
                )
            if case.returned_in_id is not None:
                raise Conflict(f"{case.reference} was already sent back")
        back = RemainsHandover(
            category_code="",
            day=day,
            from_party=targets.pop(),
            to_party=sources.pop(),
            place=place,
            declared=sum(c.persons_count for c in rows if c.same_as_id is None),
            note="the other side's own dead, sent back",
            recorded_by=actor,
        )
        session.add(back)
        session.flush()
        for case in rows:
            case.returned_in_id = back.id
        audit.append(
            session,
            actor=actor,
            action="remains.sent_back",
            subject=f"remains_handover:{back.id}",
            details={"cases": [c.reference for c in rows], "to": back.to_party},
        )
        return _handover_view(session, back)


def mark_other_side(db: Database, *, case: str, tag: str, actor: str) -> CaseView:
    """The examination found the handing side's own dead: to be sent back."""
    with db.transaction() as session:
        row = _case(session, case)
        row.other_side = True
        if tag:
            row.tag_text = tag
        audit.append(
            session,
            actor=actor,
            action="remains.other_side",
            subject=f"remains_case:{row.id}",
            details={"case": row.reference},
        )
    return show(db, case)


def _handover(session: Session, handover_id: int) -> RemainsHandover:
    row = session.get(RemainsHandover, handover_id)
    if row is None:
        raise NotFound(f"no remains handover {handover_id}; `homecoming remains list` shows them")
    return row


def _handover_view(session: Session, row: RemainsHandover) -> HandoverView:
    cases = session.scalars(select(RemainsCase).where(RemainsCase.handover_id == row.id)).all()
    received = sum(c.persons_count for c in cases if c.same_as_id is None)
    returns = session.scalar(
        select(func.count()).select_from(RemainsCase).where(RemainsCase.returned_in_id == row.id)
    )
    return HandoverView(
        id=row.id,
        day=row.day.isoformat(),
        from_party=row.from_party,
        to_party=row.to_party,
        agreement_id=row.agreement_id,
        category=row.category_code,
        stage=row.stage_number,
        place=row.place,
        declared=row.declared,
        received=received,
        bags=len(cases),
        other_side=sum(c.persons_count for c in cases if c.other_side and c.same_as_id is None),
        sent_back=sum(1 for c in cases if c.returned_in_id is not None),
        returns=returns or 0,
        reconciliation=(
            reconciliation_line(returns, row.declared).replace("received", "sent back")
            if returns
            else reconciliation_line(received, row.declared)
        ),
    )


def handovers(db: Database) -> dict[str, Any]:
    """Every handover of remains, and per handing party: declared beside received."""
    with db.reading() as session:
        rows = session.scalars(select(RemainsHandover).order_by(RemainsHandover.id)).all()
        views = [_handover_view(session, r) for r in rows]
    by_party: dict[str, dict[str, Any]] = {}
    for view in views:
        counted = view.returns or view.received
        totals = by_party.setdefault(
            view.from_party,
            {"party": view.from_party, "handovers": 0, "declared": 0, "received": 0},
        )
        totals["handovers"] += 1
        totals["declared"] += view.declared or 0
        totals["received"] += counted
    for totals in by_party.values():
        totals["reconciliation"] = reconciliation_line(totals["received"], totals["declared"])
    return {"handovers": [v.to_dict() for v in views], "by_party": list(by_party.values())}


# --- cases and steps --------------------------------------------------------------------------


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


def show(db: Database, reference: str | int) -> CaseView:
    with db.reading() as session:
        return _case_view(session, _case(session, reference), full=True)


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


# --- DNA references ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferenceView:
    id: int
    inquiry: str
    relation: str
    taken_on: str
    place: str
    institution: str
    institution_reference: str
    investigator_order: str
    consent: bool
    recorded_by: str


def add_reference(
    db: Database,
    *,
    inquiry: str,
    relation: Relation,
    taken_on: dt.date,
    institution: str,
    institution_reference: str,
    place: str = "",
    investigator_order: str = "",
    consent: bool,
    actor: str,
) -> ReferenceView:
    """A family's reference sample, metadata only; refused without the donor's consent."""
    if not consent:
        raise InvalidInput(
            "a reference sample is recorded only with the donor's consent: add --consent once "
            "the donor has signed"
        )
    if not institution.strip() or not institution_reference.strip():
        raise InvalidInput("name the institution and its reference for the sample")
    with db.transaction() as session:
        row = inquiries.find(session, inquiry)
        ref = DnaReference(
            inquiry_id=row.id,
            relation=relation.value,
            taken_on=taken_on,
            place=place,
            institution=institution,
            institution_reference=institution_reference,
            investigator_order=investigator_order,
            consent=True,
            recorded_by=actor,
        )
        session.add(ref)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="remains.reference_added",
            subject=f"inquiry:{row.id}",
            details={"reference": ref.id, "relation": relation.value},
        )
        return _reference_view(ref, row.reference)


def _reference_view(row: DnaReference, inquiry: str) -> ReferenceView:
    return ReferenceView(
        id=row.id,
        inquiry=inquiry,
        relation=row.relation,
        taken_on=row.taken_on.isoformat(),
        place=row.place,
        institution=row.institution,
        institution_reference=row.institution_reference,
        investigator_order=row.investigator_order,
        consent=row.consent,
        recorded_by=row.recorded_by,
    )


def _references(session: Session, inquiry_id: int) -> list[DnaReference]:
    return list(
        session.scalars(
            select(DnaReference)
            .where(DnaReference.inquiry_id == inquiry_id)
            .order_by(DnaReference.id)
        )
    )


def references(db: Database, *, inquiry: str) -> dict[str, Any]:
    """A case's reference samples and whether they are enough (parents and children first)."""
    with db.reading() as session:
        row = inquiries.find(session, inquiry)
        refs = _references(session, row.id)
        return {
            "inquiry": row.reference,
            "enough": references_enough(Relation(r.relation) for r in refs),
            "references": [dataclasses.asdict(_reference_view(r, row.reference)) for r in refs],
        }


def reference_queue(db: Database, *, limit: int = 200) -> list[dict[str, Any]]:
    """Open inquiries whose references are not enough, those with none first."""
    with db.reading() as session:
        rows = session.scalars(
            select(Inquiry).where(Inquiry.open.is_(True)).order_by(Inquiry.id)
        ).all()
        queue = []
        for row in rows:
            relations = [Relation(r.relation) for r in _references(session, row.id)]
            if references_enough(relations):
                continue
            record = session.get(Record, row.record_id)
            assert record is not None
            queue.append(
                {
                    "inquiry": row.reference,
                    "name": record_fields(record).display_name(),
                    "status": row.status,
                    "references": len(relations),
                    "relations": [r.value for r in relations],
                }
            )
    queue.sort(key=lambda q: (q["references"], q["inquiry"]))
    return queue[:limit]


# --- the belongings catalogue -----------------------------------------------------------------


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


def add_photo(
    db: Database,
    *,
    data_dir: Path,
    case: str,
    data: bytes,
    file_name: str,
    description: str = "",
    consent: bool = False,
    actor: str,
) -> dict[str, Any]:
    """A photo of belongings found with a case; shown to families only with consent."""
    media_type = inquiries.checked_photo(data, file_name)
    with db.transaction() as session:
        row = _case(session, case)
        relative, digest = inquiries.keep_photo(
            data_dir / PHOTO_DIR, row.reference, data, media_type
        )
        photo = BelongingPhoto(
            case_id=row.id,
            path=(Path(PHOTO_DIR) / relative).as_posix(),
            sha256=digest,
            media_type=media_type,
            description=description,
            consent=consent,
            recorded_by=actor,
        )
        session.add(photo)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="remains.photo_added",
            subject=f"remains_case:{row.id}",
            details={"photo": photo.id, "sha256": digest, "consent": consent},
        )
        return _photo_dict(session, photo)


def catalogue(db: Database, *, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """Photos of belongings that families may browse: only with consent, only of cases not
    yet identified and not the other side's own dead."""
    with db.reading() as session:
        rows = session.scalars(
            select(BelongingPhoto)
            .join(RemainsCase, RemainsCase.id == BelongingPhoto.case_id)
            .where(BelongingPhoto.consent.is_(True), RemainsCase.other_side.is_(False))
            .order_by(BelongingPhoto.id)
            .limit(limit)
            .offset(offset)
        ).all()
        return [_photo_dict(session, r) for r in rows]


def photo(db: Database, photo_id: int) -> dict[str, Any]:
    with db.reading() as session:
        row = session.get(BelongingPhoto, photo_id)
        if row is None:
            raise NotFound(f"no belongings photo {photo_id}")
        return _photo_dict(session, row)


def read_photo(db: Database, *, data_dir: Path, photo_id: int) -> tuple[bytes, str]:
    """A catalogue photo's bytes and type (only photos shown with consent)."""
    with db.reading() as session:
        row = session.get(BelongingPhoto, photo_id)
        if row is None or not row.consent:
            raise NotFound(f"no belongings photo {photo_id} in the catalogue")
        path, media_type = row.path, row.media_type
    target = data_dir / path
    if not target.is_file():
        raise NotFound(f"the file of belongings photo {photo_id} is missing")
    return target.read_bytes(), media_type


def recognise(
    db: Database, *, photo_id: int, inquiry: str, notes: str = "", actor: str
) -> dict[str, Any]:
    """A family recognised belongings: a lead on their case, to verify (no status by itself)."""
    with db.transaction() as session:
        row = session.get(BelongingPhoto, photo_id)
        if row is None or not row.consent:
            raise NotFound(f"no belongings photo {photo_id} in the catalogue")
        case = session.get(RemainsCase, row.case_id)
        assert case is not None
        target = inquiries.find(session, inquiry)
        lead_id = leads.add_remains_lead(
            session,
            inquiry=target,
            kind=LeadKind.BELONGINGS,
            fate=None,
            reason=f"belongings recognised in remains case {case.reference}",
            explanation={
                "remains_case": case.reference,
                "photo": row.id,
                "description": row.description,
                "notes": notes,
            },
            actor=actor,
        )
        audit.append(
            session,
            actor=actor,
            action="remains.recognised",
            subject=f"remains_case:{case.id}",
            details={"photo": row.id, "inquiry": target.id, "lead": lead_id},
        )
        return {"lead": lead_id, "case": case.reference, "inquiry": target.reference}


# --- export -----------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "reference",
    "handover",
    "day",
    "from_party",
    "bag_label",
    "persons",
    "same_as",
    "other_side",
    "returned_in",
    "last_step",
    "identified",
)


def export_rows(db: Database, *, actor: str) -> list[dict[str, str]]:
    """Every case, one row each (no names, no genetic data), audited as an export."""
    views = cases(db, limit=10**9)
    rows = [
        {
            "reference": v.reference,
            "handover": str(v.handover_id),
            "day": v.day,
            "from_party": v.from_party,
            "bag_label": v.bag_label,
            "persons": str(v.persons),
            "same_as": v.same_as or "",
            "other_side": "yes" if v.other_side else "no",
            "returned_in": str(v.returned_in or ""),
            "last_step": v.last_step,
            "identified": " ".join(v.identified),
        }
        for v in views
    ]
    with db.transaction() as session:
        audit.append(session, actor=actor, action="remains.exported", details={"cases": len(rows)})
    return rows
