"""Judgements are rows; a 'same' merges persons at once, its undo splits them again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.errors import Conflict, InvalidInput
from homecoming.services import audit, judgements, persons, registry
from homecoming.services.judgements import Decision
from homecoming.store.db import Database
from homecoming.store.models import Judgement


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
    judgements.judge(three, record_a=1, record_b=2, decision=Decision.SAME, reason="r", actor="a")
    judgements.judge(
        three,
        record_a=1,
        record_b=2,
        decision=Decision.NOT_SAME,
        reason="different fathers' names",
        actor="b",
    )
    assert _person_of(three, 1) != _person_of(three, 2)


def test_a_judgement_needs_a_reason(three: Database) -> None:
    with pytest.raises(InvalidInput, match="say why"):
        judgements.judge(
            three, record_a=1, record_b=2, decision=Decision.SAME, reason=" ", actor="a"
        )
