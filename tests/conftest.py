"""Fixture policy.

- Tests hit real databases, never mocks of our own code. Every test that takes the
  `db` fixture runs twice: on an embedded SQLite file and on the PostgreSQL server at
  127.0.0.1:5432 (database `test`, trust auth; override with HOMECOMING_TEST_POSTGRES_URL).
- Under pytest-xdist (`make test` runs two workers) each worker gets its own PostgreSQL
  database beside the configured one (`test_gw0`, `test_gw1`), created when missing.
- Under CI=true an unreachable PostgreSQL fails the run; elsewhere those tests skip
  with a message saying how to start it.
- The schema is migrated once per session per database; each test starts from empty
  tables (a copied SQLite file; TRUNCATE on PostgreSQL).
- Settings are passed in, never read from the developer's environment.
- Every database handle a test opens (the fixture's, an app's, a CLI command's) is disposed
  when the test ends, so PostgreSQL's connection limit is never reached by handles waiting
  for the garbage collector.
- Files the tests read are written by the tests into tmp_path; nothing depends on
  ../shared/data.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from homecoming.services import leads
from homecoming.services.search import SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import Base

POSTGRES_URL = os.environ.get(
    "HOMECOMING_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _worker_database(url: str) -> str:
    """This xdist worker's own database beside `url`'s (created when missing); `url` alone."""
    if not XDIST_WORKER:
        return url
    base = make_url(url)
    name = f"{base.database}_{XDIST_WORKER}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "homecoming.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    try:
        url = _worker_database(POSTGRES_URL)
        _reset_postgres_schema(url)
    except OperationalError as exc:
        message = (
            f"PostgreSQL at {POSTGRES_URL} is unreachable ({exc.orig}); start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    db = Database(url)
    db.upgrade()
    db.dispose()
    return url


def fresh_database(db: Database, request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """Another empty database of the same kind as `db` (PostgreSQL's: this one, emptied), for a
    test that runs one scenario twice and compares what each run wrote."""
    if db.dialect == "postgresql":
        _truncate_postgres(db)
        return db
    path = tmp_path / "again.sqlite3"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return Database(f"sqlite:///{path}")


def _truncate_postgres(db: Database) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(autouse=True)
def _dispose_every_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    opened: list[Database] = []
    open_handle = Database.__init__

    def tracked(self: Database, url: str) -> None:
        open_handle(self, url)
        opened.append(self)
        # As the app and the CLI wire every handle: tracing hears of the records that land.
        leads.subscribe(self, SearchService(self))

    monkeypatch.setattr(Database, "__init__", tracked)
    yield
    for handle in opened:
        handle.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "homecoming.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_ready"))
        _truncate_postgres(database)
    yield database
    database.dispose()


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    """Settings pointing at the test database and a private data directory."""
    return Settings(environment="test", database_url=db.url, data_dir=tmp_path / "var")
