"""A large deduplication's names graded in forked worker processes before Splink scores the pairs.

Scoring calls the names' level functions from DuckDB (`comparisons.register_duckdb`), and they
are Python: one core grades every pair while the other waits (at 1,000,000 generated records,
about 68 of the scoring stage's 73 seconds, docs/benchmarks.md). When the candidate pairs are
made before Splink scores them (`LinkageModel._candidate_pairs`), the distinct pairs of names
that will call Python are known: they are graded here, split across one forked worker a core,
and the level functions then read what the workers found (`PairGrader.read_ahead`). The same
functions grade the same pairs (`PairGrader.levels`, `NameGrader.patronymic_level`): the
scores, and the bytes out, are the ones grading in the scoring stage gives.

The workers are forked from a process whose DuckDB is open; they read only Python objects
(the names engine's tokens and the features stage's words, shared by the fork) and never
touch DuckDB.
"""

from __future__ import annotations

import multiprocessing
import os
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from homecoming.linkage.comparisons import (
    PairGrader,
    patronymics_decided_sql,
    same_names_sql,
)
from homecoming.linkage.name_grading import GRADING_COLUMNS

# Distinct pairs of names to grade: below this, a fork costs more than it saves.
PARALLEL_FROM = 20_000
# Worker processes: one a core unless set.
WORKERS: int | None = None
CHUNK = 10_000
# What a pair of names needs (`_KIND`): all three levels (the name's level function is called),
# or the patronymic's level alone (names decided in SQL, patronymics not).
LEVELS, PATRONYMIC = 1, 2

# As `comparisons._calls` writes the level functions' calls (a CASE, so NULL counts as false).
_KIND = f"""
case when {same_names_sql()} then (
    case when {patronymics_decided_sql()[0]} then 0
        when {patronymics_decided_sql()[1]} then 0
        else {PATRONYMIC} end
) else {LEVELS} end
"""


def pairs_to_grade_sql(pairs: str, records: str) -> str:
    """SQL: the distinct pairs of names (left, right, kind) among the candidate pairs `pairs`
    (Splink's blocked pairs of `records`) whose levels scoring would compute in Python."""
    columns = ", ".join(
        f'{side}."{column}" as "{column}_{side}"'
        for side in ("l", "r")
        for column in ("name_text", *GRADING_COLUMNS)
    )
    return f"""
        select name_text_l, name_text_r, kind from (
            select distinct name_text_l, name_text_r, {_KIND} as kind from (
                select {columns}
                from {pairs} as p
                join {records} as l on l.unique_id = p.join_key_l
                join {records} as r on r.unique_id = p.join_key_r
                where coalesce(l.name_text, '') <> '' and coalesce(r.name_text, '') <> ''
            )
        ) where kind <> 0
        order by kind, name_text_l, name_text_r
    """


# The pairs forked workers read their slices from (set just before the fork).
_SHARED: tuple[list[str], list[str], list[int]] = ([], [], [])


def _grade_slice(task: tuple[int, int, int]) -> bytes:
    """Levels of `_SHARED`'s pairs start..end, all of one kind: three bytes a pair (name,
    patronymic, names agree) for LEVELS, the patronymic's level for PATRONYMIC."""
    kind, start, end = task
    lefts, rights, _ = _SHARED
    grader = _worker_grader()
    found = array("b")  # levels are small signed integers (NULL is -1)
    pairs = zip(lefts[start:end], rights[start:end], strict=True)
    if kind == LEVELS:
        for a, b in pairs:
            found.extend(grader.levels(a, b))
    else:
        found.extend(grader.patronymic(a, b) for a, b in pairs)
    return found.tobytes()


_GRADER: list[PairGrader] = []


def _worker_grader() -> PairGrader:
    if not _GRADER:
        _GRADER.append(PairGrader())
    return _GRADER[0]


def grade_in_workers(
    lefts: list[str], rights: list[str], kinds: list[int], workers: int
) -> tuple[dict[tuple[str, str], tuple[int, int, int]], dict[tuple[str, str], int]]:
    """The levels of each pair of kind LEVELS and the patronymic level of each of kind
    PATRONYMIC (the pairs in order of kind), graded by `workers` forked processes."""
    global _SHARED
    split = bisect_left(kinds, PATRONYMIC)
    tasks = [
        (kind, start, min(start + CHUNK, end))
        for kind, begin, end in ((LEVELS, 0, split), (PATRONYMIC, split, len(kinds)))
        for start in range(begin, end, CHUNK)
    ]
    found = {LEVELS: array("b"), PATRONYMIC: array("b")}
    _SHARED = (lefts, rights, kinds)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for (kind, _, _), payload in zip(tasks, pool.imap(_grade_slice, tasks), strict=True):
                found[kind].frombytes(payload)
    finally:
        _SHARED = ([], [], [])
    graded = found[LEVELS]
    levels = dict(
        zip(
            zip(lefts[:split], rights[:split], strict=True),
            zip(graded[0::3], graded[1::3], graded[2::3], strict=True),
            strict=True,
        )
    )
    patronymics = dict(
        zip(zip(lefts[split:], rights[split:], strict=True), found[PATRONYMIC], strict=True)
    )
    return levels, patronymics


@contextmanager
def graded_ahead(
    connection: Any, grader: PairGrader, pairs: str, records: str, workers: int | None = None
) -> Iterator[int]:
    """While the block runs, `grader` reads the levels of the candidate pairs' names from
    forked workers (when there are at least PARALLEL_FROM such pairs and more than one core);
    yields how many pairs of names were graded ahead."""
    workers = workers or WORKERS or os.cpu_count() or 1
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield 0
        return
    table = connection.sql(pairs_to_grade_sql(pairs, records)).to_arrow_table()
    if table.num_rows < PARALLEL_FROM:
        yield 0
        return
    lefts, rights, kinds = (table.column(i).to_pylist() for i in range(3))
    del table
    levels, patronymics = grade_in_workers(lefts, rights, kinds, workers)
    grader.read_ahead(levels, patronymics)
    try:
        yield len(lefts)
    finally:
        grader.read_ahead({}, {})


__all__: Sequence[str] = ("PARALLEL_FROM", "graded_ahead", "pairs_to_grade_sql")
