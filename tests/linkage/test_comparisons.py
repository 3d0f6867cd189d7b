"""The names' levels as SQL reads them: graded once a pair, and the same as the match model's
level functions."""

from __future__ import annotations

import pyarrow as pa
import pytest

from homecoming.linkage.comparisons import PairGrader
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


def test_an_arrow_batch_grades_as_the_level_functions() -> None:
    grader = PairGrader()
    left = pa.array([a or None for a, _ in PAIRS])
    right = pa.array([b or None for _, b in PAIRS])
    for column, function in enumerate((name_level, patronymic_level, names_agree)):
        found = grader.arrow_batch(column)(left, right).to_pylist()
        assert found == [function(a, b) for a, b in PAIRS]


def test_the_three_functions_grade_a_pair_once(monkeypatch: pytest.MonkeyPatch) -> None:
    grader = PairGrader()
    graded: list[tuple[str, str]] = []
    grade = grader._grade

    def counted(left: str, right: str) -> tuple[int, int, int]:
        graded.append((left, right))
        return grade(left, right)

    monkeypatch.setattr(grader, "_grade", counted)
    left = pa.array([a or None for a, _ in PAIRS] * 2)
    right = pa.array([b or None for _, b in PAIRS] * 2)
    for column in range(3):
        grader.arrow_batch(column)(left, right)
    assert sorted(graded) == sorted((a, b) for a, b in PAIRS if a and b)
