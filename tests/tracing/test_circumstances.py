"""An age and a place in a family's circumstances become evidence (issue 23)."""

from __future__ import annotations

from datetime import date

import pytest

from homecoming.tracing.circumstances import (
    YEARS_MISSING_BEFORE_INQUIRY,
    birth_years,
    place_stem,
    read_circumstances,
)

INQUIRY = date(2024, 5, 1)

CASES = [
    # text, years of birth allowed (inquiry of 1 May 2024)
    ("45 років, зник під Вугледаром у 2023", (1977, 1978)),
    ("йому 23 роки", (2024 - 23 - 1 - YEARS_MISSING_BEFORE_INQUIRY, 2001)),
    ("23 года", (1997, 2001)),
    ("25 лет, пропал в 2022 году", (1996, 1997)),
    ("aged 31", (1989, 1993)),
    ("31 years old, missing near Bakhmut in 2023", (1991, 1992)),
    ("Сину 21 рік, зник в районі Покровська", (1999, 2003)),
    ("пропав безвісти біля Бахмута 12.03.2023, 28 років", (1994, 1995)),
    ("зник у 2022 році під Маріуполем, на той час йому було 30 років", (1991, 1992)),
    ("1990 р.н.", (1990, 1990)),
    ("1990 р. н., зник під Авдіївкою", (1990, 1990)),
    ("1990 г.р.", (1990, 1990)),
    ("1990 року народження", (1990, 1990)),
    ("born 1990", (1990, 1990)),
    ("вік 45", (1975, 1979)),
]


@pytest.mark.parametrize(("text", "years"), CASES)
def test_age_becomes_years_of_birth(text: str, years: tuple[int, int]) -> None:
    assert birth_years(text, INQUIRY) == years


@pytest.mark.parametrize(
    "text",
    [
        "",
        "в/ч А0666, 36 ОБрМП",  # numbers that are not ages
        "зник 12.03.2023",
        "йому 3 роки",  # not a soldier's age
        "Гнатюк Андрій Петрович",
    ],
)
def test_no_age_no_years(text: str) -> None:
    assert birth_years(text, INQUIRY) is None


def test_without_a_year_or_an_inquiry_date_the_age_alone_is_kept() -> None:
    found = read_circumstances("йому 23 роки")
    assert found.birth_years is None
    assert found.age == 23


@pytest.mark.parametrize(
    ("text", "place", "stem"),
    [
        ("45 років, зник під Вугледаром у 2023", "Вугледаром", "Вугледар"),
        ("пропав біля Бахмута", "Бахмута", "Бахмут"),
        ("зник в районі Покровська", "Покровська", "Покровськ"),
        ("пропал под Бахмутом", "Бахмутом", "Бахмут"),
        ("missing near Bakhmut in 2023", "Bakhmut", "Bakhmut"),
        ("зник у Маріуполі", "Маріуполі", "Маріупол"),
        ("йому 23 роки", "", ""),
    ],
)
def test_place_named(text: str, place: str, stem: str) -> None:
    found = read_circumstances(text, INQUIRY)
    assert (found.place, found.place_stem) == (place, stem)


def test_place_stems_meet_across_cases() -> None:
    assert place_stem("Маріуполь") == place_stem("Маріуполем") == place_stem("Маріуполі")
    assert place_stem("Бахмут") == place_stem("Бахмутом") == place_stem("Бахмута")


def test_reason_says_where_the_year_came_from() -> None:
    said = read_circumstances("45 років, зник під Вугледаром у 2023", INQUIRY)
    assert said.reason() == "age 45 in 2023: born 1977-1978"
    assumed = read_circumstances("йому 23 роки", INQUIRY)
    assert assumed.reason() == "age 23 (inquiry of 2024): born 1997-2001"
    assert read_circumstances("1990 р.н.").reason() == "born 1990"
