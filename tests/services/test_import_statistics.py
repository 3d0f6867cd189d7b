"""A large import leaves PostgreSQL's planner statistics of the tables it grew up to date."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.services import registry
from homecoming.store.db import Database

NAME = "Статистиченко"


def _import(db: Database, rows: int, name: str) -> None:
    evidence = [
        Evidence(
            line=i + 2,
            raw={},
            fields=RecordFields(
                family_name=NAME, given_names=f"Петро{i}", date_of_birth=PartialDate(1980)
            ),
        )
        for i in range(rows)
    ]
    source = registry.SourceInfo(kind=SourceKind.OTHER, name=name)
    registry.import_evidence(db, rows=evidence, actor="registrar", source=source)


def _common_family_names(db: Database) -> str:
    with db.reading() as session:
        found = session.execute(
            text(
                "SELECT most_common_vals::text FROM pg_stats "
                "WHERE tablename = 'records' AND attname = 'family_name'"
            )
        ).scalar()
    return str(found or "")


def test_an_import_of_many_rows_analyses_what_it_grew(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    monkeypatch.setattr(registry, "ANALYSE_FROM", 60)
    with db.transaction() as session:  # what an earlier test's rows left in the statistics
        session.execute(text("DELETE FROM pg_statistic WHERE starelid = 'records'::regclass"))
    _import(db, 59, "a small list")
    assert NAME not in _common_family_names(db)  # too few rows to be worth it
    _import(db, 60, "a large list")
    assert NAME in _common_family_names(db)  # counted in the import's own transaction


def test_an_import_analyses_nothing_on_sqlite(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite")
    monkeypatch.setattr(registry, "ANALYSE_FROM", 1)
    _import(db, 3, "a list")
    with db.reading() as session:
        assert session.execute(text("SELECT count(*) FROM records")).scalar() == 3
