"""The names' levels as SQL reads them: graded once a pair, here or in worker processes, and the
same as the match model's level functions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from homecoming.linkage import comparisons, pipeline
from homecoming.linkage.comparisons import PairGrader
from homecoming.linkage.inputs import read_records
from homecoming.match.levels import name_level, names_agree, patronymic_level

# Cyrillic and Latin side by side: the same person, forms, slips, namesakes, a lone part,
# initials, a nickname in brackets, and names the engine cannot grade.
NAMES = [
    "Іваненко Петро Степанович",
    "Ivanenko Petro Stepanovych",
    "Иваненко Петр Степанович",
    "Іваненко Петро",
    "Іваненко П. С.",
    "Іванеко Петро Степанович",
    "Іваненко Павло Степанович",
    "Гнатюк Андрій (Андрюша) Петрович",
    "Андрюша Гнатюк",
    "Koval Olena",
    "Коваль Олена Іванівна",
    "Ковальська Олена",
    "Шевченко",
    "Бернатович Денис Устимович",
    "Устимович",
    "",
]
PAIRS = [(a, b) for a in NAMES for b in NAMES]


def expected(left: str, right: str) -> tuple[int, int, int]:
    return name_level(left, right), patronymic_level(left, right), names_agree(left, right)


def test_a_pair_is_graded_as_the_level_functions_grade_it() -> None:
    grader = PairGrader()
    for left, right in PAIRS:
        assert grader.levels(left, right) == expected(left, right), (left, right)
    assert grader.levels(None, "Коваль Олена") == (-1, -1, -1)


def test_workers_grade_as_this_process_does() -> None:
    grader = PairGrader()
    given = [(a, b) for a, b in PAIRS if a and b]
    with grader.parallel(comparisons.PARALLEL_RECORDS, processes=2):
        assert grader._pool is not None  # the pairs below go to the workers
        graded = grader.grade_all(given)
    assert grader._pool is None
    assert graded == {pair: expected(*pair) for pair in given}


def test_an_arrow_batch_reads_each_pair_once_graded() -> None:
    grader = PairGrader()
    left = pa.array([a or None for a, _ in PAIRS])
    right = pa.array([b or None for _, b in PAIRS])
    for column, function in enumerate((name_level, patronymic_level, names_agree)):
        found = grader.arrow_batch(column)(left, right).to_pylist()
        assert found == [function(a, b) for a, b in PAIRS]


def test_dedupe_in_worker_processes_scores_the_same_pairs(
    generated_csv: Callable[[int, int], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    records = read_records(generated_csv(1500, 11))
    here = pipeline.dedupe(records)
    monkeypatch.setattr(comparisons, "PARALLEL_RECORDS", 1)
    monkeypatch.setattr(comparisons, "PARALLEL_PAIRS", 1)
    forked = pipeline.dedupe(records)
    assert here.pairs and sorted(forked.pairs) == sorted(here.pairs)
    assert forked.clusters == here.clusters
