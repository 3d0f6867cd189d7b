"""Tracing's prior, one in the registry's records: kept without counting every record on each
drain (`leads.matching.registry_size`), on both databases, with the same leads and statuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from tests.conftest import fresh_database
from tests.services.tracing_world import held_list, inquiry

from homecoming.services import registry
from homecoming.services.leads import matching
from homecoming.store.db import Database
from homecoming.store.models import Record, Source
from homecoming.store.tracing_models import Inquiry, Lead


def _count(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Record)) or 0)


def _size(db: Database, **options: Any) -> int:
    with db.reading() as session:
        return matching.registry_size(session, **options)


def _full_counts(db: Database) -> list[str]:
    """The statements that count every record, as they run on `db`."""
    seen: list[str] = []

    def watch(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        flat = " ".join(statement.lower().split())
        if "count(*)" in flat and "from records" in flat and "where" not in flat:
            seen.append(flat)

    event.listen(db.engine, "before_cursor_execute", watch)
    return seen


def _scenario(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]]]:
    """Inquiries and lists landing one after another (each drained after its commit): every
    lead as written, and every inquiry's status."""
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")
    inquiry(db, "Нехір", "Олександр", 1987)
    held_list(db, "RU", [("NEKHYR", "Oleksadr", 1987), ("KOVALENKO", "Petro", 1990)])
    inquiry(db, "Коваленко", "Петро", 1990)
    held_list(db, "RU", [("Kovalenko", "Petr", 1990), ("Shevchuk", "Ivan", 1979)])
    inquiry(db, "Шевчук", "Іван", 1979)
    held_list(db, "RU", [("NEKHIR", "Oleksandr", 1987), ("Shevchuk", "Ivan", 1980)])
    with db.reading() as session:
        found = session.execute(
            select(
                Lead.inquiry_id,
                Lead.record_id,
                Lead.person_id,
                Lead.kind,
                Lead.score,
                Lead.name_score,
                Lead.reason,
                Lead.state,
            ).order_by(Lead.id)
        ).all()
        statuses = session.execute(select(Inquiry.id, Inquiry.status).order_by(Inquiry.id)).all()
    return [tuple(row) for row in found], [(i, s) for i, s in statuses]


def test_the_kept_count_is_the_count_of_records(db: Database) -> None:
    full_counts = _full_counts(db)
    assert _size(db) == _count(db) == 0
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")
    for round_ in range(3):
        held_list(
            db, "RU", [(f"Petrenko{round_}", "Ivan", 1980), (f"Ivanov{round_}", "Oleh", 1975)]
        )
        assert _size(db) == _count(db) == 2 * (round_ + 1)
    # One full count (the first); after it, the records above the highest id counted.
    assert len([s for s in full_counts if "max(records.id)" in s]) == 1


def test_leads_and_statuses_are_those_of_a_full_count_on_every_drain(
    db: Database, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    counted: list[int] = []
    size = matching.registry_size

    def watched(session: Any, **options: Any) -> int:
        found = size(session, **options)
        assert found == session.scalar(select(func.count()).select_from(Record))
        counted.append(found)
        return found

    monkeypatch.setattr(matching, "registry_size", watched)
    found = _scenario(db)
    assert len(counted) >= 6 and counted == sorted(counted) and counted[0] < counted[-1]
    assert len(found[0]) >= 3 and len(found[1]) == 3
    # The same scenario in a fresh database, every record counted on each drain (as before).
    monkeypatch.setattr(matching, "registry_size", _every_record)
    assert _scenario(fresh_database(db, request, tmp_path)) == found


def _every_record(session: Any, **options: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(Record)) or 0)


def test_a_late_commit_below_the_highest_id_is_counted_at_the_next_full_count(
    db: Database,
) -> None:
    """PostgreSQL hands out ids before the commit: a transaction open at a count may commit
    ids below the highest counted. A top-up misses them; the next full count has them."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite's one writer commits ids in order")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")
    now = dt.datetime.now(dt.UTC)
    with db.engine.begin() as connection:
        source_id = connection.execute(
            insert(Source)
            .values(kind="party_list", name="RU", party_code="RU", received_at=now, created_by="t")
            .returning(Source.id)
        ).scalar_one()
    record = {"source_id": source_id, "raw": {}}
    assert _size(db) == 0
    late = db.engine.connect()
    late_transaction = late.begin()
    low = late.execute(insert(Record).values(line_number=1, **record).returning(Record.id))
    with db.engine.begin() as connection:
        high = connection.execute(
            insert(Record).values(line_number=2, **record).returning(Record.id)
        )
    low, high = low.scalar_one(), high.scalar_one()
    assert low < high
    assert _size(db) == _count(db) == 1
    late_transaction.commit()
    late.close()
    assert _count(db) == 2
    assert _size(db) == 1  # topped up above `high`: the late record is not seen yet
    assert _size(db, recount_after=0) == 2  # counted afresh
    assert _size(db) == 2
