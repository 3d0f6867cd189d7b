"""`homecoming demo` loads the generated scenario through the import service, on both databases."""

from __future__ import annotations

from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.generate.scenario import build_scenario
from homecoming.services import audit, persons
from homecoming.store.db import Database

runner = CliRunner()


def test_demo_loads_verifies_and_refuses_to_overwrite(db: Database) -> None:
    result = runner.invoke(app, ["--database-url", db.url, "demo", "--people", "300"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert "stage 1 on 2025-05-23: 390 per side (270 soldiers, 120 civilians)" in result.stdout
    scenario = build_scenario(people=300)
    expected = sum(len(s.rows) for s in scenario.sources)
    assert persons.count(db) == expected
    report = audit.verify(db)
    assert report.ok and report.entries == len(scenario.sources) + len(scenario.parties)

    again = runner.invoke(app, ["--database-url", db.url, "demo", "--people", "300"])
    assert again.exit_code == 1 and "--reset" in again.stderr

    reset = runner.invoke(app, ["--database-url", db.url, "demo", "--people", "300", "--reset"])
    assert reset.exit_code == 0, reset.stderr
    assert persons.count(db) == expected
