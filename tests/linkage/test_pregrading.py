"""A large deduplication's names graded ahead in forked workers score as grading while scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from homecoming.generate.csvfile import write_csv
from homecoming.generate.records import generate_dataset
from homecoming.linkage import model, pregrading
from homecoming.linkage.comparisons import PairGrader
from homecoming.linkage.engine import DuckDBEngine
from homecoming.linkage.inputs import read_table
from homecoming.linkage.name_grading import NameGrader
from homecoming.linkage.pipeline import dedupe

# Pairs, clusters, pairs of names graded here, graded ahead, candidate pairs handed to Splink.
Outcome = tuple[list[Any], dict[str, str], int, int, list[int]]


def _run(path: Path, monkeypatch: pytest.MonkeyPatch, *, ahead: bool) -> Outcome:
    """Pairs and clusters of `dedupe`, the names graded here (count of this process's calls),
    how many pairs of names were graded ahead, and how many candidate pairs Splink was handed
    to score, each time it was handed some."""
    graded_here: list[str] = []
    graded_ahead: list[int] = []
    handed: list[int] = []
    grade, alone = PairGrader._grade, NameGrader.patronymic_level
    enter = pregrading.graded_ahead
    score_these = model._score_these

    def spied_grade(self: PairGrader, left: str, right: str) -> tuple[int, int, int]:
        graded_here.append(left)  # in a forked worker this appends to the worker's own copy
        return grade(self, left, right)

    def spied_alone(self: NameGrader, left: str, right: str) -> int:
        graded_here.append(left)
        return alone(self, left, right)

    def spied_score_these(linker: object, engine: DuckDBEngine, table: str) -> None:
        handed.append(engine.connection.sql(f"select count(*) from {table}").fetchall()[0][0])
        score_these(linker, engine, table)

    def spied_enter(*args: object, **kwargs: object) -> object:
        context = enter(*args, **kwargs)  # type: ignore[arg-type]
        original = type(context).__enter__

        class Counted:
            def __enter__(self) -> object:
                found = original(context)
                graded_ahead.append(0 if found is None else found.num_rows)
                return found

            def __exit__(self, *exc: object) -> None:
                context.__exit__(*exc)  # type: ignore[arg-type]

        return Counted()

    monkeypatch.setattr(PairGrader, "_grade", spied_grade)
    monkeypatch.setattr(NameGrader, "patronymic_level", spied_alone)
    monkeypatch.setattr(pregrading, "graded_ahead", spied_enter)
    monkeypatch.setattr(model, "_score_these", spied_score_these)
    monkeypatch.setattr(pregrading, "WORKERS", 2)
    monkeypatch.setattr(pregrading, "PARALLEL_FROM", 0 if ahead else 1 << 62)
    run = dedupe(read_table(path))
    monkeypatch.undo()
    return sorted(run.pairs), run.clusters, len(graded_here), sum(graded_ahead), handed


def test_names_graded_ahead_in_workers_score_as_grading_while_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every pair of names whose levels scoring reads from Python is graded by the workers (none
    in this process); the candidate pairs that cannot reach the floor with the levels found
    are not scored; and the scores and clusters are the same as grading while scoring."""
    path = tmp_path / "records.csv"
    write_csv(generate_dataset(3_000, seed=17), path)
    pairs, clusters, here, ahead, handed = _run(path, monkeypatch, ahead=True)
    plain_pairs, plain_clusters, plain_here, plain_ahead, plain_handed = _run(
        path, monkeypatch, ahead=False
    )
    assert ahead > 1_000 and plain_ahead == 0
    assert here == 0 and plain_here > 1_000
    candidates, scored = handed
    assert plain_handed == [candidates]
    assert len(pairs) < scored < candidates  # some left out, not only those under the floor
    assert len(pairs) > 1_000
    assert pairs == plain_pairs
    assert clusters == plain_clusters
