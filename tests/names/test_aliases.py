"""A nickname in brackets beside the full name is an alias, not a name part (issue 23)."""

from __future__ import annotations

import pytest

from homecoming.names import compare, parse_name
from homecoming.names.parse import from_parts, split_aliases

PARSED = [
    # text, family, given, patronymic, aliases
    ("Гнатюк Андрій (Андрюша) Петрович", ("Гнатюк",), ("Андрій",), ("Петрович",), ("Андрюша",)),
    (
        "Hnatiuk Andrii (Andriusha) Petrovych",
        ("Hnatiuk",),
        ("Andrii",),
        ("Petrovych",),
        ("Andriusha",),
    ),
    ("Petrenko Oleh (Alik)", ("Petrenko",), ("Oleh",), (), ("Alik",)),
    ("Петренко Олег (Алік)", ("Петренко",), ("Олег",), (), ("Алік",)),
    ('Олександр "Саша" Бойко', ("Бойко",), ("Олександр",), (), ("Саша",)),
    ("Бойко Олександр [Шура]", ("Бойко",), ("Олександр",), (), ("Шура",)),
    # A bracket holding no given name stays part of the name, as before.
    ("Ivanov (Ivanoff) Ivan", ("Ivan",), ("Ivanov", "Ivanoff"), (), ()),
]


@pytest.mark.parametrize(("text", "family", "given", "patronymic", "aliases"), PARSED)
def test_bracketed_nickname_is_an_alias(
    text: str,
    family: tuple[str, ...],
    given: tuple[str, ...],
    patronymic: tuple[str, ...],
    aliases: tuple[str, ...],
) -> None:
    parsed = parse_name(text)
    assert (parsed.family, parsed.given, parsed.patronymic, parsed.aliases) == (
        family,
        given,
        patronymic,
        aliases,
    )
    assert len(parsed.tokens) == len(parsed.roles)


def test_split_aliases_leaves_plain_names_alone() -> None:
    assert split_aliases("Гнатюк Андрій Петрович") == ("Гнатюк Андрій Петрович", ())
    assert split_aliases("(Андрюша)") == ("(Андрюша)", ())  # nothing left beside it


MATCHES = [
    ("Гнатюк Андрій (Андрюша) Петрович", "Гнатюк Андрій Петрович"),
    ("Гнатюк Андрій (Андрюша) Петрович", "Андрюша Гнатюк"),
    ("Hnatiuk Andrii (Andriusha)", "Андрюша Гнатюк"),
    ("Petrenko Oleh (Alik)", "Петренко Олег"),
    ("Petrenko Oleh (Alik)", "Alik Petrenko"),
    ("Петренко Тарас (Тарасик)", "Тарасик Петренко"),
]


@pytest.mark.parametrize(("a", "b"), MATCHES)
def test_alias_stands_in_for_the_given_name(a: str, b: str) -> None:
    assert compare(a, b).match
    assert compare(b, a).match


def test_alias_does_not_make_a_different_person_match() -> None:
    assert not compare("Гнатюк Андрій (Андрюша) Петрович", "Гнатюк Олег Петрович").match
    assert not compare("Petrenko Oleh (Alik)", "Kovalenko Oleh").match


def test_alias_in_a_form_field() -> None:
    parsed = from_parts("Гнатюк", "Андрій (Андрюша)", "Петрович")
    assert parsed.given == ("Андрій",)
    assert parsed.aliases == ("Андрюша",)
    assert compare(parsed, "Андрюша Гнатюк").match
