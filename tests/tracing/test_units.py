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
