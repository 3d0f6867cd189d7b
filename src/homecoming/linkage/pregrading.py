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
from functools import cache
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
# Buckets of family names dealt out to the workers (`pairs_to_grade_sql`).
BUCKETS = 1024
# What a pair of names needs (`_KIND`): all three levels (the name's level function is called),
# or the patronymic's level alone (names decided in SQL, patronymics not).
LEVELS, PATRONYMIC = 1, 2

# As `comparisons._calls` writes the level functions' calls (a CASE, so NULL counts as false).
_ABSENT, _AGREEING = patronymics_decided_sql()
_KIND = f"""
case when {same_names_sql()} then (
    case when {_ABSENT} then 0 when {_AGREEING} then 0 else {PATRONYMIC} end
) else {LEVELS} end
"""


def pairs_to_grade_sql(pairs: str, records: str, workers: int) -> str:
    """SQL: the distinct pairs of names (left, right, kind, part) among the candidate pairs
    `pairs` (Splink's blocked pairs of `records`) whose levels scoring would compute in Python,
    in order of part, kind and names.

    A pair's part (0 to workers - 1) is the worker that grades it: pairs whose left names share
    a family name (its common form) share a part, so a worker meets again the names and words
    it has parsed and scored, and a name is parsed in fewer workers (at 1,000,000 generated
    records, the workers' CPU fell by about a tenth against slices dealt out in turn). The
    family names' buckets are dealt out in order, the parts as near equal in pairs as whole
    buckets allow.
    """
    columns = ", ".join(
        f'{side}."{column}" as "{column}_{side}"'
        for side in ("l", "r")
        for column in ("name_text", *GRADING_COLUMNS)
    )
    bucket = f"hash(coalesce(l.family_primary, l.name_text)) % {BUCKETS}"
    return f"""
        with graded as (
            select name_text_l, name_text_r, kind, min(bucket) as bucket from (
                select name_text_l, name_text_r, {_KIND} as kind, bucket from (
                    select {columns}, {bucket} as bucket
                    from {pairs} as p
                    join {records} as l on l.unique_id = p.join_key_l
                    join {records} as r on r.unique_id = p.join_key_r
                    where coalesce(l.name_text, '') <> '' and coalesce(r.name_text, '') <> ''
                )
            ) where kind <> 0
            group by name_text_l, name_text_r, kind
        ),
        buckets as (
            select bucket, count(*) as pairs from graded group by bucket
        ),
        dealt as (
            select bucket, least({workers - 1}, cast(floor(
                (sum(pairs) over (order by bucket) - pairs) * {workers}
                / sum(pairs) over ()
            ) as integer)) as part
            from buckets
        )
        select name_text_l, name_text_r, kind, part
        from graded join dealt using (bucket)
        order by part, kind, name_text_l, name_text_r
    """


# The pairs forked workers read their parts from (set just before the fork).
_SHARED: tuple[list[str], list[str], list[int]] = ([], [], [])


def _grade_part(task: tuple[int, int]) -> tuple[bytes, bytes]:
    """Levels of `_SHARED`'s pairs begin..end (one part, in order of kind): three bytes a pair
    (name, patronymic, names agree) for those of kind LEVELS, then the patronymic's level of
    each of kind PATRONYMIC."""
    begin, end = task
    lefts, rights, kinds = _SHARED
    split = bisect_left(kinds, PATRONYMIC, begin, end)
    grader = _worker_grader()
    levels = array("b")  # levels are small signed integers (NULL is -1)
    for a, b in zip(lefts[begin:split], rights[begin:split], strict=True):
        levels.extend(grader.levels(a, b))
    patronymics = array("b")
    patronymics.extend(
        grader.patronymic(a, b) for a, b in zip(lefts[split:end], rights[split:end], strict=True)
    )
    return levels.tobytes(), patronymics.tobytes()


@cache
def _worker_grader() -> PairGrader:
    """A worker's grader, made at its first part (the parent never grades here)."""
    return PairGrader()


def grade_in_workers(
    lefts: list[str], rights: list[str], kinds: list[int], parts: list[int], workers: int
) -> tuple[dict[tuple[str, str], tuple[int, int, int]], dict[tuple[str, str], int]]:
    """The levels of each pair of kind LEVELS and the patronymic level of each of kind
    PATRONYMIC, each part graded by a forked worker (the pairs in order of part and kind)."""
    global _SHARED
    cuts = [bisect_left(parts, part) for part in range(workers)] + [len(parts)]
    tasks = [(cuts[part], cuts[part + 1]) for part in range(workers)]
    levels: dict[tuple[str, str], tuple[int, int, int]] = {}
    patronymics: dict[tuple[str, str], int] = {}
    _SHARED = (lefts, rights, kinds)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            graded = pool.map(_grade_part, tasks, chunksize=1)
    finally:
        _SHARED = ([], [], [])
    for (begin, end), (three, alone) in zip(tasks, graded, strict=True):
        split = bisect_left(kinds, PATRONYMIC, begin, end)
        found = array("b", three)
        levels.update(
            zip(
                zip(lefts[begin:split], rights[begin:split], strict=True),
                zip(found[0::3], found[1::3], found[2::3], strict=True),
                strict=True,
            )
        )
        patronymics.update(
            zip(
                zip(lefts[split:end], rights[split:end], strict=True),
                array("b", alone),
                strict=True,
            )
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
    table = connection.sql(pairs_to_grade_sql(pairs, records, workers)).to_arrow_table()
    if table.num_rows < PARALLEL_FROM:
        yield 0
        return
    lefts, rights, kinds, parts = (table.column(i).to_pylist() for i in range(4))
    del table
    levels, patronymics = grade_in_workers(lefts, rights, kinds, parts, workers)
    grader.read_ahead(levels, patronymics)
    try:
        yield len(lefts)
    finally:
        grader.read_ahead({}, {})


__all__: Sequence[str] = ("PARALLEL_FROM", "graded_ahead", "pairs_to_grade_sql")
