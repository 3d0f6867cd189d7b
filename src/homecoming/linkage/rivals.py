"""Links `link` withholds: a record linked to rivals, records of the other file that cannot both
be it.

Two records of one file are rivals when they state facts that cannot be one person's: their
patronymics differ, or their dates of birth (no slip explains them, `clustering.far_apart`),
sexes or service numbers do. A record of the other file that links to both is at most one of
them. Scored one pair at a time, a list entry without a patronymic ("ВОРОБЬЕВ ВЯЧЕСЛАВ") links
to every namesake with one (Вороб'єв Вячеслав Емілевич, Вороб'йов В'ячеслав Маркович) at the same
probability, and at least one of those links is false. Of the links a record has to rivals,
`link` withholds:

- a link to a rival while another rival scores clearly higher (RIVAL_MARGIN_BITS): the best
  candidate is the one it names (Magomedov Vadim: Магомедов Вадім Шамілевич, not Магомадов
  Вадім Федосьєвич, one slip further);
- a link to a rival that another record of this record's own file claims clearly more strongly
  (the namesake whose full name, patronymic and all, is on that file too), while a rival that
  nobody claims more strongly remains: that one is the man this record names. When every rival
  is claimed more strongly elsewhere, or none is, the links stay (which one is meant is not
  known; the probability says what it can).

Human judgements stand: a pair judged the same is never withheld and counts as the strongest
link there is. Only links at or above the threshold are read; the decisions read the links as
they were scored (never a link withheld by another decision), so they do not depend on order.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homecoming.domain.dates import DateParseError, PartialDate
from homecoming.linkage.clustering import Edge, far_apart
from homecoming.match.levels import name_evidence, service_level

# A rival "scores clearly higher" by at least this many bits of match weight (twice the odds):
# rivals whose scores reach the same comparison levels tie exactly, so any margin separates
# a different level of agreement from a tie.
RIVAL_MARGIN_BITS = 1.0

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Stated:
    """What one record states that a rival's record may contradict."""

    name: str = ""
    born: PartialDate = field(default_factory=PartialDate)
    sex: str | None = None
    service_number: str | None = None  # folded (`domain.record.service_number_key`)


def rivals(a: Stated, b: Stated) -> bool:
    """Whether two records of one file state facts no one person has (see the module)."""
    if not a.born.is_empty and not b.born.is_empty and far_apart(a.born, b.born):
        return True
    if a.sex and b.sex and a.sex != b.sex:
        return True
    if service_level(a.service_number, b.service_number) == 0:
        return True
    if a.name and b.name:
        return name_evidence(a.name, b.name).patronymic == 0
    return False


def weight(probability: float) -> float:
    """The match weight (bits) of a probability; a certain link weighs infinitely."""
    if probability >= 1.0:
        return math.inf
    if probability <= 0.0:
        return -math.inf
    return math.log2(probability / (1.0 - probability))


def withheld(
    links: Iterable[Edge],
    stated: Callable[[int, set[str]], Mapping[str, Stated]],
    *,
    judged_same: frozenset[Pair] = frozenset(),
) -> frozenset[Pair]:
    """The (left, right) links to withhold among `links` (all at or above the threshold).

    `stated(side, ids)` gives what the records of those ids on that side (0 left, 1 right)
    state; only the candidates of records with two links or more are asked for."""
    weights: dict[Pair, float] = {}
    for left, right, probability in links:
        pair = (left, right)
        weights[pair] = math.inf if pair in judged_same else weight(probability)
    sides: tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]] = (
        defaultdict(dict),
        defaultdict(dict),
    )
    for (left, right), value in weights.items():
        sides[0][left][right] = value
        sides[1][right][left] = value
    crowded = [
        (side, record)
        for side in (0, 1)
        for record, candidates in sorted(sides[side].items())
        if len(candidates) > 1
    ]
    if not crowded:
        return frozenset()
    facts = [
        stated(other, {c for side, record in crowded if side != other for c in sides[side][record]})
        for other in (0, 1)
    ]
    found: set[Pair] = set()
    for side, record in crowded:
        kept = _withheld_for(record, sides[side][record], sides[1 - side], facts[1 - side])
        found |= {(record, c) if side == 0 else (c, record) for c in kept}
    return frozenset(found - judged_same)


def _withheld_for(
    record: str,
    candidates: Mapping[str, float],
    other_side: Mapping[str, Mapping[str, float]],
    facts: Mapping[str, Stated],
) -> set[str]:
    """The candidates of one record whose links to it are withheld."""
    ordered = sorted(candidates)
    rival_of = {
        c: [d for d in ordered if d != c and rivals(facts.get(c, Stated()), facts.get(d, Stated()))]
        for c in ordered
    }
    outscored = {
        c
        for c in ordered
        if any(candidates[d] >= candidates[c] + RIVAL_MARGIN_BITS for d in rival_of[c])
    }
    claimed = {
        c
        for c in ordered
        if c not in outscored
        and any(
            value >= candidates[c] + RIVAL_MARGIN_BITS
            for other, value in other_side[c].items()
            if other != record
        )
    }
    free = {c for c in ordered if c not in outscored and c not in claimed}
    return outscored | {c for c in claimed if any(d in free for d in rival_of[c])}


def stated_in(features: Any, ids: set[str]) -> dict[str, Stated]:
    """What the records of `ids` state, from a features table (`linkage.features`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not ids:
        return {}
    chosen = pa.array(sorted(ids), pa.string())
    rows = features.filter(pc.is_in(features.column("unique_id"), value_set=chosen))
    columns = ["unique_id", "name_text", "dob_year", "dob_month", "dob_day", "sex"]
    found: dict[str, Stated] = {}
    for row in rows.select([*columns, "service_number"]).to_pylist():
        found[row["unique_id"]] = Stated(
            name=row["name_text"] or "",
            born=_born(row["dob_year"], row["dob_month"], row["dob_day"]),
            sex=row["sex"] or None,
            service_number=row["service_number"] or None,
        )
    return found


def _born(year: int | None, month: int | None, day: int | None) -> PartialDate:
    try:
        return PartialDate(year, month if year is not None else None, day if month else None)
    except DateParseError:
        return PartialDate()
