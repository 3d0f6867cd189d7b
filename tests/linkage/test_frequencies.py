"""How common each name is in a batch: the lookup Splink's term-frequency adjustment reads."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from homecoming.linkage.frequencies import COLUMN, TF_COLUMN, lookup
from homecoming.match.model import name_frequencies, name_frequency

counts = st.integers(0, 5_000)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=20),
    st.integers(0, 3_000_000),
    st.integers(1, 2),
)
def test_many_pairs_frequencies_are_each_pairs_own_to_the_last_bit(
    rows: list[tuple[int, int, int]], records: int, own: int
) -> None:
    family, given_, pair = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    found = name_frequencies(family, given_, records, pair, own).tolist()
    assert found == [name_frequency(f, g, records, p, own) for f, g, p in rows]


def test_the_lookup_counts_each_name_over_every_table() -> None:
    """Each name pair once, sorted as Python sorts strings; its family and given names counted
    over both tables (a name not among the primaries counted once), and the pair's own records."""
    left = pa.table(
        {
            "family_primary": ["koval", "koval", "Šev", None],
            "given_primary": ["ivan", "petro", "ivan", "ivan"],
            COLUMN: ["koval|ivan", "koval|petro", "Šev|ivan", None],
        }
    )
    right = pa.table(
        {
            "family_primary": ["koval", "a|b"],
            "given_primary": ["ivan", "c"],
            COLUMN: ["koval|ivan", "a|b|c"],
        }
    )
    found = lookup([left, right])
    pairs = found.column(COLUMN).to_pylist()
    assert pairs == sorted({"koval|ivan", "koval|petro", "Šev|ivan", "a|b|c"})
    families = {"koval": 3, "Šev": 1, "a|b": 1}  # "a|b|c": the family name "a" (not counted)
    givens = {"ivan": 4, "petro": 1, "c": 1}
    own = {"koval|ivan": 2, "koval|petro": 1, "Šev|ivan": 1, "a|b|c": 1}
    expected = []
    for pair in pairs:
        family, _, given_name = pair.partition("|")
        expected.append(
            name_frequency(families.get(family, 1), givens.get(given_name, 1), 6, own[pair], 2)
        )
    assert found.column(TF_COLUMN).to_pylist() == expected
