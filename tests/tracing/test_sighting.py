"""Sightings as witnesses say them: a surname, a unit, a nickname, a call sign."""

from __future__ import annotations

import pytest

from homecoming.tracing.sighting import HeardName, read_as_heard


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Nekhir from the 36th brigade", HeardName(family_name="Nekhir", unit="36th brigade")),
        ("Нехір з 36-ї бригади", HeardName(family_name="Нехір", unit="36-ї бригади")),
        ("Нехир из 36-й бригады", HeardName(family_name="Нехир", unit="36-й бригады")),
        ("Коваленко (36 ОБрМП)", HeardName(family_name="Коваленко", unit="36 ОБрМП")),
        ("Sasha, 36 ОБрМП", HeardName(nickname="Sasha", unit="36 ОБрМП")),
        ("позивний Грім, 72 ОМБр", HeardName(call_sign="Грім", unit="72 ОМБр")),
        ("Олександр Нехір", HeardName(family_name="Нехір", given_names="Олександр")),
        ("Петренко", HeardName(family_name="Петренко")),
        ("«Малий» Іваненко", HeardName(family_name="Іваненко", nickname="Малий")),
    ],
)
def test_read_as_heard(said: str, expected: HeardName) -> None:
    assert read_as_heard(said) == expected
