"""Fixture policy.

- Linkage tests run real Splink on real DuckDB (and one test on real Spark in local mode),
  never mocks of our own code.
- Data comes from the seeded generator (homecoming.generate), a few thousand records at most,
  written as CSV into tmp_path; nothing depends on ../shared/data.
- The expensive runs (training + scoring) are module-scoped and shared by the tests that only
  read their results.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
import typer

from homecoming.cli.linkage import register
from homecoming.cli.runtime import ReportingGroup
from homecoming.generate.csvfile import write_csv
from homecoming.generate.records import generate_dataset


def _truth_of(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["id"]: row["truth_person_id"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="session")
def truth_of() -> Callable[[Path], dict[str, str]]:
    """A function reading record id -> the generator's person id from a generated CSV."""
    return _truth_of


@pytest.fixture(scope="session")
def generated_csv(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, int], Path]:
    """A function writing `n` generated records (seeded) to a CSV and returning its path."""
    made: dict[tuple[int, int], Path] = {}

    def make(n: int, seed: int) -> Path:
        if (n, seed) not in made:
            path = tmp_path_factory.mktemp("generated") / f"records-{n}-{seed}.csv"
            write_csv(generate_dataset(n, seed=seed), path)
            made[(n, seed)] = path
        return made[(n, seed)]

    return make


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The linkage commands (`link`, `dedupe`) as the CLI registers them."""
    app = typer.Typer(cls=ReportingGroup, pretty_exceptions_enable=False)
    register(app)
    return app
