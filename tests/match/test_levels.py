"""The match model's levels, pinned by hand-written cases (Cyrillic and Latin side by side).

Each case is an analogue of a failure class seen on lists made outside this project
(issue 13), written by hand, not a row of those lists.
"""

from __future__ import annotations

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.match.levels import (
    DOB_LEVELS,
    NAME_LEVELS,
    NULL,
    PATRONYMIC_LEVELS,
    Facts,
    compare_facts,
    dob_level,
    name_evidence,
    one_digit_apart,
    place_level,
    service_level,
    vector_value,
)


def name_label(left: str, right: str) -> str:
    value = name_evidence(left, right).name
    return "missing" if value == NULL else NAME_LEVELS[len(NAME_LEVELS) - 1 - value]


EXACT, FORM, VARIANT, SLIP, APART, ONE_PART, ONE_AGREES, DIFFERENT = NAME_LEVELS

NAME_CASES = [
    # the same person in another standard, script or case
    ("KOSHCHENKO HENNADII", "Кощенко Геннадій Фомич", EXACT),
    ("Koschtschenko Hennadij", "Кощенко Геннадій", EXACT),  # German standard
    ("Kochtchenko Guennadi", "Кощенко Геннадій", EXACT),  # French
    ("Koŝenko Gennadij", "Кощенко Геннадій", EXACT),  # ISO 9
    ("Kovalʹov Serhiĭ", "Ковальов Сергій", EXACT),  # scientific prime, ALA-LC breve
    ("Ko·val·chuk Vitalii", "Ковальчук Віталій", EXACT),  # a middle dot inside the word
    ("Ибрагимов Руслан", "Ібрагімов Руслан", EXACT),  # written by a Ukrainian official
    ("Цыренов Баир", "Циренов Баїр", EXACT),
    ("Пeтренко Олег", "Петренко Олег", EXACT),  # a Latin "e" inside a Cyrillic word
    ("Ковалёв Иван", "Ковалев Иван", EXACT),  # ё written е
    ("Хайруллин Магомед-Эмин", "Хайруллін Магомед Емін", EXACT),  # hyphen split
    ("Nehir Oleksandr", "Oleksandr Nekhir", EXACT),  # order swapped
    # Ukrainian and Russian forms of one name
    ("Ткаченко Андрей Петрович", "Ткаченко Андрій Петрович", FORM),
    ("Петренко Сергей", "Петренко Сергій", FORM),
    ("Гончаренко Никита", "Гончаренко Микита", FORM),
    ("Бойко Пётр", "Бойко Петро", FORM),
    # variants and diminutives
    ("Доржиев Саша", "Доржиєв Олександр", VARIANT),
    ("Ivanenko Vania", "Іваненко Іван", VARIANT),
    # a slip
    ("Koshcchenko Hennadii", "Кощенко Геннадій", SLIP),
    ("Shevchenko Vlodymyr", "Шевченко Володимир", SLIP),
    ("Shevchenko Sehrii", "Шевченко Сергій", SLIP),
    ("Lapina Snizhana", "Лапшина Сніжана", SLIP),  # two letters apart: no more than a slip
    # not the same name
    ("Kuzmin Radomyr", "KUZMICHEV RADOMYR", ONE_AGREES),
    ("Іваненко Іван", "Іваненко Петро", ONE_AGREES),
    ("Іваненко Іван", "Мельник Петро", DIFFERENT),
    # one side gives one part only
    ("Ivanenko", "Іваненко Іван", ONE_PART),
]


@pytest.mark.parametrize(("left", "right", "expected"), NAME_CASES)
def test_name_levels(left: str, right: str, expected: str) -> None:
    assert name_label(left, right) == expected
    assert name_label(right, left) == expected  # the same whichever side is which


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("Ткаченко Андрей Петрович", "Ткаченко Андрій Петрович", "patronymic agrees"),
        ("Tkachenko Andrii Petrovych", "Ткаченко Андрій Петрович", "patronymic agrees"),
        ("Ткаченко Андрій Іванович", "Ткаченко Андрій Петрович", "patronymic differs"),
        ("Ткаченко Андрій", "Ткаченко Андрій Петрович", "missing"),
    ],
)
def test_patronymic_levels(left: str, right: str, expected: str) -> None:
    value = name_evidence(left, right).patronymic
    found = "missing" if value == NULL else PATRONYMIC_LEVELS[len(PATRONYMIC_LEVELS) - 1 - value]
    assert found == expected


D = PartialDate


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (D(1979, 3, 14), D(1979, 3, 14), "exact"),
        (D(1979, 3, 4), D(1979, 4, 3), "day and month transposed"),
        (D(1983, 3, 2), D(1988, 3, 2), "one digit of the year differs, day and month exact"),
        (D(1973, 3, 2), D(1983, 3, 2), "one digit of the year differs, day and month exact"),
        (D(1985, 3, 2), D(1986, 3, 2), "one digit of the year differs, day and month exact"),
        (D(1979, 3, 14), D(1979, 3, 15), "same year and month"),
        (D(1979), D(1979, 3, 14), "same year, month unknown"),
        (D(1979, 5, 14), D(1979, 3, 14), "same year, month differs"),
        (D(1986), D(1985, 1, 1), "year off by one"),
        (D(1979, 3, 14), D(1990, 3, 14), "different"),
    ],
)
def test_dob_levels(left: PartialDate, right: PartialDate, expected: str) -> None:
    assert dob_level(left, right) == vector_value(DOB_LEVELS, DOB_LEVELS.index(expected))
    assert dob_level(right, left) == dob_level(left, right)


def test_a_missing_date_says_nothing() -> None:
    assert dob_level(D(), D(1979, 3, 14)) == NULL


def test_one_digit_apart() -> None:
    assert one_digit_apart(1983, 1988) and one_digit_apart(1973, 1983)
    assert not one_digit_apart(1983, 1994) and not one_digit_apart(1899, 1999)


def test_other_fields() -> None:
    assert service_level("AA123456", "AA123457") == 1
    assert service_level("AA123456", None) == NULL
    assert place_level("м. Рівне", "Rivne") == 1 and place_level("Київ", "Rivne") == 0


def test_compare_facts_gives_every_comparison() -> None:
    levels, names = compare_facts(
        Facts("Нехір Олександр", D(1987, 5, 23), sex="male"),
        Facts("Oleksandr Nekhir", D(1987, 5, 23), sex="male"),
    )
    assert set(levels) == {
        "name",
        "patronymic",
        "date_of_birth",
        "sex",
        "service_number",
        "unit",
        "place_of_birth",
    }
    assert levels["name"] == vector_value(NAME_LEVELS, 0) and names.comparison is not None
    assert levels["unit"] == NULL
