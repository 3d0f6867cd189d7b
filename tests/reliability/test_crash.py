"""Crash safety: a `homecoming` process killed with SIGKILL mid-write leaves the database as it was.

Each test starts the real command in a subprocess, waits until it is demonstrably writing (it
holds SQLite's write lock; PostgreSQL hands out record ids; or it is blocked inside its write
transaction behind a lock this test holds), kills it with SIGKILL, then checks every table's
row count, every record's person and the audit chain, and runs the command again to
completion.

Size: 10,000 generated rows by default, so both databases take well under a minute on two
cores; HOMECOMING_CRASH_ROWS=100000 runs the issue's full size (an import of 100,000 rows takes
about 45 s here, so the default is smaller).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from homecoming.generate.csvfile import write_csv
from homecoming.generate.records import generate_dataset
from homecoming.services import audit
from homecoming.store.db import Database

pytestmark = pytest.mark.slow

ROWS = int(os.environ.get("HOMECOMING_CRASH_ROWS", "10000"))
TIMEOUT = 120.0


@pytest.fixture(scope="module")
def big_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "list.csv"
    write_csv(generate_dataset(ROWS, seed=11), path, with_truth=False)
    return path


@pytest.fixture(scope="module")
def small_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "small.csv"
    write_csv(generate_dataset(3000, seed=5), path, with_truth=False)
    return path


def _start(db: Database, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "HOMECOMING_DATA_DIR": str(tmp_path / "var")}
    return subprocess.Popen(
        [sys.executable, "-m", "homecoming", "--database-url", db.url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _run(db: Database, tmp_path: Path, *args: str) -> str:
    process = _start(db, tmp_path, *args)
    stdout, stderr = process.communicate(timeout=TIMEOUT * 2)
    assert process.returncode == 0, stderr
    return stdout


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if process.poll() is not None:
            _, stderr = process.communicate()
            pytest.fail(f"the process ended (exit {process.returncode}) before {what}: {stderr}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.02)


def _kill(process: subprocess.Popen[str]) -> None:
    assert process.poll() is None, "the process finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _state(db: Database) -> dict[str, object]:
    """Every table's row count, every record's person, and the audit chain's head."""
    engine = create_engine(db.url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            tables = sorted(inspect(connection).get_table_names())
            state: dict[str, object] = {
                t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in tables
            }
            state["persons of records"] = connection.execute(
                text("SELECT id, person_id FROM records ORDER BY id")
            ).all()
            state["audit head"] = tuple(
                connection.execute(text("SELECT last_id, last_hash FROM audit_head")).one()
            )
    finally:
        engine.dispose()
    return state


def _sqlite_path(db: Database) -> Path:
    return Path(str(make_url(db.url).database))


def _check_intact(db: Database, before: dict[str, object]) -> None:
    assert _state(db) == before
    report = audit.verify(db)
    assert report.ok, report.faults
    if db.dialect == "sqlite":
        with sqlite3.connect(_sqlite_path(db)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _seeded(db: Database, tmp_path: Path, small_list: Path) -> dict[str, object]:
    _run(db, tmp_path, "import", str(small_list), "--ignore-unknown-columns")
    return _state(db)


def _import_under_way(db: Database) -> Callable[[], bool]:
    """True once the import is inside its write transaction, rows written but not committed."""
    if db.dialect == "sqlite":
        # The import keeps its pages in a large page cache (store.db.bulk_loading), so the WAL
        # does not grow before the commit: it is under way while it holds the write lock, seen
        # on a few polls in a row (not a short transaction before it).
        path = _sqlite_path(db)
        seen = [0]

        def holds_the_write_lock() -> bool:
            probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                seen[0] += 1
            else:
                probe.execute("ROLLBACK")
                seen[0] = 0
            finally:
                probe.close()
            return seen[0] >= 3

        return holds_the_write_lock
    engine = create_engine(db.url)

    def ids_handed_out() -> bool:
        # Sequences are not transactional: ids handed to the uncommitted import show here.
        with engine.connect() as connection:
            last = connection.execute(text("SELECT last_value FROM records_id_seq")).scalar()
        return int(last or 0) > 3000 + ROWS // 5

    return ids_handed_out


def test_an_import_killed_midway_leaves_nothing(
    db: Database, tmp_path: Path, big_list: Path, small_list: Path
) -> None:
    before = _seeded(db, tmp_path, small_list)
    process = _start(db, tmp_path, "import", str(big_list), "--ignore-unknown-columns")
    _wait_for(_import_under_way(db), process, "the import was under way")
    _kill(process)
    _check_intact(db, before)
    stdout = _run(db, tmp_path, "import", str(big_list), "--ignore-unknown-columns", "--json")
    assert f'"imported": {ROWS}' in stdout
    assert audit.verify(db).ok


def _hold_write_lock(db: Database, process: subprocess.Popen[str]) -> Iterator[Callable[[], bool]]:
    """Hold the lock the run's write transaction needs; yield 'is it now waiting for it?'."""
    if db.dialect == "sqlite":
        # SQLite takes its one write lock at a writer's BEGIN (reads begin deferred and go on):
        # held from the start, the run reads and computes, then waits at its write transaction.
        connection = sqlite3.connect(_sqlite_path(db), isolation_level=None, timeout=60)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield _idle_after_work(process.pid)
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    engine = create_engine(db.url)
    with engine.connect() as holder:
        holder.execute(text("SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE"))
        mine = holder.execute(text("SELECT pg_backend_pid()")).scalar_one()

        def someone_waits() -> bool:
            # It has rewritten records' persons and now waits to append to the audit log.
            with engine.connect() as probe:
                waiting = probe.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND datname = current_database() AND pid <> :mine"
                    ),
                    {"mine": mine},
                ).scalar_one()
            return bool(waiting)

        try:
            yield someone_waits
        finally:
            holder.rollback()
    engine.dispose()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _idle_after_work(pid: int) -> Callable[[], bool]:
    """True once the process has used CPU and then none for half a second (it sleeps on a lock)."""
    seen: list[float] = []

    def idle() -> bool:
        seen.append(_cpu_seconds(pid))
        time.sleep(0.25)
        return len(seen) > 2 and seen[-1] - seen[-3] < 0.02

    return idle


def test_a_linkage_run_killed_inside_its_transaction_leaves_nothing(
    db: Database, tmp_path: Path, small_list: Path
) -> None:
    before = _seeded(db, tmp_path, small_list)
    process = _start(db, tmp_path, "persons", "link")
    # The run writes in one transaction, after computing: holding the lock from the start
    # catches it there whatever its speed (waiting for CPU seconds first raced a fast run).
    lock = _hold_write_lock(db, process)
    waits_to_write = next(lock)
    _wait_for(waits_to_write, process, "the linkage run was waiting inside its transaction")
    _kill(process)
    next(lock, None)
    _check_intact(db, before)
    assert "records in" in _run(db, tmp_path, "persons", "link")
    after = _state(db)
    assert after["persons of records"] != before["persons of records"]
    assert audit.verify(db).ok


def test_a_stage_composition_killed_inside_its_transaction_leaves_nothing(
    db: Database, tmp_path: Path
) -> None:
    from homecoming.services import exchange_lists
    from homecoming.services.search import SearchService

    from ..exchange.world import build_world

    agreement_id = build_world(db)
    search = SearchService(db)
    for version in exchange_lists.list_versions(db, agreement_id=agreement_id):
        exchange_lists.validate_version(db, search, version_id=version.id, actor="test")
    before = _state(db)
    process = _start(db, tmp_path, "stages", "plan", str(agreement_id))
    lock = _hold_write_lock(db, process)
    waits_to_write = next(lock)
    _wait_for(waits_to_write, process, "the composition was waiting inside its transaction")
    _kill(process)
    next(lock, None)
    _check_intact(db, before)
    _run(db, tmp_path, "stages", "plan", str(agreement_id))
    after = _state(db)
    assert after["stage_members"] != before["stage_members"]
    assert audit.verify(db).ok
