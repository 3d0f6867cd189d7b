"""`homecoming demo` loads the generated scenario through the import service, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.cli.demo import DEMO_USERS
from homecoming.generate.scenario import build_scenario
from homecoming.services import audit, persons
from homecoming.store.db import Database
from homecoming.store.models import Record

runner = CliRunner()


def _records(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Record)) or 0


def test_demo_loads_links_verifies_and_refuses_to_overwrite(db: Database) -> None:
    result = runner.invoke(app, ["--database-url", db.url, "demo", "--people", "300"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert "stage 1 on 2025-05-23: 390 per side (270 soldiers, 120 civilians)" in result.stdout
    scenario = build_scenario(people=300)
    expected = sum(len(s.rows) for s in scenario.sources)
    assert _records(db) == expected
    assert 0 < persons.count(db) < expected  # records of one person were linked
    report = audit.verify(db)
    # one entry per party, per source, for the linkage run, and per demo user
    entries = len(scenario.parties) + len(scenario.sources) + 1 + len(DEMO_USERS)
    assert report.ok and report.entries == entries
    assert all(username in result.stdout for username, _, _ in DEMO_USERS)

    again = runner.invoke(app, ["--database-url", db.url, "demo", "--people", "300"])
    assert again.exit_code == 1 and "--reset" in again.stderr

    reset = runner.invoke(
        app, ["--database-url", db.url, "demo", "--people", "300", "--reset", "--no-link"]
    )
    assert reset.exit_code == 0, reset.stderr
    db.dispose()  # --reset replaced the SQLite file under this handle's pooled connections
    assert persons.count(db) == _records(db) == expected  # unlinked: one person per record
