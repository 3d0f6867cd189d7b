"""The field merge rules: each desk's last word, the centre's outcome stands, and what stands
does not depend on the order the claims arrive in."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from homecoming.exchange.fieldmerge import Claim, decide, latest_per_desk

T0 = dt.datetime(2025, 5, 23, 9, tzinfo=dt.UTC)
claims = st.lists(
    st.builds(
        Claim,
        desk=st.sampled_from(["a", "b", "c"]),
        seq=st.integers(1, 50),
        outcome=st.sampled_from(["delivered", "not_delivered", "deceased"]),
        at=st.integers(0, 20).map(lambda m: T0 + dt.timedelta(minutes=m)),
    ),
    max_size=8,
    unique_by=lambda c: (c.desk, c.seq),
)


@given(claims, st.randoms())
def test_what_stands_does_not_depend_on_the_order(said: list[Claim], rnd: random.Random) -> None:
    shuffled = list(said)
    rnd.shuffle(shuffled)
    one = decide(None, latest_per_desk(said), None)
    other = decide(None, latest_per_desk(shuffled), None)
    assert one == other


def test_each_desk_s_last_word_counts() -> None:
    early = Claim("a", 1, "delivered", at=T0)
    late = Claim("a", 2, "not_delivered", at=T0 + dt.timedelta(minutes=5))
    assert latest_per_desk([late, early]) == [late]


def test_the_centre_s_outcome_stands_and_a_different_claim_is_a_conflict() -> None:
    claim = Claim("a", 1, "not_delivered", at=T0)
    decision = decide(("delivered", ""), [claim], ("delivered", ""))
    assert decision.write is None and decision.disagreeing == (claim,)
    agreeing = decide(("not_delivered", ""), [claim], ("not_delivered", ""))
    assert agreeing.write is None and not agreeing.conflict


def test_desks_that_disagree_keep_the_first_recorded_until_decided() -> None:
    first = Claim("b", 7, "delivered", at=T0)
    second = Claim("a", 3, "not_delivered", at=T0 + dt.timedelta(minutes=1))
    decision = decide(None, [second, first], None)
    assert decision.write == first and decision.disagreeing == (second,)
    assert decide(None, [first], ("delivered", "")).write is None  # already shown: no new row
    same_name = Claim("a", 1, "substituted", substitute="Коваль  Іван", at=T0)
    other_case = Claim("b", 1, "substituted", substitute="коваль іван", at=T0)
    assert not decide(None, [same_name, other_case], None).conflict
