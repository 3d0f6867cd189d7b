"""Prepared statements: on SQLite run through sqlite3's own cursor, they write and read what
SQLAlchemy's execution of the same statement writes and reads (its bind and result
processors: datetimes, JSON), on both databases; a driver's error comes back as SQLAlchemy's."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from sqlalchemy import Table, bindparam, event, insert, select, update
from sqlalchemy.exc import IntegrityError

from homecoming.store.db import Database, Prepared
from homecoming.store.models import LANDED_OUTBOX, AuditEntry

AUDIT_LOG = cast(Table, AuditEntry.__table__)

_AT = dt.datetime(2026, 12, 6, 4, 5, 6, 789012, tzinfo=dt.UTC)
_ENTRY = {
    "id": 1,
    "at": _AT,
    "actor": "operator",
    "action": "handover.recorded",
    "subject": "handover:1",
    "details": {"person": 7, "names": ["Нехір", None], "q": 'a"\\\n'},
    "prev_hash": "0" * 64,
    "hash": "1" * 64,
    "payload_digest": "2" * 64,
}
_READ = select(AUDIT_LOG).where(AUDIT_LOG.c.id == bindparam("entry"))


def test_prepared_writes_and_reads_what_sqlalchemy_does(db: Database) -> None:
    prepared_insert, prepared_read = Prepared(insert(AUDIT_LOG)), Prepared(_READ)
    with db.transaction() as session:
        connection = session.connection()
        prepared_insert.run(connection, _ENTRY)
        connection.execute(insert(AUDIT_LOG), {**_ENTRY, "id": 2})
    with db.transaction() as session:
        connection = session.connection()
        for entry in (1, 2):
            by_sqlalchemy = connection.execute(_READ, {"entry": entry}).one()
            mine = prepared_read.first(connection, {"entry": entry})
            assert tuple(mine) == tuple(by_sqlalchemy)
            assert mine._asdict() == dict(by_sqlalchemy._mapping)
            assert mine.details == _ENTRY["details"]
            assert mine.at.replace(tzinfo=dt.UTC) == _AT
        assert prepared_read.first(connection, {"entry": 3}) is None


def test_prepared_returning_and_update(db: Database) -> None:
    returning = Prepared(insert(LANDED_OUTBOX).returning(LANDED_OUTBOX.c.id))
    claim = Prepared(
        update(LANDED_OUTBOX)
        .where(LANDED_OUTBOX.c.id == bindparam("row"))
        .values(claimed_by=bindparam("by"))
    )
    with db.transaction() as session:
        connection = session.connection()
        row = {"actor": "a", "record_ids": [1, 2], "created_at": _AT}
        ((first,),) = returning.rows(connection, row)
        ((second,),) = returning.rows(connection, row)
        assert second == first + 1
        claim.run(connection, {"row": second, "by": "me"})
        claimed = connection.execute(select(LANDED_OUTBOX.c.id, LANDED_OUTBOX.c.claimed_by))
        assert sorted(claimed) == [(first, None), (second, "me")]


def test_prepared_fills_in_defaults_as_sqlalchemy_does(db: Database) -> None:
    """An INSERT leaving out a column with a Python-side default (`created_at`) runs by
    SQLAlchemy, which fills it in."""
    returning = Prepared(insert(LANDED_OUTBOX).returning(LANDED_OUTBOX.c.created_at))
    before = dt.datetime.now(dt.UTC)
    with db.transaction() as session:
        rows = returning.rows(session.connection(), {"actor": "a", "record_ids": []})
    ((created_at,),) = rows
    assert created_at.replace(tzinfo=dt.UTC) >= before - dt.timedelta(seconds=1)


def test_prepared_raises_sqlalchemys_errors(db: Database) -> None:
    prepared_insert = Prepared(insert(AUDIT_LOG))
    with pytest.raises(IntegrityError), db.transaction() as session:
        prepared_insert.run(session.connection(), _ENTRY)
        prepared_insert.run(session.connection(), _ENTRY)  # the same id again
    with db.reading() as session:
        assert session.execute(select(AUDIT_LOG.c.id)).all() == []


def test_prepared_names_a_missing_parameter(db: Database) -> None:
    with pytest.raises(Exception, match="entry"), db.transaction() as session:
        Prepared(_READ).first(session.connection(), {})


def test_prepared_takes_lists_for_in(db: Database) -> None:
    """An expanding parameter (`IN` a list) reads what SQLAlchemy reads, with one `?` per value
    on SQLite, through sqlite3's own cursor, and as one array on PostgreSQL, through psycopg's
    (SQLAlchemy's execution is not asked on either); an empty list reads nothing, as
    SQLAlchemy's empty set."""
    by_ids = select(AUDIT_LOG.c.id, AUDIT_LOG.c.details).where(
        AUDIT_LOG.c.id.in_(bindparam("ids", expanding=True)),
        AUDIT_LOG.c.actor == bindparam("actor"),
    )
    prepared = Prepared(by_ids.order_by(AUDIT_LOG.c.id))
    with db.transaction() as session:
        for entry in range(1, 6):
            Prepared(insert(AUDIT_LOG)).run(session.connection(), {**_ENTRY, "id": entry})
    sent: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    with db.reading() as session:
        connection = session.connection()
        for ids in ([2], [5, 1, 3], [1, 2, 3, 4, 5], [4, 9]):
            before = len(sent)
            mine = prepared.rows(connection, {"ids": ids, "actor": "operator"})
            assert len(sent) == before  # sqlite3's cursor, or psycopg's
            by_sqlalchemy = connection.execute(
                by_ids.order_by(AUDIT_LOG.c.id), {"ids": ids, "actor": "operator"}
            ).all()
            assert [tuple(r) for r in mine] == [tuple(r) for r in by_sqlalchemy]
            assert [r.id for r in mine] == sorted(i for i in ids if i <= 5)
        assert prepared.rows(connection, {"ids": [], "actor": "operator"}) == []
        assert prepared.rows(connection, {"ids": [1, 2], "actor": "nobody"}) == []


def test_a_write_left_for_later_lands_in_order_and_fails_as_sqlalchemy_does(
    db: Database,
) -> None:
    """`Prepared.later`: on PostgreSQL sent with the transaction's next statement (or before its
    commit) in one round trip, on SQLite at once. Either way the writes land in order, a rollback
    to a savepoint drops what was left after it, and an error is SQLAlchemy's, raised at the
    latest by the statement the write went with."""
    entry, read = Prepared(insert(AUDIT_LOG)), Prepared(_READ)
    with db.transaction() as session:
        connection = session.connection()
        entry.later(connection, _ENTRY)
        assert read.first(connection, {"entry": 1}).subject == "handover:1"  # sent with it
        entry.later(connection, {**_ENTRY, "id": 2, "subject": "handover:2"})  # with the commit
        savepoint = session.begin_nested()
        session.connection()
        entry.later(connection, {**_ENTRY, "id": 3})
        savepoint.rollback()
    with pytest.raises(IntegrityError), db.transaction() as session:
        connection = session.connection()
        entry.later(connection, {**_ENTRY, "id": 4})
        entry.later(connection, {**_ENTRY, "id": 4})  # the same id again
        read.first(connection, {"entry": 4})
    with db.reading() as session:
        landed = session.execute(select(AUDIT_LOG.c.id, AUDIT_LOG.c.subject).order_by("id"))
        assert [tuple(row) for row in landed] == [(1, "handover:1"), (2, "handover:2")]


def test_an_update_whose_last_run_alone_counts_is_sent_once(db: Database) -> None:
    """`Prepared.later(..., last_by=...)`: of the runs of an update still waiting with the same
    values of those parameters only the last is sent (PostgreSQL), and the rows end as if every
    run had been; other values, and the other statements, are sent as before. On SQLite every
    run runs at once."""
    rename = Prepared(
        update(AUDIT_LOG).where(AUDIT_LOG.c.id == bindparam("entry")).values(subject=bindparam("s"))
    )
    entry = Prepared(insert(AUDIT_LOG))
    with db.transaction() as session:
        connection = session.connection()
        for i in (1, 2):
            entry.later(connection, {**_ENTRY, "id": i})
    # PostgreSQL's counts of rows written (those of earlier transactions not yet reported too).
    written = (
        "SELECT n_tup_upd, n_tup_ins FROM pg_stat_xact_user_tables WHERE relname = 'audit_log'"
    )
    with db.transaction() as session:
        connection = session.connection()
        before = connection.exec_driver_sql(written).one() if db.dialect == "postgresql" else None
        for subject in ("a", "b", "c"):
            rename.later(connection, {"entry": 1, "s": subject}, last_by=("entry",))
        rename.later(connection, {"entry": 2, "s": "d"}, last_by=("entry",))
        entry.later(connection, {**_ENTRY, "id": 3, "subject": "between"})
        rename.later(connection, {"entry": 1, "s": "e"}, last_by=("entry",))
        if before is not None:
            after = connection.exec_driver_sql(written).one()
            # one update of entry 1 and one of entry 2 sent; entry 3 inserted
            assert (after[0] - before[0], after[1] - before[1]) == (2, 1)
    with db.reading() as session:
        landed = session.execute(select(AUDIT_LOG.c.id, AUDIT_LOG.c.subject).order_by("id"))
        assert [tuple(row) for row in landed] == [(1, "e"), (2, "d"), (3, "between")]


def test_a_list_for_in_is_one_array_on_postgresql(db: Database) -> None:
    """On PostgreSQL a list for `IN` (or `NOT IN`) is sent as one array parameter: the
    statement's text is the same whatever the list's length (psycopg converts and prepares it
    once), and it reads what SQLAlchemy's execution reads, an empty list included."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's arrays")
    with db.transaction() as session:
        for entry in range(1, 6):
            Prepared(insert(AUDIT_LOG)).run(session.connection(), {**_ENTRY, "id": entry})
    statement = (
        select(AUDIT_LOG.c.id, AUDIT_LOG.c.actor)
        .where(
            AUDIT_LOG.c.id.in_(bindparam("ids", expanding=True)),
            AUDIT_LOG.c.actor.not_in(bindparam("actors", expanding=True)),
        )
        .order_by(AUDIT_LOG.c.id)
    )
    prepared = Prepared(statement)
    sent: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    cases = (([2], ["x"]), ([5, 1, 3], ["operator"]), ([1, 2, 3, 4, 9], []), ([], ["x"]))
    with db.reading() as session:
        connection = session.connection()
        for ids, actors in cases:
            mine = prepared.rows(connection, {"ids": ids, "actors": actors})
            by_sqlalchemy = connection.execute(statement, {"ids": ids, "actors": actors}).all()
            assert [tuple(r) for r in mine] == [tuple(r) for r in by_sqlalchemy]
    assert len(sent) == len(cases)  # SQLAlchemy's own executions alone
    (plan,) = prepared._plans.values()  # one text for every length, run by psycopg
    assert plan.sql is not None and "= ANY" in plan.sql and "<> ALL" in plan.sql


def test_statements_sent_together_name_the_one_that_failed(db: Database) -> None:
    """On PostgreSQL `together` sends several statements, and the writes waiting before them,
    in one round trip: the error names the statement that failed (it named the first one
    sent, or the first write waiting), and so does a statement sent with writes waiting (it
    named itself)."""
    from sqlalchemy.exc import DataError

    from homecoming.store.db import together

    if db.dialect != "postgresql":
        pytest.skip("one round trip on PostgreSQL only")
    entry, read = Prepared(insert(AUDIT_LOG)), Prepared(_READ)
    by_subject = Prepared(select(AUDIT_LOG.c.id).where(AUDIT_LOG.c.subject == bindparam("s")))
    with db.transaction() as session:
        entry.run(session.connection(), _ENTRY)
    with pytest.raises(DataError) as caught, db.transaction() as session:
        connection = session.connection()
        entry.later(connection, {**_ENTRY, "id": 2})
        together(connection, [(by_subject, {"s": "x"}), (read, {"entry": "not a number"})])
    named = caught.value.statement or ""
    assert "WHERE audit_log.id =" in named and "audit_log.subject =" not in named
    for sent in (
        lambda connection: together(connection, [(by_subject, {"s": "x"}), (read, {"entry": 1})]),
        lambda connection: read.first(connection, {"entry": 1}),
    ):
        with pytest.raises(IntegrityError) as duplicate, db.transaction() as session:
            connection = session.connection()
            entry.later(connection, _ENTRY)  # the same id again: the write waiting fails
            sent(connection)
        assert (duplicate.value.statement or "").startswith("INSERT INTO audit_log")
