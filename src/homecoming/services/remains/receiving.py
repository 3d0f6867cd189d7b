"""Handovers of remains between the parties: received, declared, sent back, by count and bag."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.services import audit
from homecoming.services.remains.views import Bag, CaseView, HandoverView, _case, _handover, show
from homecoming.store.db import Database
from homecoming.store.exchange_models import AgreementRow
from homecoming.store.models import Party
from homecoming.store.remains_models import (
    RemainsCase,
    RemainsHandover,
    RemainsStep,
)
from homecoming.tracing.remains import (
    Step,
    case_reference,
    reconciliation_line,
)


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
