"""Parity findings: per stage, per category, and the running total against the agreement."""

from __future__ import annotations

import datetime as dt

import pytest

from homecoming.domain.record import Category
from homecoming.errors import InvalidInput
from homecoming.exchange.agreement import (
    Agreement,
    CategorySpec,
    Eligibility,
    ParityRule,
    StagePlan,
    agreement_from_mapping,
    agreement_to_mapping,
    check_agreement,
)
from homecoming.exchange.parity import ParityKind, Severity, breaches, check_running, check_stage

MAY = Agreement(
    name="1000 for 1000",
    parties=("UA", "RU"),
    per_side=1000,
    categories=(
        CategorySpec("soldiers", "soldiers", Eligibility(Category.SERVICEMAN), total=880),
        CategorySpec("civilians", "civilians", Eligibility(Category.CIVILIAN), total=120),
        CategorySpec(
            "sick", "seriously wounded", Eligibility(seriously_wounded=True), ParityRule.NONE
        ),
    ),
    stages=(
        StagePlan(1, dt.date(2025, 5, 23), {"soldiers": 270, "civilians": 120}),
        StagePlan(2, dt.date(2025, 5, 24), {"soldiers": 307}),
        StagePlan(3, dt.date(2025, 5, 25), {"soldiers": 303}),
    ),
)


def test_the_may_agreement_holds_together() -> None:
    assert check_agreement(MAY) == []
    assert agreement_from_mapping(agreement_to_mapping(MAY)) == MAY


def test_a_balanced_stage_has_no_breach() -> None:
    counts = {
        ("UA", "soldiers"): 270,
        ("RU", "soldiers"): 270,
        ("UA", "civilians"): 120,
        ("RU", "civilians"): 120,
        ("UA", "sick"): 7,
        ("RU", "sick"): 2,
    }
    assert check_stage(MAY, 1, counts) == []


def test_unequal_sides_break_parity_but_the_sick_never_do() -> None:
    counts = {("UA", "soldiers"): 270, ("RU", "soldiers"): 269, ("UA", "sick"): 9}
    found = check_stage(MAY, 1, counts)
    kinds = {(f.kind, f.category, f.severity) for f in found}
    assert (ParityKind.UNEQUAL, "soldiers", Severity.BREACH) in kinds
    assert (ParityKind.UNDER_STAGE, "soldiers", Severity.WARNING) in kinds
    assert not [f for f in found if f.category == "sick"]
    assert [f.message for f in breaches(found)] == [
        "stage 1, soldiers: UA hands over 270, RU 269 (n for n)"
    ]


def test_more_than_the_stage_plans_is_a_breach() -> None:
    counts = {("UA", "soldiers"): 308, ("RU", "soldiers"): 308}
    assert {f.kind for f in breaches(check_stage(MAY, 2, counts))} == {ParityKind.OVER_STAGE}


def test_running_total_past_a_category_total() -> None:
    stages = [
        {("UA", "civilians"): 120, ("RU", "civilians"): 120},
        {("UA", "civilians"): 1, ("RU", "civilians"): 1},
    ]
    found = check_running(MAY, stages)
    assert [(f.kind, f.category) for f in found] == [
        (ParityKind.OVER_TOTAL, "civilians"),
        (ParityKind.OVER_TOTAL, "civilians"),
    ]


def test_an_inconsistent_agreement_is_refused_with_every_problem() -> None:
    data = agreement_to_mapping(MAY)
    data["stages"][2]["counts"] = {"soldiers": 300}
    data["parties"] = ["UA", "UA"]
    with pytest.raises(InvalidInput) as caught:
        agreement_from_mapping(data)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"parties", "soldiers"}
