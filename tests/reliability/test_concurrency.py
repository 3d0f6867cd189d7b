"""Concurrent writers on real connections (threads, each its own session), on both databases.

- Registrars judging the same pair at once: exactly one decision lands, every other registrar
  gets a Conflict naming who decided first.
- Imports of different files at once: all land, no id is handed out twice, the chain verifies.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import func, select, text

from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.errors import Conflict
from homecoming.formats import tabular
from homecoming.services import audit, judgements, registry
from homecoming.services.judgements import Decision
from homecoming.store.db import Database
from homecoming.store.models import Judgement, Person, Record, Source

_T = TypeVar("_T")


def _at_once(calls: list[Callable[[], _T]]) -> list[_T | Exception]:
    """Run the calls in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[_T | Exception] = [RuntimeError("not run")] * len(calls)

    def run(index: int, call: Callable[[], _T]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _records(db: Database, count: int) -> None:
    rows = [
        Evidence(line=i + 2, raw={}, fields=RecordFields(family_name=f"Нехір {i}"))
        for i in range(count)
    ]
    registry.import_evidence(
        db, rows=rows, actor="r", source=registry.SourceInfo(kind=SourceKind.OTHER, name="s")
    )


def test_registrars_judging_one_pair_at_once_one_wins(db: Database) -> None:
    _records(db, 10)
    registrars = ["olena", "taras", "maria", "ivan"]
    for a, b in [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]:
        decisions = [Decision.SAME, Decision.NOT_SAME, Decision.SAME, Decision.NOT_SAME]

        def judging(who: str, decision: Decision, a: int = a, b: int = b) -> Callable[[], object]:
            return lambda: judgements.judge(
                db, record_a=a, record_b=b, decision=decision, reason="r", actor=who
            )

        results = _at_once([judging(w, d) for w, d in zip(registrars, decisions, strict=True)])
        won = [r for r in results if isinstance(r, Judgement)]
        told = [r for r in results if isinstance(r, Conflict)]
        assert len(won) == 1, results
        assert len(told) == 3, results
        winner = won[0]
        assert all(f"by {winner.decided_by} " in c.message for c in told)
        assert all(f"judgement {winner.id}" in c.message for c in told)
        with db.reading() as session:
            in_force = judgements.decision_in_force(session, a, b)
            assert in_force is not None and in_force.id == winner.id
            same = session.get(Record, a).person_id == session.get(Record, b).person_id  # type: ignore[union-attr]
        assert same == (winner.decision == Decision.SAME)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Judgement)) == 5
    report = audit.verify(db)
    assert report.ok and report.entries == 1 + 5


def test_undoing_one_judgement_twice_at_once(db: Database) -> None:
    _records(db, 2)
    row = judgements.judge(
        db, record_a=1, record_b=2, decision=Decision.SAME, reason="r", actor="a"
    )
    results = _at_once(
        [
            lambda: judgements.undo(db, judgement_id=row.id, reason="no", actor="olena"),
            lambda: judgements.undo(db, judgement_id=row.id, reason="no", actor="taras"),
        ]
    )
    assert sum(isinstance(r, Judgement) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert audit.verify(db).ok


def _list(tmp_path: Path, index: int, rows: int) -> Path:
    path = tmp_path / f"list-{index}.csv"
    lines = ["ПІБ;Дата народження"] + [
        f"Нехір{index} Олександр{n};{1950 + n % 50}" for n in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_concurrent_imports_all_land_without_colliding(db: Database, tmp_path: Path) -> None:
    files, rows = 4, 3 * registry.BATCH // 2  # more than one batch each
    # No write before: the imports' audit appends are the first ever and race to create the head.

    def importing(path: Path) -> Callable[[], registry.ImportResult]:
        return lambda: registry.import_evidence(
            db,
            source=registry.SourceInfo(
                kind=SourceKind.PARTY_LIST, name=path.name, content_hash=tabular.file_hash(path)
            ),
            rows=registry.evidence_from_rows(tabular.read_table(path), file_name=path.name),
            actor=f"importer {path.stem}",
        )

    results = _at_once([importing(_list(tmp_path, i, rows)) for i in range(files)])
    assert all(isinstance(r, registry.ImportResult) for r in results), results
    with db.reading() as session:
        ids = session.scalars(select(Record.id)).all()
        assert len(ids) == len(set(ids)) == files * rows
        persons = session.scalars(select(Record.person_id)).all()
        assert len(set(persons)) == files * rows  # one new person each, none shared
        assert session.scalar(select(func.count()).select_from(Person)) == files * rows
        for source in session.scalars(select(Source)):
            names = session.scalars(
                select(Record.family_name).where(Record.source_id == source.id)
            ).all()
            assert source.row_count == len(names) == rows
            assert {n[len("Нехір") :] for n in names} == {source.name[len("list-") : -4]}
    report = audit.verify(db)
    assert report.ok and report.entries == files


def test_first_appends_at_once_make_one_chain(db: Database) -> None:
    codes = ["UA", "RU", "BY", "PL", "MD", "GE"]
    results = _at_once(
        [
            (lambda code=code: registry.ensure_party(db, code=code, name=code, actor=code))
            for code in codes
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    report = audit.verify(db)
    assert report.ok and report.entries == len(codes)


def test_a_second_handle_writing_inside_the_firsts_transaction_is_told_not_left_waiting(
    tmp_path: Path,
) -> None:
    """Writers queue on a lock file; the same thread asking twice through two handles would
    wait for itself forever, so it is refused at once, and the first handle goes on."""
    path = tmp_path / "homecoming.sqlite3"
    first = Database(f"sqlite:///{path}")
    first.upgrade()
    second = Database(f"sqlite:///{path}")
    refused = pytest.raises(RuntimeError, match="already open in this thread")
    with first.transaction(), refused, second.transaction():
        pass
    with second.transaction() as session:  # the lock was given back
        session.execute(text("SELECT 1"))
    with first.transaction(), first.transaction():  # one handle nesting waits for nothing
        pass
