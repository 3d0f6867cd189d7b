"""Units as people write them, in three languages, reduced to number, kind, branch, code."""

from __future__ import annotations

import pytest

from homecoming.tracing.units import Branch, UnitKind, UnitRef, parse_unit, unit_agreement

CASES = [
    ("36th brigade", 36, UnitKind.BRIGADE, None),
    ("36 ОБрМП", 36, UnitKind.BRIGADE, Branch.MARINES),
    ("36-я бригада", 36, UnitKind.BRIGADE, None),
    ("36-та окрема бригада морської піхоти", 36, UnitKind.BRIGADE, Branch.MARINES),
    ("36th Separate Marine Brigade", 36, UnitKind.BRIGADE, Branch.MARINES),
    ("72 ОМБр", 72, UnitKind.BRIGADE, Branch.MECHANISED),
    ("72nd Separate Mechanized Brigade", 72, UnitKind.BRIGADE, Branch.MECHANISED),
    ("3 ОШБр", 3, UnitKind.BRIGADE, Branch.ASSAULT),
    ("3-й окремий штурмовий батальйон", 3, UnitKind.BATTALION, Branch.ASSAULT),
    ("25 ОДШБр", 25, UnitKind.BRIGADE, Branch.AIR_ASSAULT),
    ("125 ОБрТрО", 125, UnitKind.BRIGADE, Branch.TERRITORIAL),
    ("1234 мсп", 1234, UnitKind.REGIMENT, Branch.MOTOR_RIFLE),
    ("7 дшд", 7, UnitKind.DIVISION, Branch.AIR_ASSAULT),
    ("15 омсбр", 15, UnitKind.BRIGADE, Branch.MOTOR_RIFLE),
]


@pytest.mark.parametrize(("text", "number", "kind", "branch"), CASES)
def test_units_are_read_in_every_language(
    text: str, number: int, kind: UnitKind, branch: Branch | None
) -> None:
    assert parse_unit(text) == UnitRef(number=number, kind=kind, branch=branch)


@pytest.mark.parametrize("text", ["в/ч А0666", "military unit A0666", "в/ч A-0666"])
def test_unit_codes_fold_cyrillic_look_alikes(text: str) -> None:
    assert parse_unit(text).code == "A0666"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("36th brigade", "36 ОБрМП", 1.0),
        ("36-я бригада", "36-та окрема бригада морської піхоти", 1.0),
        ("36th brigade", "72 ОМБр", -1.0),
        ("36 ОБрМП", "36 ОМБр", 0.0),  # same number, marines vs mechanised: unsure
        ("36 brigade", "36 мсп", 0.0),  # brigade vs regiment
        ("", "36 ОБрМП", 0.0),
        ("в/ч А0666", "military unit A0666", 1.0),
    ],
)
def test_unit_agreement(a: str, b: str, expected: float) -> None:
    assert unit_agreement(parse_unit(a), parse_unit(b))[0] == expected


def test_nothing_is_not_a_unit() -> None:
    assert not parse_unit("").known
    assert not parse_unit("Нехір").known


# Units as families write them (issue 23), read to the same parts as the registry's.
LOOSE = [
    ("36-та бригада", UnitRef(number=36, kind=UnitKind.BRIGADE)),
    ("36 ОБрМП", UnitRef(number=36, kind=UnitKind.BRIGADE, branch=Branch.MARINES)),
    ("морпіхи 36", UnitRef(number=36, branch=Branch.MARINES)),
    ("36-я бригада морской пехоты", UnitRef(36, UnitKind.BRIGADE, Branch.MARINES)),
    ("в/ч А0666", UnitRef(code="A0666")),
    ("А0666", UnitRef(code="A0666")),  # Cyrillic А
    ("A0666", UnitRef(code="A0666")),  # Latin A
    ("військова частина А-0666", UnitRef(code="A0666")),
    ("тероборона Київ", UnitRef(branch=Branch.TERRITORIAL, place="Kyiv")),
    ("ТрО м. Київ", UnitRef(branch=Branch.TERRITORIAL, place="Kyiv")),
    ("ТрО Києва", UnitRef(branch=Branch.TERRITORIAL, place="Kyiv")),
    ("Kyiv TDF", UnitRef(branch=Branch.TERRITORIAL, place="Kyiv")),
    ("тероборона Харків", UnitRef(branch=Branch.TERRITORIAL, place="Kharkiv")),
    ("112 бригада ТрО", UnitRef(112, UnitKind.BRIGADE, Branch.TERRITORIAL)),
]


@pytest.mark.parametrize(("text", "expected"), LOOSE)
def test_units_written_loosely(text: str, expected: UnitRef) -> None:
    assert parse_unit(text) == expected
    assert parse_unit(text).known


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("36-та бригада", "36 ОБрМП", 1.0),
        ("морпіхи 36", "36th Separate Marine Brigade", 1.0),
        ("36-я бригада морской пехоты", "36 ОБрМП", 1.0),
        ("морпіхи 36", "35 ОБрМП", -1.0),
        ("36-та бригада", "72 ОМБр", -1.0),
        ("А0666", "в/ч A0666", 1.0),
        ("військова частина А-0666", "A0666", 1.0),
        ("А0666", "в/ч А0777", -1.0),
        ("тероборона Київ", "ТрО м. Києва", 1.0),
        ("тероборона Київ", "Kyiv TDF", 1.0),
        ("тероборона Київ", "тероборона Харків", -1.0),
        ("тероборона Київ", "112 бригада ТрО", 0.0),  # number on one side only: unknown
        ("112 бригада ТрО", "112 ОБрТрО", 1.0),
        ("112 бригада ТрО", "114 ОБрТрО", -1.0),
        ("тероборона Київ", "36 ОБрМП", 0.0),
    ],
)
def test_loose_units_agree_and_disagree(a: str, b: str, expected: float) -> None:
    score, reason = unit_agreement(parse_unit(a), parse_unit(b))
    assert score == expected
    assert bool(reason) == (expected != 0.0)


@pytest.mark.parametrize("text", ["Гнатюк Андрій", "Petrenko Oleh", "Київ", "1990"])
def test_names_and_places_alone_are_not_units(text: str) -> None:
    assert parse_unit(text).code == ""
    assert parse_unit(text).place == ""
