"""Fast seeded draws: one `random()` per draw, where the stdlib spends several calls."""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One item, uniformly."""
    return items[int(rng.random() * len(items))]


def pick_weighted(rng: random.Random, items: Sequence[T], cum_weights: Sequence[float]) -> T:
    """One item, by cumulative weights (as `itertools.accumulate` gives them)."""
    return items[bisect.bisect_right(cum_weights, rng.random() * cum_weights[-1])]


def below(rng: random.Random, n: int) -> int:
    """An integer in [0, n)."""
    return int(rng.random() * n)
