"""The outbox of landed records (`store/db.py`): written in the landing transaction, drained once.

Every test runs on SQLite and PostgreSQL. A handle without subscribers stands for a process that
committed and died before it could drain; a subscriber that raises, for one that died mid-drain.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, Evidence, Fate, RecordFields, Sex, SourceKind
from homecoming.errors import NotFound
from homecoming.services import inquiries, leads, registry
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.tracing.inquiry import SharingScope


def _parties(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")


def _inquiry(db: Database) -> None:
    _parties(db)
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name="Нехір",
            given_names="Олександр",
            sex=Sex.MALE,
            date_of_birth=PartialDate(1987, 5, 23),
        ),
        inquirer=Contact(name="Нехір Марія", relation="мати", email="maria@example.org"),
        consent=True,
        scope=SharingScope.ICRC,
        party="UA",
    )
    inquiries.register(db, request=request, actor="liaison")


def _land(db: Database, name: str = "RU: held", *, rows: int = 1) -> None:
    """The other party's list naming the sought person (and `rows - 1` others)."""
    evidence = [
        Evidence(
            line=2,
            raw={"Name": "NEKHYR Oleksandr"},
            fields=RecordFields(
                family_name="NEKHYR",
                given_names="Oleksandr",
                date_of_birth=PartialDate(1987, 5, 23),
                fate=Fate.DETAINED,
            ),
        )
    ][:rows] + [
        Evidence(
            line=3 + n,
            raw={"Name": f"KOVALENKO Petro {n}"},
            fields=RecordFields(family_name="KOVALENKO", given_names="Petro", fate=Fate.DETAINED),
        )
        for n in range(rows - 1)
    ]
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name=name, party="RU")
    registry.import_evidence(db, source=source, rows=evidence, actor="registrar")


def _silent(db: Database) -> Database:
    """Another handle on the same database that nobody listens to."""
    handle = Database(db.url)
    handle.unsubscribe("tracing")
    return handle


def test_a_commit_drains_its_own_rows_at_once(db: Database) -> None:
    _inquiry(db)
    _land(db)
    assert db.pending() == 0
    (lead,) = leads.queue(db)
    assert lead.evidence["name"] == "NEKHYR Oleksandr"


def test_a_write_nobody_drained_waits_in_the_outbox_for_the_next_drain(db: Database) -> None:
    _inquiry(db)
    _land(_silent(db))  # committed, then the process "died" before any drain
    assert db.pending() == 1
    assert leads.queue(db) == []
    assert db.drain() == 1
    assert db.pending() == 0
    (lead,) = leads.queue(db)
    assert lead.evidence["name"] == "NEKHYR Oleksandr"
    assert db.drain() == 0  # drained once only


def test_a_drain_that_failed_leaves_its_rows_claimed_until_the_claim_expires(
    db: Database,
) -> None:
    _inquiry(db)

    def dies(record_ids: Sequence[int], actor: str) -> None:
        raise RuntimeError("the drainer died")

    db.subscribe("tracing", dies)
    with pytest.raises(RuntimeError, match="died"):
        _land(db)
    assert db.pending() == 1  # the records committed; their re-matching is still owed
    leads.subscribe(db, SearchService(db))
    assert db.drain() == 0  # claimed by the drainer that died, not yet expired
    db.claim_expires = dt.timedelta(0)
    assert db.drain() == 1
    assert len(leads.queue(db)) == 1


def test_two_drainers_never_both_take_a_row(db: Database) -> None:
    _parties(db)
    writer = _silent(db)
    for n in range(24):
        _land(writer, f"RU: list {n}")
    assert db.pending() == 24
    heard: list[list[int]] = []
    lock = threading.Lock()
    drainers = [Database(db.url) for _ in range(3)]
    for drainer in drainers:

        def hear(record_ids: Sequence[int], actor: str) -> None:
            with lock:
                heard.append(list(record_ids))

        drainer.subscribe("tracing", hear)
    start = threading.Barrier(len(drainers))
    drained: list[int] = []

    def run(drainer: Database) -> None:
        start.wait()
        drained.append(drainer.drain(batch=2))

    threads = [threading.Thread(target=run, args=(d,)) for d in drainers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [record_id for batch in heard for record_id in batch]
    assert sum(drained) == 24 and db.pending() == 0
    assert len(every) == len(set(every)) == 24  # each landed record heard of exactly once


def test_a_handle_that_leaves_its_rows_to_a_drainer_elsewhere(db: Database) -> None:
    _inquiry(db)
    worker = Database(db.url)
    worker.leave_to_drainer()  # as `homecoming serve`'s workers do
    _land(worker)
    assert db.pending() == 1 and leads.queue(db) == []
    with _draining(db, every=0.05):
        pass
    assert db.pending() == 0
    assert len(leads.queue(db)) == 1


@contextmanager
def _draining(db: Database, **timing: float) -> Iterator[None]:
    """`drain_until` in a thread while the block runs, then until the outbox is empty."""
    stop = threading.Event()
    drainer = threading.Thread(target=db.drain_until, args=(stop,), kwargs=timing)
    drainer.start()
    try:
        yield
        deadline = time.monotonic() + 60
        while db.pending() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        drainer.join()


def test_a_stream_of_commits_is_drained_in_gathered_batches(db: Database) -> None:
    """Under a stream of writes the drainer lets rows gather after a drain that found some,
    rather than drain each commit's one row as it lands: a drain's fixed cost (its claim, the
    open inquiries read) was paid once a handover."""
    _parties(db)
    writer = _silent(db)
    heard: list[int] = []
    db.subscribe("tracing", lambda record_ids, actor: heard.append(len(record_ids)))
    gather = 1.0
    with _draining(db, every=0.005, gather=gather):
        began = time.monotonic()
        for n in range(30):
            _land(writer, f"RU: list {n}")
            time.sleep(0.01)
        streamed = time.monotonic() - began
    assert sum(heard) == 30 and db.pending() == 0
    # A drain at most each `gather` s while they land (and the last): drained as each landed,
    # it was one row a drain, 30 drains.
    assert len(heard) <= min(20, streamed / gather + 2), (heard, streamed)


def test_a_rolled_back_transaction_owes_nothing(db: Database) -> None:
    with pytest.raises(NotFound, match="unknown party"):
        _land(db)  # no parties registered: the import's transaction rolls back
    assert db.pending() == 0
