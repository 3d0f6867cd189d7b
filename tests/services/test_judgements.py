"""Judgements are rows; a 'same' merges persons at once, its undo splits them again."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.errors import Conflict, InvalidInput
from homecoming.services import audit, judgements, persons, registry
from homecoming.services.judgements import Decision
from homecoming.store.db import Database
from homecoming.store.models import Judgement, Record


@pytest.fixture
def three(db: Database) -> Database:
    rows = [
        Evidence(line=i + 2, raw={}, fields=RecordFields(family_name=name))
        for i, name in enumerate(["Нехір", "Nekhir", "Тарасов"])
    ]
    registry.import_evidence(
        db, rows=rows, actor="r", source=registry.SourceInfo(kind=SourceKind.OTHER, name="s")
    )
    return db


def _person_of(db: Database, record_id: int) -> int:
    view = next(v for v in persons.page(db, limit=100) if any(r.id == record_id for r in v.records))
    return view.id


def test_same_merges_and_undo_splits(three: Database) -> None:
    row = judgements.judge(
        three,
        record_a=1,
        record_b=2,
        decision=Decision.SAME,
        reason="same unit, same date of birth",
        actor="registrar",
    )
    assert _person_of(three, 1) == _person_of(three, 2)
    assert persons.count(three) == 2
    judgements.undo(three, judgement_id=row.id, reason="wrong brother", actor="registrar")
    assert _person_of(three, 1) != _person_of(three, 2)
    with pytest.raises(Conflict, match="already undone"):
        judgements.undo(three, judgement_id=row.id, reason="again", actor="registrar")
    with three.reading() as session:
        decisions = session.scalars(select(Judgement.decision).order_by(Judgement.id)).all()
    assert decisions == ["same", "undo"]
    assert audit.verify(three).entries == 3


def test_not_same_splits_a_wrong_cluster(three: Database) -> None:
    with three.transaction() as session:  # as a linkage run would have put them together
        session.execute(update(Record).where(Record.id == 2).values(person_id=1))
    assert _person_of(three, 1) == _person_of(three, 2)
    judgements.judge(
        three,
        record_a=1,
        record_b=2,
        decision=Decision.NOT_SAME,
        reason="different fathers' names",
        actor="b",
    )
    assert _person_of(three, 1) != _person_of(three, 2)


def test_a_decided_pair_is_changed_only_by_undoing_first(three: Database) -> None:
    first = judgements.judge(
        three, record_a=1, record_b=2, decision=Decision.SAME, reason="same unit", actor="olena"
    )
    with pytest.raises(Conflict, match=r"already judged the same person by olena .*undo it first"):
        judgements.judge(
            three, record_a=2, record_b=1, decision=Decision.NOT_SAME, reason="r", actor="taras"
        )
    judgements.judge(  # unsure decides nothing: it may sit beside a decision
        three, record_a=1, record_b=2, decision=Decision.UNSURE, reason="hmm", actor="taras"
    )
    judgements.undo(three, judgement_id=first.id, reason="misread the unit", actor="olena")
    judgements.judge(
        three, record_a=2, record_b=1, decision=Decision.NOT_SAME, reason="r", actor="taras"
    )
    with three.reading() as session:
        in_force = judgements.decision_in_force(session, 1, 2)
        assert in_force is not None and in_force.decided_by == "taras"
    assert _person_of(three, 1) != _person_of(three, 2)
    assert audit.verify(three).ok


def test_a_judgement_needs_a_reason(three: Database) -> None:
    with pytest.raises(InvalidInput, match="say why"):
        judgements.judge(
            three, record_a=1, record_b=2, decision=Decision.SAME, reason=" ", actor="a"
        )
