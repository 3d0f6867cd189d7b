"""Optional parity inside all-for-all stages: when the parties agree, each stage's two sides
hand over roughly as many; without it the planner puts everyone in the earliest stage."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homecoming.errors import InvalidInput
from homecoming.exchange.agreement import (
    Agreement,
    CategorySpec,
    Eligibility,
    ParityRule,
    StagePlan,
    agreement_from_mapping,
    agreement_to_mapping,
)
from homecoming.exchange.planning import Candidate, plan_stages


def _agreement(stage_parity: int | None, stages: int = 2) -> Agreement:
    return Agreement(
        name="all for all",
        parties=("UA", "RU"),
        per_side=1,
        categories=(
            CategorySpec(
                "all",
                "all for all",
                Eligibility(),
                ParityRule.ALL_FOR_ALL,
                stage_parity=stage_parity,
            ),
        ),
        stages=tuple(StagePlan(n, dt.date(2025, 10, n), {}) for n in range(1, stages + 1)),
    )


def _pool(ua: int, ru: int) -> list[Candidate]:
    return [Candidate(i, "UA", "all", captivity_days=i) for i in range(ua)] + [
        Candidate(100 + i, "RU", "all", captivity_days=i) for i in range(ru)
    ]


def _sides(plan: object, number: int) -> tuple[int, int]:
    members = plan.members[number]  # type: ignore[attr-defined]
    return len(members.get("UA", [])), len(members.get("RU", []))


def test_without_it_everyone_goes_in_the_first_stage() -> None:
    plan = plan_stages(_agreement(None), _pool(10, 7), time_limit=10)
    assert _sides(plan, 1) == (10, 7) and _sides(plan, 2) == (0, 0)


def test_with_it_each_stage_is_roughly_equal() -> None:
    plan = plan_stages(_agreement(0), _pool(10, 7), time_limit=10)
    stages = [_sides(plan, n) for n in (1, 2)]
    assert sum(a for a, _ in stages) == 10 and sum(b for _, b in stages) == 7  # all for all
    assert all(abs(a - b) <= 2 for a, b in stages), stages  # ceil(3 / 2)
    assert not plan.left_out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 15), st.integers(0, 15), st.integers(1, 3), st.integers(0, 2))
def test_every_stage_within_the_slack(ua: int, ru: int, stages: int, slack: int) -> None:
    plan = plan_stages(_agreement(slack, stages), _pool(ua, ru), time_limit=10)
    allowed = -(-abs(ua - ru) // stages) + slack
    assert not plan.left_out
    for number in range(1, stages + 1):
        a, b = _sides(plan, number)
        assert abs(a - b) <= allowed


def test_set_in_the_agreement_file_for_all_for_all_only() -> None:
    text = """
name = "young for young"
parties = ["UA", "RU"]
per_side = 1
[categories.young]
label = "aged 18-25"
parity = "all_for_all"
min_age = 18
max_age = 25
stage_parity = true
[[stages]]
number = 1
day = 2025-10-02
"""
    agreement = agreement_from_mapping(tomllib.loads(text))
    assert agreement.category("young").stage_parity == 0
    assert agreement_from_mapping(agreement_to_mapping(agreement)) == agreement
    wrong = text.replace('parity = "all_for_all"', 'parity = "n_for_n"\ntotal = 0')
    with pytest.raises(InvalidInput) as caught:
        agreement_from_mapping(tomllib.loads(wrong))
    assert any("all_for_all categories only" in p.reason for p in caught.value.problems)
