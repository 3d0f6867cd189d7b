"""`Database.read_one`: the cheap one-row read of every request (SQLite and PostgreSQL).

On PostgreSQL it reads in autocommit on a pooled connection; the connection must go back to
the pool as it came (outside autocommit), so the next transaction on it is one transaction.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from homecoming.services import audit, registry
from homecoming.store.db import Database


def test_read_one_reads_the_row_and_none_when_there_is_none(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    assert db.read_one("SELECT code FROM parties WHERE code = 'UA'") == ("UA",)
    assert db.read_one("SELECT code FROM parties WHERE code = 'XX'") is None
    head_id, head_hash = audit.head(db)
    assert head_id > 0 and head_hash


def test_a_transaction_after_read_one_still_rolls_back_as_a_whole(db: Database) -> None:
    for _ in range(3):  # the pool hands the same connection out again
        db.read_one("SELECT count(*) FROM parties")
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.execute(text("INSERT INTO parties (code, name) VALUES ('UA', 'Україна')"))
        raise RuntimeError("abandon the transaction")
    assert db.read_one("SELECT count(*) FROM parties") == (0,)
    with db.engine.connect() as connection:
        # An autocommit connection would have committed the insert above, and would report it.
        assert connection.execute(text("SELECT count(*) FROM parties")).scalar_one() == 0
        if db.dialect == "postgresql":
            assert connection.connection.driver_connection.autocommit is False  # type: ignore[union-attr]


def test_read_one_reports_a_bad_statement_and_leaves_the_pool_usable(db: Database) -> None:
    with pytest.raises(Exception, match="no_such_table"):
        db.read_one("SELECT 1 FROM no_such_table")
    assert db.read_one("SELECT 1") == (1,)


def test_a_glance_reads_what_is_committed_and_leaves_transactions_whole(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    for _ in range(3):  # the pool hands the same connection out again
        with db.glancing() as session:
            assert session.execute(text("SELECT code FROM parties")).scalars().all() == ["UA"]
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.execute(text("INSERT INTO parties (code, name) VALUES ('RU', 'Russia')"))
        raise RuntimeError("abandon the transaction")
    with db.glancing() as session:
        assert session.execute(text("SELECT code FROM parties")).scalars().all() == ["UA"]


def test_a_connection_the_server_closed_is_replaced_not_handed_out(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has no server to close a connection")
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    with db.engine.connect() as victim, db.engine.connect() as other:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one()
        victim.rollback()
        victim.close()  # back in the pool, idle
        # As a server restart or an administrator does: the idle pooled session is ended.
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.commit()
        gone = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        while other.execute(gone, {"pid": pid}).scalar_one():  # until its backend has ended
            other.commit()
    for _ in range(4):  # the pool holds both connections: each is handed out in turn
        assert db.read_one("SELECT code FROM parties") == ("UA",)
        with db.glancing() as session:
            assert session.execute(text("SELECT code FROM parties")).scalars().all() == ["UA"]
        with db.transaction() as session:
            assert session.execute(text("SELECT count(*) FROM parties")).scalar_one() == 1
