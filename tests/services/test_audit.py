"""The audit chain: every write appends; any edit, insertion or deletion is found and named."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from homecoming.services import audit
from homecoming.store.db import Database


def _append(db: Database, n: int) -> None:
    for i in range(n):
        with db.transaction() as session:
            audit.append(
                session,
                actor="tester",
                action="test.event",
                subject=f"thing:{i}",
                details={"i": i, "name": "Олександр"},
            )


def test_intact_chain_verifies(db: Database) -> None:
    _append(db, 5)
    report = audit.verify(db)
    assert report.ok, report.faults
    assert report.entries == 5
    assert len(report.head_hash) == 64


def test_empty_chain_verifies(db: Database) -> None:
    assert audit.verify(db).ok


@pytest.mark.parametrize(
    ("statement", "entry", "words"),
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE id = 3", 3, "edited"),
        ("UPDATE audit_log SET details = '{\"i\": 99}' WHERE id = 2", 2, "edited"),
        ("DELETE FROM audit_log WHERE id = 3", 4, "missing"),
        ("DELETE FROM audit_log WHERE id = 5", 5, "deleted"),
        ("UPDATE audit_log SET hash = prev_hash WHERE id = 4", 4, "edited"),
    ],
)
def test_tampering_is_named(db: Database, statement: str, entry: int, words: str) -> None:
    _append(db, 5)
    with db.engine.begin() as connection:
        connection.execute(text(statement))
    report = audit.verify(db)
    assert not report.ok
    assert any(f.entry_id == entry and words in f.reason for f in report.faults), report.faults


def test_inserted_entry_is_found(db: Database) -> None:
    _append(db, 3)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash) "
                "SELECT 4, at, actor, action, subject, details, hash, hash "
                "FROM audit_log WHERE id = 3"
            )
        )
    report = audit.verify(db)
    assert not report.ok
    assert any(f.entry_id == 4 for f in report.faults)


def test_failed_transaction_leaves_no_entry(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        audit.append(session, actor="t", action="x", details={})
        raise RuntimeError("boom")
    assert audit.verify(db).entries == 0
