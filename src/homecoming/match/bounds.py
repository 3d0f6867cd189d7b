"""The most a pair's match weight can be before its names are compared.

Comparing two names (the names engine) is what scoring a pair costs; the other comparisons
(date of birth, sex, service number, unit, place of birth) cost next to nothing. A pair's
match weight is the prior's weight plus one part per comparison. `best_weight` adds, for the
names and the patronymic, the most any of their levels weighs with the strongest
term-frequency adjustment (`ComparisonWeights.most`: the rarest name, or no adjustment where a
frequency can only lower it), and for the other comparisons their own levels: those read the
names only through whether they agree (`NameEvidence.agree`), are two letters apart
(`.apart`) or disagree (NAMES_DISAGREE), so each of those few outcomes is tried with the best
name level that gives it (`levels.levels_with_names`; the patronymic is tried unknown: a
patronymic that differs only lowers the service number's level). Whatever the names turn out
to be and however common they are, the pair's match weight is at most that; a pair whose bound
is under a floor's weight never reaches the floor, and its names need not be compared.

Batch linkage prunes its candidate pairs the same way in SQL, over Splink's comparisons
(`linkage.bounds`); both keep MARGIN bits for the order in which floating-point sums are added.
tests/tracing/test_could_lead.py checks the bound against the model's own weight on generated
pairs, at several priors and name frequencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from homecoming.match.levels import (
    NAME_LEVELS,
    NAMES_DISAGREE,
    NULL,
    Facts,
    NameEvidence,
    levels_with_names,
    levels_without_names,
)
from homecoming.match.model import MatchModel, prior_weight

MARGIN = 1e-6
NAMES = ("name", "patronymic")


@dataclass(frozen=True, slots=True)
class _Table:
    """A model's weights as the bound reads them: for each way the other levels can read the
    names (a representative evidence), the most the names and the patronymic weigh when they
    come out that way; and each comparison's `most` by vector value (index: value + 1)."""

    outcomes: tuple[tuple[NameEvidence, float], ...]
    most: dict[str, tuple[float, ...]]
    # The comparisons `levels_with_names` and `levels_without_names` give, but the names'.
    with_names: tuple[str, ...]
    without_names: tuple[str, ...]


@lru_cache(maxsize=4)
def _table(model: MatchModel) -> _Table:
    most = {
        c.name: tuple(c.most(value) for value in range(NULL, len(c.labels)))
        for c in model.comparisons
    }
    best_patronymic = max(most["patronymic"])  # NULL (0) among them
    best: dict[tuple[bool, bool, bool], tuple[NameEvidence, float]] = {}
    for value in range(NULL, len(NAME_LEVELS)):
        for family_same in (False, True):
            names = NameEvidence(value, NULL, None, family_same)
            read_as = (names.agree, names.apart, names.name in NAMES_DISAGREE)
            weight = most["name"][value + 1] + best_patronymic
            if read_as not in best or best[read_as][1] < weight:
                best[read_as] = (names, weight)
    sample = Facts("")
    with_names = levels_with_names(sample, sample, NameEvidence(NULL, NULL, None))
    return _Table(
        tuple(best.values()),
        most,
        tuple(n for n in with_names if n in most and n not in NAMES),
        tuple(n for n in levels_without_names(sample, sample) if n in most),
    )


def best_weight(model: MatchModel, a: Facts, b: Facts, *, prior: float) -> float:
    """At least the match weight `model.weight` gives `compare_facts(a, b)`'s levels, at any
    term frequency, without comparing the names."""
    table = _table(model)
    most = table.most
    levels = levels_without_names(a, b)
    total = prior_weight(prior) + sum(most[n][levels[n] + 1] for n in table.without_names)
    best = float("-inf")
    for names, weight in table.outcomes:
        levels = levels_with_names(a, b, names)
        best = max(best, weight + sum(most[n][levels[n] + 1] for n in table.with_names))
    return total + best


def may_reach(model: MatchModel, a: Facts, b: Facts, *, prior: float, probability: float) -> bool:
    """False only when the pair's probability is certainly under `probability`, whatever its
    names (`best_weight`, less MARGIN bits)."""
    return best_weight(model, a, b, prior=prior) >= prior_weight(probability) - MARGIN
