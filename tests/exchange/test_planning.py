"""Stage planning with CP-SAT: the suggestion never breaks parity or totals; priorities hold."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homecoming.domain.record import Category
from homecoming.exchange.agreement import (
    Agreement,
    CategorySpec,
    Eligibility,
    ParityRule,
    StagePlan,
)
from homecoming.exchange.parity import breaches
from homecoming.exchange.planning import Candidate, plan_stages

AGREEMENT = Agreement(
    name="small",
    parties=("UA", "RU"),
    per_side=9,
    categories=(
        CategorySpec("soldiers", "soldiers", Eligibility(Category.SERVICEMAN), total=6),
        CategorySpec("civilians", "civilians", Eligibility(Category.CIVILIAN), total=3),
        CategorySpec("sick", "sick", Eligibility(seriously_wounded=True), ParityRule.NONE),
        CategorySpec("young", "18-25", Eligibility(min_age=18, max_age=25), ParityRule.ALL_FOR_ALL),
    ),
    stages=(
        StagePlan(1, dt.date(2025, 5, 23), {"soldiers": 2, "civilians": 3}),
        StagePlan(2, dt.date(2025, 5, 24), {"soldiers": 4}),
    ),
)

candidates = st.lists(
    st.tuples(
        st.sampled_from(["UA", "RU"]),
        st.sampled_from(["soldiers", "soldiers", "civilians", "sick", "young"]),
        st.integers(0, 1000),
        st.integers(18, 70),
    ),
    max_size=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidates)
def test_a_suggestion_never_breaks_parity_or_totals(drawn: list[tuple[str, str, int, int]]) -> None:
    pool = [
        Candidate(
            key=i, party=p, category=c, seriously_wounded=c == "sick", captivity_days=d, age=a
        )
        for i, (p, c, d, a) in enumerate(drawn)
    ]
    plan = plan_stages(AGREEMENT, pool, time_limit=5)
    assert breaches(plan.findings) == []
    placed = plan.stage_of()
    assert len(placed) + len(plan.left_out) == len(pool)
    for cand in pool:  # the sick and the all-for-all categories all go
        if cand.category in ("sick", "young"):
            assert cand.key in placed
    for category, total in (("soldiers", 6), ("civilians", 3)):
        for party in ("UA", "RU"):
            sent = sum(plan.counts[n].get((party, category), 0) for n in (1, 2))
            assert sent <= total
    # Each stage balanced within its plan, and every place both sides can fill is filled.
    for number, stage in ((1, AGREEMENT.stages[0]), (2, AGREEMENT.stages[1])):
        for category, planned in stage.counts.items():
            got = plan.counts[number].get(("UA", category), 0)
            assert got == plan.counts[number].get(("RU", category), 0) <= planned
    offered = {
        p: sum(1 for c in pool if c.party == p and c.category == "soldiers") for p in ("UA", "RU")
    }
    filled = sum(plan.counts[n].get(("UA", "soldiers"), 0) for n in (1, 2))
    assert filled == min(6, offered["UA"], offered["RU"])


def test_priorities_wounded_then_captivity_then_age() -> None:
    pool = [
        Candidate(1, "UA", "soldiers", captivity_days=100, age=30),
        Candidate(2, "UA", "soldiers", captivity_days=900, age=30),
        Candidate(3, "UA", "soldiers", seriously_wounded=True, captivity_days=10, age=30),
        Candidate(4, "UA", "soldiers", captivity_days=900, age=50),
        Candidate(5, "UA", "soldiers", captivity_days=5, age=20),
        Candidate(6, "UA", "soldiers", captivity_days=1, age=20),
        Candidate(7, "UA", "soldiers", captivity_days=0, age=19),
    ] + [Candidate(10 + i, "RU", "soldiers") for i in range(6)]
    plan = plan_stages(AGREEMENT, pool)
    assert sorted(plan.members[1]["UA"]) == [3, 4]  # the wounded, then the longest held, oldest
    assert sorted(plan.members[2]["UA"]) == [1, 2, 5, 6]
    assert plan.left_out == [7]


def test_people_placed_by_hand_stay_where_they_are() -> None:
    pool = [Candidate(i, p, "soldiers", captivity_days=i) for i in range(4) for p in ("UA",)]
    pool += [Candidate(10 + i, "RU", "soldiers") for i in range(4)]
    plan = plan_stages(AGREEMENT, pool, fixed={0: 1, 10: 1})
    assert 0 in plan.members[1]["UA"] and 10 in plan.members[1]["RU"]
