"""Bulk inserts: SQLite's own executemany writes what SQLAlchemy's INSERT would, and an
import's settings (SQLite's page cache, Python's collections) are undone when it ends."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from sqlalchemy import insert, text

from homecoming import memory
from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.errors import InvalidInput, RowProblem
from homecoming.services import registry
from homecoming.store import db as db_module
from homecoming.store.db import Database, allocate_ids, bulk_insert, bulk_loading
from homecoming.store.models import CONTACTS, PERSONS, RECORDS, SOURCES


def _rows(session: object, now: dt.datetime) -> dict[str, list[dict[str, object]]]:
    persons = [{"id": p, "created_at": now} for p in allocate_ids(session, "persons", 2)]  # type: ignore[arg-type]
    records = [
        {
            **{c.name: "" for c in RECORDS.columns},
            "id": 10 + i,
            "source_id": 1,
            "line_number": 2 + i,
            "raw": {"ПІБ": "Нехір Олександр", "n": [1, None], "q": 'a"\\\n'},
            "person_id": person["id"],
            "created_at": now,
            "seriously_wounded": bool(i),
            "sex": None,
            "dob_year": 1987,
            "dob_month": None,
            "dob_day": None,
            "category": None,
            "event_year": None,
            "event_month": None,
            "event_day": None,
            "fate": "missing",
            "fate_year": None,
            "fate_month": None,
            "fate_day": None,
            "redacted_at": None,
        }
        for i, person in enumerate(persons)
    ]
    contacts = [
        {
            "record_id": 10,
            "name": "Марія",
            "relation": "",
            "phone": "+380",
            "email": "",
            "address": "a\nb",
        }
    ]
    return {"persons": persons, "records": records, "contacts": contacts}


def _stored(db: Database, table: str) -> list[tuple[object, ...]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_sqlite_bulk_insert_stores_what_sqlalchemy_would(db: Database) -> None:
    """The same rows through bulk_insert and through SQLAlchemy's INSERT: the same text stored
    (JSON, datetimes in SQLAlchemy's format, booleans), read back the same."""
    now = dt.datetime(2026, 12, 4, 23, 5, 7, 123456, tzinfo=dt.UTC)
    stored = {}
    for way in ("sqlalchemy", "bulk"):
        with db.transaction() as session:
            session.execute(text("DELETE FROM contacts"))
            session.execute(text("DROP TRIGGER IF EXISTS records_undeletable"))
            session.execute(text("DELETE FROM records"))
            session.execute(text("DELETE FROM persons"))
            session.execute(text("DELETE FROM sources"))
            session.execute(
                insert(SOURCES).values(
                    id=1,
                    kind="party_list",
                    name="s",
                    received_at=now,
                    row_count=0,
                    received_from="",
                    file_name="",
                    content_hash="",
                    created_at=now,
                    created_by="t",
                )
            )
            for table, rows in zip(
                (PERSONS, RECORDS, CONTACTS), _rows(session, now).values(), strict=True
            ):
                if way == "bulk":
                    bulk_insert(session, table, rows)
                else:
                    session.execute(insert(table), rows)
        stored[way] = {t: _stored(db, t) for t in ("persons", "records", "contacts")}
    assert stored["bulk"] == stored["sqlalchemy"]
    assert len(stored["bulk"]["records"]) == 2 and len(stored["bulk"]["contacts"]) == 1


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_bulk_loading_restores_the_page_cache(db: Database) -> None:
    with db.transaction() as session:
        before = session.execute(text("PRAGMA cache_size")).scalar_one()
        with bulk_loading(session):
            during = session.execute(text("PRAGMA cache_size")).scalar_one()
        after = session.execute(text("PRAGMA cache_size")).scalar_one()
    assert during == -db_module.BULK_CACHE_KIB != before and after == before


def _evidence(line: int) -> Evidence:
    return Evidence(line=line, raw={"a": "b"}, fields=RecordFields(family_name="Нехір"))


def test_an_import_collects_fully_less_often_and_restores_the_thresholds_after(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import's rows hold no cycles: full collections wait longer while it runs, then the
    thresholds are as they were, whether the import succeeds or fails."""
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    def rows(bad: bool) -> object:
        yield _evidence(2)
        seen.append(gc.get_threshold())
        if bad:
            yield [RowProblem(line=3, field="sex", reason="unknown")]

    for bad in (False, True):
        source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name=f"list {bad}")
        if bad:
            with pytest.raises(InvalidInput):
                registry.import_evidence(db, source=source, rows=rows(bad), actor="r")  # type: ignore[arg-type]
        else:
            registry.import_evidence(db, source=source, rows=rows(bad), actor="r")  # type: ignore[arg-type]
        assert gc.get_threshold() == before
    assert [t[2] for t in seen] == [max(before[2], memory.FULL_COLLECTION_EVERY)] * 2
    assert seen[0][:2] == before[:2]
