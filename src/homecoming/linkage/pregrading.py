"""A large deduplication's names graded in forked worker processes before Splink scores the pairs.

Scoring calls the names' level functions from DuckDB (`comparisons.register_duckdb`), and they
are Python: one core grades every pair while the other waits (at 1,000,000 generated records,
about 68 of the scoring stage's 73 seconds, docs/benchmarks.md). When the candidate pairs are
made before Splink scores them (`LinkageModel._candidate_pairs`), the distinct pairs of names
that will call Python are known: they are graded here, split across one forked worker a core,
and scoring reads what the workers found from a table joined to the pairs
(`LinkageModel._predict_graded`, `comparisons.reading_graded`), the functions called only for a
pair not graded so. The same functions grade the same pairs (`PairGrader.levels`,
`NameGrader.patronymic_level`): the scores, and the bytes out, are the ones grading in the
scoring stage gives.

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
from homecoming.linkage.name_grading import (
    GRADING_COLUMNS,
    SHAPE_FIELDS,
    SHAPE_ROLES,
    WORD_COLUMNS,
    WRITTEN_NAMES,
)
from homecoming.match.levels import (
    APART,
    DIFFERENT,
    EXACT,
    FORM,
    NAME_LEVELS,
    NAMES_AGREE,
    NULL,
    PATRONYMIC_LEVELS,
    SLIP,
    SLIP_GRADE,
    VARIANT_FORM,
    _name_level,
    vector_value,
)

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


# The name level of a pair whose names SQL decides (every part the same or a transliteration).
_SAME_NAMES = vector_value(NAME_LEVELS, 0)
_FATHERS_AGREE = vector_value(PATRONYMIC_LEVELS, 0)
# A name part's grades (`match.levels.aligned_grade`), best first; a pair of words' level is its
# grade, plus EXCHANGED for two words one another with two neighbouring letters exchanged.
GRADES = (EXACT, FORM, VARIANT_FORM, SLIP_GRADE, APART, DIFFERENT)
EXCHANGED = 8
# A pair of words scored in full (`_grade_task`), and `_meeting_sql`'s code for names none of
# whose parts meet.
FULL = 3
NONE_MET = 0
# The names whose words the features stage read (`name_grading.WRITTEN_NAMES`), as a view.
_WRITTEN = "homecoming_written_names"
# Which single pair of the two names' parts meets at 1.0 (`_MEETING`), and the words left.
_LEFT_TO_PAIR = {
    1: (("first", "first"), ("second", "second")),
    2: (("second", "second"), ("first", "first")),
    3: (("first", "second"), ("second", "first")),
    4: (("second", "first"), ("first", "second")),
}


def _meeting_sql() -> str:
    """SQL: which one pair of the names' two parts each (`_LEFT_TO_PAIR`) meets as the same
    word or a transliteration while no other pair meets so or may be read as a best spelling;
    else NULL. The greedy alignment (`NameGrader._align`) then pairs those two first and the
    other two with each other, whatever they score (as `same_names_sql` reads two pairs)."""
    every = [met for met, _ in _LEFT_TO_PAIR.values()]
    branches = []
    for code, (met, _) in _LEFT_TO_PAIR.items():
        others = [pair for pair in every if pair != met]
        conditions = [lists_meet(f"grade_{met[0]}", f"grade_{met[1]}")]
        conditions += [f"not {lists_meet(f'grade_{i}', f'grade_{j}')}" for i, j in others]
        conditions += [f"not {lists_meet(f'spell_{i}', f'spell_{j}')}" for i, j in others]
        branches.append(f"when {' and '.join(conditions)} then {code}")
    # No pair meets: the alignment scores all four and takes the best first (NONE_MET).
    none = " and ".join(f"not {lists_meet(f'grade_{i}', f'grade_{j}')}" for i, j in every)
    branches.append(f"when {none} then {NONE_MET}")
    return f"case {' '.join(branches)} end"


def _by_meeting(column: str, side: str, which: int) -> str:
    """SQL: `column` ("word", "role", "known") of side `side` ("l", "r") of the pair of
    name parts that met (`which` 0) or of the two left to pair (1)."""
    at = 0 if side == "l" else 1
    branches = " ".join(
        f"when {code} then {column}_{pairs[which][at]}_{side}"
        for code, pairs in _LEFT_TO_PAIR.items()
    )
    return f"case meeting {branches} end"


def _family_pair_sql(which: int) -> str:
    """SQL: `match.levels.family_pair` of the pair of name parts that met (`which` 0) or of
    the two left (1), from their roles and whether either is a known given name."""
    left, right = _by_meeting("role", "l", which), _by_meeting("role", "r", which)
    known = f"({_by_meeting('known', 'l', which)} or {_by_meeting('known', 'r', which)})"
    return _family_pair_of(left, right, known)


def _family_pair_of(left: str, right: str, known: str) -> str:
    """SQL: `match.levels.family_pair` of two words whose roles are `left` and `right`, and
    `known` whether either is a known given name."""
    return (
        f"(({left} = 'family' and {right} = 'family') or (not {known} and"
        f" (({left} = 'family' and {right} = 'given')"
        f" or ({left} = 'given' and {right} = 'family'))))"
    )


# The four pairs of two names' parts (first or second of the left, of the right), in the order
# the alignment breaks ties in (`NameGrader._align`: by position).
_PAIRS_OF_PARTS = (
    ("first", "first"),
    ("first", "second"),
    ("second", "first"),
    ("second", "second"),
)
# For a pair of kind LEVELS whose parts do not meet (NONE_MET): each name's two words, and
# `family_pair` of each pair of parts.
_CROSSING = (
    "first_l",
    "second_l",
    "first_r",
    "second_r",
    *(f"family_{i}_{j}" for i, j in _PAIRS_OF_PARTS),
)


def _crossing_columns() -> str:
    """SQL: the _CROSSING columns (NULL unless no pair of parts meets)."""
    none = f"meeting = {NONE_MET}"
    columns = [
        f"case when {none} then word_{part}_{side} end as {part}_{side}"
        for side in ("l", "r")
        for part in ("first", "second")
    ]
    for i, j in _PAIRS_OF_PARTS:
        family = _family_pair_of(f"role_{i}_l", f"role_{j}_r", f"(known_{i}_l or known_{j}_r)")
        columns.append(f"case when {none} then coalesce({family}, false) end as family_{i}_{j}")
    return ", ".join(columns)


def _shape_columns(side: str) -> str:
    """SQL: the words by place of side `side`'s name, read off its words and `word_shape`
    (word_first, word_second, word_patronymic, role_first, role_second, known_first,
    known_second; NULL each for a name without a shape)."""

    def field(name: str) -> str:
        offset, bits = SHAPE_FIELDS[name]
        return f"((word_shape_{side} >> {offset}) & {(1 << bits) - 1})"

    words = f"string_split(words_{side}, ' ')"
    roles = " ".join(f"when {code} then '{role}'" for role, code in SHAPE_ROLES.items())
    columns = [
        f"{words}[{field('first')} + 1] as word_first_{side}",
        f"{words}[{field('second')} + 1] as word_second_{side}",
        f"case when {field('patronymic')} > 0 then {words}[{field('patronymic')}] end"
        f" as word_patronymic_{side}",
    ]
    for part in ("first", "second"):
        columns.append(f"case {field(f'role_{part}')} {roles} else '' end as role_{part}_{side}")
        columns.append(f"{field(f'known_{part}')} = 1 as known_{part}_{side}")
    return ", ".join(columns)


def routed_pairs_sql(pairs: str, names: str) -> str:
    """SQL: the distinct pairs of names (left, right, kind, bucket) among the candidate pairs
    `pairs` (with CANDIDATE_COLUMNS) whose levels scoring would compute in Python, each with
    how it is graded.

    `names` holds the names whose words the features stage read (`name_grading.WRITTEN_NAMES`:
    "text", "words", GRADING_COLUMNS and WORD_COLUMNS); each pair carries its names' words
    (`words_l`, `words_r`; NULL, not so read) for the graders. A pair whose names are both of
    SQL's shape so read (WORD_COLUMNS set) is graded by pairs of words (`by_words`) when its
    levels follow from a few pairs of words:

    - kind PATRONYMIC (the names decided in SQL): the patronymics (`father_l`, `father_r`);
    - kind LEVELS where one pair of name parts meets (`_meeting_sql`): the two parts left to
      pair (`part_l`, `part_r`), and the patronymics unless SQL decides them
      (`father_level`: NULL, a side without one; agreeing, the same or a transliteration).
      Whether the names agree, when the parts left are a slip apart, reads `family_pair` of
      the parts that met (`family_met`) and of those left (`family_left`);
    - kind LEVELS where no pair of name parts meets (`meeting` NONE_MET): the four pairs of
      the names' parts, each scored in full (the alignment takes the best first), with
      `family_pair` of each (_CROSSING).

    Any other pair is graded as two names.
    """
    sides = ", ".join(
        f"{side}.{column} as {column}_{suffix}"
        for side, suffix in (("a", "l"), ("b", "r"))
        for column in ("words", *GRADING_COLUMNS, *WORD_COLUMNS)
    )
    shaped = ", ".join(_shape_columns(side) for side in ("l", "r"))
    fathers_meet = lists_meet("grade_patronymic", "grade_patronymic")
    both_fathers = "word_patronymic_l is not null and word_patronymic_r is not null"
    return f"""
        with graded as (
            select name_text_l, name_text_r, grading_kind as kind,
                min(grading_bucket) as bucket
            from {pairs} where grading_kind <> 0
            group by name_text_l, name_text_r, grading_kind
        ),
        named as (
            select g.*, {sides}
            from graded as g
            left join {names} as a on a.text = g.name_text_l
            left join {names} as b on b.text = g.name_text_r
        ),
        shaped as (
            select *, {shaped} from named
        ),
        met as (
            select *,
                word_first_l is not null and word_first_r is not null as worded,
                case when kind = {LEVELS} and worded then {_meeting_sql()} end as meeting
            from shaped
        ),
        routed as (
            select name_text_l, name_text_r, kind, bucket, meeting, words_l, words_r,
                worded and (kind = {PATRONYMIC} or meeting is not null) as by_words,
                {_by_meeting("word", "l", 1)} as part_l, {_by_meeting("word", "r", 1)} as part_r,
                coalesce({_family_pair_sql(0)}, false) as family_met,
                coalesce({_family_pair_sql(1)}, false) as family_left,
                {_crossing_columns()},
                case when {both_fathers} and not {fathers_meet} then word_patronymic_l end
                    as father_l,
                case when {both_fathers} and not {fathers_meet} then word_patronymic_r end
                    as father_r,
                case when not ({both_fathers}) then {NULL}
                    when {fathers_meet} then {_FATHERS_AGREE} end as father_level
            from met
        )
        select name_text_l, name_text_r, kind, bucket, words_l, words_r, by_words, meeting,
            family_met, family_left, {", ".join(_CROSSING)},
            case when by_words then part_l end as part_l,
            case when by_words then part_r end as part_r,
            case when by_words then father_l end as father_l,
            case when by_words then father_r end as father_r,
            case when by_words then father_level end as father_level
        from routed
    """


def pairs_to_grade_sql(routed: str, workers: int) -> str:
    """SQL: the pairs of names among `routed` (`routed_pairs_sql`) graded as two names
    (left, right, kind, part, and the names' words), in order of part, kind and names.

    A pair's part (0 to workers - 1) is the worker that grades it: pairs whose left names share
    a family name (its common form) share a part, so a worker meets again the names and words
    it has parsed and scored, and a name is parsed in fewer workers (at 1,000,000 generated
    records, the workers' CPU fell by about a tenth against slices dealt out in turn). The
    family names' buckets are dealt out in order, the parts as near equal in pairs as whole
    buckets allow.
    """
    return f"""
        with graded as (
            select name_text_l, name_text_r, kind, bucket, words_l, words_r
            from {routed} where not by_words
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
        select name_text_l, name_text_r, kind, part, words_l, words_r
        from graded join dealt using (bucket)
        order by part, kind, name_text_l, name_text_r
    """


def word_pairs_sql(routed: str) -> str:
    """SQL: the distinct pairs of words (left, right, kind) that `routed`'s pairs graded by
    words need: name parts left to pair (kind LEVELS), patronymics (kind PATRONYMIC), and name
    parts scored in full (kind FULL)."""
    crossing = " union all ".join(
        f"select distinct {i}_l, {j}_r, {FULL} from {routed} where first_l is not null"
        for i, j in _PAIRS_OF_PARTS
    )
    return f"""
        select distinct l, r, kind from (
            select part_l as l, part_r as r, {LEVELS} as kind
            from {routed} where part_l is not null
            union all
            select father_l, father_r, {PATRONYMIC}
            from {routed} where father_l is not null
            union all
            {crossing}
        )
        order by kind, l, r
    """


def by_words_sql(routed: str, words: str) -> str:
    """SQL: the levels (name_text_l, name_text_r, kind, name_level, patronymic_level, agree) of
    `routed`'s pairs graded by words, from their words' (`words`: l, r, kind, level, score; a
    pair of name parts' level is its grade plus EXCHANGED when the words are one another with
    two neighbouring letters exchanged, its score the one the alignment orders by).

    A pair of kind LEVELS has the name level of its two aligned pairs of parts' grades
    (`_name_level`): one part met and the other's grade, or, where no part meets, the best
    scored pair of parts first (ties by position, as `NameGrader._align` sorts) and the other
    two. Its names agree as `NameGrader.levels` reads it: the level says so, or, a slip, the
    family names met, or the one slip is the family name's own, two neighbouring letters
    exchanged. One of kind PATRONYMIC has the name level SQL decides."""
    levels = ", ".join(
        str(_name_level([first, second], 2)) for first in GRADES for second in GRADES
    )
    crossed = [f"{i}_{j}" for i, j in _PAIRS_OF_PARTS]
    ff, fs, sf, ss = (f"score_{pair}" for pair in crossed)
    joins = " ".join(
        f"left join {words} as q_{i}_{j} on q_{i}_{j}.kind = {FULL}"
        f" and q_{i}_{j}.l = t.{i}_l and q_{i}_{j}.r = t.{j}_r"
        for i, j in _PAIRS_OF_PARTS
    )
    read = ", ".join(
        f"q_{pair}.level as level_{pair}, q_{pair}.score as score_{pair}" for pair in crossed
    )
    met = f"coalesce(meeting <> {NONE_MET}, false)"

    def grade(level: str) -> str:
        return f"{level} & {EXCHANGED - 1}"

    def exchanged(level: str) -> str:
        return f"{level} & {EXCHANGED} <> 0"

    def aligned(straight: str, across: str) -> str:
        """The first or second aligned pair's: straight, or crossed."""
        return f"case when straight then {straight} else {across} end"

    first_exchanged = aligned(exchanged("level_first_first"), exchanged("level_first_second"))
    second_exchanged = aligned(exchanged("level_second_second"), exchanged("level_second_first"))
    slip = f"{SLIP_GRADE}"
    return f"""
        with joined as (
            select t.name_text_l, t.name_text_r, t.kind, t.meeting, t.family_met,
                t.family_left, {", ".join(f"t.family_{pair}" for pair in crossed)},
                coalesce(t.father_level, f.level) as patronymic_level,
                p.level as part_level, {read}
            from {routed} as t
            left join {words} as p on p.kind = {LEVELS} and p.l = t.part_l and p.r = t.part_r
            {joins}
            left join {words} as f on f.kind = {PATRONYMIC} and f.l = t.father_l
                and f.r = t.father_r
            where t.by_words
        ),
        ordered as (
            select *, ({ff} >= greatest({fs}, {sf}, {ss})
                or ({ss} > {ff} and {ss} > {fs} and {ss} > {sf})) as straight
            from joined
        ),
        paired as (
            select name_text_l, name_text_r, kind, patronymic_level,
                {met} and family_met as family_met,
                case when {met} then {EXACT}
                    else {aligned(grade("level_first_first"), grade("level_first_second"))}
                    end as first,
                case when {met} then {grade("part_level")}
                    else {aligned(grade("level_second_second"), grade("level_second_first"))}
                    end as second,
                not {met} and {first_exchanged} as first_exchanged,
                case when {met} then {exchanged("part_level")}
                    else {second_exchanged} end as second_exchanged,
                not {met} and {aligned("family_first_first", "family_first_second")}
                    as first_family,
                case when {met} then family_left
                    else {aligned("family_second_second", "family_second_first")}
                    end as second_family
            from ordered
        ),
        levelled as (
            select *, case when kind = {PATRONYMIC} then {_SAME_NAMES}
                else [{levels}][first * {len(GRADES)} + second + 1] end as name_level
            from paired
        )
        select name_text_l, name_text_r, kind, name_level, patronymic_level,
            case when name_level >= {NAMES_AGREE} then 1
                when name_level = {SLIP} and (family_met
                    or ((first = {slip}) <> (second = {slip})
                        and ((first = {slip} and first_family and first_exchanged)
                            or (second = {slip} and second_family and second_exchanged))))
                then 1 else 0 end as agree
        from levelled
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


# Pairs of words are dealt out in this many chunks a worker (they balance the parts of names).
WORD_CHUNKS = 4

# The pairs forked workers read their tasks from (set just before the fork): pyarrow tables of
# "names" (left, right, kind, part, the names' words; in order of part and kind) and "words"
# (left, right, kind).
# A worker makes its own strings of its slice: the parent's are not touched, so the pages that
# hold them stay shared rather than copied into each worker as their reference counts change.
_SHARED: dict[str, Any] = {}


def _grade_task(task: tuple[str, int, int]) -> tuple[bytes, bytes]:
    """One task of `_SHARED`'s pairs begin..end: a part of the pairs of names
    (`_grade_part`) or a chunk of the pairs of words (their levels, one byte a pair, and their
    scores, eight)."""
    what, begin, end = task
    table = _SHARED[what].slice(begin, end - begin)
    lefts, rights, kinds = (table.column(i).to_pylist() for i in range(3))
    grader = _worker_grader()
    if what == "names":
        grader.know_words(lefts, table.column("words_l").to_pylist())
        grader.know_words(rights, table.column("words_r").to_pylist())
        return _grade_part(lefts, rights, kinds)
    levels = array("b")
    scores = array("d")  # a pair of kind FULL's own score, else 0
    for a, b, kind in zip(lefts, rights, kinds, strict=True):
        score = 0.0
        if kind == PATRONYMIC:
            levels.append(grader.patronymics_left(a, b))
        else:
            if kind == LEVELS:
                grade, exchanged = grader.parts_left(a, b)
            else:
                score, grade, exchanged = grader.parts_scored(a, b)
            levels.append(grade + EXCHANGED * exchanged)
        scores.append(score)
    return levels.tobytes(), scores.tobytes()


def _grade_part(lefts: list[str], rights: list[str], kinds: list[int]) -> tuple[bytes, bytes]:
    """Levels of one part's pairs of names (in order of kind): three bytes a pair (name,
    patronymic, names agree) for those of kind LEVELS, then the patronymic's level of each of
    kind PATRONYMIC."""
    split = bisect_left(kinds, PATRONYMIC)
    grader = _worker_grader()
    levels = array("b")  # levels are small signed integers (NULL is -1)
    for a, b in zip(lefts[:split], rights[:split], strict=True):
        levels.extend(grader.levels(a, b))
    patronymics = array("b")
    patronymics.extend(
        grader.patronymic(a, b) for a, b in zip(lefts[split:], rights[split:], strict=True)
    )
    return levels.tobytes(), patronymics.tobytes()


@cache
def _worker_grader() -> PairGrader:
    """A worker's grader, made at its first task (the parent never grades here)."""
    return PairGrader()


def grade_in_workers(names: Any, workers: int, words: Any = None) -> tuple[Any, Any, Any, Any]:
    """Each pair of names' name level, patronymic level and names' agreement, in their order
    (`names`: a pyarrow table of left, right, kind, part and the names' words, `words_l` and
    `words_r`, in order of part and kind; numpy arrays: a pair of kind PATRONYMIC has the name
    level SQL decides and NO_AGREEMENT), each part graded by a forked worker; and the level and
    score of each pair of `words` (left, right, kind: `_grade_task`), dealt out in chunks after
    the parts."""
    import numpy as np

    parts = names.column(3).to_numpy()
    cuts = np.searchsorted(parts, np.arange(workers + 1)).tolist()
    cuts[-1] = len(parts)
    tasks = [("names", cuts[part], cuts[part + 1]) for part in range(workers)]
    count = 0 if words is None else words.num_rows
    size = max(1, -(-count // (workers * WORD_CHUNKS)))
    tasks += [("words", at, min(at + size, count)) for at in range(0, count, size)]
    _SHARED.update(names=names, words=words)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            graded = pool.map(_grade_task, tasks, chunksize=1)
    finally:
        _SHARED.clear()
    found: list[list[Any]] = [[], [], []]  # name levels, patronymic levels, agreements
    for three, alone in graded[:workers]:
        rows = np.frombuffer(three, dtype=np.int8).reshape(-1, 3)
        fathers = np.frombuffer(alone, dtype=np.int8)
        found[0] += [rows[:, 0], np.full(len(fathers), _SAME_NAMES, dtype=np.int8)]
        found[1] += [rows[:, 1], fathers]
        found[2] += [rows[:, 2], np.full(len(fathers), NO_AGREEMENT, dtype=np.int8)]
    word_levels = np.frombuffer(b"".join(three for three, _ in graded[workers:]), dtype=np.int8)
    word_scores = np.frombuffer(b"".join(score for _, score in graded[workers:]), dtype=np.float64)
    found_names, found_fathers, found_agree = (
        np.concatenate(arrays) if arrays else np.zeros(0, np.int8) for arrays in found
    )
    return found_names, found_fathers, found_agree, (word_levels, word_scores)


# A pair of kind PATRONYMIC's agreement: not graded (SQL decides its names agree).
NO_AGREEMENT = -2


@contextmanager
def graded_ahead(connection: Any, pairs: str, workers: int | None = None) -> Iterator[Any]:
    """The candidate pairs' names graded in forked workers (when there are at least
    PARALLEL_FROM such pairs and more than one core): yields the pairs of names graded (a
    pyarrow table: name_text_l, name_text_r, name_level, patronymic_level and agree, the
    values of the names' level functions, `comparisons.GRADED_COLUMNS`; a value not graded is
    null) or None when none were."""
    workers = workers or WORKERS or os.cpu_count() or 1
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    routed = "homecoming_routed_names"
    connection.register(_WRITTEN, WRITTEN_NAMES[-1] if WRITTEN_NAMES else _no_written_names())
    try:
        connection.execute(
            f"create or replace temp table {routed} as {routed_pairs_sql(pairs, _WRITTEN)}"
        ).fetchall()
    finally:
        connection.unregister(_WRITTEN)
    try:
        ((count,),) = connection.execute(f"select count(*) from {routed}").fetchall()
        if count < PARALLEL_FROM:
            yield None
            return
        yield _grade_routed(connection, routed, workers)
    finally:
        connection.execute(f"drop table if exists {routed}").fetchall()


def _grade_routed(connection: Any, routed: str, workers: int) -> Any:
    """The pairs of names of `routed` (`routed_pairs_sql`) graded in forked workers, as names
    or by words: the graded table `graded_ahead` yields."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names = connection.sql(pairs_to_grade_sql(routed, workers)).to_arrow_table()
    words = connection.sql(word_pairs_sql(routed)).to_arrow_table()
    found_names, found_fathers, found_agree, graded_words = grade_in_workers(names, workers, words)
    view = "homecoming_graded_words"
    word_levels, word_scores = graded_words
    connection.register(
        view,
        words.append_column("level", pa.array(word_levels)).append_column(
            "score", pa.array(word_scores)
        ),
    )
    try:
        by_words = connection.sql(by_words_sql(routed, view)).to_arrow_table()
    finally:
        connection.unregister(view)
    # A pair of kind PATRONYMIC's agreement is not graded (SQL decides its names agree).
    levelled = pc.equal(by_words.column("kind"), LEVELS)
    agree = pc.if_else(levelled, by_words.column("agree"), pa.scalar(None, pa.int32()))
    by_words = by_words.select(["name_text_l", "name_text_r", "name_level", "patronymic_level"])
    by_words = by_words.append_column("agree", agree.cast(pa.int32()))
    as_names = pa.table(
        {
            "name_text_l": names.column("name_text_l"),
            "name_text_r": names.column("name_text_r"),
            "name_level": pa.array(found_names),
            "patronymic_level": pa.array(found_fathers),
            "agree": pa.array(found_agree, mask=found_agree == NO_AGREEMENT),
        }
    )
    return pa.concat_tables([as_names.cast(by_words.schema), by_words])


def _no_written_names() -> Any:
    """An empty table of `WRITTEN_NAMES`' columns (no features table made in this process)."""
    import pyarrow as pa

    return pa.table(
        {
            "text": pa.array([], pa.string()),
            "words": pa.array([], pa.string()),
            **{column: pa.array([], pa.list_(pa.int64())) for column in GRADING_COLUMNS},
            **{column: pa.array([], pa.int32()) for column in WORD_COLUMNS},
        }
    )


__all__: Sequence[str] = (
    "CANDIDATE_COLUMNS",
    "PARALLEL_FROM",
    "by_words_sql",
    "graded_ahead",
    "pairs_to_grade_sql",
    "reachable_pairs_sql",
    "routed_pairs_sql",
    "word_pairs_sql",
)
