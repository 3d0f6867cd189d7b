"""How often two records of a batch share a place of birth or a unit sets those levels' u."""

from __future__ import annotations

import math

import pytest

from homecoming.match.levels import unit_kind
from homecoming.match.model import (
    SHARED_PSEUDO_PAIRS,
    default_model,
    shared_pairs,
    shared_rate,
)


def test_pairs_of_one_table_and_of_two() -> None:
    # One table: ordered pairs of two records, agreeing when they share the value.
    assert shared_pairs({"a": 3, "b": 1}, None, lambda key: 0) == (6, 12)
    # Two tables: a record of each.
    assert shared_pairs({"a": 3, "b": 1}, {"a": 2, "c": 5}, lambda key: 0) == (6, 28)


def test_unit_codes_and_formation_numbers_are_not_comparable() -> None:
    left = {"code:1234": 2, "71": 3}
    right = {"code:1234": 1, "code:4321": 1, "36": 4}
    # Agreeing: 2 x 1 codes; comparable: 2 codes x 2 codes + 3 numbers x 4 numbers.
    assert shared_pairs(left, right, unit_kind) == (2, 16)
    # One table: codes with codes (2 x 1), numbers with numbers (3 x 2).
    assert shared_pairs(left, None, unit_kind) == (2 + 6, 2 + 6)


def test_a_small_batch_barely_moves_the_shipped_rate_and_a_registry_sets_its_own() -> None:
    shipped = 0.005
    # Forty records of one town: 1,560 agreeing pairs of 1,560.
    small = shared_rate(1560, 1560, shipped)
    assert shipped < small < 0.05
    # A registry of 20,000 of which one pair in 25 shares a town.
    pairs = 20_000 * 19_999
    assert shared_rate(pairs // 25, pairs, shipped) == pytest.approx(0.04, rel=1e-3)
    assert shared_rate(0, 0, shipped) == shipped
    assert SHARED_PSEUDO_PAIRS > 1560


def test_the_rate_raises_u_never_lowers_it_and_never_past_m() -> None:
    shipped = default_model()
    place = shipped.comparison("place_of_birth")
    pairs = 20_000 * 19_999
    raised = shipped.with_shared_rates({"place_of_birth": (pairs // 25, pairs)})
    found = raised.comparison("place_of_birth")
    assert found.u[0] == pytest.approx(0.04, rel=1e-3)
    assert sum(found.u) == pytest.approx(sum(place.u))
    assert found.weight(1) < place.weight(1)  # a shared place says less
    assert found.weight(0) == pytest.approx(place.weight(0), abs=0.1)
    # The other comparisons are the shipped ones.
    assert raised.comparison("unit") == shipped.comparison("unit")
    assert raised.comparison("name") == shipped.comparison("name")
    # A batch of a thousand towns says no more than the shipped model.
    diverse = shipped.with_shared_rates({"place_of_birth": (pairs // 1000, pairs)})
    assert diverse.comparison("place_of_birth") == place
    # Every record from one town: a shared town is no evidence, but never evidence against.
    one_town = shipped.with_shared_rates({"place_of_birth": (pairs, pairs)})
    assert math.isclose(one_town.comparison("place_of_birth").weight(1), 0.0, abs_tol=1e-9)


def test_a_given_name_is_read_among_the_family_names_bearers_too() -> None:
    from homecoming.match.model import GIVEN_NAME_FLOOR, name_frequency

    records = 20_000
    alone = name_frequency(3, 40, records)
    # A family name borne by one record only (the one compared): nothing more to read.
    assert name_frequency(1, 40, records, pair_count=1) == name_frequency(1, 40, records)
    # Linking, a family name borne by the two records compared: nothing more either.
    assert name_frequency(2, 40, records, 2, own=2) == name_frequency(2, 40, records)
    # Three men named Куулар, each a Саян: the name is as common as its family name.
    together = name_frequency(3, 40, records, pair_count=3)
    assert together > 10 * alone
    assert together == pytest.approx(3 / records * (2 + 100 * 40 / records) / (2 + 100))
    # Three bearers, three given names: barely moved.
    apart = name_frequency(3, 40, records, pair_count=1)
    assert apart == pytest.approx(alone, rel=0.05)
    # Never rarer than the product.
    assert name_frequency(50, 3, records, 1) >= 50 / records * GIVEN_NAME_FLOOR
