"""The database handle. Every SQLite/PostgreSQL difference lives in this module."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import queue
import select as io_select
import sqlite3
import threading
import uuid
from collections import namedtuple
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from sqlalchemy import (
    JSON,
    Engine,
    Float,
    Integer,
    Table,
    bindparam,
    column,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

from homecoming.errors import HomecomingError

if TYPE_CHECKING:
    import psycopg

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


class DatabaseNotReady(HomecomingError):
    status_code = 503
    title = "Database not ready"


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # WAL lets readers work while an import writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Freed content is overwritten with zeros, so an erased name leaves no trace in the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
    # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's late implicit BEGIN.
    dbapi_connection.isolation_level = None


READ_ONLY_OPTION = "homecoming_read_only"


def _sqlite_begin(connection: Any) -> None:
    # Writers take the write lock at BEGIN, so two never deadlock upgrading a read lock;
    # readers begin deferred, so in WAL mode they never queue behind a long import.
    if connection.get_execution_options().get(READ_ONLY_OPTION):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for the URL, with the dialect's settings applied."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Every worker thread of the server may hold a connection at once (SQLite pools
        # five, and ten more on demand, by default): requests then never queue for one.
        in_file = parsed.database not in (None, "", ":memory:")
        pooling = {"pool_size": 20, "max_overflow": 40} if in_file else {}
        engine = create_engine(url, connect_args={"timeout": 30}, **pooling)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() != "postgresql":
        return create_engine(url, pool_pre_ping=True)
    if parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    engine = create_engine(url)
    event.listen(engine, "checkout", _postgresql_alive)
    # Writes left for the next round trip (`Prepared.later`) go before any other statement
    # and before a commit (a savepoint's SAVEPOINT and RELEASE are statements); a rollback,
    # of the transaction or to a savepoint, drops the ones it undoes.
    event.listen(engine, "before_cursor_execute", _send_before)
    event.listen(engine, "commit", _send_before)
    event.listen(engine, "rollback", _drop_later)
    event.listen(engine, "rollback_savepoint", _drop_later)
    event.listen(engine, "reset", _drop_on_reset)
    return engine


def _drop_on_reset(_dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
    """A connection back in the pool keeps no write for a transaction that ended."""
    record.info.pop(_LATER, None)


def _postgresql_alive(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Hand out no pooled connection the server has closed (a restart, a terminated backend).

    In place of SQLAlchemy's pre-ping, which costs a round trip (`SELECT 1`) on every
    checkout, several per request: an idle connection is sent nothing, so a socket that has
    something to read (the server's farewell, or its end of file) belongs to a closed session.
    The pool then opens a new connection in its place.
    """
    if dbapi_connection.closed:
        raise DisconnectionError("the connection was closed")
    try:
        poller = io_select.poll()  # not select(): a busy server's descriptors pass 1024
        poller.register(dbapi_connection.fileno(), io_select.POLLIN)
        readable = poller.poll(0)
    except (OSError, ValueError) as error:
        raise DisconnectionError(f"the connection's socket is gone ({error})") from error
    if readable:
        raise DisconnectionError("the server closed the connection while it was idle")


class _SqliteWriters:
    """The queue of one SQLite file's writers, across threads and processes.

    SQLite lets one writer in at a time, and one that finds the file locked sleeps in its
    busy handler (up to 100 ms a turn) before trying again: many concurrent writers then
    spend most of their time asleep. Queued here first, on a thread lock and an advisory
    lock on a file beside the database, each writer is woken the moment the one before ends.
    """

    # The lock files each thread holds, whatever handle took them: a second handle on the same
    # file opening a transaction inside the first's (same thread) would wait for itself forever.
    _held = threading.local()

    def __init__(self, database: Path) -> None:
        self._path = database.with_name(database.name + ".writers")
        self._thread = threading.RLock()
        self._depth = 0  # a transaction opened inside another (same thread) waits for nothing
        self._file: int | None = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._thread:
            self._depth += 1
            try:
                held_here: set[Path] = _SqliteWriters._held.__dict__.setdefault("paths", set())
                if self._depth == 1:
                    if self._path in held_here:
                        raise RuntimeError(
                            f"a write transaction on {self._path.with_suffix('')} is already open "
                            "in this thread through another Database handle: write through that "
                            "handle, or end its transaction first"
                        )
                    if self._file is None:
                        self._file = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                    held = self._file
                    fcntl.flock(held, fcntl.LOCK_EX)
                    held_here.add(self._path)
                try:
                    yield
                finally:
                    if self._depth == 1:
                        held_here.discard(self._path)
                        fcntl.flock(held, fcntl.LOCK_UN)
            finally:
                self._depth -= 1

    def close(self) -> None:
        with self._thread:
            if self._file is not None:
                os.close(self._file)
                self._file = None


T = TypeVar("T")


class _Queued:
    """What the writer thread (`Database._write_queued`) has been given: the queue, and what
    it took off the queue but has not run yet (works of another key than the batch's)."""

    def __init__(
        self, source: queue.SimpleQueue[tuple[Hashable, _Job[Any], Future[Any]] | None]
    ) -> None:
        self._source = source
        self._waiting: list[tuple[Hashable, _Job[Any], Future[Any]]] = []
        self._ending = False

    def next_batch(self) -> tuple[Hashable, list[tuple[_Job[Any], Future[Any]]]] | None:
        """The key that waits longest, and its works queued now (not those cancelled before
        their turn); None once the end was asked for and everything before it was run."""
        if not self._waiting:
            first = None if self._ending else self._source.get()
            if first is None:
                return None
            self._waiting.append(first)
        self._take()
        key = self._waiting[0][0]
        jobs = [(job, future) for k, job, future in self._waiting if k == key]
        self._waiting = [item for item in self._waiting if item[0] != key]
        return key, [(job, future) for job, future in jobs if future.set_running_or_notify_cancel()]

    def joining(self, key: Hashable, jobs: list[tuple[_Job[Any], Future[Any]]]) -> list[_Job[Any]]:
        """The works of `key` queued since `jobs` began, added to them (up to
        `GROUP_AT_MOST` in all): the batch running takes them into its transaction."""
        if len(jobs) >= GROUP_AT_MOST:
            return []
        self._take()
        joined: list[_Job[Any]] = []
        others = []
        for item in self._waiting:
            if item[0] != key or len(jobs) >= GROUP_AT_MOST:
                others.append(item)
            elif item[2].set_running_or_notify_cancel():
                jobs.append((item[1], item[2]))
                joined.append(item[1])
        self._waiting = others
        return joined

    def _take(self) -> None:
        """Move what the queue holds now behind what waits; note an end asked for."""
        while not self._ending:
            try:
                item = self._source.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self._ending = True
            else:
                self._waiting.append(item)


class _Job(Generic[T]):
    """One caller's work in a shared write transaction (`Database.grouped`), and its outcome."""

    __slots__ = ("done", "error", "hint", "result", "work")

    def __init__(self, work: Callable[[Session], T], hint: Any = None) -> None:
        self.work = work
        self.hint = hint  # what the work will need, for the batch to read at once (`batch_hints`)
        self.done = False
        self.result: T | None = None
        self.error: BaseException | None = None


# Told, after a transaction commits, of the records it wrote: (their ids, who wrote them).
RecordsLanded = Callable[[Sequence[int], str], None]
_LANDED = "homecoming_records_landed"  # the key in a transaction's Session.info
# How many outbox rows one drain claims at once: the subscribers hear of them together.
DRAIN_BATCH = 500
# How long a drainer lets landed rows gather after a drain that found some (`drain_until`):
# the leads of a handover come this much later, and a stream of handovers is re-matched in
# drains of many records instead of a few (docs/benchmarks.md, 2026-12-07).
DRAIN_GATHER = 0.1
# The most works a writer thread's batch grows to (`Database.grouped_later`) before it commits.
GROUP_AT_MOST = 64


def note_records_landed(session: Session, record_ids: Sequence[int], *, actor: str) -> None:
    """Remember records written in this transaction; subscribers hear of them after commit."""
    landed: dict[str, list[int]] | None = session.info.get(_LANDED)
    if landed is None:
        raise RuntimeError("records land only inside Database.transaction()")
    landed.setdefault(actor, []).extend(record_ids)


class Database:
    """An engine and its sessions; `transaction()` is the unit of work of every service.

    A transaction collects the ids of the records it writes (`note_records_landed`) and, in
    the same transaction, leaves them in the outbox (`landed_outbox`): a crash after the
    commit loses none. Draining the outbox (`drain`) tells each subscriber (`subscribe`) of
    them: that is how tracing re-matches the open inquiries new evidence may answer, without
    the services that land it knowing. By default a transaction drains its own rows right
    after its commit; a server's workers `leave_to_drainer()`, and a process of its own
    (`drain_until`) drains after the responses, many writes at once.
    """

    # A claim this old is taken to be a drainer that died: another drainer takes the rows over.
    claim_expires = dt.timedelta(minutes=15)

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        parsed = make_url(url)
        in_file = parsed.database not in (None, "", ":memory:")
        self._writers = (
            _SqliteWriters(Path(str(parsed.database)))
            if parsed.get_backend_name() == "sqlite" and in_file
            else None
        )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False
        )
        # PostgreSQL's glances read in autocommit: no BEGIN before them and no ROLLBACK after
        # (at READ COMMITTED each statement takes its own snapshot inside a transaction too).
        self._glances = (
            sessionmaker(
                self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                expire_on_commit=False,
            )
            if self.dialect == "postgresql"
            else self._readers
        )
        self._subscribers: dict[str, RecordsLanded] = {}
        self._left_to_drainer = False
        # Group commit (`grouped`): the work waiting, by key, and the one thread that leads.
        self._waiting: dict[Hashable, list[_Job[Any]]] = {}
        self._waiting_lock = threading.Lock()
        self._leading = threading.Lock()
        # `grouped_later`: the work queued for this handle's writer thread (started on first use).
        self._queued: queue.SimpleQueue[tuple[Hashable, _Job[Any], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()

    def subscribe(self, name: str, subscriber: RecordsLanded) -> None:
        """Tell `subscriber` of every record landed (through any handle), when drained.

        One subscriber per name: subscribing again under a name replaces the one before.
        """
        self._subscribers[name] = subscriber

    def unsubscribe(self, name: str) -> None:
        """Stop telling the subscriber of that name; this handle's writes then wait in the
        outbox for a handle that has subscribers to drain them."""
        self._subscribers.pop(name, None)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        The records it wrote go to the outbox in the same transaction; after the commit (and
        outside SQLite's writers' queue) they are drained at once, unless this handle leaves
        them to a drainer. A rolled-back transaction leaves nothing.
        """
        landed: dict[str, list[int]] = {}
        owed: list[int] = []
        if self._writers is None:
            with self._sessions.begin() as session:
                session.info[_LANDED] = landed
                yield session
                owed = _owe(session, landed)
        else:
            with self._writers.turn(), self._sessions.begin() as session:
                session.info[_LANDED] = landed
                yield session
                owed = _owe(session, landed)
        if not owed or not self._subscribers:
            return  # a handle nobody listens to leaves its rows for one that has listeners
        if not self._left_to_drainer:
            self.drain(only=owed)

    def grouped(self, key: Hashable, work: Callable[[Session], T], hint: Any = None) -> T:
        """`work(session)` in a write transaction shared with the other threads of this
        process that wait to do work of the same `key` at the same time (group commit).

        Whoever takes the lead runs everything of its key that waits, in the order it came,
        and commits once: SQLite's one writer then takes its turn once for many writes. One
        work that raises is rolled back alone (its records leave the outbox with it) and its
        caller gets its error; the others commit (`_run_batch`: the batch then runs again,
        each work in a savepoint of its own, so a work may run twice and must do nothing
        outside its session). A commit that fails fails every work of the batch. Each caller
        returns after the commit (and, unless left to a drainer, the drain), like after
        `transaction()`.
        Works of one key must take their row locks in the same order (on PostgreSQL, a batch
        holds each work's locks until the commit): the key names what they lock first. Never
        call it inside a transaction of this handle: the leader may be another thread, which
        would wait for that transaction's lock while the caller waits for the leader.
        `hint`: what the work will read or write, told to the batch's works (`batch_hints`) so
        that one of them can read for all at once.
        """
        job: _Job[T] = _Job(work, hint)
        with self._waiting_lock:
            self._waiting.setdefault(key, []).append(job)
        with self._leading:
            if not job.done:  # nobody took it along: lead the batch of its key
                with self._waiting_lock:
                    batch = self._waiting.pop(key)
                self._run_batch(batch)
        if job.error is not None:
            raise job.error
        return cast(T, job.result)

    def grouped_later(
        self, key: Hashable, work: Callable[[Session], T], hint: Any = None
    ) -> Future[T]:
        """`grouped`, done by this handle's writer thread: the future holds what `work`
        returned (or its error) once its batch has committed, or been drained where this
        handle drains.

        For callers that must not block (an event loop): the writer takes everything queued
        when it is free, groups it by key in the order it came, and runs each key's batch as
        `grouped` runs one (one commit; a refused work rolled back alone). A future cancelled
        before its turn is not run. The same rule as `grouped`: never wait for the future
        inside a transaction of this handle.
        """
        future: Future[T] = Future()
        with self._writer_lock:
            if self._writer is None or not self._writer.is_alive():  # first use, or it died
                self._writer = threading.Thread(
                    target=self._write_queued, name="homecoming-writer", daemon=True
                )
                self._writer.start()
            self._queued.put((key, _Job(work, hint), future))
        return future

    def _write_queued(self) -> None:
        """The writer thread: run what `grouped_later` queued, in batches, until told to end.

        A batch is everything of one key queued when it starts, and grows while it runs
        (`_Queued.joining`): what is queued for its key while a work runs (on PostgreSQL,
        while the first waits for the stage's row lock another process's batch holds) joins
        the same transaction. Work of other keys waits for the next batches, in order.
        """
        queued = _Queued(self._queued)
        while (batch := queued.next_batch()) is not None:
            key, jobs = batch
            if jobs:
                self._run_queued(jobs, partial(queued.joining, key, jobs))

    def _run_queued(
        self,
        queued: list[tuple[_Job[Any], Future[Any]]],
        more: Callable[[], list[_Job[Any]]] | None = None,
    ) -> None:
        try:
            self._run_batch([job for job, _ in queued], more)
        finally:
            for job, future in queued:
                if job.error is not None:
                    future.set_exception(job.error)
                elif job.done:
                    future.set_result(job.result)
                else:
                    future.set_exception(RuntimeError("the write was not run"))

    def _run_batch(
        self, batch: list[_Job[Any]], more: Callable[[], list[_Job[Any]]] | None = None
    ) -> None:
        """Run a batch of works in one transaction, each succeeding or failing on its own.

        A batch of several runs first as one, without savepoints (each through the ORM
        session costs more than a handover's own writes). Should a work raise, all of it is
        rolled back and the batch runs again, each work in a savepoint of its own, which a
        refusal needs: so a work may run twice, and must do nothing outside its session.
        A failed commit (or drain) fails every work of the batch, as ever. `more`: after each
        work, the works that joined the batch meanwhile (run in the same transaction).
        """
        if len(batch) > 1 or more is not None:
            results: list[Any] = []
            ran = False
            try:
                with self.transaction() as session:
                    running = session.info[_RUNNING] = _Running(batch)
                    # The list grows while it runs, by what `more` gives.
                    while running.at < len(batch):
                        results.append(batch[running.at].work(session))
                        running.at += 1
                        if more is not None:
                            batch.extend(more())
                    _send_later_of(session)  # a work's write left for later fails as the work's
                    ran = True
            except BaseException as error:
                if ran:  # every work ran: the commit or drain failed
                    self._fail(batch, error)
                    return
                if not isinstance(error, Exception) or len(batch) == 1:
                    self._fail(batch, error)  # alone: its own error, and nothing was kept
                    if not isinstance(error, Exception):
                        raise
                    return
                # A work refused: nothing was kept; every work runs again below, in savepoints.
            else:
                for job, result in zip(batch, results, strict=True):
                    job.result, job.done = result, True
                return
        try:
            with self.transaction() as session:
                running = session.info[_RUNNING] = _Running(batch)
                if len(batch) == 1:  # alone: its error rolls the transaction back, as ever
                    batch[0].result = batch[0].work(session)
                else:
                    for running.at, job in enumerate(batch):
                        _run_in_savepoint(session, job)
        except BaseException as error:
            self._fail(batch, error)
            if not isinstance(error, Exception):
                raise
        finally:
            for job in batch:
                job.done = True

    @staticmethod
    def _fail(batch: list[_Job[Any]], error: BaseException) -> None:
        """Every work of the batch without an error of its own fails with this one."""
        for job in batch:
            if job.error is None:
                job.result, job.error = None, error
            job.done = True

    def drain(self, *, only: Sequence[int] | None = None, batch: int = DRAIN_BATCH) -> int:
        """Tell the subscribers of the records the outbox holds; the outbox rows drained.

        Each batch is claimed atomically (one drainer per row, however many processes drain),
        handed to the subscribers and deleted. A subscriber's error leaves the batch claimed,
        for a drainer to take over once the claim expires. `only`: these outbox rows alone;
        `batch`: how many rows one claim takes.
        """
        if not self._subscribers:
            return 0
        if only is None and self.read_one("SELECT 1 FROM landed_outbox LIMIT 1") is None:
            return 0  # the usual case, read without taking SQLite's write lock
        drained = 0
        while True:
            token, rows = self._claim(only, batch)
            if not rows:
                return drained
            by_actor: dict[str, list[int]] = {}
            for actor, record_ids in rows:
                by_actor.setdefault(actor, []).extend(record_ids)
            for actor, record_ids in by_actor.items():
                for subscriber in list(self._subscribers.values()):
                    subscriber(record_ids, actor)
            self._release(token)
            drained += len(rows)
            if len(rows) < batch:  # the claim took every row there was: not asked again
                return drained

    def pending(self) -> int:
        """How many outbox rows wait for a drain (claimed ones included)."""
        from homecoming.store.models import LANDED_OUTBOX

        with self.reading() as session:
            counted = select(func.count()).select_from(LANDED_OUTBOX)
            return int(session.execute(counted).scalar_one())

    def leave_to_drainer(self) -> None:
        """From now on a commit leaves its rows to a drainer elsewhere (`drain_until`)."""
        self._left_to_drainer = True

    def drain_until(
        self, stop: threading.Event, *, every: float = 0.5, gather: float = DRAIN_GATHER
    ) -> None:
        """Drain, again and again, until `stop` is set; look every `every` s when idle, and
        `gather` s after a drain that found rows.

        What a burst of commits left is drained together: re-matching many records at once
        costs a fraction of re-matching each alone (a drain's fixed cost is several records'),
        so under a stream of writes the drainer lets `gather` s of them gather rather than
        drain each commit's few as it lands. An error is logged and the loop goes on (the rows
        stay claimed until the claim expires)."""
        while not stop.is_set():
            try:
                drained = self.drain()
            except Exception:
                log.exception("draining the landed records' outbox failed; retrying later")
                drained = 0
            stop.wait(gather if drained else every)

    def _claim(
        self, only: Sequence[int] | None, batch: int
    ) -> tuple[str, list[tuple[str, list[int]]]]:
        from homecoming.store.models import LANDED_OUTBOX as OUTBOX

        token = uuid.uuid4().hex
        now = dt.datetime.now(dt.UTC)
        params: dict[str, Any] = {
            "token": token,
            "now": now,
            "expired": now - self.claim_expires,
            "batch": batch,
        }
        if only is not None:
            params["only"] = list(only)
        claim = _outbox_statements(OUTBOX, self.dialect, only is not None)[0]
        with self._plain_transaction() as session:
            rows = sorted(claim.rows(connection_of(session), params))
        return token, [(actor, list(record_ids)) for _, actor, record_ids in rows]

    def _release(self, token: str) -> None:
        from homecoming.store.models import LANDED_OUTBOX as OUTBOX

        release = _outbox_statements(OUTBOX, self.dialect, False)[1]
        with self._plain_transaction() as session:
            release.run(connection_of(session), {"token": token})

    @contextmanager
    def _plain_transaction(self) -> Iterator[Session]:
        """A write transaction that lands no records (the outbox's own bookkeeping)."""
        if self._writers is None:
            with self._sessions.begin() as session:
                yield session
        else:
            with self._writers.turn(), self._sessions.begin() as session:
                yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only (on SQLite it takes no write lock: never write in it)."""
        with self._readers() as session:
            yield session

    @contextmanager
    def glancing(self) -> Iterator[Session]:
        """A session for a few small reads on a request's path (a person's page): on
        PostgreSQL in autocommit, two round trips fewer than `reading()`. Never write in it,
        and stream nothing from it (`yield_per` needs a transaction on PostgreSQL): use
        `reading()` for those."""
        with self._glances() as session:
            yield session

    def read_one(self, sql: str) -> tuple[Any, ...] | None:
        """The first row of a constant query (no parameters: each driver spells them its own
        way), on a pooled connection without an ORM session or a BEGIN: cheap enough for
        every request.

        On PostgreSQL the read runs in autocommit (one statement sees one snapshot either
        way): no BEGIN before it and no ROLLBACK after, two round trips of four."""
        raw = self.engine.raw_connection()
        try:
            if self.dialect != "postgresql":
                cursor = raw.cursor()
                cursor.execute(sql)
                row = cursor.fetchone()
                cursor.close()
            else:
                driver = cast("psycopg.Connection[Any]", raw.driver_connection)
                driver.autocommit = True  # the pool hands out connections outside a transaction
                try:
                    row = driver.execute(sql).fetchone()
                finally:
                    driver.autocommit = False
        finally:
            raw.close()  # back to the pool, which rolls back what the read began
        return tuple(row) if row is not None else None

    def upgrade(self) -> None:
        """Create or migrate the schema to the newest version."""
        from alembic import command

        with self.engine.begin() as connection:
            config = _alembic_config(self.url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def check_ready(self, *, any_version: bool = False) -> None:
        """Raise a clear error when the schema is missing, or not the one this code needs
        (`any_version`: only missing; a backup copies a database of any schema version)."""
        if not inspect(self.engine).has_table("records"):
            raise DatabaseNotReady(
                f"the database at {self.safe_url} has no Homecoming tables: run `homecoming init`"
            )
        if any_version:
            return
        row = self.read_one("SELECT version_num FROM alembic_version")
        have, need = (row[0] if row else None), schema_head()
        if have == need:
            return
        if have in schema_revisions():
            raise DatabaseNotReady(
                f"the database at {self.safe_url} has schema version {have}, and this version "
                f"of Homecoming needs {need}: back it up (`homecoming backup`), then run "
                "`homecoming init`, which migrates it and keeps its data"
            )
        raise DatabaseNotReady(
            f"the database at {self.safe_url} has schema version {have or 'none'}, which this "
            f"version of Homecoming does not know (its newest is {need}): it was made or migrated "
            "by a newer Homecoming; run that version, or restore a backup made by this one"
        )

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def is_empty(self) -> bool:
        """True when the schema is missing or holds no sources yet."""
        if not inspect(self.engine).has_table("sources"):
            return True
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT 1 FROM sources LIMIT 1")).first() is None

    def reset(self) -> None:
        """Remove every table (and the SQLite file): only for demos and tests."""
        parsed = make_url(self.url)
        self.engine.dispose()
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
            return
        from homecoming.store.models import Base

        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(text("DROP TABLE IF EXISTS records CASCADE"))
                connection.execute(text("DROP FUNCTION IF EXISTS records_immutable() CASCADE"))
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))

    def dispose(self) -> None:
        with self._writer_lock:
            writer, self._writer = self._writer, None
        if writer is not None:  # what was queued is written first
            self._queued.put(None)
            writer.join()
        self.engine.dispose()
        if self._writers is not None:
            self._writers.close()

    def scrub(self, tables: list[str]) -> str:
        """Make erased content unreadable in the files; says what was done.

        SQLite zeroes freed content (secure_delete) and a truncating checkpoint moves the
        WAL's pages into the file and empties the WAL; PostgreSQL's VACUUM frees the dead row
        versions for reuse (it does not zero them: only VACUUM FULL rewrites the tables).
        """
        if self.dialect == "sqlite":
            raw = self.engine.raw_connection()  # outside any transaction, as a checkpoint must be
            try:
                busy, _, _ = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                raw.close()
            if busy:
                return "SQLite: the WAL could not be emptied while another reader used it"
            return "SQLite: freed pages zeroed, WAL checkpointed and truncated"
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.execute(text(f'VACUUM "{table}"'))
        return f"PostgreSQL: VACUUM {', '.join(tables)}"


@lru_cache(maxsize=8)
def _outbox_statements(outbox: Table, dialect: str, only: bool) -> tuple[Prepared, Prepared]:
    """The drain's claim of outbox rows (`only`: of the ids given) and its release of them:
    built once, each drain runs both."""
    free = outbox.c.claimed_by.is_(None) | (outbox.c.claimed_at < bindparam("expired"))
    wanted = select(outbox.c.id).where(free).order_by(outbox.c.id).limit(bindparam("batch"))
    if only:
        wanted = wanted.where(outbox.c.id.in_(bindparam("only", expanding=True)))
    if dialect == "postgresql":
        wanted = wanted.with_for_update(skip_locked=True)  # claimers pass each other by
    # `free` again outside: PostgreSQL re-checks it on a row another claimer just took.
    claim = (
        sql_update(outbox)
        .where(outbox.c.id.in_(wanted.scalar_subquery()), free)
        .values(claimed_by=bindparam("token"), claimed_at=bindparam("now"))
        .returning(outbox.c.id, outbox.c.actor, outbox.c.record_ids)
    )
    release = delete(outbox).where(outbox.c.claimed_by == bindparam("token"))
    return Prepared(claim), Prepared(release)


_CONNECTION = "homecoming_connection"  # a write transaction's connection, in its Session.info


def connection_of(session: Session) -> Connection:
    """The session's connection, as `session.connection()`; in a write transaction
    (`Database.transaction`, which ends with its session) taken once and kept: each call of
    `session.connection()` costs about as much as a prepared statement's run on SQLite. A
    savepoint (`Session.begin_nested`) is emitted only when asked for its connection: whoever
    opens one calls `session.connection()` right after (`_run_in_savepoint` does)."""
    found: Connection | None = session.info.get(_CONNECTION)
    if found is None:
        found = session.connection()
        if _LANDED in session.info:  # only a transaction() session: it never outlives its
            session.info[_CONNECTION] = found  # transaction, nor changes connection in it
    return found


class _Running:
    """The works of a batch (`Database._run_batch`) and which of them runs now."""

    __slots__ = ("at", "jobs")

    def __init__(self, jobs: list[_Job[Any]]) -> None:
        self.jobs = jobs
        self.at = 0


_RUNNING = "homecoming_running"  # a batch's works, in its transaction's Session.info


def batch_hints(session: Session) -> list[Any]:
    """The hints (`Database.grouped`'s `hint`) of the work running in this transaction and of
    the works of its batch after it, in the order they run (those given none left out); an
    empty list outside a batch. A work may read for all of them at once, under the locks it
    took: what it reads must stay true until they run (their own writes aside)."""
    running: _Running | None = session.info.get(_RUNNING)
    if running is None:
        return []
    return [job.hint for job in running.jobs[running.at :] if job.hint is not None]


def transaction_memo(session: Session) -> dict[Any, Any] | None:
    """What a write transaction (`Database.transaction`) remembers until it ends, or None for
    any other session: rows it locked, what it read under those locks and has written since
    (the audit head it moved, a handover sheet's last line). A savepoint rolled back
    (`_run_in_savepoint`) forgets what was remembered in it, as its writes and locks go."""
    return session.info if _LANDED in session.info else None


def _run_in_savepoint(session: Session, job: _Job[Any]) -> None:
    """Run one work of a batch in a savepoint; its error rolls back only what it wrote."""
    landed: dict[str, list[int]] = session.info[_LANDED]
    before = {actor: len(ids) for actor, ids in landed.items()}
    remembered = dict(session.info)
    savepoint = session.begin_nested()
    # SQLAlchemy emits the SAVEPOINT when the nested transaction first asks for its connection;
    # the work may not ask (`connection_of` keeps the transaction's): ask here, so it is open.
    session.connection()
    try:
        job.result = job.work(session)
        _send_later_of(session)  # its writes left for later fail here, as its own
    except Exception as error:
        savepoint.rollback()
        # What the work remembered (`transaction_memo`) goes with its writes and its locks.
        session.info.clear()
        session.info.update(remembered)
        for actor in list(landed):  # the records it noted were rolled back with it
            if actor in before:
                del landed[actor][before[actor] :]
            else:
                del landed[actor]
        job.error = error
        return
    savepoint.commit()


def _owe(session: Session, landed: dict[str, list[int]]) -> list[int]:
    """Leave the landed records in the outbox, in their transaction; the rows' ids."""
    from homecoming.store.models import LANDED_OUTBOX

    rows = [{"actor": a, "record_ids": ids} for a, ids in landed.items() if ids]
    if not rows:
        return []
    now = dt.datetime.now(dt.UTC)
    global _OWE
    if _OWE is None:
        _OWE = Prepared(insert(LANDED_OUTBOX).returning(LANDED_OUTBOX.c.id))
    # One round trip for them all on PostgreSQL (a row per actor: a batch of several users').
    owed = together(connection_of(session), [(_OWE, {**row, "created_at": now}) for row in rows])
    return [found[0][0] for found in owed]


_OWE: Prepared | None = None  # the outbox's insert (built on first use: models import this)


class Prepared:
    """A Core statement compiled once, run with bound parameters on a transaction's connection.

    On SQLite it runs through sqlite3's own cursor, with the values converted as SQLAlchemy
    converts them (its bind and result processors, taken once): SQLAlchemy's execution of a
    prebuilt statement costs about 40 µs more than SQLite takes to run a one-row statement
    (docs/operations.md), and a handover runs a dozen. Elsewhere, and for a statement sqlite3
    cannot take as compiled (Python-side column defaults to fill in, parameters rendered at
    execution), it runs by `Connection.execute` as before. Either way the rows come back as
    named tuples (attribute, index, `_asdict()`), and a driver's error as SQLAlchemy's.
    Parameters are named as the statement's bind parameters (for an INSERT or UPDATE without
    values, its columns' keys); the same names in the same order hit the same compiled form.
    An expanding parameter (`bindparam(name, expanding=True)`, a list for `IN`) takes one `?`
    per value on SQLite, as SQLAlchemy renders it; an empty list runs by SQLAlchemy (which
    renders an empty set of its own).
    """

    __slots__ = ("_plans", "statement")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[tuple[str, tuple[str, ...]], _Plan] = {}

    def rows(self, connection: Connection, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Every row the statement returns (none for a statement that returns none)."""
        given = params or {}
        dialect = connection.dialect
        key = (dialect.name, tuple(given))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _Plan.of(self.statement, dialect, key[1])
        if plan.sql is None or (plan.expanding and plan.empty(given)):
            result = connection.execute(self.statement, dict(given))
            if not result.returns_rows:
                return []
            shape = plan.shape(tuple(result.keys()))
            return [shape._make(row) for row in result]
        if plan.named:
            return _run_postgresql(connection, plan, plan.sql, plan.named_args(given))
        args = plan.args(given)
        sql = plan.sql if not plan.expanding else plan.expanded(given)
        dbapi = connection.connection.dbapi_connection
        assert dbapi is not None
        try:
            cursor = dbapi.execute(sql, args)
            found = cursor.fetchall() if plan.returns else ()
        except sqlite3.Error as error:
            raise DBAPIError.instance(sql, args, error, sqlite3.Error, dialect=dialect) from error
        return [plan.row(values) for values in found]

    def first(self, connection: Connection, params: Mapping[str, Any] | None = None) -> Any:
        """The first row, or None."""
        found = self.rows(connection, params)
        return found[0] if found else None

    def run(self, connection: Connection, params: Mapping[str, Any] | None = None) -> None:
        """Run it for its effect."""
        self.rows(connection, params)

    def later(
        self,
        connection: Connection,
        params: Mapping[str, Any] | None = None,
        *,
        discard: bool = False,
        last_by: Sequence[str] | None = None,
    ) -> None:
        """Run it for its effect; on PostgreSQL inside a transaction, sent with the
        transaction's next statement (or its commit, or a savepoint's end) in one round trip
        (psycopg's pipeline), which then raises its error. Elsewhere as `run`. `discard`: a
        statement that returns rows (a `FOR UPDATE` lock), whose rows nobody reads.

        `last_by`: an update whose last run alone counts (a count or a head set to a value):
        a run of it still waiting with the same values of these parameters (all its runs for
        none) is dropped, so a batch that moves one row many times sends the last move only.
        Its caller must not read the row between the runs by other means than this
        connection's statements (which send what waits first)."""
        given = params or {}
        dialect = connection.dialect
        if dialect.name != "postgresql" or not connection.in_transaction():
            self.rows(connection, given)
            return
        plan = self._plan(dialect, given)
        if plan.sql is None or (plan.returns and not discard):
            self.rows(connection, given)
            return
        args = plan.named_args(given)
        waiting: list[tuple[str, dict[str, Any]]] = connection.info.setdefault(_LATER, [])
        if last_by is not None:
            for at in range(len(waiting) - 1, -1, -1):
                sql, earlier = waiting[at]
                if sql == plan.sql and all(earlier[name] == args[name] for name in last_by):
                    del waiting[at]
                    break
        waiting.append((plan.sql, args))

    def _plan(self, dialect: Dialect, given: Mapping[str, Any]) -> _Plan:
        key = (dialect.name, tuple(given))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _Plan.of(self.statement, dialect, key[1])
        return plan


def together(
    connection: Connection, calls: Sequence[tuple[Prepared, Mapping[str, Any]]]
) -> list[list[Any]]:
    """The rows of each of these statements; on PostgreSQL all sent in one round trip (with
    the writes waiting, `Prepared.later`, before them: psycopg's pipeline), one after another
    in this order. Elsewhere, and for a statement run by SQLAlchemy, one at a time."""
    if not calls:
        return []
    dialect = connection.dialect
    plans = [prepared._plan(dialect, params) for prepared, params in calls]
    if dialect.name != "postgresql" or any(plan.sql is None or not plan.named for plan in plans):
        return [prepared.rows(connection, params) for prepared, params in calls]
    sent = [
        (plan, cast(str, plan.sql), plan.named_args(params))
        for plan, (_, params) in zip(plans, calls, strict=True)
    ]
    return _sent_together(connection, sent)


def _sent_together(
    connection: Connection, sent: Sequence[tuple[_Plan, str, dict[str, Any]]]
) -> list[list[Any]]:
    """Run these prepared statements by psycopg, with the writes waiting (`Prepared.later`)
    before them, in one round trip (psycopg's pipeline); each one's rows, converted as
    SQLAlchemy converts them. An error is SQLAlchemy's, naming the statement that failed."""
    import psycopg

    dbapi = cast("psycopg.Connection[Any]", connection.connection.dbapi_connection)
    waiting: list[tuple[str, dict[str, Any]]] = connection.info.pop(_LATER, [])
    statements = [*waiting, *((sql, args) for _, sql, args in sent)]
    cursors: list[psycopg.Cursor[Any]] = []  # one a statement: the failed one has no result
    try:
        if len(statements) == 1:
            cursors.append(dbapi.cursor())
            cursors[0].execute(*statements[0])
        else:
            with dbapi.pipeline():
                for sql, args in statements:
                    cursors.append(dbapi.cursor())
                    cursors[-1].execute(sql, args)
        return [
            [plan.row(values) for values in (cursor.fetchall() if plan.returns else ())]
            for (plan, _, _), cursor in zip(sent, cursors[len(waiting) :], strict=True)
        ]
    except psycopg.Error as error:
        # The statement that failed: the first without a result (those after it were not run).
        failed = next((at for at, cursor in enumerate(cursors) if cursor.pgresult is None), 0)
        sql, args = statements[failed]
        raise DBAPIError.instance(
            sql, args, error, psycopg.Error, dialect=connection.dialect
        ) from error
    finally:
        for cursor in cursors:
            cursor.close()


_LATER = (
    "homecoming_later"  # a connection's writes waiting for its next round trip (Connection.info)
)


def _run_postgresql(
    connection: Connection, plan: _Plan, sql: str, args: dict[str, Any]
) -> list[Any]:
    """Run one prepared statement by psycopg, with the writes waiting (`Prepared.later`) sent
    before it in the same round trip; its rows, converted as SQLAlchemy converts them."""
    return _sent_together(connection, [(plan, sql, args)])[0]


def send_later(connection: Any) -> None:
    """Send the writes waiting on this connection (`Prepared.later`) now, in one round trip
    (PostgreSQL): before a statement that does not carry them, a commit or a savepoint's end."""
    waiting: list[tuple[str, dict[str, Any]]] | None = connection.info.pop(_LATER, None)
    if not waiting:
        return
    import psycopg

    dbapi = cast("psycopg.Connection[Any]", connection.connection.dbapi_connection)
    try:
        with dbapi.pipeline(), dbapi.cursor() as writes:
            for sql, args in waiting:
                writes.execute(sql, args)
    except psycopg.Error as error:
        sql, args = waiting[0]
        raise DBAPIError.instance(
            sql, args, error, psycopg.Error, dialect=connection.dialect
        ) from error


def _send_later_of(session: Session) -> None:
    """`send_later` on a write transaction's connection, if it has opened one."""
    connection: Connection | None = session.info.get(_CONNECTION)
    if connection is not None:
        send_later(connection)


def _send_before(connection: Connection, *_: Any) -> None:
    send_later(connection)


def _drop_later(connection: Connection, *_: Any) -> None:
    connection.info.pop(_LATER, None)


_MISSING = object()
_DOUBLE_PRECISION = 701  # PostgreSQL's type code of a Float column (`double precision`)


def _as_arrays(sql: str, late: Sequence[Any], dialect: Dialect) -> str | None:
    """PostgreSQL: each list given for `IN` (an expanding parameter) sent as one array,
    `x IN (…)` as `x = ANY (CAST(%(name)s AS type[]))` (`NOT IN` as `<> ALL`), so that the
    statement's text is the same whatever the lists' lengths: psycopg converts it once and
    prepares it on the server, and no list is rendered one parameter per value. None when a
    list sits anywhere but right of an `IN` (SQLAlchemy's way then)."""
    for bind in late:
        marker = f"__[POSTCOMPILE_{bind.key}]"
        array = f"CAST(%({bind.key})s AS {dialect.type_compiler_instance.process(bind.type)}[])"
        sql = sql.replace(f" NOT IN ({marker})", f" <> ALL ({array})")
        sql = sql.replace(f" IN ({marker})", f" = ANY ({array})")
    return None if "POSTCOMPILE" in sql else sql


def _each(processor: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """A list's values converted one by one (an array parameter on PostgreSQL)."""
    if processor is None:
        return list
    return lambda values: [processor(value) for value in values]


# How many renderings of a statement with lists for `IN` (one per set of lengths) are kept.
EXPANDED_KEPT = 256


class _Plan:
    """How one statement runs on one dialect for one set of parameter names."""

    __slots__ = (
        "_binds",
        "_processors",
        "_shape",
        "_shapes",
        "_sizes",
        "expanding",
        "named",
        "returns",
        "sql",
    )

    def __init__(self) -> None:
        self.sql: str | None = None  # None: run by SQLAlchemy
        self.named = False  # parameters by name (PostgreSQL), not by position (SQLite)
        self.returns = False
        self.expanding: tuple[str, ...] = ()  # the names of the lists given for `IN`
        self._sizes: dict[tuple[int, ...], str] = {}  # the SQL for these lists' lengths
        self._binds: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
        self._processors: list[tuple[int, Callable[[Any], Any]]] = []
        self._shape: Any = None
        self._shapes: dict[tuple[str, ...], Any] = {}

    @classmethod
    def of(cls, statement: Executable, dialect: Dialect, names: tuple[str, ...]) -> _Plan:
        plan = cls()
        if dialect.name == "postgresql":
            return cls._of_postgresql(statement, dialect, names)
        if dialect.name != "sqlite":
            return plan
        compiled: Any = cast(ClauseElement, statement).compile(
            dialect=dialect, column_keys=list(names) or None
        )
        prefetch = getattr(compiled, "insert_prefetch", []) or getattr(
            compiled, "update_prefetch", []
        )
        late = compiled.post_compile_params
        if (
            prefetch
            or compiled.positiontup is None
            or any(not bind.expanding or bind.literal_execute for bind in late)
            or ("POSTCOMPILE" in compiled.string and not late)
        ):
            return plan  # defaults to fill in, or parameters rendered late: SQLAlchemy's way
        plan.expanding = tuple(bind.key for bind in late)
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            if bind.callable is not None or (bind.expanding and name not in names):
                return plan
            default = bind.value if name not in names and not bind.required else _MISSING
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            plan._binds.append((name, processor, default))
        if not plan._results(compiled, dialect):
            return cls()
        plan.sql = compiled.string
        return plan

    @classmethod
    def _of_postgresql(
        cls, statement: Executable, dialect: Dialect, names: tuple[str, ...]
    ) -> _Plan:
        """On PostgreSQL: the SQL psycopg takes, with its parameters by name."""
        plan = cls()
        compiled: Any = cast(ClauseElement, statement).compile(
            dialect=dialect, column_keys=list(names) or None
        )
        prefetch = getattr(compiled, "insert_prefetch", []) or getattr(
            compiled, "update_prefetch", []
        )
        late = compiled.post_compile_params
        if (
            prefetch
            or compiled.escaped_bind_names
            or any(not bind.expanding or bind.literal_execute for bind in late)
            or ("POSTCOMPILE" in compiled.string and not late)
        ):
            return plan  # defaults to fill in, or parameters rendered late: SQLAlchemy's way
        sql = _as_arrays(compiled.string, late, dialect)
        if sql is None:
            return plan
        arrays = {bind.key for bind in late}
        for name, bind in compiled.binds.items():
            if bind.callable is not None or (bind.expanding and name not in names):
                return plan
            default = bind.value if name not in names and not bind.required else _MISSING
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if name in arrays:
                processor = _each(processor)
            plan._binds.append((name, processor, default))
        if not plan._results(compiled, dialect):
            return cls()
        plan.named = True
        plan.sql = sql
        return plan

    def _results(self, compiled: Any, dialect: Dialect) -> bool:
        """The result columns' conversions; False when one cannot be known before a run."""
        columns = list(compiled._result_columns)
        self.returns = bool(columns)
        for i, result_column in enumerate(columns):
            impl = result_column.type.dialect_impl(dialect)
            try:
                processor = impl.result_processor(dialect, None)
            except TypeError:  # psycopg's numeric types ask for the column's type code
                if not isinstance(result_column.type, Float) or result_column.type.asdecimal:
                    return False
                processor = impl.result_processor(dialect, _DOUBLE_PRECISION)
            if processor is not None:
                self._processors.append((i, processor))
        self._shape = self.shape(tuple(result_column.keyname for result_column in columns))
        return True

    def named_args(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters by name, converted as SQLAlchemy converts them (PostgreSQL)."""
        args: dict[str, Any] = {}
        for name, processor, default in self._binds:
            value = given.get(name, default)
            if value is _MISSING:
                raise KeyError(f"no value for the bind parameter {name!r} of: {self.sql}")
            args[name] = processor(value) if processor is not None else value
        return args

    def shape(self, keys: tuple[str, ...]) -> Any:
        """The named tuple of rows with these columns."""
        found = self._shapes.get(keys)
        if found is None:
            found = self._shapes[keys] = namedtuple("Row", keys, rename=True)
        return found

    def args(self, given: Mapping[str, Any]) -> list[Any]:
        args: list[Any] = []
        for name, processor, default in self._binds:
            value = given.get(name, default)
            if value is _MISSING:
                raise KeyError(f"no value for the bind parameter {name!r} of: {self.sql}")
            if name in self.expanding:
                args.extend(map(processor, value) if processor is not None else value)
            else:
                args.append(processor(value) if processor is not None else value)
        return args

    def empty(self, given: Mapping[str, Any]) -> bool:
        """Whether a list given for `IN` is empty (SQLAlchemy renders an empty set)."""
        return any(not given[name] for name in self.expanding)

    def expanded(self, given: Mapping[str, Any]) -> str:
        """The SQL with one `?` per value of each list given for `IN`."""
        sizes = tuple(len(given[name]) for name in self.expanding)
        sql = self._sizes.get(sizes)
        if sql is None:
            assert self.sql is not None
            sql = self.sql
            for name, size in zip(self.expanding, sizes, strict=True):
                sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join("?" * size))
            if len(self._sizes) >= EXPANDED_KEPT:
                self._sizes.clear()
            self._sizes[sizes] = sql
        return sql

    def row(self, values: tuple[Any, ...]) -> Any:
        if self._processors:
            cells = list(values)
            for i, processor in self._processors:
                cells[i] = processor(cells[i])
            return self._shape._make(cells)
        return self._shape._make(values)


def lock_row(session: Session, table: str, key: int) -> None:
    """Serialise writers on one row (SQLite already serialises them with BEGIN IMMEDIATE).

    A write transaction (`Database.transaction`) locks each row once: a lock is held until
    the transaction ends, so the recordings of a batch (`Database.grouped`) after the first
    send nothing. There the lock goes with the transaction's next statement (`Prepared.later`),
    which PostgreSQL runs after it: whatever follows runs under the lock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    memo = transaction_memo(session)
    held = (_LOCKED, table, key)
    if memo is not None and held in memo:
        return
    if memo is None:
        session.execute(text(f"SELECT 1 FROM {table} WHERE id = :key FOR UPDATE"), {"key": key})
        return
    # Sent with the transaction's next statement, which PostgreSQL runs after it, under the
    # lock (`Prepared.later`): one round trip fewer.
    _row_lock(table).later(connection_of(session), {"key": key}, discard=True)
    memo[held] = True


_LOCKED = "homecoming_locked"  # a row locked in a write transaction, in its transaction_memo


@lru_cache(maxsize=16)
def _row_lock(table: str) -> Prepared:
    return Prepared(
        text(f"SELECT 1 AS locked FROM {table} WHERE id = :key FOR UPDATE").columns(
            column("locked", Integer)
        )
    )


def insert_missing(session: Session, table: Table, values: dict[str, Any]) -> None:
    """Insert the row unless one with its key exists; safe when two writers race to create it."""
    if session.get_bind().dialect.name == "postgresql":
        statement: Any = postgresql_insert(table).values(**values).on_conflict_do_nothing()
    else:
        statement = sqlite_insert(table).values(**values).on_conflict_do_nothing()
    session.execute(statement)


# From this many rows on, PostgreSQL takes a batch by COPY; fewer go as one INSERT (a COPY costs
# a round trip of its own, more than a handover's single row is worth).
COPY_FROM = 50


def bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert these rows (each with the same columns) in the session's transaction.

    On PostgreSQL a batch of `COPY_FROM` rows or more goes by COPY (psycopg's `copy`), on the
    transaction's own connection: a rollback discards it like any INSERT. JSON columns are
    written as the JSON text SQLAlchemy would send; every other value as psycopg writes it.
    On SQLite the rows go through sqlite3's own `executemany`, unless a column they leave out
    has a default of ours (SQLAlchemy's INSERT fills it in).
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name == "sqlite" and not _defaults_left_out(table, tuple(rows[0])):
        _sqlite_executemany(session, table, rows)
        return
    if dialect.name == "postgresql" and len(rows) < COPY_FROM:
        if _defaults_left_out(table, tuple(rows[0])):
            session.execute(insert(table), list(rows))
            return
        # A handover's record: sent with the transaction's next statement (`Prepared.later`).
        prepared = _insert_of(table, tuple(rows[0]))
        connection = connection_of(session)
        for row in rows:
            prepared.later(connection, row)
        return
    if dialect.name != "postgresql":
        session.execute(insert(table), list(rows))
        return
    send_later(connection_of(session))  # COPY goes by psycopg, around SQLAlchemy's events
    columns = list(rows[0])
    as_json = [isinstance(table.c[name].type, JSON) for name in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    dbapi = cast("psycopg.Connection[Any]", session.connection().connection.dbapi_connection)
    with dbapi.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[name]) if is_json else row[name]
                    for name, is_json in zip(columns, as_json, strict=True)
                ]
            )


def analyse(session: Session, tables: Sequence[Table]) -> None:
    """On PostgreSQL, gather the planner's statistics of these tables in the session's
    transaction (`ANALYZE`, which counts the rows this transaction wrote).

    After a bulk load the planner otherwise plans with what it knew before, or with nothing
    (autovacuum analyses later, after its next look, and not at all where it is turned off):
    at 1,000,000 records it read a person's first record by walking the primary key (4–13 ms)
    instead of the person's index (docs/operations.md). On SQLite nothing is done."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("ANALYZE " + ", ".join(f'"{table.name}"' for table in tables)))


# SQLite's page cache while an import writes (KiB; the default is 2 MiB). Its rows land in
# name and service-number order in their indexes, so each touches a page anywhere in them: a
# cache that holds the indexes of a million records keeps those pages from being written out
# to the WAL and read back again for every few rows. It is taken only as pages are used.
BULK_CACHE_KIB = 256 * 1024


@contextmanager
def bulk_loading(session: Session) -> Iterator[None]:
    """Settings for a large write in this transaction (on SQLite a larger page cache), undone
    when it ends; nothing on PostgreSQL."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    dbapi = cast(sqlite3.Connection, session.connection().connection.dbapi_connection)
    (before,) = dbapi.execute("PRAGMA cache_size").fetchone()
    dbapi.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with suppress(sqlite3.Error):  # a connection already gone keeps no cache to shrink
            dbapi.execute(f"PRAGMA cache_size = {int(before)}")


@lru_cache(maxsize=256)
def _insert_of(table: Table, columns: tuple[str, ...]) -> Prepared:
    """The INSERT of these columns of the table, prepared once."""
    return Prepared(insert(table))


@lru_cache(maxsize=256)
def _defaults_left_out(table: Table, columns: tuple[str, ...]) -> bool:
    """Whether a column the rows leave out has a default on our side (SQLAlchemy applies it)."""
    return any(c.default is not None for c in table.columns if c.name not in columns)


def _sqlite_executemany(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """The rows as tuples through sqlite3's own `executemany`, on the session's connection.

    Each value goes through its column type's bind processor, as SQLAlchemy's executemany
    would send it (JSON as text, datetimes in SQLAlchemy's SQLite format), without the
    per-row bookkeeping of a compiled statement that costs more than SQLite's insert itself.
    """
    dialect = session.get_bind().dialect
    columns = list(rows[0])
    sql, processed = _sqlite_insert_of(table, tuple(columns), dialect)
    # A batch's rows share their timestamp (one `now`): each is formatted once. Only for
    # immutable values (datetimes), which the same object cannot change between two rows.
    last: dict[int, tuple[Any, Any]] = {}

    def values(row: dict[str, Any]) -> list[Any]:
        cells = [row[name] for name in columns]
        for i, process in processed:
            value = cells[i]
            if isinstance(value, dt.datetime):
                seen = last.get(i)
                if seen is None or seen[0] is not value:
                    seen = last[i] = (value, process(value))
                cells[i] = seen[1]
            else:
                cells[i] = process(value)
        return cells

    dbapi = cast(sqlite3.Connection, connection_of(session).connection.dbapi_connection)
    dbapi.executemany(sql, map(values, rows))


@lru_cache(maxsize=256)
def _sqlite_insert_of(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, list[tuple[int, Callable[[Any], Any]]]]:
    """The INSERT of these columns of the table, and the bind processors of those that have
    one (by position): made once, not for every handover's single row."""
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
    return sql, [(i, p) for i, p in enumerate(processors) if p is not None]


def allocate_ids(session: Session, table: str, count: int) -> range | list[int]:
    """Reserve `count` primary keys, so bulk inserts need no RETURNING round trips.

    On PostgreSQL the ids a write transaction reserved before (`reserve_ids`) are taken first,
    in order; only what they lack is asked of the table's sequence."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        taken = _take_reserved(session, table, count)
        if len(taken) == count:
            return taken
        count -= len(taken)
        ids = (
            session.execute(
                text(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            )
            .scalars()
            .all()
        )
        return taken + sorted(ids)
    # SQLite: BEGIN IMMEDIATE holds the only write lock, so max(id) cannot move under us.
    highest = _HIGHEST_ID.get(table)
    if highest is None:
        highest = _HIGHEST_ID[table] = Prepared(
            text(f"SELECT coalesce(max(id), 0) AS last FROM {table}").columns(
                column("last", Integer)
            )
        )
    ((last,),) = highest.rows(connection_of(session))
    return range(last + 1, last + 1 + count)


# allocate_ids's read of a table's highest id on SQLite, by table.
_HIGHEST_ID: dict[str, Prepared] = {}


def reserve_ids(
    session: Session,
    counts: Mapping[str, int],
    alongside: Sequence[tuple[Prepared, Mapping[str, Any]]] = (),
) -> list[list[Any]]:
    """On PostgreSQL, in a write transaction (`Database.transaction`), take ids from the
    sequences of these tables (table name -> how many) in one statement, for the inserts the
    transaction will make: `allocate_ids` and `reserved_id` hand them out in order. Ids a
    savepoint's rollback took back are handed out again (`transaction_memo`); ids never handed
    out are lost, as a rolled-back `nextval`'s are. Nothing elsewhere: SQLite numbers from the
    table's highest id under its one writer's lock.
    `alongside`: statements sent after it in the same round trip (`together`); their rows."""
    memo = transaction_memo(session)
    wanted = tuple((table, n) for table, n in counts.items() if n > 0)
    connection = connection_of(session)
    if memo is None or not wanted or session.get_bind().dialect.name != "postgresql":
        return together(connection, alongside)
    tables = tuple(table for table, _ in wanted)
    params = {f"n{i}": n for i, (_, n) in enumerate(wanted)}
    params["n"] = max(n for _, n in wanted)
    rows, *others = together(connection, [(_reserving(tables), params), *alongside])
    for i, table in enumerate(tables):
        fresh = sorted(row[i] for row in rows if row[i] is not None)
        memo[(_RESERVED, table)] = (*memo.get((_RESERVED, table), ()), *fresh)
    return others


def reserved_id(session: Session, table: str) -> int | None:
    """The next id reserved for this table in this transaction (`reserve_ids`), or None."""
    taken = _take_reserved(session, table, 1)
    return taken[0] if taken else None


def reserved_count(session: Session, table: str) -> int:
    """How many ids reserved for this table (`reserve_ids`) this transaction has left."""
    memo = transaction_memo(session)
    return len(memo.get((_RESERVED, table), ())) if memo is not None else 0


def _take_reserved(session: Session, table: str, count: int) -> list[int]:
    memo = transaction_memo(session)
    if memo is None:
        return []
    pool: tuple[int, ...] = memo.get((_RESERVED, table), ())
    if not pool:
        return []
    memo[(_RESERVED, table)] = pool[count:]  # a new tuple: a savepoint's rollback restores it
    return list(pool[:count])


_RESERVED = "homecoming_reserved_ids"  # ids reserved in a write transaction, by table


@lru_cache(maxsize=16)
def _reserving(tables: tuple[str, ...]) -> Prepared:
    """One statement that takes :n0 ids of the first table's sequence, :n1 of the second's, …
    (a column each; CASE evaluates `nextval` only on the rows wanted)."""
    cells = ", ".join(
        f"CASE WHEN g <= :n{i} THEN nextval(pg_get_serial_sequence('{table}', 'id')) END AS t{i}"
        for i, table in enumerate(tables)
    )
    columns = [column(f"t{i}", Integer) for i in range(len(tables))]
    return Prepared(
        text(f"SELECT {cells} FROM generate_series(1, :n) AS g ORDER BY g").columns(*columns)
    )


@lru_cache(maxsize=1)
def _script() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config("sqlite://"))


def schema_head() -> str:
    """The newest schema version (Alembic revision) this code's migrations make."""
    head: str = _script().get_current_head()
    return head


@lru_cache(maxsize=1)
def schema_revisions() -> frozenset[str]:
    """Every schema version this code's migrations know."""
    return frozenset(script.revision for script in _script().walk_revisions())


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
