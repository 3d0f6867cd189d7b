"""Eligibility: category, age range on the reference day, the seriously wounded and sick."""

from __future__ import annotations

import datetime as dt

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category
from homecoming.exchange.agreement import Agreement, CategorySpec, Eligibility, ParityRule
from homecoming.exchange.eligibility import PersonFacts, categorise, fits, reasons_against

YOUNG = Eligibility(Category.SERVICEMAN, min_age=18, max_age=25)
DAY = dt.date(2025, 10, 2)


@pytest.mark.parametrize(
    ("facts", "ok"),
    [
        (PersonFacts(Category.SERVICEMAN, PartialDate(2000, 10, 2)), True),  # 25 today
        (PersonFacts(Category.SERVICEMAN, PartialDate(2000, 10, 1)), True),
        (PersonFacts(Category.SERVICEMAN, PartialDate(1999, 10, 1)), False),  # 26
        (PersonFacts(Category.SERVICEMAN, PartialDate(2007, 10, 3)), False),  # 17
        (PersonFacts(Category.CIVILIAN, PartialDate(2001, 1, 1)), False),
        (PersonFacts(Category.SERVICEMAN, PartialDate(1999)), True),  # 25 or 26: maybe
        (PersonFacts(Category.SERVICEMAN, PartialDate(1998)), False),  # 26 or 27
        (PersonFacts(None, PartialDate()), True),  # nothing known is held against
    ],
)
def test_young_soldiers(facts: PersonFacts, ok: bool) -> None:
    assert fits(YOUNG, facts, on=DAY) is ok


def test_reasons_say_why() -> None:
    reasons = reasons_against(
        YOUNG, PersonFacts(Category.CIVILIAN, PartialDate(1990, 1, 1)), on=DAY
    )
    assert reasons == [
        "a civilian in a serviceman category",
        "aged 35 on 2025-10-02, outside 18-25",
    ]


def test_categorise_prefers_the_most_specific_category() -> None:
    agreement = Agreement(
        name="all for all",
        parties=("UA", "RU"),
        per_side=100,
        categories=(
            CategorySpec("soldiers", "soldiers", Eligibility(Category.SERVICEMAN), total=100),
            CategorySpec("young", "aged 18-25", YOUNG, ParityRule.ALL_FOR_ALL),
            CategorySpec("sick", "sick", Eligibility(seriously_wounded=True), ParityRule.NONE),
        ),
        stages=(),
        reference_date=DAY,
    )
    young = PersonFacts(Category.SERVICEMAN, PartialDate(2003, 5, 5))
    sick = PersonFacts(Category.SERVICEMAN, PartialDate(2003, 5, 5), seriously_wounded=True)
    old = PersonFacts(Category.SERVICEMAN, PartialDate(1970, 5, 5))
    assert [categorise(agreement, f).code for f in (young, sick, old)] == [  # type: ignore[union-attr]
        "young",
        "sick",
        "soldiers",
    ]
