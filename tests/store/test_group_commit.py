"""Group commit (`Database.grouped`): works waiting together share one write transaction, and
each still succeeds or fails on its own: a batch runs first without savepoints, and again with
one per work should any work refuse.

Every test runs on SQLite and PostgreSQL. `gathered` makes the batch without timing: a first
work holds the lead until every other work waits behind it, so those all form the next batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from homecoming.services import audit
from homecoming.store.db import Database, note_records_landed
from homecoming.store.models import LANDED_OUTBOX, AuditEntry


def gathered(
    db: Database, key: Hashable, calls: list[Callable[[], Any]]
) -> list[Any | BaseException]:
    """Run each call (each ends in `db.grouped(key, …)`) on a thread of its own, all waiting at
    once behind a leader that holds its turn until they do; each one's result or error."""
    entered, gate = threading.Event(), threading.Event()

    def hold(_: Session) -> None:
        entered.set()
        gate.wait(60)

    leader = threading.Thread(target=db.grouped, args=(key, hold))
    leader.start()
    assert entered.wait(60), "the leading work never started"
    outcomes: list[Any | BaseException] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            outcomes[index] = calls[index]()
        except BaseException as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    waiting = threading.Event()
    for _ in range(6000):  # until every call waits for the lead (a wait, not a timing)
        with db._waiting_lock:
            if len(db._waiting.get(key, [])) == len(calls):
                waiting.set()
                break
        waiting.wait(0.01)
    gate.set()
    leader.join()
    for thread in threads:
        thread.join()
    assert waiting.is_set(), "the calls never all waited behind the leader"
    return outcomes


@contextmanager
def _heard(db: Database, name: str) -> Iterator[list[Any]]:
    """What the engine's `name` event was told each time while the block runs: a savepoint's
    name, a commit's connection."""
    heard: list[Any] = []

    def note(connection: Any, *told: Any) -> None:
        heard.append(told[0] if told else connection)

    event.listen(db.engine, name, note)
    try:
        yield heard
    finally:
        event.remove(db.engine, name, note)


def savepoints(db: Database) -> AbstractContextManager[list[Any]]:
    """The savepoints opened on the database while the block runs (one per work of a batch)."""
    return _heard(db, "savepoint")


def commits(db: Database) -> AbstractContextManager[list[Any]]:
    """The commits on the database while the block runs (one per write transaction)."""
    return _heard(db, "commit")


@pytest.fixture
def quiet(db: Database) -> Database:
    """The database with nobody listening: what the works land stays in the outbox to read."""
    db.unsubscribe("tracing")
    return db


def _entries(db: Database, action: str) -> list[AuditEntry]:
    with db.reading() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(session.scalars(query))


def _owed(db: Database) -> list[int]:
    with db.reading() as session:
        rows = session.execute(select(LANDED_OUTBOX.c.record_ids)).scalars()
        return sorted(i for ids in rows for i in ids)


def _work(ran: list[int], index: int, *, fail: bool = False) -> Callable[[Session], int]:
    def work(session: Session) -> int:
        audit.append(session, actor="t", action="test.grouped", subject=f"work:{index}", details={})
        note_records_landed(session, [1000 + index], actor="t")
        ran.append(index)
        if fail:
            raise ValueError(f"work {index} refused after writing")
        return index

    return work


def test_works_waiting_together_commit_together_each_with_its_own_audit_entry(
    quiet: Database,
) -> None:
    db = quiet
    ran: list[int] = []
    calls = [lambda i=i: db.grouped("k", _work(ran, i)) for i in range(5)]
    with savepoints(db) as opened, commits(db) as committed:
        outcomes = gathered(db, "k", calls)
    assert outcomes == [0, 1, 2, 3, 4]
    assert len(committed) == 1  # one batch of five (the leader wrote nothing)
    assert opened == []  # none refused: the batch ran as one, without savepoints
    assert sorted(ran) == [0, 1, 2, 3, 4]  # each work ran once
    entries = _entries(db, "test.grouped")
    assert [e.subject for e in entries] == [f"work:{i}" for i in ran]  # in the order they ran
    assert audit.verify(db).ok
    assert _owed(db) == [1000, 1001, 1002, 1003, 1004]


def test_a_work_that_raises_is_rolled_back_alone_and_its_caller_gets_its_error(
    quiet: Database,
) -> None:
    db = quiet
    ran: list[int] = []
    calls = [lambda i=i: db.grouped("k", _work(ran, i, fail=i in (1, 3))) for i in range(5)]
    with savepoints(db) as opened:
        outcomes = gathered(db, "k", calls)
    assert [o for o in outcomes if not isinstance(o, BaseException)] == [0, 2, 4]
    # The batch ran as one until the first refusal, then again, each work in a savepoint.
    first, again = ran[:-5], ran[-5:]
    assert sorted(again) == [0, 1, 2, 3, 4] and len(opened) == 5
    assert first == again[: len(first)] and first[-1] in (1, 3)
    refused = [o for o in outcomes if isinstance(o, ValueError)]
    assert sorted(str(e) for e in refused) == [
        "work 1 refused after writing",
        "work 3 refused after writing",
    ]
    # Nothing of the refused works landed: neither their audit entries nor their records.
    assert [e.subject for e in _entries(db, "test.grouped")] == [
        f"work:{i}" for i in again if i not in (1, 3)
    ]
    assert audit.verify(db).ok
    assert _owed(db) == [1000, 1002, 1004]


def test_only_works_of_the_same_key_share_a_batch(quiet: Database) -> None:
    db = quiet
    ran: list[int] = []
    with savepoints(db) as opened, commits(db) as committed:
        outcomes = gathered(
            db,
            "k",
            [lambda: db.grouped("k", _work(ran, 0)), lambda: db.grouped("k", _work(ran, 1))],
        )
        alone = db.grouped("other", _work(ran, 2))
    assert outcomes == [0, 1] and alone == 2
    assert len(committed) == 2  # the batch of two; the other key's work alone
    assert opened == []  # none refused: no savepoints
    assert audit.verify(db).ok


def test_a_lone_work_that_raises_leaves_nothing(quiet: Database) -> None:
    db = quiet
    ran: list[int] = []
    try:
        db.grouped("k", _work(ran, 7, fail=True))
    except ValueError as error:
        assert str(error) == "work 7 refused after writing"
    else:
        raise AssertionError("the work's error did not reach its caller")
    assert ran == [7] and _entries(db, "test.grouped") == [] and _owed(db) == []


@contextmanager
def writer_held(db: Database) -> Iterator[None]:
    """The writer thread (`grouped_later`) busy with a first work until the block ends: what
    is queued meanwhile waits, and forms the next batches (a wait, not a timing)."""
    entered, gate = threading.Event(), threading.Event()

    def hold(_: Session) -> None:
        entered.set()
        gate.wait(60)

    first = db.grouped_later("hold", hold)
    assert entered.wait(60), "the writer never started the first work"
    try:
        yield
    finally:
        gate.set()
        first.result(60)


def test_work_queued_for_the_writer_commits_in_one_batch_each_with_its_own_outcome(
    quiet: Database,
) -> None:
    db = quiet
    ran: list[int] = []
    with savepoints(db) as opened:
        with writer_held(db):
            futures = [db.grouped_later("k", _work(ran, i, fail=i == 2)) for i in range(4)]
        outcomes = [f.exception(60) or f.result() for f in futures]
    assert outcomes[:2] == [0, 1] and outcomes[3] == 3
    assert isinstance(outcomes[2], ValueError)
    assert str(outcomes[2]) == "work 2 refused after writing"
    assert len(opened) == 4  # one batch of four, each in a savepoint
    assert [e.subject for e in _entries(db, "test.grouped")] == ["work:0", "work:1", "work:3"]
    assert audit.verify(db).ok
    assert _owed(db) == [1000, 1001, 1003]


def test_the_writer_batches_by_key_and_skips_what_was_cancelled(quiet: Database) -> None:
    db = quiet
    ran: list[int] = []
    with savepoints(db) as opened, commits(db) as committed:
        with writer_held(db):
            futures = [
                db.grouped_later("k", _work(ran, 0)),
                db.grouped_later("other", _work(ran, 1)),
                db.grouped_later("k", _work(ran, 2)),
                db.grouped_later("k", _work(ran, 3)),
            ]
            assert futures[3].cancel()
        assert [f.result(60) for f in futures[:3]] == [0, 1, 2]
    assert sorted(ran) == [0, 1, 2]  # the cancelled work never ran, the others once
    assert len(committed) == 2  # "k" as a batch of two; "other" alone
    assert opened == []  # none refused: no savepoints
    assert audit.verify(db).ok


def test_work_queued_while_a_batch_runs_joins_its_transaction(quiet: Database) -> None:
    """The writer's batch grows while it runs: work of its key queued meanwhile (on PostgreSQL,
    while the first waits for a row lock) commits with it; other keys' work waits its turn."""
    db = quiet
    ran: list[int] = []
    joined: list[Future[Any]] = []

    def first(session: Session) -> int:
        done = _work(ran, 0)(session)
        joined.extend(
            [
                db.grouped_later("k", _work(ran, 1)),
                db.grouped_later("other", _work(ran, 2)),
                db.grouped_later("k", _work(ran, 3)),
            ]
        )
        return done

    with savepoints(db) as opened, commits(db) as committed:
        assert db.grouped_later("k", first).result(60) == 0
        assert [f.result(60) for f in joined] == [1, 2, 3]
    assert len(committed) == 2  # "k": the first and the two that joined it; then "other"
    assert opened == []
    subjects = [e.subject for e in _entries(db, "test.grouped")]
    assert subjects == ["work:0", "work:1", "work:3", "work:2"]
    assert audit.verify(db).ok
    assert _owed(db) == [1000, 1001, 1002, 1003]


def test_dispose_writes_what_was_queued_before_the_writer_ends(quiet: Database) -> None:
    db = quiet
    ran: list[int] = []
    with writer_held(db):
        queued = db.grouped_later("k", _work(ran, 5))
    db.dispose()
    assert queued.result(0) == 5 and db._writer is None


def test_a_batch_whose_commit_fails_fails_every_work_and_runs_none_again(
    quiet: Database,
) -> None:
    db = quiet
    ran: list[int] = []

    def refuse_commit(_connection: Any) -> None:
        if ran:  # the batch's commit, not the leader's
            raise RuntimeError("the disk is full")

    event.listen(db.engine, "commit", refuse_commit)
    try:
        with savepoints(db) as opened:
            outcomes = gathered(
                db, "k", [lambda i=i: db.grouped("k", _work(ran, i)) for i in range(3)]
            )
    finally:
        event.remove(db.engine, "commit", refuse_commit)
    assert all(isinstance(o, RuntimeError) and str(o) == "the disk is full" for o in outcomes)
    assert sorted(ran) == [0, 1, 2] and opened == []  # each ran once, none again in a savepoint
    assert _entries(db, "test.grouped") == [] and _owed(db) == []
    assert audit.verify(db).ok
