"""Human decisions that two records are, or are not, the same person. Rows, never updates."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.services import audit
from homecoming.store.db import Database
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
        a, b = _record(session, record_a), _record(session, record_b)
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
