"""Human decisions that two records are, or are not, the same person. Rows, never updates.

A pair holds at most one decision in force (same or not the same; "unsure" decides nothing).
Two registrars judging one pair at once are serialised on the two records' rows (and their
persons'), and the pair is re-checked inside the transaction: the first decision stands, the
second is told who decided first and how to change it (undo, then judge again).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.services import audit
from homecoming.store.db import Database, lock_row
from homecoming.store.models import Judgement, Person, Record


class Decision(StrEnum):
    SAME = "same"
    NOT_SAME = "not_same"
    UNSURE = "unsure"
    UNDO = "undo"


def judge(
    db: Database, *, record_a: int, record_b: int, decision: Decision, reason: str, actor: str
) -> Judgement:
    """Record a decision about two records and regroup persons at once."""
    if decision == Decision.UNDO:
        raise InvalidInput("use undo() to take a judgement back")
    if record_a == record_b:
        raise InvalidInput("a judgement needs two different records")
    if not reason.strip():
        raise InvalidInput("say why: a judgement without a reason cannot be reviewed later")
    with db.transaction() as session:
        a, b = _locked_pair(session, record_a, record_b)
        if decision != Decision.UNSURE:
            _refuse_decided(session, a.id, b.id)
        row = Judgement(
            record_a_id=a.id,
            record_b_id=b.id,
            decision=decision.value,
            reason=reason,
            decided_by=actor,
        )
        session.add(row)
        session.flush()
        if decision == Decision.SAME:
            _merge(session, into=a, other=b)
        elif decision == Decision.NOT_SAME and a.person_id == b.person_id:
            _split_off(session, b)
        audit.append(
            session,
            actor=actor,
            action=f"judgement.{decision.value}",
            subject=f"judgement:{row.id}",
            details={"record_a": a.id, "record_b": b.id, "person": a.person_id},
        )
        return row


def undo(db: Database, *, judgement_id: int, reason: str, actor: str) -> Judgement:
    """Take a judgement back with a new row; a merge it made is split again."""
    with db.transaction() as session:
        original = session.get(Judgement, judgement_id)
        if original is None:
            raise NotFound(f"no judgement {judgement_id}")
        _locked_pair(session, original.record_a_id, original.record_b_id)
        if session.scalar(select(Judgement.id).where(Judgement.undoes_id == judgement_id)):
            raise Conflict(f"judgement {judgement_id} was already undone")
        row = Judgement(
            record_a_id=original.record_a_id,
            record_b_id=original.record_b_id,
            decision=Decision.UNDO.value,
            reason=reason,
            undoes_id=original.id,
            decided_by=actor,
        )
        session.add(row)
        session.flush()
        if original.decision == Decision.SAME:
            _split_off(session, _record(session, original.record_b_id))
        audit.append(
            session,
            actor=actor,
            action="judgement.undo",
            subject=f"judgement:{row.id}",
            details={"undoes": original.id},
        )
        return row


def _locked_pair(session: Session, record_a: int, record_b: int) -> tuple[Record, Record]:
    """Both records, locked (lower id first, so two writers never deadlock), with their persons."""
    for record_id in sorted((record_a, record_b)):
        lock_row(session, "records", record_id)
    a, b = _record(session, record_a), _record(session, record_b)
    session.refresh(a)
    session.refresh(b)
    for person_id in sorted({p for p in (a.person_id, b.person_id) if p is not None}):
        lock_row(session, "persons", person_id)
    return a, b


def decision_in_force(session: Session, record_a: int, record_b: int) -> Judgement | None:
    """The same / not-same judgement about these two records that is not undone, if any."""
    pair = or_(
        and_(Judgement.record_a_id == record_a, Judgement.record_b_id == record_b),
        and_(Judgement.record_a_id == record_b, Judgement.record_b_id == record_a),
    )
    undone = select(Judgement.undoes_id).where(Judgement.undoes_id.is_not(None))
    query = (
        select(Judgement)
        .where(
            pair,
            Judgement.decision.in_((Decision.SAME.value, Decision.NOT_SAME.value)),
            Judgement.id.not_in(undone),
        )
        .order_by(Judgement.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _refuse_decided(session: Session, record_a: int, record_b: int) -> None:
    earlier = decision_in_force(session, record_a, record_b)
    if earlier is None:
        return
    said = "the same person" if earlier.decision == Decision.SAME else "not the same person"
    raise Conflict(
        f"records {record_a} and {record_b} were already judged {said} by {earlier.decided_by}"
        f" at {earlier.decided_at:%Y-%m-%d %H:%M:%S} (judgement {earlier.id}, reason:"
        f" {earlier.reason!r}). Read that judgement; to decide otherwise, undo it first"
        f" (`homecoming review undo {earlier.id}` or POST /judgements/{earlier.id}/undo),"
        " then judge again"
    )


def _record(session: Session, record_id: int) -> Record:
    row = session.get(Record, record_id)
    if row is None:
        raise NotFound(f"no record {record_id}")
    return row


def _merge(session: Session, *, into: Record, other: Record) -> None:
    if into.person_id == other.person_id:
        return
    session.execute(
        update(Record).where(Record.person_id == other.person_id).values(person_id=into.person_id)
    )
    session.expire_all()


def _split_off(session: Session, record: Record) -> None:
    person = Person()
    session.add(person)
    session.flush()
    record.person_id = person.id
    session.flush()
