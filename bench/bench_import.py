"""Import benchmark: a generated list of N rows through `homecoming import` (SQLite, PostgreSQL).

Run: .venv/bin/python bench/bench_import.py [--rows 100000] [--postgres URL]
Prints seconds and rows per second for each database, beside sqlite3's own `.import` of the
same file (the floor: the goal is ≤ 40× it) and SQLite (PostgreSQL's goal: ≤ 1.5× it); writes
only under a temporary directory (and the PostgreSQL database given).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.generate.csvfile import write_csv
from homecoming.generate.records import generate_dataset

IMPORT_GOAL = 40
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _run(*args: str) -> float:
    started = time.perf_counter()
    result = CliRunner().invoke(app, list(args))
    if result.exit_code != 0:
        sys.exit(f"import failed: {result.stderr or result.exception}")
    return time.perf_counter() - started


def _reset_postgres(url: str) -> bool:
    try:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        return True
    except OperationalError as exc:
        print(f"PostgreSQL at {url} unreachable ({exc.orig}); skipped")
        return False


def _sqlite3_import(path: Path, target: Path) -> float | None:
    """Seconds for sqlite3's own `.import` of the file into a table: the floor of an import."""
    if shutil.which("sqlite3") is None:
        print("sqlite3 (the command) is not installed: no .import floor")
        return None
    started = time.perf_counter()
    subprocess.run(
        ["sqlite3", str(target), ".mode csv", f".import {path} records"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def bench(rows: int, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.csv"
        started = time.perf_counter()
        write_csv(generate_dataset(rows, seed=7), path, with_truth=False)
        print(
            f"generated {rows:,} rows in {time.perf_counter() - started:.1f} s "
            f"({path.stat().st_size / 1e6:.0f} MB)"
        )
        targets = [("SQLite", f"sqlite:///{tmp}/bench.sqlite3")]
        if postgres and _reset_postgres(postgres):
            targets.append(("PostgreSQL", postgres))
        floor = _sqlite3_import(path, Path(tmp) / "floor.sqlite3")
        print(f"{'database':<12}{'seconds':>10}{'rows/s':>12}{'× .import':>11}{'× SQLite':>10}")
        if floor is not None:
            print(f"{'.import':<12}{floor:>10.2f}{rows / floor:>12,.0f}{1:>11.1f}")
        first = None
        for label, url in targets:
            _run("--database-url", url, "init")
            _run("--database-url", url, "parties", "add", "UA", "Ukraine")
            seconds = _run("--database-url", url, "import", str(path), "--party", "UA")
            first = first or seconds
            ratio = f"{seconds / floor:>11.1f}" if floor else f"{'':>11}"
            print(
                f"{label:<12}{seconds:>10.1f}{rows / seconds:>12,.0f}{ratio}"
                f"{seconds / first:>10.2f}"
            )
        print(f"goals: SQLite ≤ {IMPORT_GOAL}× sqlite3's .import; PostgreSQL ≤ 1.5× SQLite")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    args = parser.parse_args()
    print(f"== import: {args.rows:,} generated rows ==")
    bench(args.rows, args.postgres or None)


if __name__ == "__main__":
    main()
