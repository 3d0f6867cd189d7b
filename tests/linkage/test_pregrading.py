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
from homecoming.linkage.name_grading import SHAPE_FIELDS, NameGrader
from homecoming.linkage.pipeline import dedupe
from homecoming.match.levels import SLIP

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

    def spied_score_these(linker: object, engine: DuckDBEngine, table: str) -> object:
        handed.append(engine.connection.sql(f"select count(*) from {table}").fetchall()[0][0])
        return score_these(linker, engine, table)

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


def test_pairs_graded_by_words_have_the_levels_of_their_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pairs of names whose levels follow from one pair of words each (the parts left to pair,
    the patronymics) are graded by those words: every level scoring reads from the graded
    table, by words or as names, is the one grading the two names gives, the names' agreement
    beside a slip (which reads the words' roles) included; each pair of names once."""
    path = tmp_path / "records.csv"
    write_csv(generate_dataset(3_000, seed=23), path)
    tables: list[Any] = []
    as_names: list[int] = []
    grade_routed, in_workers = pregrading._grade_routed, pregrading.grade_in_workers

    def spied_grade_routed(*args: Any) -> Any:
        tables.append(grade_routed(*args))
        return tables[-1]

    def spied_in_workers(names: Any, *args: Any) -> Any:
        as_names.append(names.num_rows)
        return in_workers(names, *args)

    monkeypatch.setattr(pregrading, "_grade_routed", spied_grade_routed)
    monkeypatch.setattr(pregrading, "grade_in_workers", spied_in_workers)
    monkeypatch.setattr(pregrading, "WORKERS", 2)
    monkeypatch.setattr(pregrading, "PARALLEL_FROM", 0)
    dedupe(read_table(path))
    monkeypatch.undo()
    assert len(tables) == 1 and len(as_names) == 1
    rows = tables[0].to_pylist()
    assert len({(row["name_text_l"], row["name_text_r"]) for row in rows}) == len(rows)
    graded = NameGrader()
    levels, patronymics = {}, {}
    for row in rows:
        pair = (row["name_text_l"], row["name_text_r"])
        if row["agree"] is None:  # the names decided in SQL: the patronymics alone
            patronymics[pair] = row["patronymic_level"]
        else:
            levels[pair] = (row["name_level"], row["patronymic_level"], row["agree"])
    assert {pair: graded.levels(*pair) for pair in levels} == levels
    assert {pair: graded.patronymic_level(*pair) for pair in patronymics} == patronymics
    # Both ways taken; slips whose names agree and slips whose names do not among them.
    by_words = len(rows) - as_names[0]
    assert by_words > 300 and as_names[0] > 30 and len(patronymics) > 100
    slips = [agree for name, _, agree in levels.values() if name == SLIP]
    assert slips.count(1) > 10 and slips.count(0) > 10


def _names_row(text: str, first: list[int], second: list[int], **rest: Any) -> dict[str, Any]:
    """A name's row of `name_grading.WRITTEN_NAMES` (hashes standing for forms): its first two
    words its name parts (the family name, then a known given name), a third its patronymic."""
    words = text.split()
    places = {"first": 0, "second": 1, "patronymic": 3 if len(words) > 2 else 0}
    fields = places | {"role_first": 1, "role_second": 2, "known_first": 0, "known_second": 1}
    return {
        "text": text,
        "words": text,
        "grade_first": first,
        "grade_second": second,
        "grade_patronymic": rest.get("patronymic"),
        "spell_first": rest.get("spell_first", []),
        "spell_second": rest.get("spell_second", []),
        "word_shape": sum(value << SHAPE_FIELDS[name][0] for name, value in fields.items()),
    }


def test_a_pair_is_graded_by_words_only_where_one_pair_of_parts_meets_alone() -> None:
    """Hashes stand for forms: the parts left to pair are the other two, crossed or not; a
    pair with two pairs of parts meeting, or with another pair that may be a best spelling
    (the alignment would score them), is graded as names; so is a name without words."""
    import duckdb
    import pyarrow as pa

    names = [
        _names_row("A B", [1], [2]),
        _names_row("A C", [1], [3]),
        _names_row("C A", [3], [1]),
        _names_row("A2 B2 P", [1], [2], patronymic=[9]),
        _names_row("D E P2", [1], [5], patronymic=[8]),
        _names_row("S T", [1], [6], spell_second=[7]),
        _names_row("A W", [1], [4], spell_second=[7]),
        _names_row("U V", [11], [12]),
    ]
    pairs = [
        ("A B", "A C", pregrading.LEVELS),  # the first parts meet: B and C left
        ("A B", "C A", pregrading.LEVELS),  # crossed: B and C left
        ("A B", "A2 B2 P", pregrading.LEVELS),  # both parts meet
        ("A2 B2 P", "D E P2", pregrading.LEVELS),  # B2 and E left, the patronymics apart
        ("A2 B2 P", "D E P2", pregrading.PATRONYMIC),  # the patronymics alone
        ("S T", "U V", pregrading.LEVELS),  # no part meets: all four pairs scored
        ("A B", "S T", pregrading.LEVELS),  # A meets S: B and T left
        ("A W", "S T", pregrading.LEVELS),  # A meets S, but W may be T's best spelling
        ("S T", "U V B", pregrading.LEVELS),  # a name without words
    ]
    connection = duckdb.connect()
    connection.register("names", pa.Table.from_pylist(names))
    connection.register(
        "candidates",
        pa.table(
            {
                "name_text_l": [a for a, _, _ in pairs],
                "name_text_r": [b for _, b, _ in pairs],
                "grading_kind": [kind for _, _, kind in pairs],
                "grading_bucket": [0] * len(pairs),
            }
        ),
    )
    found = {
        (row[0], row[1], row[2]): row[3:]
        for row in connection.execute(
            "select name_text_l, name_text_r, kind, by_words, part_l, part_r, father_l,"
            " father_r, father_level, [first_l, second_l, first_r, second_r]"
            f" from ({pregrading.routed_pairs_sql('candidates', 'names')})"
        ).fetchall()
    }
    levels, patronymic = pregrading.LEVELS, pregrading.PATRONYMIC
    assert found == {
        ("A B", "A C", levels): (True, "B", "C", None, None, -1, [None, None, None, None]),
        ("A B", "C A", levels): (True, "B", "C", None, None, -1, [None, None, None, None]),
        ("A B", "A2 B2 P", levels): (False, None, None, None, None, None, [None, None, None, None]),
        ("A2 B2 P", "D E P2", levels): (True, "B2", "E", "P", "P2", None, [None, None, None, None]),
        ("A2 B2 P", "D E P2", patronymic): (
            True,
            None,
            None,
            "P",
            "P2",
            None,
            [None, None, None, None],
        ),
        ("S T", "U V", levels): (True, None, None, None, None, -1, ["S", "T", "U", "V"]),
        ("A B", "S T", levels): (True, "B", "T", None, None, -1, [None, None, None, None]),
        ("A W", "S T", levels): (False, None, None, None, None, None, [None, None, None, None]),
        ("S T", "U V B", levels): (False, None, None, None, None, None, [None, None, None, None]),
    }


@pytest.mark.parametrize(
    ("scores", "straight"),
    [
        ((0.5, 0.5, 0.1, 0.1), True),  # a tie with the first pair: the first by position
        ((0.2, 0.1, 0.1, 0.5), True),  # the second parts score best
        ((0.2, 0.5, 0.1, 0.1), False),  # first with second scores best: crossed
        ((0.2, 0.5, 0.1, 0.5), False),  # a tie of crossed and straight: crossed comes first
        ((0.2, 0.1, 0.5, 0.5), False),
    ],
)
def test_names_none_of_whose_parts_meet_align_their_best_scored_parts_first(
    scores: tuple[float, float, float, float], straight: bool
) -> None:
    """Where no pair of parts meets, the pairs of parts (first-first, first-second,
    second-first, second-second) align best score first, ties by position, as the grader's
    alignment sorts them; the name level is that of the two aligned pairs' grades."""
    import duckdb
    import pyarrow as pa

    from homecoming.match.levels import DIFFERENT, FORM, _name_level

    connection = duckdb.connect()
    connection.register(
        "names", pa.Table.from_pylist([_names_row("S T", [1], [6]), _names_row("U V", [2], [7])])
    )
    connection.register(
        "candidates",
        pa.table(
            {
                "name_text_l": ["S T"],
                "name_text_r": ["U V"],
                "grading_kind": [pregrading.LEVELS],
                "grading_bucket": [0],
            }
        ),
    )
    connection.execute(
        f"create table routed as {pregrading.routed_pairs_sql('candidates', 'names')}"
    ).fetchall()
    # Straight pairs grade as forms of one another, crossed ones as different names.
    levels = (FORM, DIFFERENT, DIFFERENT, FORM)
    connection.register(
        "words",
        pa.table(
            {
                "l": ["S", "S", "T", "T"],
                "r": ["U", "V", "U", "V"],
                "kind": [pregrading.FULL] * 4,
                "level": pa.array(levels, pa.int8()),
                "score": list(scores),
            }
        ),
    )
    ((name_level,),) = connection.execute(
        f"select name_level from ({pregrading.by_words_sql('routed', 'words')})"
    ).fetchall()
    expected = [FORM, FORM] if straight else [DIFFERENT, DIFFERENT]
    assert name_level == _name_level(expected, 2)
