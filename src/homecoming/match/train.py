"""Train the shipped default model: `python -m homecoming.match.train [--out PATH]`.

m (how often each level occurs between two records of one person) is counted over every true
pair of a generated registry; u (how often between two different persons) over random pairs
of it. Levels adjusted by term frequency take their weight from how common the family name
is, not from u. Every m is kept at or above M_FLOOR: the generator is not the world, and a
level it rarely produced for true pairs (names that differ, dates far apart) must not weigh
as if impossible on real lists.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

from homecoming.generate.records import generate_dataset, pairs
from homecoming.match.levels import (
    COMPARISON_LEVELS,
    DOB_LEVELS,
    NAME_LEVELS,
    SERVICE_LEVELS,
    TF_NAME_LEVELS,
    Facts,
    compare_facts,
    dob_level,
    facts_of,
    service_level,
)
from homecoming.match.model import ComparisonWeights, MatchModel

DEFAULT_PATH = Path(__file__).with_name("data") / "default_model.json"
M_FLOOR = 0.01
# A man's unit differs between two of his records far more often than the generator makes it:
# transfers, a battalion written for its brigade, a unit given from memory.
M_FLOORS = {"unit": 0.2}
U_FLOOR = 1e-6
# The people on one list were often taken in one battle: a unit is shared by far more of them
# than the generator's hundred units suggest.
U_FLOORS = {"unit": 0.05}
SEED = 20261202
# The joint level "a near date, and a name that does not agree" (levels.DOB_LEVELS): the
# generator makes no one whose surname is a letter off another's with the same given name,
# patronymic and a near date, so u counted on its random pairs says nothing of them. Its
# weight is set instead (chosen on the independent generator's dev split, never its test
# splits): such a pair is somewhat more often two people than one.
JOINT_LEVEL = "a near date, and a name that does not agree"
JOINT_WEIGHT = -4.0
# The joint level "service number agrees, but the name and the year of birth do not"
# (levels.SERVICE_LEVELS): the generator never copies a number onto another person's row, so
# its weight is set too (chosen on the independent generator's dev split): a hint, not proof.
SERVICE_CONFLICT_LEVEL = SERVICE_LEVELS[2]
SERVICE_CONFLICT_WEIGHT = 2.0
# The joint level "no date to compare, and one name part two letters off or more"
# (levels.DOB_LEVELS): the generator makes no near-namesakes, so random pairs say nothing of
# them; without a date such a pair is as often two people as one (chosen on the independent
# generator's dev split: name-only pairs with hard negatives).
UNDATED_APART_LEVEL = DOB_LEVELS[-2]
UNDATED_APART_WEIGHT = -4.0
# A name written in the other language's form (Александр / Олександр, Kuzmichev / Кузьмічов)
# is the same name: how often the generator's true pairs happen to be written so (one pair in
# nine; on a Russian list against a Ukrainian registry, most) is no evidence of who they are.
# Both levels weigh by how rare the name is (term frequency), so the form's m is the same
# name's: FORM_LEVEL takes SAME_NAME_LEVEL's m (m of the name no longer sums to one, as u of a
# set level does not). Measured on the independent generator's tuning splits (dev, test7 to
# test11, both populations, list entries searched and resolved at 0.9): 33 more of 19,200
# listed people resolved, 3 more false (namesakes of rare names, one of 4,800 absent people
# resolved per 1,600 more listed ones).
# So is a given name written in an everyday or variant form (Сьома / Семен, Vasia / Василь,
# Илюша / Ілля): how often a list writes it so says nothing of who is listed, and the level is
# weighed by the rarity of the name as FORM_LEVEL is. With the generator's m (one true pair in
# twenty-five) it weighed four bits less than the name written in full, so a list entry naming
# a man by his everyday name with a near date, or without a patronymic, stayed under the
# resolving score (docs/benchmarks.md, 2026-12-07).
SAME_NAME_LEVEL = NAME_LEVELS[0]
FORM_LEVEL = NAME_LEVELS[1]
VARIANT_LEVEL = NAME_LEVELS[2]
AS_SAME_NAME = (FORM_LEVEL, VARIANT_LEVEL)
SET_WEIGHTS = {
    JOINT_LEVEL: JOINT_WEIGHT,
    SERVICE_CONFLICT_LEVEL: SERVICE_CONFLICT_WEIGHT,
    UNDATED_APART_LEVEL: UNDATED_APART_WEIGHT,
}


def _counts(facts: dict[str, Facts], pair_ids: list[tuple[str, str]]) -> dict[str, Counter[int]]:
    counts: dict[str, Counter[int]] = {name: Counter() for name in COMPARISON_LEVELS}
    for left, right in pair_ids:
        levels, _ = compare_facts(facts[left], facts[right])
        # Dates are counted as if the names agreed: how often two people's dates are one slip
        # apart does not depend on their names, and the joint level's weight is set (below).
        levels["date_of_birth"] = dob_level(facts[left].born, facts[right].born)
        # And service numbers as if there were no conflict: the joint level's weight is set.
        levels["service_number"] = service_level(
            facts[left].service_number, facts[right].service_number
        )
        for name, value in levels.items():
            if value >= 0:
                counts[name][value] += 1
    return counts


def _shares(counter: Counter[int], labels: tuple[str, ...], floor: float) -> tuple[float, ...]:
    total = sum(counter.values())
    values = [len(labels) - 1 - i for i in range(len(labels))]
    raw = [(counter[v] / total) if total else 1.0 / len(labels) for v in values]
    floored = [max(share, floor) for share in raw]
    norm = sum(floored)
    return tuple(share / norm for share in floored)


def _with_weight(
    m: tuple[float, ...], u: tuple[float, ...], index: int, weight: float
) -> tuple[float, ...]:
    """u with level `index` set so that its weight log2(m/u) is `weight`.

    The other levels keep the u counted for them (so their weights are the trained ones); the
    set level stands for pairs that random pairs do not represent, so u no longer sums to one.
    """
    return tuple(m[index] / 2.0**weight if i == index else v for i, v in enumerate(u))


def train(records: int = 30_000, *, seed: int = SEED, random_pairs: int = 1_500_000) -> MatchModel:
    """A model trained on a generated registry of `records` records."""
    data = list(generate_dataset(records, seed=seed, records_per_person=2.0))
    facts = {r.record_id: facts_of(r.fields) for r in data}
    truth = {r.record_id: r.truth_person_id for r in data}
    true_pairs = list(pairs(data))
    rng = random.Random(seed)
    ids = sorted(facts)
    other: list[tuple[str, str]] = []
    while len(other) < random_pairs:
        a, b = rng.choice(ids), rng.choice(ids)
        if truth[a] != truth[b]:
            other.append((a, b))
    m_counts, u_counts = _counts(facts, true_pairs), _counts(facts, other)
    comparisons = []
    for name, labels in COMPARISON_LEVELS.items():
        tf = tuple(name == "name" and i in TF_NAME_LEVELS for i in range(len(labels)))
        m = _shares(m_counts[name], labels, M_FLOORS.get(name, M_FLOOR))
        if name == "name":
            same = m[labels.index(SAME_NAME_LEVEL)]
            taken = {labels.index(level) for level in AS_SAME_NAME}
            m = tuple(same if i in taken else v for i, v in enumerate(m))
        u = _shares(u_counts[name], labels, U_FLOORS.get(name, U_FLOOR))
        for level, weight in SET_WEIGHTS.items():
            if level in labels:
                u = _with_weight(m, u, labels.index(level), weight)
        comparisons.append(ComparisonWeights(name=name, labels=labels, m=m, u=u, tf=tf))
    description = (
        f"trained by homecoming.match.train on {records} generated records (seed {seed}): "
        f"m over {len(true_pairs)} true pairs (floor {M_FLOOR}, units {M_FLOORS['unit']}), "
        f"u over {random_pairs} random pairs (floor {U_FLOOR}, units {U_FLOORS['unit']}); "
        + "; ".join(f"{level!r} set to {weight} bits" for level, weight in SET_WEIGHTS.items())
        + f"; {' and '.join(repr(level) for level in AS_SAME_NAME)} take the m of "
        + f"{SAME_NAME_LEVEL!r}"
    )
    return MatchModel(tuple(comparisons), description)


def main(argv: list[str] | None = None) -> int:
    """Train and write the default model."""
    parser = argparse.ArgumentParser(prog="python -m homecoming.match.train", description=__doc__)
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--random-pairs", type=int, default=1_500_000)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    model = train(args.records, random_pairs=args.random_pairs)
    model.save(args.out)
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
