"""`homecoming link` and `homecoming dedupe`: batch linkage of CSV files, no database needed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from homecoming.cli.runtime import err, progress_bar


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def register(app: typer.Typer) -> None:
    """Add `link` and `dedupe` to the command."""
    app.command("link")(link_command)
    app.command("dedupe")(dedupe_command)


_THRESHOLD = typer.Option(
    "--threshold", min=0.0, max=1.0, help="Match probability at or above which records link"
)
_ENGINE = typer.Option("--engine", help="duckdb (embedded) or spark (local mode here)")
_LABELS = typer.Option(
    "--labels",
    exists=True,
    dir_okay=False,
    help="CSV of human judgements: left_id,right_id,same (true/false); they always hold",
)
_OUT = typer.Option("--out", dir_okay=False, help="Where to write the result CSV")
_INPUT = typer.Argument(exists=True, dir_okay=False, help="CSV with an id column")


@contextmanager
def _stage(description: str, total: int | None) -> Iterator[Any]:
    with progress_bar(description, total) as advance:
        yield advance


def link_command(
    left: Annotated[Path, _INPUT],
    right: Annotated[Path, _INPUT],
    out: Annotated[Path, _OUT],
    threshold: Annotated[float, _THRESHOLD] = 0.9,
    engine: Annotated[Engine, _ENGINE] = Engine.duckdb,
    labels: Annotated[Path | None, _LABELS] = None,
) -> None:
    """Link two files: write left_id,right_id,probability for each pair at or over the threshold."""
    from homecoming.linkage import pipeline
    from homecoming.linkage.inputs import read_table
    from homecoming.linkage.judgements import read_judgements

    left_records, right_records = read_table(left), read_table(right)
    judgements = read_judgements(labels) if labels else []
    run = pipeline.link(
        left_records,
        right_records,
        engine=engine.value,
        threshold=threshold,
        judgements=judgements,
        stage=_stage,
    )
    links = sorted(run.links(), key=lambda p: (p[0], p[1]))
    run.model.engine.close()
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("left_id", "right_id", "probability"))
        writer.writerows((a, b, f"{p:.6f}") for a, b, p in links)
    err.print(f"{len(links)} linked pairs written to {out}")


def dedupe_command(
    path: Annotated[Path, _INPUT],
    out: Annotated[Path, _OUT],
    threshold: Annotated[float, _THRESHOLD] = 0.9,
    engine: Annotated[Engine, _ENGINE] = Engine.duckdb,
    labels: Annotated[Path | None, _LABELS] = None,
) -> None:
    """Deduplicate one file: write id,cluster_id for every row (cluster_id: smallest id in it)."""
    from homecoming.linkage import pipeline
    from homecoming.linkage.inputs import read_table, record_ids
    from homecoming.linkage.judgements import read_judgements

    records = read_table(path)
    judgements = read_judgements(labels) if labels else []
    run = pipeline.dedupe(
        records, engine=engine.value, threshold=threshold, judgements=judgements, stage=_stage
    )
    run.model.engine.close()
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "cluster_id"))
        ids = record_ids(records)
        writer.writerows((i, run.clusters[i]) for i in ids)
    persons = len(set(run.clusters.values()))
    err.print(f"{len(ids)} records in {persons} clusters written to {out}")
