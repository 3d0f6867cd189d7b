"""The one match model: Fellegi–Sunter weights over graded comparison levels, with a prior.

Search ranking, list validation, tracing leads and batch linkage all decide with it. The
trained default ships with the package (`match/data/default_model.json`, written by
`python -m homecoming.match.train`); batch linkage hands the same m and u to Splink, where
EM and human judgements may refine them.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

# A name's term frequency is never taken below this: however rare a name in this batch, two
# people may bear it (bounds a name's weight at log2(m / TF_MINIMUM), about 18.5 bits: a name
# alone against a patronymic that differs, with no date, is not one person). At 1e-5 (16 bits)
# a family name found once in a registry of 20,000, with the given name and nothing else on the
# list, stayed at 0.77, under the resolving score: the independent generator's dev split lost
# 8 of 3,200 listed people that way (2026-12-04), while no one absent from the registry was
# resolved more at 2e-6.
TF_MINIMUM = 2e-6
# Names are counted as if among at least this many records: in a file of forty names, a
# surname seen twice is not one person in twenty of the population.
TF_REFERENCE_RECORDS = 10_000


# A few hundred given names are in use: none is rarer than this among the people at large,
# however rarely it occurs in a small file.
GIVEN_NAME_FLOOR = 0.002


# How often two different people share a place of birth or a unit depends on who is in the
# batch: the shipped u (from the project's generator, hundreds of places) says 1 in 185 for a
# place, while a registry of men from a few regions shares a place one time in 25 and a unit
# one time in 8 to 12. Counted as if independent of the names, a shared place and unit then
# outweighed a date and a service number that differ: full namesakes from one town and one
# unit, born years apart, were merged into one person. Batch linkage raises the u of these
# levels of agreement to the rate at which two records of its batch agree on the field
# (`with_shared_rates`), never lowering it below the shipped u.
SHARED_FIELDS = ("place_of_birth", "unit")
# The batch's rate is shrunk towards the shipped u as if the shipped u had been seen over this
# many pairs: a file of forty rows from one town barely moves it, a registry sets its own.
SHARED_PSEUDO_PAIRS = 40_000


def shared_rate(agreeing: int, comparable: int, shipped: float) -> float:
    """The rate at which two different records share a field: the batch's `agreeing` pairs of
    its `comparable` pairs (both sides known), shrunk towards `shipped` (SHARED_PSEUDO_PAIRS)."""
    return (agreeing + shipped * SHARED_PSEUDO_PAIRS) / (comparable + SHARED_PSEUDO_PAIRS)


def shared_pairs(
    left: dict[Any, int], right: dict[Any, int] | None, kind: Callable[[Any], object]
) -> tuple[int, int]:
    """Pairs that agree on a field and pairs that could be compared (both known, of one
    `kind`), from each side's count of records per value: two sides (a link), or one side's
    pairs of records (`right` None, a deduplication)."""
    sizes: list[Counter[object]] = [Counter(), Counter()]
    for side, counted in zip(sizes, (left, left if right is None else right), strict=True):
        for key, n in counted.items():
            side[kind(key)] += n
    if right is None:
        agreeing = sum(n * (n - 1) for n in left.values())
        comparable = sum(n * (n - 1) for n in sizes[0].values())
    else:
        agreeing = sum(n * right.get(key, 0) for key, n in left.items())
        comparable = sum(n * sizes[1][group] for group, n in sizes[0].items())
    return agreeing, comparable


def term_frequency(count: int, records: int) -> float:
    """How common a family name is: its records over the records (or the reference count)."""
    return max(count, 1) / max(records, TF_REFERENCE_RECORDS)


# A given name is not drawn apart from the family name: among Russia's peoples (Магомедов
# Магомед, Куулар Саян, Жамсаранов Аюша) a family name's bearers share a handful of given
# names, and a rare family name's namesakes are far commoner than its frequency times the given
# name's says (on the independent generator's v2 registries: pairs of people sharing both names
# 4 times as many as independence gives, 12 times among families of five or fewer). Where the
# batch (or the registry) holds other records of the family name, the given name's frequency is
# also read among them: (records with both names - own + k * p) / (records with the family name
# - own + k), shrunk towards its frequency p among all records as if over k such records, and the
# larger of the two is taken. `own` leaves out the records of the pair being compared (one in a
# registry or a deduplicated file, one on each side of a link).
GIVEN_WITH_FAMILY_PSEUDO = 100


def name_frequency(
    family_count: int,
    given_count: int,
    records: int,
    pair_count: int | None = None,
    own: int = 1,
) -> float:
    """The chance that a random other person bears both names: the family name's frequency
    times the given name's, read among the family name's bearers too (`pair_count`: records
    with both names; GIVEN_WITH_FAMILY_PSEUDO)."""
    given = max(term_frequency(given_count, records), GIVEN_NAME_FLOOR)
    if pair_count is not None:
        k = GIVEN_WITH_FAMILY_PSEUDO
        among_family = (max(pair_count - own, 0) + k * given) / (max(family_count - own, 0) + k)
        given = max(given, among_family)
    return term_frequency(family_count, records) * given


def name_frequencies(
    family_counts: Any, given_counts: Any, records: int, pair_counts: Any, own: int = 1
) -> Any:
    """`name_frequency` of many pairs of names at once (numpy arrays of counts, a numpy array
    out): the same operations in the same order, so the same floating-point numbers."""
    import numpy as np

    reference = float(max(records, TF_REFERENCE_RECORDS))
    given = np.maximum(np.maximum(given_counts, 1) / reference, GIVEN_NAME_FLOOR)
    k = GIVEN_WITH_FAMILY_PSEUDO
    among_family = (np.maximum(pair_counts - own, 0) + k * given) / (
        np.maximum(family_counts - own, 0) + k
    )
    given = np.maximum(given, among_family)
    return (np.maximum(family_counts, 1) / reference) * given


@dataclass(frozen=True, slots=True)
class ComparisonWeights:
    """One comparison's levels (strongest first; the last is "else") with their m and u."""

    name: str
    labels: tuple[str, ...]
    m: tuple[float, ...]
    u: tuple[float, ...]
    tf: tuple[bool, ...]  # levels adjusted by how common the family name is

    def index_of(self, value: int) -> int:
        """The level index of a comparison vector value."""
        return len(self.labels) - 1 - value

    def weight(self, value: int) -> float:
        """Match weight (log2 m/u) of a vector value; 0 when a side does not say."""
        if value < 0:
            return 0.0
        i = self.index_of(value)
        return math.log2(self.m[i] / self.u[i])

    def tf_adjustment(self, value: int, tf: float | None) -> float:
        """Splink's term-frequency adjustment: log2(u of the level) - log2(frequency)."""
        if value < 0 or tf is None:
            return 0.0
        i = self.index_of(value)
        if not self.tf[i]:
            return 0.0
        return math.log2(self.u[i]) - math.log2(max(tf, TF_MINIMUM))

    def most(self, value: int) -> float:
        """The most a vector value can weigh with any term frequency: its weight, with the
        strongest adjustment (the rarest name, TF_MINIMUM) when that raises it; 0 when a side
        does not say."""
        return self.weight(value) + max(0.0, self.tf_adjustment(value, TF_MINIMUM))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "labels": list(self.labels),
            "m": [round(v, 8) for v in self.m],
            "u": [round(v, 10) for v in self.u],
            "tf": list(self.tf),
        }


@dataclass(frozen=True, slots=True)
class Part:
    """What one comparison added to a pair's score."""

    comparison: str
    level: str
    match_weight: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "comparison": self.comparison,
            "level": self.level,
            "match_weight": round(self.match_weight, 4),
        }


@dataclass(frozen=True, slots=True)
class Scored:
    """A pair's match probability, its match weight and each comparison's part in it."""

    probability: float
    match_weight: float
    parts: tuple[Part, ...]

    def reasons(self) -> tuple[str, ...]:
        """Readable reasons, strongest evidence first (for leads and search hits)."""
        ordered = sorted(self.parts, key=lambda p: -abs(p.match_weight))
        return tuple(
            f"{p.comparison.replace('_', ' ')}: {p.level} ({p.match_weight:+.1f})"
            for p in ordered
            if p.match_weight
        )


@dataclass(frozen=True, slots=True)
class MatchModel:
    """The comparisons' weights; the prior is given per use (it depends on who is compared)."""

    comparisons: tuple[ComparisonWeights, ...]
    description: str = ""

    def comparison(self, name: str) -> ComparisonWeights:
        """One comparison by name."""
        for found in self.comparisons:
            if found.name == name:
                return found
        raise KeyError(name)

    def weight(self, levels: dict[str, int], *, prior: float, tf: float | None = None) -> float:
        """The match weight of a pair at these levels (`score` without the explanation)."""
        total = prior_weight(prior)
        for comparison in self.comparisons:
            value = levels.get(comparison.name, -1)
            if value >= 0:
                total += comparison.weight(value) + comparison.tf_adjustment(value, tf)
        return total

    def score(self, levels: dict[str, int], *, prior: float, tf: float | None = None) -> Scored:
        """Probability that a pair at these levels is one person, given the prior."""
        weight = prior_weight(prior)
        parts = []
        for comparison in self.comparisons:
            value = levels.get(comparison.name, -1)
            if value < 0:
                continue
            added = comparison.weight(value) + comparison.tf_adjustment(value, tf)
            weight += added
            label = comparison.labels[comparison.index_of(value)]
            parts.append(Part(comparison.name, label, added))
        return Scored(probability(weight), weight, tuple(parts))

    def with_shared_rates(self, counts: dict[str, tuple[int, int]]) -> MatchModel:
        """This model with the u of SHARED_FIELDS' first level ("agrees") raised to the batch's
        rate (`shared_rate` of its agreeing and comparable pairs), never lowered, never above m
        (a shared field never counts against a match); the other levels' u are scaled so that
        the comparison's u still sum as before."""
        comparisons = []
        for comparison in self.comparisons:
            if comparison.name not in counts:
                comparisons.append(comparison)
                continue
            u, m = comparison.u[0], comparison.m[0]
            raised = min(max(u, shared_rate(*counts[comparison.name], u)), m)
            rest = sum(comparison.u[1:])
            scale = (rest - (raised - u)) / rest if rest > 0 else 1.0
            new_u = (raised, *(v * scale for v in comparison.u[1:]))
            comparisons.append(dataclasses.replace(comparison, u=new_u))
        return MatchModel(tuple(comparisons), self.description)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "description": self.description,
            "comparisons": [c.to_dict() for c in self.comparisons],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchModel:
        """A model from its JSON form."""
        comparisons = tuple(
            ComparisonWeights(
                name=c["name"],
                labels=tuple(c["labels"]),
                m=tuple(float(v) for v in c["m"]),
                u=tuple(float(v) for v in c["u"]),
                tf=tuple(bool(v) for v in c["tf"]),
            )
            for c in data["comparisons"]
        )
        return cls(comparisons, str(data.get("description", "")))

    def save(self, path: Path) -> None:
        """Write the model as JSON (sorted, so the same model writes the same bytes)."""
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", "utf-8")


def prior_weight(prior: float) -> float:
    """Match weight of the prior probability."""
    prior = min(max(prior, 1e-12), 1 - 1e-12)
    return math.log2(prior / (1.0 - prior))


def probability(weight: float) -> float:
    """Probability of a match weight."""
    if weight > 60:
        return 1.0
    odds = math.pow(2.0, weight)
    return odds / (1.0 + odds)


@lru_cache(maxsize=1)
def default_model() -> MatchModel:
    """The trained default model shipped with the package; loudly missing if absent."""
    text = (
        resources.files("homecoming.match").joinpath("data/default_model.json").read_text("utf-8")
    )
    return MatchModel.from_dict(json.loads(text))
