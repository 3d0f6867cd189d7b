"""Everyday and affectionate given names meet their full names, in any script (issue 23).

Each row: what a family writes, the name as the registry holds it. Cyrillic and Latin side
by side; the match must be by the variant rule (not an accident of edit distance).
"""

from __future__ import annotations

import pytest

from homecoming.names import compare
from homecoming.names.build_name_tables import read_diminutive_source
from homecoming.names.comparison import VARIANT
from homecoming.names.lookup import full_names_of, is_given_name
from homecoming.names.variant_groups import (
    _translator_table,
    diminutives_of,
    variants,
)

EVERYDAY = [
    # Ukrainian
    ("Тьома Гнатюк", "Гнатюк Артем"),
    ("Тёма Гнатюк", "Гнатюк Артём"),
    ("Tyoma Hnatiuk", "Гнатюк Артем"),
    ("Tioma Hnatiuk", "Hnatiuk Artem"),
    ("Бодя Коваль", "Коваль Богдан"),
    ("Bodia Koval", "Коваль Богдан"),
    ("Олесь Мельник", "Мельник Олександр"),
    ("Сашко Мельник", "Мельник Олександр"),
    ("Саша Мельник", "Мельник Александр"),
    ("Sasha Melnyk", "Мельник Олександр"),
    ("Шура Мельник", "Мельник Олександр"),
    ("Антоша Бойко", "Бойко Антон"),
    ("Сергійко Бойко", "Бойко Сергій"),
    ("Сєрьожа Бойко", "Бойко Сергій"),
    ("Оленка Бойко", "Бойко Олена"),
    ("Юрко Бойко", "Бойко Юрій"),
    ("Iurko Boiko", "Бойко Юрій"),
    ("Тарасик Бойко", "Бойко Тарас"),
    ("Альоша Бойко", "Бойко Олексій"),
    ("Андрюша Гнатюк", "Гнатюк Андрій"),
    # Russian, from Russian-speaking families
    ("Серёжа Бойко", "Бойко Сергій"),
    ("Сережа Бойко", "Бойко Сергей"),
    ("Seryozha Boiko", "Boiko Serhii"),
    ("Лёша Бойко", "Бойко Олексій"),
    ("Lyosha Boiko", "Бойко Алексей"),
    ("Дима Бойко", "Бойко Дмитро"),
    ("Dima Boiko", "Бойко Дмитрий"),
    ("Женя Бойко", "Бойко Євген"),
    ("Женя Бойко", "Бойко Евгений"),
    ("Женя Бойко", "Бойко Євгенія"),
    ("Zhenya Boiko", "Бойко Євген"),
    ("Ваня Бойко", "Бойко Іван"),
    ("Vania Boiko", "Бойко Іван"),
    ("Мотя Фролов", "Фролов Матвій"),
    ("Motya Frolov", "Фролов Матвей"),
    ("Федько Орлов", "Орлов Фьодор"),  # Фёдор as a Ukrainian official writes it
    # forms of Семен, Олег, Богдан and the -слав names the table lacked (2026-12-07)
    ("Сьома Гнатюк", "Гнатюк Семен"),
    ("Сёма Гнатюк", "Гнатюк Семен"),
    ("Syoma Hnatiuk", "Гнатюк Семен"),
    ("SEMA HNATIUK", "Гнатюк Семен"),
    ("Олежко Бойко", "Бойко Олег"),
    ("Olezhko Boiko", "Бойко Олег"),
    ("Богдась Коваль", "Коваль Богдан"),
    ("Bohdas Koval", "Коваль Богдан"),
    ("Слава Гнатюк", "Гнатюк Мирослав"),
    ("SLAVA HNATIUK", "Гнатюк Мирослав"),
    ("Мирось Бойко", "Бойко Мирослав"),
    ("Слава Коваль", "Коваль Борислав"),
]


@pytest.mark.parametrize(("written", "registered"), EVERYDAY)
def test_everyday_forms_meet_their_full_names(written: str, registered: str) -> None:
    result = compare(written, registered)
    assert result.match, result.explanation
    given = [p for p in result.explanation if p.left_role == "given"]
    assert given and given[0].rule == VARIANT, given


# One everyday form may stand for several names; the full names stay apart.
APART = [
    ("Ярослав Бойко", "Бойко Владислав"),  # both are Слава
    ("Олександр Бойко", "Бойко Олексій"),  # both begin Олекс-
    ("Валентин Бойко", "Бойко Валерій"),
    ("Тьома Гнатюк", "Гнатюк Антон"),
    ("Sasha Melnyk", "Мельник Олексій"),
    ("Дима Бойко", "Бойко Денис"),
]


@pytest.mark.parametrize(("a", "b"), APART)
def test_full_names_sharing_an_everyday_form_stay_apart(a: str, b: str) -> None:
    assert not compare(a, b).match


@pytest.mark.parametrize(
    ("word", "full"),
    [
        ("Тьома", ("Артем",)),
        ("Tioma", ("Артем",)),
        ("Бодя", ("Богдан",)),
        ("Саша", ("Олександр", "Олександра")),
        ("Sasha", ("Олександр", "Олександра")),
        ("Серёжа", ("Сергій",)),
        ("Лёша", ("Олексій",)),
        ("Женя", ("Євген", "Євгенія")),
        ("Олександр", ()),
        ("Гнатюк", ()),
    ],
)
def test_full_names_of_an_everyday_form(word: str, full: tuple[str, ...]) -> None:
    assert full_names_of(word) == full


def test_everyday_forms_of_a_full_name_in_either_language() -> None:
    assert {"Тьома", "Тёма"} <= set(diminutives_of("Артём"))
    assert {"Женя", "Жека"} <= set(diminutives_of("Евгений"))
    assert {"Сашко", "Шура"} <= set(variants("Олександр"))


@pytest.mark.parametrize(
    ("word", "given"),
    [
        ("Саша", True),
        ("Sasha", True),
        ("Тьома", True),
        ("Андрюша", True),
        ("Олександр", True),
        ("Гнатюк", False),
        ("Мельник", False),
        ("Петрович", False),
        ("О", False),
    ],
)
def test_a_given_name_in_the_family_name_box_is_recognised(word: str, given: bool) -> None:
    assert is_given_name(word) is given


def test_every_full_name_of_the_hand_table_is_a_known_given_name() -> None:
    known = _translator_table("first")
    table = read_diminutive_source()
    assert len(table) > 50
    assert [full for full in table if full not in known] == []


def test_shipped_table_is_built_from_the_hand_table() -> None:
    # `python -m homecoming.names.build_name_tables` rebuilds it after an edit of the source.
    from homecoming.names import build_name_tables as build
    from homecoming.names import variant_groups as groups

    assert groups._diminutive_table() == build.read_diminutive_source()
    assert groups._diminutive_ids_by_form() == build.live_diminutive_ids_by_form()
