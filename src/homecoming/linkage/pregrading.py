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

from homecoming.linkage.bounds import FREQUENCIES, REST, Bound, sided
from homecoming.linkage.comparisons import (
    PairGrader,
    lists_meet,
    patronymics_decided_sql,
    same_names_sql,
)
from homecoming.match.levels import NAME_LEVELS, vector_value

# Distinct pairs of names to grade: below this, a fork costs more than it saves.
PARALLEL_FROM = 20_000
# Worker processes: one a core unless set.
WORKERS: int | None = None
# Buckets of family names dealt out to the workers (`pairs_to_grade_sql`).
BUCKETS = 1024
# What a pair of names needs (`_KIND`): all three levels (the name's level function is called),
# or the patronymic's level alone (names decided in SQL, patronymics not).
LEVELS, PATRONYMIC = 1, 2

# As `comparisons._calls` writes the level functions' calls (a CASE, so NULL counts as false),
# with "these lists share an element" spelled as DuckDB computes it faster (the same truth).
_ABSENT, _AGREEING = patronymics_decided_sql(lists_meet)
_KIND = f"""
case when coalesce(name_text_l, '') = '' or coalesce(name_text_r, '') = '' then 0
when {same_names_sql(lists_meet)} then (
    case when {_ABSENT} then 0 when {_AGREEING} then 0 else {PATRONYMIC} end
) else {LEVELS} end
"""
# What each candidate pair carries for grading (`bounds.candidate_pairs_sql`): its names, what
# they need (`_KIND`, 0: nothing) and the bucket of its left name's family name (its common
# form), which decides the worker that grades it.
CANDIDATE_COLUMNS = {
    "name_text_l": 'l."name_text"',
    "name_text_r": 'r."name_text"',
    "grading_kind": sided(_KIND),
    "grading_bucket": f"hash(coalesce(l.family_primary, l.name_text)) % {BUCKETS}",
}


def pairs_to_grade_sql(pairs: str, workers: int) -> str:
    """SQL: the distinct pairs of names (left, right, kind, part) among the candidate pairs
    `pairs` (with CANDIDATE_COLUMNS) whose levels scoring would compute in Python, in order of
    part, kind and names.

    A pair's part (0 to workers - 1) is the worker that grades it: pairs whose left names share
    a family name (its common form) share a part, so a worker meets again the names and words
    it has parsed and scored, and a name is parsed in fewer workers (at 1,000,000 generated
    records, the workers' CPU fell by about a tenth against slices dealt out in turn). The
    family names' buckets are dealt out in order, the parts as near equal in pairs as whole
    buckets allow.
    """
    return f"""
        with graded as (
            select name_text_l, name_text_r, grading_kind as kind,
                min(grading_bucket) as bucket
            from {pairs} where grading_kind <> 0
            group by name_text_l, name_text_r, grading_kind
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


def reachable_pairs_sql(pairs: str, graded: str, bound: Bound) -> str:
    """SQL: the candidate pairs `pairs` (Splink's columns) that may still reach the floor once
    their names' levels are known (`graded`: `graded_ahead`'s table), each with its names'
    own weights in place of the most any names could weigh (`Bound.graded`). A pair whose
    names were not graded ahead (decided in SQL, or a side without a name) is kept."""
    condition = bound.graded(
        {"name": "g.name_level", "patronymic": "g.patronymic_level"},
        f"c.{REST}",
        (f"c.{FREQUENCIES[0]}", f"c.{FREQUENCIES[1]}"),
    )
    return f"""
        select c.match_key, c.join_key_l, c.join_key_r
        from {pairs} as c left join {graded} as g
            on g.name_text_l = c.name_text_l and g.name_text_r = c.name_text_r
        where g.name_level is null or ({condition})
    """


Levelled = dict[tuple[str, str], tuple[int, int, int]]
Patronymics = dict[tuple[str, str], int]
# The name level of a pair whose names SQL decides (every part the same or a transliteration).
_SAME_NAMES = vector_value(NAME_LEVELS, 0)

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
) -> tuple[Levelled, Patronymics, Any, Any]:
    """The levels of each pair of kind LEVELS and the patronymic level of each of kind
    PATRONYMIC, each part graded by a forked worker (the pairs in order of part and kind); and
    each pair's name level and patronymic level in the pairs' order (numpy arrays; a pair of
    kind PATRONYMIC has the name level SQL decides, every part the same)."""
    import numpy as np

    global _SHARED
    cuts = [bisect_left(parts, part) for part in range(workers)] + [len(parts)]
    tasks = [(cuts[part], cuts[part + 1]) for part in range(workers)]
    levels: Levelled = {}
    patronymics: Patronymics = {}
    _SHARED = (lefts, rights, kinds)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            graded = pool.map(_grade_part, tasks, chunksize=1)
    finally:
        _SHARED = ([], [], [])
    names, fathers = [], []
    for (begin, end), (three, alone) in zip(tasks, graded, strict=True):
        split = bisect_left(kinds, PATRONYMIC, begin, end)
        rows = np.frombuffer(three, dtype=np.int8).reshape(-1, 3)
        found = np.frombuffer(alone, dtype=np.int8)
        levels.update(
            zip(
                zip(lefts[begin:split], rights[begin:split], strict=True),
                zip(*(rows[:, at].tolist() for at in range(3)), strict=True),
                strict=True,
            )
        )
        patronymics.update(
            zip(zip(lefts[split:end], rights[split:end], strict=True), found.tolist(), strict=True)
        )
        names += [rows[:, 0], np.full(end - split, _SAME_NAMES, dtype=np.int8)]
        fathers += [rows[:, 1], found]
    return levels, patronymics, np.concatenate(names), np.concatenate(fathers)


@contextmanager
def graded_ahead(
    connection: Any, grader: PairGrader, pairs: str, workers: int | None = None
) -> Iterator[Any]:
    """While the block runs, `grader` reads the levels of the candidate pairs' names from
    forked workers (when there are at least PARALLEL_FROM such pairs and more than one core).
    Yields the pairs of names graded (a pyarrow table: name_text_l, name_text_r, name_level,
    patronymic_level) or None when none were."""
    import pyarrow as pa

    workers = workers or WORKERS or os.cpu_count() or 1
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    table = connection.sql(pairs_to_grade_sql(pairs, workers)).to_arrow_table()
    if table.num_rows < PARALLEL_FROM:
        yield None
        return
    lefts, rights, kinds, parts = (table.column(i).to_pylist() for i in range(4))
    levels, patronymics, names, fathers = grade_in_workers(lefts, rights, kinds, parts, workers)
    del lefts, rights, kinds, parts
    grader.read_ahead(levels, patronymics)
    try:
        yield (
            table.select(["name_text_l", "name_text_r"])
            .append_column("name_level", pa.array(names))
            .append_column("patronymic_level", pa.array(fathers))
        )
    finally:
        grader.read_ahead({}, {})


__all__: Sequence[str] = (
    "CANDIDATE_COLUMNS",
    "PARALLEL_FROM",
    "graded_ahead",
    "pairs_to_grade_sql",
    "reachable_pairs_sql",
)
