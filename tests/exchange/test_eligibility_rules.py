"""More eligibility rules for categories: sex, captured before a day, rank, unit, under
prosecution or convicted; read from an agreement file and kept through its stored form."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Sex
from homecoming.errors import InvalidInput
from homecoming.exchange.agreement import (
    Eligibility,
    agreement_from_mapping,
    agreement_to_mapping,
)
from homecoming.exchange.eligibility import PersonFacts, categorise, fits, reasons_against

DAY = dt.date(2025, 10, 2)

AGREEMENT = """
name = "women, the long-held, the convicted"
parties = ["UA", "RU"]
per_side = 30

[categories.women]
label = "women"
total = 10
sex = "female"

[categories.long_held]
label = "captured before 2023"
total = 10
category = "serviceman"
captured_before = 2023-01-01
ranks = ["рядовий", "сержант"]
units = ["36 ОБрМП"]

[categories.convicted]
label = "convicted or under prosecution"
total = 10
prosecution = ["under_prosecution", "convicted"]

[[stages]]
number = 1
day = 2025-10-02
counts = { women = 10, long_held = 10, convicted = 10 }
"""


def _agreement():  # type: ignore[no-untyped-def]
    return agreement_from_mapping(tomllib.loads(AGREEMENT))


def test_rules_read_from_the_file_and_kept_when_stored() -> None:
    agreement = _agreement()
    long_held = agreement.category("long_held").eligibility
    assert long_held.captured_before == dt.date(2023, 1, 1)
    assert long_held.ranks == ("рядовий", "сержант") and long_held.units == ("36 ОБрМП",)
    assert agreement.category("women").eligibility.sex is Sex.FEMALE
    assert agreement_from_mapping(agreement_to_mapping(agreement)) == agreement
    assert "captured before 2023-01-01" in long_held.describe()
    assert agreement.category("convicted").eligibility.describe() == (
        "under prosecution or convicted"
    )


def test_a_bad_rule_is_refused_saying_which() -> None:
    text = AGREEMENT.replace('["under_prosecution", "convicted"]', '["jailed"]')
    with pytest.raises(InvalidInput) as caught:
        agreement_from_mapping(tomllib.loads(text))
    assert any("prosecution 'jailed'" in p.reason for p in caught.value.problems)
    with pytest.raises(InvalidInput, match="cannot be read"):
        agreement_from_mapping(tomllib.loads(AGREEMENT.replace('"female"', '"both"')))


@pytest.mark.parametrize(
    ("eligibility", "facts", "why"),
    [
        (Eligibility(sex=Sex.FEMALE), PersonFacts(sex=Sex.MALE), "male, in a category of female"),
        (
            Eligibility(captured_before=dt.date(2023, 1, 1)),
            PersonFacts(captured_on=PartialDate(2023, 5)),
            "captured 2023-05, not before 2023-01-01",
        ),
        (
            Eligibility(ranks=("рядовий",)),
            PersonFacts(rank="Майор"),
            "rank 'Майор', not рядовий",
        ),
        (
            Eligibility(units=("36 ОБрМП",)),
            PersonFacts(unit="в/ч А1234"),
            "unit 'в/ч А1234', not 36 ОБрМП",
        ),
        (
            Eligibility(prosecution=("convicted",)),
            PersonFacts(prosecution="under_prosecution"),
            "prosecution: under prosecution, not convicted",
        ),
    ],
)
def test_each_rule_says_why_not(eligibility: Eligibility, facts: PersonFacts, why: str) -> None:
    assert reasons_against(eligibility, facts, on=DAY) == [why]


def test_what_fits_and_what_is_not_held_against() -> None:
    long_held = Eligibility(
        Category.SERVICEMAN,
        captured_before=dt.date(2023, 1, 1),
        ranks=("рядовий",),
        units=("36 ОБрМП",),
    )
    fits_all = PersonFacts(
        Category.SERVICEMAN,
        captured_on=PartialDate(2022, 4),
        rank="Рядовий",
        unit="36 окрема бригада морської піхоти",
    )
    assert fits(long_held, fits_all, on=DAY)
    assert fits(long_held, PersonFacts(), on=DAY)  # nothing known is held against
    # captured in 2022, month unknown: surely before 2023
    assert fits(long_held, PersonFacts(captured_on=PartialDate(2022)), on=DAY)
    # captured some time in 2023: never before 2023
    assert not fits(long_held, PersonFacts(captured_on=PartialDate(2023)), on=DAY)


def test_categorise_needs_the_facts_a_rule_asks_for() -> None:
    agreement = _agreement()
    woman = PersonFacts(Category.CIVILIAN, sex=Sex.FEMALE)
    assert categorise(agreement, woman).code == "women"  # type: ignore[union-attr]
    convicted = PersonFacts(Category.SERVICEMAN, prosecution="convicted")
    assert categorise(agreement, convicted).code == "convicted"  # type: ignore[union-attr]
    # Nothing known of a prosecution: never put among the prosecuted.
    assert categorise(agreement, PersonFacts(Category.SERVICEMAN)) is None
    held = PersonFacts(
        Category.SERVICEMAN, captured_on=PartialDate(2022, 3, 1), rank="сержант", unit="36"
    )
    assert categorise(agreement, held).code == "long_held"  # type: ignore[union-attr]
